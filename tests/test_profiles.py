"""Profiles: sizes, weighted shares, contact numbers, prevalence, any labelling."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustering.encoding import encode
from clustering.profiles import label_order, profile_clusters
from clustering_helpers import planted_survey


@pytest.fixture(scope="module")
def encoded():
    survey, contacts, truth = planted_survey(200, k=3, seed=8, weights=True)
    return encode(survey, contacts), truth


def test_sizes_shares_and_traits(encoded):
    fm, truth = encoded
    profiles = profile_clusters(fm, truth)
    assert [p.cluster for p in profiles] == [0, 1, 2]
    assert sum(p.size for p in profiles) == 200
    assert sum(p.share for p in profiles) == pytest.approx(1.0)
    for p in profiles:
        member = truth == p.cluster
        w = fm.sample_weight[member.to_numpy()]
        assert p.share == pytest.approx(w.sum() / fm.sample_weight.sum())
        expected = np.average(fm.trait_scores.loc[member, "digital_skill"], weights=w)
        assert p.traits["digital_skill"] == pytest.approx(expected)
        assert set(p.representatives) <= set(truth.index[member])
        assert len(p.centroid) == len(fm.columns)
    # planted: dimension 0 increases with the group number
    assert profiles[0].traits["digital_skill"] < profiles[1].traits["digital_skill"] < profiles[2].traits["digital_skill"]


def test_contact_numbers(encoded):
    fm, truth = encoded
    profiles = profile_clusters(fm, truth, period_days=182.5)
    for p in profiles:
        assert sum(p.channel_mix.values()) == pytest.approx(1.0)
        member = (truth == p.cluster).to_numpy()
        assert p.avoidable_per_year == pytest.approx(fm.contacts["avoidable_contacts"].to_numpy()[member].sum() * 2)
        assert 0 <= p.avoidable_share <= 1 and 0 <= p.repeat_rate <= 1
    assert profiles[0].channel_mix["phone"] < profiles[2].channel_mix["phone"]


def test_distinguishing_and_prevalence(encoded):
    fm, truth = encoded
    profiles = profile_clusters(fm, truth)
    top = profiles[0].distinguishing[0]
    assert abs(top.effect) >= abs(profiles[0].distinguishing[-1].effect)
    assert set(top.label) == {"fr", "en"}
    for p in profiles:
        assert 2 <= len(p.defining_traits) <= 3
        assert all(t.split(":")[1] in ("low", "high") for t in p.defining_traits)
        assert 0 < p.prevalence <= 200
        assert p.prevalence_share == pytest.approx(p.prevalence / p.size)
    low = profiles[0]
    assert "digital_skill:low" in low.defining_traits


def test_string_labels_and_stability(encoded):
    fm, truth = encoded
    labels = truth.map({0: "P10", 1: "P2", 2: "P2"})
    profiles = profile_clusters(fm, labels, stability={"P2": 0.8})
    assert [p.cluster for p in profiles] == ["P2", "P10"]
    assert profiles[0].stability == 0.8 and profiles[1].stability is None
    assert label_order(["P10", "P2", "P1"]) == ["P1", "P2", "P10"]


def test_without_contacts_and_traits():
    survey, _, truth = planted_survey(60, k=2, seed=9)
    cat = survey.data[["ville"]]
    survey.codebook.columns = {"ville": survey.codebook.columns["ville"]}
    survey.data = cat
    fm = encode(survey)
    profiles = profile_clusters(fm, pd.Series(truth.to_numpy(), index=truth.index))
    assert profiles[0].channel_mix == {} and profiles[0].contacts_per_person == 0
    assert profiles[0].defining_traits and "=" in profiles[0].defining_traits[0]


def test_traits_that_do_not_vary_are_not_defining():
    survey, _, truth = planted_survey(60, k=2, seed=9)
    for column in [c for c in survey.data.columns if c.startswith("q")]:
        survey.data[column] = 3.0
    fm = encode(survey)
    profiles = profile_clusters(fm, pd.Series(truth.to_numpy(), index=truth.index))
    for p in profiles:
        assert not any(t.split(":")[0] in fm.trait_scores.columns for t in p.defining_traits), p.defining_traits
        assert p.defining_traits and p.prevalence < len(truth)


def test_prevalence_counts_members_and_whole_sample_apart(encoded):
    fm, truth = encoded
    for p in profile_clusters(fm, truth):
        assert 0 <= p.prevalence <= p.size and p.prevalence_share == pytest.approx(p.prevalence / p.size)
        assert p.prevalence_sample >= p.prevalence


def test_descriptors_are_profiled_against_the_whole_sample():
    import dataclasses

    survey, contacts, truth = planted_survey(200, k=3, seed=8)
    spec = survey.codebook.columns["ville"]
    if "role" in {f.name for f in dataclasses.fields(spec)}:
        survey.codebook.columns["ville"] = dataclasses.replace(spec, role="descriptor")
    else:  # the codebook's role field lands on another branch; the encoding reads it with getattr
        spec.role = "descriptor"
    fm = encode(survey, contacts)
    assert fm.descriptor_specs["ville"]["kind"] == "categorical"
    profiles = profile_clusters(fm, truth)
    for p in profiles:
        item = p.descriptors["ville"]
        assert item["label"] == {"fr": "Ville", "en": "Town"}
        assert sum(item["persona"].values()) == pytest.approx(1.0) and sum(item["sample"].values()) == pytest.approx(1.0)
        member = (truth == p.cluster).to_numpy()
        expected = float((survey.data["ville"].to_numpy()[member] == "Nord").mean())
        assert item["persona"].get("Nord", 0.0) == pytest.approx(expected, abs=1e-4)
    part = fm.subset(np.arange(10))
    assert len(part.descriptors) == 10
