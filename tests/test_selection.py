"""Choice of k and bootstrap stability."""
from __future__ import annotations

import numpy as np

from clustering.selection import recommend, subsample
from clustering.stability import bootstrap_jaccard
from sklearn.cluster import KMeans


def _row(k, validity, stability=0.9, smin=0.8, archetypes=None):
    return {"k": k, "validity": validity, "stability": stability, "stability_min": smin, "archetypes": archetypes}


def test_most_archetypes_among_stable_k_wins():
    table = [_row(2, 0.30, archetypes=2), _row(5, 0.25, archetypes=5), _row(6, 0.24, archetypes=6),
             _row(7, 0.22, smin=0.4, archetypes=6), _row(8, 0.20, archetypes=6)]
    assert recommend(table) == 6


def test_poor_silhouette_is_not_acceptable():
    table = [_row(2, 0.30, archetypes=2), _row(9, 0.10, archetypes=6)]
    assert recommend(table) == 2


def test_without_archetypes_best_silhouette_among_stable():
    table = [_row(2, 0.30, smin=0.3), _row(3, 0.28), _row(4, 0.29, stability=0.6)]
    assert recommend(table) == 3


def test_nothing_stable_gives_the_most_stable():
    table = [_row(2, 0.3, stability=0.6, smin=0.2), _row(3, 0.2, stability=0.7, smin=0.3)]
    assert recommend(table) == 3


def test_subsample_is_fixed_by_seed():
    np.testing.assert_array_equal(subsample(1000, 100, 3), subsample(1000, 100, 3))
    assert len(subsample(50, 100, 3)) == 50


def _fit_predict(k):
    return lambda X, w: KMeans(k, n_init=3, random_state=0).fit(X, sample_weight=w).labels_


def test_separated_clusters_are_stable_and_a_spurious_split_is_not():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 0.3, (60, 2)), rng.normal(5, 0.3, (60, 2))])
    labels = np.repeat([0, 1], 60)
    stable = bootstrap_jaccard(X, labels, _fit_predict(2), n_boot=10, seed=0)
    assert min(stable.values()) > 0.95
    blob = rng.normal(0, 1, (120, 2))
    split = KMeans(4, n_init=3, random_state=0).fit(blob).labels_
    shaky = bootstrap_jaccard(blob, split, _fit_predict(4), n_boot=10, seed=0)
    assert np.mean(list(shaky.values())) < np.mean(list(stable.values()))
    again = bootstrap_jaccard(blob, split, _fit_predict(4), n_boot=10, seed=0)
    assert again == shaky
