"""Contact timestamps read the same way on every engine, to whole seconds of wall-clock time.

Engines disagree on dates: DuckDB's ``strptime`` fails on a bad row where its ``try_strptime`` does
not, Spark 4 in ANSI mode raises where older Sparks gave NULL, PostgreSQL's ``to_timestamp`` has
its own format language, and each engine applies its session time zone (a week across a change to
summer time is 7×24 h ± 1 h). So a timestamp is read with portable string operations only: an
anchored regular expression recognises its layout, substrings or regex groups cut it into parts,
and the parts are put together as one number, the *stamp* ``YYYYMMDDhhmmss`` (``20250302234000``).
A join on a calendar table (every day from 1900 to 2199, sent to the engine) checks the date (no
31 February) and gives its day number; :func:`with_moments` adds the time of day. No time zone, no
engine-specific function, the same 7×24 h everywhere.

Speed: the format is found once, on a sample of the raw strings, as a *shape* (``9999-99-99 99:99``
for ``2025-03-02 23:40``). A value of that shape is cut by fixed positions; only the others are
tried against the general ISO and French patterns (one CASE: engines evaluate a branch only for the
rows that reach it). The stamp is one column: what follows refers to it instead of repeating its
expression.

Accepted: ISO (``2025-03-14 09:32:00``, ``2025-03-14T09:32``, fractions of a second, a date alone)
and French (``14/03/2025 09:32``, ``14.03.25``, ``14-03-2025 9h32``, with or without seconds, a
date alone). Two-digit years are 1969-2068, as Python's ``%y``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Sequence

YEARS = (1900, 2199)
#: Without a period in the codebook, a contact dated before this day, or after today, is out of any
#: plausible window: a default date (1900-01-01), a typing slip (2105), a clock never set.
DEFAULT_FIRST_DAY = "2000-01-01"
PARTS = ("year", "month", "day", "hour", "minute", "second")
# Portable regular expressions (RE2, Java and PostgreSQL read them alike); groups in PARTS order
# except the French day-month-year.
ISO_PATTERN = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?$"
FRENCH_PATTERN = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?: (\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$"
GENERAL = ((ISO_PATTERN, (1, 2, 3, 4, 5, 6)), (FRENCH_PATTERN, (3, 2, 1, 4, 5, 6)))
SAMPLE_ROWS = 5000


@dataclass(frozen=True)
class Shape:
    """A fixed-width timestamp layout found in the sample: its check and where each part sits."""

    text: str  # digits as 9: "9999-99-99 99:99"
    spans: tuple[tuple[int, int] | None, ...]  # (start, length) for each of PARTS, None if absent

    @property
    def pattern(self) -> str:
        return "^" + "".join(r"\d" if ch == "9" else re.escape(ch) for ch in self.text) + "$"

    @property
    def in_order(self) -> bool:
        """Year first, then each present part in 2 digits and in order, absent parts only at the end
        (ISO): without its separators, such a value is already a stamp."""
        present = [span for span in self.spans if span is not None]
        return (self.spans[0][1] == 4 and all(span[1] == 2 for span in present[1:])
                and present == sorted(present) and None not in self.spans[:len(present)]
                and self.text.count("9") == 2 + 2 * len(present))


def detect_shapes(sample: Iterable[Any], limit: int = 2) -> list[Shape]:
    """The most common fixed-width layouts of the sample's readable timestamps (at most ``limit``).

    Runs in Python on a few thousand strings; an empty list (nothing readable) leaves only the
    general patterns, which read the same values, more slowly.
    """
    counts: Counter[str] = Counter()
    examples: dict[str, re.Match] = {}
    for value in sample:
        if value is None:
            continue
        text = str(value)
        for pattern, order in GENERAL:
            found = re.match(pattern, text)
            if found:
                shape = re.sub(r"\d", "9", text)
                counts[shape] += 1
                examples.setdefault(shape, (found, order))
                break
    shapes = []
    for shape, _ in counts.most_common(limit):
        found, order = examples[shape]
        spans = tuple(
            (found.start(group), found.end(group) - found.start(group)) if found.group(group) else None
            for group in order
        )
        shapes.append(Shape(shape, spans))
    return shapes


def text_stamp(text: Any, shapes: Iterable[Shape] = (), *, trimmed: Any = None) -> Any:
    """The stamp of a string column, NULL where no layout reads it; checked by :func:`with_moments`.

    The sampled shapes are matched on the text as it is; the general patterns on ``trimmed`` (the
    text without surrounding spaces, when the caller has it).
    """
    import ibis

    trimmed = text if trimmed is None else trimmed
    branches = [(text.re_search(shape.pattern), _cut_fixed(text, shape)) for shape in shapes]
    branches += [(trimmed.re_search(pattern), _joined(_cut_regex(trimmed, pattern, order)))
                 for pattern, order in GENERAL]
    return ibis.cases(*branches, else_=ibis.null("string")).cast("int64")


def native_stamp(moment: Any) -> Any:
    """The stamp of a timestamp or date column, read as wall-clock time."""
    year, month, day = (getattr(moment, part)().cast("int64") for part in PARTS[:3])
    stamp = year * 10**10 + month * 10**8 + day * 10**6
    if moment.type().is_timestamp():
        stamp = stamp + moment.hour().cast("int64") * 10**4 + moment.minute().cast("int64") * 100 \
            + moment.second().cast("int64")
    return stamp


def calendar_table() -> Any:
    """Every day from 1900 to 2199 (Arrow): its ``day_key`` (``YYYYMMDD``), ``day_number`` (days
    since 1970-01-01) and ``month_key`` (``YYYYMM``). Joined on a stamp's date, it checks the date
    (no 31 February) and gives its day number without arithmetic on every row."""
    import numpy as np
    import pyarrow as pa

    days = np.arange(np.datetime64(f"{YEARS[0]}-01-01"), np.datetime64(f"{YEARS[1] + 1}-01-01"))
    months = days.astype("datetime64[M]")
    month_key = (months.astype(np.int64) // 12 + 1970) * 100 + months.astype(np.int64) % 12 + 1
    return pa.table({
        "day_key": month_key * 100 + (days - months).astype(np.int64) + 1,
        "day_number": days.astype(np.int64),
        "month_key": month_key,
    })


def with_moments(log: Any, calendar: Any, columns: Sequence[str], window: tuple[int, int] | None = None) -> Any:
    """``columns`` of ``log`` with each contact's ``seconds`` (since 1970, wall-clock time) and
    ``month`` (``YYYYMM``), both NULL when its ``stamp`` is no real moment or falls outside
    ``window`` (first and last day, as day numbers since 1970: see :func:`window_days`), and
    ``outside``: whether it is a real moment outside the window (left out, and counted apart).

    ``calendar`` is :func:`calendar_table` on the same engine.
    """
    import ibis

    joined = log.left_join(calendar, (log.stamp // 10**6) == calendar.day_key)
    clock = joined.stamp % 10**6
    hour, minute, second = clock // 10**4, (clock // 100) % 100, clock % 100
    readable = joined.day_number.notnull() & (hour <= 23) & (minute <= 59) & (second <= 59)
    inside = ibis.literal(True)
    if window is not None:
        inside = (joined.day_number >= window[0]) & (joined.day_number <= window[1])
    valid = readable & inside
    seconds = joined.day_number * 86400 + hour * 3600 + minute * 60 + second
    return joined.select(*columns, seconds=ibis.ifelse(valid, seconds, ibis.null("int64")),
                         month=ibis.ifelse(valid, joined.month_key, ibis.null("int64")),
                         outside=(readable & ~inside).fill_null(False))


def window_days(period: tuple[str, str] | None = None, today: date | None = None) -> tuple[int, int]:
    """The plausible window of contact dates as day numbers since 1970: the codebook's ``period``,
    else from :data:`DEFAULT_FIRST_DAY` to today (a log cannot hold contacts from the future)."""
    first, last = period if period is not None else (DEFAULT_FIRST_DAY, (today or date.today()).isoformat())
    epoch = date(1970, 1, 1)
    return (date.fromisoformat(first) - epoch).days, (date.fromisoformat(last) - epoch).days


def parse_period(raw: Any, fail: Any) -> tuple[str, str] | None:
    """A codebook's ``period: [first day, last day]`` as ISO dates in order, or None; ``fail`` builds the refusal."""
    from .messages import msg

    if raw is None:
        return None
    days = None
    if isinstance(raw, (list, tuple)) and len(raw) == 2:
        try:
            days = [date.fromisoformat(str(value).strip()) for value in raw]
        except ValueError:
            days = None
    if days is None or days[0] > days[1] or days[0].year < YEARS[0] or days[1].year > YEARS[1]:
        raise fail(msg("codebook.bad_period"), column="contacts.period", expected=msg("codebook.expected_period"),
                   found=str(raw)[:60])
    return days[0].isoformat(), days[1].isoformat()


def _joined(parts: list[Any]) -> Any:
    """Parts as text (year of 4 digits, then 2 digits each; NULL for an absent time part) put together."""
    import ibis

    text = parts[0]
    for part in parts[1:]:
        text = text + (ibis.literal("00") if part is None else part.fill_null("00"))
    return text


def _cut_fixed(text: Any, shape: Shape) -> Any:
    """The stamp text of a value of a sampled shape: an ISO value without its separators (and
    "00" for absent time parts), any other cut by position and put together."""
    if shape.in_order:
        for separator in sorted(set(shape.text) - {"9"}):
            text = text.replace(separator, "")
        return text + "00" * shape.spans.count(None)
    parts = [None if span is None else text.substr(*span) if span[1] != 1 else text.substr(*span).lpad(2, "0")
             for span in shape.spans]
    if shape.spans[0][1] == 2:
        parts[0] = _four_digits(parts[0])
    return _joined(parts)


def _cut_regex(text: Any, pattern: str, order: tuple[int, ...]) -> list[Any]:
    import ibis

    # An absent optional group is '' on DuckDB and Spark, NULL on PostgreSQL: NULL everywhere.
    year, *rest = [text.re_extract(pattern, group).nullif("") for group in order]
    return [ibis.ifelse(year.length() == 2, _four_digits(year), year)] + [part.lpad(2, "0") for part in rest]


def _four_digits(year: Any) -> Any:
    """A year written with two digits is 1969-2068, as Python's ``%y`` (text in, text out)."""
    import ibis

    return ibis.ifelse(year < "69", "20", "19") + year
