"""Numbers, percentages, dates and plural forms as each language writes them, from CLDR via Babel.

One place for what was formatted by hand in several modules ("1 234,5" with a narrow no-break space
in French, "1,234.5" in English; "27,9 %" and "27.9%"; "30/11/2026"), and for plural rules, which
translators cannot write into a template: French says "1 modification", "0 modification",
"2 modifications"; English "0 edits". Every layer may use it: it depends on Babel only.
"""
from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache
from typing import Any, Mapping

PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: French typography puts a narrow no-break space before "%", the space CLDR uses for its digit
#: groups; CLDR's French percent pattern has a wider no-break space there.
_PERCENT_SPACE = {"fr": "\u202f"}
MISSING = "—"


#: The English of a French public service's partners: British conventions (30/11/2026, not 11/30/26).
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel import Locale

    return Locale.parse(_LOCALES.get(lang, "fr_FR"))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def format_number(value: Any, lang: str, digits: int = 0) -> str:
    """A number with the language's digit groups and decimal mark, ``digits`` decimals (— if missing)."""
    if _missing(value):
        return MISSING
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(float(value), format=pattern, locale=_locale(lang), decimal_quantization=True)


def format_integer(value: Any, lang: str) -> str:
    """A count, rounded, with digit groups: "1 500" (French, narrow no-break space), "1,500"."""
    return MISSING if _missing(value) else format_number(round(float(value)), lang)


def format_percent(share: Any, lang: str, digits: int = 0) -> str:
    """A share (0..1) as a percentage in the language's pattern: "27,9 %" in French, "27.9%" in English."""
    if _missing(share):
        return MISSING
    from babel.numbers import parse_pattern

    locale = _locale(lang)
    pattern = parse_pattern(locale.percent_formats[None].pattern)
    pattern.frac_prec = (digits, digits)
    text = pattern.apply(float(share), locale)
    space = _PERCENT_SPACE.get(locale.language)
    return text.replace("\u00a0%", f"{space}%") if space else text


def format_date(value: Any, lang: str, length: str = "short") -> str:
    """A date (ISO text, date or datetime) as the language writes it: 30/11/2026 (``length="long"``:
    30 novembre 2026, 30 November 2026).

    Text that is not an ISO date is returned as it came, so a hand-edited file never breaks a page.
    """
    from babel.dates import format_date as babel_date

    if isinstance(value, _dt.datetime):
        day = value.date()
    elif isinstance(value, _dt.date):
        day = value
    else:
        try:
            day = _dt.date.fromisoformat(str(value or "")[:10])
        except ValueError:
            return str(value or "")[:10]
    return babel_date(day, format=length, locale=_locale(lang))


def plural_category(count: Any, lang: str) -> str:
    """The CLDR plural category of ``count`` in ``lang`` ("one", "many", "other"...)."""
    try:
        number = abs(float(count))
    except (TypeError, ValueError):
        return "other"
    return _locale(lang).plural_form(int(number) if number.is_integer() else number)


def is_plural_entry(entry: Any) -> bool:
    """A catalogue entry written per plural category: ``{one: "…", other: "…"}``."""
    return isinstance(entry, Mapping) and bool(entry) and "other" in entry and set(entry) <= set(PLURAL_CATEGORIES)


def plural_text(entry: Mapping[str, str], count: Any, lang: str) -> str:
    """The form of a plural entry for ``count`` ("other" when the language's category is not written)."""
    return str(entry.get(plural_category(count, lang), entry["other"]))
