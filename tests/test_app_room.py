"""The workshop room: access code, the participant's service kept in the URL, validations by
service, the presentation view, and the Refine page keeping its selection."""
from __future__ import annotations

import pytest

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, button, fake_workshop, put_workshop, shown, small_sample, small_sample_dir, start,
    widget, workshop_file, load_saved,
)


# --- access code ---------------------------------------------------------------------------------


@pytest.fixture
def access_code(monkeypatch, workshop_file):
    from app_pages import access

    access._failures.clear()
    monkeypatch.setenv(access.ACCESS_ENV, "salle-42")
    return "salle-42"


def _nothing_but_the_question(at) -> None:
    text = shown(at)
    assert "Code d'accès de l'atelier" in text
    for word in ("Données", "Affiner", "Atelier personas — test", "Agile", "Enquête"):
        assert word not in text, word
    assert not at.sidebar.children or not [e for e in at.sidebar.get("selectbox")], "no sidebar content"
    assert at.session_state["app"].workshop is None


def test_the_access_code_is_asked_before_any_content(access_code):
    at = start()
    assert_clean(at)
    _nothing_but_the_question(at)
    widget(at, "text_input", "Code d'accès de l'atelier").set_value("mauvais")
    at.button[0].click().run()
    _nothing_but_the_question(at)
    assert "Code incorrect. Essais restants : 4." in shown(at)
    widget(at, "text_input", "Code d'accès de l'atelier").set_value(access_code)
    at.button[0].click().run()
    assert_clean(at)
    assert at.title[0].value == "Données de l'atelier"
    assert at.session_state["app"].workshop is not None


def test_attempts_are_limited_even_with_the_right_code_after(access_code):
    from app_pages import access

    at = start()
    for _ in range(access.MAX_ATTEMPTS):
        widget(at, "text_input", "Code d'accès de l'atelier").set_value("faux")
        at.button[0].click().run()
    assert "Trop d'essais" in shown(at)
    assert not at.text_input  # nothing left to type into
    other = start()  # a new session is not a new chance once the server has seen too many
    for _ in range(access.SERVER_ATTEMPTS):
        if not other.text_input:
            break
        widget(other, "text_input", "Code d'accès de l'atelier").set_value("faux")
        other.button[0].click().run()
        if not other.text_input:
            other = start()
    third = start()
    assert "Trop d'essais" in shown(third) and not third.text_input
    assert third.session_state["app"].workshop is None


def test_without_a_code_the_app_opens_directly(workshop_file, monkeypatch):
    from app_pages import access

    monkeypatch.delenv(access.ACCESS_ENV, raising=False)
    at = start()
    assert at.title[0].value == "Données de l'atelier"


# --- the participant -----------------------------------------------------------------------------


def test_the_service_is_kept_in_the_url_and_across_a_language_switch(workshop_file):
    at = start("refine")
    at.selectbox(key="w_service").set_value("État civil").run()
    assert at.query_params["service"] == ["État civil"] or at.query_params["service"] == "État civil"
    at.segmented_control(key="w_lang").set_value("en").run()
    assert at.session_state["app"].service == "Civil status"
    assert_clean(at)
    from streamlit.testing.v1 import AppTest

    from app_helpers import APP

    again = AppTest.from_file(str(APP), default_timeout=60)
    again.query_params["service"] = "État civil"
    again.query_params["lang"] = "fr"
    again.run()
    assert again.session_state["app"].service == "État civil"
    assert again.selectbox(key="w_service").value == "État civil"


def test_a_service_recognises_a_persona_and_another_leaves_a_reservation(workshop_file):
    at = start("refine")
    pid = at.session_state["app"].workshop.personas[0].id
    at.selectbox(key="w_service").set_value("Accueil").run()
    at.segmented_control(key=f"w_status_{pid}").set_value("recognised").run()
    assert_clean(at)
    other = start("refine")
    other.selectbox(key="w_service").set_value("Action sociale").run()
    other.segmented_control(key=f"w_status_{pid}").set_value("reservation").run()
    other.text_input(key=f"w_reservation_{pid}").set_value("Ne parle pas des aidants").run()
    assert_clean(other)
    said = load_saved(workshop_file).persona(pid).validations
    assert said["Accueil"]["status"] == "recognised"
    assert said["Action sociale"] == {**said["Action sociale"], "status": "reservation", "text": "Ne parle pas des aidants"}
    text = shown(other)
    assert "**Accueil** · reconnaît ses usagers dans ce persona" in text
    assert "**Action sociale** · réserve : Ne parle pas des aidants" in text


# --- Refine ---------------------------------------------------------------------------------------


def test_the_selection_is_kept_after_a_rename(workshop_file):
    at = start("refine")
    third = at.session_state["app"].workshop.personas[2]
    at.radio(key="w_pick").set_value(third.id).run()
    widget(at, "text_input", "Nom").set_value("Nouvelle Léa").run()
    assert at.radio(key="w_pick").value == third.id
    assert widget(at, "text_input", "Nom").value == "Nouvelle Léa"
    assert load_saved(workshop_file).persona(third.id).name == "Nouvelle Léa"


def test_nothing_is_preselected_for_a_merge(workshop_file):
    at = start("refine")
    assert at.selectbox(key="w_merge_a").value is None and at.selectbox(key="w_merge_b").value is None
    assert at.selectbox(key="w_move_to").value is None


def test_saved_workshops_are_listed_by_title_date_personas_and_last_edit(workshop_file, app_home):
    second = fake_workshop(3, 40)
    second.title = "Atelier de janvier"
    put_workshop(app_home, second, name="autre.yaml")
    at = start("refine")
    listed = at.selectbox(key="w_reopen").options
    assert any(o.startswith("Atelier de janvier · créé le ") and "· 3 personas · modifié le " in o for o in listed), listed


# --- presentation ---------------------------------------------------------------------------------


def _slide(at) -> str:
    return next(h.proto.body for h in at.get("html") if "pw-present" in h.proto.body)


def test_the_presentation_shows_one_persona_read_only_and_steps_through(workshop_file):
    at = start("present")
    assert_clean(at)
    ws = at.session_state["app"].workshop
    first = _slide(at)
    assert ws.personas[0].name in first and "Persona 1 sur 4" in first
    assert not at.text_input and not at.text_area  # read-only
    button(at, "Suivant").click().run()
    assert ws.personas[1].name in _slide(at)
    button(at, "Précédent").click().run()
    button(at, "Précédent").click().run()
    assert "Persona 4 sur 4" in _slide(at)


def test_the_presentation_escapes_user_text(app_home, small_sample):
    ws = fake_workshop(2, 30)
    ws.personas[0].name = "<script>alert(1)</script>Zoé"
    ws.personas[0].goals = ["<img src=x onerror=alert(2)>"]
    put_workshop(app_home, ws)
    at = start("present")
    body = _slide(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Zoé" in body and "<script>alert(1)" not in body
    assert "<img src=x" not in body
