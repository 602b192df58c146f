"""Quotes a persona can open with: its members' own scrubbed free-text answers, nearest its centre first.

Used when a workshop is built, when an edit changes a persona's members, and when a new wave is
assigned: one module that the build and the workshop operations both read, neither importing the
other.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .narrative import is_quotable

if TYPE_CHECKING:
    import pandas as pd

    from clustering.encoding import FeatureMatrix
    from workshop_data.survey import Survey

N_QUOTE_CANDIDATES = 8


def _text_columns(survey: "Survey") -> list[str]:
    return [spec.name for spec in survey.codebook.of_type("text") if spec.name in survey.data.columns]


def quote_candidates(survey: "Survey", features: "FeatureMatrix", member_ids: list[str],
                     centroid: list[float], limit: int = N_QUOTE_CANDIDATES) -> list[str]:
    """Quotable scrubbed free-text answers of the members, nearest the persona's centre first."""
    return candidates_from_texts(survey_texts(survey), features, member_ids, centroid, limit)


def survey_texts(survey: "Survey") -> "pd.DataFrame":
    """The survey's scrubbed free-text answers (one column per free-text question)."""
    return survey.data.loc[:, _text_columns(survey)]


def candidates_from_texts(texts: "pd.DataFrame", features: "FeatureMatrix", member_ids: list[str],
                          centroid: list[float], limit: int = N_QUOTE_CANDIDATES) -> list[str]:
    """:func:`quote_candidates` from the free-text answers alone (as :class:`SourceFeatures` holds them)."""
    columns = list(texts.columns)
    if not columns or not member_ids:
        return []
    answered = texts.reindex(member_ids)
    has_text = answered.notna().any(axis=1).to_numpy()
    ids = [rid for rid, keep in zip(member_ids, has_text) if keep]
    if not ids:
        return []
    positions = features.respondent_ids.get_indexer(ids)
    known = positions >= 0
    ids = [rid for rid, ok in zip(ids, known) if ok]
    X = features.X[positions[known]]
    center = np.asarray(centroid, dtype=float) if len(centroid) == X.shape[1] else X.mean(axis=0)
    distance = ((X - center) ** 2).sum(axis=1)
    out: list[str] = []
    for index in np.lexsort((np.asarray(ids, dtype=str), distance)):
        for column in columns:
            value = answered.at[ids[index], column]
            if isinstance(value, str):
                text = " ".join(value.split())
                if is_quotable(text) and text not in out:
                    out.append(text)
        if len(out) >= limit:
            break
    return out[:limit]
