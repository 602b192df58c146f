"""Data page: open the sample, upload files, refuse a bad file with a sentence, correct the codebook."""
from __future__ import annotations

import pytest

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, button, fake_workshop, put_workshop, shown, small_sample, small_sample_dir, start,
    widget,
)


@pytest.fixture
def opened(app_home, small_sample):
    """A session with a workshop already open, so the first run does not cluster."""
    put_workshop(app_home, fake_workshop())
    return app_home


def test_sample_opens_with_reports_in_french(opened, small_sample):
    at = start("data")
    button(at, "Utiliser l'exemple").click().run()
    assert_clean(at)
    text = shown(at)
    assert "Enquête lue : 240 répondants" in text
    assert "Protection des données personnelles" in text
    assert at.session_state["app"].codebook["respondent_id"]
    assert len(at.data_editor) == 1


def _upload_survey(at, sample):
    """Upload the small sample's survey as enquete.csv and read it."""
    survey = (sample / "survey.csv").read_bytes()
    widget(at, "file_uploader", "Enquête (CSV, Excel, SPSS ou Stata)").set_value(("enquete.csv", survey, "text/csv"))
    at.run()
    button(at, "Lire les fichiers").click().run()


def test_uploaded_survey_is_read_and_its_inferred_codebook_corrected(opened, small_sample):
    at = start("data")
    _upload_survey(at, small_sample)
    assert_clean(at)
    assert "Enquête en cours : enquete.csv" in shown(at)
    session = at.session_state["app"]
    assert session.survey_path.endswith("enquete.csv")
    assert list((opened / "uploads").glob("*/enquete.csv"))
    types = {spec["type"] for spec in session.codebook["columns"].values()}
    assert "likert" in types
    frame = at.data_editor[0].value
    row = int(list(frame["type"]).index("likert"))
    column = frame["column"].iloc[row]
    at.session_state["w_codebook"] = {
        "edited_rows": {row: {"dimension": "trust", "reverse": True}}, "added_rows": [], "deleted_rows": [],
    }
    at.run()
    button(at, "Appliquer les corrections").click().run()
    assert_clean(at)
    spec = at.session_state["app"].codebook["columns"][column]
    assert spec["dimension"] == "trust" and spec["reverse"] is True
    assert "Dictionnaire mis à jour." in shown(at)


def test_bad_file_is_refused_with_a_sentence(opened, small_sample):
    at = start("data")
    widget(at, "file_uploader", "Enquête (CSV, Excel, SPSS ou Stata)").set_value(("vide.csv", b"", "text/csv"))
    at.run()
    button(at, "Lire les fichiers").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("Fichier refusé :"), errors
    assert "Traceback" not in errors[0]


def test_refused_upload_is_said_in_french_and_not_kept_on_disk(opened, small_sample):
    at = start("data")
    widget(at, "file_uploader", "Enquête (CSV, Excel, SPSS ou Stata)").set_value(
        ("notes.csv", bytes(range(256)) * 40, "text/csv"))
    at.run()
    button(at, "Lire les fichiers").click().run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [  # as shown: markdown escapes removed
        "Fichier refusé : notes.csv : fichier binaire, pas un tableau texte "
        "(attendu : un fichier texte CSV/TSV, XLSX ou Parquet)"]
    assert not list((opened / "uploads").glob("*/*"))
    assert at.session_state["app"].survey_path is None


def test_workbook_sheet_and_header_row_confirmed_and_another_sheet_picked(opened, small_sample, tmp_path):
    from workbook_helpers import workbook_from_csv

    book = workbook_from_csv(small_sample / "survey.csv", tmp_path / "enquete.xlsx")
    at = start("data")
    widget(at, "file_uploader", "Enquête (CSV, Excel, SPSS ou Stata)").set_value(
        ("enquete.xlsx", book.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    button(at, "Lire les fichiers").click().run()
    assert_clean(at)
    assert "Feuille « Réponses » lue, en-tête à la ligne 3 : 240 répondants." in shown(at)
    picker = widget(at, "selectbox", "Feuille à lire")
    assert picker.options[1:] == ["Lisez-moi", "Réponses", "Notes"]
    picker.set_value("Lisez-moi").run()
    assert at.session_state["app"].sheet == "Lisez-moi"
    assert ("Fichier refusé : enquete.xlsx : la feuille « Lisez-moi » ne contient pas de tableau"
            in at.error[0].value.replace("\\", ""))
    assert list((opened / "uploads").glob("*/enquete.xlsx"))  # a file read once is not deleted for a bad pick


def test_next_step_follows_the_workshop_state(opened, small_sample):
    at = start("data")
    button(at, "Utiliser l'exemple").click().run()
    assert "L'atelier ouvert vient d'autres données" in shown(at)  # the open workshop is another one
    from app_pages.data import next_step

    class Built:
        sources = [{"role": "survey", "sha256": "abc"}]

    class Read:
        source = {"sha256": "abc"}

    assert next_step(None, Read()) == "data.next"
    assert next_step(Built(), Read()) == "data.next_refine"


def test_whole_codebook_in_the_editor_with_labels(opened, small_sample):
    at = start("data")
    button(at, "Utiliser l'exemple").click().run()
    frame = at.data_editor[0].value
    codebook = at.session_state["app"].codebook
    assert list(frame.columns) == ["column", "label", "type", "role", "dimension", "reverse", "levels"]
    assert len(frame) == len(codebook["columns"])
    assert "Identifiant des répondants : colonne « " in shown(at)


def test_language_follows_the_browser_and_the_switch(opened):
    at = start("data", lang="en")
    assert at.title[0].value == "Workshop data"
    at.segmented_control[0].set_value("fr").run()
    assert at.title[0].value == "Données de l'atelier"
    assert_clean(at)


def test_uploaded_files_can_be_deleted_from_the_machine(opened, small_sample):
    at = start("data")
    _upload_survey(at, small_sample)
    assert list((opened / "uploads").glob("*/enquete.csv"))
    assert "Fichiers chargés conservés sur ce poste : 1" in [e.label for e in at.expander]
    button(at, "Supprimer les fichiers chargés").click().run()
    assert_clean(at)
    assert not list((opened / "uploads").glob("*/*"))
    assert at.session_state["app"].survey_path is None
    assert "1 fichier chargé supprimé de ce poste." in shown(at)


def test_codebook_table_shows_roles_and_custom_dimensions_and_applies_a_role():
    from app_pages.data import apply_codebook_edits, codebook_frame, dimension_options

    codebook = {"respondent_id": "id", "columns": {
        "sexe": {"type": "categorical"},
        "tri": {"type": "likert", "scale": [1, 5], "dimension": "ecogestes"},
        "q": {"type": "likert", "scale": [1, 5], "role": "basis"}},
        "dimensions": {"ecogestes": {"label": {"fr": "Écogestes", "en": "Green habits"}, "items": ["tri"]}}}
    frame = codebook_frame(codebook)
    assert list(frame["role"]) == ["descriptor", "basis", "basis"]
    assert dimension_options(codebook)[-1] == "ecogestes"
    frame.loc[frame["column"] == "sexe", "role"] = "basis"
    applied = apply_codebook_edits(codebook, frame)
    assert applied["columns"]["sexe"]["role"] == "basis"
    assert applied["columns"]["tri"]["dimension"] == "ecogestes"
    assert applied["dimensions"]["ecogestes"]["items"] == ["tri"]


def test_engine_setting_reaches_intake(opened, small_sample, monkeypatch):
    """DuckDB by default; a database URL and its table, chosen on Data, are what intake is given."""
    import streamlit as st

    import workshop_data.intake as intake

    st.cache_data.clear()  # an earlier test's reading of the sample must not answer for intake
    calls = []
    real = intake.load_inputs

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **{k: v for k, v in kwargs.items() if k not in ("engine", "contacts_table")})

    monkeypatch.setattr(intake, "load_inputs", spy)
    at = start("data")
    button(at, "Utiliser l'exemple").click().run()
    assert (calls[-1]["engine"], calls[-1]["contacts_table"]) == ("duckdb", None)
    widget(at, "selectbox", "Moteur").set_value("database").run()
    widget(at, "text_input", "Adresse de la base (postgresql://utilisateur@hôte/base, duckdb:///chemin.db…)") \
        .set_value("postgresql://atelier@localhost/crm").run()
    widget(at, "text_input", "Table qui contient le journal des contacts").set_value("contacts").run()
    assert_clean(at)
    assert (calls[-1]["engine"], calls[-1]["contacts_table"]) == ("postgresql://atelier@localhost/crm", "contacts")
    assert "Où le journal des contacts est agrégé" in [e.label for e in at.expander]
