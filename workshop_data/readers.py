"""Reading survey tables (CSV/TSV/TXT, XLSX, Parquet, SPSS, Stata) as text, refusing bad files with a clear error.

Everything comes back as text: typing is the codebook's job, and reading numbers too early loses
the difference between "3" and "3,0" or the leading zero of an id. Exports from French tools are
';'-separated, cp1252-encoded and use decimal commas, so those are detected rather than assumed.
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .errors import DataError
from .messages import Text, msg
from .statfiles import read_stat_file, stat_format
from .workbook import SheetTable, choose_table, merged_ranges, table_of_sheet

DELIMITERS = (",", ";", "\t", "|")
SNIFF_RECORDS = 200
MAX_CELL_CHARS = 1_000_000
MAX_XLSX_ROWS = 2_000_000
MAX_XLSX_CELLS = 50_000_000
MAX_UNZIPPED_BYTES = 1_000_000_000
ZIP_BOMB_BYTES, ZIP_BOMB_RATIO = 100_000_000, 200  # this big and this compressed: not a survey
_MAX_BAD_LINES = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@lru_cache(maxsize=100_000)
def parse_number(text: str) -> float | None:
    """Read a number as people type it in France or elsewhere: '1 234,5', '12,5 %', '1,234.5'.

    A trailing '%' is dropped (12,5 % -> 12.5): a share stays in the unit people typed it in.
    Returns None for anything that is not one finite number.
    """
    if text is None:
        return None
    s = str(text).strip().replace("\u2212", "-")
    if not s:
        return None
    if s.endswith("%"):
        s = s[:-1].rstrip()
    s = _SPACES.sub("", s)
    if not s:
        return None
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif commas > 1:
        if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", s):
            return None
        s = s.replace(",", "")
    elif commas == 1:
        s = s.replace(",", ".")
    elif dots > 1:
        if not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", s):
            return None
        s = s.replace(".", "")
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def read_table(
    path: str | Path, *, sheet: str | None = None, max_bytes: int = 200_000_000, max_columns: int = 5_000
) -> pd.DataFrame:
    """Read a survey file into a frame of text columns (pandas string dtype, NA for empty cells).

    ``sheet`` names the workbook sheet to read; without it the sheet holding the table is found.
    ``frame.attrs`` says what was read: format, encoding and delimiter, or sheet and header row.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise DataError(msg("file.not_found"), file=str(path), expected=msg("file.expected_survey"))
    if path.is_dir():
        raise DataError(msg("file.folder"), file=str(path), expected=msg("file.expected_file"))
    size = path.stat().st_size
    if size > max_bytes:
        raise DataError(msg("file.too_large", size=size), file=name, expected=msg("file.at_most_bytes", limit=max_bytes))
    if size == 0:
        raise _empty(name)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
        fmt = _format_of(head, path.suffix.lower())
        if fmt == "xls":
            raise DataError(msg("file.old_excel"), file=name, expected=msg("file.expected_not_xls"))
        if fmt == "xlsx":
            header, rows, info = _read_xlsx(path, name, max_columns, sheet)
        elif fmt == "parquet":
            header, rows, info = _read_parquet(path, name, max_columns)
        elif fmt in ("sav", "zsav", "por", "dta"):
            header, rows, info = read_stat_file(path, name, fmt, max_columns)
        else:
            header, rows, info = _read_text(path.read_bytes(), name, max_columns)
    except OSError as exc:
        raise DataError(msg("file.unreadable", reason=exc.strerror or exc.__class__.__name__), file=name) from None
    if fmt in ("csv", "xlsx") and info.get("header_lines", 1) == 1:
        header, rows, info = _split_double_header(header, rows, info)
    frame = _to_frame(header, rows, name, info.get("header_row", 1))
    frame.attrs.update({"file": name, "format": fmt, **info})
    return frame


def _split_double_header(
    header: list[str], rows: list[list[str]], info: dict[str, Any]
) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    """A line of question texts under a line of codes: codes name the columns, texts label them."""
    from .headers import text_line

    texts = text_line(header, rows)
    if texts is None:
        return header, rows, info
    info = {**info, "column_labels": texts, "header_lines": 2}
    if "first_data_row" in info:
        info["first_data_row"] += 1
    return header, rows[1:], info


def _empty(name: str) -> DataError:
    return DataError(msg("file.empty"), file=name, expected=msg("file.expected_table"))


def _binary(name: str) -> DataError:
    return DataError(msg("file.binary"), file=name, expected=msg("file.expected_table_file"))


def too_many_columns(count: int, limit: int, name: str, line: int | None = None) -> DataError:
    return DataError(msg("file.too_many_columns", count=count), file=name, line=line,
                     expected=msg("file.at_most_columns", limit=limit))


def _unreadable_xlsx(exc: Exception, name: str) -> DataError:
    return DataError(msg("xlsx.unreadable_because", reason=exc.__class__.__name__), file=name,
                     expected=msg("xlsx.expected_workbook"))


def _format_of(head: bytes, suffix: str) -> str:
    """The format the bytes say, else the one the name says: a renamed file is read for what it is."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if stat_format(head, suffix):
        return stat_format(head, suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        return "xls"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "csv"


# --- text files ---------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", name), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(raw, "utf-16", name), "utf-16"
    if b"\x00" in raw:
        raise _binary(name)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _strict(raw, "cp1252", name), "cp1252"


def _strict(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError(
            msg("file.undecodable", encoding=encoding, byte=exc.start), file=name, expected=msg("file.expected_text"),
        ) from None


def _read_text(raw: bytes, name: str, max_columns: int) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    text, encoding = _decode(raw, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:200_000]
    controls = len(_CONTROL.findall(sample))
    if controls > max(3, len(sample) // 1000):
        raise _binary(name)
    hint = re.match(r"sep=([,;\t|])\r?\n", text)  # Excel's "sep=;" first line
    if hint:
        delimiter = hint.group(1)
        text = text[hint.end():]
    else:
        delimiter = _sniff_delimiter(sample, name)
    header, rows = _parse_csv(text, delimiter, name, max_columns)
    return header, rows, {"encoding": encoding, "delimiter": delimiter}


def _records(text: str, delimiter: str) -> Iterable[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    return reader


def _sniff_delimiter(sample: str, name: str) -> str:
    """Pick the delimiter that splits the first records into the same number (> 1) of fields."""
    cut = sample.rfind("\n")
    if 0 < cut < len(sample) - 1 and len(sample) >= 200_000:
        sample = sample[:cut]
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        counts = []
        try:
            for record in _records(sample, delimiter):
                if record:
                    counts.append(len(record))
                if len(counts) >= SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (round(consistent, 2), counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse_csv(text: str, delimiter: str, name: str, max_columns: int) -> tuple[list[str], list[list[str]]]:
    first_line = text.split("\n", 1)[0]
    if first_line.count(delimiter) + 1 > max_columns:
        raise too_many_columns(first_line.count(delimiter) + 1, max_columns, name, line=1)
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    bad: list[int] = []
    found: list[int] = []
    try:
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if header is None:
                if len(record) > max_columns:
                    raise too_many_columns(len(record), max_columns, name, line=reader.line_num)
                header = record
                continue
            if not any(v.strip() for v in record):
                continue
            if len(record) > len(header) and not any(v.strip() for v in record[len(header):]):
                record = record[: len(header)]  # trailing separators some spreadsheets add
            if len(record) != len(header):
                bad.append(reader.line_num)
                found.append(len(record))
                continue
            rows.append(record)
    except csv.Error as exc:
        raise DataError(
            msg("csv.unreadable", reason=str(exc)), file=name, line=reader.line_num,
            expected=msg("csv.expected_cells", limit=MAX_CELL_CHARS),
        ) from None
    if header is None:
        raise _empty(name)
    if bad:
        lines = ", ".join(str(n) for n in bad[:_MAX_BAD_LINES]) + (" ..." if len(bad) > _MAX_BAD_LINES else "")
        raise DataError(
            msg("csv.ragged", n=len(bad), lines=lines), file=name, line=bad[0],
            expected=msg("csv.expected_fields", count=len(header), delimiter=_show(delimiter)),
            found=msg("csv.found_fields", n=found[0]),
        )
    return header, rows


def _show(delimiter: str) -> str | Text:
    return msg("csv.tabs") if delimiter == "\t" else f"'{delimiter}'"


# --- XLSX ---------------------------------------------------------------------------------------


def _read_xlsx(
    path: Path, name: str, max_columns: int, sheet: str | None = None
) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    """The table of a workbook: the sheet asked for, else the one holding the largest table."""
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise DataError(msg("xlsx.unreadable"), file=name, expected=msg("xlsx.expected_workbook")) from None
    compressed = max(path.stat().st_size, 1)
    if unzipped > MAX_UNZIPPED_BYTES or (unzipped > ZIP_BOMB_BYTES and unzipped > ZIP_BOMB_RATIO * compressed):
        raise DataError(msg("xlsx.too_large_unzipped"), file=name,
                        expected=msg("file.at_most_bytes", limit=MAX_UNZIPPED_BYTES))
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt files; all mean the same here
        raise _unreadable_xlsx(exc, name) from None
    try:
        sheets = _sheets_to_read(book, name, sheet)
        tables = [_sheet_table(path, ws, name, max_columns) for ws in sheets]
    except DataError:
        raise
    except Exception as exc:
        raise _unreadable_xlsx(exc, name) from None
    finally:
        book.close()
    table = choose_table(tables)
    if table is None:
        raise DataError(
            msg("xlsx.sheet_without_table", sheet=sheets[0].title) if len(sheets) == 1 else msg("xlsx.no_table"),
            file=name, expected=msg("xlsx.expected_table"),
        )
    width = max(len(table.header), *(len(r) for r in table.rows)) if table.rows else len(table.header)
    rows = [r + [""] * (width - len(r)) for r in table.rows]
    header = table.header + [""] * (width - len(table.header))
    info = {"encoding": None, "delimiter": None, "sheet": table.sheet, "header_row": table.header_row,
            "sheets": [ws.title for ws in book.worksheets], "first_data_row": table.first_data_row,
            "header_lines": table.header_lines}
    return header, rows, info


def _sheets_to_read(book: Any, name: str, sheet: str | None) -> list[Any]:
    if not book.worksheets:
        raise DataError(msg("xlsx.no_sheet"), file=name, expected=msg("xlsx.expected_sheet"))
    if sheet is None:
        return list(book.worksheets)
    for ws in book.worksheets:
        if ws.title == sheet or fold(ws.title) == fold(sheet):
            return [ws]
    raise DataError(
        msg("xlsx.no_such_sheet", sheet=sheet), file=name,
        expected=msg("xlsx.one_of", names=", ".join(ws.title for ws in book.worksheets)),
    )


def _sheet_table(path: Path, sheet: Any, name: str, max_columns: int) -> SheetTable | None:
    try:
        declared_cols, declared_rows = sheet.max_column, sheet.max_row
    except Exception:
        declared_cols = declared_rows = None
    if declared_cols is not None and declared_cols > max_columns:
        raise DataError(msg("xlsx.declared_columns", count=declared_cols), file=name,
                        expected=msg("file.at_most_columns", limit=max_columns))
    if declared_rows is not None and declared_rows > MAX_XLSX_ROWS:
        raise DataError(msg("xlsx.declared_rows", count=declared_rows), file=name,
                        expected=msg("xlsx.at_most_rows", limit=MAX_XLSX_ROWS))
    rows = _xlsx_rows(sheet, name, max_columns)
    merges = merged_ranges(path, getattr(sheet, "_worksheet_path", None), MAX_UNZIPPED_BYTES)
    return table_of_sheet(sheet.title, rows, merges)


def _xlsx_rows(sheet: Any, name: str, max_columns: int) -> list[list[str]]:
    out: list[list[str]] = []
    cells = 0
    for values in sheet.iter_rows(values_only=True):
        if len(values) > max_columns:
            raise too_many_columns(len(values), max_columns, name)
        row = [cell_text(v) for v in values]
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise DataError(msg("xlsx.long_cell"), file=name, rows=[len(out)],
                            expected=msg("xlsx.expected_cell", limit=MAX_CELL_CHARS))
        while row and row[-1] == "":
            row.pop()
        cells += len(values)
        if cells > MAX_XLSX_CELLS or len(out) > MAX_XLSX_ROWS:
            raise DataError(msg("xlsx.too_large"), file=name, expected=msg("xlsx.at_most_cells", limit=MAX_XLSX_CELLS))
        out.append(row)
    return out


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "date") else value.isoformat()
    return str(value)


# --- Parquet ------------------------------------------------------------------------------------


def _read_parquet(path: Path, name: str, max_columns: int) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path)
        if meta.metadata.num_columns > max_columns:
            raise too_many_columns(meta.metadata.num_columns, max_columns, name)
        table = meta.read()
    except DataError:
        raise
    except Exception as exc:
        raise DataError(
            msg("parquet.unreadable", reason=exc.__class__.__name__), file=name, expected=msg("parquet.expected")
        ) from None
    header = [str(c) for c in table.column_names]
    columns = []
    for column in table.columns:
        columns.append([cell_text(v) for v in column.to_pylist()])
    rows = [list(r) for r in zip(*columns)] if columns else []
    return header, rows, {"encoding": None, "delimiter": None}


# --- common -------------------------------------------------------------------------------------


def _to_frame(header: list[str], rows: list[list[str]], name: str, header_line: int = 1) -> pd.DataFrame:
    header = [str(h).strip().lstrip("\ufeff").strip() for h in header]
    columns = list(zip(*rows)) if rows else [() for _ in header]
    keep = [i for i, h in enumerate(header) if h or any(str(v).strip() for v in columns[i])]
    unnamed = [i + 1 for i in keep if not header[i]]
    if unnamed:
        raise DataError(msg("header.unnamed", index=str(unnamed[0])), file=name, line=header_line,
                        expected=msg("header.expected_names"))
    names = [header[i] for i in keep]
    duplicated = [h for h, n in Counter(names).items() if n > 1]
    if duplicated:
        raise DataError(msg("header.duplicated", names=", ".join(duplicated[:10])), file=name, line=header_line,
                        column=duplicated[0], expected=msg("header.expected_unique"))
    if not names:
        raise DataError(msg("header.empty"), file=name, line=header_line, expected=msg("header.expected_column_names"))
    if not rows:
        raise DataError(msg("header.no_rows"), file=name, expected=msg("header.expected_rows"))
    import pyarrow as pa
    import pyarrow.compute as pc

    data = {}
    for i in keep:
        values = pc.utf8_trim_whitespace(pa.array(columns[i], type=pa.large_string()))
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.large_string()), values)
        data[header[i]] = pd.array(values, dtype="string")
    return pd.DataFrame(data)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Fold a label for comparison: lower case, no accents, one apostrophe, single spaces.

    Exports spell the same answer 'Plutôt d’accord', 'plutot d'accord ' or 'PLUTÔT D'ACCORD'; people
    mean one thing, so matching must too.
    """
    import unicodedata

    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    s = re.sub(r"[\u2019\u2018\u02bc`´]", "'", s).lower()
    s = re.sub(r"[\u00a0\u202f\s]+", " ", s)
    return s.strip()
