"""Per-cluster bootstrap stability (Hennig 2007): would this cluster come back on other samples?

For each bootstrap resample the method is refitted; each original cluster, restricted to the
resampled respondents, is compared with every new cluster by Jaccard similarity and keeps the best.
The mean over resamples is the cluster's stability: under 0.5 a cluster tends to dissolve, over
0.75 it is stable (Hennig's reading, quoted in FIELD_NOTES.md).
"""
from __future__ import annotations

from typing import Callable, Hashable

import numpy as np

FitPredict = Callable[[np.ndarray, "np.ndarray | None"], np.ndarray]


def _best_jaccard(original: np.ndarray, boot: np.ndarray, clusters: list) -> dict:
    """For each original cluster, its best Jaccard with a bootstrap cluster (same points)."""
    out = {}
    boot_labels = np.unique(boot)
    boot_masks = [boot == b for b in boot_labels]
    for cluster in clusters:
        mask = original == cluster
        size = int(mask.sum())
        if size == 0:
            continue
        best = 0.0
        for other in boot_masks:
            inter = int(np.count_nonzero(mask & other))
            if inter:
                best = max(best, inter / (size + int(other.sum()) - inter))
        out[cluster] = best
    return out


def bootstrap_jaccard(X: np.ndarray, labels, fit_predict: FitPredict, *, n_boot: int = 20, seed: int = 0,
                      sample_weight: np.ndarray | None = None) -> dict[Hashable, float]:
    """Hennig's clusterwise Jaccard stability of ``labels`` over ``n_boot`` resamples.

    ``fit_predict(X_resampled, weights_resampled) -> labels`` refits the method (same k). Duplicates
    drawn by the resampling are compared once (Hennig's rule): Jaccard is computed on the distinct
    respondents of each resample. Resamples are drawn from ``seed`` only, so the result is
    reproducible.
    """
    result = bootstrap_jaccard_many(X, {0: labels}, lambda Xb, wb: {0: fit_predict(Xb, wb)},
                                    n_boot=n_boot, seed=seed, sample_weight=sample_weight)
    return result[0]


def bootstrap_jaccard_many(X: np.ndarray, labellings: dict, fit_predict_many, *, n_boot: int = 20, seed: int = 0,
                           sample_weight: np.ndarray | None = None) -> dict:
    """:func:`bootstrap_jaccard` for several labellings (one per k) on the same resamples.

    ``fit_predict_many(X_resampled, weights_resampled) -> {key: labels}`` refits every k at once
    (the default method cuts one tree at every k).
    """
    X = np.asarray(X)
    labellings = {key: np.asarray(labels) for key, labels in labellings.items()}
    for labels in labellings.values():
        if labels.shape[0] != X.shape[0]:
            raise ValueError("labels must have one value per row of X")
    clusters = {key: sorted(np.unique(labels).tolist(), key=str) for key, labels in labellings.items()}
    if n_boot < 1:
        return {key: {c: float("nan") for c in cl} for key, cl in clusters.items()}
    rng = np.random.default_rng(seed)
    totals = {key: {c: 0.0 for c in cl} for key, cl in clusters.items()}
    counts = {key: {c: 0 for c in cl} for key, cl in clusters.items()}
    n = X.shape[0]
    for _ in range(n_boot):
        draw = rng.integers(0, n, size=n)
        weights = None if sample_weight is None else np.asarray(sample_weight)[draw]
        refitted = fit_predict_many(X[draw], weights)
        unique, first = np.unique(draw, return_index=True)
        for key, labels in labellings.items():
            boot_labels = np.asarray(refitted[key])
            for cluster, score in _best_jaccard(labels[unique], boot_labels[first], clusters[key]).items():
                totals[key][cluster] += score
                counts[key][cluster] += 1
    return {key: {c: (totals[key][c] / counts[key][c] if counts[key][c] else 0.0) for c in cl}
            for key, cl in clusters.items()}
