"""A workshop session in three real browsers, compressed: two services editing fast, and the shared screen.

Accueil and État civil each have their own browser context (own session) on Refine; the shared
screen shows Présenter at 1920×1080. They run a scripted session of 60-odd edits with no pause
between actions: quick renames of one persona, two fields of one persona at once, the same field
at once, typing while others save (on the same persona, the same field, a rename, a merge), notes
added at once, archetype and validation, undo and redo, merge, split and move. After each step the
workshop file must hold exactly the edits made, on the personas they were made on (signed by the
service that made them): an edit nobody made, or one landing on another persona, fails the test.
Text a participant typed must still be in their box, or shown beside it with a choice.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from room_helpers import Expected, Participant, one, signature

from app_helpers import built_workshop_file, put_workshop, small_sample_dir  # noqa: F401  (fixtures)
from test_browser import CHROMIUM, CHROMIUM_ARGS, _shot, running_app

pytestmark = pytest.mark.browser

A, B = "Accueil", "État civil"


@pytest.fixture
def session_room(tmp_path: Path, small_sample_dir: Path, built_workshop_file: Path):  # noqa: F811
    path = put_workshop(tmp_path / "home", built_workshop_file, name="atelier.yaml")
    with running_app(tmp_path / "home", small_sample_dir, tmp_path / "streamlit.log") as url:
        yield url, path


def _both_made(expected: Expected, *sigs: tuple, step: str) -> None:
    """Two edits sent at once: both recorded, in the order the server took them."""
    deadline = time.monotonic() + 30
    while True:
        ws = expected.load()
        last = [signature(e) for e in ws.history[len(expected.history):]]
        if sorted(last, key=repr) == sorted(sigs, key=repr):
            expected.history.extend(last)
            expected.redo.clear()
            expected.check(step)
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"after {step!r}: expected {sigs}, file has {last}")
        time.sleep(0.1)


def _value(expected: Expected, pid: str, field: str):
    from personas.edits import current_value

    return current_value(expected.load(), pid, field)


def _kept_typing(person: Participant, pid: str, field: str, text: str) -> None:
    """What the person typed is still in their box, and the box still has the focus."""
    box = person.typing_box(pid, field)
    assert box.input_value() == text
    assert box.evaluate("e => document.activeElement === e"), "the box lost the focus"


def test_a_compressed_workshop_session_records_exactly_the_edits_made(session_room) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, path = session_room
    expected = Expected(path)
    ws = expected.check("opening")
    p1, p2, p3, p4 = (p.id for p in ws.personas)
    expect.set_options(timeout=30_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        a = Participant(browser, url, A)
        b = Participant(browser, url, B)
        screen = Participant(browser, url, "", path="presenter", viewport={"width": 1920, "height": 1080})
        try:
            _session(expected, a, b, screen, p1, p2, p3, p4)
        except BaseException:
            for person, name in ((a, "session-A-failed"), (b, "session-B-failed"), (screen, "session-screen-failed")):
                _shot(person.page, name)
            raise
        browser.close()


def _session(expected: Expected, a: Participant, b: Participant, screen: Participant,
             p1: str, p2: str, p3: str, p4: str) -> None:
    from playwright.sync_api import expect

    if True:

        # 1. Quick renames of one persona: every one lands on it, the card stays on it.
        a.pick(p4)
        for i in range(1, 6):
            a.write(p4, "name", f"Nom rapide {i}")
            expected.made(A, "rename", p4, "name", f"Nom rapide {i}")
            expected.check(f"rename {i}")
            expect(a.card(p4)).to_be_visible()
        expect(b.card(p1)).to_be_visible()  # the other person's card never moved

        # 2. Two fields of the same persona at once: both kept.
        b.pick(p4)
        a.open(p4, "story")
        b.open(p4, "goals")
        a.type(p4, "story", "Récit écrit par Accueil")
        b.type(p4, "goals", "Objectif un\nObjectif deux")
        a.save(p4, "story")
        b.save(p4, "goals")
        _both_made(expected, (A, "set", p4, "story", "Récit écrit par Accueil"),
                   (B, "set", p4, "goals", ("Objectif un", "Objectif deux")), step="two fields at once")

        # 3. The same field at once: one is saved; the other keeps their text beside a choice,
        # keeps it, and saves it over the first.
        a.open(p4, "quote")
        b.open(p4, "quote")
        a.type(p4, "quote", "Citation d'Accueil")
        b.type(p4, "quote", "Citation d'État civil")
        a.save(p4, "quote")
        b.save(p4, "quote")
        deadline = time.monotonic() + 30
        while _value(expected, p4, "quote") not in ("Citation d'Accueil", "Citation d'État civil"):
            assert time.monotonic() < deadline, "neither quote was saved"
            time.sleep(0.1)
        kept = _value(expected, p4, "quote")
        first, later = (a, b) if kept == "Citation d'Accueil" else (b, a)
        refused = "Citation d'État civil" if later is b else "Citation d'Accueil"
        expected.made(first.service, "set", p4, "quote", kept)
        expected.check("the same field at once")
        expect(later.notice(p4, "quote")).to_contain_text(f"{first.service} a modifié ce champ")
        expect(later.notice(p4, "quote")).to_contain_text("n'a pas été enregistré")
        assert later.typing_box(p4, "quote").input_value() == refused
        later.click_until(p4, "quote", "Garder mon texte", lambda: later.notice(p4, "quote").count() == 0)
        later.idle()
        later.save(p4, "quote")
        expected.made(later.service, "set", p4, "quote", refused)
        expected.check("the refused quote kept and saved")
        _shot(later.page, "session-conflict-chosen")

        # 4. Typing while someone saves: another field of the same persona, then the same field.
        b.open(p4, "needs")
        b.type(p4, "needs", "Brouillon d'État civil")
        a.write(p4, "frustrations", "Frustration d'Accueil")
        expected.made(A, "set", p4, "frustrations", ("Frustration d'Accueil",))
        expected.check("a save while someone types")
        expect(b.box(p4, "frustrations")).to_contain_text("Frustration d'Accueil")  # seen live
        b.idle()
        _kept_typing(b, p4, "needs", "Brouillon d'État civil")
        a.write(p4, "needs", "Besoin d'Accueil")
        expected.made(A, "set", p4, "needs", ("Besoin d'Accueil",))
        expected.check("a save of the field someone types in")
        expect(b.notice(p4, "needs")).to_contain_text("Accueil a modifié ce champ : « Besoin d'Accueil »")
        assert b.typing_box(p4, "needs").input_value() == "Brouillon d'État civil"
        _shot(b.page, "session-incoming-change")
        b.click_in(p4, "needs", "Prendre ce texte")
        b.idle()
        expect(b.typing_box(p4, "needs")).to_have_value("Besoin d'Accueil")
        b.click_in(p4, "needs", "Abandonner")
        expected.check("their text taken, nothing saved")

        # 5. Notes added at once on one persona; one edited by the other service, one removed.
        a.pick(p1)
        b.pick(p1)
        a.add_note(p1, "Note d'Accueil")
        b.add_note(p1, "Note d'État civil")
        _both_made(expected, (A, "note", p1, "note:new", "Note d'Accueil"), (B, "note", p1, "note:new", "Note d'État civil"),
                   step="two notes at once")
        notes = {n.text: n.id for n in expected.load().persona(p1).notes}
        theirs, ours = notes["Note d'État civil"], notes["Note d'Accueil"]
        a.write(p1, f"note:{theirs}", "Note d'État civil, précisée par Accueil")
        expected.made(A, "edit_note", p1, f"note:{theirs}", "Note d'État civil, précisée par Accueil")
        expected.check("a note edited")
        b.remove_note(p1, ours)
        expected.made(B, "remove_note", p1, f"note:{ours}", None)
        expected.check("a note removed")

        # 6. A note typed while someone renames the persona: still there, then added. A note typed on
        # one persona does not follow the person to another.
        b.pick(p3)
        one(b.page.locator(f".st-key-w_note_form_{p3} textarea:visible")).fill("Brouillon de note sur un autre persona")
        b.pick(p2)
        assert one(b.page.locator(f".st-key-w_note_form_{p2} textarea:visible")).input_value() == ""
        one(b.page.locator(f".st-key-w_note_form_{p2} textarea:visible")).fill("Note tapée pendant un renommage")
        a.pick(p2)
        a.write(p2, "name", "Renommé pendant la note")
        expected.made(A, "rename", p2, "name", "Renommé pendant la note")
        expected.check("a rename while someone types a note")
        expect(b.page.locator(f".st-key-w_pick_{p2} button")).to_have_text("Renommé pendant la note")
        b.idle()
        assert one(b.page.locator(f".st-key-w_note_form_{p2} textarea:visible")).input_value() == "Note tapée pendant un renommage"
        one(b.page.locator(f".st-key-w_note_form_{p2}").get_by_role("button", name="Ajouter la note", exact=True)).click()
        expected.made(B, "note", p2, "note:new", "Note tapée pendant un renommage")
        expected.check("the note typed during the rename")

        # 7. Choices: validated and archetype, each on its own persona, at once.
        a.press(f"w_valid_{p2}")
        b.archetype(p2, None)
        _both_made(expected, (A, "validate", p2, "validated", True), (B, "archetype", p2, "archetype", None),
                   step="validated and archetype")

        # 8. Undo and redo, each by one service, signed.
        a.sees(expected.load().revision)  # undo acts on the last edit: the one the person sees
        a.toolbar("w_undo")
        expected.undone()
        expected.check("undo")
        b.sees(expected.load().revision)
        b.toolbar("w_redo")
        expected.redone()
        expected.check("redo")
        on_file = expected.load()
        assert on_file.history[-1].get("undone_by") == A and on_file.history[-1].get("redone_by") == B

        # 9. A merge while the other types on the merged persona: their text is shown, not lost.
        b.pick(p3)
        b.open(p3, "story")
        b.type(p3, "story", "Texte sur un persona qui va disparaître")
        a.open_section("w_open_merge")
        a.choose("w_merge_a", f"{_name(expected, p1)} ({expected.load().persona(p1).size})")
        a.choose("w_merge_b", f"{_name(expected, p3)} ({expected.load().persona(p3).size})")
        a.confirm("Fusionner…")
        a.confirm("Confirmer la fusion")
        expected.made(A, "merge", p1, p3, None)
        expected.check("merge")
        expect(b.page.get_by_text("Texte sur un persona qui va disparaître", exact=False).first).to_be_visible()
        expect(b.page.get_by_text("a été fusionné ou retiré", exact=False)).to_be_visible()
        _shot(b.page, "session-merged-away")
        b.confirm("J'ai noté")

        # 10. A split by one, a move by the other.
        b.pick(p1)
        one(b.page.locator(f".st-key-w_split_{p1} button:visible")).click()
        b.confirm("Confirmer la scission")
        expected.made(B, "split", p1, None, None)
        on_file = expected.check("split")
        new = next(p.id for p in on_file.personas if p.id not in (p1, p2, p4))
        a.pick(p2)
        a.open_section("w_open_move")
        a.choose("w_move_op", "supérieur ou égal à")
        a.choose("w_move_to", f"{_name(expected, p4)} ({expected.load().persona(p4).size})")
        one(a.page.locator(".st-key-w_move_value input")).fill("55")
        one(a.page.locator(".st-key-w_move_value input")).press("Enter")
        a.idle()
        a.confirm("Déplacer")
        expect(a.page.get_by_text("Déplacer", exact=False).filter(has_text="répondants de")).to_be_visible()
        a.confirm("Confirmer le déplacement")
        expected.made(A, "move", p4, p2, None)
        expected.check("move")

        # 11. A fast stretch: both services, different personas, each edit checked as it lands.
        targets = [p1, p2, p4, new]
        for i in range(16):
            pa, pb = targets[i % 4], targets[(i + 2) % 4]
            a.pick(pa)
            b.pick(pb)
            field_a = ("goals", "levers", "story")[i % 3]
            field_b = ("needs", "frustrations", "name")[i % 3]
            text_a = "\n".join(f"Point {j} d'Accueil, tour {i}" for j in range(1, 6)) if field_a != "story" else f"Récit {i}"
            text_b = f"État civil {i}"
            a.write(pa, field_a, text_a)
            b.write(pb, field_b, text_b)
            value_a = tuple(text_a.split("\n")) if field_a != "story" else text_a
            value_b = (text_b,) if field_b != "name" else text_b
            _both_made(expected, (A, "set", pa, field_a, value_a),
                       (B, "rename" if field_b == "name" else "set", pb, field_b, value_b), step=f"stretch {i}")
        final = expected.check("end of the session")
        assert len(final.history) + len(final.redo) >= 50, len(final.history)
        assert {e.get("by") for e in final.history + final.redo} == {A, B}

        # 12. The shared screen followed, and shows a whole list.
        first = final.personas[0]
        expect(screen.page.get_by_text(first.name, exact=True).first).to_be_visible()
        for item in first.levers or first.goals:
            expect(screen.page.get_by_text(item, exact=True).first).to_be_visible()
        for person, name in ((a, "session-A-end"), (b, "session-B-end"), (screen, "session-screen-end")):
            _shot(person.page, name)


def _name(expected: Expected, pid: str) -> str:
    return expected.load().persona(pid).name
