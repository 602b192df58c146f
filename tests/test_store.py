from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from personas_helpers import make_workshop

from personas import operations as op
from personas.model import SCHEMA_VERSION, Note
from personas.store import (
    MIGRATIONS,
    NewerSchemaError,
    dump_workshop,
    edit_workshop,
    load_workshop,
    parse_workshop,
    save_workshop,
)
from workshop_data.errors import ConflictError, WorkshopFileError

TRICKY = [
    "« Méfiant·e » & <b>gras</b>",
    "Cœur, œuvre, Œdipe; naïve — déjà vu…",
    "emoji 🧑‍🦳👩🏽‍💻 🇫🇷",
    "ligne 1\nligne 2\r\nligne 3\n",
    "<script>alert('x')</script> &amp; &lt;",
    "  espaces en tête et en queue  ",
    "yes",
    "null",
    "1.5",
    "'guillemets' \"doubles\" : # pas un commentaire",
    "- pas une liste",
    "...",
    "\u2028\u2029\x85\t",
]


def test_dump_is_deterministic_and_round_trips():
    ws = make_workshop(n_personas=5, n_respondents=70, seed=2)
    text = dump_workshop(ws)
    assert dump_workshop(make_workshop(n_personas=5, n_respondents=70, seed=2)) == text
    back = parse_workshop(text)
    assert back == ws
    assert dump_workshop(back) == text
    assert text.startswith(f"schema_version: {SCHEMA_VERSION}\n")
    assert text.endswith("...\n")


def test_assignment_order_does_not_change_the_bytes():
    ws = make_workshop()
    shuffled = replace(ws, assignments=dict(reversed(list(ws.assignments.items()))))
    assert dump_workshop(shuffled) == dump_workshop(ws)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_survive_save_and_load_verbatim(tmp_path: Path, text: str):
    ws = make_workshop()
    ws = op.rename(ws, "P1", text if text.strip() else "x" + text)
    ws = op.set_field(ws, "P2", "story", text)
    ws = op.set_field(ws, "P2", "goals", [text, "b"])
    ws = op.add_note(ws, "P3", text if text.strip() else "Accueil", text if text.strip() else "note")
    ws = replace(ws, title=text)
    path = tmp_path / "atelier.yaml"
    saved = save_workshop(ws, path)
    loaded = load_workshop(path)
    assert loaded == saved
    assert loaded.personas[1].story == text
    assert loaded.personas[1].goals[0] == text
    assert loaded.title == text
    assert dump_workshop(loaded) == path.read_text(encoding="utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_any_unicode_text_round_trips(text: str):
    ws = make_workshop(n_personas=2, n_respondents=6)
    ws.personas[0].name = text
    ws.personas[0].quote = text
    ws.personas[1].levers = [text]
    ws.personas[1].notes = [Note(id="N1", service=text, text=text, created="2026-01-01T00:00:00Z")]
    back = parse_workshop(dump_workshop(ws))
    assert back == ws
    assert dump_workshop(back) == dump_workshop(ws)


def test_save_bumps_revision_and_updated(tmp_path: Path):
    path = tmp_path / "w.yaml"
    ws = make_workshop()
    first = save_workshop(ws, path)
    assert first.revision == 1
    assert first.updated != ws.updated
    second = save_workshop(first, path, expected_revision=1)
    assert second.revision == 2
    assert load_workshop(path).revision == 2
    assert not list(tmp_path.glob(".w.yaml.*.tmp"))


def test_save_with_stale_revision_is_refused_and_keeps_the_file(tmp_path: Path):
    path = tmp_path / "w.yaml"
    opened = save_workshop(make_workshop(), path)
    other = save_workshop(op.rename(opened, "P1", "Nom de l'autre"), path, expected_revision=opened.revision)
    before = path.read_bytes()
    with pytest.raises(ConflictError) as info:
        save_workshop(op.rename(opened, "P2", "Mon nom"), path, expected_revision=opened.revision)
    assert "changed by someone else" in str(info.value)
    assert f"revision {other.revision}" in str(info.value)
    assert path.read_bytes() == before


def test_save_refuses_an_inconsistent_workshop(tmp_path: Path):
    ws = make_workshop()
    ws.personas[0].size += 1
    with pytest.raises(WorkshopFileError, match="inconsistent"):
        save_workshop(ws, tmp_path / "w.yaml")
    assert not (tmp_path / "w.yaml").exists()


def test_edit_workshop_applies_and_saves(tmp_path: Path):
    path = tmp_path / "w.yaml"
    save_workshop(make_workshop(), path)
    out = edit_workshop(path, lambda ws: op.rename(ws, "P2", "Renommé"))
    assert out.revision == 2
    assert load_workshop(path).personas[1].name == "Renommé"
    assert load_workshop(path).history[-1]["op"] == "rename"


_RACER = """
import sys
from personas import operations as op
from personas.store import edit_workshop
path, worker = sys.argv[1], sys.argv[2]
for i in range(20):
    edit_workshop(path, lambda ws, i=i: op.add_note(ws, "P1", f"Service {worker}", f"note {worker}-{i}"))
"""


def test_two_processes_racing_lose_no_edit(tmp_path: Path):
    path = tmp_path / "w.yaml"
    save_workshop(make_workshop(n_personas=2, n_respondents=12), path)
    start = load_workshop(path)
    racers = [subprocess.Popen([sys.executable, "-c", _RACER, str(path), str(w)], stderr=subprocess.PIPE)
              for w in range(2)]
    errors = [r.communicate(timeout=300)[1].decode() for r in racers]
    assert [r.returncode for r in racers] == [0, 0], errors
    final = load_workshop(path)
    texts = [n.text for n in final.personas[0].notes][len(start.personas[0].notes):]
    assert sorted(texts) == sorted(f"note {w}-{i}" for w in range(2) for i in range(20))
    assert len({n.id for n in final.personas[0].notes}) == len(final.personas[0].notes)
    assert final.revision == start.revision + 40
    assert len(final.history) == 40


# ---------------------------------------------------------------------------------------------
# Hostile and broken files: refused with a message, nothing executed, nothing overwritten


def _saved(tmp_path: Path) -> Path:
    path = tmp_path / "w.yaml"
    save_workshop(make_workshop(), path)
    return path


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9, 0.999])
def test_truncated_file_is_refused(tmp_path: Path, cut: float):
    path = _saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    before = path.read_bytes()
    with pytest.raises(WorkshopFileError) as info:
        load_workshop(path)
    assert str(path) in str(info.value)
    with pytest.raises(WorkshopFileError):
        edit_workshop(path, lambda ws: op.rename(ws, "P1", "x"))
    assert path.read_bytes() == before


def test_truncated_at_a_line_end_is_refused_as_truncated(tmp_path: Path):
    path = _saved(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # drop only the end marker
    with pytest.raises(WorkshopFileError, match="truncated"):
        load_workshop(path)


def test_python_tag_is_refused_and_not_executed(tmp_path: Path):
    marker = tmp_path / "pwned"
    path = tmp_path / "w.yaml"
    text = dump_workshop(make_workshop()).replace(
        "title: Atelier personas — test",
        f"title: !!python/object/apply:os.system ['touch {marker}']",
    )
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(WorkshopFileError) as info:
        load_workshop(path)
    assert "not valid YAML" in str(info.value) or "python" in str(info.value)
    with pytest.raises(WorkshopFileError):
        edit_workshop(path, lambda ws: op.rename(ws, "P1", "x"))
    assert not marker.exists()
    assert path.read_bytes() == before


def test_newer_schema_version_is_refused_and_never_overwritten(tmp_path: Path):
    path = tmp_path / "w.yaml"
    text = dump_workshop(make_workshop()).replace(
        f"schema_version: {SCHEMA_VERSION}", f"schema_version: {SCHEMA_VERSION + 1}", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NewerSchemaError) as info:
        load_workshop(path)
    assert "newer version" in str(info.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in str(info.value)
    with pytest.raises(WorkshopFileError):
        save_workshop(make_workshop(), path)
    with pytest.raises(WorkshopFileError):
        edit_workshop(path, lambda ws: op.rename(ws, "P1", "x"))
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.replace("schema_version: 1\n", "", 1), "schema_version is missing"),
        (lambda t: t.replace("schema_version: 1\n", "schema_version: -3\n", 1), "unknown schema version"),
        (lambda t: t.replace("schema_version: 1\n", "schema_version: deux\n", 1), "whole number"),
        (lambda t: t.replace("  size: ", "  size: beaucoup #", 1), "'size' has the wrong type"),
        (lambda t: t.replace("- id: P1\n", "- id: P1\n  couleur: bleu\n", 1), "unknown field couleur"),
        (lambda t: t.replace("  R0001: ", "  R0001: P9 #", 1), "unknown personas: P9"),
        (lambda t: "- just\n- a list\n...\n", "not a workshop file"),
    ],
)
def test_invalid_content_is_refused_with_a_clear_message(change, message):
    text = change(dump_workshop(make_workshop()))
    with pytest.raises(WorkshopFileError) as info:
        parse_workshop(text, file="w.yaml")
    assert message in str(info.value)
    assert "w.yaml" in str(info.value)


def test_missing_and_binary_files_are_refused(tmp_path: Path):
    with pytest.raises(WorkshopFileError, match="file not found"):
        load_workshop(tmp_path / "absent.yaml")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(WorkshopFileError, match="UTF-8"):
        load_workshop(binary)


V0 = """\
schema_version: 0
title: Atelier de 2025
lang: fr
created: '2025-03-01T10:00:00Z'
personas:
- id: P1
  name: Agile
  members: [a1, a2, a3]
  notes:
    Accueil: [On les voit peu.]
    État civil: [Utilisent le téléservice, Demandent des rappels]
- id: P2
  name: Mal informé·e
  members: [b1, b2]
"""


def test_version_0_is_migrated():
    assert 0 in MIGRATIONS
    ws = parse_workshop(V0, file="ancien.yaml")
    assert ws.schema_version == SCHEMA_VERSION
    assert ws.assignments == {"a1": "P1", "a2": "P1", "a3": "P1", "b1": "P2", "b2": "P2"}
    assert [p.size for p in ws.personas] == [3, 2]
    assert [(n.service, n.text) for n in ws.personas[0].notes] == [
        ("Accueil", "On les voit peu."),
        ("État civil", "Utilisent le téléservice"),
        ("État civil", "Demandent des rappels"),
    ]
    assert parse_workshop(dump_workshop(ws)) == ws


def test_migrated_file_is_saved_in_the_current_version(tmp_path: Path):
    path = tmp_path / "ancien.yaml"
    path.write_text(V0, encoding="utf-8")
    edit_workshop(path, lambda ws: op.rename(ws, "P2", "Mal informé·e (2025)"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"schema_version: {SCHEMA_VERSION}\n")
    assert load_workshop(path).personas[1].name == "Mal informé·e (2025)"



def test_a_file_edited_on_windows_still_loads(tmp_path: Path):
    path = _saved(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_workshop(path).personas == load_workshop(_saved(tmp_path / "b")).personas


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:  # a sparse file: takes no disk space
        handle.write(b"schema_version: 1\n")
        handle.truncate(1_000_000_000)
    with pytest.raises(WorkshopFileError, match="too large"):
        load_workshop(path)


# --- several people at once: edits made on an outdated view -------------------------------------


@pytest.fixture
def shared(tmp_path: Path):
    """A saved workshop and two views of it, as two browsers opened it."""
    path = tmp_path / "atelier.yaml"
    saved = save_workshop(make_workshop(4, 60, seed=2), path)
    return path, saved


def test_an_edit_on_a_current_view_is_saved_as_is(shared) -> None:
    from personas.store import edit_from_view

    path, view = shared
    out = edit_from_view(path, view, lambda ws: op.rename(ws, "P1", "Alice"))
    assert out.revision == view.revision + 1 and load_workshop(path).persona("P1").name == "Alice"


@pytest.mark.parametrize("mine", [
    lambda ws: op.set_field(ws, "P1", "story", "Mon histoire"),       # same persona, another field
    lambda ws: op.rename(ws, "P2", "Bob"),                              # another persona
    lambda ws: op.add_note(ws, "P1", "Accueil", "Vu au guichet"),       # a note
    lambda ws: op.set_validation(ws, "P1", "Accueil", "recognised"),
])
def test_an_edit_on_an_outdated_view_is_merged_when_it_touches_another_part(shared, mine) -> None:
    from personas.store import edit_from_view

    path, view = shared
    edit_from_view(path, view, lambda ws: op.add_note(op.rename(ws, "P1", "Alice"), "P1", "CCAS", "Note A"))
    out = edit_from_view(path, view, mine)  # made on the view from before the rename
    disk = load_workshop(path)
    assert disk.persona("P1").name == "Alice" and "Note A" in [n.text for n in disk.persona("P1").notes]
    assert disk.revision == out.revision == view.revision + 2
    expected = mine(view)
    for persona in expected.personas:
        for field in ("story", "name", "validations"):
            if getattr(persona, field) != getattr(view.persona(persona.id), field):
                assert getattr(disk.persona(persona.id), field) == getattr(persona, field)
    assert len(disk.history) == len(view.history) + 3  # rename and note A, then mine


def test_two_notes_added_at_once_are_both_kept(shared) -> None:
    from personas.store import edit_from_view

    path, view = shared
    edit_from_view(path, view, lambda ws: op.add_note(ws, "P1", "Accueil", "première"))
    edit_from_view(path, view, lambda ws: op.add_note(ws, "P1", "CCAS", "seconde"))
    notes = load_workshop(path).persona("P1").notes
    assert [n.text for n in notes][-2:] == ["première", "seconde"] and len({n.id for n in notes}) == len(notes)


@pytest.mark.parametrize(("theirs", "mine"), [
    (lambda ws: op.rename(ws, "P1", "Alice"), lambda ws: op.rename(ws, "P1", "Alicia")),
    (lambda ws: op.set_validation(ws, "P1", "Accueil", "recognised"),
     lambda ws: op.set_validation(ws, "P1", "Accueil", "reservation", "trop jeune")),
    (lambda ws: op.merge(ws, "P1", "P2"), lambda ws: op.rename(ws, "P2", "Bob")),  # P2 is gone
])
def test_an_edit_that_collides_is_refused_and_nothing_is_lost(shared, theirs, mine) -> None:
    from personas.store import edit_from_view

    path, view = shared
    first = edit_from_view(path, view, theirs)
    with pytest.raises(ConflictError) as info:
        edit_from_view(path, view, mine)
    assert info.value.found
    assert dump_workshop(load_workshop(path)) == dump_workshop(first)


def test_undo_on_an_outdated_view_is_refused_without_rebase(shared) -> None:
    from personas.store import edit_from_view

    path, view = shared
    view = edit_from_view(path, view, lambda ws: op.rename(ws, "P3", "C"))
    edit_from_view(path, view, lambda ws: op.rename(ws, "P2", "Bob"))
    with pytest.raises(ConflictError, match="not saved"):
        edit_from_view(path, view, op.undo, rebase=False)
    assert load_workshop(path).persona("P2").name == "Bob"


def test_changed_parts_name_fields_notes_validations_and_structure() -> None:
    from personas.store import changed_parts

    ws = make_workshop(4, 60, seed=2)
    ws = op.add_note(ws, "P1", "Accueil", "a")
    note = ws.persona("P1").notes[0].id
    assert changed_parts(ws, op.rename(ws, "P1", "X")) == {("P1", "name")}
    assert changed_parts(ws, op.edit_note(ws, "P1", note, "b")) == {("P1", "note", note)}
    assert changed_parts(ws, op.add_note(ws, "P1", "CCAS", "c")) == set()
    assert changed_parts(ws, op.set_validation(ws, "P2", "CCAS", "recognised")) == {("P2", "validation", "CCAS")}
    merged = changed_parts(ws, op.merge(ws, "P1", "P2"))
    assert {("P2", "*"), ("order",), ("assignments",), ("P1", "size")} <= merged
