"""PNG images of every page (the overview, each sheet, the method), for intranet pages and e-mails,
with a text file of their alternative texts.

Rendered by pdfium (pypdfium2) from the very PDF that prints: no browser, and the images show
exactly what the PDF shows, at 150 dots per inch (sharp on a screen, legible once printed). An
image carries no text a screen reader can reach, so each page gets an alternative text: what
the page is and what it says in a few sentences, from the same view the page was made of.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

DEFAULT_DPI = 150


def pdf_to_pngs(pdf: bytes, *, dpi: int = DEFAULT_DPI) -> tuple[list[bytes], list[str]]:
    """PNG bytes of every page of ``pdf``, in order, at ``dpi`` dots per inch, and each page's text."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages, texts = [], []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False, dpi=(dpi, dpi))
            pages.append(buffer.getvalue())
            texts.append(page.get_textpage().get_text_range())
        return pages, texts
    finally:
        document.close()


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("\ufffe", "").split()).casefold()


def _sheet_alt(doc: dict[str, Any], sheet: dict[str, Any], t: Any) -> str:
    parts = [t("png.sheet", name=sheet["name"], archetype=sheet["archetype"])]
    if not sheet["small"]:
        parts.append(t("png.figures", size=sheet["size_text"], share=sheet["share_text"]))
        if sheet["channels"]:
            main = sheet["channels"][0]
            parts.append(t("png.channel", channel=main["label"].lower() if doc["lang"] == "fr" else main["label"],
                           share=main["share_text"]))
    if sheet["quote"]:
        parts.append(t("png.quote", quote=sheet["quote"]))
    levers = next((s.items for s in sheet["sections"] if s.key == "levers"), [])
    if levers:
        parts.append(t("png.lever", lever=levers[0]))
    return " ".join(parts)


def page_alts(doc: dict[str, Any], texts: list[str]) -> list[str]:
    """One alternative text per page: the overview, a persona's sheet (or its continuation), the
    method page or the appendix, recognised by their words (a sheet's first page has its name and
    "Archétype :", the method and appendix pages start with their titles)."""
    t = doc["t"]
    sheets = [(s, _flat(s["name"])[:60]) for s in doc["sheets"]]
    label = _flat(t("sheet.archetype") + t("punct.colon"))      # a sheet's first page: "Archétype :"
    alts: list[str] = []
    current = None
    for index, text in enumerate(texts):
        flat = _flat(text)
        head = flat[:400]
        if index == 0:
            rows = t("punct.list_sep").join(f"{r['name']} {r['share_text']}" for r in doc["overview"]["rows"])
            alts.append(" ".join([t("png.overview", title=doc["title"]), doc["overview_intro"],
                                  *doc["overview"]["structure"][:1], t("png.rows", rows=rows)]))
            continue
        match = next((s for s, name in sheets if name and name in flat), None) if label in flat else None
        if _flat(t("doc.appendix")) in head:
            current = None
            alts.append(t("png.appendix"))
        elif _flat(t("doc.method")) in head:
            current = None
            alts.append(" ".join([t("png.method"), *doc["sureness"][:1]]))
        elif match is not None and match is not current:
            current = match
            alts.append(_sheet_alt(doc, match, t))
        elif current is not None:
            alts.append(t("png.continued", name=current["name"]))
        else:
            alts.append(t("png.continued_doc", title=doc["title"]))
    return alts


def alt_text_file(paths: list[str], alts: list[str]) -> bytes:
    """The alternative texts as one UTF-8 text file: each image's name, then its text."""
    blocks = [f"{name}\n{alt}\n" for name, alt in zip(paths, alts)]
    return "\n".join(blocks).encode("utf-8")


def page_paths(path: str | Path, count: int) -> list[Path]:
    """``sheets.png`` -> ``sheets-01.png``, ``sheets-02.png``… (numbered so they sort in page order)."""
    path = Path(path)
    stem = path.stem if path.suffix.lower() == ".png" else path.name
    width = max(2, len(str(count)))
    return [path.with_name(f"{stem}-{i:0{width}d}.png") for i in range(1, count + 1)]


def alt_path(path: str | Path) -> Path:
    """``sheets.png`` -> ``sheets-alt.txt``: the alternative texts beside the pages."""
    path = Path(path)
    stem = path.stem if path.suffix.lower() == ".png" else path.name
    return path.with_name(f"{stem}-alt.txt")


def pages_zip(pages: list[bytes], alts: list[str], stem: str = "page") -> bytes:
    """The pages and their alternative texts as one ZIP (``page-01.png``…, ``page-alt.txt``): a
    single download for the app."""
    buffer = io.BytesIO()
    names = [p.name for p in page_paths(f"{stem}.png", len(pages))]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in zip(names, pages):
            archive.writestr(name, data)
        archive.writestr(alt_path(f"{stem}.png").name, alt_text_file(names, alts))
    return buffer.getvalue()
