"""Workshop -> Markdown: the same content as the sheets, full texts, for wikis and documents.

Every value the template prints goes through :func:`md_escape` (Jinja ``finalize``), so a name
such as ``« Léa & Œdipe <b> »`` reads as typed once rendered and never becomes markup. Only text
built here on purpose (table rows) is marked :class:`MdSafe`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from personas.model import Workshop

from .view import document_view, one_line

_HERE = Path(__file__).resolve().parent
_ALWAYS = re.compile(r"([\\`*\[\]<>|~]|(?<!\w)_|_(?!\w))")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])(?=\s|$)")   # a heading or list marker
_RULE = re.compile(r"^[\s\-=]+$")                             # a thematic break or setext line


class MdSafe(str):
    """Markdown written by this module: printed as it is."""


def md_escape(value: object) -> str:
    """Inline Markdown text from any value: one line, markup characters backslash-escaped."""
    if isinstance(value, MdSafe):
        return value
    text = one_line(value)
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    if _RULE.match(text):
        return re.sub(r"([\-=])", r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + re.sub(r"([#+\-=.)])", r"\\\1", m.group(2)), text)


def table(headers: list[str], rows: list[list[str]]) -> MdSafe:
    """A GitHub-flavoured table with every cell escaped."""
    lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |",
             "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return MdSafe("\n".join(lines))


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(_HERE / "templates")), autoescape=False,
                      undefined=StrictUndefined, finalize=md_escape, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(
        table=table,
        trait_rows=lambda traits: [[x["label"], x["value_text"], x["level"]] for x in traits],
        channel_rows=lambda channels: [[x["label"], x["share_text"]] for x in channels],
        journey_rows=lambda rows: [[r["topic"], r["share_text"], r["channels"]] for r in rows],
        validation_rows=lambda rows: [[r["persona"], r["recognised"], r["reservations"]] for r in rows],
        source_rows=lambda sources: [[s["role"], s["name"], s["hash"], s["rows"], s["date"]] for s in sources],
    )
    return env


def render_markdown(ws: Workshop, *, lang: str | None = None, title: str | None = None) -> str:
    """The overview, every persona in full (no shortening), and the method."""
    doc = document_view(ws, lang=lang, fit=False, title=title)
    text = _environment().get_template("document.md.j2").render(doc=doc, t=doc["t"])
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
