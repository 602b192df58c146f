"""Reading survey tables (CSV/TSV/TXT, XLSX, Parquet, SPSS, Stata) as text, refusing bad files with a clear error.

Everything comes back as text: typing is the codebook's job, and reading numbers too early loses
the difference between "3" and "3,0" or the leading zero of an id. Exports from French tools are
';'-separated, cp1252-encoded and use decimal commas, so those are detected rather than assumed.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO, Iterable

import pandas as pd

from .cells import cell_text, fold, parse_number, utf16_without_bom
from .errors import DataError, too_many_columns
from .files import open_regular, os_reason
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
_LINE_END = re.compile(r"\r\n?|\n")


def read_table(
    path: str | Path, *, sheet: str | None = None, max_bytes: int = 200_000_000, max_columns: int = 5_000
) -> pd.DataFrame:
    """Read a survey file into a frame of text columns (pandas string dtype, NA for empty cells).

    ``sheet`` names the workbook sheet to read; without it the sheet holding the table is found.
    ``frame.attrs`` says what was read: format, encoding and delimiter, or sheet and header row.
    """
    path = Path(path)
    name = path.name
    if not path.exists() and not path.is_symlink():
        raise DataError(msg("file.not_found"), file=str(path), expected=msg("file.expected_survey"))
    if path.is_dir():
        raise DataError(msg("file.folder"), file=str(path), expected=msg("file.expected_file"))
    with open_regular(path) as (handle, size):
        if size > max_bytes:
            raise DataError(msg("file.too_large", size=size), file=name,
                            expected=msg("file.at_most_bytes", limit=max_bytes))
        if size == 0:
            raise _empty(name)
        try:
            fmt = _format_of(handle.read(8), path.suffix.lower())
            handle.seek(0)
            if fmt == "xls":
                raise DataError(msg("file.old_excel"), file=name, expected=msg("file.expected_not_xls"))
            if fmt == "xlsx":
                header, rows, info = _read_xlsx(handle, size, name, max_columns, sheet)
            elif fmt == "parquet":
                header, rows, info = _read_parquet(handle, name, max_columns)
            elif fmt in ("sav", "zsav", "por", "dta"):
                header, rows, info = read_stat_file(path, name, fmt, max_columns)
            else:
                header, rows, info = _read_text(handle.read(size), name, max_columns)
        except OSError as exc:
            raise DataError(msg("file.unreadable", reason=os_reason(exc)), file=name) from None
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


def _unreadable_xlsx(name: str) -> DataError:
    """A workbook the reader stops on: damaged, or a zip archive that is no workbook. The reader's
    own words (a missing XML part, a bad attribute) would mean nothing to the person who sent it."""
    return DataError(msg("xlsx.damaged"), file=name, expected=msg("xlsx.expected_workbook"))


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
        encoding = utf16_without_bom(raw)
        if encoding is None:
            raise _binary(name)
        return _strict(raw, encoding, name), encoding
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
    first_line = _LINE_END.split(text, 1)[0]  # CR alone ends a line too (Excel for Mac's "CSV (Macintosh)")
    if first_line.count(delimiter) + 1 > max_columns:
        raise too_many_columns(first_line.count(delimiter) + 1, max_columns, name, line=1)
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    bad: list[int] = []
    found: list[int] = []
    opened: int | None = None  # the line of a quote that swallowed the lines after it
    end = 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
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
                if opened is None and end > start and any("\n" in v or "\r" in v for v in record):
                    opened = start
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
    if opened is not None:
        raise DataError(msg("csv.stray_quote"), file=name, line=opened,
                        expected=msg("csv.expected_quotes"))
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
    handle: BinaryIO, size: int, name: str, max_columns: int, sheet: str | None = None
) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    """The table of a workbook: the sheet asked for, else the one holding the largest table.

    Read from the open file rather than its name: a workbook saved as ``.csv`` is read for what it
    is (the reader refuses a name that does not end in ``.xlsx``).
    """
    try:
        with zipfile.ZipFile(handle) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise DataError(msg("xlsx.unreadable"), file=name, expected=msg("xlsx.expected_workbook")) from None
    compressed = max(size, 1)
    if unzipped > MAX_UNZIPPED_BYTES or (unzipped > ZIP_BOMB_BYTES and unzipped > ZIP_BOMB_RATIO * compressed):
        raise DataError(msg("xlsx.too_large_unzipped"), file=name,
                        expected=msg("file.at_most_bytes", limit=MAX_UNZIPPED_BYTES))
    if not is_workbook:
        raise DataError(msg("xlsx.not_a_workbook"), file=name, expected=msg("xlsx.expected_workbook"))
    import openpyxl

    try:
        handle.seek(0)
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on corrupt files; all mean the same here
        raise _unreadable_xlsx(name) from None
    try:
        sheets = _sheets_to_read(book, name, sheet)
        tables = [_sheet_table(handle, ws, name, max_columns) for ws in sheets]
    except DataError:
        raise
    except Exception:
        raise _unreadable_xlsx(name) from None
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


def _sheet_table(archive: Any, sheet: Any, name: str, max_columns: int) -> SheetTable | None:
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
    merges = merged_ranges(archive, getattr(sheet, "_worksheet_path", None), MAX_UNZIPPED_BYTES)
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


# --- Parquet ------------------------------------------------------------------------------------


def _read_parquet(handle: BinaryIO, name: str, max_columns: int) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(handle)
        if meta.metadata.num_columns > max_columns:
            raise too_many_columns(meta.metadata.num_columns, max_columns, name)
        table = meta.read()
    except DataError:
        raise
    except Exception:  # pyarrow's ArrowInvalid, OSError...: a damaged or truncated file, in any case
        raise DataError(msg("parquet.damaged"), file=name, expected=msg("parquet.expected")) from None
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


