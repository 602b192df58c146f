"""Variables weighed by the structure they carry: a stray column weighs nothing, confirmed ones all."""
from __future__ import annotations

import numpy as np

from clustering.weights import FeatureWeights, l1_weights


def _survey(seed: int = 0, n: int = 900):
    """Three profiles on six items (two traits), a stray count, a random three-way category."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n)
    centres = np.array([[-1.5, 1.0], [1.5, 1.0], [0.0, -1.5]])
    latent = centres[truth] + rng.normal(0, 0.5, (n, 2))
    items = [latent[:, d] + rng.normal(0, 0.6, n) for d in (0, 0, 0, 1, 1, 1)]
    stray = rng.poisson(2.0, n).astype(float)
    category = np.eye(3)[rng.integers(0, 3, n)]
    X = np.column_stack([*items, stray, category])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    X[:, -3:] /= np.sqrt(3)
    variables = [f"q{i}" for i in range(6)] + ["stray", "cat", "cat", "cat"]
    return X, variables


def test_a_stray_number_and_a_random_category_weigh_nothing() -> None:
    X, variables = _survey()
    weights = FeatureWeights(n_clusters=6, random_state=0).fit(X, variables).weights_
    assert min(weights[f"q{i}"] for i in range(6)) > 0.6
    assert weights["stray"] < 0.2 and weights["cat"] < 0.2


def test_same_seed_same_weights() -> None:
    X, variables = _survey(seed=3)
    first = FeatureWeights(n_clusters=5, random_state=2).fit(X, variables).weights_
    again = FeatureWeights(n_clusters=5, random_state=2).fit(X, variables).weights_
    assert first == again


def test_sparse_kmeans_weights_respect_the_l1_bound() -> None:
    w = l1_weights(np.array([5.0, 3.0, 0.5, 0.1]), 1.2)
    assert abs(np.linalg.norm(w) - 1) < 1e-9 and w.sum() <= 1.2 + 1e-6 and w[3] == 0.0
