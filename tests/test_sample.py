"""The sample generator plants six recoverable profiles and writes four well-formed files."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from workshop_data.codebook import CHANNELS, DIMENSIONS, load_codebook
from workshop_data.sample import (
    PROFILE_IDS,
    generate_demo,
    profile_parameters,
    read_truth,
    sample_paths,
    write_demo,
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.]?\d{2}){4}")


def recovery_features(demo) -> np.ndarray:
    """Dimension means (0..1, reversed flipped) z-scored, plus log channel counts scaled as one block."""
    survey, codebook = demo.survey, demo.codebook
    dims = {}
    for dim, specs in codebook.by_dimension().items():
        parts = []
        for spec in specs:
            column = survey[spec.name]
            if spec.levels:
                value = column.map({label: i for i, label in enumerate(spec.levels)}).astype(float)
                value = value / (len(spec.levels) - 1)
            else:
                low, high = spec.scale
                value = (column.astype(float) - low) / (high - low)
            parts.append(1 - value if spec.reverse else value)
        dims[dim] = pd.concat(parts, axis=1).mean(axis=1).to_numpy()
    traits = pd.DataFrame(dims)
    traits = StandardScaler().fit_transform(traits.fillna(traits.mean()).to_numpy())
    mapping = codebook.contacts
    log = demo.contacts
    channel = log[mapping.channel].map(mapping.channels)
    ids = survey[codebook.respondent_id].to_numpy()
    counts = pd.crosstab(log[mapping.respondent_id], channel).reindex(index=ids, columns=list(CHANNELS), fill_value=0)
    logs = np.log1p(counts.to_numpy(dtype=float))
    return np.hstack([traits, logs / logs.std()])


def kmeans_ari(demo) -> float:
    with threadpool_limits(1):  # small data: threads only fight over 2 busy CI cores
        labels = KMeans(6, n_init=10, random_state=0).fit_predict(recovery_features(demo))
    return adjusted_rand_score(demo.truth["profile"], labels)


@pytest.fixture(scope="module")
def demo():
    return generate_demo(1500, seed=0)


@pytest.fixture(scope="module")
def demo_ari(demo):
    return kmeans_ari(demo)


def test_profiles_planted_with_unequal_shares(demo):
    shares = demo.truth["profile"].value_counts(normalize=True)
    assert set(shares.index) == set(PROFILE_IDS)
    assert shares.max() - shares.min() > 0.1
    assert abs(shares["agile"] - profile_parameters()["profiles"]["agile"]["share"]) < 0.01
    assert list(demo.truth.columns) == ["respondent_id", "profile"]
    assert demo.truth["respondent_id"].tolist() == demo.survey["id_repondant"].tolist()


def test_codebook_describes_the_survey(demo):
    codebook = demo.codebook
    codebook.check_columns(demo.survey.columns)
    by_dim = codebook.by_dimension()
    assert set(by_dim) == set(DIMENSIONS)
    assert all(len(items) == 3 for items in by_dim.values())
    assert any(spec.reverse for spec in codebook.columns.values())
    assert {spec.n_levels for spec in codebook.of_type("likert")} == {5, 11}
    assert codebook.columns["courriel"].type == "pii"
    assert codebook.columns["commentaire"].type == "text"
    for spec in codebook.of_type("likert"):
        assert set(spec.label) == {"fr", "en"}
        answered = demo.survey[spec.name].dropna()
        if spec.levels:
            assert set(answered) <= set(spec.levels)
        else:
            assert answered.between(*spec.scale).all()
    channels = set(demo.contacts[codebook.contacts.channel])
    assert channels <= set(codebook.contacts.channels)
    assert {"Appel", "Guichet", "Téléservice"} <= channels


def test_skipped_answers_and_pii_in_comments(demo):
    items = [spec.name for spec in demo.codebook.of_type("likert")]
    skipped = demo.survey[items].isna().to_numpy().mean()
    assert 0.02 < skipped < 0.04
    comments = demo.survey["commentaire"].dropna()
    with_pii = comments.str.contains(EMAIL) | comments.str.contains(PHONE)
    assert 0.01 < with_pii.mean() < 0.06
    assert demo.survey["courriel"].str.contains(EMAIL).all()


def test_contacts_follow_profiles(demo):
    mapping = demo.codebook.contacts
    log = demo.contacts.merge(demo.truth, left_on=mapping.respondent_id, right_on="respondent_id")
    log["channel"] = log[mapping.channel].map(mapping.channels)
    per_person = log.groupby("profile").size() / demo.truth["profile"].value_counts()
    assert per_person["poorly_informed"] > 3 * per_person["agile"]
    mix = pd.crosstab(log["profile"], log["channel"], normalize="index")
    assert mix.loc["agile", ["web", "email", "chat"]].sum() > 0.7
    assert mix.loc["disconnected", ["web", "email", "chat"]].sum() == 0
    avoidable = (log[mapping.online_available] == "oui").groupby(log["profile"]).mean()
    assert avoidable["poorly_informed"] > 0.75 > avoidable["agile"]
    stamps = pd.to_datetime(demo.contacts[mapping.timestamp], format="%Y-%m-%d %H:%M:%S")
    assert stamps.min() >= pd.Timestamp("2025-01-01") and stamps.max() < pd.Timestamp("2026-01-01")
    unmatched = ~demo.contacts[mapping.respondent_id].isin(demo.truth["respondent_id"])
    assert 0 < unmatched.sum() < 0.01 * len(demo.contacts)


def test_planted_profiles_are_recoverable(demo_ari):
    assert demo_ari >= 0.9


def test_hard_variant_is_clearly_harder(demo_ari):
    hard = generate_demo(1500, seed=0, noise=1.5, skip_rate=0.15, shares=profile_parameters()["hard_shares"])
    assert kmeans_ari(hard) < demo_ari - 0.03


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = generate_demo(200, seed=3), generate_demo(200, seed=3), generate_demo(200, seed=4)
    pd.testing.assert_frame_equal(first.survey, again.survey)
    pd.testing.assert_frame_equal(first.contacts, again.contacts)
    assert not first.truth["profile"].equals(other.truth["profile"])


def test_write_demo_french(tmp_path, demo):
    paths = write_demo(demo, tmp_path, lang="fr")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.yaml", "contacts.csv", "survey.csv", "truth.csv"]
    raw = paths["survey"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n", 1)[0].decode("utf-8")
    assert header.startswith("id_repondant;tranche_age;")
    back = pd.read_csv(paths["survey"], sep=";", decimal=",", encoding="utf-8-sig")
    assert back["ponderation"].dtype == float
    assert abs(back["ponderation"].mean() - 1) < 0.01
    assert back["aisance_ordinateur"].isna().sum() == demo.survey["aisance_ordinateur"].isna().sum()
    assert paths["truth"].read_text(encoding="utf-8").startswith("respondent_id,profile\n")
    assert read_truth(paths["truth"]).to_dict("list") == demo.truth.to_dict("list")
    assert load_codebook(paths["codebook"]).to_dict() == demo.codebook.to_dict()
    assert not list(tmp_path.glob(".*.tmp"))


def test_write_demo_english(tmp_path):
    demo = generate_demo(120, seed=1, lang="en")
    paths = write_demo(demo, tmp_path, lang="en")
    back = pd.read_csv(paths["survey"], encoding="utf-8")
    assert set(back["aisance_ordinateur"].dropna()) <= {
        "Strongly disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree", "Strongly agree"
    }
    contacts = pd.read_csv(paths["contacts"], encoding="utf-8")
    assert set(contacts["canal_contact"]) <= set(demo.codebook.contacts.channels)
    assert read_truth(paths["truth"])["profile"].isin(PROFILE_IDS).all()


def test_bundled_sample_is_complete_and_small():
    paths = sample_paths()
    assert all(path.is_file() for path in paths.values())
    assert sum(path.stat().st_size for path in paths.values()) < 3_000_000
    truth = read_truth(paths["truth"])
    assert len(truth) == 1500 and set(truth["profile"]) == set(PROFILE_IDS)
    codebook = load_codebook(paths["codebook"])
    survey = pd.read_csv(paths["survey"], sep=";", decimal=",", encoding="utf-8-sig", nrows=5)
    codebook.check_columns(survey.columns)


def test_bad_arguments_refused():
    with pytest.raises(ValueError):
        generate_demo(10, lang="de")
    with pytest.raises(ValueError):
        generate_demo(10, shares={"nobody": 1.0})
