"""One language per document: untouched drafts redrafted from the workshop's own typology."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from personas_helpers import make_workshop

from exports.language import in_language
from personas.archetypes import load_typology, typology_record
from personas.narrative import draft_narrative

METROPOLE = Path(__file__).resolve().parents[1] / "personas" / "typologies" / "exemple_metropole.yaml"


def test_a_custom_typology_s_archetype_texts_are_kept_when_redrafting_in_english():
    typology = load_typology(METROPOLE)
    archetype = typology.get("autonome_connecte")
    ws = make_workshop()
    persona = replace(ws.personas[0], archetype="autonome_connecte")
    persona = replace(persona, **draft_narrative(persona, archetype, "fr", codebook=ws.codebook))
    ws = replace(ws, personas=[persona, *ws.personas[1:]],
                 settings={**ws.settings, "typology": typology_record(typology)})
    assert persona.story.startswith("Gère ses démarches sur son téléphone")
    english, kept = in_language(ws, persona, "en")
    assert english.story.startswith("Handles procedures on a phone, in the evening or at the weekend.")
    assert "Finish a procedure in one go" in english.goals and "Status notifications" in english.levers
    assert "story" not in kept and "goals" not in kept
