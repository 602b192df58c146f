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


# ---------------------------------------------------------------- drafts that agree with the figures
from personas.model import Persona  # noqa: E402
from personas.narrative import contradiction  # noqa: E402

LISTS = ("goals", "frustrations", "needs", "levers", "dos", "donts")
CHECKED = ("levers", "needs", "dos")


def at_signature(archetype, **changes) -> Persona:
    """A persona with the archetype's signature figures (channels from its channel groups)."""
    groups = archetype.contacts.get("channels") or {}
    mix = {"web": groups.get("digital", 0.0), "phone": groups.get("phone", 0.0),
           "counter": groups.get("counter", 0.0), "mail": groups.get("mail", 0.0)}
    values = dict(id="P1", name=archetype.id, archetype=archetype.id, size=120,
                  traits={k: float(v) for k, v in archetype.traits.items()}, channel_mix=mix, contacts_per_person=2.0,
                  avoidable_share=float(archetype.contacts.get("avoidable", 0.0)), avoidable_per_year=300.0,
                  repeat_rate=float(archetype.contacts.get("repeat", 0.0)))
    values.update(changes)
    return Persona(**values)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("archetype_id", sorted(ARCHETYPES))
def test_no_drafted_lever_need_or_do_contradicts_the_archetype_s_own_figures(archetype_id, lang):
    archetype = ARCHETYPES[archetype_id]
    draft = draft_narrative(at_signature(archetype), archetype, lang)
    for kind in CHECKED:
        assert [(item, contradiction(item, at_signature(archetype), kind)) for item in draft[kind]
                if contradiction(item, at_signature(archetype), kind)] == []
    assert all(len(draft[key]) >= 2 for key in LISTS), {k: draft[k] for k in LISTS}


@pytest.mark.parametrize("archetype_id", sorted(ARCHETYPES))
def test_a_persona_that_cannot_go_online_is_never_sent_online(archetype_id):
    """Whatever its archetype (one chosen by hand, say), a persona without equipment gets no lever,
    need or do that sends it online: the avoidable-contacts lever is the assisted one."""
    archetype = ARCHETYPES[archetype_id]
    persona = at_signature(archetype, traits={**archetype.traits, "access": 8.0, "digital_skill": 10.0},
                           avoidable_share=0.6)
    draft = draft_narrative(persona, archetype, "fr")
    for kind in CHECKED:
        assert [item for item in draft[kind] if contradiction(item, persona, kind) == "sends_online"] == []
    assert not any(item.startswith("Orienter vers le téléservice") for item in draft["levers"])
    assert any(item.startswith("Faire la démarche avec la personne") for item in draft["levers"])
    assert f"60{NNBSP}%" in " ".join(draft["dos"])


@pytest.mark.parametrize("seed", range(12))
def test_data_named_personas_get_full_sections_that_agree_with_their_figures(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    traits = {d: float(rng.uniform(2, 98)) for d in ("digital_skill", "online_use", "awareness", "trust",
                                                      "human_contact", "autonomy", "access")}
    mix = dict(zip(("phone", "counter", "email", "web", "mail"), rng.dirichlet(np.ones(5))))
    persona = Persona(id="P1", name="x", size=80, traits=traits, channel_mix=mix, contacts_per_person=1.5,
                      avoidable_share=float(rng.uniform(0, 0.8)), avoidable_per_year=100.0,
                      repeat_rate=float(rng.uniform(0, 0.3)))
    for lang in ("fr", "en"):
        draft = draft_narrative(persona, None, lang)
        for kind in CHECKED:
            assert [item for item in draft[kind] if contradiction(item, persona, kind)] == []
        assert all(len(draft[key]) >= 2 for key in LISTS), (lang, {k: draft[k] for k in LISTS})


def test_a_quote_that_contradicts_the_persona_s_figures_is_not_chosen():
    autonomous = Persona(id="P1", name="x", traits={"autonomy": 82.0}, channel_mix={"email": 0.8, "web": 0.2},
                         contacts_per_person=2.0)
    helped = "Sans l'agent du centre social je n'y arrive pas, les formulaires sont trop longs."
    counter = "Je viens au guichet parce que c'est plus simple pour moi."
    fine = "Le site est bien fait mais la réponse arrive trop tard."
    assert contradiction(helped, autonomous, "quote") == "needs_help"
    assert contradiction(counter, autonomous, "quote") == "at_the_counter"
    assert pick_quote([helped, counter, fine], autonomous) == fine
    assert pick_quote([helped, counter]) == helped                       # without figures, no rule applies
    needing = Persona(id="P2", name="y", traits={"autonomy": 20.0}, channel_mix={"counter": 0.7, "phone": 0.3},
                      contacts_per_person=2.0)
    assert pick_quote([helped, fine], needing) == helped


def test_no_quote_is_used_twice():
    first = "Je ne savais pas que la démarche existait en ligne."
    second = "Le site est bien fait, merci beaucoup."
    assert pick_quote([first, second], taken=[first]) == second
    assert pick_quote([first], taken=[first]) == ""


def test_the_built_demo_prints_no_quote_twice_and_none_against_its_figures():
    from personas_helpers import built_demo

    ws = built_demo()["workshop"]
    quotes = [p.quote for p in ws.personas if p.quote]
    assert quotes and len(quotes) == len(set(quotes))
    assert all(contradiction(p.quote, p, "quote") is None for p in ws.personas if p.quote)
    for persona in ws.personas:
        for kind in CHECKED:
            assert [i for i in getattr(persona, kind) if contradiction(i, persona, kind)] == []
