"""The questions of well-known public surveys, known by the codes their files use.

Published files (the European Social Survey, the General Social Survey, the American National
Election Studies, psychology inventories) name their columns by short codes: ``imwbcnt``,
``natsci``, ``PID``, ``N3``. A persona named "Imwbcnt: low" says nothing to a workshop; the
question behind the code does ("Immigration makes the country a better place: low"). The draft
codebook gives such a column its question as label, in French and English, and for an inventory
whose items measure known traits, the trait and the items read in reverse; a file's own labels
(SPSS/Stata variable labels, a text header) always come first.

An instrument applies only when the file holds enough of its codes (``min_codes`` in
``vocab/questions.yaml``): a lone ``A1`` or ``vote`` in another survey is not this instrument's
question. When two instruments share a code, the one with more codes in the file wins.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

_FILE = Path(__file__).with_name("vocab") / "questions.yaml"


@dataclass(frozen=True)
class KnownQuestion:
    """What a standard code asks: its label in both languages, and for an inventory item its trait."""

    instrument: str
    label: dict[str, str]
    dimension: str | None = None
    dimension_label: dict[str, str] | None = None
    reverse: bool = False


@lru_cache(maxsize=1)
def _instruments() -> dict[str, dict]:
    from .yaml_safe import safe_load_text

    data = safe_load_text(_FILE.read_text(encoding="utf-8")) or {}
    return {str(name): spec for name, spec in (data.get("instruments") or {}).items()}


def _key(code: str) -> str:
    return str(code).strip().lower()


def known_questions(columns: Iterable[str]) -> dict[str, KnownQuestion]:
    """The columns of a file that are questions of a known instrument, and what each asks."""
    present = {_key(c): str(c) for c in columns}
    scored = []
    for name, spec in _instruments().items():
        codes = {_key(code): entry for code, entry in (spec.get("questions") or {}).items()}
        found = [code for code in codes if code in present]
        if len(found) >= int(spec.get("min_codes", 1)):
            scored.append((len(found), name, codes, spec))
    out: dict[str, KnownQuestion] = {}
    for _, name, codes, spec in sorted(scored, key=lambda s: (-s[0], s[1])):
        dimensions = spec.get("dimensions") or {}
        for code, entry in codes.items():
            column = present.get(code)
            if column is None or column in out:
                continue
            dimension = entry.get("dimension")
            out[column] = KnownQuestion(
                instrument=name,
                label={"fr": str(entry["fr"]), "en": str(entry["en"])},
                dimension=str(dimension) if dimension else None,
                dimension_label=dict(dimensions[dimension]) if dimension in dimensions else None,
                reverse=bool(entry.get("reverse", False)),
            )
    return out
