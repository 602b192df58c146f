"""Edits addressed to one field of one persona: applied only from what the person saw, signed, and
never recorded for anyone who did not make them, whatever the interleaving of several sessions."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from personas_helpers import make_features, make_workshop

from personas import operations as op
from personas.edits import NEW_NOTE, FieldConflict, FieldEdit, apply_field_edit, current_value, merged_into
from personas.store import edit_from_view, load_workshop, save_workshop, submit_edit
from workshop_data.errors import ConflictError, DataError

WS = make_workshop(n_personas=4, n_respondents=60, seed=0)
FEATURES = make_features(WS, seed=0)


def test_an_edit_from_the_current_value_is_applied_and_signed():
    edit = FieldEdit("P2", "story", WS.persona("P2").story, "Un récit.", by="Accueil")
    out = apply_field_edit(WS, edit)
    assert out.persona("P2").story == "Un récit."
    assert out.history[-1]["op"] == "set" and out.history[-1]["by"] == "Accueil"
    assert [p.story for p in out.personas if p.id != "P2"] == [p.story for p in WS.personas if p.id != "P2"]


def test_an_edit_from_a_value_the_field_no_longer_holds_is_refused_with_who_changed_it():
    theirs = apply_field_edit(WS, FieldEdit("P1", "goals", WS.persona("P1").goals, "Le leur", by="État civil"))
    mine = FieldEdit("P1", "goals", WS.persona("P1").goals, "Le mien\nEt un autre", by="Accueil")
    with pytest.raises(FieldConflict) as caught:
        apply_field_edit(theirs, mine)
    assert caught.value.current == ["Le leur"] and caught.value.changed_by == "État civil"
    assert isinstance(caught.value, ConflictError)


def test_an_edit_that_changes_nothing_records_nothing():
    same = FieldEdit("P3", "name", WS.persona("P3").name, f"  {WS.persona('P3').name} ", by="Accueil")
    assert apply_field_edit(WS, same) is WS


def test_list_fields_compare_as_lists_whatever_the_line_breaks():
    base = "\n".join(WS.persona("P1").needs) + "\n\n"
    out = apply_field_edit(WS, FieldEdit("P1", "needs", base, "Un besoin", by="Accueil"))
    assert out.persona("P1").needs == ["Un besoin"]


def test_notes_validations_archetype_and_validated_are_fields_too():
    ws = apply_field_edit(WS, FieldEdit("P1", NEW_NOTE, None, "Une note", by="Accueil"))
    note = ws.persona("P1").notes[-1]
    assert (note.service, note.text, ws.history[-1]["by"]) == ("Accueil", "Une note", "Accueil")
    ws = apply_field_edit(ws, FieldEdit("P1", f"note:{note.id}", "Une note", "Une note revue", by="CCAS"))
    with pytest.raises(FieldConflict):  # removing the note as it was before the edit
        apply_field_edit(ws, FieldEdit("P1", f"note:{note.id}", "Une note", None, by="Accueil"))
    ws = apply_field_edit(ws, FieldEdit("P1", f"note:{note.id}", "Une note revue", None, by="Accueil"))
    assert current_value(ws, "P1", f"note:{note.id}") is None
    said = {"status": "reservation", "text": "Trop jeune"}
    ws = apply_field_edit(ws, FieldEdit("P2", "validation:Accueil", None, said, by="Accueil"))
    assert ws.persona("P2").validations["Accueil"]["text"] == "Trop jeune"
    ws = apply_field_edit(ws, FieldEdit("P2", "validated", False, True, by="Accueil"))
    ws = apply_field_edit(ws, FieldEdit("P2", "archetype", ws.persona("P2").archetype, None, by="Accueil"))
    assert ws.persona("P2").validated is True and ws.persona("P2").archetype is None
    assert {e.get("by") for e in ws.history[len(WS.history):]} == {"Accueil", "CCAS"}


def test_an_edit_on_a_persona_merged_away_is_refused_and_says_where_it_went():
    merged = edit_from_view_free(op.merge(WS, "P1", "P2"), by="CCAS")
    with pytest.raises(FieldConflict) as caught:
        apply_field_edit(merged, FieldEdit("P2", "story", WS.persona("P2").story, "Trop tard", by="Accueil"))
    assert caught.value.gone and caught.value.changed_by == "CCAS"
    assert merged_into(merged, "P2") == "P1"


def edit_from_view_free(ws, by):
    from personas.edits import signed

    return signed(ws, WS, by)


def test_undo_and_redo_keep_the_author_and_say_who_undid(tmp_path: Path):
    path = tmp_path / "atelier.yaml"
    save_workshop(WS, path)
    submit_edit(path, FieldEdit("P1", "name", WS.persona("P1").name, "Léa", by="Accueil"))
    view = load_workshop(path)
    edit_from_view(path, view, op.undo, rebase=False, by="CCAS")
    undone = load_workshop(path)
    assert undone.persona("P1").name == WS.persona("P1").name
    assert undone.redo[-1]["by"] == "Accueil" and undone.redo[-1]["undone_by"] == "CCAS"
    edit_from_view(path, undone, op.redo, rebase=False, by="État civil")
    redone = load_workshop(path)
    assert redone.history[-1]["by"] == "Accueil" and redone.history[-1]["redone_by"] == "État civil"


# ---------------------------------------------------------------------------------------------
# Several sessions, any interleaving: the file holds exactly the edits that were made


SESSIONS = ("Accueil", "État civil", "CCAS")
TEXT_FIELDS = ("name", "quote", "story", "goals", "needs")
WORDS = st.sampled_from(["", "a", "b", "Léa", "deux\nlignes", "  espacé  ", "c"])
ACTION = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(["P1", "P2", "P3", "P4"]),
              st.sampled_from(TEXT_FIELDS), WORDS),
    st.tuples(st.just("note"), st.integers(0, 2), st.sampled_from(["P1", "P2", "P3", "P4"]), WORDS),
    st.tuples(st.just("refresh"), st.integers(0, 2)),
    st.tuples(st.just("undo"), st.integers(0, 2)),
    st.tuples(st.just("redo"), st.integers(0, 2)),
    st.tuples(st.just("merge"), st.integers(0, 2), st.sampled_from(["P1", "P2", "P3", "P4"]),
              st.sampled_from(["P1", "P2", "P3", "P4"])),
)


def _sig(entry: dict) -> tuple:
    args = entry["args"]
    field = args.get("field") or {"rename": "name", "note": "note"}.get(entry["op"], entry["op"])
    value = args.get("value", args.get("name", args.get("text", args.get("other"))))
    return entry.get("by"), entry["op"], args.get("persona", args.get("keep")), field, value


def _narrative(ws) -> list:
    return [(p.id, p.name, p.quote, p.story, p.goals, p.needs, [n.text for n in p.notes], p.size) for p in ws.personas]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTION, min_size=1, max_size=30))
def test_no_interleaving_of_sessions_records_an_edit_nobody_made(tmp_path_factory, actions):
    path = tmp_path_factory.mktemp("room") / "atelier.yaml"
    save_workshop(WS, path)
    views = {s: load_workshop(path) for s in SESSIONS}
    history: list[tuple] = []  # what the sessions did, as the file must record it
    redo: list[tuple] = []
    for action in actions:
        kind, who = action[0], SESSIONS[action[1]]
        view = views[who]
        try:
            if kind == "edit":
                _, _, pid, field, value = action
                if pid not in {p.id for p in view.personas}:
                    continue
                edit = FieldEdit(pid, field, current_value(view, pid, field), value, by=who)
                before = load_workshop(path)
                saved, changed = submit_edit(path, edit)
                if changed:
                    entry = saved.history[-1]
                    history.append(_sig(entry))
                    redo.clear()
                    assert current_value(saved, pid, field) == current_value(
                        apply_field_edit(before, edit), pid, field)
            elif kind == "note":
                _, _, pid, text = action
                saved, _ = submit_edit(path, FieldEdit(pid, NEW_NOTE, None, text, by=who))
                history.append(_sig(saved.history[-1]))
                redo.clear()
            elif kind == "refresh":
                views[who] = load_workshop(path)
                continue
            elif kind in ("undo", "redo"):
                saved = edit_from_view(path, view, op.undo if kind == "undo" else op.redo, rebase=False, by=who)
                (redo if kind == "undo" else history).append((history if kind == "undo" else redo).pop())
            else:
                _, _, keep, other = action
                saved = edit_from_view(path, view, lambda ws, keep=keep, other=other: op.merge(ws, keep, other, features=FEATURES), by=who)
                history.append(_sig(saved.history[-1]))
                redo.clear()
            views[who] = saved
        except (ConflictError, DataError):
            views[who] = load_workshop(path)  # refused: the session is shown the file as it is
        on_file = load_workshop(path)
        assert [_sig(e) for e in on_file.history] == history
        assert [_sig(e) for e in on_file.redo] == redo
        assert all(e.get("by") in SESSIONS for e in on_file.history + on_file.redo)
    final = load_workshop(path)
    ws = final
    while ws.history:
        ws = op.undo(ws)
    assert _narrative(ws) == _narrative(WS)
    assert dict(ws.assignments) == dict(WS.assignments)
    for _ in final.history:
        ws = op.redo(ws)
    assert _narrative(ws) == _narrative(final) and [asdict(p) for p in ws.personas] == [asdict(p) for p in final.personas]


def test_a_view_saves_reading_the_file_only_while_it_is_the_revision_on_disk(tmp_path: Path):
    path = tmp_path / "atelier.yaml"
    view = save_workshop(WS, path)
    submit_edit(path, FieldEdit("P1", "story", WS.persona("P1").story, "Par un autre", by="CCAS"))
    saved, changed = submit_edit(path, FieldEdit("P2", "story", WS.persona("P2").story, "Le mien", by="Accueil"),
                                 view=view)  # an outdated view: the file as it is now is edited
    assert changed and saved.persona("P1").story == "Par un autre" and saved.persona("P2").story == "Le mien"
    assert load_workshop(path).persona("P1").story == "Par un autre"
