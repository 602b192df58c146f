"""Which survey columns are demographics, so that they describe personas instead of making them.

Segmentation practice separates basis variables (attitudes, behaviour, contact habits: what the
segments are made of) from descriptors (age, gender, district...: what describes them afterwards).
Clustering on demographics gives "personas" that are a gender or an age split, so a column is a
descriptor unless the codebook says otherwise when

- its header or label names a demographic in words ("Tranche d'âge", "Household size"), or is one
  of the short names published files use ("agea", "gndr", "eduyrs", "rincom16", "csp", "tu"),
  abbreviations read as words first ("nb_personnes_foyer": nombre personnes foyer);
- or its values betray one (:func:`demographic_kind_of_values`): answers that are gender words,
  whole numbers spread like ages (15 to 100) or like years of birth.

The words live in ``vocab/demographics.yaml`` and ``vocab/abbreviations.yaml``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

ROLES = ("basis", "descriptor")
_VOCAB = Path(__file__).with_name("vocab")
_QUESTION_CODE = re.compile(r"^[a-z]{0,2}\d{1,3}[a-z]?\b\s*")
#: Ages: whole numbers, nearly all within these bounds, many distinct values over a wide span.
AGE_BOUNDS = (14, 105)
AGE_MIN_DISTINCT = 15
AGE_MIN_SPAN = 30
BIRTH_YEARS = (1900, 2015)
#: A short name with a demographic prefix ("brnnorge": born in Norway) is at most this long.
CODE_MAX_LENGTH = 12


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    from .yaml_safe import safe_load_text

    data = safe_load_text((_VOCAB / "demographics.yaml").read_text(encoding="utf-8"))
    fillers = frozenset(str(w) for w in data["filler_words"])
    entries = []
    codes: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for kind, words in data["demographics"].items():
        prefixes += [(str(p), str(kind)) for p in words.get("code_prefixes") or []]
        for alone, key in ((False, "phrases"), (True, "alone")):
            for phrase in words.get(key) or []:
                content = tuple(w for w in str(phrase).split() if w not in fillers)
                entries.append((str(kind), content, alone))
        for code in words.get("codes") or []:
            codes.setdefault(str(code), str(kind))
    genders = {side: frozenset(str(v) for v in values) for side, values in data["gender_values"].items()}
    return {"max_other": int(data["max_other_words"]), "fillers": fillers, "entries": tuple(entries),
            "codes": codes, "prefixes": tuple(prefixes), "genders": genders,
            "question_words": frozenset(str(w) for w in data.get("question_words") or [])}


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Short forms of export headers and the word each stands for (``nb`` -> ``nombre``)."""
    from .yaml_safe import safe_load_text

    data = safe_load_text((_VOCAB / "abbreviations.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def header_words(text: str) -> list[str]:
    """The words of a header or label, folded, without a leading question code ('Q3.', 'A12 -'),
    abbreviations read as their word."""
    from .readers import fold

    folded = re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()
    words = _QUESTION_CODE.sub("", folded, count=1).split() if " " in folded else folded.split()
    table = abbreviations()
    return [table.get(w, w) for w in words]


def _code_kind(text: str) -> str | None:
    """The demographic a whole header names by a published file's short name ("agea", "rincom16")."""
    from .readers import fold

    compact = re.sub(r"[^a-z0-9]+", "", fold(text))
    codes = _vocabulary()["codes"]
    if compact in codes:
        return codes[compact]
    if " " not in str(text).strip() and len(compact) <= CODE_MAX_LENGTH:
        for prefix, kind in _vocabulary()["prefixes"]:
            if compact.startswith(prefix) and compact[len(prefix):].isalpha():
                return kind
    stem = re.sub(r"\d+$", "", compact)
    return codes.get(stem) if stem and stem != compact else None


def demographic_kind(texts: Iterable[str]) -> str | None:
    """The demographic ('age', 'gender', 'district'...) that one of ``texts`` (header, labels) names."""
    vocab = _vocabulary()
    fillers = vocab["fillers"]
    for text in texts:
        code = _code_kind(str(text))
        if code is not None:
            return code
        content = [w for w in header_words(str(text)) if w not in fillers]
        if vocab["question_words"] & set(content):
            continue  # "importance_religion": a question about religion, not the respondent's religion
        for kind, phrase, alone in vocab["entries"]:
            if not phrase or not _contains(content, phrase):
                continue
            if len(content) - len(phrase) <= (0 if alone else vocab["max_other"]):
                return kind
    return None


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i:i + n]) == phrase for i in range(len(words) - n + 1))


def demographic_kind_of_values(values: pd.Series) -> str | None:
    """The demographic a column's answers betray, whatever its header: ``gender`` when they are
    gender words (at least one for women and one for men, nothing else), ``age`` when they are
    whole numbers spread like ages (nearly all 14-105, 15 values or more over 30 years or more) or
    like years of birth (1900-2015)."""
    from .readers import fold, parse_number

    present = values.dropna()
    if present.empty:
        return None
    distinct = [str(v) for v in present.unique()]
    if len(distinct) <= 4:
        genders = _vocabulary()["genders"]
        folded = {re.sub(r"[^a-z ]+", " ", fold(v)).strip() for v in distinct}
        known = genders["female"] | genders["male"] | genders["other"]
        if folded <= known and folded & genders["female"] and folded & genders["male"]:
            return "gender"
        return None
    numbers = np.array([parse_number(v) for v in distinct], dtype=object)
    if any(n is None for n in numbers):
        return None
    numbers = numbers.astype(np.float64)
    if not np.all(numbers == np.round(numbers)) or len(numbers) < AGE_MIN_DISTINCT:
        return None
    counts = present.astype(str).value_counts()
    weights = np.array([counts.get(v, 0) for v in distinct], dtype=np.float64)
    for low, high in (AGE_BOUNDS, BIRTH_YEARS):
        inside = (numbers >= low) & (numbers <= high)
        if weights[inside].sum() >= 0.98 * weights.sum() and numbers[inside].max() - numbers[inside].min() >= AGE_MIN_SPAN:
            return "age"
    return None


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
