"""Choice of k and bootstrap stability."""
from __future__ import annotations

import numpy as np

import pytest

from clustering.selection import (gaussian_reference, k_table, permutation_reference, recommend, structure_verdict,
                                  subsample)
from clustering.stability import bootstrap_jaccard
from sklearn.cluster import KMeans


def _row(k, gap, gap_sd=0.01, stability=0.9, smin=0.8, validity=0.3, null=0.1, null_sd=0.01):
    return {"k": k, "gap": gap, "gap_sd": gap_sd, "stability": stability, "stability_min": smin,
            "validity": validity, "null_validity": null, "null_validity_sd": null_sd}


def test_the_finest_k_of_the_gap_plateau_whose_every_cluster_reproduces():
    table = [_row(3, 0.20), _row(4, 0.30), _row(5, 0.40), _row(6, 0.405), _row(7, 0.41, smin=0.6), _row(8, 0.30)]
    assert recommend(table) == 6


def test_a_stable_split_that_blurs_the_clusters_is_not_chosen():
    """Issue 18: separation is the silhouette above the reference without structure at the same k;
    a split that keeps less than half the best of it blurs the clusters."""
    table = [_row(5, 0.40, validity=0.34), _row(6, 0.50, validity=0.34), _row(7, 0.505, validity=0.20),
             _row(8, 0.51, validity=0.18)]
    assert recommend(table) == 6


def test_without_a_clearly_stable_k_the_plateau_start_steps_down_to_one_that_reproduces():
    table = [_row(3, 0.20), _row(4, 0.30, smin=0.6), _row(5, 0.40, smin=0.3), _row(6, 0.395, smin=0.4)]
    assert recommend(table) == 4


def test_the_archetype_library_takes_no_part():
    table = [_row(3, 0.20), _row(4, 0.30)]
    assert recommend([{**r, "archetypes": 6 if r["k"] == 3 else 0} for r in table]) == recommend(table)


def test_verdicts():
    assert structure_verdict(_row(5, 0.4, validity=0.30, null=0.12))[0] == "clear"
    assert structure_verdict(_row(5, 0.4, validity=0.13, null=0.12))[0] == "weak"
    assert structure_verdict(_row(5, 0.4, stability=0.55, smin=0.3, validity=0.30, null=0.12))[0] == "none"
    verdict, evidence = structure_verdict(_row(5, 0.4, validity=0.30, null=0.12))
    assert evidence["separation"] == pytest.approx(0.18) and evidence["k"] == 5


def test_the_gaussian_reference_keeps_correlations_and_the_permutation_does_not():
    rng = np.random.default_rng(0)
    X = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=2000)
    kept = np.corrcoef(gaussian_reference(X, rng), rowvar=False)[0, 1]
    lost = np.corrcoef(permutation_reference(X, rng), rowvar=False)[0, 1]
    assert kept > 0.85 and abs(lost) < 0.1


def test_one_correlated_population_is_never_clear_and_separated_groups_are():
    rng = np.random.default_rng(1)
    cov = np.full((6, 6), 0.6) + 0.4 * np.eye(6)
    blob = rng.multivariate_normal(np.zeros(6), cov, size=800)
    table, _, _ = k_table(blob, None, "default", [3, 4, 5], seed=0, bootstrap=5)
    chosen = next(r for r in table if r["recommended"])
    assert structure_verdict(chosen)[0] != "clear"
    centers = rng.uniform(-4, 4, size=(4, 6))
    groups = np.repeat(np.arange(4), 200)
    planted = centers[groups] + rng.normal(0, 0.7, size=(800, 6))
    table, _, _ = k_table(planted, None, "default", [3, 4, 5, 6], seed=0, bootstrap=5)
    chosen = next(r for r in table if r["recommended"])
    assert chosen["k"] == 4 and structure_verdict(chosen)[0] == "clear"
    assert {"validity", "null_validity", "gap", "gap_sd", "stability", "stability_min",
            "prediction_strength"} <= set(chosen)


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
