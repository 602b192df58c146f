"""SPSS and Stata files written with pyreadstat: value labels give the Likert orders, variable
labels the column labels, user-missing codes become missing answers."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workshop_data.errors import DataError
from workshop_data.infer import infer_codebook
from workshop_data.readers import read_table
from workshop_data.survey import load_survey

# A frequency scale the draft could not put in order from the words alone ("De temps en temps" is
# not in the known scales), and an agreement scale coded in the reverse of the usual order.
FREQUENCY = {1: "Jamais", 2: "De temps en temps", 3: "Une fois par mois", 4: "Chaque semaine", 5: "Tous les jours"}
AGREEMENT = {1: "Tout à fait d'accord", 2: "Plutôt d'accord", 3: "Plutôt pas d'accord", 4: "Pas du tout d'accord"}
DISTRICT = {1: "Centre", 2: "Gare", 3: "Port", 4: "Coteaux"}
QUESTIONS = {
    "q1": "Je fais mes démarches administratives en ligne",
    "q2": "J'ai confiance dans la sécurité des sites publics",
    "quartier": "Quartier d'habitation",
}
N = 40


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [float(i + 1) for i in range(N)],
        "q1": [float(i % 5 + 1) for i in range(N)],
        "q2": [float(i % 4 + 1) for i in range(N)],
        "quartier": [float(i % 4 + 1) for i in range(N)],
    })


@pytest.fixture()
def sav(tmp_path: Path) -> Path:
    import pyreadstat

    frame = _frame()
    frame.loc[[3, 7], "q2"] = 9.0  # "Ne se prononce pas", declared user-missing
    path = tmp_path / "barometre.sav"
    pyreadstat.write_sav(
        frame, path, column_labels=QUESTIONS,
        variable_value_labels={"q1": FREQUENCY, "q2": {**AGREEMENT, 9: "Ne se prononce pas"}, "quartier": DISTRICT},
        missing_ranges={"q2": [9.0]},
    )
    return path


@pytest.fixture()
def dta(tmp_path: Path) -> Path:
    import pyreadstat

    frame = _frame().astype({"id": int, "q1": int, "quartier": int}).astype({"q2": object})
    frame.loc[[3, 7], "q2"] = "a"  # Stata's extended missing .a
    path = tmp_path / "barometre.dta"
    pyreadstat.write_dta(
        frame, path, column_labels=QUESTIONS,
        variable_value_labels={"q1": FREQUENCY, "q2": AGREEMENT, "quartier": DISTRICT},
        missing_user_values={"q2": ["a"]},
    )
    return path


@pytest.mark.parametrize("fixture", ["sav", "dta"])
def test_value_labels_give_the_likert_order_and_variable_labels_the_column_labels(fixture: str, request) -> None:
    path = request.getfixturevalue(fixture)
    frame = read_table(path)
    assert frame.attrs["format"] == fixture
    assert frame["q1"].tolist()[:5] == list(FREQUENCY.values())
    assert frame["q2"].isna().sum() == 2  # user-missing
    book = infer_codebook(frame)
    assert book.respondent_id == "id"
    assert book.columns["q1"].type == "likert"
    assert book.columns["q1"].levels == list(FREQUENCY.values())
    assert book.columns["q2"].levels == list(AGREEMENT.values())  # the file's order, not the usual one
    assert book.columns["quartier"].type == "categorical"  # nominal codes are not a scale
    assert book.columns["q1"].label == {"fr": QUESTIONS["q1"], "en": QUESTIONS["q1"]}
    assert book.columns["q1"].dimension == "online_use"  # named plainly by the question text
    assert book.columns["q2"].dimension == "trust"


def test_survey_from_spss_reads_user_missing_as_skipped_answers(sav: Path) -> None:
    survey = load_survey(sav)
    q2 = survey.data["q2"]
    assert q2.isna().sum() == 2
    assert q2.iloc[0] == 1.0 and q2.iloc[1] == 2.0  # positions in the file's code order
    assert survey.quality.skipped["q2"] == 2


def test_corrupt_spss_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.sav"
    path.write_bytes(b"$FL2@(#) not really an SPSS file" + b"\0" * 200)
    with pytest.raises(DataError, match="SPSS") as info:
        read_table(path)
    assert info.value.file == "broken.sav"


def test_a_file_that_crashes_the_spss_library_is_refused_not_fatal() -> None:
    """A damaged .sav that makes ReadStat's C code crash (segmentation fault) when read in-process."""
    path = Path(__file__).parent / "data" / "hostile" / "crashes_pyreadstat.sav"
    with pytest.raises(DataError, match="SPSS") as info:
        read_table(path)
    assert info.value.localise("fr").startswith("crashes_pyreadstat.sav : le fichier SPSS est endommagé")
