"""The clustering run end to end: planted groups, k auto, determinism, min size, new waves, real data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score

from clustering.encoding import encode, readable
from clustering.pipeline import assign_new, cluster, split_cluster
from clustering_helpers import planted_survey, statsmodels_survey
from workshop_data.errors import DataError


@pytest.fixture(scope="module")
def planted():
    return planted_survey(240, k=4, seed=11, skip=0.05, weights=True)


@pytest.fixture(scope="module")
def auto_result(planted):
    survey, contacts, _ = planted
    seen = []
    result = cluster(survey, contacts, k="auto", k_range=(2, 6), bootstrap=5, seed=1,
                     progress=lambda f, m: seen.append(f))
    return result, seen


def test_auto_finds_the_planted_groups(planted, auto_result):
    _, _, truth = planted
    result, _ = auto_result
    assert result.settings["k"] == 4
    assert adjusted_rand_score(truth, result.labels) > 0.9
    assert [r["k"] for r in result.k_table] == [2, 3, 4, 5, 6]
    assert sum(r["recommended"] for r in result.k_table) == 1
    assert all({"k", "validity", "null_validity", "gap", "stability", "prediction_strength", "recommended"} <= set(r)
               for r in result.k_table)
    assert all("archetypes" not in r for r in result.k_table)
    assert result.settings["structure"] == "clear"
    assert result.settings["structure_evidence"]["k"] == 4


def test_result_is_complete_and_yaml_able(auto_result):
    result, _ = auto_result
    sizes = [p.size for p in result.profiles]
    assert sizes == sorted(sizes, reverse=True)
    assert [p.cluster for p in result.profiles] == list(range(len(sizes)))
    assert all(p.stability is not None and 0 <= p.stability <= 1 for p in result.profiles)
    assert result.labels.index.name == "respondent_id"
    text = yaml.safe_dump({"model": result.model, "settings": result.settings, "k_table": result.k_table})
    assert yaml.safe_load(text)["model"]["centroids"] == result.model["centroids"]


def test_progress_increases_to_one(auto_result):
    _, seen = auto_result
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(b >= a for a, b in zip(seen, seen[1:]))
    assert len(seen) > 5


def test_forced_k_has_one_row_and_a_verdict(planted):
    survey, contacts, _ = planted
    result = cluster(survey, contacts, k=3, bootstrap=3)
    assert len(result.profiles) == 3 and len(result.k_table) == 1
    assert result.k_table[0]["recommended"] and result.k_table[0]["stability"] is not None
    assert result.settings["structure"] in ("clear", "weak", "none")


def test_prevalence_counts_members_and_the_sample_apart(auto_result):
    result, _ = auto_result
    for profile in result.profiles:
        assert 0 <= profile.prevalence <= profile.size and profile.prevalence_share <= 1
        assert profile.prevalence_sample >= profile.prevalence


def test_small_clusters_are_merged_and_reported(planted):
    survey, contacts, _ = planted
    result = cluster(survey, contacts, k=12, bootstrap=0, min_size=40)
    assert min(p.size for p in result.profiles) >= 40
    assert result.messages and "merged" in result.messages[0]
    assert result.settings["k"] == len(result.profiles) < 12


def test_same_seed_same_labels_other_seed_still_valid(planted):
    survey, contacts, _ = planted
    a = cluster(survey, contacts, k=4, bootstrap=2, seed=3)
    b = cluster(survey, contacts, k=4, bootstrap=2, seed=3)
    pd.testing.assert_series_equal(a.labels, b.labels)
    assert [p.stability for p in a.profiles] == [p.stability for p in b.profiles]


@pytest.mark.parametrize("method", ["kmeans", "gmm", "lca", "kmeans_onehot"])
def test_every_method_runs(planted, method):
    survey, contacts, truth = planted
    result = cluster(survey, contacts, k=4, method=method, bootstrap=0)
    assert len(result.profiles) == 4
    assert adjusted_rand_score(truth, result.labels) > 0.5


def test_split_and_assign_new(planted, auto_result):
    survey, contacts, _ = planted
    result, _ = auto_result
    features = encode(survey, contacts)
    members = result.labels.index[result.labels == 0]
    parts = split_cluster(features, members, seed=0)
    assert set(parts.unique()) == {0, 1} and len(parts) == len(members)
    assert (parts == 0).sum() >= (parts == 1).sum()
    again = assign_new(result.model, survey, contacts)
    assert (again == result.labels).mean() > 0.95
    with pytest.raises(DataError):
        split_cluster(features, ["nobody"])


def test_bad_arguments_are_domain_errors(planted):
    survey, contacts, _ = planted
    with pytest.raises(DataError):
        cluster(survey, contacts, method="magic")
    with pytest.raises(DataError):
        cluster(survey, contacts, k=0)


@pytest.mark.parametrize("name", ["anes96", "fair"])
def test_real_public_survey_with_inferred_codebook(name):
    survey = statsmodels_survey(name, n=600)
    first = cluster(survey, k="auto", bootstrap=3, seed=0)
    second = cluster(survey, k="auto", bootstrap=3, seed=0)
    assert 3 <= len(first.profiles) <= 8
    assert min(p.size for p in first.profiles) >= 10
    pd.testing.assert_series_equal(first.labels, second.labels)
    assert np.isfinite([p.share for p in first.profiles]).all()


@pytest.mark.parametrize("name", ["anes96", "fair"])
def test_real_public_survey_through_a_drafted_codebook_gives_a_workshop_or_says_it_cannot(name, tmp_path):
    """codebook then cluster --k auto, as a workgroup would: 3 to 8 personas that reproduce
    (bootstrap Jaccard >= 0.6 each) when the verdict is clear, else a verdict that says they don't;
    names in words, never a bare column code."""
    import statsmodels.api as sm

    from personas.build import build_workshop
    from workshop_data.codebook import save_codebook
    from workshop_data.infer import infer_codebook
    from workshop_data.intake import load_inputs
    from workshop_data.readers import read_table

    path = tmp_path / f"{name}.csv"
    getattr(sm.datasets, name).load_pandas().data.to_csv(path, index=False)
    save_codebook(infer_codebook(read_table(path)), tmp_path / "codebook.yaml")
    inputs = load_inputs(path, tmp_path / "codebook.yaml", None)
    ws = build_workshop(inputs.survey, None, k="auto", bootstrap=10, seed=0, lang="en")
    assert 3 <= len(ws.personas) <= 8
    verdict = ws.settings["structure"]
    assert verdict in ("clear", "weak", "none")
    if verdict == "clear":
        assert all(p.stability >= 0.6 for p in ws.personas)
    codes = [c for c in inputs.survey.data.columns if readable(c).lower() != c.lower()]  # e.g. TVnews, rate_marriage
    assert codes
    for persona in ws.personas:
        assert persona.archetype is None
        assert "trait:" not in persona.name and "=" not in persona.name and "_" not in persona.name
        assert not any(code in persona.name for code in codes), persona.name
        assert persona.story and "trait." not in persona.story


def test_clustering_never_imports_the_persona_layer():
    from pathlib import Path

    import clustering

    folder = Path(clustering.__file__).resolve().parent
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import personas" not in text and "from personas" not in text, path.name
