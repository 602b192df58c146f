"""Survey intake: one public entry, :func:`load_survey`, from a file to a typed, scrubbed table."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .codebook import Codebook
from .reports import PrivacyReport, QualityReport


@dataclass
class Survey:
    """A survey after intake: PII gone, free text scrubbed, values typed by the codebook.

    ``data`` is indexed by respondent id (str, index name ``respondent_id``) and holds one column
    per codebook column of type likert, numeric, categorical, boolean or text:
    likert -> float64 position (1..n for ``levels``, the raw number for ``scale``), not reversed,
    NaN when skipped; numeric -> float64; categorical -> pandas string dtype; boolean -> pandas
    ``boolean``; text -> scrubbed string. ``weights`` is float64 with mean 1 (ones without a weight
    column).
    """

    data: pd.DataFrame
    weights: pd.Series
    codebook: Codebook
    source: dict          # {"role": "survey", "name": file name, "sha256": ..., "rows": n}
    privacy: PrivacyReport
    quality: QualityReport


def load_survey(path: str | Path, codebook: Codebook | None = None, *, lenient: bool = False) -> Survey:
    raise NotImplementedError
