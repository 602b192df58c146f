"""HTML -> PDF with WeasyPrint: tagged PDF/UA-1, fonts embedded (subsets), language and title set.

The document carries everything inline (stylesheet, logo as a data URI), so the fetcher allows
``data:`` URLs only: rendering never reads a local file or the network, whatever the HTML says.
"""
from __future__ import annotations

PDF_VARIANT = "pdf/ua-1"


def render_pdf(html: str) -> bytes:
    """PDF bytes of a document made by :func:`exports.render_html`."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
