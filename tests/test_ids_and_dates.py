"""Wrong figures no longer accepted in silence (issue 20): ids compared whatever a file made of them,
a log that matches too few respondents refused, timestamps outside a plausible window left out and
counted."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_data.errors import DataError
from workshop_data.ids import canonical_id

N = 120


@pytest.fixture(scope="module")
def numbered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A demo survey whose respondent ids are plain numbers 1..N, its codebook and contact log."""
    from workshop_data.sample import generate_demo, write_demo

    folder = tmp_path_factory.mktemp("ids")
    demo = generate_demo(N, seed=4, lang="fr")
    numbers = {rid: str(i + 1) for i, rid in enumerate(demo.survey["id_repondant"])}
    demo.survey["id_repondant"] = demo.survey["id_repondant"].map(numbers)
    demo.contacts["usager"] = [numbers.get(v, f"X{v}") for v in demo.contacts["usager"]]  # the demo's strays stay
    demo.truth["respondent_id"] = demo.truth["respondent_id"].map(numbers)
    return write_demo(demo, folder, lang="fr")


def _log(paths: dict[str, Path], folder: Path, ids=None, stamps=None, name: str = "log.csv") -> Path:
    frame = pd.read_csv(paths["contacts"], sep=";", dtype=str, encoding="utf-8-sig")
    if ids is not None:
        frame["usager"] = [ids(v) for v in frame["usager"]]
    if stamps is not None:
        frame["horodatage"] = [stamps(i, v) for i, v in enumerate(frame["horodatage"])]
    path = folder / name
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def _survey_with_ids(paths: dict[str, Path], folder: Path, ids) -> Path:
    frame = pd.read_csv(paths["survey"], sep=";", dtype=str, encoding="utf-8-sig")
    frame["id_repondant"] = [ids(v) for v in frame["id_repondant"]]
    path = folder / "survey.csv"
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def _codebook(paths: dict[str, Path], folder: Path, extra: str = "") -> Path:
    path = folder / "codebook.yaml"
    path.write_text(extra + paths["codebook"].read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _inputs(survey: Path, codebook: Path, log: Path):
    from workshop_data.intake import load_inputs

    return load_inputs(survey, codebook, log)


def _reference(numbered: dict[str, Path]):
    return _inputs(numbered["survey"], numbered["codebook"], numbered["contacts"]).contacts


# --------------------------------------------------------------------------------------------
# Ids


@pytest.mark.parametrize(("value", "id_type", "expected"), [
    ("17", "text", "17"), ("17.0", "text", "17"), ("17,00", "text", "17"), (" 17.0 ", "text", "17"),
    ("17.5", "text", "17.5"), ("0017", "text", "0017"), ("R17.0", "text", "R17.0"),
    ("0017", "number", "17"), ("+17", "number", "17"), ("0017.0", "number", "17"), ("0", "number", "0"),
    ("000", "number", "0"), ("R0017", "number", "R0017"), ("1.7e1", "number", "1.7e1"),
])
def test_canonical_ids(value: str, id_type: str, expected: str) -> None:
    assert canonical_id(value, id_type) == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.from_regex(r"[+ ]?0{0,3}[0-9]{1,6}([.,]0{1,3}|[.,][0-9]{1,2})?|[A-Z]{1,2}[0-9]{1,4}(\.0)?",
                              fullmatch=True), min_size=1, max_size=30),
       st.sampled_from(["text", "number"]))
def test_the_engine_writes_ids_as_python_does(values: list[str], id_type: str) -> None:
    import ibis

    from workshop_data.ids import id_expr

    table = ibis.memtable({"rid": [v.strip() for v in values]})
    found = ibis.duckdb.connect().to_pyarrow(table.select(c=id_expr(table.rid, id_type))).column("c").to_pylist()
    assert found == [canonical_id(v, id_type) for v in values]


def test_contact_ids_written_as_decimals_match_the_survey(numbered: dict[str, Path], tmp_path: Path) -> None:
    reference = _reference(numbered)
    log = _log(numbered, tmp_path, ids=lambda v: f"{v}.0")
    found = _inputs(numbered["survey"], numbered["codebook"], log).contacts
    assert found.report.unmatched_rows == reference.report.unmatched_rows
    assert found.report.matched_respondents == reference.report.matched_respondents > N / 2
    pd.testing.assert_frame_equal(found.table, reference.table)


def test_a_parquet_log_with_float_ids_matches_the_survey(numbered: dict[str, Path], tmp_path: Path) -> None:
    frame = pd.read_csv(numbered["contacts"], sep=";", dtype=str, encoding="utf-8-sig")
    frame = frame[~frame["usager"].str.startswith("X")]
    frame["usager"] = frame["usager"].astype(float)  # what a spreadsheet makes of a number
    log = tmp_path / "log.parquet"
    frame.to_parquet(log, index=False)
    found = _inputs(numbered["survey"], numbered["codebook"], log).contacts
    assert found.report.unmatched_rows == 0  # the demo's stray ids were dropped: they are no numbers
    pd.testing.assert_frame_equal(found.table, _reference(numbered).table)


def test_survey_ids_written_as_decimals_are_the_same_respondents(numbered: dict[str, Path], tmp_path: Path) -> None:
    survey = _survey_with_ids(numbered, tmp_path, lambda v: f"{v}.0")
    inputs = _inputs(survey, numbered["codebook"], numbered["contacts"])
    assert list(inputs.survey.data.index[:3]) == ["1", "2", "3"]
    pd.testing.assert_frame_equal(inputs.contacts.table, _reference(numbered).table)


def test_leading_zeros_match_only_when_the_codebook_says_ids_are_numbers(numbered: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    survey = _survey_with_ids(numbered, tmp_path, lambda v: v.zfill(4))
    with pytest.raises(DataError) as caught:
        _inputs(survey, numbered["codebook"], numbered["contacts"])
    message = str(caught.value)
    assert "match only 0 of the survey's 120 respondents" in message
    assert "a survey id the log lacks: '0001'" in message and "a log id the survey lacks: '1" in message
    assert "id_type: number" in message
    french = caught.value.localise("fr")
    assert "ne correspondent qu'à 0 des 120 répondants" in french and "« 0001 »" in french
    found = _inputs(survey, _codebook(numbered, tmp_path, "id_type: number\n"), numbered["contacts"]).contacts
    pd.testing.assert_frame_equal(found.table, _reference(numbered).table)


def test_a_log_of_another_survey_is_refused_with_the_count_and_one_id_of_each_side(numbered: dict[str, Path],
                                                                                   tmp_path: Path) -> None:
    log = _log(numbered, tmp_path, ids=lambda v: f"Y{v}" if v.startswith("X") or int(v) % 3 else v)
    with pytest.raises(DataError) as caught:
        _inputs(numbered["survey"], numbered["codebook"], log)
    error = caught.value
    assert error.file == "log.csv" and error.column == "usager"
    assert "the contact log's ids match only" in str(error) and "of the survey's 120 respondents" in str(error)
    assert "a log id the survey lacks: 'Y" in str(error)


def test_a_log_that_matches_half_of_the_respondents_is_kept(numbered: dict[str, Path], tmp_path: Path) -> None:
    log = _log(numbered, tmp_path, ids=lambda v: v if v.startswith("X") or int(v) <= N * 0.6 else f"X{v}")
    report = _inputs(numbered["survey"], numbered["codebook"], log).contacts.report
    assert report.unmatched_rows > 0 and report.matched_respondents >= N / 2
    assert any("match no respondent" in str(w) for w in report.warnings)


def test_a_bad_id_type_in_the_codebook_is_refused(numbered: dict[str, Path], tmp_path: Path) -> None:
    from workshop_data.codebook import load_codebook

    with pytest.raises(DataError, match="id_type"):
        load_codebook(_codebook(numbered, tmp_path, "id_type: integer\n"))


# --------------------------------------------------------------------------------------------
# Timestamps outside a plausible window


def _year(year: int):
    return lambda i, v: f"{year}{v[4:]}"


def test_two_thirds_of_dates_in_1900_or_2100_are_refused_with_both_counts(numbered: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    log = _log(numbered, tmp_path, stamps=lambda i, v: v if i % 3 == 0 else _year(1900 if i % 3 == 1 else 2100)(i, v))
    with pytest.raises(DataError) as caught:
        _inputs(numbered["survey"], numbered["codebook"], log)
    message = str(caught.value)
    assert "have no usable timestamp" in message and "outside the plausible period" in message
    assert caught.value.column == "horodatage"
    assert "hors de la période plausible" in caught.value.localise("fr")


def test_dates_outside_the_window_are_left_out_and_counted_not_stretching_the_period(numbered: dict[str, Path],
                                                                                      tmp_path: Path) -> None:
    reference = _reference(numbered)
    moved = {}

    def stamp(i: int, v: str) -> str:
        if i % 10 == 0:
            moved[i] = True
            return _year(1900 if i % 20 == 0 else 2105)(i, v)
        return v

    log = _log(numbered, tmp_path, stamps=stamp)
    report = _inputs(numbered["survey"], numbered["codebook"], log).contacts.report
    assert report.out_of_window == len(moved) and report.bad_timestamps == 0
    assert report.period_days <= reference.report.period_days + 1  # not 73,000 days
    assert any("left out: dated outside the plausible period" in str(w) for w in report.warnings)
    assert any("datés hors de la période plausible" in w.localise("fr") for w in report.warnings)


def test_the_window_people_set_in_the_codebook(numbered: dict[str, Path], tmp_path: Path) -> None:
    from workshop_data.codebook import load_codebook

    reference = _reference(numbered).report
    first = pd.read_csv(numbered["contacts"], sep=";", dtype=str, encoding="utf-8-sig")["horodatage"].min()[:10]
    last = pd.read_csv(numbered["contacts"], sep=";", dtype=str, encoding="utf-8-sig")["horodatage"].max()[:10]
    middle = (pd.Timestamp(first) + (pd.Timestamp(last) - pd.Timestamp(first)) * 0.8).date().isoformat()
    text = numbered["codebook"].read_text(encoding="utf-8").replace(
        "contacts:\n", f"contacts:\n  period: ['{first}', '{middle}']\n", 1)
    book = tmp_path / "codebook.yaml"
    book.write_text(text, encoding="utf-8")
    assert load_codebook(book).contacts.period == (first, middle)
    report = _inputs(numbered["survey"], book, numbered["contacts"]).contacts.report
    assert 0 < report.out_of_window < reference.rows
    assert any(f"the period from {first} to {middle}" in str(w) for w in report.warnings)
    for bad in ("['2025-02-30', '2025-03-01']", "['2025-03-01', '2025-01-01']", "2025"):
        book.write_text(text.replace(f"['{first}', '{middle}']", bad), encoding="utf-8")
        with pytest.raises(DataError, match="contacts.period must be two dates"):
            load_codebook(book)
