"""Columns that are not answers: respondent numbers and the survey's design, by names and values.

Published and institutional survey files carry columns that describe the file or its fieldwork,
not the person: a respondent number, survey weights, strata and primary sampling units, selection
probabilities, the interviewer, the interview's date and length, the edition or round. A
segmentation built on them cuts an id number or a sampling stratum, so the draft codebook leaves
them out (``type: ignore``; the best weight goes to ``weight:``) and says why (:func:`reason`).

A header alone is not enough, the values must agree: a weight is a positive number that is not a
small scale, an edition code takes few values, a respondent number is different on every row.
Names are in ``vocab/design.yaml``, abbreviations read as words first (``vocab/abbreviations.yaml``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .messages import render

_VOCAB = Path(__file__).with_name("vocab")
#: Design columns have short names; a longer header is a question that mentions the word.
MAX_DESIGN_TOKENS = 4
#: An edition or round code takes at most this many values.
MAX_EDITIONS = 30
#: Respondent numbers fill a range no more than this many times the number of rows.
ID_DENSITY = 3.0
MIN_ROWS_FOR_ID = 30
LANGS = ("fr", "en")


@lru_cache(maxsize=1)
def _design() -> dict:
    from .yaml_safe import safe_load_text

    return safe_load_text((_VOCAB / "design.yaml").read_text(encoding="utf-8"))


def tokens(header: str) -> list[str]:
    """A header folded and cut at every character that is not a letter or digit, abbreviations read as words."""
    from .demographics import abbreviations
    from .readers import fold

    table = abbreviations()
    return [table.get(t, t) for t in re.split(r"[^a-z0-9]+", fold(header)) if t]


def _matches(words: list[str], rules: dict) -> bool:
    exact = set(rules.get("tokens") or [])
    prefixes = tuple(rules.get("prefixes") or [])
    suffixes = tuple(rules.get("suffixes") or [])
    return any(w in exact or (prefixes and w.startswith(prefixes)) or (suffixes and w.endswith(suffixes))
               for w in words)


def _numbers(values: pd.Series) -> np.ndarray | None:
    """The non-missing values as floats, or None when one is not a number."""
    from .readers import parse_number

    present = values.dropna()
    distinct = present.unique()
    parsed = {v: parse_number(str(v)) for v in distinct}
    if not parsed or any(p is None for p in parsed.values()):
        return None
    return np.array([parsed[v] for v in present.to_numpy()], dtype=np.float64)


def is_weight_values(values: pd.Series) -> bool:
    """Positive numbers (zero allowed) with a mean a weight can have, not a small whole-number scale."""
    numbers = _numbers(values)
    if numbers is None or numbers.size == 0 or (numbers < 0).any() or not (numbers > 0).any():
        return False
    small_scale = bool(np.all(numbers == np.round(numbers)) and numbers.max() <= 10)
    return not small_scale and 0.01 <= float(numbers.mean()) <= 100_000


def design_kind(name: str, values: pd.Series) -> str | None:
    """``weight``, ``design``, ``interviewer``, ``interview_time`` or ``edition`` when the header
    names a design column and the values agree; None otherwise."""
    words = tokens(name)
    if not words or len(words) > MAX_DESIGN_TOKENS:
        return None
    kinds = _design()["kinds"]
    present = values.dropna()
    if _matches(words, kinds["weight"]) and is_weight_values(present):
        return "weight"
    if _matches(words, kinds["edition"]) and present.nunique() <= MAX_EDITIONS:
        return "edition"
    if " ".join(words) in set(_design()["survey_year"]):
        numbers = _numbers(present)
        if numbers is not None and numbers.size and numbers.min() >= 1900 and numbers.max() <= 2100 \
                and len(np.unique(numbers)) <= MAX_EDITIONS:
            return "edition"
    for kind in ("design", "interviewer", "interview_time"):
        if _matches(words, kinds[kind]):
            return kind
    return None


def weight_preference(name: str) -> int:
    """Rank of a weight column when a file has several: analysis and post-stratification weights
    first (0), design and population weights last (2)."""
    words = tokens(name)
    preference = _design()["weight_preference"]
    compact = "".join(words)
    first, last = set(preference["first"]), set(preference["last"])
    if compact in first or any(w in first for w in words) or any(compact.startswith(p) for p in first if len(p) > 2):
        return 0
    stem = re.sub(r"(?:weight|wght|wgt|wt)$", "", compact)
    if compact in last or stem in last or any(w in last for w in words):
        return 2
    return 1


def is_id_header(name: str) -> bool:
    """A header that names a respondent number in one of the published files' short names."""
    words = tokens(name)
    ids = set(_design()["id_tokens"])
    return bool(words) and len(words) <= 3 and ("".join(words) in ids or words[0] in ids)


def is_row_number(values: pd.Series) -> bool:
    """Values that number the rows: every row answered and different, whole numbers filling a
    range of about the number of rows (a sequence, with gaps), or codes such as "R-0042"."""
    if len(values) < MIN_ROWS_FOR_ID or values.isna().any() or not values.is_unique:
        return False
    numbers = _numbers(values)
    if numbers is None:
        codes = values.astype("string").str.fullmatch(r"[A-Za-z]{0,4}[-_]?\d{3,}|[0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27}")
        return bool(codes.all())
    if not np.all(numbers == np.round(numbers)):
        return False
    return float(numbers.max() - numbers.min() + 1) <= ID_DENSITY * len(numbers)


def reason(key: str, **params: object) -> dict[str, str]:
    """Why the draft gave a column its type or role, in both languages (``why.<key>`` in the
    catalogues), as the codebook stores it."""
    return {lang: render(f"why.{key}", params, lang) for lang in LANGS}


#: A column is a score computed from others when they explain this much of it (adjusted R^2), or
#: when it follows one other column in the same order (a number in another unit: population and
#: its logarithm).
DERIVED_R2 = 0.98
DERIVED_RANK = 0.999
DERIVED_SAMPLE = 5000
MIN_ROWS_FOR_DERIVED = 30
#: A number in another unit is looked for among columns with at least this many values (a measure,
#: not an answer on a scale), on at most this many rows: one rank-correlation matrix, whatever the
#: number of columns (5,000 columns of a wide export stay within seconds).
UNIT_MIN_DISTINCT = 12
UNIT_SAMPLE = 1000
#: A score is regressed on the columns that correlate most with it, at most this many, and at most
#: this many columns are tried as scores: the work stays bounded on the widest survey.
SCORE_PARTS = 60
SCORE_TARGETS = 400


def _standardised(frame: pd.DataFrame) -> np.ndarray:
    """Columns centred and scaled, a skipped answer at its column's mean (it then adds nothing)."""
    values = frame.to_numpy(dtype=np.float64)
    means = np.nanmean(values, axis=0)
    values = np.where(np.isnan(values), means, values) - means
    scale = np.sqrt((values ** 2).sum(axis=0))
    return values / np.where(scale > 0, scale, 1.0)


def derived_scores(numbers: pd.DataFrame) -> dict[str, tuple[str, list[str]]]:
    """Columns that are computed from other columns of ``numbers`` (floats, NaN when skipped), each
    with how (``unit``: one column in another unit; ``score``: a combination of several) and its
    sources, the most weighty first.

    A sum or mean of items has more distinct values than each of its items, so a column is only
    explained by columns with fewer distinct values than itself (an item is never "explained" by
    the sum it belongs to and the other items); a column that ranks every respondent as an earlier
    column does is that column in another unit.
    """
    if len(numbers) > DERIVED_SAMPLE:
        numbers = numbers.sample(DERIVED_SAMPLE, random_state=0)
    distinct = {c: int(numbers[c].nunique()) for c in numbers.columns}
    answered = {c: int(numbers[c].notna().sum()) for c in numbers.columns}
    found: dict[str, tuple[str, list[str]]] = {}
    measures = [c for c in numbers.columns
                if distinct[c] >= UNIT_MIN_DISTINCT and answered[c] >= MIN_ROWS_FOR_DERIVED]
    if len(measures) >= 2:
        sample = numbers[measures].head(UNIT_SAMPLE)
        ranks = _standardised(sample.rank())
        rho = ranks.T @ ranks
        for j, column in enumerate(measures):
            earlier = [i for i in range(j) if measures[i] not in found and abs(rho[i, j]) >= DERIVED_RANK]
            if earlier:
                found[column] = ("unit", [str(measures[earlier[0]])])
    seen: dict[bytes, str] = {}  # answers on a scale: a recoded copy orders everyone alike, exactly
    for column in numbers.columns:
        if not 3 <= distinct[column] < UNIT_MIN_DISTINCT or answered[column] < MIN_ROWS_FOR_DERIVED:
            continue
        dense = numbers[column].rank(method="dense").fillna(0).to_numpy(dtype=np.int16)
        mirrored = np.where(dense > 0, distinct[column] + 1 - dense, 0).astype(np.int16)
        earlier = seen.get(dense.tobytes()) or seen.get(mirrored.tobytes())
        if earlier is not None:
            found[column] = ("unit", [str(earlier)])
        else:
            seen[dense.tobytes()] = column
    candidates = [c for c in numbers.columns if c not in found and distinct[c] >= 3
                  and answered[c] >= MIN_ROWS_FOR_DERIVED][:SCORE_TARGETS]
    for column in candidates:
        target = numbers[column]
        known = target.notna()
        parts = [c for c in numbers.columns if c != column and c not in found and 2 <= distinct[c] < distinct[column]]
        if len(parts) < 2:
            continue
        if len(parts) > SCORE_PARTS:  # the columns most correlated with it: a score's sources are among them
            z = _standardised(numbers.loc[known, parts])
            y = _standardised(target[known].to_frame())[:, 0]
            order = np.argsort(-np.abs(y @ z), kind="stable")[:SCORE_PARTS]
            parts = [parts[i] for i in sorted(order)]
        X = numbers.loc[known, parts]
        complete = X.notna().all(axis=1)
        if complete.sum() >= max(MIN_ROWS_FOR_DERIVED, 5 * len(parts)):
            X, y = X[complete].to_numpy(dtype=np.float64), target[known][complete].to_numpy(dtype=np.float64)
        else:  # a score may be the sum of the answered items: skipped ones then count as the mean
            X, y = X.fillna(X.mean()).to_numpy(dtype=np.float64), target[known].to_numpy(dtype=np.float64)
        n, p = X.shape
        if n <= p + 2 or y.std() <= 0:
            continue
        design = np.column_stack([np.ones(n), X])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        r2 = 1.0 - float(((y - design @ coef) ** 2).sum()) / float(((y - y.mean()) ** 2).sum())
        adjusted = 1.0 - (1.0 - r2) * (n - 1) / (n - p - 1)
        if adjusted >= DERIVED_R2:
            weight = np.abs(coef[1:]) * X.std(axis=0)
            order = np.argsort(-weight, kind="stable")
            found[column] = ("score", [str(parts[i]) for i in order if weight[i] >= 0.05 * weight.max()])
    return found
