"""Double headers (LimeSurvey "question code + question text", some Forms exports): the codes name
the columns, the texts become their labels, and the text line is not read as a respondent."""
from __future__ import annotations

import random
from pathlib import Path

from workshop_data.infer import infer_codebook
from workshop_data.readers import read_table
from workshop_data.survey import load_survey

AGREE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord"]
FREQ = ["Jamais", "Rarement", "Parfois", "Souvent"]
CODES = ["id", "submitdate", "lastpage", "startlanguage", "seed", "Q1", "Q2", "Q3[SQ001]", "AGE", "COMMENT"]
TEXTS = ["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ", "Tête de série",
         "Je me sens à l'aise avec un ordinateur", "Je fais mes démarches administratives en ligne",
         "Nombre de démarches faites dans l'année [en ligne]", "Votre âge", "Vos remarques sur l'accueil"]


def limesurvey_csv(path: Path, respondents: int = 30) -> Path:
    rng = random.Random(3)
    lines = [";".join(CODES), ";".join(f'"{t}"' for t in TEXTS)]
    for i in range(respondents):
        lines.append(";".join([
            str(i + 1), f"2025-03-{i % 28 + 1:02d} 10:12:00", "4", "fr", str(rng.randint(1000, 9999)),
            rng.choice(AGREE), rng.choice(FREQ), str(rng.randint(0, 12)),
            rng.choice(["18-29", "30-44", "45-59", "60+"]),
            rng.choice(["", "Très bon accueil au guichet.", "Trop d'attente au téléphone, j'ai rappelé deux fois."]),
        ]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_double_header_codes_name_columns_and_texts_label_them(tmp_path: Path) -> None:
    frame = read_table(limesurvey_csv(tmp_path / "limesurvey.csv"))
    assert list(frame.columns) == CODES
    assert len(frame) == 30
    assert frame.loc[0, "id"] == "1"
    assert frame.attrs["column_labels"]["Q1"] == TEXTS[5]
    book = infer_codebook(frame)
    assert book.respondent_id == "id"
    assert book.columns["Q1"].type == "likert" and book.columns["Q1"].levels == AGREE
    assert book.columns["Q2"].levels[:4] == FREQ  # the known scale, completed with "Toujours"
    assert book.columns["Q1"].label == {"fr": TEXTS[5], "en": TEXTS[5]}
    assert book.columns["Q1"].dimension == "digital_skill"  # from the question text, not the code
    assert book.columns["Q3[SQ001]"].type == "numeric"
    assert book.columns["lastpage"].type == "ignore"


def test_double_header_survey_loads_every_respondent(tmp_path: Path) -> None:
    survey = load_survey(limesurvey_csv(tmp_path / "limesurvey.csv"))
    assert len(survey.data) == 30
    assert survey.data.index[0] == "1"


def test_a_single_header_with_coded_names_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("id;Q1;AGE\n1;Jamais;30\n2;Souvent;41\n3;Parfois;55\n", encoding="utf-8")
    frame = read_table(path)
    assert len(frame) == 3 and "column_labels" not in frame.attrs
