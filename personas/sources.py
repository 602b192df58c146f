"""The source data of a saved workshop, as the edits need them: features and free-text answers.

Merge, split and move recompute a persona's evidence from its members' features; its quote
candidates come from the same members' scrubbed free-text answers. :class:`SourceFeatures` is the
feature matrix that carries those answers too, so that every caller handing the edits the
workshop's features (the command line, the app) hands them the answers without knowing it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from clustering.encoding import FeatureMatrix


@dataclass
class SourceFeatures(FeatureMatrix):
    """A :class:`FeatureMatrix` with ``texts``: the scrubbed free-text answers, one row per
    respondent (index: respondent id), one column per free-text question (none when the survey
    has no free text)."""

    texts: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: contacts by respondent, topic and channel (workshop_data/journeys.py): None without them
    journeys: pd.DataFrame | None = None

    @classmethod
    def of(cls, features: FeatureMatrix, texts: pd.DataFrame,
           journeys: pd.DataFrame | None = None) -> "SourceFeatures":
        return cls(**{f.name: getattr(features, f.name) for f in fields(FeatureMatrix)}, texts=texts,
                   journeys=journeys)
