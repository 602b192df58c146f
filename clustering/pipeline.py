"""The clustering run: encode, choose k, fit, enforce the minimum size, measure, profile.

Deterministic by construction: every estimator and subsample takes its seed from ``seed``, labels
are renumbered by size (largest first, ties by the first respondent in survey order), so the same
inputs and seed give the same labels and profiles.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd

from sklearn.exceptions import ConvergenceWarning

from workshop_data.errors import DataError
from workshop_data.messages import msg
from workshop_data.survey import Survey

from .encoding import DEFAULT_GROUP_WEIGHTS, FeatureMatrix, encode, encode_with_state
from .methods import METHODS, make_method, weighted_centers
from .profiles import profile_clusters
from .result import ClusteringResult, Progress, no_progress
from .selection import STABILITY_SAMPLE, k_table, stability_of, structure_verdict, subsample


DEFAULT_K_RANGE = (3, 8)
#: How the variables are weighed: learnt by sparse k-means (see clustering/weights.py).
WEIGHTING = "relevance"


def learn_weights(features: FeatureMatrix, n_clusters: int, seed: int) -> dict[str, float]:
    """Each variable's multiplier, learnt from the data: its relevance (how much the other
    variables confirm it, :class:`clustering.weights.FeatureWeights`), then the survey's answers
    and the contact habits each judged on their own (:func:`clustering.weights.block_evidence`):
    when one of the two is clearly clustered and the other neither is nor follows its groups
    (:func:`clustering.weights.explained`), the other steps back."""
    from .weights import (BLOCK_BACKGROUND, BLOCK_CONFIRMED, BLOCK_MARGIN, CONTACT_SHARE, FeatureWeights,
                          block_evidence, explained)

    variables = [features.variables.get(c, c) for c in features.columns]
    kwargs = {"method": "relevance"} if WEIGHTING == "relevance" else {"method": "sparse"}
    if WEIGHTING == "r2":
        kwargs["n_bounds"] = 1
    weights = FeatureWeights(n_clusters=n_clusters, random_state=seed, **kwargs).fit(features.X, variables).weights_
    blocks = {"contacts": [c for c in features.columns if features.groups.get(c) == "contacts"]}
    blocks["answers"] = [c for c in features.columns if features.groups.get(c) != "contacts"]
    if WEIGHTING != "relevance" or not all(blocks.values()):
        return weights
    position = {c: j for j, c in enumerate(features.columns)}
    factor = np.array([weights.get(v, 1.0) for v in variables])
    blocks_X = {name: features.X[:, [position[c] for c in columns]] * factor[[position[c] for c in columns]][None, :]
                for name, columns in blocks.items()}
    evidence = {name: block_evidence(X, n_clusters, seed) for name, X in blocks_X.items()}
    other = {"answers": "contacts", "contacts": "answers"}
    confirmed = {}
    for name in blocks:
        _, labels, rows = evidence[other[name]]
        confirmed[name] = explained(blocks_X[name][rows], labels) if labels is not None else 0.0
    mass = {name: float(sum(factor[position[c]] ** 2 for c in columns) / max(len(columns), 1)
                        * len({features.variables.get(c, c) for c in columns}))
            for name, columns in blocks.items()}
    loud = max(blocks, key=lambda name: (evidence[name][0], name == "answers"))
    quiet = other[loud]
    if evidence[loud][0] < BLOCK_MARGIN or confirmed[quiet] >= BLOCK_CONFIRMED:
        # neither clustered, or the two agree: contact habits describe more than they divide
        loud, quiet, share = "answers", "contacts", CONTACT_SHARE
    else:  # one block is clustered and the other does not follow its groups: it steps back
        share = BLOCK_BACKGROUND
    step = min(1.0, float(np.sqrt(share ** 2 * mass[loud] / max(mass[quiet], 1e-12))))
    for variable in {features.variables.get(c, c) for c in blocks[quiet]}:
        weights[variable] = weights.get(variable, 1.0) * step
    return weights


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Renumber 0..k-1 by size, largest first; ties by first appearance."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = {values[i]: rank for rank, i in enumerate(order)}
    return np.array([mapping[v] for v in labels], dtype=np.int64)


def _merge_small(X: np.ndarray, labels: np.ndarray, w: np.ndarray, min_size: int) -> tuple[np.ndarray, list[str]]:
    """Merge every cluster under ``min_size`` into the cluster with the nearest centre."""
    labels = labels.copy()
    messages = []
    while True:
        values, counts = np.unique(labels, return_counts=True)
        if len(values) < 2 or counts.min() >= min_size:
            return labels, messages
        small = values[int(np.argmin(counts))]
        size = int(counts.min())
        centers = {v: weighted_centers(X[labels == v], np.zeros((labels == v).sum(), dtype=int), 1, w[labels == v])[0]
                   for v in values}
        others = [v for v in values if v != small]
        nearest = min(others, key=lambda v: (float(((centers[v] - centers[small]) ** 2).sum()), v))
        labels[labels == small] = nearest
        messages.append(f"a cluster of {size} respondent(s), under the minimum of {min_size}, was merged into its nearest cluster")


def _ks(k: int | str, k_range: tuple[int, int], n: int) -> list[int]:
    if isinstance(k, str):
        if k != "auto":
            try:
                k = int(k)
            except ValueError:
                raise DataError(msg("cluster.bad_k"), expected="auto | 2..n", found=k) from None
        else:
            lo, hi = int(k_range[0]), int(k_range[1])
            if lo < 1 or hi < lo:
                raise DataError(msg("cluster.bad_k_range"), expected="1 <= min <= max", found=k_range)
            ks = [v for v in range(lo, hi + 1) if v < n]
            if not ks:
                raise DataError(msg("cluster.too_few"), expected=msg("cluster.expected_more_than", n=lo), found=n)
            return ks
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise DataError(msg("cluster.bad_k"), expected="auto | 2..n", found=k)
    if k > n:
        raise DataError(msg("cluster.k_above_n", k=k, n=n), expected=f"k <= {n}", found=k)
    return [int(k)]


def cluster(survey: Survey, contacts: pd.DataFrame | None = None, *, k: int | str = "auto", method: str = "default",
            seed: int = 0, bootstrap: int = 20, min_size: int = 10, k_range: tuple[int, int] = DEFAULT_K_RANGE,
            period_days: float | None = None, progress: Progress = no_progress) -> ClusteringResult:
    """Cluster respondents into usage profiles, from the data alone.

    ``k="auto"`` fits every k of ``k_range`` and picks one by the rule of
    :func:`clustering.selection.recommend` (the gap against a reference without structure, then
    clusters that reproduce); an integer forces k (the table then has one row). Either way
    ``settings["structure"]`` says whether the partition is ``clear``, ``weak`` or ``none`` (see
    :func:`clustering.selection.structure_verdict`). Clusters under ``min_size`` respondents are
    merged into their nearest and a message says so.
    """
    if method not in METHODS:
        raise DataError(msg("cluster.unknown_method"), expected=" | ".join(sorted(METHODS)), found=method)
    progress(0.0, "encoding")
    features = encode(survey, contacts, group_weights=DEFAULT_GROUP_WEIGHTS if WEIGHTING == "groups" else None)
    n = features.n
    if n < 2:
        raise DataError(msg("cluster.too_few"), expected=msg("cluster.expected_at_least", n=2), found=n)
    ks = _ks(k, k_range, n)
    if WEIGHTING in ("sparse", "r2", "relevance"):
        progress(0.02, "weighing the variables")
        features = features.reweighted(learn_weights(features, max(ks), seed))
    X = features.matrix(METHODS[method].input)
    w = features.sample_weight

    def make(n_clusters: int):
        return make_method(method, n_clusters, seed)

    progress(0.05, "choosing k")
    with warnings.catch_warnings():
        # k near n, or duplicates drawn by the bootstrap, make k-means note fewer distinct points
        # than clusters: expected, handled (small clusters merge), not worth a console line.
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        return _cluster(survey, features, ks, X, w, make, k=k, method=method, seed=seed,
                        bootstrap=bootstrap, min_size=min_size, k_range=k_range, period_days=period_days,
                        progress=progress)


def _cluster(survey, features, ks, X, w, make, *, k, method, seed, bootstrap, min_size, k_range,
             period_days, progress) -> ClusteringResult:
    n = features.n
    table, fitted, table_stability = k_table(X, w, method, ks, seed=seed, bootstrap=bootstrap if len(ks) > 1 else 0,
                                             progress=progress, start=0.05, end=0.8, X_validity=features.X)
    chosen = next(row["k"] for row in table if row["recommended"])
    original = fitted[chosen].labels_
    merged, messages = _merge_small(features.X, original, w, min_size)
    labels = _relabel(merged)
    final_k = int(labels.max()) + 1

    progress(0.8, "stability")
    stability: dict[Any, float] | None = None
    if bootstrap > 0 and final_k > 1:
        if not messages and chosen in table_stability:
            values, first = np.unique(original, return_index=True)
            stability = {int(labels[i]): table_stability[chosen][v] for v, i in zip(values.tolist(), first)
                         if v in table_stability[chosen]}
        else:
            rows = subsample(n, STABILITY_SAMPLE, seed + 1)
            stability = stability_of(X, labels, lambda: make(final_k), rows, bootstrap, seed, w)
        if len(ks) == 1 or messages:
            values = list(stability.values())
            row = next(r for r in table if r["recommended"])
            row["stability"] = round(float(np.mean(values)), 4)
            row["stability_min"] = round(float(np.min(values)), 4)
    series = pd.Series(labels, index=features.respondent_ids, name="cluster")
    progress(0.9, "profiles")
    profiles = profile_clusters(features, series, period_days=period_days, stability=stability)
    structure, evidence = structure_verdict(next(r for r in table if r["recommended"]))
    single = single_answer(features, labels)
    if single is not None:
        evidence["single_answer"] = single
        if structure == "clear":
            structure = "weak"  # the categories of one answer, not a structure of the whole survey
    centers = weighted_centers(features.X, labels, final_k, w)
    model = {
        "encoder": features.state,
        "method": method,
        "columns": list(features.columns),
        "labels": list(range(final_k)),
        "centroids": [[float(v) for v in row] for row in centers],
    }
    settings = {
        "method": method,
        "k": final_k,
        "k_requested": k if isinstance(k, str) else int(k),
        "k_range": [int(k_range[0]), int(k_range[1])],
        "seed": int(seed),
        "bootstrap": int(bootstrap),
        "min_size": int(min_size),
        "features": list(features.columns),
        "weights": dict(features.state.get("variable_weights") or features.state.get("group_weights") or {}),
        "survey_weights": bool(survey.codebook.weight),
        "n_respondents": int(n),
        "structure": structure,
        "structure_evidence": evidence,
    }
    progress(1.0, "done")
    return ClusteringResult(labels=series, profiles=profiles, k_table=table, settings=settings, model=model,
                            messages=messages)


#: A partition this close (ARI) to the categories of one answer only reproduces that answer.
SINGLE_ANSWER_ARI = 0.8


def single_answer(features: FeatureMatrix, labels: np.ndarray) -> dict[str, Any] | None:
    """The categorical or yes/no answer whose categories the partition reproduces (ARI at least
    :data:`SINGLE_ANSWER_ARI`), with that ARI; None when no answer alone makes the partition."""
    from sklearn.metrics import adjusted_rand_score

    if len(np.unique(labels)) < 2 or features.items.shape[1] == 0:
        return None
    kinds = {a["column"]: a["kind"] for a in features.state.get("answers", [])}
    best = None
    for column in features.items.columns:
        if kinds.get(column) not in ("categorical", "boolean"):
            continue
        codes = features.items[column].to_numpy(dtype=np.float64)
        known = ~np.isnan(codes)
        if known.sum() < 2 or len(np.unique(codes[known])) < 2:
            continue
        ari = float(adjusted_rand_score(codes[known], labels[known]))
        if ari >= SINGLE_ANSWER_ARI and (best is None or ari > best["ari"]):
            best = {"column": str(column), "ari": round(ari, 4)}
    return best


def split_cluster(features: FeatureMatrix, member_ids: Sequence[str], *, method: str = "default", seed: int = 0) -> pd.Series:
    """Split a persona's members in two (0: the larger part, 1: the smaller), on the same encoding."""
    ids = pd.Index([str(i) for i in member_ids])
    positions = features.respondent_ids.get_indexer(ids)
    if (positions < 0).any():
        missing = [str(i) for i, p in zip(ids, positions) if p < 0][:5]
        raise DataError(msg("cluster.unknown_respondents"), expected=msg("cluster.expected_survey_ids"), found=missing)
    if len(positions) < 2:
        raise DataError(msg("cluster.split_too_small"), found=len(positions))
    sub = features.subset(positions)
    estimator = make_method(method, 2, seed).fit(sub.matrix(METHODS[method].input), sample_weight=sub.sample_weight)
    labels = _relabel(estimator.labels_)
    return pd.Series(labels, index=sub.respondent_ids, name="part")


def partition_stability(features: FeatureMatrix, labels: pd.Series, *, method: str = "default", seed: int = 0,
                        bootstrap: int = 20) -> dict[Any, float]:
    """Hennig's bootstrap Jaccard of each group of any partition (e.g. the personas after a merge or
    a split): the method is refitted at the partition's k on resamples of the respondents' data."""
    aligned = labels.reindex(features.respondent_ids)
    known = aligned.notna().to_numpy()
    values = np.asarray(aligned.to_numpy()[known], dtype=object).astype(str)
    k = len(np.unique(values))
    if bootstrap <= 0 or k < 2:
        return {}
    X = features.matrix(METHODS[method].input)[known]
    rows = subsample(len(values), STABILITY_SAMPLE, seed + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        return stability_of(X, values, lambda: make_method(method, k, seed), rows, bootstrap, seed,
                            features.sample_weight[known])


def assign_new(model: dict[str, Any], survey: Survey, contacts: pd.DataFrame | None) -> pd.Series:
    """Put new respondents into the stored clusters (nearest centroid), without re-clustering."""
    features = encode_with_state(survey, contacts, model["encoder"])
    centers = np.asarray(model["centroids"], dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != features.X.shape[1]:
        raise DataError(msg("cluster.model_mismatch"), expected=msg("cluster.expected_columns", n=features.X.shape[1]),
                        found=centers.shape)
    distance = ((features.X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    nearest = np.argmin(distance, axis=1)
    labels = list(model.get("labels") or range(len(centers)))
    return pd.Series([labels[i] for i in nearest], index=features.respondent_ids, name="cluster")
