"""Answer scales the toolkit knows (agreement, frequency, satisfaction... in French and English),
the answers that mean "no answer", and yes/no spellings: the vocabulary of ``vocab/scales.yaml``.

Kept apart from the codebook drafting (:mod:`workshop_data.infer`) because the codebook's default
roles (:mod:`workshop_data.demographics`) read it too: an item answered on a known scale is an
attitude, whatever its header mentions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .readers import fold, parse_number
from .yaml_safe import safe_load_text

_VOCAB = Path(__file__).with_name("vocab")


@dataclass(frozen=True)
class Scale:
    id: str
    kind: str
    levels: tuple[tuple[str, ...], ...]  # each level: canonical label first, then variants

    @property
    def labels(self) -> list[str]:
        return [variants[0] for variants in self.levels]


@lru_cache(maxsize=200_000)
def fold_label(text: str) -> str:
    """A label folded for matching: also drops '(e)' endings and a leading code like '1 - ' or 'A3.'."""
    s = fold(text)
    s = re.sub(r"\(\s*e\s*\)|\(\s*es\s*\)|\(\s*s\s*\)|[·.]e\b|[·.]es\b", "", s)
    s = re.sub(r"\b(satisfait|insatisfait|content|mecontent|concerne|informe)e?s?\b", r"\1", s)  # feminine forms
    s = re.sub(r"^(?:[a-z]?\d{1,2}\s*[-–=:.)]\s*)(?=\D)", "", s)
    s = re.sub(r"[\s.!;,]+$", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s


@lru_cache(maxsize=None)
def _scales_vocab() -> dict:
    return safe_load_text((_VOCAB / "scales.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def known_scales() -> tuple[Scale, ...]:
    return tuple(
        Scale(id=s["id"], kind=s["kind"], levels=tuple(tuple(str(v) for v in level) for level in s["levels"]))
        for s in _scales_vocab()["scales"]
    )


@lru_cache(maxsize=None)
def missing_labels() -> frozenset[str]:
    """Answers meaning "no answer" (Ne sait pas, NSP...), folded."""
    return frozenset(fold_label(v) for v in _scales_vocab()["missing_labels"])


@lru_cache(maxsize=None)
def scale_words() -> re.Pattern[str]:
    """Words that make numbered answers ("1 - Pas du tout", "5 - Excellent") read as a scale, for
    folded text; a word ending in ``*`` stands for any ending (``satisf*``)."""
    words = sorted((fold(str(w)) for w in _scales_vocab()["scale_words"]), key=len, reverse=True)
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


@lru_cache(maxsize=None)
def sentinel_codes() -> frozenset[float]:
    """Numbers survey tools write for "no answer" in a numeric scale (-99, 99, 999...)."""
    return frozenset(float(v) for v in _scales_vocab()["missing_codes"])


MAX_MISSING_CODES = 3


def split_missing_codes(numbers: list[float], low_limit: float = 0, high_limit: float = 10
                        ) -> tuple[list[float], list[float]]:
    """The distinct answers of a numeric column split into its scale and the tool's missing codes.

    A code is missing only when the other answers form a small scale (whole numbers from
    ``low_limit`` to ``high_limit``, three values or more, every point answered) and the code stands
    apart from it: below zero, or beyond the scale's top plus one. A 1-5 scale with -99 and 99 is a
    1-5 scale; a 0-10 scale keeps its 9, a 1-9 scale its 9, an age its 99, a count 0-20 its 99.
    """
    distinct = sorted(set(numbers))
    answers = [v for v in distinct if v not in sentinel_codes()]
    if not answers:
        return distinct, []
    answers = [v for v in distinct if v not in sentinel_codes() or answers[0] <= v <= answers[-1] + 1]
    codes = [v for v in distinct if v not in answers]
    if (not codes or len(codes) > MAX_MISSING_CODES or len(answers) < 3 or answers[0] < low_limit
            or answers[-1] > high_limit or answers != list(np.arange(answers[0], answers[-1] + 1))):
        return distinct, []
    return answers, codes


def is_missing_code(value: str, codes: list[float | str]) -> bool:
    """Whether a cell holds one of a column's ``missing`` codes (a number, or a label folded)."""
    number = parse_number(value)
    if number is not None:
        return any(not isinstance(code, str) and number == code for code in codes)
    folded = fold_label(value)
    return any(isinstance(code, str) and fold_label(code) == folded for code in codes)


@lru_cache(maxsize=None)
def boolean_values() -> dict[str, bool]:
    vocab = {str(k).lower(): v for k, v in _scales_vocab()["booleans"].items()}
    out = {fold_label(v): True for v in vocab["true"]}
    out.update({fold_label(v): False for v in vocab["false"]})
    out.update({"1": True, "0": False})
    return out


def match_scale(values: list[str]) -> tuple[Scale, dict[str, int]] | None:
    """The known scale whose labels cover every value, and each folded value's position (0-based)."""
    observed = {fold_label(v) for v in values} - missing_labels()
    if len(observed) < 2:
        return None
    best: tuple[tuple[float, int], Scale, dict[str, int]] | None = None
    for scale in known_scales():
        positions: dict[str, int] = {}
        for i, variants in enumerate(scale.levels):
            for variant in variants:
                positions.setdefault(fold_label(variant), i)
        if not observed <= positions.keys():
            continue
        covered = len({positions[v] for v in observed})
        if covered < len(observed):
            continue  # two different answers cannot be one level of this scale
        score = (covered / len(scale.levels), len(scale.levels))
        if best is None or score > best[0]:
            best = (score, scale, {v: positions[v] for v in observed})
    return None if best is None else (best[1], best[2])
