"""Methods: one interface, planted groups come back, same seed same labels."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import cut_tree, ward
from sklearn.metrics import adjusted_rand_score

from clustering.encoding import encode
from clustering.methods import METHODS, cut_linkage, fit_range, make_method
from clustering_helpers import planted_survey


@pytest.fixture(scope="module")
def planted():
    survey, contacts, truth = planted_survey(240, k=3, seed=5)
    return encode(survey, contacts), truth


@pytest.mark.parametrize("name", ["default", "kmeans", "gmm", "ward", "kmeans_onehot"])
def test_planted_groups_come_back(planted, name):
    fm, truth = planted
    X = fm.matrix(METHODS[name].input)
    model = make_method(name, 3, 0).fit(X, sample_weight=fm.sample_weight)
    assert model.labels_.shape == (fm.n,)
    assert model.cluster_centers_.shape[0] == 3
    assert adjusted_rand_score(truth, model.labels_) > 0.8
    np.testing.assert_array_equal(model.predict(X), model.predict(X))


def test_latent_class_model_runs_on_answer_codes(planted):
    fm, truth = planted
    X = fm.matrix("items")
    assert np.isnan(X).sum() == 0 or np.nanmax(X) >= 1
    model = make_method("lca", 3, 0).fit(X)
    assert adjusted_rand_score(truth, model.labels_) > 0.6
    assert model.predict(X).shape == (fm.n,)


def test_same_seed_same_labels(planted):
    fm, _ = planted
    a = make_method("default", 4, 7).fit(fm.X, sample_weight=fm.sample_weight).labels_
    b = make_method("default", 4, 7).fit(fm.X, sample_weight=fm.sample_weight).labels_
    np.testing.assert_array_equal(a, b)


def test_fit_range_matches_single_fits(planted):
    fm, _ = planted
    many = fit_range("default", fm.X, fm.sample_weight, [2, 3, 4], 0)
    for k, model in many.items():
        single = make_method("default", k, 0).fit(fm.X, sample_weight=fm.sample_weight)
        np.testing.assert_array_equal(model.labels_, single.labels_)


def test_cut_linkage_equals_scipy_cut_tree():
    X = np.random.default_rng(0).normal(size=(80, 3))
    tree = ward(X)
    for k in (1, 2, 5, 79, 80):
        assert adjusted_rand_score(cut_tree(tree, n_clusters=k).ravel(), cut_linkage(tree, 80, k)) == 1.0
        assert len(np.unique(cut_linkage(tree, 80, k))) == k


def test_bad_parameters_are_refused():
    from workshop_data.errors import DataError

    with pytest.raises(DataError) as info:
        make_method("nope", 3, 0)
    assert info.value.found == "nope" and "kmeans" in info.value.expected
    with pytest.raises(ValueError):
        make_method("kmeans", 5, 0).fit(np.zeros((3, 2)))
