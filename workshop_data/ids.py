"""Respondent ids compared as the same id whatever a file made of them.

A spreadsheet that saw a number writes respondent 17 as ``17.0`` (or ``17,0`` in French); a
survey tool pads it to ``0017``; the contact log, exported by another tool, says ``17``. Compared
as text, no contact matches its respondent: every persona shows zero contacts and nothing says so.
So every id goes through one canonical form, on the survey side in Python and on the contact log's
side in the engine (the same rule written twice, checked against each other by the tests):

- always: an integer written with a decimal part of zeros is that integer (``17.0`` -> ``17``);
- when the codebook says the ids are numbers (``id_type: number``): leading zeros and a plus
  sign go too (``0017`` -> ``17``). Without it ``0017`` and ``17`` stay two ids: in a text id
  scheme, leading zeros can be part of the id.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

ID_TYPES = ("text", "number")
#: Portable regular expressions (RE2, Java and PostgreSQL read them alike); group 1 is the id.
DECIMAL_ZEROS = r"^(\d+)[.,]0+$"
NUMBER = r"^\+?0*(\d+)(?:[.,]0+)?$"
_PATTERNS = {"text": re.compile(DECIMAL_ZEROS), "number": re.compile(NUMBER)}


def canonical_id(value: Any, id_type: str = "text") -> str:
    """The id as it is compared: trimmed, ``17.0`` as ``17``, ``0017`` as ``17`` for number ids."""
    text = str(value).strip()
    found = _PATTERNS[id_type].match(text)
    return found.group(1) if found else text


def canonical_ids(values: Iterable[Any], id_type: str = "text") -> list[str]:
    return [canonical_id(v, id_type) for v in values]


def id_expr(column: Any, id_type: str = "text") -> Any:
    """The same canonical form as an Ibis expression on a trimmed text column.

    Only values that could change are matched against the pattern (a decimal separator, or a
    leading zero or plus for number ids): the common case costs two cheap string tests a row.
    """
    import ibis

    pattern = NUMBER if id_type == "number" else DECIMAL_ZEROS
    candidate = column.contains(".") | column.contains(",")
    if id_type == "number":
        candidate = candidate | column.startswith("0") | column.startswith("+")
    return ibis.ifelse(candidate & column.re_search(pattern), column.re_extract(pattern, 1), column)
