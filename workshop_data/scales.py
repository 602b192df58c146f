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

from .readers import fold
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
