"""Contact-log features per respondent, computed where the log lives (DuckDB by default).

A relationship service's contact log has millions of rows; the survey has a few thousand
respondents. So the log is never loaded into pandas: :func:`read_contacts` opens it lazily as an
Ibis table (CSV, Parquet, or many files), :func:`features_expr` is the one Ibis expression that
aggregates it per respondent (the same expression runs on a database or Spark when the logs live
there), and only the final table, one row per respondent, comes back into pandas.

Encodings: UTF-8 (with or without BOM) and UTF-16 with BOM are read by DuckDB as they are. A file
that is not valid UTF-8 is taken as Windows cp1252, the usual French export. DuckDB reads latin-1
natively, and latin-1 is cp1252 except for bytes 0x80-0x9F (’ œ € … and friends), which DuckDB's
latin-1 reader refuses; cp1252 itself needs a DuckDB extension that cannot be downloaded here. So a
cp1252 file without such bytes (é, è, à, ç, ô are all in latin-1) is read in place as latin-1, and
one with them is transcoded to a temporary UTF-8 file in streaming chunks (removed when the
connection goes away; for :func:`contact_features`, at once).

Timestamps: ISO (``2025-03-14 09:32:00``, ``2025-03-14T09:32``, a date alone) and French
(``14/03/2025 09:32``, with or without seconds, or a date alone). A contact whose timestamp cannot
be read is left out of every feature, counted, and reported; when more than
``max_bad_timestamp_share`` of them are bad the log is refused.
"""
from __future__ import annotations

import codecs
import csv
import glob as globmod
import hashlib
import shutil
import tempfile
import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .codebook import CHANNELS, DIGITAL_CHANNELS, ContactMapping
from .errors import DataError, DataWarning

FEATURE_COLUMNS: tuple[str, ...] = (
    "contacts_total",
    *(f"contacts_{channel}" for channel in CHANNELS),
    "digital_share",
    "avoidable_share",
    "avoidable_contacts",
    "repeat_contacts",
    "distinct_topics",
    "active_months",
)
COUNT_COLUMNS = tuple(c for c in FEATURE_COLUMNS if not c.endswith("_share"))
REPEAT_WINDOW_SECONDS = 7 * 24 * 3600
ISO_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
# Two-digit years first: "%Y" would read "14/03/25" as the year 25, while "%y" refuses four digits.
FRENCH_TIMESTAMP_FORMATS = (
    "%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%Y %Hh%M",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
)
YEARS = (1900, 2199)  # outside: a typing error, read as an unreadable timestamp
TRUE_VALUES = ("oui", "o", "yes", "y", "true", "vrai", "1", "x")
PARQUET_SUFFIXES = (".parquet", ".pq")
_CHUNK = 8 << 20
# cp1252 as a 256-character decoding table; the five bytes cp1252 leaves undefined keep their
# latin-1 reading, so any byte string decodes.
_CP1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


@dataclass
class ContactReport:
    """What reading the log found: shown to people and stored (source) in the workshop."""

    rows: int
    matched_rows: int
    unmatched_rows: int
    unmatched_ids: int
    bad_timestamps: int
    period_days: float
    source: dict  # {"role": "contacts", "name", "sha256", "rows"}
    warnings: list[DataWarning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warnings"] = [str(w) for w in self.warnings]
        return out


@dataclass
class ContactFeatures:
    table: pd.DataFrame  # indexed by respondent_id (str), FEATURE_COLUMNS, zeros for no contact
    report: ContactReport


@dataclass
class _LogFile:
    path: Path
    kind: str  # "csv" | "parquet"
    sha256: str
    encoding: str | None = None  # DuckDB encoding name for CSV
    delimiter: str | None = None
    transcode: bool = False      # cp1252 file holding bytes 0x80-0x9F: copy it to UTF-8 first
    header: tuple[str, ...] = ()  # CSV column names, so DuckDB need not sniff the file again


def read_contacts(source: str | Path | Sequence[str | Path], *, con: Any = None) -> Any:
    """Open a contact log lazily as an Ibis table: one file, a glob, or a list of files."""
    table, _, _, _ = _open_log(source, con)
    return table


def features_expr(table: Any, mapping: ContactMapping) -> Any:
    """The per-respondent aggregation, as one Ibis expression over a raw contact table.

    One row per respondent id found in the log (ids as trimmed strings) with FEATURE_COLUMNS, plus
    ``rows`` (all its contacts, readable timestamp or not), ``bad_timestamps``, ``first_contact``
    and ``last_contact`` (epoch seconds), which :func:`contact_features` turns into the report.
    A contact is a repeat when the same respondent had a contact on the same topic at most 7×24 h
    (inclusive) before it.
    """
    import ibis

    _check_columns(table, mapping, file=None)
    log = _normalised(table, mapping)
    previous = log.moment.lag().over(group_by=[log.rid, log.topic], order_by=log.moment)
    gap = log.moment.epoch_seconds() - previous.epoch_seconds()
    log = log.mutate(repeat=log.topic.notnull() & (gap <= REPEAT_WINDOW_SECONDS).fill_null(False))
    valid = log.moment.notnull()
    counts = {
        f"contacts_{channel}": log.count(where=valid & (log.channel == channel)) for channel in CHANNELS
    }
    grouped = log.group_by("rid").aggregate(
        rows=log.count(),
        bad_timestamps=log.count(where=~valid),
        unlisted_channels=log.count(where=valid & log.unlisted_channel),
        contacts_total=log.count(where=valid),
        **counts,
        digital=log.count(where=valid & log.channel.isin(DIGITAL_CHANNELS)),
        avoidable_contacts=log.count(where=valid & log.online),
        repeat_contacts=log.count(where=valid & log.repeat),
        distinct_topics=log.topic.nunique(where=valid),
        active_months=log.moment.truncate("M").nunique(where=valid),
        first_contact=log.moment.min().epoch_seconds(),
        last_contact=log.moment.max().epoch_seconds(),
    )
    total = grouped.contacts_total
    share = lambda part: ibis.ifelse(total > 0, part.cast("float64") / total, 0.0)  # noqa: E731
    return grouped.select(
        respondent_id=grouped.rid,
        **{name: grouped[name] for name in FEATURE_COLUMNS[: 1 + len(CHANNELS)]},
        digital_share=share(grouped.digital),
        avoidable_share=share(grouped.avoidable_contacts),
        avoidable_contacts=grouped.avoidable_contacts,
        repeat_contacts=grouped.repeat_contacts,
        distinct_topics=grouped.distinct_topics,
        active_months=grouped.active_months,
        rows=grouped.rows,
        bad_timestamps=grouped.bad_timestamps,
        unlisted_channels=grouped.unlisted_channels,
        first_contact=grouped.first_contact,
        last_contact=grouped.last_contact,
    )


def contact_features(
    source: str | Path | Sequence[str | Path],
    mapping: ContactMapping,
    respondent_ids: Sequence[str],
    *,
    max_bad_timestamp_share: float = 0.5,
    con: Any = None,
) -> ContactFeatures:
    """Aggregate the log onto the survey's respondents: every respondent gets a row (zeros if none)."""
    import ibis

    table, files, backend, cleanup = _open_log(source, con)
    name = _source_name(source, files)
    _check_columns(table, mapping, file=name)
    expr = features_expr(table, mapping)
    # The log is read once: the per-id aggregate is materialised (a temporary table of one row per
    # id in the log), then joined to the respondents and summed for the report.
    per_id_name = f"_contact_features_{id(table):x}"
    try:
        per_id = backend.create_table(per_id_name, expr, temp=True)
    except Exception as exc:  # a CSV DuckDB cannot parse (ragged rows, bad quoting), wrong types
        if cleanup is not None:
            cleanup()
        raise DataError(f"cannot read the contact log: {_first_line(exc)}", file=name,
                        expected="a CSV or Parquet contact log") from None
    try:
        ids = pd.Index(pd.unique(pd.Series([str(i) for i in respondent_ids], dtype=object)), dtype="str")
        wanted = ibis.memtable(pd.DataFrame({"respondent_id": ids.to_numpy(dtype=object), "_order": range(len(ids))}))
        joined = wanted.left_join(per_id, wanted.respondent_id == per_id.respondent_id)
        matched = joined.select(
            "_order",
            **{col: joined[col].fill_null(0) for col in FEATURE_COLUMNS},
        ).order_by("_order")
        result = backend.to_pandas(matched)
        known = per_id.respondent_id.isin(wanted.respondent_id)
        totals = backend.to_pandas(
            per_id.aggregate(
                rows=per_id.rows.sum(),
                bad=per_id.bad_timestamps.sum(),
                unlisted=per_id.unlisted_channels.sum(),
                first=per_id.first_contact.min(),
                last=per_id.last_contact.max(),
                unmatched_rows=per_id.rows.sum(where=~known),
                unmatched_ids=per_id.count(where=~known),
            )
        ).iloc[0]
        unlisted_labels = _unlisted_labels(table, mapping) if int(_zero(totals["unlisted"])) else []
    finally:
        _drop_temp(backend, per_id_name)
        if cleanup is not None:
            cleanup()

    table_out = result.drop(columns="_order")
    table_out.index = pd.Index(ids, name="respondent_id")
    for col in COUNT_COLUMNS:
        table_out[col] = table_out[col].astype("int64")
    for col in FEATURE_COLUMNS:
        if col not in COUNT_COLUMNS:
            table_out[col] = table_out[col].astype("float64")
    table_out = table_out[list(FEATURE_COLUMNS)]

    rows = int(_zero(totals["rows"]))
    bad = int(_zero(totals["bad"]))
    unmatched_rows = int(_zero(totals["unmatched_rows"]))
    warnings: list[DataWarning] = []
    if rows and bad / rows > max_bad_timestamp_share:
        raise DataError(
            f"{bad} of {rows} contacts have a timestamp that cannot be read",
            file=name, column=mapping.timestamp,
            expected="dates such as 2025-03-14 09:32:00 or 14/03/2025 09:32",
        )
    if bad:
        warnings.append(DataWarning(f"{bad} contact(s) left out: timestamp cannot be read",
                                    file=name, column=mapping.timestamp, count=bad))
    unlisted = int(_zero(totals["unlisted"]))
    if unlisted:
        warnings.append(DataWarning(
            f"{unlisted} contact(s) on channel labels the channel map does not list, counted as 'other': "
            + ", ".join(unlisted_labels), file=name, column=mapping.channel, count=unlisted))
    if unmatched_rows:
        warnings.append(DataWarning(
            f"{unmatched_rows} contact(s) from {int(totals['unmatched_ids'])} id(s) match no respondent",
            file=name, column=mapping.respondent_id, count=unmatched_rows))
    if rows == 0:
        warnings.append(DataWarning("the contact log has no rows", file=name))
    first, last = totals["first"], totals["last"]
    period = float(last - first) / 86400 if pd.notna(first) and pd.notna(last) else 0.0
    report = ContactReport(
        rows=rows,
        matched_rows=rows - unmatched_rows,
        unmatched_rows=unmatched_rows,
        unmatched_ids=int(_zero(totals["unmatched_ids"])),
        bad_timestamps=bad,
        period_days=period,
        source={"role": "contacts", "name": name, "sha256": _combined_hash(files), "rows": rows},
        warnings=warnings,
    )
    return ContactFeatures(table=table_out, report=report)


def _unlisted_labels(table: Any, mapping: ContactMapping, limit: int = 10) -> list[str]:
    """A few of the channel labels the mapping does not list: only read when some were found."""
    log = _normalised(table, mapping)
    labels = log.filter(log.unlisted_channel).select(label=log.raw_channel).distinct()
    found = [str(v) for v in labels.order_by("label").limit(limit + 1).to_pandas()["label"]]
    return found[:limit] + (["…"] if len(found) > limit else [])


def _drop_temp(backend: Any, name: str) -> None:
    """Drop the temporary per-id table (raw SQL where Ibis' own DROP is broken by sqlglot >= 30)."""
    try:
        backend.drop_table(name, force=True)
    except Exception:
        raw_sql = getattr(backend, "raw_sql", None)
        if raw_sql is not None:
            raw_sql(f'DROP TABLE IF EXISTS "{name}"')


def _zero(value: Any) -> Any:
    return 0 if pd.isna(value) else value


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else exc.__class__.__name__


# -- reading -----------------------------------------------------------------------------------


def _resolve(source: str | Path | Sequence[str | Path]) -> list[Path]:
    items = [source] if isinstance(source, (str, Path)) else list(source)
    if not items:
        raise DataError("no contact log given", expected="a CSV or Parquet file, a glob or a list of files")
    paths: list[Path] = []
    for item in items:
        text = str(item)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            found = sorted(Path(p) for p in globmod.glob(text, recursive=True) if Path(p).is_file())
            if not found:
                raise DataError("no file matches this pattern", file=text, expected="at least one contact log file")
            paths.extend(found)
            continue
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".tsv", *PARQUET_SUFFIXES))
            if not found:
                raise DataError("no contact log file in this folder", file=text, expected="CSV or Parquet files")
            paths.extend(found)
        elif not path.is_file():
            raise DataError("file not found", file=text, expected="a contact log file")
        else:
            paths.append(path)
    return paths


def _inspect(path: Path) -> _LogFile:
    """Hash the file and, for text, find its encoding and delimiter in the same single pass."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            head = handle.read(4)
            digest.update(head)
            while block := handle.read(_CHUNK):
                digest.update(block)
        if head != b"PAR1":
            raise DataError("not a Parquet file", file=str(path), expected="a Parquet file (or a .csv name)")
        return _LogFile(path, "parquet", digest.hexdigest())
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    cp1252_bytes = False
    head = b""
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
            if not head:
                head = block[:65536]
            if utf8_ok:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
            if not utf8_ok and not cp1252_bytes:
                codes = np.frombuffer(block, dtype=np.uint8)
                cp1252_bytes = bool(((codes >= 0x80) & (codes < 0xA0)).any())
    if not head.strip(b"\xef\xbb\xbf\r\n\t "):
        raise DataError("the contact log is empty", file=str(path), expected="a header line and contact rows")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, text = "utf-16", head.decode("utf-16", errors="ignore")
    else:
        if utf8_ok:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
        if b"\x00" in head:
            raise DataError("binary file, not a text contact log", file=str(path), expected="a CSV or Parquet file")
        encoding = "utf-8" if utf8_ok else "latin-1"
        text = head.decode("utf-8" if utf8_ok else "latin-1", errors="ignore").lstrip("\ufeff")
    header = text.splitlines()[0] if text.splitlines() else ""
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    names = tuple(next(csv.reader([header], delimiter=delimiter), []))
    if not names or len(set(names)) != len(names) or not all(n.strip() for n in names):
        raise DataError("the header line of the contact log is not usable", file=str(path), line=1,
                        expected="distinct, non-empty column names", found=header[:200])
    return _LogFile(path, "csv", digest.hexdigest(), encoding, delimiter, cp1252_bytes and not utf8_ok, names)


def _transcode(log: _LogFile, folder: Path) -> Path:
    """Copy a cp1252 file to UTF-8, chunk by chunk (single-byte: chunks never split a character)."""
    target = folder / f"{len(list(folder.iterdir()))}-{log.path.stem}.csv"
    with open(log.path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        while block := source.read(_CHUNK):
            out.write(codecs.charmap_decode(block, "strict", _CP1252_TABLE)[0])
    return target


def _open_log(source: str | Path | Sequence[str | Path], con: Any) -> tuple[Any, list[_LogFile], Any, Any]:
    """The lazy table, what was found about each file, the backend, and the clean-up of temporary copies."""
    import ibis

    paths = _resolve(source)
    files = []
    for path in paths:
        try:
            files.append(_inspect(path))
        except (OSError, IsADirectoryError) as exc:
            raise DataError(f"cannot read the file: {exc.__class__.__name__}", file=str(path)) from None
    if con is None:
        con = ibis.duckdb.connect()
    kinds = {f.kind for f in files}
    if len(kinds) > 1:
        raise DataError("a contact log mixes CSV and Parquet files", file=_source_name(source, files),
                        expected="files of one kind")
    groups: dict[tuple, list[_LogFile]] = {}
    for f in files:
        key = (f.kind, "utf-8" if f.transcode else f.encoding, f.delimiter, f.transcode, f.header)
        groups.setdefault(key, []).append(f)
    folder: Path | None = None
    cleanup = None
    tables = []
    for (kind, encoding, delimiter, transcode, _), members in groups.items():
        if transcode:
            if folder is None:
                folder = Path(tempfile.mkdtemp(prefix="contacts-utf8-"))
                cleanup = weakref.finalize(con, shutil.rmtree, folder, True)
            names = [str(_transcode(f, folder)) for f in members]
        else:
            names = [str(f.path) for f in members]
        try:
            if kind == "parquet":
                table = con.read_parquet(names)
            else:
                table = con.read_csv(names, delim=delimiter, header=True, auto_detect=False,
                                     columns={name: "VARCHAR" for name in members[0].header},
                                     encoding=encoding, quote='"', escape='"')
        except Exception as exc:
            raise DataError(f"cannot read the contact log: {_first_line(exc)}", file=names[0],
                            expected="a CSV or Parquet contact log") from None
        tables.append((members, table))
    first_members, first = tables[0]
    columns = list(first.columns)
    for members, table in tables[1:]:
        if set(table.columns) != set(columns):
            raise DataError("contact log files do not share the same columns", file=str(members[0].path),
                            expected=", ".join(columns), found=list(table.columns))
    if len(tables) == 1:
        return first, files, con, cleanup
    unified = [t.select(*(t[c].cast("string") for c in columns)) for _, t in tables]
    return ibis.union(*unified), files, con, cleanup


def _source_name(source: Any, files: list[_LogFile]) -> str:
    if isinstance(source, (str, Path)):
        return Path(source).name if len(files) == 1 else str(source)
    return files[0].path.name if len(files) == 1 else f"{len(files)} files: " + ", ".join(f.path.name for f in files[:5])


def _combined_hash(files: list[_LogFile]) -> str:
    if len(files) == 1:
        return files[0].sha256
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.path.name):
        digest.update(f"{f.path.name}:{f.sha256}\n".encode())
    return digest.hexdigest()


def _check_columns(table: Any, mapping: ContactMapping, *, file: str | None) -> None:
    present = list(table.columns)
    wanted = [
        (mapping.respondent_id, "the respondent id column"),
        (mapping.channel, "the contact channel column"),
        (mapping.timestamp, "the timestamp column"),
        (mapping.topic, "the topic column"),
        (mapping.online_available, "the online-available column"),
    ]
    for column, role in wanted:
        if column and column not in present:
            raise DataError(
                f"the contact log has no column '{column}' ({role} in the codebook)",
                file=file, column=column,
                expected=f"{role} among: " + ", ".join(present[:20]),
            )


def _plausible(moment: Any) -> Any:
    """The timestamp, or NULL when its year is a typing error (years out of range also overflow epochs)."""
    import ibis

    return ibis.ifelse(moment.year().between(*YEARS), moment, ibis.null("timestamp"))


def _normalised(table: Any, mapping: ContactMapping) -> Any:
    """Trimmed string id, canonical channel, topic, online flag and timestamp of each contact."""
    import ibis
    import ibis.expr.datatypes as dt

    @ibis.udf.scalar.builtin(name="try_strptime", signature=((dt.string, dt.Array(dt.string)), dt.timestamp))
    def try_strptime(text, formats):
        """DuckDB's strptime that gives NULL instead of failing."""

    # Plain TRIM (spaces): Ibis' strip() trims a character set, several times slower on DuckDB.
    @ibis.udf.scalar.builtin(name="trim", signature=((dt.string,), dt.string))
    def trim(text):
        """Leading and trailing spaces removed."""

    rid = trim(table[mapping.respondent_id].cast("string")).fill_null("")
    raw_channel = trim(table[mapping.channel].cast("string"))
    labels = {str(k).strip(): v for k, v in mapping.channels.items()}
    unmapped = ibis.ifelse(raw_channel.isin(CHANNELS), raw_channel, "other")
    channel = raw_channel.substitute(labels, else_=unmapped)
    unlisted = raw_channel.notnull() & ~raw_channel.isin([*labels, *CHANNELS])

    stamp = table[mapping.timestamp]
    if stamp.type().is_timestamp():
        moment = stamp
    elif stamp.type().is_date():
        moment = stamp.cast("timestamp")
    else:
        # The common export format first (cheapest), then any ISO form, then French dates; DuckDB
        # evaluates each fallback only for the rows still unparsed.
        text = stamp.cast("string")
        formats = ibis.literal(list(FRENCH_TIMESTAMP_FORMATS), type="array<string>")
        moment = ibis.coalesce(
            try_strptime(text, ibis.literal([ISO_TIMESTAMP_FORMAT], type="array<string>")),
            _plausible(trim(text).try_cast("timestamp")),
            try_strptime(trim(text), formats),
        )
    moment = _plausible(moment)

    if mapping.topic:
        topic = trim(table[mapping.topic].cast("string")).nullif("")
    else:
        topic = ibis.null("string")
    if mapping.online_available:
        flag = table[mapping.online_available]
        if flag.type().is_boolean():
            online = flag.fill_null(False)
        else:
            online = trim(flag.cast("string")).lower().isin(TRUE_VALUES).fill_null(False)
    else:
        online = ibis.literal(False)
    return table.select(rid=rid, channel=channel, topic=topic, online=online, moment=moment,
                        raw_channel=raw_channel, unlisted_channel=unlisted)
