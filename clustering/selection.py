"""Choice of k from the data alone, and whether the data have cluster structure at all.

Every k of the range is fitted once on everyone. On fixed subsamples (the same for every k, drawn
from the seed) the k table then measures, per k:

- ``validity``: the silhouette of the partition;
- ``null_validity``: the silhouette the default method reaches on a *reference without structure*
  with the same answer distribution per column and the same rank correlations
  (:func:`copula_reference`): what the verdict compares with;
- ``gap`` and ``gap_sd``: Tibshirani's gap, log W_k of a Gaussian reference with the mean and
  covariance of the encoded matrix (:data:`REFERENCE`) minus log W_k of the data (W: within-cluster
  sum of squares), and its standard error over the reference draws. Both references keep the
  correlations between columns; permuting each column independently destroys them and makes one
  correlated population look "clustered" (measured: see README);
- ``stability`` and ``stability_min``: Hennig's bootstrap Jaccard of the clusters (mean, worst);
- ``prediction_strength``: Tibshirani & Walther's, the worst cluster's share of pairs kept
  together when the partition learnt on one half of the respondents predicts the other half.

The rule (:func:`recommend`) joins the gap and Hennig's clusterboot: among the k up to the largest
gap whose gap is within one standard error of it (the plateau: one more cluster gains no more than
it would on structureless data), the finest k whose every cluster reproduces (bootstrap Jaccard >= 0.75 for
each) and whose silhouette above the reference is at least half the best; when none does, the first k of the plateau, stepped down to the largest k below it whose
clusters reproduce on average (mean >= 0.75, none under 0.5). Measured on
``benchmarks/structures.py`` against Tibshirani's first-local-maximum rule, the gap's maximum,
Hennig's finest stable k alone and prediction strength: see README "How personas are built".

The verdict (:func:`structure_verdict`): ``clear`` when the chosen partition reproduces and is
clearly better separated than the copula reference; ``weak`` when it reproduces but is not (stable
regions of a continuum); ``none`` when even it does not reproduce.
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
REFERENCE_SAMPLE = 1000
REFERENCE_DRAWS = 5
PREDICTION_SPLITS = 2
STABLE_MEAN = 0.75
STABLE_MIN = 0.5
#: Hennig's "stable" reading applied to every cluster (the finest k whose every cluster reproduces).
STABLE_EACH = 0.75
#: A k is chosen only if its silhouette *above the reference without structure* (same k) is at
#: least half the best of the range: a reproducible split of one group along a skewed feature
#: (contact volume) tightens clusters but gains nothing over the reference. (Before issue 18: the
#: raw silhouette within 10 % of the best, which favours k = 2 on item-level encodings.)
SILHOUETTE_FRACTION = 0.5
#: The chosen partition is "clearly separated" when its silhouette beats the reference's by this
#: much and by this many standard deviations of the reference's silhouette.
SEPARATION_MIN = 0.05
#: A clear structure: every cluster reproduces at least this well (Hennig: 0.6-0.75, patterns).
CLEAR_STABLE_MIN = 0.6
SEPARATION_Z = 3.0
#: Which reference without structure the gap and the verdict compare with (see :data:`REFERENCES`).
REFERENCE = "gaussian"


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


# --------------------------------------------------------------------------------------------
# References without structure


def gaussian_reference(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian sample with the mean and covariance of ``X``: one population, same correlations."""
    cov = np.atleast_2d(np.cov(X, rowvar=False))
    return rng.multivariate_normal(X.mean(axis=0), cov, size=X.shape[0], method="eigh")


def permutation_reference(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each column permuted independently: same margins, no correlation (kept for comparison)."""
    return np.column_stack([rng.permutation(X[:, j]) for j in range(X.shape[1])])


def copula_reference(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One population with the same answer distribution per column (discrete steps included) and
    the same rank correlations: a Gaussian copula mapped through each column's own quantiles. The
    verdict's reference: survey answers come in few steps, and a continuous Gaussian would make
    the steps themselves look like clusters."""
    from scipy.stats import norm, rankdata

    n, p = X.shape
    scores = np.column_stack([norm.ppf((rankdata(X[:, j]) - 0.5) / n) for j in range(p)])
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant column correlates with nothing
        corr = np.nan_to_num(np.atleast_2d(np.corrcoef(scores, rowvar=False))) + 1e-9 * np.eye(p)
    uniform = norm.cdf(rng.multivariate_normal(np.zeros(p), corr, size=n, method="eigh"))
    positions = np.minimum((uniform * n).astype(int), n - 1)
    return np.column_stack([np.sort(X[:, j])[positions[:, j]] for j in range(p)])


def pca_uniform_reference(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Tibshirani's reference: uniform in the box of the principal components (for comparison)."""
    mean = X.mean(axis=0)
    _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
    scores = (X - mean) @ vt.T
    return rng.uniform(scores.min(axis=0), scores.max(axis=0), size=scores.shape) @ vt + mean


REFERENCES: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "gaussian": gaussian_reference,
    "permutation": permutation_reference,
    "pca_uniform": pca_uniform_reference,
    "copula": copula_reference,
}
#: The reference the verdict compares the chosen partition's separation with.
VERDICT_REFERENCE = "copula"


def log_within(X: np.ndarray, labels: np.ndarray) -> float:
    """log of the within-cluster sum of squares (Tibshirani's log W_k)."""
    total = 0.0
    for value in np.unique(labels):
        part = X[labels == value]
        total += float(((part - part.mean(axis=0)) ** 2).sum())
    return float(np.log(max(total, 1e-12)))


def _partition_figures(X: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(silhouette, log W) of one partition of a subsample."""
    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(labels):
        return float("nan"), log_within(X, labels)
    return float(silhouette_score(X, labels)), log_within(X, labels)


def reference_figures(X: np.ndarray, ks: list[int], seed: int, reference: str = REFERENCE,
                      draws: int = REFERENCE_DRAWS) -> dict[int, dict[str, float]]:
    """Silhouette and log W the default method reaches, per k, on references without structure.

    ``X`` is the (subsampled) encoded matrix; each draw is clustered at every k of ``ks``.
    Returns per k the mean and standard deviation over the draws.
    """
    rng = np.random.default_rng(seed + 7)
    sil = {k: [] for k in ks}
    logw = {k: [] for k in ks}
    for _ in range(draws):
        null = REFERENCES[reference](X, rng)
        with threadpool_limits(1):
            fitted = fit_range("default", null, None, ks, seed)
        for k in ks:
            s, w = _partition_figures(null, fitted[k].labels_)
            sil[k].append(s)
            logw[k].append(w)
    return {k: {"validity": float(np.nanmean(sil[k])) if np.isfinite(sil[k]).any() else float("nan"),
                "validity_sd": float(np.nanstd(sil[k])) if np.isfinite(sil[k]).any() else float("nan"),
                "logw": float(np.mean(logw[k])), "logw_sd": float(np.std(logw[k]))} for k in ks}


def prediction_strength(X: np.ndarray, method: str, ks: list[int], seed: int,
                        splits: int = PREDICTION_SPLITS) -> dict[int, float]:
    """Tibshirani & Walther (2005): fit on one half, predict the other, keep the worst cluster's
    share of co-assigned pairs that the prediction also keeps together; mean over ``splits``."""
    rng = np.random.default_rng(seed + 3)
    out: dict[int, list[float]] = {k: [] for k in ks}
    usable = [k for k in ks if 2 * k <= X.shape[0] // 2]
    for _ in range(splits if usable else 0):
        order = rng.permutation(X.shape[0])
        train, test = order[: len(order) // 2], order[len(order) // 2:]
        with threadpool_limits(1):
            learnt = fit_range(method, X[train], None, usable, seed)
            own = fit_range(method, X[test], None, usable, seed)
        for k in usable:
            predicted, labels = learnt[k].predict(X[test]), own[k].labels_
            shares = []
            for value in np.unique(labels):
                members = predicted[labels == value]
                size = len(members)
                if size >= 2:
                    _, counts = np.unique(members, return_counts=True)
                    shares.append(float((counts * (counts - 1)).sum() / (size * (size - 1))))
            if shares:
                out[k].append(min(shares))
    return {k: float(np.mean(v)) if v else float("nan") for k, v in out.items()}


# --------------------------------------------------------------------------------------------
# The rule and the verdict


def _number(value: Any, default: float) -> float:
    return default if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def reproduces(row: dict[str, Any]) -> bool | None:
    """Hennig's reading: every cluster comes back (mean Jaccard >= 0.75, none under 0.5); None when
    stability was not measured."""
    if row.get("stability") is None:
        return None
    return _number(row["stability"], 0.0) >= STABLE_MEAN and _number(row.get("stability_min"), 0.0) >= STABLE_MIN


def recommend(table: list[dict[str, Any]]) -> int:
    """The recommended k of a k table (see the module docstring for the rule)."""
    rows = sorted(table, key=lambda r: r["k"])

    def excess(row: dict[str, Any]) -> float:
        """Silhouette above the reference without structure at the same k (raw when unmeasured)."""
        null = row.get("null_validity")
        return _number(row.get("validity"), -1.0) - (0.0 if null is None else _number(null, 0.0))

    top = max(excess(r) for r in rows)

    def separated(row: dict[str, Any]) -> bool:
        return top <= 0 or excess(row) >= SILHOUETTE_FRACTION * top

    best = max(rows, key=lambda r: _number(r.get("gap"), 0.0))
    floor = _number(best.get("gap"), 0.0) - _number(best.get("gap_sd"), 0.0)
    plateau = [r for r in rows if r["k"] <= best["k"] and _number(r.get("gap"), 0.0) >= floor]
    every_stable = [r["k"] for r in plateau if _number(r.get("stability_min"), 0.0) >= STABLE_EACH
                    and _number(r.get("stability"), 0.0) >= STABLE_MEAN and separated(r)]
    if every_stable:
        return int(max(every_stable))
    first = plateau[0]["k"]
    reproducing = [r["k"] for r in rows if r["k"] <= first and reproduces(r) and separated(r)]
    return int(max(reproducing)) if reproducing else int(first)


def structure_verdict(row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``clear`` | ``weak`` | ``none`` for the chosen k's row, and the figures behind it."""
    validity, null = _number(row.get("validity"), float("nan")), _number(row.get("null_validity"), float("nan"))
    spread = _number(row.get("null_validity_sd"), 0.0)
    margin = validity - null if np.isfinite(validity) and np.isfinite(null) else float("nan")
    z = margin / spread if np.isfinite(margin) and spread > 1e-9 else (float("inf") if margin > 0 else 0.0)
    separated = bool(np.isfinite(margin) and margin >= SEPARATION_MIN and z >= SEPARATION_Z)
    stable = reproduces(row)
    every = row.get("stability_min") is None or _number(row.get("stability_min"), 0.0) >= CLEAR_STABLE_MIN
    if stable is False:
        verdict = "none"
    elif separated and every:
        verdict = "clear"
    else:
        verdict = "weak"
    evidence = {
        "k": int(row["k"]),
        "reference": VERDICT_REFERENCE,
        "validity": _round(validity),
        "null_validity": _round(null),
        "separation": _round(margin),
        "separation_z": _round(min(z, 999.0)),
        "stability": row.get("stability"),
        "stability_min": row.get("stability_min"),
        "prediction_strength": row.get("prediction_strength"),
        "thresholds": {"separation": SEPARATION_MIN, "separation_z": SEPARATION_Z,
                       "stability_mean": STABLE_MEAN, "stability_min": STABLE_MIN,
                       "clear_stability_min": CLEAR_STABLE_MIN},
    }
    return verdict, evidence


def _round(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)


# --------------------------------------------------------------------------------------------
# The table


def k_table(X: np.ndarray, sample_weight: np.ndarray | None, method: str, ks: list[int], *,
            seed: int = 0, bootstrap: int = 20, progress: Progress = no_progress, start: float = 0.0,
            end: float = 1.0, X_validity: np.ndarray | None = None,
            ) -> tuple[list[dict[str, Any]], dict[int, Any], dict[int, dict]]:
    """Fit every k; return the table rows (recommendation marked), the fitted estimators and the
    per-cluster stability of every k. Silhouette, gap and the reference are measured on
    ``X_validity`` (the encoded features, whatever matrix the method clusters) so that methods
    compare on one footing."""
    n = X.shape[0]
    span = end - start
    progress(start, "fitting every k")
    fitted = fit_range(method, X, sample_weight, ks, seed)
    progress(start + 0.2 * span, "bootstrap stability")
    stability = _stability(X, sample_weight, method, ks, fitted, seed, bootstrap, progress,
                           start + 0.2 * span, start + 0.7 * span)
    X_sil = X if X_validity is None else X_validity
    progress(start + 0.7 * span, "reference without structure")
    ref_rows = subsample(n, REFERENCE_SAMPLE, seed + 2)
    enough = len(ref_rows) > max(ks) + 1
    reference = reference_figures(X_sil[ref_rows], ks, seed) if enough else {}
    separation = reference_figures(X_sil[ref_rows], ks, seed, VERDICT_REFERENCE, draws=3) if enough else {}
    progress(start + 0.85 * span, "prediction strength")
    strength = prediction_strength(X[ref_rows], method, ks, seed) if bootstrap > 0 else {}
    sil_rows = subsample(n, SILHOUETTE_SAMPLE, seed)
    distances = pairwise_distances(X_sil[sil_rows])
    table: list[dict[str, Any]] = []
    for k in ks:
        labels = fitted[k].labels_
        null, apart = reference.get(k, {}), separation.get(k, {})
        values = list(stability.get(k, {}).values())
        gap = null.get("logw", float("nan")) - log_within(X_sil[ref_rows], labels[ref_rows]) if null else float("nan")
        table.append({
            "k": int(k), "index": "silhouette",
            "validity": silhouette(X_sil, labels, sil_rows, distances),
            "null_validity": apart.get("validity", float("nan")),
            "null_validity_sd": apart.get("validity_sd", float("nan")),
            "gap": gap,
            "gap_sd": null.get("logw_sd", float("nan")) * np.sqrt(1 + 1 / REFERENCE_DRAWS) if null else float("nan"),
            "stability": float(np.mean(values)) if values else None,
            "stability_min": float(np.min(values)) if values else None,
            "prediction_strength": strength.get(k, float("nan")),
        })
    chosen = recommend(table)
    for row in table:
        row["recommended"] = row["k"] == chosen
        for key, value in list(row.items()):
            if isinstance(value, float):
                row[key] = _round(value)
    progress(end, "k table done")
    return table, fitted, stability


def _stability(X, sample_weight, method, ks, fitted, seed, bootstrap, progress, start, end) -> dict[int, dict]:
    """Per-cluster bootstrap Jaccard of every k, on one fixed subsample and the same resamples."""
    if bootstrap <= 0:
        return {}
    rows = subsample(X.shape[0], STABILITY_SAMPLE, seed + 1)
    weights = None if sample_weight is None else sample_weight[rows]
    done = [0]

    def refit(Xb: np.ndarray, wb: np.ndarray | None) -> dict:
        done[0] += 1
        progress(start + (end - start) * done[0] / bootstrap, f"bootstrap {done[0]}/{bootstrap}")
        with threadpool_limits(1):
            return {k: model.labels_ for k, model in fit_range(method, Xb, wb, ks, seed).items()}

    return bootstrap_jaccard_many(X[rows], {k: fitted[k].labels_[rows] for k in ks}, refit,
                                  n_boot=bootstrap, seed=seed, sample_weight=weights)
