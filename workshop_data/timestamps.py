"""Contact timestamps read the same way on every engine, as whole seconds of wall-clock time.

Engines disagree on dates: DuckDB's ``strptime`` fails on a bad row where its ``try_strptime`` does
not, Spark 4 in ANSI mode raises where older Sparks gave NULL, PostgreSQL's ``to_timestamp`` has
its own format language, and each engine applies its session time zone (a week across a change to
summer time is 7×24 h ± 1 h). So a timestamp is cut into numbers with portable string operations
(an anchored regular expression to check it, substrings or regex groups to cut it, casts of checked
digits) and turned into seconds since 1970 by integer arithmetic: no time zone, no engine-specific
function, and the same 7×24 h everywhere.

Speed: the format is found once, on a sample of the raw strings, as a *shape* (``9999-99-99 99:99``
for ``2025-03-02 23:40``). Rows of that shape are cut by fixed positions; the others fall back to
the general ISO and French patterns (DuckDB evaluates a fallback only for the rows still unread).

Accepted: ISO (``2025-03-14 09:32:00``, ``2025-03-14T09:32``, fractions of a second, a date alone)
and French (``14/03/2025 09:32``, ``14.03.25``, ``14-03-2025 9h32``, with or without seconds, a
date alone). Two-digit years are 2000-2068 and 1969-1999, as Python's ``%y``. A year outside
1900-2199, a 31 February or a 25th hour is an unreadable timestamp.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

YEARS = (1900, 2199)
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

    pattern: str
    spans: tuple[tuple[int, int] | None, ...]  # (start, length) for each of PARTS, None if absent


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
        shapes.append(Shape("^" + "".join(r"\d" if ch == "9" else re.escape(ch) for ch in shape) + "$", spans))
    return shapes


def text_parts(text: Any, shapes: Iterable[Shape] = ()) -> dict[str, Any]:
    """Year, month, day, hour, minute, second of a string column as numbers (NULL where unread).

    The sampled shapes first (cut by position), then the general patterns (cut by regex groups);
    a part is taken from the first layout that reads the value (they agree where several do).
    Hours, minutes and seconds are NULL for a date alone: :func:`moment` reads them as 0.
    """
    import ibis

    layouts = [_cut_fixed(text, shape) for shape in shapes]
    layouts += [_cut_regex(text, pattern, order) for pattern, order in GENERAL]
    return {part: ibis.coalesce(*(layout[i] for layout in layouts if layout[i] is not None))
            for i, part in enumerate(PARTS)}


def native_parts(moment: Any) -> dict[str, Any]:
    """The parts of a timestamp or date column, read as wall-clock time."""
    import ibis

    timed = moment.type().is_timestamp()
    return {part: getattr(moment, part)().cast("int64") if timed or part in PARTS[:3] else ibis.literal(0)
            for part in PARTS}


def moment(parts: dict[str, Any]) -> tuple[Any, Any]:
    """Seconds since 1970 and month number (year × 12 + month) from the parts; both NULL when any
    part is out of range (a 31 February, a 25th hour, a year outside 1900-2199).

    Give it columns, not the part expressions themselves: each part is used several times.
    """
    import ibis

    year, month, day = parts["year"], parts["month"], parts["day"]
    hour, minute, second = (parts[p].fill_null(0) for p in PARTS[3:])
    valid = (
        year.between(*YEARS) & month.between(1, 12) & day.between(1, _days_in_month(year, month))
        & hour.between(0, 23) & minute.between(0, 59) & second.between(0, 59)
    )
    seconds = _days_since_1970(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    null = ibis.null("int64")
    return ibis.ifelse(valid, seconds, null), ibis.ifelse(valid, year * 12 + month - 1, null)


def _cut_fixed(text: Any, shape: Shape) -> list[Any]:
    import ibis

    checked = ibis.ifelse(text.re_search(shape.pattern), text, ibis.null("string"))
    parts = [None if span is None else checked.substr(span[0], span[1]).cast("int64") for span in shape.spans]
    if shape.spans[0][1] == 2:
        parts[0] = _four_digits(parts[0])
    return parts


def _cut_regex(text: Any, pattern: str, order: tuple[int, ...]) -> list[Any]:
    import ibis

    checked = ibis.ifelse(text.re_search(pattern), text, ibis.null("string"))
    # An absent optional group is '' on DuckDB and Spark, NULL on PostgreSQL: NULL everywhere.
    texts = [checked.re_extract(pattern, group).nullif("") for group in order]
    parts = [t.cast("int64") for t in texts]
    parts[0] = ibis.ifelse(texts[0].length() == 2, _four_digits(parts[0]), parts[0])
    return parts


def _four_digits(year: Any) -> Any:
    """A year written with two digits is 1969-2068, as Python's ``%y``."""
    import ibis

    return year + ibis.ifelse(year < 69, 2000, 1900)


def _days_in_month(year: Any, month: Any) -> Any:
    import ibis

    leap = (_divides(4, year) & ~_divides(100, year)) | _divides(400, year)
    return ibis.cases(
        (month == 2, ibis.ifelse(leap, 29, 28)),
        (month.isin([4, 6, 9, 11]), 30),
        else_=31,
    )


def _divides(n: int, value: Any) -> Any:
    return value - (value // n) * n == 0


def _days_since_1970(year: Any, month: Any, day: Any) -> Any:
    """Days from 1970-01-01 to a civil date (H. Hinnant's algorithm; years here are positive)."""
    import ibis

    shifted = year - ibis.ifelse(month <= 2, 1, 0)
    era = shifted // 400
    year_of_era = shifted - era * 400
    month_from_march = ibis.ifelse(month > 2, month - 3, month + 9)
    day_of_year = (153 * month_from_march + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468
