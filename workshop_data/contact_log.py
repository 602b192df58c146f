"""Opening a contact log where it lives: files read in place, or a table of the engine's database.

Files: one, a glob, a folder or a list; CSV or Parquet. Each file is read once, in one streaming
pass that hashes it (the workshop records the hash), checks its encoding and finds its delimiter
from the header line; the engine then reads it in place, without sniffing it again.

Encodings: UTF-8 (with or without BOM) and UTF-16 with BOM are read as they are. A file that is
not valid UTF-8 is taken as Windows cp1252, the usual French export. Spark reads cp1252 itself.
DuckDB reads latin-1 natively, and latin-1 is cp1252 except for bytes 0x80-0x9F (’ œ € … and
friends), which DuckDB's latin-1 reader refuses; cp1252 itself needs a DuckDB extension that cannot
be downloaded here. So for DuckDB a cp1252 file without such bytes (é, è, à, ç, ô are all in
latin-1) is read in place as latin-1, and one with them is transcoded to a temporary UTF-8 file in
streaming chunks (removed when the connection goes away, or by the caller's clean-up at once).
"""
from __future__ import annotations

import codecs
import csv
import glob as globmod
import hashlib
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from . import engines
from .engines import Engine
from .cells import utf16_without_bom
from .errors import DataError
from .files import check_regular, read_chunks
from .messages import msg
from .pii import scrub_text

PARQUET_SUFFIXES = (".parquet", ".pq")
_CHUNK = 8 << 20
_HEAD_BYTES = 65536  # the first bytes, kept while hashing: header, delimiter, sample lines
# cp1252 as a 256-character decoding table; the five bytes cp1252 leaves undefined keep their
# latin-1 reading, so any byte string decodes.
_CP1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


@dataclass
class LogFile:
    path: Path
    kind: str  # "csv" | "parquet"
    sha256: str
    encoding: str | None = None  # DuckDB encoding name for CSV
    delimiter: str | None = None
    transcode: bool = False      # cp1252 file holding bytes 0x80-0x9F: DuckDB needs a UTF-8 copy
    header: tuple[str, ...] = ()  # CSV column names, so the engine need not sniff the file again
    head: tuple[str, ...] = ()    # the first complete data lines (from the first 64 KiB), for samples


@dataclass
class OpenLog:
    """The lazy table, what was found about each file (none for a database table), its name, the clean-up."""

    table: Any
    files: list[LogFile]
    name: str
    cleanup: Callable[[], Any] | None = None

    def close(self) -> None:
        if self.cleanup is not None:
            self.cleanup()


def open_log(source: Any, engine: Engine, *, table: str | None = None) -> OpenLog:
    """Open the log on the engine: a table of its database when ``table`` is named, else files."""
    if table is not None:
        return OpenLog(engines.table(engine, table), [], f"{engine.name} table {table}")
    if not engine.reads_files:
        raise DataError(msg("log.table_only"), file=engine.name, expected=msg("log.expected_table"))
    files = [_inspect(path) for path in _resolve(source)]
    name = _source_name(source, files)
    if len({f.kind for f in files}) > 1:
        raise DataError(msg("log.mixed"), file=name, expected=msg("log.expected_one_kind"))
    table_, cleanup = _read_files(files, engine)
    return OpenLog(table_, files, name, cleanup)


def head_values(files: list[LogFile], column: str, limit: int) -> list[str] | None:
    """Up to ``limit`` raw values of a column from the CSV files' first lines (read while hashing:
    no query), or None when the log is not CSV."""
    if not files or any(f.kind != "csv" for f in files):
        return None
    values: list[str] = []
    for f in files:
        index = f.header.index(column)
        for row in csv.reader(f.head, delimiter=f.delimiter or ","):
            if len(row) > index:
                values.append(row[index])
        if len(values) >= limit:
            break
    return values[:limit]


def combined_hash(files: list[LogFile]) -> str | None:
    """One hash for the whole log (None for a database table, which has no file to hash)."""
    if not files:
        return None
    if len(files) == 1:
        return files[0].sha256
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.path.name):
        digest.update(f"{f.path.name}:{f.sha256}\n".encode())
    return digest.hexdigest()


def _resolve(source: str | Path | Sequence[str | Path]) -> list[Path]:
    items = [source] if isinstance(source, (str, Path)) else list(source)
    if not items:
        raise DataError(msg("log.none"), expected=msg("log.expected_source"))
    paths: list[Path] = []
    for item in items:
        text = str(item)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            found = sorted(Path(p) for p in globmod.glob(text, recursive=True) if Path(p).is_file())
            if not found:
                raise DataError(msg("log.no_match"), file=text, expected=msg("log.expected_one_file"))
            paths.extend(found)
            continue
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".tsv", *PARQUET_SUFFIXES))
            if not found:
                raise DataError(msg("log.empty_folder"), file=text, expected=msg("log.expected_files"))
            paths.extend(found)
        elif not path.exists() and not path.is_symlink():
            raise DataError(msg("file.not_found"), file=text, expected=msg("log.expected_file"))
        else:
            check_regular(path)
            paths.append(path)
    return paths


def _inspect(path: Path) -> LogFile:
    """Hash the file and, for text, find its encoding and delimiter in the same single pass."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        digest = hashlib.sha256()
        head = b""
        for block in read_chunks(path, chunk=_CHUNK):
            head = head or block[:4]
            digest.update(block)
        if head != b"PAR1":
            raise DataError(msg("log.not_parquet"), file=str(path), expected=msg("log.expected_parquet"))
        return LogFile(path, "parquet", digest.hexdigest())
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    cp1252_bytes = False
    head = b""
    for block in read_chunks(path, chunk=_CHUNK):
        if not head:
            head = block[:_HEAD_BYTES]
            _check_lines(path, head, len(block))
        digest.update(block)
        if utf8_ok:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                utf8_ok = False
        if not utf8_ok and not cp1252_bytes:
            codes = np.frombuffer(block, dtype=np.uint8)
            cp1252_bytes = bool(((codes >= 0x80) & (codes < 0xA0)).any())
    if not head.strip(b"\xef\xbb\xbf\r\n\t "):
        raise DataError(msg("log.empty"), file=str(path), expected=msg("log.expected_rows"))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, text = "utf-16", head.decode("utf-16", errors="ignore")
    else:
        if utf8_ok:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
        if b"\x00" in head:
            raise DataError(msg("log.binary"), file=str(path), expected=msg("log.expected_csv_parquet"))
        encoding = "utf-8" if utf8_ok else "latin-1"
        text = head.decode("utf-8" if utf8_ok else "latin-1", errors="ignore").lstrip("\ufeff")
    header = text.splitlines()[0] if text.splitlines() else ""
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    names = tuple(next(csv.reader([header], delimiter=delimiter), []))
    if not names or len(set(names)) != len(names) or not all(n.strip() for n in names):
        raise DataError(msg("log.bad_header"), file=str(path), line=1, expected=msg("log.expected_names"),
                        found=scrub_text(header)[0][:200])  # no header: the first contact's values
    lines = text.splitlines()
    first_lines = tuple(lines[1:-1] if len(head) == _HEAD_BYTES else lines[1:])  # the last line may be cut
    return LogFile(path, "csv", digest.hexdigest(), encoding, delimiter, cp1252_bytes and not utf8_ok, names,
                   first_lines)


def _check_lines(path: Path, head: bytes, read: int) -> None:
    """Refuse a log that cannot be one contact a line: no line break where the header should end
    (one endless line would be read as a header and no rows), or UTF-16 text that lost its BOM."""
    if read > len(head) and b"\n" not in head and b"\r" not in head:
        raise DataError(msg("log.no_line_break", limit=len(head)), file=str(path), expected=msg("log.expected_lines"))
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and utf16_without_bom(head):
        raise DataError(msg("log.utf16_without_bom"), file=str(path), expected=msg("log.expected_encoding"))


def _transcode(log: LogFile, folder: Path) -> Path:
    """Copy a cp1252 file to UTF-8, chunk by chunk (single-byte: chunks never split a character)."""
    target = folder / f"{len(list(folder.iterdir()))}-{log.path.stem}.csv"
    with open(target, "w", encoding="utf-8", newline="") as out:
        for block in read_chunks(log.path, chunk=_CHUNK):
            out.write(codecs.charmap_decode(block, "strict", _CP1252_TABLE)[0])
    return target


def _read_files(files: list[LogFile], engine: Engine) -> tuple[Any, Any]:
    """One lazy table over the files (a union when their encodings or delimiters differ)."""
    import ibis

    groups: dict[tuple, list[LogFile]] = {}
    transcode = engine.kind == "duckdb"
    for f in files:
        copy = transcode and f.transcode
        key = (f.kind, "utf-8" if copy else f.encoding, f.delimiter, copy, f.header)
        groups.setdefault(key, []).append(f)
    folder: Path | None = None
    cleanup = None
    tables = []
    for (kind, encoding, delimiter, copy, header), members in groups.items():
        if copy:
            if folder is None:
                folder = Path(tempfile.mkdtemp(prefix="contacts-utf8-"))
                cleanup = weakref.finalize(engine.con, shutil.rmtree, folder, True)
            names = [str(_transcode(f, folder)) for f in members]
        else:
            names = [str(f.path) for f in members]
        try:
            if kind == "parquet":
                table = engines.read_parquet(engine, names)
            else:
                table = engines.read_csv(engine, names, delimiter=delimiter, encoding=encoding, header=header)
        except Exception as exc:
            raise DataError(msg("contacts.unreadable", reason=engines.first_line(exc)), file=names[0],
                            expected=msg("contacts.expected_log")) from None
        tables.append((members, table))
    first_members, first = tables[0]
    columns = list(first.columns)
    for members, table in tables[1:]:
        if set(table.columns) != set(columns):
            raise DataError(msg("log.different_columns"), file=str(members[0].path),
                            expected=", ".join(columns), found=list(table.columns))
    if len(tables) == 1:
        return first, cleanup
    unified = [t.select(*(t[c].cast("string") for c in columns)) for _, t in tables]
    return ibis.union(*unified), cleanup


def _source_name(source: Any, files: list[LogFile]) -> str:
    if isinstance(source, (str, Path)):
        return Path(source).name if len(files) == 1 else str(source)
    return files[0].path.name if len(files) == 1 else f"{len(files)} files: " + ", ".join(f.path.name for f in files[:5])
