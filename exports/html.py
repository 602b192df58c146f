"""Workshop -> HTML: the printable document (overview, one A4 sheet per persona, method page).

The same HTML is the app's preview and the PDF's source, so what people see is what prints. User
text is always escaped (Jinja2 autoescape); the stylesheet is inlined so the document stands alone.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from personas.model import Workshop
from workshop_data.errors import DataError
from workshop_data.messages import msg

from .theme import Theme, load_theme
from .view import document_view

_HERE = Path(__file__).resolve().parent


def css_string(value: object) -> Markup:
    """A CSS string literal no text can break out of: everything but ASCII letters and digits is escaped.

    Spaces too, because CSS swallows one whitespace after a hex escape.
    """
    out = []
    for char in str(value or ""):
        out.append(char if char.isascii() and char.isalnum() else f"\\{ord(char):06x}")
    return Markup('"' + "".join(out) + '"')


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(_HERE / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    return env


@lru_cache(maxsize=1)
def _stylesheet_source() -> str:
    return (_HERE / "static" / "sheet.css").read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def stylesheet(primary: str, accent: str, on_primary: str) -> str:
    """sheet.css with the theme's colours written in place of its variables.

    WeasyPrint resolves ``var()`` for every element that uses one: substituting the (validated)
    colours once here takes about 6 % off the PDF step of ten personas.
    """
    return (_stylesheet_source().replace("var(--primary)", primary).replace("var(--accent)", accent)
            .replace("var(--on-primary)", on_primary))


def _themed(css: str, theme: Theme) -> str:
    return (css.replace("var(--primary)", theme.primary).replace("var(--accent)", theme.accent)
            .replace("var(--on-primary)", theme.on_primary))


@lru_cache(maxsize=1)
def poster_stylesheet() -> str:
    """The A3 poster's layout (poster.css), written after sheet.css so that it wins."""
    return (_HERE / "static" / "poster.css").read_text(encoding="utf-8")


def render_html(ws: Workshop, *, lang: str | None = None, theme: Theme | None = None,
                persona_id: str | None = None, title: str | None = None, paper: str = "a4") -> str:
    """The whole document, or only ``persona_id``'s sheet (the app's preview of one sheet).

    ``title`` replaces the default title (the theme's organisation and the date). ``paper="a3"``
    lays the sheets out as wall posters (poster.css: larger type, two text columns), not as the A4
    page scaled up.
    """
    return render_document(ws, lang=lang, theme=theme, persona_id=persona_id, title=title, paper=paper)[0]


def render_document(ws: Workshop, *, lang: str | None = None, theme: Theme | None = None,
                    persona_id: str | None = None, title: str | None = None,
                    paper: str = "a4") -> tuple[str, dict[str, Any]]:
    """:func:`render_html`'s page and the view it was made of (the PNG pages' alternative texts
    are written from it)."""
    if persona_id is not None and persona_id not in {p.id for p in ws.personas}:
        raise DataError(msg("export.no_such_persona"), column="persona_id", found=persona_id,
                        expected=" | ".join(p.id for p in ws.personas))
    theme = theme or load_theme()
    doc = document_view(ws, lang=lang, persona_id=persona_id, theme=theme, title=title, paper=paper)
    template = _environment().get_template("document.html.j2")
    css = stylesheet(theme.primary, theme.accent, theme.on_primary)
    poster = Markup(_themed(poster_stylesheet(), theme)) if paper == "a3" else ""
    page = template.render(doc=doc, t=doc["t"], theme=theme, css=Markup(css), poster=poster,
                           single=persona_id is not None)
    return page, doc
