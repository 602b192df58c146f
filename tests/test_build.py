from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from personas_helpers import built_demo

from personas import operations as op
from personas.archetypes import load_archetypes
from personas.build import build_workshop, load_features
from personas.model import invariant_problems
from personas.store import dump_workshop, load_workshop, parse_workshop, save_workshop
from workshop_data.errors import WorkshopFileError
from workshop_data.files import sha256_of

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"(?<![\d.])(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}(?!\d)")


@pytest.fixture(scope="module")
def demo() -> dict:
    return built_demo()


def test_personas_are_named_after_their_archetypes(demo):
    ws = demo["workshop"]
    names = {a.id: a.name["fr"] for a in load_archetypes()}
    assert [p.id for p in ws.personas] == [f"P{i}" for i in range(1, 7)]
    matched = [p for p in ws.personas if p.archetype]
    assert len({p.archetype for p in matched}) == len(matched) >= 5
    for persona in matched:
        assert persona.name == names[persona.archetype]
        assert 0 < persona.archetype_fit <= 1


def test_workshop_holds_every_respondent_once(demo):
    ws = demo["workshop"]
    survey = demo["inputs"].survey
    assert invariant_problems(ws) == []
    assert set(ws.assignments) == set(map(str, survey.data.index))
    assert sum(p.share for p in ws.personas) == pytest.approx(1.0)
    assert ws.min_group_size == 10


def test_sources_codebook_settings_and_model_are_recorded(demo):
    ws, paths = demo["workshop"], demo["paths"]
    by_role = {s["role"]: s for s in ws.sources}
    assert by_role["survey"]["name"] == "survey.csv"
    assert by_role["survey"]["sha256"] == sha256_of(paths["survey"])
    assert by_role["contacts"]["sha256"] == sha256_of(paths["contacts"])
    assert ws.codebook == demo["inputs"].survey.codebook.to_dict()
    assert ws.settings["method"] == "default" and ws.settings["k"] == 6 and ws.settings["seed"] == 0
    assert ws.settings["period_days"] > 300
    assert ws.model["labels"] == [p.id for p in ws.personas]
    assert ws.model["encoder"]
    assert ws.k_table and ws.privacy["removed_columns"]


def test_narratives_and_quotes_are_drafted(demo):
    ws = demo["workshop"]
    survey = demo["inputs"].survey
    texts = set()
    for column in [c.name for c in survey.codebook.of_type("text")]:
        texts.update(" ".join(v.split()) for v in survey.data[column].dropna())
    for persona in ws.personas:
        assert persona.story and persona.goals and persona.needs and persona.levers
        assert persona.quote_candidates and set(persona.quote_candidates) <= texts
        assert persona.quote == persona.quote_candidates[0]
    assert any("\u202f%" in p.story for p in ws.personas)
    informed = [p for p in ws.personas if p.archetype == "poorly_informed"]
    if informed:
        assert "démarche disponible en ligne" in informed[0].story


def test_workshop_file_carries_no_personal_data(demo):
    text = dump_workshop(demo["workshop"])
    assert not EMAIL.search(text)
    assert not PHONE.search(text)
    assert parse_workshop(text) == demo["workshop"]


def test_same_inputs_and_seed_give_the_same_workshop(demo):
    inputs = demo["inputs"]
    again = build_workshop(inputs.survey, inputs.contacts, k=6, seed=0, bootstrap=0, lang="fr")
    first = demo["workshop"]
    same_clock = replace(again, created=first.created, updated=first.updated, title=first.title)
    assert dump_workshop(same_clock) == dump_workshop(first)


def test_english_workshop(demo):
    inputs = demo["inputs"]
    ws = build_workshop(inputs.survey, inputs.contacts, k=3, seed=1, bootstrap=0, lang="en", title="Wave 1")
    assert ws.lang == "en" and ws.title == "Wave 1"
    assert len(ws.personas) == 3
    assert not any("\u202f" in p.story for p in ws.personas)


# ---------------------------------------------------------------------------------------------
# load_features: back from a saved workshop to its data


def _saved_next_to_sources(demo, tmp_path: Path) -> Path:
    for role in ("survey", "contacts"):
        shutil.copy(demo["paths"][role], tmp_path / f"{role}.csv")
    path = tmp_path / "atelier.yaml"
    save_workshop(demo["workshop"], path)
    return path


def test_load_features_rebuilds_the_encoding_for_edits(demo, tmp_path: Path):
    path = _saved_next_to_sources(demo, tmp_path)
    ws = load_workshop(path)
    features = load_features(ws, tmp_path)
    assert set(map(str, features.respondent_ids)) == set(ws.assignments)
    merged = op.merge(ws, "P1", "P2", features=features)
    assert merged.persona("P1").size == ws.persona("P1").size + ws.persona("P2").size
    assert merged.persona("P1").defining_traits  # recomputed, not cleared
    split = op.split(ws, "P1", features=features)
    assert len(split.personas) == 7 and invariant_problems(split) == []


def test_load_features_accepts_explicit_paths(demo, tmp_path: Path):
    ws = demo["workshop"]
    features = load_features(ws, tmp_path, survey_path=demo["paths"]["survey"],
                             contacts_path=demo["paths"]["contacts"])
    assert features.n == len(ws.assignments)


@pytest.mark.parametrize("name", ["../survey.csv", "/etc/passwd", "C:\\data\\survey.csv", "sub/../../x.csv", ""])
def test_load_features_refuses_paths_outside_the_folder(demo, tmp_path: Path, name: str):
    ws = demo["workshop"]
    sources = [dict(s, name=name) if s["role"] == "survey" else s for s in ws.sources]
    with pytest.raises(WorkshopFileError, match="outside the workshop's folder"):
        load_features(replace(ws, sources=sources), tmp_path)


def test_load_features_says_when_a_source_is_missing_or_changed(demo, tmp_path: Path):
    ws = demo["workshop"]
    with pytest.raises(WorkshopFileError, match="missing"):
        load_features(ws, tmp_path)
    _saved_next_to_sources(demo, tmp_path)
    with open(tmp_path / "survey.csv", "ab") as handle:
        handle.write(b"\r\n")
    with pytest.raises(WorkshopFileError, match="changed since the workshop was built"):
        load_features(ws, tmp_path)


def test_drafted_bullets_have_no_near_duplicates(demo):
    from itertools import combinations

    from personas.narrative import near_duplicate

    assert near_duplicate("Faire ses démarches en ligne, à toute heure", "Faire ses démarches en ligne, sans se déplacer")
    assert near_duplicate("Ne pas savoir si un envoi en ligne a bien été reçu", "Ne pas savoir si sa demande a bien été reçue")
    assert not near_duplicate("Être guidé·e pas à pas", "Être rassuré·e")
    seen = []
    for persona in demo["workshop"].personas:
        for field in ("goals", "frustrations", "needs", "levers"):
            items = getattr(persona, field)
            seen += items
            for a, b in combinations(items, 2):
                words_a, words_b = set(a.casefold().split()), set(b.casefold().split())
                assert a.split(",")[0] != b.split(",")[0] and len(words_a & words_b) < 0.6 * len(words_a | words_b), (a, b)
                assert not near_duplicate(a, b), (persona.id, field, a, b)
    assert "Faire ses démarches en ligne, à toute heure" in seen
    assert "Faire ses démarches en ligne, sans se déplacer" not in seen


def test_each_persona_says_what_divides_it_from_its_nearest(demo, tmp_path: Path):
    ws = demo["workshop"]
    ids = {p.id for p in ws.personas}
    for persona in ws.personas:
        apart = persona.separation
        assert apart["nearest"] in ids - {persona.id}
        assert apart["features"], persona.id
        first = apart["features"][0]
        assert first["kind"] in ("trait", "item", "category", "number", "contact")
        assert first["label"]["fr"] and first["label"]["en"]
        assert abs(first["value"] - first["other"]) > 0
        variables = [f["feature"].split("=")[0] for f in apart["features"]]
        assert len(variables) == len(set(variables))  # one category of an answer at most
    path = tmp_path / "w.yaml"
    save_workshop(ws, path)
    assert load_workshop(path).personas[0].separation == ws.personas[0].separation


def test_a_file_without_separation_still_loads_and_a_bad_one_is_refused(demo, tmp_path: Path):
    import yaml

    data = yaml.safe_load(dump_workshop(demo["workshop"]))
    for persona in data["personas"]:
        del persona["separation"]
    assert parse_workshop(yaml.safe_dump(data, explicit_end=True)).personas[0].separation == {}
    data["personas"][0]["separation"] = {"nearest": "P2", "features": [{"feature": "x", "kind": "colour"}]}
    with pytest.raises(WorkshopFileError):
        parse_workshop(yaml.safe_dump(data, explicit_end=True))
