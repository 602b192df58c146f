"""What clustering hands to the persona layer: labels, per-cluster profiles, the k table.

Plain dataclasses of plain values, so the persona layer can copy them into a workshop file
without knowing anything about how they were computed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

#: ``progress(fraction_done, message)``: called by long steps; fraction in [0, 1].
Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    """Default progress callback: says nothing."""


@dataclass
class Distinguishing:
    """A feature on which a cluster differs from everyone, with a standardised effect size."""

    feature: str          # column or trait name, e.g. "trait:awareness", "contacts_phone", "age=60+"
    label: dict[str, str]  # {"fr": ..., "en": ...}
    value: float          # cluster mean (trait 0-100, share 0-1, or count)
    overall: float        # everyone's mean
    effect: float         # standardised difference (Cohen's d, or a proportion effect)


@dataclass
class ClusterProfile:
    cluster: int                       # label in ClusteringResult.labels
    size: int                          # respondents
    share: float                       # weighted share of respondents, 0-1
    traits: dict[str, float]           # dimension -> weighted mean trait score, 0-100
    distinguishing: list[Distinguishing]
    channel_mix: dict[str, float]      # canonical channel -> share of the cluster's contacts, 0-1
    contacts_per_person: float         # mean contacts per respondent over the log period
    digital_share: float               # email+web+chat over all contacts, 0-1
    avoidable_share: float             # contacts about something available online, 0-1
    avoidable_per_year: float          # avoidable contacts per year for the cluster's respondents
    repeat_rate: float                 # repeat contacts over all contacts, 0-1
    representatives: list[str]         # respondent ids nearest the centre (workshop file only)
    prevalence: int                    # members of the cluster having all its defining traits
    prevalence_share: float            # prevalence / size of the cluster, 0-1
    defining_traits: list[str]         # the traits prevalence was counted on, e.g. "awareness:low"
    centroid: list[float]              # in the encoded feature space (for assigning new waves)
    stability: float | None = None     # bootstrap Jaccard (Hennig), None when not computed
    prevalence_sample: int = 0         # respondents of the whole survey having the defining traits
    descriptors: dict[str, dict] = field(default_factory=dict)  # see CONTRACTS.md (Persona.descriptors)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ClusteringResult:
    labels: pd.Series                  # index: respondent_id (str); values: cluster int
    profiles: list[ClusterProfile]
    k_table: list[dict[str, Any]]      # one row per k tried: k, validity, null_validity, gap, stability, ...
    settings: dict[str, Any]           # method, k, seed, features, weights, bootstrap, min_size
    model: dict[str, Any]              # what is needed to assign new respondents (encoder state, centroids)
    messages: list[str] = field(default_factory=list)  # e.g. small clusters merged
