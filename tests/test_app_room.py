"""The workshop room: access code, the participant's service kept in the URL, validations by
service, the presentation view, and the Refine page keeping its selection."""
from __future__ import annotations

import pytest

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, button, draft_box, draft_button, edit_field, fake_workshop, pick, put_workshop, shown,
    small_sample, small_sample_dir, start, widget, workshop_file, load_saved,
)


# --- access code ---------------------------------------------------------------------------------


@pytest.fixture
def access_code(monkeypatch, workshop_file):
    from app_pages import gate

    gate.LIMITER.entries.clear()
    monkeypatch.setenv(gate.ACCESS_ENV, "salle-42")
    yield "salle-42"
    gate.LIMITER.entries.clear()


def _nothing_but_the_question(at) -> None:
    text = shown(at)
    assert "Code d'accès de l'atelier" in text
    for word in ("Données", "Affiner", "Atelier personas — test", "Agile", "Enquête"):
        assert word not in text, word
    assert not at.sidebar.children or not [e for e in at.sidebar.get("selectbox")], "no sidebar content"
    assert at.session_state["app"].workshop is None


def _try(at, code: str) -> None:
    widget(at, "text_input", "Code d'accès de l'atelier").set_value(code)
    at.button[0].click().run()


def test_the_access_code_is_asked_before_any_content(access_code):
    at = start()
    assert_clean(at)
    _nothing_but_the_question(at)
    _try(at, "mauvais")
    _nothing_but_the_question(at)
    assert "Code incorrect." in shown(at)
    _try(at, access_code)
    assert_clean(at)
    assert at.title[0].value == "Données de l'atelier"
    assert at.session_state["app"].workshop is not None


def test_wrong_codes_wait_longer_and_longer_and_never_keep_out_a_session_already_in(access_code, monkeypatch):
    from app_pages import gate

    facilitator = start()
    _try(facilitator, access_code)
    assert facilitator.session_state["app"].workshop is not None
    visitor = start()
    for guess in range(gate.FREE_TRIES):
        _try(visitor, f"faux-{guess}")
    assert "réessayez dans 5 s" in shown(visitor)
    _try(visitor, access_code)  # the right code too must wait its turn
    assert visitor.session_state["app"].workshop is None
    assert gate.Limiter.delay_after(gate.FREE_TRIES + 1) == 2 * gate.Limiter.delay_after(gate.FREE_TRIES)
    assert gate.Limiter.delay_after(100) == gate.MAX_DELAY_S
    newcomer = start()  # a new session from the same address waits too: reloading gives no new tries
    assert "réessayez dans" in shown(newcomer)
    facilitator.run()  # meanwhile the facilitator works on
    assert_clean(facilitator)
    assert facilitator.title[0].value == "Données de l'atelier"
    now = __import__("time").monotonic()
    monkeypatch.setattr(gate.time, "monotonic", lambda: now + gate.MAX_DELAY_S + 1)
    _try(newcomer, access_code)
    assert newcomer.session_state["app"].workshop is not None


def test_a_pass_is_signed_expires_and_ends_with_the_code(tmp_path):
    from app_pages import gate

    key = gate.signing_key("salle-42", tmp_path)
    token = gate.issue_pass(key, now=1000.0, hours=1)
    assert gate.valid_pass(key, token, now=1000.0 + 3599)
    assert not gate.valid_pass(key, token, now=1000.0 + 3601)
    assert not gate.valid_pass(gate.signing_key("autre-code", tmp_path), token, now=1001.0)
    assert not gate.valid_pass(key, token[:-2] + "xx", now=1001.0)
    assert not gate.valid_pass(key, None) and not gate.valid_pass(key, "1.2")
    assert gate.signing_key("salle-42", tmp_path) == key  # the secret survives a restart (kept in the folder)
    assert (tmp_path / gate.SECRET_FILE).stat().st_mode & 0o077 == 0


def test_downloads_are_offered_only_behind_the_server_s_guard(access_code):
    at = start()
    _try(at, access_code)
    at.switch_page("app_pages/export.py").run()
    assert "lancez l'application avec « persona-workshop app »" in shown(at)
    assert not at.get("download_button")


def test_without_a_code_the_app_opens_directly(workshop_file, monkeypatch):
    from app_pages import gate

    monkeypatch.delenv(gate.ACCESS_ENV, raising=False)
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
    at.button(key=f"w_say_{pid}_recognised").click().run()
    assert_clean(at)
    other = start("refine")
    other.selectbox(key="w_service").set_value("Action sociale").run()
    other.button(key=f"w_say_{pid}_reservation").click().run()
    assert load_saved(workshop_file).persona(pid).validations.get("Action sociale") is None  # not before its reason
    field = "validation:Action sociale"
    draft_box(other, pid, field).set_value("Ne parle pas des aidants")
    draft_button(other, pid, field, "save").click().run()
    assert_clean(other)
    said = load_saved(workshop_file).persona(pid).validations
    assert said["Accueil"]["status"] == "recognised"
    assert said["Action sociale"] == {**said["Action sociale"], "status": "reservation", "text": "Ne parle pas des aidants"}
    text = shown(other)
    assert "**Accueil** · reconnaît ses usagers dans ce persona" in text
    assert "**Action sociale** · réserve : Ne parle pas des aidants" in text
    assert [e.get("by") for e in load_saved(workshop_file).history[-2:]] == ["Accueil", "Action sociale"]


# --- Refine ---------------------------------------------------------------------------------------


def test_the_selection_is_kept_after_a_rename_and_in_the_url(workshop_file):
    at = start("refine")
    third = at.session_state["app"].workshop.personas[2]
    pick(at, third.id)
    edit_field(at, third.id, "name", "Nouvelle Léa")
    assert at.session_state["app"].selected == third.id
    assert "### Nouvelle Léa" in shown(at)
    assert load_saved(workshop_file).persona(third.id).name == "Nouvelle Léa"
    assert at.query_params["persona"] in (third.id, [third.id])


def test_a_persona_merged_away_by_someone_else_leaves_the_card_on_the_one_it_went_into(workshop_file):
    from personas import operations
    from personas.store import edit_workshop

    at = start("refine")
    pick(at, "P3")
    edit_workshop(workshop_file, lambda ws: operations.merge(ws, "P2", "P3"))
    at.run()
    at.run()
    assert at.session_state["app"].selected == "P2"
    assert "Le persona que vous regardiez a été fusionné dans" in shown(at)


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
