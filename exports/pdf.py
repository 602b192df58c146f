"""HTML -> PDF with WeasyPrint: tagged PDF/UA-1, fonts embedded (subsets), language and title set.

The document carries everything inline (stylesheet, logo and pictograms as data URIs), so the
fetcher allows ``data:`` URLs only: rendering never reads a local file or the network, whatever
the HTML says. A3 posters are the A4 layout scaled by √2 (page, type and pictures alike): the
proportions of ISO paper make that exactly an A3 page, 841.9 × 1190.6 pt.
"""
from __future__ import annotations

import math

from workshop_data.errors import DataError

PDF_VARIANT = "pdf/ua-1"
PAPERS = {"a4": 1.0, "a3": math.sqrt(2)}


def render_pdf(html: str, *, paper: str = "a4") -> bytes:
    """PDF bytes of a document made by :func:`exports.render_html`, on A4 (default) or A3 pages."""
    if paper not in PAPERS:
        raise DataError("unknown paper size", column="paper", found=paper, expected=" | ".join(PAPERS))
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True,
                                                            zoom=PAPERS[paper])
