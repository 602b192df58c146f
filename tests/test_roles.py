"""Roles a survey researcher would give: ids, design columns and demographics, by names and values.

The three files of tests/data/roles/ follow the conventions of published files (the European
Social Survey's and the General Social Survey's short names, a French institute's abbreviations);
their values are random, so only names and values can tell the roles.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workshop_data.codebook import Codebook
from workshop_data.demographics import demographic_kind, demographic_kind_of_values
from workshop_data.infer import infer_codebook
from workshop_data.readers import read_table
from workshop_data.roles import design_kind, is_row_number, weight_preference
from workshop_data.yaml_safe import safe_load_text

DATA = Path(__file__).parent / "data" / "roles"


def draft(name: str) -> Codebook:
    return infer_codebook(read_table(DATA / name))


def clustered(book: Codebook) -> set[str]:
    return {name for name, spec in book.columns.items()
            if spec.type not in ("ignore", "pii", "text") and spec.role == "basis"}


def test_ess_ids_weights_design_and_demographics_never_clustered() -> None:
    book = draft("ess_like.csv")
    assert book.respondent_id == "idno"
    assert book.weight == "pspwght"
    assert clustered(book) == {"ppltrst", "imueclt", "netusoft"}
    for design in ("dweight", "anweight", "stratum", "psu", "prob", "intnum", "inwdds", "inwtm"):
        assert book.columns[design].type == "ignore", design
    for demographic in ("agea", "gndr", "eduyrs", "hinctnta", "domicil", "cntry"):
        assert book.columns[demographic].role == "descriptor", demographic
    assert book.columns["gndr"].type == "categorical"  # codes 1/2 stand for categories


def test_an_edition_code_is_no_personal_data() -> None:
    book = draft("ess_like.csv")
    assert not book.of_type("pii")
    assert book.columns["name"].type == "ignore"
    assert "edition" in book.columns["name"].why["en"]


def test_gss_names_and_values() -> None:
    book = draft("gss_like.csv")
    assert book.respondent_id == "id"
    assert book.weight == "wtssall"
    assert clustered(book) == {"partyid", "natenvir"}
    assert {book.columns[c].type for c in ("year", "vpsu", "vstrat", "ballot")} == {"ignore"}


def test_french_institute_abbreviations() -> None:
    book = draft("insee_like.csv")
    assert book.respondent_id == "ident"
    assert book.weight == "ppond"
    assert book.columns["vague"].type == "ignore"
    assert clustered(book) == {"aisance_internet", "confiance_en_ligne"}
    assert book.columns["q_sexe"].role == "descriptor"


def test_every_column_says_why_in_both_languages_and_the_draft_round_trips() -> None:
    book = draft("ess_like.csv")
    for name, spec in book.columns.items():
        assert spec.why.get("fr") and spec.why.get("en"), name
    assert set(book.why) == {"respondent_id", "weight"}
    again = Codebook.from_dict(safe_load_text(book.to_yaml()))
    assert again.to_dict() == book.to_dict()


def test_a_codebook_without_why_still_loads() -> None:
    book = Codebook.from_dict({"respondent_id": "id", "columns": {"q1": {"type": "likert", "scale": [1, 5]}}})
    assert book.columns["q1"].why == {} and book.why == {}
    assert "why" not in book.to_dict() and "why" not in book.to_dict()["columns"]["q1"]


@pytest.mark.parametrize(("header", "kind"), [
    ("nb_personnes_foyer", "household"), ("nbre_enfants", "household"), ("agea", "age"), ("gndr", "gender"),
    ("eduyrs", "education"), ("hinctnta", "income"), ("rincom16", "income"), ("cs24", "occupation"),
    ("tuu2017", "district"), ("sexornt", "orientation"), ("imueclt", None), ("Q3", None),
    ("Nombre de contacts avec la mairie", None),
])
def test_short_names_of_published_files(header: str, kind: str | None) -> None:
    assert demographic_kind([header]) == kind


@pytest.mark.parametrize(("values", "kind"), [
    (["Homme", "Femme", "Femme"], "gender"), (["M", "F", "Autre"], "gender"), (["Oui", "Non"], None),
    ([str(a) for a in range(18, 90, 2)], "age"), ([str(y) for y in range(1930, 2005, 3)], "age"),
    ([str(v) for v in range(0, 11)] * 3, None),
])
def test_values_that_betray_a_demographic(values: list[str], kind: str | None) -> None:
    assert demographic_kind_of_values(pd.Series(values, dtype="string")) == kind


def test_design_needs_the_values_to_agree() -> None:
    assert design_kind("poids", pd.Series(["0.8", "1.2", "1.1"])) == "weight"
    assert design_kind("poids", pd.Series(["1", "2", "3"])) is None          # a small scale, not a weight
    assert design_kind("wave", pd.Series([str(i) for i in range(100)])) is None  # too many values for an edition
    assert design_kind("Avez-vous eu un entretien d'embauche cette année ?", pd.Series(["Oui", "Non"])) is None
    assert weight_preference("pspwght") < weight_preference("wgt") < weight_preference("dweight")


def test_row_numbers() -> None:
    assert is_row_number(pd.Series([str(i) for i in range(1, 60)]))
    assert is_row_number(pd.Series([f"R-{i:04d}" for i in range(60)]))
    assert not is_row_number(pd.Series([str(1000 * i) for i in range(60)]))  # sparse: amounts, not numbers
    assert not is_row_number(pd.Series([str(i % 5) for i in range(60)]))
