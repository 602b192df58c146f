"""Contact-log features per respondent, computed where the log lives.

A relationship service's contact log has millions of rows, a national agency's hundreds of
millions in a warehouse or a Spark lake; the survey has a few thousand respondents. So the log is
never loaded here: it is opened lazily on an engine (:mod:`workshop_data.engines`: DuckDB on this
machine by default, Spark, or a database), :func:`features_expr` is the one Ibis expression that
aggregates it per respondent, the same on every engine (no engine-specific SQL or function; see
:mod:`workshop_data.timestamps` for dates), and one query brings back one row per survey respondent
plus one row summing the contacts of ids that match no respondent, as Arrow.

A contact whose timestamp cannot be read is left out of every feature, counted, and reported; when
more than ``max_bad_timestamp_share`` of them are bad the log is refused.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import pandas as pd

from . import engines, timestamps
from .codebook import CHANNELS, DIGITAL_CHANNELS, ContactMapping
from .contact_log import OpenLog, combined_hash, head_values, open_log
from .engines import Engine
from .errors import DataError, DataWarning
from .ids import id_expr
from .messages import msg
from .pii import scrub_text

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
# What the per-id expression gives besides the features; summed (or min/max) over unmatched ids.
_REPORT_SUMS = ("rows", "bad_timestamps", "out_of_window", "unlisted_channels", "digital_contacts")
REPEAT_WINDOW_SECONDS = 7 * 24 * 3600
#: The share of respondents a log must match is checked from this many respondents on (the least a
#: survey is analysed with): below, a handful of people without contacts would make any log fail.
MATCH_CHECK_RESPONDENTS = 20
TRUE_VALUES = ("oui", "o", "yes", "y", "true", "vrai", "1", "x")
UNLISTED_LABELS_SHOWN = 10


@dataclass
class ContactReport:
    """What reading the log found: shown to people and stored (source) in the workshop."""

    rows: int
    matched_rows: int
    unmatched_rows: int
    unmatched_ids: int
    bad_timestamps: int
    period_days: float
    source: dict  # {"role": "contacts", "name", "sha256" (None for a database table), "rows"}
    warnings: list[DataWarning] = field(default_factory=list)
    out_of_window: int = 0          # readable timestamps outside the plausible window: left out too
    matched_respondents: int = 0    # survey respondents with at least one contact in the log

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warnings"] = [str(w) for w in self.warnings]
        return out


@dataclass
class ContactFeatures:
    table: pd.DataFrame  # indexed by respondent_id (str), FEATURE_COLUMNS, zeros for no contact
    report: ContactReport
    #: contacts by respondent, topic and channel (workshop_data/journeys.py), None without topics
    journeys: pd.DataFrame | None = None


def read_contacts(source: Any = None, *, engine: str | Engine | None = None, table: str | None = None) -> Any:
    """Open a contact log lazily as an Ibis table: files (one, a glob, a list) or a database table."""
    return open_log(source, engines.connect(engine), table=table).table


def features_expr(table: Any, mapping: ContactMapping, shapes: Sequence[timestamps.Shape] = (),
                  calendar: Any = None, *, window: tuple[int, int] | None = None, id_type: str = "text") -> Any:
    """The per-respondent aggregation, as one Ibis expression over a raw contact table.

    One row per respondent id found in the log (ids as trimmed strings) with FEATURE_COLUMNS, plus
    ``rows`` (all its contacts, readable timestamp or not), ``bad_timestamps`` (unreadable),
    ``out_of_window`` (readable, outside ``window``: day numbers, :func:`timestamps.window_days`;
    the default window when not given), ``unlisted_channels``, ``digital_contacts``, ``first_contact`` and ``last_contact`` (seconds
    of wall-clock time since 1970), and two of its channel labels the mapping does not list.
    ``shapes`` are timestamp layouts found on a sample (:func:`timestamps.detect_shapes`): they
    only make reading faster. ``calendar``: :func:`timestamps.calendar_table` on the table's
    engine (sent as an in-memory table when not given). A contact is a repeat when the same respondent had a contact on the
    same topic at most 7×24 h (inclusive) before it.
    """
    import ibis

    _check_columns(table, mapping, file=None)
    if calendar is None:
        calendar = ibis.memtable(timestamps.calendar_table())
    if window is None:
        window = timestamps.window_days(mapping.period)
    log = _with_repeats(_normalised(table, mapping, shapes, id_type), calendar, window)
    valid = log.seconds.notnull()
    grouped = log.group_by("rid").aggregate(
        rows=log.count(),
        bad_timestamps=log.count(where=~valid & ~log.outside),
        out_of_window=log.count(where=log.outside),
        unlisted_channels=log.count(where=valid & log.unlisted_label.notnull()),
        contacts_total=log.count(where=valid),
        **{f"contacts_{channel}": log.count(where=valid & (log.channel == number))
           for number, channel in enumerate(CHANNELS)},
        digital_contacts=log.count(where=valid & log.channel.isin([CHANNELS.index(c) for c in DIGITAL_CHANNELS])),
        avoidable_contacts=log.count(where=valid & log.online),
        repeat_contacts=log.count(where=valid & log.repeat),
        distinct_topics=log.count(where=log.first_on_topic),
        active_months=log.month.nunique(),  # NULL when the timestamp cannot be read
        first_contact=log.seconds.min(),
        last_contact=log.seconds.max(),
        unlisted_low=log.unlisted_label.min(),
        unlisted_high=log.unlisted_label.max(),
    )
    return grouped.mutate(
        digital_share=_share(grouped.digital_contacts, grouped.contacts_total),
        avoidable_share=_share(grouped.avoidable_contacts, grouped.contacts_total),
    ).rename(respondent_id="rid")


def contact_features(
    source: Any,
    mapping: ContactMapping,
    respondent_ids: Sequence[str],
    *,
    max_bad_timestamp_share: float = 0.5,
    engine: str | Engine | None = None,
    table: str | None = None,
    id_type: str = "text",
    min_matched_share: float = 0.5,
) -> ContactFeatures:
    """Aggregate the log onto the survey's respondents: every respondent gets a row (zeros if none).

    ``source`` is a file, a glob, a folder or a list of files; or, with ``table``, ignored and the
    log read from that table of the engine's database. ``engine``: see :mod:`workshop_data.engines`.
    Ids are compared in their canonical form (:mod:`workshop_data.ids`; ``respondent_ids`` are
    taken as they are, canonical already when they come from :func:`~workshop_data.survey.load_survey`).
    A log whose ids match fewer than ``min_matched_share`` of the respondents (of 20 or more) is
    refused: it is another survey's log, or its ids were written another way (0 to accept any).
    """
    eng = engines.connect(engine)
    log = open_log(source, eng, table=table)
    try:
        _check_columns(log.table, mapping, file=log.name)
        ids = pd.unique(pd.Series([str(i) for i in respondent_ids], dtype=object))
        shapes = _timestamp_shapes(eng, log, mapping)
        per_id = features_expr(log.table, mapping, shapes, engines.upload(eng, timestamps.calendar_table()),
                               id_type=id_type)
        result = _run(eng, _onto_respondents(per_id, engines.upload(eng, _id_table(ids))), log.name)
    finally:
        log.close()
    return _assemble(result, ids, mapping, log, max_bad_timestamp_share, min_matched_share)


def feature_table(encoded: pd.DataFrame, contacts: pd.DataFrame | None) -> pd.DataFrame:
    """The ``features`` output: raw contact features under their contract names, then the encoded
    survey columns (``enc_``) and the trait scores; one row per respondent, in survey order.

    Without a log the contact columns are there, empty (unknown, not zero).
    """
    encoded = encoded.set_index("respondent_id")
    encoded = encoded.rename(columns={c: f"enc_{c}" for c in encoded.columns if not c.startswith("score_")})
    if contacts is None:
        contacts = pd.DataFrame({c: pd.Series(dtype="float64") for c in FEATURE_COLUMNS})
    return contacts.join(encoded, how="right").rename_axis("respondent_id").reset_index()


# -- the query -----------------------------------------------------------------------------------


def _timestamp_shapes(engine: Engine, log: OpenLog, mapping: ContactMapping) -> list[timestamps.Shape]:
    """Timestamp layouts found on the first rows: of a CSV, those read while hashing it; otherwise
    a LIMIT query (the engine reads one block)."""
    column = log.table[mapping.timestamp]
    if not column.type().is_string():
        return []
    sample = head_values(log.files, mapping.timestamp, timestamps.SAMPLE_ROWS)
    if sample is None:
        limited = log.table.select(t=column).limit(timestamps.SAMPLE_ROWS)
        sample = _run(engine, limited, log.name).column("t").to_pylist()
    return timestamps.detect_shapes(sample)


def _id_table(ids: Any) -> Any:
    import pyarrow as pa

    return pa.table({"wanted_id": pa.array(list(ids), type=pa.string())})


def _onto_respondents(per_id: Any, wanted: Any) -> Any:
    """Per-id features of the survey's respondents, and one row (key NULL) summing all other ids.

    Left join then group: one row per matched id keeps its values (a sum over one row); the rest
    collapse, so what comes back is the survey's size plus one row, whatever the log's size.
    """
    joined = per_id.left_join(wanted, per_id.respondent_id == wanted.wanted_id)
    return joined.group_by(key=joined.wanted_id).aggregate(
        ids=joined.count(),
        example_id=joined.respondent_id.nullif("").min(),  # of the unmatched row: an id the survey lacks
        **{name: joined[name].sum() for name in (*COUNT_COLUMNS, *_REPORT_SUMS)},
        first_contact=joined.first_contact.min(),
        last_contact=joined.last_contact.max(),
        unlisted_low=joined.unlisted_low.min(),
        unlisted_high=joined.unlisted_high.max(),
    )


def _run(engine: Engine, expr: Any, name: str) -> Any:
    """The result as Arrow; an engine's failure to read the log (ragged CSV, bad types) is a DataError."""
    try:
        return engines.to_arrow(engine, expr)
    except DataError:
        raise
    except Exception as exc:
        raise DataError(msg("contacts.unreadable", reason=engines.first_line(exc)), file=name,
                        expected=msg("contacts.expected_log")) from None


# -- back on this machine: one row per respondent and the report -----------------------------------


def _assemble(result: Any, ids: Any, mapping: ContactMapping, log: OpenLog, max_bad: float,
              min_matched: float = 0.0) -> ContactFeatures:
    frame = result.to_pandas()
    matched = frame["key"].notna().to_numpy()
    totals = _totals(frame, matched)
    rows, bad, outside = totals["rows"], totals["bad_timestamps"], totals["out_of_window"]
    if rows and (bad + outside) / rows > max_bad:
        raise DataError(
            msg("contacts.bad_timestamps", bad=bad + outside, n=rows, unreadable=bad, outside=outside,
                window=_window_words(mapping)),
            file=log.name, column=mapping.timestamp, expected=msg("contacts.expected_dates"),
        )
    found = int(matched.sum())
    if rows and len(ids) >= MATCH_CHECK_RESPONDENTS and found < min_matched * len(ids):
        raise _few_matches(frame, matched, ids, found, mapping, log.name)
    report = ContactReport(
        rows=rows,
        matched_rows=rows - totals["unmatched_rows"],
        unmatched_rows=totals["unmatched_rows"],
        unmatched_ids=totals["unmatched_ids"],
        bad_timestamps=bad,
        period_days=totals["period_days"],
        source={"role": "contacts", "name": log.name, "sha256": combined_hash(log.files), "rows": rows},
        warnings=_warnings(frame, totals, mapping, log.name),
        out_of_window=outside,
        matched_respondents=found,
    )
    return ContactFeatures(table=_per_respondent_table(frame[matched], ids), report=report)


def _totals(frame: pd.DataFrame, matched: Any) -> dict[str, Any]:
    def total(column: str, rows: Any = slice(None)) -> int:
        return int(frame.loc[rows, column].fillna(0).sum())

    first, last = frame["first_contact"].min(), frame["last_contact"].max()
    return {
        **{name: total(name) for name in _REPORT_SUMS},
        "unmatched_rows": total("rows", ~matched),
        "unmatched_ids": total("ids", ~matched),
        "period_days": float(last - first) / 86400 if pd.notna(first) and pd.notna(last) else 0.0,
    }


def _per_respondent_table(matched: pd.DataFrame, ids: Any) -> pd.DataFrame:
    table = matched.set_index("key").reindex(pd.Index(ids, dtype="str", name="respondent_id"))
    table = table[[c for c in COUNT_COLUMNS] + ["digital_contacts"]].fillna(0).astype("int64")
    total = table["contacts_total"].where(table["contacts_total"] > 0)
    table["digital_share"] = (table.pop("digital_contacts") / total).fillna(0.0).astype("float64")
    table["avoidable_share"] = (table["avoidable_contacts"] / total).fillna(0.0).astype("float64")
    return table[list(FEATURE_COLUMNS)]


def _warnings(frame: pd.DataFrame, totals: dict[str, Any], mapping: ContactMapping, name: str) -> list[DataWarning]:
    warnings: list[DataWarning] = []
    bad, unlisted, unmatched = totals["bad_timestamps"], totals["unlisted_channels"], totals["unmatched_rows"]
    if bad:
        warnings.append(DataWarning(msg("contacts.left_out", n=bad), file=name, column=mapping.timestamp, count=bad))
    if totals["out_of_window"]:
        outside = totals["out_of_window"]
        warnings.append(DataWarning(msg("contacts.outside_window", n=outside, window=_window_words(mapping)),
                                    file=name, column=mapping.timestamp, count=outside))
    if unlisted:
        labels = sorted(set(frame["unlisted_low"].dropna()) | set(frame["unlisted_high"].dropna()))
        shown = labels[:UNLISTED_LABELS_SHOWN] + (["…"] if len(labels) > UNLISTED_LABELS_SHOWN else [])
        warnings.append(DataWarning(
            msg("contacts.unlisted", n=unlisted, labels=", ".join(scrub_text(str(label))[0] for label in shown)),
            file=name, column=mapping.channel, count=unlisted))
    if unmatched:
        warnings.append(DataWarning(
            msg("contacts.unmatched", n=unmatched, ids=totals["unmatched_ids"]),
            file=name, column=mapping.respondent_id, count=unmatched))
    if totals["rows"] == 0:
        warnings.append(DataWarning(msg("contacts.no_rows"), file=name))
    return warnings


# -- the expression's parts ------------------------------------------------------------------------


def _check_columns(table: Any, mapping: ContactMapping, *, file: str | None) -> None:
    present = list(table.columns)
    wanted = [(mapping.respondent_id, "respondent_id"), (mapping.channel, "channel"), (mapping.timestamp, "timestamp"),
              (mapping.topic, "topic"), (mapping.online_available, "online_available")]
    for column, role in wanted:
        if column and column not in present:
            raise DataError(
                msg("contacts.no_column", column=column, role=msg(f"contacts.role.{role}")), file=file, column=column,
                expected=msg("contacts.expected_role", role=msg(f"contacts.role.{role}"), names=", ".join(present[:20])),
            )


def _share(part: Any, total: Any) -> Any:
    import ibis

    return ibis.ifelse(total > 0, part.cast("float64") / total, 0.0)


def _window_words(mapping: ContactMapping) -> Any:
    """The plausible window in words: the codebook's period, or the default one."""
    first, last = mapping.period or (timestamps.DEFAULT_FIRST_DAY, None)
    return msg("contacts.window", first=first, last=last) if last else msg("contacts.default_window", first=first)


def _few_matches(frame: pd.DataFrame, matched: Any, ids: Any, found: int, mapping: ContactMapping,
                 name: str) -> DataError:
    """The refusal of a log that matches too few respondents, with one id of each side to compare."""
    in_log = set(frame.loc[matched, "key"])
    survey_example = next((str(i) for i in ids if i not in in_log), "")
    unmatched = frame.loc[~matched, "example_id"].dropna()
    log_example = str(unmatched.iloc[0]) if len(unmatched) else ""
    return DataError(
        msg("contacts.few_matches", found=found, n=len(ids)), file=name, column=mapping.respondent_id,
        expected=msg("contacts.expected_matches"),
        found=msg("contacts.id_examples", survey=scrub_text(survey_example)[0][:40],
                  log=scrub_text(log_example)[0][:40]),
    )


def _with_repeats(log: Any, calendar: Any, window: tuple[int, int] | None = None) -> Any:
    """Seconds and month of each contact, and whether it follows one on the same topic by the same
    person within 7×24 h (inclusive), or is the first on its topic (counting those counts the
    topics without a distinct count). A contact whose timestamp cannot be read has no seconds and
    sorts apart (first or last, by engine): it never comes between two readable ones, nor before
    the first readable one."""
    timed = timestamps.with_moments(log, calendar, ["rid", "topic", "channel", "online", "unlisted_label"], window)
    previous = timed.seconds.lag().over(group_by=[timed.rid, timed.topic], order_by=timed.seconds)
    topic = timed.topic.notnull() & timed.seconds.notnull()
    return timed.mutate(repeat=topic & (timed.seconds - previous <= REPEAT_WINDOW_SECONDS).fill_null(False),
                        first_on_topic=topic & previous.isnull())


def _normalised(table: Any, mapping: ContactMapping, shapes: Sequence[timestamps.Shape], id_type: str = "text") -> Any:
    """Each contact as the few narrow columns the window has to carry: trimmed id, topic, stamp,
    channel number (its place in CHANNELS), online flag, and its channel label when the map does
    not list it (NULL otherwise)."""
    import ibis

    raw_channel = _trimmed(table[mapping.channel])
    codes = {channel: number for number, channel in enumerate(CHANNELS)}
    codes.update({str(label).strip(): CHANNELS.index(channel) for label, channel in mapping.channels.items()})
    unlisted = raw_channel.notnull() & ~raw_channel.isin(list(codes))
    stamp = table[mapping.timestamp]
    if stamp.type().is_timestamp() or stamp.type().is_date():
        stamp = timestamps.native_stamp(stamp)
    else:
        stamp = timestamps.text_stamp(stamp.cast("string"), shapes, trimmed=_trimmed(stamp))
    return table.select(
        rid=id_expr(_trimmed(table[mapping.respondent_id]), id_type).fill_null(""),
        topic=_trimmed(table[mapping.topic]).nullif("") if mapping.topic else ibis.null("string"),
        stamp=stamp,
        channel=raw_channel.substitute(codes, else_=CHANNELS.index("other")).cast("int8"),
        online=_online(table, mapping),
        unlisted_label=ibis.ifelse(unlisted, raw_channel, ibis.null("string")),
    )


def _trimmed(column: Any) -> Any:
    """The column as text without surrounding spaces. Trimming is slow on some engines (DuckDB's
    TRIM of a character set), so only values that start or end with a space are trimmed."""
    import ibis

    text = column.cast("string")
    return ibis.ifelse(text.startswith(" ") | text.endswith(" "), text.strip(), text)


def _online(table: Any, mapping: ContactMapping) -> Any:
    import ibis

    if not mapping.online_available:
        return ibis.literal(False)
    flag = table[mapping.online_available]
    if flag.type().is_boolean():
        return flag.fill_null(False)
    return _trimmed(flag).lower().isin(TRUE_VALUES).fill_null(False)

