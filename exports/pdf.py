"""HTML -> PDF with WeasyPrint: tagged PDF/UA-1, fonts embedded (subsets), language and title set.

The document carries everything inline (stylesheet, logo and pictograms as data URIs), so the
fetcher allows ``data:`` URLs only: rendering never reads a local file or the network, whatever
the HTML says. A3 posters are the A4 layout zoomed by 420/297 (page, type and pictures alike,
about √2): on a page laid out 297 mm high and 210.02 mm wide (A4 within 0.02 mm, which ISO's
rounding of millimetres leaves), the zoom gives an A3 page of exactly 841.9 × 1190.6 pt.
"""
from __future__ import annotations

from workshop_data.errors import DataError

PDF_VARIANT = "pdf/ua-1"
#: paper -> (zoom, page size laid out before the zoom, or None for the stylesheet's A4)
PAPERS = {"a4": (1.0, None), "a3": (420 / 297, f"{297 * 297 / 420:.4f}mm 297mm")}


def render_pdf(html: str, *, paper: str = "a4") -> bytes:
    """PDF bytes of a document made by :func:`exports.render_html`, on A4 (default) or A3 pages."""
    if paper not in PAPERS:
        raise DataError("unknown paper size", column="paper", found=paper, expected=" | ".join(PAPERS))
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    zoom, size = PAPERS[paper]
    if size:  # last in the document's cascade, so it wins over the stylesheet's A4
        html = html.replace("</head>", f"<style>@page {{ size: {size}; }}</style></head>", 1)
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, zoom=zoom)
