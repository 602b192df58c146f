from __future__ import annotations

from dataclasses import replace

import pytest
from personas_helpers import make_workshop

from personas.archetypes import load_archetypes
from personas.narrative import (
    NNBSP,
    draft_narrative,
    format_number,
    format_share,
    french_typography,
    is_quotable,
    marked_traits,
    pick_quote,
)

ARCHETYPES = {a.id: a for a in load_archetypes()}


def persona(**changes):
    base = make_workshop().personas[1]
    return replace(base, **changes)


@pytest.mark.parametrize("raw, expected", [
    ("Note : oui", f"Note{NNBSP}: oui"),
    ("Vraiment ?", f"Vraiment{NNBSP}?"),
    ("Non!", f"Non{NNBSP}!"),
    ("a ; b", f"a{NNBSP}; b"),
    ("42 %", f"42{NNBSP}%"),
    ("42%", f"42{NNBSP}%"),
    ("« Bonjour »", f"«{NNBSP}Bonjour{NNBSP}»"),
    ("Quoi ?!", f"Quoi{NNBSP}?!"),
    ("à 10:30", "à 10:30"),
    ("https://example.org", "https://example.org"),
    (f"déjà{NNBSP}: fait", f"déjà{NNBSP}: fait"),
])
def test_french_typography(raw, expected):
    assert french_typography(raw) == expected


def test_number_formats():
    assert format_share(0.4249, "fr") == f"42{NNBSP}%"
    assert format_share(0.4251, "en") == "43%"
    assert format_number(12345.6, "fr") == f"12{NNBSP}346"
    assert format_number(12345.6, "en") == "12,346"
    assert format_number(2.25, "fr", 1) == "2,2" or format_number(2.25, "fr", 1) == "2,3"


def test_draft_from_archetype_and_data_in_french():
    p = persona(avoidable_share=0.42, avoidable_per_year=1234.0, contacts_per_person=3.0,
                channel_mix={"phone": 0.6, "counter": 0.3, "web": 0.1}, repeat_rate=0.2)
    draft = draft_narrative(p, ARCHETYPES["poorly_informed"], "fr")
    assert set(draft) == {"story", "goals", "frustrations", "needs", "levers", "dos", "donts"}
    assert draft["story"].startswith(french_typography(ARCHETYPES["poorly_informed"].narrative["fr"]["story"]))
    assert f"42{NNBSP}% de ses contacts portent sur une démarche disponible en ligne" in draft["story"]
    assert f"1{NNBSP}234 contacts par an" in draft["story"]
    assert "par téléphone (60" in draft["story"]
    assert any(f"42{NNBSP}%" in lever for lever in draft["levers"])
    assert len(draft["levers"]) <= 5 and len(draft["goals"]) <= 5
    assert french_typography(ARCHETYPES["poorly_informed"].levers["fr"][0]) in draft["levers"]
    assert " :" not in draft["story"] and " %" not in draft["story"]


def test_draft_in_english_without_archetype():
    p = persona(traits={"digital_skill": 15.0, "online_use": 20.0, "awareness": 50.0, "trust": 55.0,
                        "human_contact": 85.0, "autonomy": 30.0, "access": 10.0},
                distinguishing=[], avoidable_share=0.5, avoidable_per_year=80.0, contacts_per_person=2.0,
                channel_mix={"counter": 0.7, "phone": 0.3})
    draft = draft_narrative(p, None, "en")
    assert NNBSP not in "".join([draft["story"], *draft["levers"]])
    assert "50% of these contacts are about a procedure available online" in draft["story"]
    assert "very low equipment and connection (10/100)" in draft["story"]
    assert "Most of their contacts are made at the counter (70%) and by phone (30%)." in draft["story"]
    assert "Step-by-step support" in draft["needs"]
    assert "No computer or reliable connection at home" in draft["frustrations"]
    assert any("counter" in lever for lever in draft["levers"])


def test_draft_without_contacts_talks_only_about_traits():
    p = persona(channel_mix={}, contacts_per_person=0.0, avoidable_share=0.0, avoidable_per_year=0.0)
    draft = draft_narrative(p, None, "fr")
    assert "contacts" not in draft["story"]
    assert draft["story"].startswith("Points marquants")


def test_marked_traits_follow_the_distinguishing_features():
    p = persona(traits={"awareness": 10.0, "trust": 90.0, "access": 55.0},
                distinguishing=[{"feature": "trait:trust", "effect": 1.5}, {"feature": "trait:awareness", "effect": -2.0},
                                {"feature": "trait:access", "effect": 0.9}, {"feature": "contacts_phone", "effect": 3.0}])
    assert marked_traits(p) == [("awareness", "low", 10.0), ("trust", "high", 90.0)]


def test_pick_quote_takes_the_nearest_quotable_answer():
    candidates = [
        "Non.",
        "Appelez-moi au [téléphone] pour en parler",
        "   Je ne savais pas que la démarche   existait en ligne.  ",
        "Le site est bien fait, merci beaucoup.",
    ]
    assert pick_quote(candidates) == "Je ne savais pas que la démarche existait en ligne."
    assert pick_quote(["ok", "x" * 500]) == ""
    assert pick_quote([]) == ""


@pytest.mark.parametrize("text", [
    "n° allocataire CAF 1234567",
    "Mon dossier 2024-00123-77 est bloqué",
    "n° allocataire CAF [numéro]",
    "[nom] [téléphone] [courriel] merci",
    "12 34 56 78 90 11 22 ok ok",
])
def test_an_answer_mostly_a_placeholder_or_an_identifier_is_never_a_quote(text):
    assert not is_quotable(text)
    assert pick_quote([text, "Le site est bien fait, merci beaucoup."]) == "Le site est bien fait, merci beaucoup."


def _custom_dimensions_workshop():
    """A workshop whose codebook declares its own trait dimensions (no catalogue entry for them),
    distinguishing features without labels (as an older file or another language leaves them)."""
    ws = make_workshop()
    traits = {"sans_papier": 92.0, "confiance_mairie": 8.0, "mobilite": 50.0}
    personas = [replace(p, archetype=None, traits=traits, distinguishing=[
        {"feature": "trait:sans_papier", "effect": 2.0}, {"feature": "trait:confiance_mairie", "effect": -2.0}])
        for p in ws.personas]
    codebook = {**ws.codebook, "dimensions": {
        "sans_papier": {"label": {"fr": "Démarches sans papiers", "en": "Paperless procedures"}},
        "confiance_mairie": {"label": {"fr": "Confiance en la mairie", "en": "Trust in the town hall"}}}}
    return replace(ws, personas=personas, codebook=codebook)


@pytest.mark.parametrize("lang, expected", [("fr", "démarches sans papiers"), ("en", "paperless procedures")])
def test_custom_dimensions_are_drafted_in_words_never_keys(lang, expected):
    from exports.language import in_language
    from exports.traits import trait_names
    from personas.i18n import Translator
    from personas.traits import trait_names as domain_names

    ws = _custom_dimensions_workshop()
    persona = ws.personas[0]
    draft = draft_narrative(persona, None, lang, codebook=ws.codebook)
    assert "trait." not in draft["story"] and "sans_papier" not in draft["story"]
    assert expected in draft["story"]
    # the undeclared dimension is made readable, and the sheets use the very same words
    names = trait_names(ws, lang, Translator(lang))
    assert names == domain_names(ws, lang) and names["mobilite"] == "Mobilite"
    # a French workshop's untouched drafts redrafted for an English document
    drafted = replace(persona, **draft_narrative(persona, None, "fr", codebook=ws.codebook))
    english, _ = in_language(replace(ws, personas=[drafted, *ws.personas[1:]]), drafted, "en")
    assert "trait." not in english.story and "paperless procedures" in english.story
