"""Exploratory factor analysis of Likert items: which items measure one thing together.

When people have declared no dimension, a draft codebook proposes some from the data: the number
of factors by Horn's parallel analysis (eigenvalues of the items' correlation matrix against those
of random data of the same size; Kaiser's "eigenvalue > 1" finds factors in pure noise, see the
README), a varimax-rotated factor analysis, each item on its strongest loading when that loading
reaches 0.4, and Cronbach's alpha per scale. Everything is seeded: the same survey gives the same
proposal. Plain numpy on arrays; the caller turns scales into codebook dimensions.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

MIN_ITEMS = 4          # fewer Likert items than this: no factor analysis
MIN_ROWS = 50          # fewer answered rows than this: no factor analysis
MAX_ROWS = 5000        # larger surveys are subsampled (seeded): the structure is already clear
MIN_LOADING = 0.4
MIN_SCALE_ITEMS = 2
PA_ITERATIONS = 40
PA_QUANTILE = 0.95
SEED = 0
#: Up to this many items parallel analysis simulates its reference; beyond, its closed form is used.
SIMULATED_ITEMS = 300
#: Beyond SIMULATED_ITEMS items, a draft proposes at most this many dimensions.
MAX_FACTORS = 30


@dataclass(frozen=True)
class ItemScale:
    """Items (column positions, strongest first) that load on one factor, oriented so most load positively."""

    items: tuple[int, ...]
    loadings: tuple[float, ...]   # signed: negative means the item runs against the scale (reverse it)
    alpha: float


def standardised(values: np.ndarray) -> np.ndarray:
    """Columns centred and scaled, skipped answers at the column mean (0); constant columns all 0."""
    values = np.asarray(values, dtype=np.float64)
    with warnings.catch_warnings():  # a column skipped by everyone: mean NaN, standardised to 0 below
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=0)
        std = np.nanstd(values, axis=0)
    std = np.where(np.isfinite(std) & (std > 0), std, np.inf)
    z = (values - mean) / std
    return np.nan_to_num(z, nan=0.0)


def _eigenvalues(z: np.ndarray) -> np.ndarray:
    corr = np.corrcoef(z, rowvar=False)
    corr = np.nan_to_num(corr, nan=0.0)
    np.fill_diagonal(corr, 1.0)
    return np.sort(np.linalg.eigvalsh(corr))[::-1]


def parallel_analysis_factors(z: np.ndarray, *, iterations: int = PA_ITERATIONS, seed: int = SEED) -> int:
    """Leading eigenvalues above the 95th percentile of those of random normal data of the same shape.

    Up to :data:`SIMULATED_ITEMS` items the reference is simulated: ``iterations`` random data sets,
    every eigenvalue. Beyond, 40 eigendecompositions of a p x p matrix take minutes (8 minutes at
    5,000 items), so the reference takes its closed form, the empirical Kaiser criterion (Braeken &
    van Assen, 2017: the Marchenko-Pastur upper edge of random correlation eigenvalues, corrected
    for the variance the factors before already took), compared with the leading eigenvalues only,
    at most :data:`MAX_FACTORS` + 1 of them, found by Lanczos iterations. It counts the planted
    factors, or one more, never more than the simulation (tests/test_factors_wide.py).
    """
    n, p = z.shape
    if p > SIMULATED_ITEMS:
        return _closed_form_factors(z)
    rng = np.random.default_rng(seed)
    random = np.array([_eigenvalues(rng.standard_normal((n, p))) for _ in range(iterations)])
    threshold = np.quantile(random, PA_QUANTILE, axis=0)
    above = _eigenvalues(z) > threshold
    return int(np.argmin(above)) if not above.all() else p


def _closed_form_factors(z: np.ndarray) -> int:
    """The number of factors by the empirical Kaiser criterion, on the leading eigenvalues only
    (ten first: surveys rarely hold more factors; all :data:`MAX_FACTORS` when all ten pass)."""
    n, p = z.shape
    edge = (1.0 + np.sqrt(p / n)) ** 2
    for k in (min(11, p - 1), min(MAX_FACTORS + 1, p - 1)):
        observed, _ = leading_eigen(z, k)
        taken = np.concatenate([[0.0], np.cumsum(observed)[:-1]])
        reference = np.maximum(edge * (p - taken) / (p - np.arange(k)), 1.0)
        above = observed > reference
        if not above.all():
            return int(np.argmin(above))
    return k


def leading_eigen(z: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest eigenvalues of the columns' correlation matrix, largest first, and their
    eigenvectors (columns), without forming the matrix: Lanczos iterations on ``x.T @ (x @ v)``
    (columns centred, of unit norm; a constant column weighs nothing), from a fixed start so that
    the same survey gives the same figures."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    x = z - z.mean(axis=0)
    norms = np.linalg.norm(x, axis=0)
    x = x / np.where(norms > 0, norms, np.inf)
    p = x.shape[1]
    operator = LinearOperator((p, p), matvec=lambda v: x.T @ (x @ v), dtype=np.float64)
    values, vectors = eigsh(operator, k=k, which="LA", tol=1e-6, v0=np.full(p, p ** -0.5))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def _screened_items(z: np.ndarray, n_factors: int) -> np.ndarray:
    """Positions of the :data:`SIMULATED_ITEMS` items that share the most variance with the
    leading factors (their communality on the first eigenvectors), in their order."""
    values, vectors = leading_eigen(z, n_factors)
    communality = (vectors ** 2 * values).sum(axis=1)
    return np.sort(np.argsort(-communality, kind="stable")[:SIMULATED_ITEMS])


def kaiser_factors(z: np.ndarray) -> int:
    """Eigenvalues of the correlation matrix above 1 (kept to compare with parallel analysis)."""
    return int((_eigenvalues(z) > 1.0).sum())


def cronbach_alpha(values: np.ndarray) -> float:
    """Cronbach's alpha of items already oriented one way (rows x items, NaN when skipped; pairwise)."""
    import pandas as pd

    values = np.asarray(values, dtype=np.float64)
    k = values.shape[1]
    if k < 2:
        return float("nan")
    cov = pd.DataFrame(values).cov(min_periods=2).to_numpy()
    total = float(np.nansum(cov))
    if total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - float(np.nansum(np.diag(cov))) / total))


def _sample_rows(values: np.ndarray, seed: int) -> np.ndarray:
    answered = (~np.isnan(values)).sum(axis=1) >= max(2, values.shape[1] // 2)
    values = values[answered]
    if len(values) > MAX_ROWS:
        keep = np.sort(np.random.default_rng(seed).choice(len(values), MAX_ROWS, replace=False))
        values = values[keep]
    return values


def item_scales(values: np.ndarray, *, method: str = "parallel", seed: int = SEED) -> list[ItemScale]:
    """Scales of items that measure one factor together, strongest factor first; [] when none."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] < MIN_ITEMS:
        return []
    rows = _sample_rows(values, seed)
    usable = np.flatnonzero(np.std(standardised(rows), axis=0) > 0)  # items that vary in these rows
    if len(rows) < MIN_ROWS or len(usable) < MIN_ITEMS:
        return []
    rows = rows[:, usable]
    z = standardised(rows)
    counted = parallel_analysis_factors(z, seed=seed) if method == "parallel" else kaiser_factors(z)
    n_factors = min(counted, len(usable) // MIN_SCALE_ITEMS)
    if n_factors < 1:
        return []
    if len(usable) > SIMULATED_ITEMS:  # the loadings of thousands of items: on those the factors share
        keep = _screened_items(z, n_factors)
        usable, rows, z = usable[keep], rows[:, keep], z[:, keep]
    loadings = _rotated_loadings(z, n_factors, seed)
    scales = []
    for factor in range(n_factors):
        scale = _scale_of(loadings, factor, rows)
        if scale is not None:
            scales.append(ItemScale(tuple(int(usable[i]) for i in scale.items), scale.loadings, scale.alpha))
    return sorted(scales, key=lambda s: -sum(v * v for v in s.loadings))


def _rotated_loadings(z: np.ndarray, n_factors: int, seed: int) -> np.ndarray:
    """Items x factors loadings of a varimax-rotated factor analysis of standardised items."""
    from sklearn.decomposition import FactorAnalysis

    from sklearn.exceptions import ConvergenceWarning

    model = FactorAnalysis(n_components=n_factors, rotation="varimax" if n_factors > 1 else None,
                           svd_method="lapack", random_state=seed)
    with warnings.catch_warnings():  # loadings short of full convergence still say which items go together
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(z)
    return model.components_.T


def _scale_of(loadings: np.ndarray, factor: int, rows: np.ndarray) -> ItemScale | None:
    strongest = np.argmax(np.abs(loadings), axis=1)
    members = [i for i in range(loadings.shape[0])
               if strongest[i] == factor and abs(loadings[i, factor]) >= MIN_LOADING]
    if len(members) < MIN_SCALE_ITEMS:
        return None
    members.sort(key=lambda i: -abs(loadings[i, factor]))
    signed = loadings[members, factor]
    orientation = np.sign(signed.sum()) or np.sign(signed[0])
    signed = signed * orientation
    oriented = rows[:, members] * np.where(signed < 0, -1.0, 1.0)
    return ItemScale(items=tuple(int(i) for i in members), loadings=tuple(float(v) for v in signed),
                     alpha=cronbach_alpha(oriented))
