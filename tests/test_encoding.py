"""Encoding: groups balanced, skipped answers kept, reversed items, weights, new waves, any survey."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from clustering.encoding import encode, encode_with_state
from clustering_helpers import planted_survey, statsmodels_survey
from workshop_data.codebook import Codebook, ColumnSpec, DimensionSpec
from workshop_data.reports import PrivacyReport, QualityReport
from workshop_data.survey import Survey


def _survey(data: dict, columns: dict, weights=None) -> Survey:
    index = pd.Index([f"r{i}" for i in range(len(next(iter(data.values()))))], name="respondent_id")
    frame = pd.DataFrame(data, index=index)
    for name, spec in columns.items():
        if spec.type == "categorical":
            frame[name] = frame[name].astype("string")
    w = np.ones(len(index)) if weights is None else np.asarray(weights, dtype=float)
    return Survey(frame, pd.Series(w / w.mean(), index=index), Codebook("id", columns),
                  {"role": "survey"}, PrivacyReport(), QualityReport())


def test_matrix_is_finite_and_grouped():
    survey, contacts, _ = planted_survey(120, seed=1, skip=0.2)
    fm = encode(survey, contacts)
    assert fm.X.shape == (120, len(fm.columns))
    assert np.isfinite(fm.X).all()
    assert set(fm.groups.values()) == {"traits", "answers", "contacts"}
    assert list(fm.respondent_ids) == list(survey.data.index)
    assert fm.trait_scores.notna().all().all()
    assert ((fm.trait_scores >= 0) & (fm.trait_scores <= 100)).all().all()


def test_no_group_swamps_the_others():
    survey, contacts, _ = planted_survey(200, seed=2)
    fm = encode(survey, contacts, group_weights={"traits": 1.0, "answers": 1.0, "contacts": 1.0})
    variance = {g: sum(fm.X[:, j].var() for j, c in enumerate(fm.columns) if fm.groups[c] == g)
                for g in ("traits", "answers", "contacts")}
    assert variance["traits"] == pytest.approx(1.0, rel=1e-6)
    assert variance["answers"] == pytest.approx(1.0, rel=1e-6)
    assert variance["contacts"] == pytest.approx(1.0, rel=1e-6)


def test_reversed_item_points_the_same_way_and_skips_are_kept():
    agree = ["1", "2", "3", "4", "5"]
    cols = {"a": ColumnSpec("a", "likert", levels=agree, dimension="trust"),
            "b": ColumnSpec("b", "likert", levels=agree, dimension="trust", reverse=True)}
    survey = _survey({"a": [5.0, 1.0, np.nan, np.nan], "b": [1.0, 5.0, 1.0, np.nan]}, cols)
    fm = encode(survey)
    scores = fm.trait_scores["trust"].to_numpy()
    assert scores[0] == pytest.approx(100.0)
    assert scores[1] == pytest.approx(0.0)
    assert scores[2] == pytest.approx(100.0)          # one item answered: its score
    assert scores[3] == pytest.approx(np.mean(scores[:3]))  # none answered: the mean
    assert len(fm.respondent_ids) == 4


def test_survey_weights_enter_imputed_means():
    cols = {"a": ColumnSpec("a", "likert", scale=(1, 5), dimension="trust")}
    survey = _survey({"a": [1.0, 5.0, np.nan]}, cols, weights=[3.0, 1.0, 1.0])
    fm = encode(survey)
    assert fm.trait_scores["trust"].iloc[2] == pytest.approx(25.0)


def test_new_wave_is_encoded_identically():
    survey, contacts, _ = planted_survey(150, seed=3)
    fm = encode(survey, contacts)
    state = yaml.safe_load(yaml.safe_dump(fm.state, allow_unicode=True))
    again = encode_with_state(survey, contacts, state)
    np.testing.assert_allclose(again.X, fm.X)
    assert again.columns == fm.columns


def test_unseen_category_is_all_zeros_in_a_new_wave():
    cols = {"town": ColumnSpec("town", "categorical", role="basis"), "x": ColumnSpec("x", "numeric")}
    first = _survey({"town": ["A", "B", "A", "B"], "x": [1.0, 2.0, 3.0, 4.0]}, cols)
    fm = encode(first)
    second = _survey({"town": ["C"], "x": [2.0]}, cols)
    again = encode_with_state(second, None, fm.state)
    raw = again.raw[["town=A", "town=B"]].to_numpy()
    assert (raw == 0).all()


def test_categorical_only_and_numeric_only_surveys():
    cat = _survey({"c": ["x", "y", "x", "z"]}, {"c": ColumnSpec("c", "categorical")})
    fm = encode(cat)
    assert fm.X.shape[1] == 3 and fm.trait_scores.shape[1] == 0
    num = _survey({"n": [1.0, 2.0, 100.0, np.nan]}, {"n": ColumnSpec("n", "numeric")})
    fm = encode(num)
    assert fm.X.shape == (4, 1) and np.isfinite(fm.X).all()


def test_inferred_codebook_uses_items_as_traits():
    survey = statsmodels_survey("anes96", n=200)
    fm = encode(survey)
    assert set(fm.trait_scores.columns) == {"selfLR", "ClinLR", "DoleLR", "PID"}  # educ, age, income: descriptors
    assert np.isfinite(fm.X).all()


def test_frame_has_ids_encoded_columns_and_scores():
    survey, contacts, _ = planted_survey(50, seed=4)
    frame = encode(survey, contacts).frame()
    assert frame.columns[0] == "respondent_id"
    assert "score_awareness" in frame.columns and "count_phone" in frame.columns
    assert "share_phone" not in frame.columns  # the shares describe; the counts are clustered (issue 18)
    assert len(frame) == 50


def test_no_usable_column_is_refused():
    from workshop_data.errors import DataError

    const = _survey({"n": [1.0, 1.0, 1.0]}, {"n": ColumnSpec("n", "numeric")})
    with pytest.raises(DataError):
        encode(const)


def test_descriptors_never_enter_the_matrix():
    agree = ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord"]
    cols = {"sexe": ColumnSpec("sexe", "categorical"),
            "age": ColumnSpec("age", "numeric", role="descriptor"),
            "q": ColumnSpec("q", "likert", levels=agree),
            "canal": ColumnSpec("canal", "categorical")}
    survey = _survey({"sexe": ["F", "H", "F", "H"], "age": [20.0, 40.0, 60.0, 80.0], "q": [1.0, 2.0, 3.0, 4.0],
                      "canal": ["web", "tel", "web", "tel"]}, cols)
    fm = encode(survey)
    assert cols["sexe"].role == "descriptor"
    assert not [c for c in fm.columns if c.startswith(("sexe", "age"))]
    assert "trait:q" in fm.columns and "canal=web" in fm.columns


def test_custom_dimension_takes_its_label_from_the_codebook():
    cols = {"a": ColumnSpec("a", "likert", scale=(1, 5), dimension="tri_dechets"),
            "b": ColumnSpec("b", "likert", scale=(1, 5), dimension="tri_dechets"),
            "c": ColumnSpec("c", "likert", scale=(1, 5), dimension="sans_mots"),
            "d": ColumnSpec("d", "likert", scale=(1, 5), dimension="trust")}
    survey = _survey({k: [1.0, 3.0, 5.0, 2.0] for k in cols}, cols)
    survey.codebook.dimensions = {"tri_dechets": DimensionSpec("tri_dechets", label={"fr": "Tri des déchets",
                                                                                      "en": "Waste sorting"})}
    fm = encode(survey)
    assert fm.labels["trait:tri_dechets"] == {"fr": "Tri des déchets", "en": "Waste sorting"}
    assert fm.labels["trait:sans_mots"] == {"fr": "Sans mots", "en": "Sans mots"}
    assert fm.labels["trait:trust"] == {"fr": "Confiance", "en": "Trust"}
