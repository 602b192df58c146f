"""HTML -> PDF with WeasyPrint: tagged PDF/UA-1, fonts embedded (subsets), language and title set.

The document carries everything inline (stylesheet, logo and pictograms as data URIs), so the
fetcher allows ``data:`` URLs only: rendering never reads a local file or the network, whatever
the HTML says. The page size is the stylesheet's: A4, or A3 for a document rendered with
``paper="a3"`` (exports/static/poster.css, a layout of its own, not the A4 page scaled up).

What people wrote stays in the workshop's language in a document of another; the HTML marks it
with ``lang``, and the PDF's structure tree must say it too (PDF/UA: a screen reader switches its
voice on the ``Lang`` of a structure element). WeasyPrint tags the document's language only, so
:func:`_tag_languages` adds the ``Lang`` of every element that sets its own to the structure
element WeasyPrint builds for it (a wrapper around its tree builder, installed once).
"""
from __future__ import annotations

from workshop_data.errors import DataError
from workshop_data.messages import msg

PDF_VARIANT = "pdf/ua-1"
PAPERS = ("a4", "a3")
_TAGGED = "_persona_workshop_lang"


def _tag_languages() -> None:
    """Wrap WeasyPrint's structure-tree builder so that an element's own ``lang`` becomes the
    ``Lang`` of its structure element (inherited by everything under it, PDF 1.7 §14.9.2)."""
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, _TAGGED, False):
        return

    def with_language(box, *args, **kwargs):
        element = getattr(box, "element", None)
        # The root's language is the catalogue's /Lang already; only elements setting their own count.
        own = element is not None and getattr(box, "element_tag", None) not in ("html", "body")
        lang = element.get("lang") if own else None
        for element in build(box, *args, **kwargs):
            if lang and element.get("S") not in ("/Document", None) and "Lang" not in element:
                element["Lang"] = tags.pydyf.String(lang)   # WeasyPrint's own PDF writer
            yield element

    setattr(with_language, _TAGGED, True)
    tags._build_box_tree = with_language


def render_pdf(html: str, *, paper: str = "a4") -> bytes:
    """PDF bytes of a document made by :func:`exports.render_html` (with the same ``paper``)."""
    if paper not in PAPERS:
        raise DataError(msg("export.unknown_paper"), column="paper", found=paper, expected=" | ".join(PAPERS))
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    _tag_languages()
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
