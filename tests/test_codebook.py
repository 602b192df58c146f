"""The codebook model: roles (basis or descriptor), any dimension name, the dimensions block."""
from __future__ import annotations

import copy

import pytest

from workshop_data.codebook import Codebook, ColumnSpec
from workshop_data.errors import CodebookError, DataError
from workshop_data.yaml_safe import safe_load_text

AGREE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord"]
BASE = {
    "respondent_id": "id",
    "columns": {
        "sexe": {"type": "categorical"},
        "age": {"type": "numeric", "label": {"fr": "Âge", "en": "Age"}},
        "q1": {"type": "likert", "levels": AGREE, "label": "Je trie mes déchets"},
        "q2": {"type": "likert", "levels": AGREE, "reverse": True},
        "q3": {"type": "likert", "scale": [1, 5]},
        "note": {"type": "text"},
    },
}


def _book(**changes) -> Codebook:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return Codebook.from_dict(data, file="codebook.yaml")


def test_demographics_default_to_descriptor_and_others_to_basis() -> None:
    book = _book()
    roles = {name: spec.role for name, spec in book.columns.items()}
    assert roles == {"sexe": "descriptor", "age": "descriptor", "q1": "basis", "q2": "basis", "q3": "basis",
                     "note": "basis"}
    assert [spec.name for spec in book.descriptors()] == ["sexe", "age"]


def test_a_declared_role_wins_over_the_header() -> None:
    data = copy.deepcopy(BASE)
    data["columns"]["sexe"]["role"] = "basis"
    data["columns"]["q3"]["role"] = "descriptor"
    book = Codebook.from_dict(data)
    assert (book.columns["sexe"].role, book.columns["q3"].role) == ("basis", "descriptor")


@pytest.mark.parametrize("role", ["descripteur", "Basis", 1, ["basis"], True])
def test_unknown_role_is_refused_naming_column_and_expected_values(role) -> None:
    data = copy.deepcopy(BASE)
    data["columns"]["q1"]["role"] = role
    with pytest.raises(CodebookError) as caught:
        Codebook.from_dict(data, file="codebook.yaml")
    message = str(caught.value)
    assert "column 'q1'" in message and "basis | descriptor" in message and "codebook.yaml" in message


def test_roles_round_trip_and_are_written_explicitly() -> None:
    book = _book()
    written = book.to_dict()
    assert {spec["role"] for spec in written["columns"].values()} == {"basis", "descriptor"}
    assert Codebook.from_dict(safe_load_text(book.to_yaml())).to_dict() == written


def test_spec_built_in_python_gets_its_role_from_header_or_label() -> None:
    assert ColumnSpec("q7", "categorical", label={"fr": "Quartier", "en": "District"}).role == "descriptor"
    assert ColumnSpec("canal", "categorical").role == "basis"
    assert ColumnSpec("genre", "categorical", role="basis").role == "basis"


def test_any_dimension_name_is_accepted_and_labelled_from_the_block() -> None:
    data = copy.deepcopy(BASE)
    data["columns"]["q1"]["dimension"] = "ecologie"
    data["dimensions"] = {"ecologie": {"label": {"fr": "Gestes écologiques", "en": "Green habits"}}}
    book = Codebook.from_dict(data)
    assert [s.name for s in book.by_dimension()["ecologie"]] == ["q1"]
    assert book.dimension_label("ecologie") == {"fr": "Gestes écologiques", "en": "Green habits"}
    assert book.dimension_label("trust") is None


def test_dimensions_block_gives_items_their_dimension_and_round_trips() -> None:
    block = {"tri": {"label": "Tri des déchets", "items": ["q1", "q2"], "alpha": 0.81}}
    book = _book(dimensions=block)
    assert (book.columns["q1"].dimension, book.columns["q2"].dimension) == ("tri", "tri")
    assert book.dimensions["tri"].alpha == pytest.approx(0.81)
    assert book.dimensions["tri"].label == {"fr": "Tri des déchets", "en": "Tri des déchets"}
    written = book.to_dict()
    assert written["dimensions"] == {"tri": {"label": {"fr": "Tri des déchets", "en": "Tri des déchets"},
                                             "items": ["q1", "q2"], "alpha": 0.81}}
    assert Codebook.from_dict(safe_load_text(book.to_yaml())).to_dict() == written


def test_descriptors_make_no_dimension() -> None:
    data = copy.deepcopy(BASE)
    data["columns"]["q3"].update({"dimension": "tri", "role": "descriptor"})
    data["columns"]["q1"]["dimension"] = "tri"
    assert [s.name for s in Codebook.from_dict(data).by_dimension()["tri"]] == ["q1"]


@pytest.mark.parametrize(("block", "fragment"), [
    ({"tri": {"items": ["absent"]}}, "column 'absent'"),
    ({"tri": {"items": ["note"]}}, "likert | numeric | boolean"),
    ({"tri": {"items": "q1"}}, "list of distinct column names"),
    ({"tri": {"items": ["q1", "q1"]}}, "list of distinct column names"),
    ({"tri": {"items": ["q1"], "alpha": 1.5}}, "alpha"),
    ({"tri": {"items": ["q1"], "alpha": "high"}}, "alpha"),
    ({"tri": ["q1"]}, "mapping with label, items and alpha"),
    ({"a b": {"items": ["q1"]}}, "one word"),
    (["tri"], "dimensions must map"),
])
def test_bad_dimensions_block_is_refused(block, fragment: str) -> None:
    with pytest.raises(DataError) as caught:
        _book(dimensions=block)
    assert fragment in str(caught.value)


def test_item_declared_in_two_dimensions_is_refused() -> None:
    data = copy.deepcopy(BASE)
    data["columns"]["q1"]["dimension"] = "trust"
    data["dimensions"] = {"tri": {"items": ["q1"]}}
    with pytest.raises(CodebookError) as caught:
        Codebook.from_dict(data)
    assert "column 'q1'" in str(caught.value) and "trust" in str(caught.value)


@pytest.mark.parametrize("name", ["", "a b", 5, "x" * 61, "trait:x"])
def test_bad_dimension_names_are_refused(name) -> None:
    data = copy.deepcopy(BASE)
    data["columns"]["q1"]["dimension"] = name
    with pytest.raises(CodebookError):
        Codebook.from_dict(data)


def test_dimensions_block_follows_the_columns_after_a_table_edit() -> None:
    from workshop_data.codebook import follow_column_dimensions

    data = copy.deepcopy(BASE)
    data["dimensions"] = {"tri": {"label": "Tri", "items": ["q1", "q2"], "alpha": 0.8}}
    data["columns"]["q1"]["dimension"] = data["columns"]["q2"]["dimension"] = "tri"
    unchanged = Codebook.from_dict(follow_column_dimensions(data))
    assert unchanged.dimensions["tri"].alpha == pytest.approx(0.8)
    data["columns"]["q2"]["dimension"] = "trust"
    book = Codebook.from_dict(follow_column_dimensions(data))
    assert book.dimensions["tri"].items == ["q1"] and book.dimensions["tri"].alpha is None
    assert book.dimensions["tri"].label == {"fr": "Tri", "en": "Tri"}
    assert book.columns["q2"].dimension == "trust"
