"""Message catalogues and formats: every data-layer key in both languages, CLDR plurals and number,
percentage and date formats through Babel."""
from __future__ import annotations

import re

import pytest

from workshop_data.errors import DataError, DataWarning
from workshop_data.formats import format_date, format_integer, format_number, format_percent, plural_category
from workshop_data.messages import Text, catalogue, language_from_environment, msg


def _placeholders(entry) -> set[str]:
    texts = entry.values() if isinstance(entry, dict) else [entry]
    return {name for text in texts for name in re.findall(r"{(\w+)}", str(text))}


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    french, english = catalogue("fr"), catalogue("en")
    assert french.keys() == english.keys()
    for key, entry in english.items():
        assert _placeholders(french[key]) == _placeholders(entry), key


def test_french_plurals_follow_cldr() -> None:
    from app_pages.state import LOCALES
    from personas.i18n import Translator

    t = Translator("fr", LOCALES)
    assert t("refine.history", n=1) == "1 modification enregistrée"
    assert t("refine.history", n=0) == "0 modification enregistrée"  # French: 0 is singular
    assert t("refine.history", n=2) == "2 modifications enregistrées"
    assert Translator("en", LOCALES)("refine.history", n=0) == "0 edits recorded"
    assert msg("survey.too_few", n=1, minimum=20).localise("fr") == "seulement 1 répondant ; l'analyse en demande au moins 20"
    assert msg("survey.too_few", n=3, minimum=20).localise("fr").startswith("seulement 3 répondants")
    assert [plural_category(n, "fr") for n in (0, 1, 1.5, 2, 1_000_000)] == ["one", "one", "one", "other", "many"]


def test_numbers_percentages_and_dates_through_babel() -> None:
    assert format_number(12345.678, "fr", 2) == "12\u202f345,68"
    assert format_number(12345.678, "en", 2) == "12,345.68"
    assert format_integer(1500, "fr") == "1\u202f500" and format_integer(1500, "en") == "1,500"
    assert format_percent(0.2794, "fr", 1) == "27,9\u202f%" and format_percent(0.2794, "en", 1) == "27.9%"
    assert format_date("2026-11-30T09:00:00", "fr") == "30/11/2026"
    assert format_date("2026-11-02", "en") == "02/11/2026"  # British conventions, never 11/2/26
    assert format_date("2026-11-30", "fr", "long") == "30 novembre 2026"
    assert format_date("2026-11-30", "en", "long") == "30 November 2026"
    assert format_date("not a date", "fr") == "not a date"
    assert format_number(float("nan"), "fr") == "—"
    assert msg("file.too_large", size=1_234_567).localise("fr") == "fichier trop volumineux (1\u202f234\u202f567 octets)"


def test_errors_keep_their_english_text_and_offending_values() -> None:
    error = DataError(msg("survey.repeated_ids", n=2), file="s.csv", column="id", rows=list(range(1, 14)),
                      expected=msg("survey.expected_unique_id"), found="R1, R2")
    assert str(error) == ("s.csv, column 'id', rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 (+3 more): 2 respondent ids appear "
                          "more than once (expected a unique id per row; found 'R1, R2')")
    assert error.key == "survey.repeated_ids" and error.file == "s.csv" and error.rows[-1] == 13
    assert error.localise("fr") == (
        "s.csv, colonne « id », lignes 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 (+3 autres) : 2 identifiants de répondant "
        "apparaissent plusieurs fois (attendu : un identifiant différent par ligne ; trouvé : 'R1, R2')")
    warning = DataWarning(msg("survey.empty_column"), file="s.csv", column="q")
    assert warning.localise("fr") == "s.csv, colonne « q » : colonne entièrement vide"
    assert DataError("plain English", file="f").localise("fr") == "f : plain English"  # unkeyed: as written


def test_a_message_survives_pickling_with_its_key() -> None:
    import pickle

    text = pickle.loads(pickle.dumps(msg("survey.misfit", n=2, type="likert")))
    assert isinstance(text, Text) and text.key == "survey.misfit" and text.localise("fr").startswith("2 valeurs")


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "fr_FR.UTF-8"}, "fr"), ({"LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"LC_MESSAGES": "fr_CA"}, "fr"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"), ({"LANG": "de_DE"}, "en"),
])
def test_language_from_the_locale(environ: dict, lang: str) -> None:
    assert language_from_environment(environ) == lang


def test_every_refusal_of_the_domain_is_a_catalogue_message() -> None:
    """A refusal raised as an English literal reaches a French reader in English (issue 20): every
    DataError, EditError or WorkshopFileError of the domain packages carries a catalogue key."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    refusals = {"DataError", "EditError", "WorkshopFileError", "ConflictError", "DataWarning"}
    literal = []
    for package in ("workshop_data", "clustering", "personas", "exports"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in refusals and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
                    literal.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not literal, literal


def test_a_clustering_refusal_reads_in_french() -> None:
    from clustering.pipeline import _ks
    from workshop_data.messages import localise

    with pytest.raises(DataError) as refused:
        _ks("auto", (5, 8), 4)
    assert localise(refused.value.message, "fr") == "trop peu de répondants pour former des groupes"
