"""Exports: pure renderers from a Workshop to HTML, Markdown, CSV, YAML, PDF, PowerPoint and PNG.

Renderers take a workshop and return text or bytes; only :func:`write_export` touches the disk,
atomically, so a failed export never leaves a partial file. The app and the command line both
call these functions, so a preview is exactly what prints.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from personas.model import Workshop
from workshop_data.errors import DataError
from workshop_data.messages import msg
from workshop_data.files import atomic_write_bytes

from .html import render_html
from .markdown import render_markdown
from .pdf import PAPERS, render_pdf
from .tables import CSV_HEADERS, CSV_SEPARATORS, render_csv
from .theme import Theme, load_theme

FORMATS = ("pdf", "html", "md", "csv", "yaml", "pptx", "png")

__all__ = ["CSV_HEADERS", "CSV_SEPARATORS", "FORMATS", "PAPERS", "Theme", "default_title", "load_theme",
           "render_bytes", "render_csv", "render_html", "render_markdown", "render_pages", "render_pdf",
           "render_pptx", "render_yaml", "write_export"]


def render_yaml(ws: Workshop) -> str:
    """The workshop file, as the store writes it (falls back to a plain dump of ``to_dict``)."""
    try:
        from personas.store import dump_workshop
    except ImportError:
        return yaml.safe_dump(ws.to_dict(), allow_unicode=True, sort_keys=False)
    text = dump_workshop(ws)
    return text.decode("utf-8") if isinstance(text, bytes) else text


def default_title(ws: Workshop, *, lang: str | None = None, theme: Theme | None = None) -> str:
    """The title a document gets when none is asked for (the theme's organisation and the date)."""
    from .formatting import translator
    from .overview import document_title

    t = translator(lang or ws.lang)
    return document_title(ws, t, t.lang, theme or load_theme(), None)


def render_pptx(ws: Workshop, *, lang: str | None = None, theme: Theme | None = None,
                title: str | None = None) -> bytes:
    """The editable deck (see :mod:`exports.deck`; python-pptx is imported only here)."""
    from .deck import render_pptx as deck

    return deck(ws, lang=lang, theme=theme, title=title)


def render_pages(ws: Workshop, *, lang: str | None = None, theme: Theme | None = None, paper: str = "a4",
                 title: str | None = None) -> tuple[list[bytes], list[str]]:
    """One PNG per page of the PDF (overview, each sheet, method), rendered from the PDF itself,
    and each page's alternative text."""
    from .html import render_document
    from .png import page_alts, pdf_to_pngs

    page, doc = render_document(ws, lang=lang, theme=theme, title=title, paper=paper)
    pages, texts = pdf_to_pngs(render_pdf(page, paper=paper))
    return pages, page_alts(doc, texts)


def render_bytes(ws: Workshop, fmt: str, *, lang: str | None = None, theme: Theme | None = None,
                 paper: str = "a4", title: str | None = None, sep: str | None = None,
                 headers: str = "keys") -> bytes:
    """The export of ``ws`` in ``fmt`` (one of FORMATS) as bytes; ``png`` is a ZIP of the page
    images and their alternative texts. ``sep`` and ``headers``: see :func:`render_csv`."""
    if fmt == "pdf":
        return render_pdf(render_html(ws, lang=lang, theme=theme, title=title, paper=paper), paper=paper)
    if fmt == "html":
        return render_html(ws, lang=lang, theme=theme, title=title, paper=paper).encode("utf-8")
    if fmt == "md":
        return render_markdown(ws, lang=lang, title=title).encode("utf-8")
    if fmt == "csv":
        return render_csv(ws, lang=lang, sep=sep, headers=headers)
    if fmt == "yaml":
        return render_yaml(ws).encode("utf-8")
    if fmt == "pptx":
        return render_pptx(ws, lang=lang, theme=theme, title=title)
    if fmt == "png":
        from .png import pages_zip

        return pages_zip(*render_pages(ws, lang=lang, theme=theme, paper=paper, title=title))
    raise DataError(msg("export.unknown_format"), column="format", found=fmt, expected=" | ".join(FORMATS))


def write_export(ws: Workshop, fmt: str, path: str | Path, *, lang: str | None = None,
                 theme: Theme | None = None, paper: str = "a4", title: str | None = None,
                 sep: str | None = None, headers: str = "keys") -> list[Path]:
    """Render, then write atomically: the files are complete or absent, never half written.

    Returns the files written: one, or for ``png`` one per page (``out-01.png``, ``out-02.png``…)
    and their alternative texts (``out-alt.txt``).
    """
    path = Path(path)
    if fmt != "png":
        atomic_write_bytes(path, render_bytes(ws, fmt, lang=lang, theme=theme, paper=paper, title=title,
                                              sep=sep, headers=headers))
        return [path]
    from .png import alt_path, alt_text_file, page_paths

    pages, alts = render_pages(ws, lang=lang, theme=theme, paper=paper, title=title)
    paths = page_paths(path, len(pages))
    files = [*zip(paths, pages), (alt_path(path), alt_text_file([p.name for p in paths], alts))]
    try:
        for file_path, data in files:
            atomic_write_bytes(file_path, data)
    except BaseException:
        for file_path, _ in files:
            file_path.unlink(missing_ok=True)
        raise
    return [p for p, _ in files]
