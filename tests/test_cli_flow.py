"""A whole workshop through the command line, on a small demo: the contract of DESIGN.md end to end."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ARCHETYPES = {"agile", "poorly_informed", "distrustful", "needs_support", "disconnected", "human_contact"}


def run(*args: str | Path):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("flow")
    result = run("demo", folder, "--respondents", "400", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    result = run(
        "cluster", folder / "survey.csv", "--codebook", folder / "codebook.yaml",
        "--contacts", folder / "contacts.csv", "--k", "6", "--bootstrap", "5", "--seed", "1",
        "--out", folder / "workshop.yaml",
    )
    assert result.exit_code == 0, result.stderr
    return folder


def test_demo_writes_the_four_files_and_the_six_planted_archetypes(flow: Path) -> None:
    for name in ("survey.csv", "codebook.yaml", "contacts.csv", "truth.csv"):
        assert (flow / name).stat().st_size > 0
    with open(flow / "truth.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 400
    assert {row["profile"] for row in rows} == ARCHETYPES


def test_show_prints_personas_and_the_k_table(flow: Path) -> None:
    result = run("show", flow / "workshop.yaml")
    assert result.exit_code == 0, result.stderr
    assert "P1" in result.output and "k table" in result.output


def test_edits_are_saved_and_undo_redo_survive_a_restart(flow: Path) -> None:
    workshop = flow / "workshop.yaml"
    assert run("edit", workshop, "rename", "P1", "Léa « pressée » & <b>co</b>").exit_code == 0
    assert run("edit", workshop, "note", "P1", "Centre d'appels", "Rappelle souvent").exit_code == 0
    shown = run("show", workshop).output
    assert "Léa « pressée » & <b>co</b>" in shown and "Rappelle souvent" in shown
    assert run("edit", workshop, "undo").exit_code == 0
    assert "Rappelle souvent" not in run("show", workshop).output
    assert run("edit", workshop, "redo").exit_code == 0
    assert "Rappelle souvent" in run("show", workshop).output


def test_set_a_list_field_one_item_per_line(flow: Path) -> None:
    workshop = flow / "workshop.yaml"
    assert run("edit", workshop, "set", "P2", "goals", "Aller vite\nNe pas se déplacer").exit_code == 0
    from personas.store import load_workshop

    assert load_workshop(workshop).persona("P2").goals == ["Aller vite", "Ne pas se déplacer"]


def test_merge_then_undo_keeps_every_respondent_in_one_persona(flow: Path) -> None:
    from personas.store import load_workshop

    workshop = flow / "workshop.yaml"
    before = load_workshop(workshop)
    result = run("edit", workshop, "merge", "P3", "P4")
    assert result.exit_code == 0, result.stderr
    merged = load_workshop(workshop)
    assert len(merged.personas) == len(before.personas) - 1
    assert merged.persona("P3").size == before.persona("P3").size + before.persona("P4").size
    assert sorted(merged.assignments) == sorted(before.assignments)
    assert run("edit", workshop, "undo").exit_code == 0
    restored = load_workshop(workshop)
    assert restored.assignments == before.assignments
    assert [p.to_dict() for p in restored.personas] == [p.to_dict() for p in before.personas]


def test_unknown_persona_is_refused_with_the_valid_ids(flow: Path) -> None:
    result = run("edit", flow / "workshop.yaml", "rename", "P99", "x")
    assert result.exit_code == 2
    assert "P99" in result.stderr and "P1" in result.stderr


def test_export_csv_assignments_match_the_contract(flow: Path) -> None:
    out = flow / "assignments.csv"
    result = run("export", flow / "workshop.yaml", "--format", "csv", "--out", out)
    assert result.exit_code == 0, result.stderr
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))           # a French workshop: French Excel's separator
    assert list(rows[0]) == ["respondent_id", "persona_id", "persona_name", "archetype", "archetype_label"]
    assert len(rows) == 400
    assert {row["archetype"] for row in rows} - {""} <= ARCHETYPES


@pytest.mark.parametrize("fmt,suffix", [("md", ".md"), ("html", ".html"), ("yaml", ".yaml")])
def test_text_exports_carry_the_persona_names(flow: Path, fmt: str, suffix: str) -> None:
    from personas.store import load_workshop

    out = flow / f"export{suffix}"
    result = run("export", flow / "workshop.yaml", "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    name = load_workshop(flow / "workshop.yaml").personas[-1].name
    assert name in text or name.replace("&", "&amp;") in text


def test_assign_a_second_wave_reports_share_movements(flow: Path, tmp_path: Path) -> None:
    assert run("demo", tmp_path, "--respondents", "300", "--seed", "9").exit_code == 0
    out = tmp_path / "wave2.yaml"
    result = run("assign", flow / "workshop.yaml", tmp_path / "survey.csv", "--contacts", tmp_path / "contacts.csv",
                 "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "300 new respondents" in result.output
    assert "P1" in result.output


def test_features_from_the_demo(flow: Path) -> None:
    out = flow / "features.parquet"
    result = run("features", flow / "survey.csv", "--codebook", flow / "codebook.yaml",
                 "--contacts", flow / "contacts.csv", "--out", out)
    assert result.exit_code == 0, result.stderr
    import pandas as pd

    frame = pd.read_parquet(out)
    assert len(frame) == 400
    assert {"respondent_id", "contacts_total", "avoidable_share", "repeat_contacts"} <= set(frame.columns)


def test_two_edit_commands_racing_on_one_file_lose_no_edit(flow: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from personas.store import load_workshop

    workshop = tmp_path / "race.yaml"
    shutil.copy(flow / "workshop.yaml", workshop)
    before = len(load_workshop(workshop).persona("P2").notes)
    script = (
        "import sys\nfrom click.testing import CliRunner\nfrom cli import main\n"
        "for i in range(4):\n"
        "    r = CliRunner().invoke(main, ['edit', sys.argv[1], 'note', 'P2', sys.argv[2], f'note {i}'])\n"
        "    assert r.exit_code == 0, r.output\n"
    )
    racers = [subprocess.Popen([sys.executable, "-c", script, str(workshop), service])
              for service in ("Accueil", "Centre d'appels")]
    assert [racer.wait(timeout=120) for racer in racers] == [0, 0]
    notes = load_workshop(workshop).persona("P2").notes
    assert len(notes) == before + 8
    assert {(n.service, n.text) for n in notes[before:]} == {
        (service, f"note {i}") for service in ("Accueil", "Centre d'appels") for i in range(4)
    }


def test_same_inputs_and_seed_give_byte_identical_workshop_files(flow: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    outputs = []
    for run_number in (1, 2):
        out = tmp_path / f"run{run_number}.yaml"
        result = run("cluster", flow / "survey.csv", "--codebook", flow / "codebook.yaml",
                     "--contacts", flow / "contacts.csv", "--k", "auto", "--bootstrap", "3", "--seed", "5",
                     "--out", out)
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"2026-01-01T00:00:00Z" in outputs[0]


def test_cluster_says_when_small_clusters_were_merged(flow: Path, tmp_path: Path) -> None:
    result = run(
        "cluster", flow / "survey.csv", "--codebook", flow / "codebook.yaml", "--k", "6",
        "--min-size", "90", "--bootstrap", "0", "--out", tmp_path / "w.yaml",
    )
    assert result.exit_code == 0, result.stderr
    assert "Note: a cluster of" in result.stderr and "merged" in result.stderr
    assert "of 6 found; lower --min-size (now 90)" in result.stderr
    assert "no codebook item measures" not in result.stderr


def test_cluster_with_a_codebook_without_dimensions_says_which_traits_are_unmeasured(flow: Path, tmp_path: Path) -> None:
    text = (flow / "codebook.yaml").read_text(encoding="utf-8")
    stripped = "\n".join(line for line in text.splitlines() if "dimension:" not in line or "trust" not in line)
    (tmp_path / "codebook.yaml").write_text(stripped + "\n", encoding="utf-8")
    result = run(
        "cluster", flow / "survey.csv", "--codebook", tmp_path / "codebook.yaml", "--k", "6",
        "--bootstrap", "0", "--out", tmp_path / "w.yaml",
    )
    assert result.exit_code == 0, result.stderr
    assert "no codebook item measures trust;" in result.stderr


def test_merge_and_split_with_the_sources_recompute_every_persona_s_evidence(tmp_path: Path) -> None:
    from clustering_helpers import write_random_survey
    from personas.store import load_workshop

    paths = write_random_survey(tmp_path, n=400, k=4, seed=5)
    workshop = tmp_path / "workshop.yaml"
    sources = ["--survey", paths["survey"], "--contacts", paths["contacts"]]
    result = run("cluster", paths["survey"], "--codebook", paths["codebook"], "--contacts", paths["contacts"],
                 "--bootstrap", "5", "--out", workshop)
    assert result.exit_code == 0, result.stderr
    assert run("edit", workshop, "merge", "P1", "P2", *sources).exit_code == 0
    assert run("edit", workshop, "split", "P1", *sources).exit_code == 0
    ws = load_workshop(workshop)
    assert [h["op"] for h in ws.history] == ["merge", "split"]
    for persona in ws.personas:
        assert isinstance(persona.stability, float) and 0 <= persona.stability <= 1, persona.id
        assert 0 <= persona.prevalence <= persona.size and persona.prevalence_share <= 1, persona.id
        assert persona.prevalence_sample >= persona.prevalence and persona.not_recomputed == []


def test_merge_without_the_sources_says_what_it_could_not_recompute(tmp_path: Path) -> None:
    from clustering_helpers import write_random_survey
    from personas.store import load_workshop

    paths = write_random_survey(tmp_path, n=300, k=3, seed=6)
    workshop = tmp_path / "elsewhere" / "workshop.yaml"
    workshop.parent.mkdir()
    assert run("cluster", paths["survey"], "--codebook", paths["codebook"], "--bootstrap", "3",
               "--out", workshop).exit_code == 0
    result = run("edit", workshop, "merge", "P1", "P2")
    assert result.exit_code == 0 and "not available" in result.stderr
    merged = load_workshop(workshop).persona("P1")
    assert set(merged.not_recomputed) >= {"stability", "archetype_fit", "prevalence"}
    assert "not recomputed" in run("show", workshop).output


def test_cluster_says_the_structure_verdict_in_words(flow: Path) -> None:
    shown = run("show", flow / "workshop.yaml", "--lang", "en").output
    assert any(words in shown for words in ("Clear structure", "Weak structure", "No structure", "Partition changed"))
    assert "prediction strength" in shown and "reference" in shown
    french = run("show", flow / "workshop.yaml", "--lang", "fr").output
    assert any(words in french for words in ("Structure nette", "Structure faible", "Pas de structure", "Découpage"))


def test_a_typology_file_names_the_personas_and_a_broken_one_is_refused(flow: Path, tmp_path: Path) -> None:
    from personas.store import load_workshop

    typology = Path(__file__).resolve().parent.parent / "personas" / "typologies" / "exemple_metropole.yaml"
    out = tmp_path / "typed.yaml"
    result = run("cluster", flow / "survey.csv", "--codebook", flow / "codebook.yaml", "--contacts",
                 flow / "contacts.csv", "--bootstrap", "0", "--typology", typology, "--out", out)
    assert result.exit_code == 0, result.stderr
    ws = load_workshop(out)
    record = ws.settings["typology"]
    assert record["source"] == typology.name and record["sha256"]
    assert all(p.archetype is None or p.archetype in record["labels"] for p in ws.personas)
    broken = tmp_path / "broken.yaml"
    broken.write_text("archetypes:\n  - id: x\n    name: {fr: X}\n    signature: {traits: {trust: 500}}\n",
                      encoding="utf-8")
    result = run("cluster", flow / "survey.csv", "--codebook", flow / "codebook.yaml", "--typology", broken,
                 "--out", tmp_path / "never.yaml")
    assert result.exit_code == 2 and "broken.yaml" in result.stderr and "signature.traits.trust" in result.stderr
    assert not (tmp_path / "never.yaml").exists()


def test_a_split_persona_gets_a_quote_from_its_own_members_and_a_written_quote_stays(tmp_path: Path) -> None:
    from personas.store import load_workshop
    from workshop_data.codebook import load_codebook
    from workshop_data.survey import load_survey

    assert run("demo", tmp_path, "--respondents", "400", "--seed", "3").exit_code == 0
    workshop = tmp_path / "workshop.yaml"
    sources = ["--survey", tmp_path / "survey.csv", "--contacts", tmp_path / "contacts.csv"]
    assert run("cluster", tmp_path / "survey.csv", "--codebook", tmp_path / "codebook.yaml", "--contacts",
               tmp_path / "contacts.csv", "--k", "6", "--bootstrap", "3", "--seed", "1",
               "--out", workshop).exit_code == 0
    written = "Nous l'avons écrit nous-mêmes en atelier."
    assert run("edit", workshop, "set", "P2", "quote", written).exit_code == 0
    for pid in ("P1", "P2"):
        result = run("edit", workshop, "split", pid, *sources)
        assert result.exit_code == 0, result.stderr
    ws = load_workshop(workshop)
    survey = load_survey(tmp_path / "survey.csv", load_codebook(tmp_path / "codebook.yaml"))
    texts = survey.data.loc[:, [s.name for s in survey.codebook.of_type("text")]]
    created = [h["args"]["new"] for h in ws.history if h["op"] == "split"]
    for pid in ("P1", *created):
        persona = ws.persona(pid)
        members = [rid for rid, p in ws.assignments.items() if p == pid]
        answers = {" ".join(str(v).split()) for v in texts.reindex(members).stack().to_list()}
        assert persona.quote and persona.quote in answers, pid
        assert persona.quote_candidates and set(persona.quote_candidates) <= answers, pid
    assert ws.persona("P2").quote == written
