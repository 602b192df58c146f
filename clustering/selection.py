"""Choice of k: a validity index, bootstrap stability and archetype fits, one row per k.

Each k in the range is fitted once on everyone. Silhouette is measured on a fixed subsample of
at most ``SILHOUETTE_SAMPLE`` respondents and stability by bootstrap on a fixed subsample of at
most ``STABILITY_SAMPLE`` (the same subsamples for every k, drawn from the seed), which keeps the
whole table within seconds at 50,000 respondents.

The rule (:func:`recommend`): a k is *acceptable* when its clusters are stable (mean bootstrap
Jaccard >= 0.75 and none under 0.5, Hennig's thresholds) and its silhouette is at least 60% of
the best; among acceptable k, the one whose clusters fit the most archetypes wins (ties: the best
silhouette, then the smaller k). Without archetype fits (no callback, or a survey without trait
dimensions) the best silhouette among acceptable k wins. When no k is acceptable, the most stable
k wins. Archetypes take part because the workshop starts from a reference typology: a k that
splits a recognisable profile in two, or lumps two together, fits fewer of them.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from sklearn.metrics import pairwise_distances, silhouette_score

from threadpoolctl import threadpool_limits

from .methods import fit_range
from .result import Progress, no_progress
from .stability import bootstrap_jaccard, bootstrap_jaccard_many

SILHOUETTE_SAMPLE = 2000
STABILITY_SAMPLE = 1000
STABLE_MEAN = 0.75
STABLE_MIN = 0.5
SILHOUETTE_FRACTION = 0.6


def subsample(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a fixed random subsample (everyone when n <= size)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def silhouette(X: np.ndarray, labels: np.ndarray, rows: np.ndarray, distances: np.ndarray | None = None) -> float:
    """Silhouette of ``labels`` on the subsample ``rows`` (``distances``: its precomputed matrix)."""
    sub = labels[rows]
    if len(np.unique(sub)) < 2 or len(np.unique(sub)) >= len(rows):
        return float("nan")
    if distances is not None:
        return float(silhouette_score(distances, sub, metric="precomputed"))
    return float(silhouette_score(X[rows], sub))


def stability_of(X: np.ndarray, labels: np.ndarray, make: Callable[[], Any], rows: np.ndarray,
                 n_boot: int, seed: int, sample_weight: np.ndarray | None) -> dict:
    """Bootstrap Jaccard of ``labels`` on the subsample ``rows``, refitting ``make()`` each time."""
    def fit_predict(Xb: np.ndarray, wb: np.ndarray | None) -> np.ndarray:
        with threadpool_limits(1):
            return make().fit(Xb, sample_weight=wb).labels_

    weights = None if sample_weight is None else sample_weight[rows]
    return bootstrap_jaccard(X[rows], labels[rows], fit_predict, n_boot=n_boot, seed=seed, sample_weight=weights)


def recommend(table: list[dict[str, Any]]) -> int:
    """The recommended k of a k table (see the module docstring for the rule)."""
    def number(value: Any, default: float) -> float:
        return default if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)

    best_sil = max((number(r["validity"], -1.0) for r in table), default=-1.0)
    acceptable = [r for r in table
                  if number(r.get("stability"), 1.0) >= STABLE_MEAN
                  and number(r.get("stability_min"), 1.0) >= STABLE_MIN
                  and (best_sil <= 0 or number(r["validity"], -1.0) >= SILHOUETTE_FRACTION * best_sil)]
    if not acceptable:
        return int(max(table, key=lambda r: (number(r.get("stability"), 0.0), -r["k"]))["k"])
    return int(max(acceptable, key=lambda r: (number(r.get("archetypes"), 0.0), number(r["validity"], -1.0), -r["k"]))["k"])


def k_table(X: np.ndarray, sample_weight: np.ndarray | None, method: str, ks: list[int], *,
            seed: int = 0, bootstrap: int = 20, archetypes: Callable[[np.ndarray], int | None] | None = None,
            progress: Progress = no_progress, start: float = 0.0, end: float = 1.0,
            X_validity: np.ndarray | None = None) -> tuple[list[dict[str, Any]], dict[int, Any], dict[int, dict]]:
    """Fit every k; return the table rows (recommendation marked), the fitted estimators and the
    per-cluster stability of every k. Silhouette is measured on ``X_validity`` (the encoded
    features, whatever matrix the method clusters) so that methods compare on one footing."""
    n = X.shape[0]
    span = end - start
    progress(start, "fitting every k")
    fitted = fit_range(method, X, sample_weight, ks, seed)
    progress(start + 0.25 * span, "bootstrap stability")
    stability: dict[int, dict] = {}
    if bootstrap > 0:
        rows = subsample(n, STABILITY_SAMPLE, seed + 1)
        weights = None if sample_weight is None else sample_weight[rows]
        done = [0]

        def refit(Xb: np.ndarray, wb: np.ndarray | None) -> dict:
            done[0] += 1
            progress(start + span * (0.25 + 0.6 * done[0] / bootstrap), f"bootstrap {done[0]}/{bootstrap}")
            with threadpool_limits(1):
                return {k: model.labels_ for k, model in fit_range(method, Xb, wb, ks, seed).items()}

        stability = bootstrap_jaccard_many(X[rows], {k: fitted[k].labels_[rows] for k in ks}, refit,
                                           n_boot=bootstrap, seed=seed, sample_weight=weights)
    sil_rows = subsample(n, SILHOUETTE_SAMPLE, seed)
    X_sil = X if X_validity is None else X_validity
    distances = pairwise_distances(X_sil[sil_rows])
    table: list[dict[str, Any]] = []
    for k in ks:
        labels = fitted[k].labels_
        row: dict[str, Any] = {"k": int(k), "validity": silhouette(X_sil, labels, sil_rows, distances),
                               "index": "silhouette"}
        values = list(stability.get(k, {}).values())
        row["stability"] = float(np.mean(values)) if values else None
        row["stability_min"] = float(np.min(values)) if values else None
        row["archetypes"] = archetypes(labels) if archetypes is not None else None
        table.append(row)
    chosen = recommend(table)
    for row in table:
        row["recommended"] = row["k"] == chosen
        for key in ("validity", "stability", "stability_min"):
            if isinstance(row[key], float):
                row[key] = None if np.isnan(row[key]) else round(row[key], 4)
    progress(end, "k table done")
    return table, fitted, stability
