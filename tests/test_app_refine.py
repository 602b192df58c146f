"""Refine page: rename, note, merge, undo, validate; every edit saved at once and back after a reload."""
from __future__ import annotations

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, built_workshop_file, button, fake_workshop, put_workshop, shown, small_sample,
    small_sample_dir, start,
    widget, workshop_file, load_saved,
)


def test_rename_is_saved_at_once_and_survives_a_reload(workshop_file):
    at = start("refine")
    assert_clean(at)
    first = at.session_state["app"].workshop.personas[0]
    name = widget(at, "text_input", "Nom")
    assert name.value == first.name
    name.set_value("Léa « pressée » <b>& co</b>").run()
    assert_clean(at)
    assert at.session_state["app"].workshop.persona(first.id).name == "Léa « pressée » <b>& co</b>"
    assert load_saved(workshop_file).persona(first.id).name == "Léa « pressée » <b>& co</b>"
    assert "Persona renommé." in shown(at)
    again = start("refine")
    assert widget(again, "text_input", "Nom").value == "Léa « pressée » <b>& co</b>"


def test_note_signed_by_the_chosen_service(workshop_file):
    at = start("refine")
    pid = at.session_state["app"].workshop.personas[1].id
    at.radio(key="w_pick").set_value(pid).run()
    at.selectbox(key="w_service").set_value("État civil").run()
    widget(at, "text_area", "Nouvelle note").set_value("Beaucoup d'appels pour les actes de naissance.")
    button(at, "Ajouter la note").click().run()
    assert_clean(at)
    notes = load_saved(workshop_file).persona(pid).notes
    assert [(n.service, n.text) for n in notes][-1] == ("État civil", "Beaucoup d'appels pour les actes de naissance.")
    assert "Beaucoup d'appels pour les actes de naissance." in shown(at)


def test_note_needs_a_service(workshop_file):
    at = start("refine")
    before = len(at.session_state["app"].workshop.personas[0].notes)
    widget(at, "text_area", "Nouvelle note").set_value("Sans service")
    button(at, "Ajouter la note").click().run()
    assert "Choisissez votre service dans la barre latérale" in shown(at)
    assert len(load_saved(workshop_file).personas[0].notes) == before


def test_merge_then_undo_then_redo(workshop_file):
    at = start("refine")
    ws = at.session_state["app"].workshop
    keep, other = ws.personas[0].id, ws.personas[1].id
    total = ws.personas[0].size + ws.personas[1].size
    at.selectbox(key="w_merge_a").set_value(keep)
    at.selectbox(key="w_merge_b").set_value(other)
    button(at, "Fusionner…").click().run()
    assert_clean(at)
    assert load_saved(workshop_file).revision == ws.revision  # asked first, with the sizes before and after
    asked = shown(at)
    a, b = ws.personas[0], ws.personas[1]
    assert f"{a.name} ({a.size}) + {b.name} ({b.size})" in asked and f"{a.name} ({total})" in asked
    button(at, "Confirmer la fusion").click().run()
    assert_clean(at)
    merged = load_saved(workshop_file)
    assert len(merged.personas) == 3 and merged.persona(keep).size == total
    assert "Personas fusionnés." in shown(at)
    button(at, "Annuler").click().run()
    restored = load_saved(workshop_file)
    assert [p.id for p in restored.personas] == [p.id for p in ws.personas]
    assert "Modification annulée." in shown(at)
    button(at, "Rétablir").click().run()
    assert len(load_saved(workshop_file).personas) == 3


def test_validate_and_archetype_change(workshop_file):
    at = start("refine")
    pid = at.session_state["app"].workshop.personas[0].id
    widget(at, "toggle", "Validé par le groupe").set_value(True).run()
    assert load_saved(workshop_file).persona(pid).validated is True
    at.selectbox(key=f"w_arch_{pid}").set_value("").run()
    assert load_saved(workshop_file).persona(pid).archetype is None
    assert_clean(at)


def test_conflicting_save_is_reported_not_lost(workshop_file):
    from personas import operations
    from personas.store import edit_workshop

    at = start("refine")
    pid = at.session_state["app"].workshop.personas[0].id
    edit_workshop(workshop_file, lambda ws: operations.rename(ws, pid, "Renommé ailleurs"))
    widget(at, "text_input", "Nom").set_value("Renommé ici").run()
    assert "Quelqu'un d'autre a modifié la même chose entre-temps" in shown(at)
    assert "Ce que vous aviez saisi : « Renommé ici »" in shown(at)
    assert load_saved(workshop_file).persona(pid).name == "Renommé ailleurs"
    assert at.session_state["app"].workshop.persona(pid).name == "Renommé ailleurs"


def test_reopen_a_saved_workshop(workshop_file, app_home):
    other = put_workshop(app_home, fake_workshop(3, 40), name="autre.yaml")
    (app_home / "last-workshop.txt").write_text(str(workshop_file), encoding="utf-8")
    at = start("refine")
    assert len(at.session_state["app"].workshop.personas) == 4
    at.selectbox(key="w_reopen").set_value(str(other))
    button(at, "Ouvrir").click().run()
    assert len(at.session_state["app"].workshop.personas) == 3
    assert "Atelier ouvert : autre.yaml" in shown(at)


def test_split_and_move_use_the_workshops_own_data(app_home, small_sample, built_workshop_file):
    """A workshop built from the (small) sample finds its survey again by content hash."""
    path = put_workshop(app_home, built_workshop_file)
    at = start("refine")
    ws = at.session_state["app"].workshop
    first = ws.personas[0]
    button(at, "Scinder en deux…").click().run()
    assert_clean(at)
    assert load_saved(path).revision == ws.revision and "Confirmer la scission" in shown(at)
    button(at, "Confirmer la scission").click().run()
    assert_clean(at)
    split = load_saved(path)
    assert len(split.personas) == len(ws.personas) + 1
    assert "Persona scindé en deux." in shown(at)
    assert sum(p.size for p in split.personas) == len(ws.assignments)
    at.radio(key="w_pick").set_value(first.id).run()
    at.selectbox(key="w_move_trait").set_value("autonomy")
    at.selectbox(key="w_move_op").set_value(">=")
    at.number_input(key="w_move_value").set_value(50)
    target = split.personas[-1].id
    at.selectbox(key="w_move_to").set_value(target)
    button(at, "Déplacer").click().run()
    assert not at.exception
    moved = load_saved(path)
    from personas.model import invariant_problems

    assert not invariant_problems(moved)
    if "Répondants déplacés." in shown(at):
        assert moved.persona(target).size > split.persona(target).size
    else:  # nobody matched, or the move would have emptied the persona: refused with a sentence
        assert "Impossible de poursuivre" in shown(at)
        assert moved.revision == split.revision


def test_an_edit_saved_elsewhere_shows_at_the_next_rerun(workshop_file):
    from personas import operations
    from personas.store import edit_workshop

    at = start("refine")
    pid = at.session_state["app"].workshop.personas[0].id
    edit_workshop(workshop_file, lambda ws: operations.rename(ws, pid, "Renommé dans l'autre salle"))
    at.run()
    assert widget(at, "text_input", "Nom").value == "Renommé dans l'autre salle"
    assert "L'atelier a été modifié depuis une autre session" in shown(at)


def test_uploaded_workshop_opens_and_a_bad_one_is_refused(workshop_file, app_home):
    from personas.store import dump_workshop

    good = fake_workshop(2, 30)
    at = start("refine")
    widget(at, "file_uploader", "Ou chargez un fichier d'atelier (YAML)").set_value(
        ("atelier.yaml", dump_workshop(good).encode("utf-8"), "application/x-yaml"))
    at.run()
    next(b for b in at.button if b.label == "Ouvrir" and b.key == "w_reopen_upload").click().run()
    assert len(at.session_state["app"].workshop.personas) == 2
    widget(at, "file_uploader", "Ou chargez un fichier d'atelier (YAML)").set_value(
        ("piege.yaml", b"!!python/object/apply:os.system ['echo pwned']\n", "application/x-yaml"))
    at.run()
    next(b for b in at.button if b.label == "Ouvrir" and b.key == "w_reopen_upload").click().run()
    assert not at.exception
    assert any(e.value.startswith("Impossible de poursuivre") for e in at.error), [e.value for e in at.error]
    assert len(at.session_state["app"].workshop.personas) == 2
    assert not list((app_home / "workshops").glob("piege*"))


def test_a_damaged_save_elsewhere_is_reported_once_and_the_last_good_version_stays(workshop_file):
    at = start("refine")
    name = widget(at, "text_input", "Nom").value
    workshop_file.write_text("schema_version: 1\ntitle: [cassé\n", encoding="utf-8")
    at.run()
    assert any(e.value.startswith("Impossible de poursuivre") for e in at.error)
    assert widget(at, "text_input", "Nom").value == name
    at.run()
    assert not at.error  # reported once, not at every rerun
