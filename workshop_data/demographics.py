"""Which survey columns are demographics, so that they describe personas instead of making them.

Segmentation practice separates basis variables (attitudes, behaviour, contact habits: what the
segments are made of) from descriptors (age, gender, district...: what describes them afterwards).
Clustering on demographics gives "personas" that are a gender or an age split, so a column whose
header or label names a demographic is a descriptor unless the codebook says otherwise. The words
live in ``vocab/demographics.yaml``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

ROLES = ("basis", "descriptor")
_VOCAB_FILE = Path(__file__).with_name("vocab") / "demographics.yaml"
_QUESTION_CODE = re.compile(r"^[a-z]{0,2}\d{1,3}[a-z]?\b\s*")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[int, frozenset[str], tuple[tuple[str, tuple[str, ...], bool], ...]]:
    from .yaml_safe import safe_load_text

    data = safe_load_text(_VOCAB_FILE.read_text(encoding="utf-8"))
    entries = []
    for kind, words in data["demographics"].items():
        for alone, key in ((False, "phrases"), (True, "alone")):
            entries.extend((str(kind), tuple(str(p).split()), alone) for p in words.get(key) or [])
    fillers = frozenset(str(w) for w in data["filler_words"])
    return int(data["max_other_words"]), fillers, tuple(entries)


def header_words(text: str) -> list[str]:
    """The words of a header or label, folded, without a leading question code ('Q3.', 'A12 -')."""
    from .readers import fold

    folded = re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()
    return _QUESTION_CODE.sub("", folded, count=1).split() if " " in folded else folded.split()


def demographic_kind(texts: Iterable[str]) -> str | None:
    """The demographic ('age', 'gender', 'district'...) that one of ``texts`` (header, labels) names."""
    max_other, fillers, entries = _vocabulary()
    for text in texts:
        words = header_words(str(text))
        content = [w for w in words if w not in fillers]
        for kind, phrase, alone in entries:
            if not _contains(words, phrase):
                continue
            others = len(content) - sum(1 for w in phrase if w not in fillers)
            if others <= (0 if alone else max_other):
                return kind
    return None


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i:i + n]) == phrase for i in range(len(words) - n + 1))


def default_role(name: str, label: dict[str, str], levels: list[str] | None = None) -> str:
    """``descriptor`` for a column whose header or label names a demographic, ``basis`` otherwise.

    Answers on a known agreement or frequency scale make a column an attitude, whatever its header
    mentions ("Mon âge me freine": Pas du tout d'accord ... Tout à fait d'accord).
    """
    if demographic_kind([name, *label.values()]) is None:
        return "basis"
    if levels:
        from .scales import match_scale

        if match_scale(list(levels)) is not None:
            return "basis"
    return "descriptor"
