"""The survey's own language: an English questionnaire gives an English workshop."""
from __future__ import annotations

from workshop_data.codebook import Codebook
from workshop_data.language import survey_language, text_language


def test_english_and_french_words() -> None:
    assert text_language(["How often do you use the website?", "Strongly agree"]) == "en"
    assert text_language(["Je me sens à l'aise avec un ordinateur", "Plutôt d'accord"]) == "fr"
    assert text_language(["MALE", "FEMALE", "NEVER MARRIED"]) == "en"
    assert text_language(["netusoft", "imueclt", "3"]) is None


def test_a_codebook_of_codes_only_stays_french() -> None:
    book = Codebook.from_dict({"respondent_id": "id", "columns": {"q1": {"type": "likert", "scale": [1, 5]}}})
    assert survey_language(book) == "fr"


def test_english_levels_make_an_english_survey() -> None:
    book = Codebook.from_dict({"respondent_id": "id", "columns": {
        "trst": {"type": "likert", "levels": ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]}}})
    assert survey_language(book) == "en"
