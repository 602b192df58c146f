"""Clustering methods behind one scikit-learn-style interface.

Every estimator takes ``n_clusters`` and ``random_state`` in ``__init__``, learns in
``fit(X, sample_weight=None)`` and exposes ``labels_``, ``cluster_centers_`` and ``predict(X)``.
``input`` says which matrix of a :class:`~clustering.encoding.FeatureMatrix` it wants:
``features`` (the weighted encoding), ``items`` (answer codes, for the latent class model) or
``onehot`` (the baseline of the recovery benchmark).

The default was chosen by measurement (``benchmarks/recovery.py``): see :class:`DefaultMethod`.
"""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture


def _check(X: np.ndarray, n_clusters: int, sample_weight: np.ndarray | None):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError("X must be a non-empty 2-D array")
    if not isinstance(n_clusters, (int, np.integer)) or n_clusters < 1:
        raise ValueError(f"n_clusters must be a positive integer, got {n_clusters!r}")
    if n_clusters > X.shape[0]:
        raise ValueError(f"n_clusters={n_clusters} is more than the {X.shape[0]} rows")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != (X.shape[0],) or np.any(sample_weight < 0):
            raise ValueError("sample_weight must be one non-negative value per row")
    return X, sample_weight


def weighted_centers(X: np.ndarray, labels: np.ndarray, n_clusters: int,
                     sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Weighted mean of each label 0..n_clusters-1 (zeros for an empty label)."""
    w = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    centers = np.zeros((n_clusters, X.shape[1]))
    for k in range(n_clusters):
        mask = labels == k
        total = w[mask].sum()
        if total > 0:
            centers[k] = (X[mask] * w[mask, None]).sum(axis=0) / total
    return centers


class KMeansMethod(ClusterMixin, BaseEstimator):
    """k-means (k-means++ seeding, ``n_init`` restarts), survey weights as sample weights."""

    input = "features"

    def __init__(self, n_clusters: int = 6, random_state: int | None = 0, n_init: int = 10, max_iter: int = 300):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.n_init = n_init
        self.max_iter = max_iter

    def fit(self, X, sample_weight=None):
        X, sample_weight = _check(X, self.n_clusters, sample_weight)
        model = KMeans(n_clusters=self.n_clusters, n_init=self.n_init, max_iter=self.max_iter,
                       random_state=self.random_state)
        model.fit(X, sample_weight=sample_weight)
        self.model_ = model
        self.labels_ = model.labels_.astype(np.int64)
        self.cluster_centers_ = model.cluster_centers_
        self.inertia_ = float(model.inertia_)
        return self

    def predict(self, X):
        return self.model_.predict(np.asarray(X, dtype=np.float64)).astype(np.int64)


class KMeansOneHotMethod(KMeansMethod):
    """The usual weak default, kept as a baseline: k-means on the one-hot survey answers."""

    input = "onehot"


class GaussianMixtureMethod(ClusterMixin, BaseEstimator):
    """Gaussian mixture, started from a weighted k-means so that restarts agree.

    scikit-learn's mixture has no sample weights: the survey weights shape the k-means start and
    every mean reported afterwards, not the EM steps themselves.
    """

    input = "features"

    def __init__(self, n_clusters: int = 6, random_state: int | None = 0, covariance_type: str = "full",
                 n_init: int = 1, reg_covar: float = 1e-4, max_iter: int = 200):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.covariance_type = covariance_type
        self.n_init = n_init
        self.reg_covar = reg_covar
        self.max_iter = max_iter

    def fit(self, X, sample_weight=None):
        X, sample_weight = _check(X, self.n_clusters, sample_weight)
        start = KMeans(n_clusters=self.n_clusters, n_init=10, random_state=self.random_state)
        start.fit(X, sample_weight=sample_weight)
        model = GaussianMixture(n_components=self.n_clusters, covariance_type=self.covariance_type,
                                reg_covar=self.reg_covar, max_iter=self.max_iter, n_init=self.n_init,
                                means_init=start.cluster_centers_, random_state=self.random_state)
        model.fit(X)
        self.model_ = model
        self.labels_ = model.predict(X).astype(np.int64)
        self.cluster_centers_ = model.means_
        self.bic_ = float(model.bic(X))
        return self

    def predict(self, X):
        return self.model_.predict(np.asarray(X, dtype=np.float64)).astype(np.int64)


class LatentClassMethod(ClusterMixin, BaseEstimator):
    """Latent class model (StepMix) on the answers as categories, skipped answers allowed."""

    input = "items"

    def __init__(self, n_clusters: int = 6, random_state: int | None = 0, n_init: int = 1, max_iter: int = 300):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.n_init = n_init
        self.max_iter = max_iter

    def fit(self, X, sample_weight=None):
        from stepmix.stepmix import StepMix

        X, sample_weight = _check(X, self.n_clusters, sample_weight)
        model = StepMix(n_components=self.n_clusters, measurement="categorical_nan", n_init=self.n_init,
                        max_iter=self.max_iter, random_state=self.random_state, verbose=0, progress_bar=0)
        with warnings.catch_warnings():
            # A comparison baseline: its convergence notes would only clutter the command line.
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            model.fit(X, sample_weight=sample_weight)
        self.model_ = model
        self.labels_ = np.asarray(model.predict(X), dtype=np.int64)
        self.cluster_centers_ = weighted_centers(np.nan_to_num(X, nan=-1.0), self.labels_, self.n_clusters, sample_weight)
        return self

    def predict(self, X):
        return np.asarray(self.model_.predict(np.asarray(X, dtype=np.float64)), dtype=np.int64)


def cut_linkage(tree: np.ndarray, n: int, k: int) -> np.ndarray:
    """Labels 0..k-1 of the ``n`` leaves after the first ``n - k`` merges of a linkage matrix.

    (scipy's ``cut_tree`` is exact but slow; ``fcluster(maxclust)`` may return fewer than k
    clusters when merge heights tie. This is exact: each leaf climbs, by pointer jumping, to its
    highest ancestor formed before the cut.)
    """
    parent = np.full(2 * n - 1, -1, dtype=np.int64)
    children = tree[:, :2].astype(np.int64)
    parent[children[:, 0]] = parent[children[:, 1]] = n + np.arange(n - 1)
    cut = n + (n - k)  # nodes numbered below this exist after n - k merges
    node = np.arange(n)
    while True:
        up = parent[node]
        move = (up >= 0) & (up < cut)
        if not move.any():
            break
        node = np.where(move, up, node)
    _, labels = np.unique(node, return_inverse=True)
    return labels.astype(np.int64)


class WardKMeansMethod(ClusterMixin, BaseEstimator):
    """Ward's hierarchical clustering (on a subsample at large n) refined by weighted k-means.

    Ward gives k-means a start that respects small, compact groups (k-means++ starts often split a
    large profile and merge two small ones); k-means then uses every respondent and the weights.
    :meth:`fit_range` cuts one Ward tree at several k, which makes the k table cheap.
    """

    input = "features"

    def __init__(self, n_clusters: int = 6, random_state: int | None = 0, max_ward: int = 2000, max_iter: int = 300):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.max_ward = max_ward
        self.max_iter = max_iter

    def _tree(self, X: np.ndarray):
        from scipy.cluster.hierarchy import ward

        rows = np.arange(X.shape[0])
        if X.shape[0] > self.max_ward:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(X.shape[0], self.max_ward, replace=False))
        return rows, ward(X[rows])

    def _refine(self, X, sample_weight, rows, tree):
        start = cut_linkage(tree, len(rows), self.n_clusters)
        sub_w = None if sample_weight is None else sample_weight[rows]
        centers = weighted_centers(X[rows], start, self.n_clusters, sub_w)
        model = KMeans(n_clusters=self.n_clusters, init=centers, n_init=1, max_iter=self.max_iter,
                       random_state=self.random_state)
        model.fit(X, sample_weight=sample_weight)
        self.model_ = model
        self.labels_ = model.labels_.astype(np.int64)
        self.cluster_centers_ = model.cluster_centers_
        self.inertia_ = float(model.inertia_)
        return self

    def fit(self, X, sample_weight=None):
        X, sample_weight = _check(X, self.n_clusters, sample_weight)
        rows, tree = self._tree(X)
        return self._refine(X, sample_weight, rows, tree)

    @classmethod
    def fit_range(cls, X, sample_weight, ks, random_state) -> dict:
        """One fitted estimator per k, from a single Ward tree."""
        X, sample_weight = _check(X, max(ks), sample_weight)
        first = cls(n_clusters=max(ks), random_state=random_state)
        rows, tree = first._tree(X)
        return {k: cls(n_clusters=k, random_state=random_state)._refine(X, sample_weight, rows, tree) for k in ks}

    def predict(self, X):
        return self.model_.predict(np.asarray(X, dtype=np.float64)).astype(np.int64)


class DefaultMethod(WardKMeansMethod):
    """The default: Ward's clustering refined by weighted k-means on the group-weighted encoding.

    Measured on the recovery benchmark (benchmarks/recovery.py, demo data, k=6): ARI about 0.98 on
    the standard demo and about 0.90-0.93 on the hard variant, where plain k-means (random
    k-means++ starts) falls to 0.65 and a full-covariance Gaussian mixture to 0.2-0.6 (contact
    shares are far from Gaussian).
    """


METHODS: dict[str, type] = {
    "default": DefaultMethod,
    "kmeans": KMeansMethod,
    "gmm": GaussianMixtureMethod,
    "lca": LatentClassMethod,
    "ward": WardKMeansMethod,
    "kmeans_onehot": KMeansOneHotMethod,
}


def fit_range(name: str, X: np.ndarray, sample_weight: np.ndarray | None, ks: list[int], random_state: int) -> dict:
    """A fitted estimator of the named method for every k (sharing work where the method can)."""
    cls = METHODS[name]
    shared = getattr(cls, "fit_range", None)
    if shared is not None:
        return shared(X, sample_weight, list(ks), random_state)
    return {k: make_method(name, k, random_state).fit(X, sample_weight=sample_weight) for k in ks}


def make_method(name: str, n_clusters: int, random_state: int) -> ClusterMixin:
    """An unfitted estimator of the named method."""
    try:
        cls = METHODS[name]
    except KeyError:
        from workshop_data.errors import DataError
        from workshop_data.messages import msg

        raise DataError(msg("cluster.unknown_method"), expected=" | ".join(sorted(METHODS)), found=name) from None
    return cls(n_clusters=n_clusters, random_state=random_state)
