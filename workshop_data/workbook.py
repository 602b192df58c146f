"""Finding the table in a workbook as people send it: a read-me sheet first, title rows above the
header, header cells merged over several columns.

Reading the first sheet from its first row fails on most workbooks that were prepared for people
rather than for programs, and the failure ("only 1 respondent") does not say why. So every sheet is
looked at, the one holding the largest block of rows of a consistent width is taken, and its header
is the first row as wide as that block. The choice is recorded (sheet name, header row) so that the
edges can say which sheet and row were read, and ``sheet=`` overrides it.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import Any

#: Rows looked at to find the header: title rows and notes above a table are never this many.
HEADER_SEARCH_ROWS = 30
#: A header row holds at least this share of the widest row's filled cells.
HEADER_FILL = 0.6

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


@dataclass
class SheetTable:
    """The table found on one sheet: header row(s) and data rows, as text."""

    sheet: str
    header_row: int                      # 1-based spreadsheet row of the (first) header line
    header: list[str]
    rows: list[list[str]]
    header_lines: int = 1                # 2 when a merged group header sits over sub-headers
    score: int = 0

    @property
    def first_data_row(self) -> int:
        return self.header_row + self.header_lines


def column_index(letters: str) -> int:
    """0-based index of a column reference: A -> 0, Z -> 25, AA -> 26."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def merged_ranges(archive_path: Any, sheet_path: str | None, max_bytes: int) -> list[tuple[int, int, int, int]]:
    """Merged cell ranges of one sheet as 0-based (row1, col1, row2, col2), read from its XML.

    openpyxl's read-only mode (the only one safe on large or hostile files) does not expose merges,
    so the sheet XML is streamed and its ``<mergeCell>`` elements picked out; merges are few.
    """
    if not sheet_path:
        return []
    out: list[tuple[int, int, int, int]] = []
    tail = b""
    read = 0
    try:
        with zipfile.ZipFile(archive_path) as archive, archive.open(sheet_path.lstrip("/")) as handle:
            while block := handle.read(1 << 20):
                read += len(block)
                if read > max_bytes:
                    break
                chunk = tail + block
                out.extend(
                    (int(m.group(2)) - 1, column_index(m.group(1).decode()),
                     int(m.group(4)) - 1, column_index(m.group(3).decode()))
                    for m in _MERGE.finditer(chunk)
                )
                tail = chunk[-100:]  # a reference cut by the block boundary is whole in the next chunk
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return []
    return sorted(set(out))


def _filled(row: list[str]) -> int:
    return sum(1 for value in row if value)


def find_header(rows: list[list[str]]) -> int | None:
    """0-based index of the header: the first row nearly as filled as the widest row near the top.

    Title rows ("Enquête usagers 2025", "Extraction du 12/03") fill one or two cells; the header
    fills (almost) every column of the table below it.
    """
    top = rows[:HEADER_SEARCH_ROWS + 20]
    widest = max((_filled(r) for r in top), default=0)
    if widest < 2:
        return None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _filled(row) >= max(2, HEADER_FILL * widest):
            return index
    return None


def _spread_merges(rows: list[list[str]], header: int, merges: list[tuple[int, int, int, int]]) -> int:
    """Give every column of a merged header cell the merged value; say whether a sub-header line follows.

    A cell merged across columns of the header ("Satisfaction" over three items) groups the
    sub-headers on the next row ("Accueil", "Délai", "Clarté"); a cell merged down over two header
    rows ("Identifiant") belongs to both. Returns the number of header lines.
    """
    across = [m for m in merges if m[0] <= header <= m[2] and m[3] > m[1]]
    lines = 2 if across and header + 1 < len(rows) else 1
    last = header + lines - 1
    for r1, c1, r2, c2 in merges:
        if r2 < header or r1 > last:
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        for r in range(max(r1, header), min(r2, last) + 1):
            row = rows[r]
            row.extend([""] * (c2 + 1 - len(row)))
            row[c1:c2 + 1] = [value] * (c2 + 1 - c1)
    return lines


def _joined_header(first: list[str], second: list[str]) -> list[str]:
    """One name per column from a group line and a sub-header line: "Satisfaction – Accueil"."""
    names = []
    width = max(len(first), len(second))
    first, second = first + [""] * (width - len(first)), second + [""] * (width - len(second))
    for top, sub in zip(first, second):
        if top and sub and top != sub:
            names.append(f"{top} – {sub}")
        else:
            names.append(top or sub)
    return names


def table_of_sheet(name: str, rows: list[list[str]], merges: list[tuple[int, int, int, int]]) -> SheetTable | None:
    """The table on one sheet, or None when the sheet holds no table (read-me, notes, empty)."""
    header = find_header(rows)
    if header is None:
        return None
    lines = _spread_merges(rows, header, merges)
    names = rows[header] if lines == 1 else _joined_header(rows[header], rows[header + 1])
    data = [r for r in rows[header + lines:] if any(r)]
    width = max(2, _filled(names))
    consistent = sum(1 for r in data if _filled(r) >= 2)
    return SheetTable(sheet=name, header_row=header + 1, header=list(names), rows=data, header_lines=lines,
                      score=consistent * width)


def choose_table(tables: list[SheetTable | None]) -> SheetTable | None:
    """The sheet holding the largest block of rows of a consistent width (first one on a tie)."""
    found = [t for t in tables if t is not None]
    if not found:
        return None
    return max(enumerate(found), key=lambda item: (item[1].score, -item[0]))[1]
