"""Survey-tool codes for "no answer" inside a numeric scale (-99, 99, 999...): the draft codebook
lists them under ``missing``, intake reads them as skipped, and real numbers (an age of 99, a count
up to 20) are never taken for codes."""
from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from workshop_data.codebook import Codebook
from workshop_data.errors import CodebookError
from workshop_data.infer import infer_codebook, infer_column, with_file_labels
from workshop_data.readers import read_table
from workshop_data.scales import split_missing_codes
from workshop_data.survey import load_survey


def _coded(answers: range, codes: tuple[int, ...], n: int = 200, seed: int = 1) -> pd.Series:
    """Numeric answers with the tool's codes sprinkled in, as a CSV export writes them."""
    rng = random.Random(seed)
    values = [str(rng.choice(answers)) for _ in range(n)]
    for i, code in enumerate(codes * 6):
        values[7 * i + 3] = str(code)
    return pd.Series(values, dtype="string")


@pytest.mark.parametrize("codes", [(-99, 99), (-99,), (99,), (9,), (-9, -1), (999,), (-98, 9999)])
def test_codes_outside_a_five_point_scale_are_missing(codes: tuple[int, ...]) -> None:
    spec = infer_column("Q7", _coded(range(1, 6), codes))
    assert spec.type == "likert"
    assert spec.scale == (1.0, 5.0)
    assert spec.missing == sorted(float(c) for c in codes)
    shown = [str(c) for c in sorted(codes)]
    assert all(code in spec.why["fr"] and code in spec.why["en"] for code in shown)


def test_eleven_point_scale_with_99_keeps_its_range() -> None:
    spec = infer_column("Note globale", _coded(range(0, 11), (99,)))
    assert (spec.type, spec.scale, spec.missing) == ("likert", (0.0, 10.0), [99.0])


@pytest.mark.parametrize("header, answers, codes", [
    ("Âge", range(18, 100), ()),                 # 99 is an age
    ("age", range(18, 99), (99,)),               # 99 follows 98: still an age
    ("Nombre de démarches", range(0, 21), (99,)),  # a count up to 20, and 99 with it
    ("Q4", range(1, 10), ()),                    # a 1-9 scale: its 9 is an answer
])
def test_real_numbers_get_no_missing_codes(header: str, answers: range, codes: tuple[int, ...]) -> None:
    series = _coded(answers, codes, n=400)
    spec = infer_column(header, series)
    assert spec.missing is None
    assert "99" not in spec.why.get("en", "")


def test_split_missing_codes_rules() -> None:
    assert split_missing_codes([1, 2, 3, 4, 5, 99, -99]) == ([1, 2, 3, 4, 5], [-99, 99])
    assert split_missing_codes([1, 2, 3, 4, 5, 6, 7, 8, 9]) == ([1, 2, 3, 4, 5, 6, 7, 8, 9], [])
    assert split_missing_codes([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 9]) == ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [])
    assert split_missing_codes([1, 2, 99]) == ([1, 2, 99], [])  # two answers are no scale


def _export(tmp_path: Path, seed: int = 4) -> Path:
    rng = random.Random(seed)
    rows = ["id;satisfaction_accueil;age;canal"]
    for i in range(1, 61):
        answer = rng.choice(["1", "2", "3", "4", "5"]) if i % 10 not in (3, 7) else ("-99" if i % 10 == 3 else "99")
        age = "99" if i == 5 else str(rng.randint(18, 98))
        rows.append(f"{i};{answer};{age};{rng.choice(['Téléphone', 'Guichet', 'Internet'])}")
    path = tmp_path / "export.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_intake_blanks_the_codes_and_keeps_the_scale(tmp_path: Path) -> None:
    path = _export(tmp_path)
    book = infer_codebook(read_table(path))
    assert book.columns["satisfaction_accueil"].missing == [-99.0, 99.0]
    assert book.columns["age"].missing is None
    survey = load_survey(path, Codebook.from_dict(book.to_dict()))
    answers = survey.data["satisfaction_accueil"]
    assert answers.isna().sum() == 12
    assert answers.min() >= 1 and answers.max() <= 5
    assert survey.data["age"].max() == 99
    assert survey.quality.skipped["satisfaction_accueil"] == 12


def test_codebook_round_trips_and_validates_missing() -> None:
    data = {"respondent_id": "id", "columns": {"q": {"type": "numeric", "missing": [-99, 99, "NSP"]}}}
    book = Codebook.from_dict(data)
    assert book.columns["q"].missing == [-99.0, 99.0, "NSP"]
    assert book.to_dict()["columns"]["q"]["missing"] == [-99, 99, "NSP"]
    for bad in ([], "99", [True], [float("nan")], {"a": 1}):
        with pytest.raises(CodebookError):
            Codebook.from_dict({"respondent_id": "id", "columns": {"q": {"type": "numeric", "missing": bad}}})
    with pytest.raises(CodebookError):
        Codebook.from_dict({"respondent_id": "id", "columns": {"q": {"type": "text", "missing": [99]}}})


def test_declared_missing_labels_are_codes_not_levels() -> None:
    """An SPSS/Stata file labels 9 = "Ne sait pas" next to its scale: that label is no level."""
    labels = ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord", "Ne sait pas"]
    frame = pd.DataFrame({"q": pd.Series(labels * 10, dtype="string")})
    frame.attrs["value_labels"] = {"q": labels}
    spec = with_file_labels({"q": infer_column("q", frame["q"])}, frame)["q"]
    assert spec.type == "likert"
    assert spec.levels == labels[:4]
