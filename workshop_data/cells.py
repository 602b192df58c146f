"""Cell text as people type it: numbers in French or English notation, labels folded for
comparison, spreadsheet values as text, and text that lost its UTF-16 byte-order mark.

Small and without dependencies inside the package, so that every reader (text tables, workbooks,
statistics files, double headers) and the codebook inference can share it without importing
each other.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

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


def utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the bytes read as UTF-16 text that lost its byte-order
    mark (one byte of every two is zero, always the same one: Latin text), else None."""
    sample = raw[:65536]
    low, high = sample[0::2], sample[1::2]
    if len(high) < 8:
        return None
    zeros_low, zeros_high = low.count(0) / len(low), high.count(0) / len(high)
    if zeros_high > 0.5 and zeros_low < 0.02:
        return "utf-16-le"
    if zeros_low > 0.5 and zeros_high < 0.02:
        return "utf-16-be"
    return None
