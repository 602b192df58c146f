"""load_survey: typed, scrubbed data, or a DataError saying which column, which rows, what was expected."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from intake_helpers import AGREE5, write_french_export
from workshop_data.codebook import Codebook, load_codebook
from workshop_data.errors import CodebookError, DataError
from workshop_data.survey import Survey, load_survey

DATA = Path(__file__).parent / "data" / "intake"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:(?:\+|00)33\s?|0)[1-9](?:[\s.\-]?\d{2}){4}")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_french_export(tmp_path_factory.mktemp("survey") / "export.csv", n=200, seed=5)


@pytest.fixture(scope="module")
def survey(export: Path) -> Survey:
    return load_survey(export)


def _csv(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _book(data: dict) -> Codebook:
    return Codebook.from_dict(data)


def test_typed_output(survey: Survey, export: Path) -> None:
    data = survey.data
    assert data.index.name == "respondent_id"
    assert data.index.is_unique and all(isinstance(i, str) for i in data.index)
    assert len(data) == 200
    q1 = "Q1. Je me sens à l'aise avec un ordinateur"
    assert data[q1].dtype == np.float64
    assert set(data[q1].dropna().unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert data["Q8. Sur une échelle de 0 à 10, recommanderiez-vous le portail ?"].max() <= 10
    assert str(data["Q12. Avez-vous un accès à internet à domicile ?"].dtype) == "boolean"
    assert isinstance(data["Quartier"].dtype, pd.StringDtype)
    assert data["Revenu mensuel du foyer (€)"].dtype == np.float64
    assert data["Revenu mensuel du foyer (€)"].min() >= 900
    assert survey.weights.index.equals(data.index)
    assert survey.weights.mean() == pytest.approx(1.0)
    assert survey.source == {
        "role": "survey", "name": "export.csv", "sha256": hashlib.sha256(export.read_bytes()).hexdigest(), "rows": 200,
    }
    assert "Date de soumission" not in data and "ID de la réponse" not in data and "Pondération" not in data


def test_likert_positions_follow_the_levels(tmp_path: Path) -> None:
    rows = "".join(f"r{i};{AGREE5[i % 5]};{i % 7 + 1}\n" for i in range(25))
    path = _csv(tmp_path, "id;accord;note\n" + rows + "r99;Ne sait pas;\n")
    book = _book({"respondent_id": "id", "columns": {
        "accord": {"type": "likert", "levels": AGREE5}, "note": {"type": "likert", "scale": [1, 7]}}})
    survey = load_survey(path, book)
    assert survey.data.loc["r0", "accord"] == 1.0
    assert survey.data.loc["r4", "accord"] == 5.0
    assert np.isnan(survey.data.loc["r99", "accord"])
    assert survey.data.loc["r6", "note"] == 7.0
    assert survey.quality.skipped == {"accord": 1, "note": 1}
    assert survey.quality.made_missing == {}


def test_pii_never_reaches_the_data(survey: Survey) -> None:
    assert not {"Adresse e-mail", "Téléphone", "Nom"} & set(survey.data.columns)
    for column in survey.data.columns:
        values = survey.data[column].dropna().astype(str)
        assert not values.str.contains(EMAIL).any(), column
        assert not values.str.contains(PHONE).any(), column
    removed = {item["column"]: item["reason"] for item in survey.privacy.removed_columns}
    assert set(removed) == {"Adresse e-mail", "Téléphone", "Nom"}
    assert removed["Adresse e-mail"] == "values are e-mail addresses"
    assert survey.privacy.scrubbed["email"] > 0 and survey.privacy.scrubbed["phone"] > 0
    assert survey.data["Commentaires"].str.contains(r"\[courriel\]", regex=True).any()
    assert survey.codebook.columns["Adresse e-mail"].type == "pii"
    report = str(survey.privacy.to_dict())
    assert not EMAIL.search(report) and not PHONE.search(report)


def test_detected_pii_is_dropped_even_when_the_codebook_calls_it_text(tmp_path: Path) -> None:
    rows = "".join(f"{i};user{i}@example.org;bien\n" for i in range(30))
    path = _csv(tmp_path, "id;contact;avis\n" + rows)
    book = _book({"respondent_id": "id", "columns": {"contact": "text", "avis": "categorical"}})
    survey = load_survey(path, book)
    assert list(survey.data.columns) == ["avis"]
    assert survey.privacy.removed_columns == [
        {"column": "contact", "reason": "values are e-mail addresses", "kind": "email"}]


def test_declared_pii_is_dropped(tmp_path: Path) -> None:
    rows = "".join(f"{i};x{i};bien\n" for i in range(30))
    path = _csv(tmp_path, "id;code_secret;avis\n" + rows)
    survey = load_survey(path, _book({"respondent_id": "id", "columns": {"code_secret": "pii", "avis": "categorical"}}))
    assert list(survey.data.columns) == ["avis"]
    assert survey.privacy.removed_columns == [
        {"column": "code_secret", "reason": "declared as personal data in the codebook", "kind": "declared"}]


# --- bad inputs ---------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        load_survey(tmp_path / "absent.csv")


@pytest.mark.parametrize(
    ("name", "message"),
    [("empty.csv", "the file is empty"), ("header_only.csv", "no data rows"), ("binary.csv", "binary file"),
     ("ragged.csv", "do not have the same number of fields")],
)
def test_bad_files(name: str, message: str) -> None:
    with pytest.raises(DataError) as info:
        load_survey(DATA / name, min_respondents=1)
    assert message in info.value.message
    assert info.value.file == name


def test_duplicate_ids_name_the_rows() -> None:
    with pytest.raises(DataError) as info:
        load_survey(DATA / "duplicate_ids.csv", min_respondents=1)
    err = info.value
    assert err.column == "id"
    assert err.rows == [1, 2, 3, 5]
    assert "appear more than once" in err.message
    assert err.found == "1, 2"
    assert "rows 1, 2, 3, 5" in str(err)


def test_missing_ids_name_the_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id;q\n1;Oui\n;Non\n3;Oui\n")
    book = _book({"respondent_id": "id", "columns": {"q": "boolean"}})
    with pytest.raises(DataError) as info:
        load_survey(path, book, min_respondents=1)
    assert (info.value.column, info.value.rows) == ("id", [2])
    assert "no respondent id" in info.value.message


def test_codebook_naming_absent_columns() -> None:
    book = load_codebook(DATA / "codebook_absent.yaml")
    with pytest.raises(CodebookError) as info:
        load_survey(DATA / "out_of_scale.csv", book, min_respondents=1)
    assert "poids" in info.value.message and "Q2 absente" in info.value.message
    assert info.value.column == "poids"
    assert info.value.file == "out_of_scale.csv"


def test_value_outside_the_declared_scale() -> None:
    book = load_codebook(DATA / "codebook_small.yaml")
    with pytest.raises(DataError) as info:
        load_survey(DATA / "out_of_scale.csv", book, min_respondents=1)
    err = info.value
    assert err.column == "Q1 Satisfaction"
    assert err.rows == [3]
    assert err.expected == "a number from 1 to 5"
    assert err.found == "9"
    assert str(err) == (
        "out_of_scale.csv, column 'Q1 Satisfaction', row 3: 1 value does not fit the declared likert type "
        "(expected a number from 1 to 5; found '9')"
    )


def test_value_outside_the_scale_read_leniently() -> None:
    book = load_codebook(DATA / "codebook_small.yaml")
    survey = load_survey(DATA / "out_of_scale.csv", book, lenient=True, min_respondents=1)
    assert np.isnan(survey.data.loc["3", "Q1 Satisfaction"])
    assert survey.data.loc["4", "Q1 Satisfaction"] == 2.0
    assert survey.quality.made_missing == {"Q1 Satisfaction": 1}
    assert "Q1 Satisfaction" not in survey.quality.skipped
    warning = survey.quality.warnings[0]
    assert (warning.column, warning.rows, warning.count) == ("Q1 Satisfaction", [3], 1)
    assert "read as missing" in str(warning)


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ({"type": "numeric"}, "beaucoup", "a number"),
        ({"type": "boolean"}, "peut-être", "yes or no"),
        ({"type": "likert", "levels": AGREE5}, "Moyennement", "one of the levels"),
        ({"type": "categorical", "levels": ["A", "B"]}, "C", "one of: A | B"),
    ],
)
def test_value_not_fitting_its_type(tmp_path: Path, spec: dict, value: str, expected: str) -> None:
    good = {"numeric": "3,5", "boolean": "oui", "likert": AGREE5[1], "categorical": "a"}[spec["type"]]
    path = _csv(tmp_path, "id;q\n" + "".join(f"{i};{good}\n" for i in range(5)) + f"9;{value}\n")
    book = _book({"respondent_id": "id", "columns": {"q": spec}})
    with pytest.raises(DataError) as info:
        load_survey(path, book, min_respondents=1)
    assert (info.value.column, info.value.rows) == ("q", [6])
    assert info.value.expected.startswith(expected)


def test_entirely_empty_column_is_a_warning(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id;q;vide\n" + "".join(f"{i};{i % 5 + 1};\n" for i in range(25)))
    book = _book({"respondent_id": "id", "columns": {"q": {"type": "likert", "scale": [1, 5]}, "vide": "numeric"}})
    survey = load_survey(path, book)
    assert survey.data["vide"].isna().all()
    assert [w.column for w in survey.quality.warnings] == ["vide"]
    assert "entirely empty" in str(survey.quality.warnings[0])


def test_entirely_empty_column_is_a_warning_without_codebook(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id;q;vide\n" + "".join(f"{i};{i % 5 + 1};\n" for i in range(25)))
    survey = load_survey(path)
    assert "vide" not in survey.data
    assert [w.column for w in survey.quality.warnings] == ["vide"]


def test_too_few_respondents(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id;q\n" + "".join(f"{i};{i % 5 + 1}\n" for i in range(8)))
    with pytest.raises(DataError) as info:
        load_survey(path)
    assert info.value.message == "only 8 respondents; the analysis needs at least 20"
    assert load_survey(path, min_respondents=8).data.shape[0] == 8


def test_bad_weights_are_refused(tmp_path: Path) -> None:
    rows = "".join(f"{i};{i % 5 + 1};1,5\n" for i in range(20))
    path = _csv(tmp_path, "id;q;poids\n" + rows + "99;2;-1\n100;3;\n")
    book = _book({"respondent_id": "id", "weight": "poids", "columns": {"q": {"type": "likert", "scale": [1, 5]}}})
    with pytest.raises(DataError) as info:
        load_survey(path, book, lenient=True)
    assert (info.value.column, info.value.rows) == ("poids", [21, 22])


def test_weights_normalised_to_mean_one(tmp_path: Path) -> None:
    rows = "".join(f"{i};{i % 5 + 1};{'3' if i % 2 else '1'}\n" for i in range(20))
    path = _csv(tmp_path, "id;q;poids\n" + rows)
    survey = load_survey(path, _book({"respondent_id": "id", "weight": "poids", "columns": {"q": "numeric"}}))
    assert survey.weights.mean() == pytest.approx(1.0)
    assert survey.weights["1"] == pytest.approx(1.5) and survey.weights["0"] == pytest.approx(0.5)


def test_survey_without_id_column_numbers_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, "age;q\n" + "".join(f"{20 + i % 3} ans;{i % 5 + 1}\n" for i in range(25)))
    survey = load_survey(path)
    assert survey.data.index[:3].tolist() == ["1", "2", "3"]
    again = load_survey(path, Codebook.from_dict(survey.codebook.to_dict()))
    assert again.data.equals(survey.data)


def test_xlsx_survey(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Identifiant", "Q1", "Courriel", "Remarque"])
    for i in range(25):
        book.active.append([f"R{i}", AGREE5[i % 5], f"p{i}@example.fr", f"Appelez le 06 12 34 56 {i + 10}"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    survey = load_survey(path)
    assert survey.data.index[0] == "R0"
    assert survey.data["Q1"].tolist()[:5] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert "Courriel" not in survey.data
    assert not survey.data.astype(str).apply(lambda c: c.str.contains("06 12")).any().any()


def test_error_messages_never_quote_personal_data(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id;q\n" + "".join(f"{i};{i % 5 + 1}\n" for i in range(5)) + "9;écrire à a.b@c.fr\n")
    book = _book({"respondent_id": "id", "columns": {"q": {"type": "likert", "scale": [1, 5]}}})
    with pytest.raises(DataError) as info:
        load_survey(path, book, min_respondents=1)
    assert "a.b@c.fr" not in str(info.value)
    assert "[courriel]" in str(info.value)


# --- any table: a survey or a DataError, never another exception ---------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELL = st.one_of(
    st.sampled_from(["", "1", "2,5", "-3", "oui", "Non", "Jamais", "Toujours", "Plutôt d'accord", "Ne sait pas",
                     "a@b.fr", "06 12 34 56 78", "2024-03-01 10:00", "Marie Martin", "NaN", "1e400", "0", "%"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(["id", "poids", "Nom", "q1", "Commentaires", "Quartier", "note", "x"]),
                    min_size=1, max_size=5, unique=True),
    cells=st.lists(st.lists(_CELL, min_size=5, max_size=5), min_size=1, max_size=12),
    lenient=st.booleans(),
)
def test_fuzz_load_survey(tmp_path: Path, header: list[str], cells: list[list[str]], lenient: bool) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in cells:
        writer.writerow(row[: len(header)])
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        survey = load_survey(path, lenient=lenient, min_respondents=1)
    except DataError as err:
        assert err.message
        return
    assert survey.data.index.is_unique
    assert survey.weights.mean() == pytest.approx(1.0)
    for column in survey.data.columns:
        assert not survey.data[column].astype(str).str.contains("a@b.fr", regex=False).any()


def test_personal_data_as_respondent_id_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, "courriel;q\n" + "".join(f"p{i}@example.fr;{i % 5 + 1}\n" for i in range(25)))
    book = _book({"respondent_id": "courriel", "columns": {"q": {"type": "likert", "scale": [1, 5]}}})
    with pytest.raises(DataError) as info:
        load_survey(path, book)
    assert info.value.column == "courriel"
    assert "personal data" in info.value.message
    assert "@" not in str(info.value)


def test_same_survey_from_csv_xlsx_and_excel_unicode_text(tmp_path: Path) -> None:
    import openpyxl

    from intake_helpers import french_survey_rows

    rows = french_survey_rows(60, seed=9)
    header = list(rows[0])
    csv_path = write_french_export(tmp_path / "s.csv", n=60, seed=9)
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([row[h] or None for h in header])
    xlsx_path = tmp_path / "s.xlsx"
    book.save(xlsx_path)
    text_path = tmp_path / "s.txt"  # Excel's "Unicode text": UTF-16 with BOM, tab separated
    frame = pd.DataFrame(rows)
    text_path.write_bytes(b"\xff\xfe" + frame.to_csv(sep="\t", index=False).encode("utf-16-le"))
    from_csv = load_survey(csv_path)
    for other in (load_survey(xlsx_path), load_survey(text_path)):
        pd.testing.assert_frame_equal(other.data, from_csv.data)
        pd.testing.assert_series_equal(other.weights, from_csv.weights)
        assert other.privacy.to_dict() == from_csv.privacy.to_dict()


def test_a_column_with_one_answer_for_everyone_is_a_warning(tmp_path: Path) -> None:
    path = _csv(tmp_path, "id;q;pareil\n" + "".join(f"{i};{i % 5 + 1};3\n" for i in range(25)))
    book = _book({"respondent_id": "id", "columns": {"q": {"type": "likert", "scale": [1, 5]},
                                                     "pareil": {"type": "likert", "scale": [1, 5]}}})
    for survey in (load_survey(path, book), load_survey(path)):
        assert [w.column for w in survey.quality.warnings] == ["pareil"]
        assert "same answer" in str(survey.quality.warnings[0])
