"""Refine page: rename, note, merge, undo, validate; every edit saved at once and back after a reload."""
from __future__ import annotations

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, built_workshop_file, button, draft_box, draft_button, edit_field, fake_workshop,
    open_field, pick, put_workshop, shown, small_sample, small_sample_dir, start, widget, workshop_file, load_saved,
)


def test_rename_is_saved_at_once_and_survives_a_reload(workshop_file):
    at = start("refine")
    assert_clean(at)
    first = at.session_state["app"].workshop.personas[0]
    open_field(at, first.id, "name")
    assert draft_box(at, first.id, "name").value == first.name
    draft_box(at, first.id, "name").set_value("Léa « pressée » <b>& co</b>")
    draft_button(at, first.id, "name", "save").click().run()
    assert_clean(at)
    assert at.session_state["app"].workshop.persona(first.id).name == "Léa « pressée » <b>& co</b>"
    saved = load_saved(workshop_file)
    assert saved.persona(first.id).name == "Léa « pressée » <b>& co</b>"
    assert saved.history[-1]["op"] == "rename" and saved.history[-1]["args"]["persona"] == first.id
    assert "Persona renommé." in shown(at)
    again = start("refine")
    assert "Léa « pressée » <b>& co</b>" in shown(again)


def test_a_field_opened_and_saved_unchanged_records_nothing(workshop_file):
    at = start("refine")
    before = load_saved(workshop_file).revision
    open_field(at, "P1", "goals")
    draft_button(at, "P1", "goals", "save").click().run()
    assert load_saved(workshop_file).revision == before
    open_field(at, "P1", "story")
    draft_box(at, "P1", "story").set_value("Pas gardé")
    draft_button(at, "P1", "story", "discard").click().run()
    assert load_saved(workshop_file).revision == before
    assert at.session_state["app"].drafts == {}


def test_note_signed_by_the_chosen_service(workshop_file):
    at = start("refine")
    pid = at.session_state["app"].workshop.personas[1].id
    pick(at, pid)
    at.selectbox(key="w_service").set_value("État civil").run()
    at.text_area(key=f"w_new_note_{pid}").set_value("Beaucoup d'appels pour les actes de naissance.")
    at.button(key=f"w_add_note_{pid}").click().run()
    assert_clean(at)
    saved = load_saved(workshop_file)
    notes = saved.persona(pid).notes
    assert [(n.service, n.text) for n in notes][-1] == ("État civil", "Beaucoup d'appels pour les actes de naissance.")
    assert saved.history[-1]["by"] == "État civil"
    assert "Beaucoup d'appels pour les actes de naissance." in shown(at)
    assert at.text_area(key=f"w_new_note_{pid}").value == ""


def test_note_needs_a_service_and_keeps_its_text(workshop_file):
    at = start("refine")
    before = len(at.session_state["app"].workshop.personas[0].notes)
    at.text_area(key="w_new_note_P1").set_value("Sans service")
    at.button(key="w_add_note_P1").click().run()
    assert "Choisissez votre service dans la barre latérale" in shown(at)
    assert len(load_saved(workshop_file).personas[0].notes) == before
    assert at.text_area(key="w_new_note_P1").value == "Sans service"


def test_merge_then_undo_then_redo(workshop_file):
    at = start("refine")
    ws = at.session_state["app"].workshop
    keep, other = ws.personas[0].id, ws.personas[1].id
    total = ws.personas[0].size + ws.personas[1].size
    at.selectbox(key="w_merge_a").set_value(keep).run()
    at.selectbox(key="w_merge_b").set_value(other).run()
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
    at.button(key=f"w_valid_{pid}").click().run()
    assert load_saved(workshop_file).persona(pid).validated is True
    at.button(key=f"w_arch_{pid}_none").click().run()
    assert load_saved(workshop_file).persona(pid).archetype is None
    assert [e["op"] for e in load_saved(workshop_file).history[-2:]] == ["validate", "archetype"]
    assert_clean(at)


def test_a_field_changed_elsewhere_while_open_is_shown_beside_the_box_and_nothing_is_lost(workshop_file):
    from personas.edits import FieldEdit
    from personas.store import submit_edit

    at = start("refine")
    at.selectbox(key="w_service").set_value("Accueil").run()
    before = at.session_state["app"].workshop.persona("P1").story
    open_field(at, "P1", "story")
    draft_box(at, "P1", "story").set_value("Mon récit")
    submit_edit(workshop_file, FieldEdit("P1", "story", before, "Leur récit", by="CCAS"))
    draft_button(at, "P1", "story", "save").click().run()
    assert load_saved(workshop_file).persona("P1").story == "Leur récit"
    text = shown(at)
    assert "CCAS a modifié ce champ : « Leur récit »" in text and "Votre texte n'a pas été enregistré" in text
    assert draft_box(at, "P1", "story").value == "Mon récit"
    at.button(key=next(b.key for b in at.button if str(b.key).startswith("w_keep_P1_story_"))).click().run()
    draft_button(at, "P1", "story", "save").click().run()
    saved = load_saved(workshop_file)
    assert saved.persona("P1").story == "Mon récit" and saved.history[-1]["by"] == "Accueil"


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
    pick(at, first.id)
    at.selectbox(key="w_move_trait").set_value("autonomy")
    at.selectbox(key="w_move_op").set_value(">=")
    at.number_input(key="w_move_value").set_value(50)
    target = split.personas[-1].id
    at.selectbox(key="w_move_to").set_value(target).run()
    button(at, "Déplacer").click().run()
    assert not at.exception
    if "Confirmer le déplacement" in shown(at):  # asked first, with how many people it takes
        assert load_saved(path).revision == split.revision
        assert "répondants de" in shown(at)
        button(at, "Confirmer le déplacement").click().run()
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
    assert "### Renommé dans l'autre salle" in shown(at)
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
    name = at.session_state["app"].workshop.personas[0].name
    workshop_file.write_text("schema_version: 1\ntitle: [cassé\n", encoding="utf-8")
    at.run()
    assert any(e.value.startswith("Impossible de poursuivre") for e in at.error)
    assert f"### {name}" in shown(at)
    at.run()
    assert not at.error  # reported once, not at every rerun


def test_do_s_and_don_ts_and_the_owner_are_edited_like_any_field(workshop_file):
    at = start("refine")
    at.selectbox(key="w_service").set_value("Accueil").run()
    edit_field(at, "P1", "dos", "Proposer le lien par SMS\nVérifier l'adresse")
    edit_field(at, "P1", "donts", "Renvoyer vers le site sans accompagner")
    edit_field(at, "P1", "owner", "Mme Roux, accueil")
    saved = load_saved(workshop_file).persona("P1")
    assert saved.dos == ["Proposer le lien par SMS", "Vérifier l'adresse"]
    assert saved.donts == ["Renvoyer vers le site sans accompagner"] and saved.owner == "Mme Roux, accueil"
    assert "Responsable de la fiche : **Mme Roux, accueil**" in shown(at).replace("\\", "")
    assert_clean(at)
