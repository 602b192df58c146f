"""Workbooks as survey institutes and services send them: a read-me sheet first, title rows above
the header, a notes sheet after, for the workbook tests (CLI, readers, browser)."""
from __future__ import annotations

from pathlib import Path

README_LINES = [
    "Enquête sur l'accueil des usagers",
    "Ce classeur contient les réponses brutes de l'enquête.",
    "Les réponses sont dans l'onglet « Réponses ». Ne pas diffuser.",
]
TITLE_ROWS = ["Enquête usagers 2025 : réponses", "Extraction du 12/03/2025, service études"]


def workbook_from_csv(csv_path: Path, out: Path, *, sheet: str = "Réponses") -> Path:
    """The ';'-separated survey ``csv_path`` as a workbook: read-me sheet, two title rows, data, notes."""
    import openpyxl

    lines = csv_path.read_text(encoding="utf-8").splitlines()
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "Lisez-moi"
    for line in README_LINES:
        readme.append([line])
    data = book.create_sheet(sheet)
    for title in TITLE_ROWS:
        data.append([title])
    width = len(lines[0].split(";"))
    data.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for line in lines:
        data.append([_cell(v) for v in line.split(";")])
    notes = book.create_sheet("Notes")
    notes.append(["Pondération calée sur le recensement."])
    book.save(out)
    return out


def _cell(value: str) -> object:
    """Numbers as numbers, the way a spreadsheet stores them."""
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return value
