"""How much each variable weighs in the clustering, learnt from the survey itself.

A column gets weight for the cluster structure it carries, not for the group it falls in: a lone
household size or a random category must not speak for twenty items, and contact habits weigh a
lot when they are what tells profiles apart and little when they are not.

The method is sparse k-means (Witten & Tibshirani, JASA 2010) on *variables* rather than columns
(a categorical answer's one-hot columns, the channel mix's shares, move together; every variable
starts standardised to a total variance of one). Alternately: cluster with the current weights
(the default method, Ward then k-means, on a fixed subsample), measure each variable's
between-cluster sum of squares, and give it a weight proportional to that sum soft-thresholded so
that the weights' L1 norm is at most ``s`` (their L2 norm is one). ``s`` is tuned by the
permutation gap of the paper: the weighted between-cluster sum of squares on the data against the
same on data whose columns were permuted independently (no cluster left), and the smallest ``s``
within one standard error of the best gap is kept. Measured against the alternatives on the
families benchmark: see README "How personas are built".

Follows scikit-learn's conventions: parameters in ``__init__``, learning in ``fit``, learnt
attributes end with ``_``.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

LEARN_SAMPLE = 1500
#: A block of variables (the answers, the contact habits) is clustered on its own when its best
#: silhouette beats a reference without structure (same margins, same rank correlations) by this.
BLOCK_MARGIN = 0.05
#: A block without structure beside a clustered one keeps at most this fraction of the clustered
#: block's weight (as a multiplier: its variance is at most this squared).
BLOCK_BACKGROUND = 0.5
#: The contact habits' weight beside the answers when both or neither are clustered (as a
#: multiplier of the answers' total: the encoding before issue 18 gave them half the traits').
CONTACT_SHARE = 0.5
#: The other block "follows" a clustered block's groups when that partition explains at least this
#: share of it (adjusted R^2, :func:`explained`): the two then agree and neither steps back.
BLOCK_CONFIRMED = 0.05
BLOCK_SAMPLE = 800


def _subsample(n: int, size: int, seed: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def _soft(values: np.ndarray, delta: float) -> np.ndarray:
    return np.sign(values) * np.maximum(np.abs(values) - delta, 0.0)


def l1_weights(scores: np.ndarray, s: float) -> np.ndarray:
    """The non-negative unit-L2 vector maximising ``w . scores`` with ``|w|_1 <= s`` (binary search
    of the soft threshold, as in Witten & Tibshirani)."""
    scores = np.maximum(scores, 0.0)
    if not np.any(scores > 0):
        return np.full(len(scores), 1.0 / np.sqrt(len(scores)))

    def unit(delta: float) -> np.ndarray:
        w = _soft(scores, delta)
        norm = np.linalg.norm(w)
        return w / norm if norm > 0 else w

    w = unit(0.0)
    if w.sum() <= s:
        return w
    low, high = 0.0, float(scores.max())
    for _ in range(50):
        mid = (low + high) / 2
        if unit(mid).sum() > s:
            low = mid
        else:
            high = mid
    return unit(high)


def between_ss(X: np.ndarray, labels: np.ndarray, index: list[np.ndarray]) -> np.ndarray:
    """Between-cluster sum of squares of each variable (its columns added), per row."""
    total = ((X - X.mean(axis=0)) ** 2).sum(axis=0)
    within = np.zeros(X.shape[1])
    for value in np.unique(labels):
        part = X[labels == value]
        within += ((part - part.mean(axis=0)) ** 2).sum(axis=0)
    per_column = (total - within) / X.shape[0]
    return np.array([per_column[cols].sum() for cols in index])


def _linear_relevance(X: np.ndarray, cols: np.ndarray) -> float:
    """Adjusted R^2 of the variable's columns (together) regressed on every other column."""
    others = np.setdiff1d(np.arange(X.shape[1]), cols)
    n, q = X.shape[0], len(others)
    own = X[:, cols] - X[:, cols].mean(axis=0)
    total = float((own ** 2).sum())
    if q == 0 or total <= 0 or n <= q + 2:
        return 0.0
    design = np.column_stack([np.ones(n), X[:, others]])
    coef, *_ = np.linalg.lstsq(design, X[:, cols], rcond=None)
    residual = float(((X[:, cols] - design @ coef) ** 2).sum())
    r2 = 1.0 - residual / total
    return max(0.0, 1.0 - (1.0 - r2) * (n - 1) / (n - q - 1))


class FeatureWeights(BaseEstimator):
    """Sparse k-means weights of the variables, tuned by the permutation gap.

    ``fit(X, variables)``: ``X`` the encoded matrix (each variable at unit total variance),
    ``variables`` the variable of each column. Learnt: ``weights_`` (variable -> multiplier of its
    columns, the square root of the sparse k-means weight, scaled so that the largest is one),
    ``s_`` the chosen L1 bound, ``gaps_`` the gap of every bound tried.
    """

    def __init__(self, n_clusters: int = 6, random_state: int = 0, method: str = "relevance",
                 n_permutations: int = 5, n_bounds: int = 8, iterations: int = 3, sample: int = LEARN_SAMPLE):
        self.n_clusters = n_clusters
        self.method = method
        self.random_state = random_state
        self.n_permutations = n_permutations
        self.n_bounds = n_bounds
        self.iterations = iterations
        self.sample = sample

    def _sparse(self, X: np.ndarray, index: list[np.ndarray], s: float) -> tuple[np.ndarray, float]:
        """Sparse k-means at bound ``s``: the variables' weights and the weighted between-SS."""
        from .methods import WardKMeansMethod

        w = np.full(len(index), 1.0 / np.sqrt(len(index)))
        expand = np.zeros(X.shape[1], dtype=int)
        for v, cols in enumerate(index):
            expand[cols] = v
        objective = 0.0
        for _ in range(self.iterations):
            scaled = X * np.sqrt(w)[expand][None, :]
            with threadpool_limits(1):
                labels = WardKMeansMethod(n_clusters=self.n_clusters, random_state=self.random_state,
                                          max_iter=100).fit(scaled).labels_
            bss = between_ss(X, labels, index)
            new = l1_weights(bss, s)
            objective = float(new @ bss)
            if np.abs(new - w).sum() / max(np.abs(w).sum(), 1e-12) < 1e-4:
                w = new
                break
            w = new
        return w, objective

    def _relevance(self, X: np.ndarray, names: list[str], index: list[np.ndarray]):
        """Each variable's relevance: how much of it the *other* variables explain, linearly
        (adjusted R^2 of a regression on their columns: items of one trait, shares and volume of
        contacts confirm each other) or through their partition (adjusted R^2 on the clusters of
        the others, weighted by the linear relevance: profiles that differ on several traits).
        The multiplier is the square root of a variable's share of the largest relevance. A
        variable that no other confirms (a stray count, a random category, an item that measures
        nothing) gets none, however clustered it looks on its own."""
        from .methods import WardKMeansMethod

        n, k = X.shape[0], self.n_clusters
        linear = np.array([_linear_relevance(X, cols) for cols in index])
        weight = np.sqrt(linear / linear.max()) if linear.max() > 0 else np.ones(len(names))
        column_factor = np.ones(X.shape[1])
        for v, cols in enumerate(index):
            column_factor[cols] = weight[v]
        partition = np.zeros(len(names))
        for v, cols in enumerate(index):
            others = np.setdiff1d(np.arange(X.shape[1]), cols)
            scaled = X[:, others] * column_factor[others][None, :]
            if not np.any(scaled.std(axis=0) > 1e-12):
                continue
            with threadpool_limits(1):
                labels = WardKMeansMethod(n_clusters=k, random_state=self.random_state, max_iter=100).fit(scaled).labels_
            own = X[:, cols]
            total = float(((own - own.mean(axis=0)) ** 2).sum())
            between = float(between_ss(own, labels, [np.arange(len(cols))])[0]) * n
            r2 = between / total if total > 0 else 0.0
            partition[v] = max(0.0, 1.0 - (1.0 - r2) * (n - 1) / (n - k))
        relevance = np.maximum(linear, partition)
        top = relevance.max()
        multiplier = np.sqrt(relevance / top) if top > 0 else np.ones(len(names))
        return ({name: float(m) for name, m in zip(names, multiplier)},
                {name: round(float(r), 4) for name, r in zip(names, relevance)})

    @staticmethod
    def _multipliers(names: list[str], w: np.ndarray) -> dict[str, float]:
        multiplier = np.sqrt(w / w.max()) if w.max() > 0 else np.ones(len(names))
        return {name: float(m) for name, m in zip(names, multiplier)}

    def fit(self, X: np.ndarray, variables: list[str]):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(variables):
            raise ValueError("variables must name the variable of every column of X")
        names = list(dict.fromkeys(variables))
        index = [np.array([j for j, v in enumerate(variables) if v == name]) for name in names]
        rows = _subsample(X.shape[0], self.sample, self.random_state)
        X = X[rows]
        p = len(names)
        if self.method == "relevance" and p > 1 and X.shape[0] > 2 * self.n_clusters:
            self.weights_, self.relevance_ = self._relevance(X, names, index)
            self.s_, self.gaps_ = None, {}
            return self
        if p == 1 or X.shape[0] <= self.n_clusters:
            self.weights_, self.s_, self.gaps_ = {names[0] if p == 1 else n: 1.0 for n in names}, float(np.sqrt(p)), {}
            return self
        if self.n_bounds <= 1:  # no sparsity: weights in proportion to each variable's between-SS
            w, _ = self._sparse(X, index, float(np.sqrt(p)))
            self.weights_ = self._multipliers(names, w)
            self.s_, self.gaps_ = float(np.sqrt(p)), {}
            return self
        bounds = np.unique(np.round(np.linspace(1.1, np.sqrt(p), self.n_bounds), 4))
        rng = np.random.default_rng(self.random_state + 11)
        permuted = [np.column_stack([X[rng.permutation(X.shape[0]), j] for j in range(X.shape[1])])
                    for _ in range(self.n_permutations)]
        gaps, sds, found = {}, {}, {}
        for s in bounds:
            w, objective = self._sparse(X, index, float(s))
            null = [np.log(max(self._sparse(Xp, index, float(s))[1], 1e-12)) for Xp in permuted]
            gaps[float(s)] = float(np.log(max(objective, 1e-12)) - np.mean(null))
            sds[float(s)] = float(np.std(null))
            found[float(s)] = w
        best = max(gaps, key=gaps.get)
        chosen = min(s for s in gaps if gaps[s] >= gaps[best] - sds[best])
        self.weights_ = self._multipliers(names, found[chosen])
        self.s_ = float(chosen)
        self.gaps_ = {round(s, 4): round(g, 4) for s, g in gaps.items()}
        return self


def block_evidence(X: np.ndarray, max_k: int, seed: int) -> tuple[float, np.ndarray | None, np.ndarray]:
    """How clustered a block of columns is on its own: its silhouette above a copula reference of
    the same block (the verdict's reference, :func:`clustering.selection.copula_reference`) at the
    k (2 to ``max_k``) where that excess is largest; with the partition at that k and the rows
    (a fixed subsample) it labels. The partition is None when the block cannot be clustered."""
    from sklearn.metrics import silhouette_score

    from .methods import fit_range
    from .selection import reference_figures

    rows = _subsample(X.shape[0], BLOCK_SAMPLE, seed + 5)
    X = X[rows]
    ks = [k for k in range(2, max_k + 1) if k < len(X) // 4]
    if X.shape[1] == 0 or not ks or not np.any(X.std(axis=0) > 1e-12):
        return 0.0, None, rows
    with threadpool_limits(1):
        fitted = fit_range("default", X, None, ks, seed)
    own = {k: float(silhouette_score(X, fitted[k].labels_)) if len(np.unique(fitted[k].labels_)) > 1 else -1.0
           for k in ks}
    null = reference_figures(X, ks, seed, "copula", draws=2)
    excess = {k: own[k] - null[k]["validity"] for k in ks if np.isfinite(null[k]["validity"])}
    if not excess:
        return 0.0, None, rows
    best = max(excess, key=excess.get)
    return float(excess[best]), fitted[best].labels_, rows


def explained(X: np.ndarray, labels: np.ndarray) -> float:
    """Adjusted R^2 of a block's columns (together) on a partition of the respondents: how much of
    the block the partition accounts for."""
    n, k = X.shape[0], len(np.unique(labels))
    total = float(((X - X.mean(axis=0)) ** 2).sum())
    if total <= 0 or k < 2 or n <= k:
        return 0.0
    r2 = float(between_ss(X, labels, [np.arange(X.shape[1])])[0]) * n / total
    return max(0.0, 1.0 - (1.0 - r2) * (n - 1) / (n - k))

