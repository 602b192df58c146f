"""Exports: pure renderers from a Workshop to HTML, Markdown, CSV, YAML, and the PDF step.

Renderers take a workshop and return text or bytes; only :func:`write_export` touches the disk,
atomically, so a failed export never leaves a partial file. The app and the command line both
call these functions, so a preview is exactly what prints.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from personas.model import Workshop
from workshop_data.errors import DataError
from workshop_data.files import atomic_write_bytes

from .html import render_html
from .markdown import render_markdown
from .pdf import render_pdf
from .tables import render_csv
from .theme import Theme, load_theme

FORMATS = ("pdf", "html", "md", "csv", "yaml")

__all__ = ["FORMATS", "Theme", "load_theme", "render_bytes", "render_csv", "render_html",
           "render_markdown", "render_pdf", "render_yaml", "write_export"]


def render_yaml(ws: Workshop) -> str:
    """The workshop file, as the store writes it (falls back to a plain dump of ``to_dict``)."""
    try:
        from personas.store import dump_workshop
    except ImportError:
        return yaml.safe_dump(ws.to_dict(), allow_unicode=True, sort_keys=False)
    text = dump_workshop(ws)
    return text.decode("utf-8") if isinstance(text, bytes) else text


def render_bytes(ws: Workshop, fmt: str, *, lang: str | None = None, theme: Theme | None = None) -> bytes:
    """The export of ``ws`` in ``fmt`` (one of FORMATS) as bytes."""
    if fmt == "pdf":
        return render_pdf(render_html(ws, lang=lang, theme=theme))
    if fmt == "html":
        return render_html(ws, lang=lang, theme=theme).encode("utf-8")
    if fmt == "md":
        return render_markdown(ws, lang=lang).encode("utf-8")
    if fmt == "csv":
        return render_csv(ws)
    if fmt == "yaml":
        return render_yaml(ws).encode("utf-8")
    raise DataError("unknown export format", column="format", found=fmt, expected=" | ".join(FORMATS))


def write_export(ws: Workshop, fmt: str, path: str | Path, *, lang: str | None = None,
                 theme: Theme | None = None) -> Path:
    """Render, then write atomically: the file is complete or absent, never half written."""
    data = render_bytes(ws, fmt, lang=lang, theme=theme)
    path = Path(path)
    atomic_write_bytes(path, data)
    return path
