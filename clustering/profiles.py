"""What each cluster is like: the numbers a persona sheet is built from.

Works for any labelling (the method's, or the workshop's after merges, splits and moves), so the
persona layer re-profiles with the same function. Means, shares and mixes use the survey weights;
counts (size, prevalence, yearly volume) are of real respondents.

Prevalence answers "does this persona describe its members?": the cluster's defining traits are
its two to three most distinguishing trait dimensions whose level (below or above the scale
midpoint, 50) agrees with the direction in which the cluster differs from everyone; ``prevalence``
is the number of the cluster's members on the same side of the midpoint on all of them (so
``prevalence_share`` = prevalence / size is at most 1) and ``prevalence_sample`` the number of
respondents of the whole survey who are.

Descriptors (columns the codebook marks ``role: descriptor``: age, gender, district...) never
enter the clustering; each profile carries their distribution in the cluster beside the whole
sample's (:func:`describe`).
"""
from __future__ import annotations

import re
from typing import Hashable

import numpy as np
import pandas as pd

from workshop_data.codebook import CHANNELS, DIGITAL_CHANNELS

from .encoding import FeatureMatrix
from .result import ClusterProfile, Distinguishing

N_REPRESENTATIVES = 5
N_DISTINGUISHING = 8
MIN_EFFECT = 0.2
MIDPOINT = 50.0
MAX_DEFINING = 3


def label_order(values) -> list:
    """Labels in a stable, natural order: 0 < 1 < 10, "P2" < "P10"."""
    def key(value):
        text = str(value)
        return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part]
    return sorted(set(values), key=key)


def _wmean(values: np.ndarray, w: np.ndarray) -> float:
    total = w.sum()
    return float(np.dot(values, w) / total) if total > 0 else float("nan")


def _wstd(values: np.ndarray, w: np.ndarray) -> float:
    mean = _wmean(values, w)
    total = w.sum()
    return float(np.sqrt(np.dot((values - mean) ** 2, w) / total)) if total > 0 else 0.0


def _effect(value: float, overall: float, sd: float, binary: bool) -> float:
    if binary:
        return float(2 * np.arcsin(np.sqrt(np.clip(value, 0, 1))) - 2 * np.arcsin(np.sqrt(np.clip(overall, 0, 1))))
    return float((value - overall) / sd) if sd > 1e-12 else 0.0


def _defining(features: FeatureMatrix, member: np.ndarray, w: np.ndarray, traits: dict) -> tuple[list[str], np.ndarray]:
    """Defining traits of a cluster and the mask of respondents who share all of them."""
    everyone = np.ones(features.n, dtype=bool)
    candidates = []
    traits = {dim: trait for dim, trait in traits.items() if trait[2] > 1e-9}  # a constant trait tells no one apart
    if traits:
        for dim, (values, overall, sd) in traits.items():
            mean = _wmean(values[member], w[member])
            d = _effect(mean, overall, sd, False)
            side = "low" if mean < MIDPOINT else "high"
            agrees = (d < 0) == (side == "low")
            candidates.append((not agrees, -abs(d), str(dim), side, values))
        candidates.sort(key=lambda c: c[:3])
        chosen = [c for c in candidates if not c[0] and -c[1] >= 0.4][:MAX_DEFINING]
        if len(chosen) < 2:
            chosen = candidates[:2]
        mask = everyone.copy()
        names = []
        for _, _, dim, side, values in chosen:
            mask &= (values < MIDPOINT) if side == "low" else (values >= MIDPOINT)
            names.append(f"{dim}:{side}")
        return names, mask
    # No trait scores: categories over-represented in the cluster, or numbers above/below everyone's median.
    for column in features.raw.columns:
        values = features.raw[column].to_numpy(dtype=np.float64)
        if "=" in column:
            h = _effect(_wmean(values[member], w[member]), _wmean(values, w), 0.0, True)
            if h > 0:
                candidates.append((-h, column, values > 0.5))
        elif features.groups.get(column) == "answers":
            median = float(np.median(values))
            d = _effect(_wmean(values[member], w[member]), _wmean(values, w), _wstd(values, w), False)
            side = "high" if d > 0 else "low"
            candidates.append((-abs(d), f"{column}:{side}", values > median if d > 0 else values <= median))
    candidates.sort(key=lambda c: c[:2])
    mask = everyone.copy()
    names = []
    for _, name, matches in candidates[:2]:
        mask &= matches
        names.append(name)
    return names, mask


def _contact_numbers(contacts: dict[str, np.ndarray] | None, member: np.ndarray, w: np.ndarray, scale: float) -> dict:
    if contacts is None or "contacts_total" not in contacts:
        return {"channel_mix": {}, "contacts_per_person": 0.0, "digital_share": 0.0, "avoidable_share": 0.0,
                "avoidable_per_year": 0.0, "repeat_rate": 0.0}

    def column(name: str) -> np.ndarray:
        if name not in contacts:
            return np.zeros(int(member.sum()))
        return contacts[name][member]

    wm = w[member]
    total = column("contacts_total")
    weighted_total = float(np.dot(total, wm))

    def share(values: np.ndarray) -> float:
        return float(np.dot(values, wm) / weighted_total) if weighted_total > 0 else 0.0

    mix = {c: share(column(f"contacts_{c}")) for c in CHANNELS if f"contacts_{c}" in contacts}
    if "avoidable_contacts" in contacts:
        avoidable = column("avoidable_contacts")
    else:
        avoidable = column("avoidable_share") * total
    return {
        "channel_mix": mix,
        "contacts_per_person": _wmean(total, wm) if wm.sum() > 0 else 0.0,
        "digital_share": sum(mix.get(c, 0.0) for c in DIGITAL_CHANNELS),
        "avoidable_share": share(avoidable),
        "avoidable_per_year": float(avoidable.sum() * scale),
        "repeat_rate": share(column("repeat_contacts")),
    }


def profile_clusters(features: FeatureMatrix, labels: pd.Series, *, period_days: float | None = None,
                     stability: dict[Hashable, float] | None = None, summary_only: bool = False) -> list[ClusterProfile]:
    """One profile per label, in natural label order.

    ``summary_only`` skips what archetype matching does not need (distinguishing features,
    representatives, prevalence): the k table profiles every k with it.

    ``labels`` is indexed by respondent id (any hashable labels); respondents absent from it are
    left out. Yearly volumes are scaled by 365 / ``period_days`` (the contact log's span; taken as
    a year when unknown).
    """
    aligned = labels.reindex(features.respondent_ids)
    present = aligned.notna().to_numpy()
    codes, uniques = pd.factorize(aligned)
    w = features.sample_weight
    scale = 365.0 / period_days if period_days and period_days > 0 else 1.0
    raw_columns = [] if summary_only else list(features.raw.columns)
    raw = features.raw[raw_columns].to_numpy(dtype=np.float64)
    total_weight = float(w[present].sum())
    overall_mean = [_wmean(raw[:, j], w) for j in range(raw.shape[1])]
    overall_sd = [_wstd(raw[:, j], w) for j in range(raw.shape[1])]
    binary = [bool(np.all((raw[:, j] == 0.0) | (raw[:, j] == 1.0))) for j in range(raw.shape[1])]
    traits_all = {}
    for dim in features.trait_scores.columns:
        scores = features.trait_scores[dim].to_numpy(dtype=np.float64)
        traits_all[str(dim)] = (scores, _wmean(scores, w), _wstd(scores, w))
    contacts = None
    if features.contacts is not None:
        contacts = {str(c): pd.to_numeric(features.contacts[c], errors="coerce").fillna(0).to_numpy(dtype=np.float64)
                    for c in features.contacts.columns}
    profiles = []
    position = {value: i for i, value in enumerate(uniques)}
    for cluster in label_order(uniques):
        member = codes == position[cluster]
        wm = w[member]
        traits = {dim: _wmean(v[member], wm) for dim, (v, _, _) in traits_all.items()}
        distinguishing = []
        for j, column in enumerate(raw_columns):
            value = _wmean(raw[member, j], wm)
            effect = _effect(value, overall_mean[j], overall_sd[j], binary[j])
            if abs(effect) >= MIN_EFFECT:
                distinguishing.append(Distinguishing(feature=column, label=dict(features.labels.get(column, {"fr": column, "en": column})),
                                                     value=value, overall=overall_mean[j], effect=effect))
        distinguishing.sort(key=lambda d: (-abs(d.effect), d.feature))
        size = int(member.sum())
        if summary_only:
            centroid, representatives, defining, prevalence, prevalence_sample = np.zeros(0), [], [], 0, 0
        else:
            Xm = features.X[member]
            centroid = (Xm * wm[:, None]).sum(axis=0) / wm.sum() if wm.sum() > 0 else Xm.mean(axis=0)
            distance = ((Xm - centroid) ** 2).sum(axis=1)
            ids = features.respondent_ids[member]
            nearest = np.lexsort((ids.to_numpy(dtype=str), distance))[:N_REPRESENTATIVES]
            representatives = [str(i) for i in ids[nearest]]
            defining, matches = _defining(features, member, w, traits_all)
            prevalence, prevalence_sample = int((matches & member).sum()), int(matches.sum())
        key = cluster.item() if hasattr(cluster, "item") else cluster
        profiles.append(ClusterProfile(
            cluster=key,
            size=size,
            share=float(wm.sum() / total_weight) if total_weight > 0 else 0.0,
            traits=traits,
            distinguishing=distinguishing[:N_DISTINGUISHING],
            representatives=representatives,
            prevalence=prevalence,
            prevalence_share=prevalence / size if size else 0.0,
            prevalence_sample=prevalence_sample,
            descriptors={} if summary_only else describe(features, member, w),
            defining_traits=defining,
            centroid=[float(v) for v in centroid],
            stability=None if stability is None or key not in stability else float(stability[key]),
            **_contact_numbers(contacts, member, w, scale),
        ))
    return profiles


def _shares(values: np.ndarray, w: np.ndarray) -> dict[str, float]:
    known = np.array([v is not None for v in values], dtype=bool)
    total = float(w[known].sum())
    if total <= 0:
        return {}
    out: dict[str, float] = {}
    for category in sorted({str(v) for v in values[known]}):
        hit = np.array([v is not None and str(v) == category for v in values], dtype=bool)
        out[category] = round(float(w[hit].sum()) / total, 4)
    return out


def _median(values: np.ndarray, w: np.ndarray) -> dict[str, float | None]:
    from .encoding import weighted_quantile

    median = weighted_quantile(values.astype(np.float64), w, 0.5)
    return {"median": None if not np.isfinite(median) else round(float(median), 4)}


def describe(features: FeatureMatrix, member: np.ndarray, w: np.ndarray) -> dict[str, dict]:
    """Each descriptor's distribution among the members beside the whole sample's (weighted)."""
    out: dict[str, dict] = {}
    for column, spec in features.descriptor_specs.items():
        values = features.descriptors[column].to_numpy(dtype=object, na_value=None)
        if spec["kind"] == "numeric":
            numbers = np.array([np.nan if v is None else float(v) for v in values])
            persona, sample = _median(numbers[member], w[member]), _median(numbers, w)
        else:
            persona, sample = _shares(values[member], w[member]), _shares(values, w)
        out[column] = {"label": dict(spec["label"]), "kind": spec["kind"], "persona": persona, "sample": sample}
    return out


# --------------------------------------------------------------------------------------------
# What divides each group from its nearest


N_SEPARATING = 5


def feature_kind(feature: str, group: str | None, state: dict | None = None) -> str:
    """``trait``, ``item``, ``category``, ``number`` or ``contact``: what a feature is, in words a
    sheet can use."""
    if feature.startswith("trait:"):
        return "trait"
    if feature.startswith("item:"):  # an item of a dimension clustered on its own, 0-100 like its trait
        return "item"
    if group == "contacts":
        return "contact"
    if "=" in feature:
        return "category"
    answers = {a["column"]: a["kind"] for a in (state or {}).get("answers", [])}
    return "item" if answers.get(feature) == "ordinal" else "number"


def separations(features: FeatureMatrix, labels: pd.Series, *, limit: int = N_SEPARATING) -> dict:
    """For each label: its nearest group (centres in the clustering's own weighted space) and the
    features that divide them, the largest share of that distance first, at most one per variable
    (one category of an answer, never two that contradict each other).

    Each feature: ``feature``, ``kind`` (:func:`feature_kind`), ``label`` {fr, en}, ``value`` (this
    group's weighted mean in readable units: 0-100 for traits and items, a share for a category or
    a channel, the number itself otherwise), ``other`` (the nearest group's), ``effect`` (Cohen's d
    on the pooled standard deviation, Cohen's h for a share) and ``share`` (of the squared distance
    between the two centres that this feature makes).
    """
    aligned = labels.reindex(features.respondent_ids)
    present = aligned.notna().to_numpy()
    values = aligned.to_numpy()
    clusters = label_order(aligned[present].unique())
    if len(clusters) < 2:
        return {}
    w = features.sample_weight
    masks = {c: present & (values == c) for c in clusters}
    centres = {c: (features.X[m] * w[m, None]).sum(axis=0) / max(w[m].sum(), 1e-12) for c, m in masks.items()}
    position = {c: j for j, c in enumerate(features.columns)}
    out = {}
    for c in clusters:
        nearest = min((o for o in clusters if o != c),
                      key=lambda o: (float(((centres[c] - centres[o]) ** 2).sum()), str(o)))
        gap = (centres[c] - centres[nearest]) ** 2
        total = float(gap.sum())
        ranked = sorted(range(len(features.columns)), key=lambda j: (-gap[j], features.columns[j]))
        items, seen = [], set()
        for j in ranked:
            column = features.columns[j]
            variable = features.variables.get(column, column)
            if variable in seen or total <= 0 or gap[j] <= 1e-12 or column not in features.raw.columns:
                continue
            raw = features.raw[column].to_numpy(dtype=np.float64)
            mine, theirs = _wmean(raw[masks[c]], w[masks[c]]), _wmean(raw[masks[nearest]], w[masks[nearest]])
            binary = bool(np.all((raw == 0.0) | (raw == 1.0)))
            if "=" in column and mine < theirs:
                continue  # a category is a reason when this group has more of it
            pooled = np.sqrt((_wstd(raw[masks[c]], w[masks[c]]) ** 2 + _wstd(raw[masks[nearest]], w[masks[nearest]]) ** 2) / 2)
            effect = (float(2 * np.arcsin(np.sqrt(np.clip(mine, 0, 1))) - 2 * np.arcsin(np.sqrt(np.clip(theirs, 0, 1))))
                      if binary else float((mine - theirs) / pooled) if pooled > 1e-12 else 0.0)
            seen.add(variable)
            items.append({"feature": column, "kind": feature_kind(column, features.groups.get(column), features.state),
                          "label": dict(features.labels.get(column, {"fr": column, "en": column})),
                          "value": round(mine, 4), "other": round(theirs, 4), "effect": round(effect, 4),
                          "share": round(float(gap[position[column]] / total), 4)})
            if len(items) >= limit:
                break
        out[c.item() if hasattr(c, "item") else c] = {"nearest": nearest.item() if hasattr(nearest, "item") else nearest,
                                                      "features": items}
    return out
