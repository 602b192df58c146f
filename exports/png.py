"""PDF -> one PNG per page (the overview, each sheet, the method), for intranet pages and e-mails.

Rendered by pdfium (pypdfium2) from the very PDF that prints: no browser, and the images show
exactly what the PDF shows.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

DEFAULT_DPI = 110


def pdf_to_pngs(pdf: bytes, *, dpi: int = DEFAULT_DPI) -> list[bytes]:
    """PNG bytes of every page of ``pdf``, in order, at ``dpi`` dots per inch."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False)
            pages.append(buffer.getvalue())
        return pages
    finally:
        document.close()


def page_paths(path: str | Path, count: int) -> list[Path]:
    """``sheets.png`` -> ``sheets-01.png``, ``sheets-02.png``… (numbered so they sort in page order)."""
    path = Path(path)
    stem = path.stem if path.suffix.lower() == ".png" else path.name
    width = max(2, len(str(count)))
    return [path.with_name(f"{stem}-{i:0{width}d}.png") for i in range(1, count + 1)]


def pages_zip(pages: list[bytes], stem: str = "page") -> bytes:
    """The pages as one ZIP (``page-01.png``…): a single download for the app."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, data in zip(page_paths(f"{stem}.png", len(pages)), pages):
            archive.writestr(path.name, data)
    return buffer.getvalue()
