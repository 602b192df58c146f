"""Archetype library and matching: six ids, one archetype per cluster, a fit, a fallback name."""
from __future__ import annotations


from clustering.result import ClusterProfile, Distinguishing
import pytest

from personas.archetypes import (TypologyError, data_names, fallback_name, fit_matrix, load_archetypes, load_typology,
                                 match_archetypes, typology_record, workshop_typology)

IDS = ["agile", "poorly_informed", "distrustful", "needs_support", "disconnected", "human_contact"]


def _profile(cluster, traits, mix, *, volume=5.0, avoidable=0.3, repeat=0.1, distinguishing=()):
    return ClusterProfile(cluster=cluster, size=100, share=1 / 6, traits=dict(traits), distinguishing=list(distinguishing),
                          channel_mix=dict(mix), contacts_per_person=volume, digital_share=0.0,
                          avoidable_share=avoidable, avoidable_per_year=0.0, repeat_rate=repeat, representatives=[],
                          prevalence=0, prevalence_share=0.0, defining_traits=[], centroid=[])


def _from_signature(cluster, archetype, shift=0.0):
    mix = {"web": archetype.contacts["channels"]["digital"], "phone": archetype.contacts["channels"]["phone"],
           "counter": archetype.contacts["channels"]["counter"], "mail": archetype.contacts["channels"]["mail"]}
    traits = {d: min(100.0, max(0.0, v + shift)) for d, v in archetype.traits.items()}
    return _profile(cluster, traits, mix, volume=5.0 * archetype.contacts["volume"],
                    avoidable=archetype.contacts["avoidable"], repeat=archetype.contacts["repeat"])


def test_library_has_the_six_archetypes_in_both_languages():
    archetypes = load_archetypes()
    assert [a.id for a in archetypes] == IDS
    for a in archetypes:
        assert a.name["fr"] and a.name["en"] and a.description["fr"] and a.icon
        assert set(a.traits) == {"digital_skill", "online_use", "awareness", "trust", "human_contact", "autonomy", "access"}
        for lang in ("fr", "en"):
            assert a.narrative[lang]["story"] and a.narrative[lang]["goals"] and a.narrative[lang]["needs"]
            assert a.narrative[lang]["frustrations"] and a.levers[lang]


def test_signatures_match_themselves_in_any_order():
    archetypes = load_archetypes()
    order = [3, 0, 5, 1, 4, 2]
    profiles = [_from_signature(i, archetypes[j], shift=5.0) for i, j in enumerate(order)]
    matches = match_archetypes(profiles)
    assert [m.archetype for m in matches] == [IDS[j] for j in order]
    assert all(0.8 < m.fit <= 1.0 for m in matches)


def test_an_archetype_resting_on_unmeasured_dimensions_names_nothing():
    archetype = load_archetypes()[2]
    kept = list(archetype.traits)[:4]  # four of seven dimensions measured: under min_dimensions (5)
    profile = _from_signature(0, archetype)
    profile.traits = {d: profile.traits[d] for d in kept}
    assert match_archetypes([profile])[0].archetype is None
    profile = _from_signature(0, archetype)
    profile.traits = {d: profile.traits[d] for d in list(archetype.traits)[:5]}
    assert match_archetypes([profile])[0].archetype == archetype.id


def test_one_archetype_per_cluster_and_misfits_get_none():
    archetypes = load_archetypes()
    twins = [_from_signature(0, archetypes[0]), _from_signature(1, archetypes[0], shift=-3.0)]
    odd = _profile(2, {d: 50.0 for d in archetypes[0].traits} | {"trust": 100.0, "human_contact": 0.0, "access": 0.0},
                   {"social": 1.0}, volume=50.0, avoidable=1.0, repeat=0.9)
    matches = match_archetypes(twins + [odd])
    assert [m.archetype for m in matches].count("agile") == 1
    assert matches[2].archetype is None
    assert fit_matrix(twins + [odd]).shape == (3, 6)


def test_no_trait_dimensions_means_no_archetype():
    profile = _profile(0, {"q1": 30.0}, {"phone": 1.0})
    assert match_archetypes([profile])[0].archetype is None


def test_fallback_name_from_distinguishing_traits():
    d = [Distinguishing("trait:trust", {"fr": "Confiance", "en": "Trust"}, 80, 50, 1.2),
         Distinguishing("share_phone", {"fr": "x", "en": "x"}, 0.9, 0.4, 1.0),
         Distinguishing("trait:awareness", {"fr": "c", "en": "a"}, 20, 50, -0.9)]
    profile = _profile(0, {"trust": 80.0}, {"phone": 0.7, "web": 0.3}, distinguishing=d)
    assert fallback_name(profile, "fr") == "Confiance élevée, méconnaît l'offre en ligne, surtout par téléphone"
    assert fallback_name(profile, "en") == "High trust, unaware of the online offer, mostly by phone"
    assert fallback_name(_profile(3, {}, {}), "fr") == "Profil 4"


def test_fallback_name_reads_as_words_for_items_and_categories():
    d = [Distinguishing("trait:selfLR", {"fr": "Position gauche-droite", "en": "Left-right position"}, 80, 50, 1.1),
         Distinguishing("occupation=3", {"fr": "Profession : employé", "en": "Occupation: clerk"}, 0.9, 0.2, 1.5)]
    profile = _profile(0, {"selfLR": 80.0}, {}, distinguishing=d)
    assert fallback_name(profile, "fr") == "Position gauche-droite : élevé, profession : employé"
    assert fallback_name(profile, "en") == "Left-right position: high, occupation: clerk"



def test_fallback_name_takes_one_category_per_answer_and_nothing_from_a_column_without_weight():
    d = [Distinguishing("race=Other", {"fr": "Race : Other", "en": "Race: Other"}, 0.6, 0.1, 1.4),
         Distinguishing("race=Asian", {"fr": "Race : Asian", "en": "Race: Asian"}, 0.3, 0.05, 1.2),
         Distinguishing("nb_foyer", {"fr": "Nb foyer", "en": "Household size"}, 3.0, 2.0, 1.1),
         Distinguishing("trust_q", {"fr": "Confiance", "en": "Trust"}, 80, 50, 0.9)]
    profile = _profile(0, {}, {}, distinguishing=d)
    name = fallback_name(profile, "en", weights={"race": 1.0, "nb_foyer": 0.05, "trust_q": 1.0})
    assert name == "Race: Other, trust: high"


def test_fallback_name_says_yes_or_no_for_a_yes_no_answer_and_names_a_trait_once():
    d = [Distinguishing("abortion", {"fr": "Avortement", "en": "Abortion"}, 0.2, 0.6, -0.9),
         Distinguishing("item:q1", {"fr": "Confiance q1", "en": "Trust q1"}, 80, 50, 0.9),
         Distinguishing("trait:trust", {"fr": "Confiance", "en": "Trust"}, 80, 50, 0.8)]
    encoder = {"answers": [{"kind": "boolean", "column": "abortion"}],
               "traits": {"trust": {"items": [{"column": "q1"}]}}}
    profile = _profile(0, {}, {}, distinguishing=d)
    assert fallback_name(profile, "en", encoder=encoder) == "Trust q1: high, abortion: no"
    assert fallback_name(profile, "fr", encoder=encoder) == "Confiance q1 : élevé, avortement : non"


def test_data_names_tell_equal_names_apart_by_what_divides_each_from_its_nearest():
    d = [Distinguishing("trait:trust", {"fr": "Confiance", "en": "Trust"}, 20, 50, -1.0)]
    one, two = _profile(0, {}, {}, distinguishing=d), _profile(1, {}, {}, distinguishing=d)
    apart = [[{"feature": "affairs", "label": {"fr": "Aventures", "en": "Affairs"}, "effect": 0.7}],
             [{"feature": "affairs", "label": {"fr": "Aventures", "en": "Affairs"}, "effect": -0.7}]]
    assert data_names([one, two], "en", separations=apart) == ["Low trust, affairs: high", "Low trust, affairs: low"]


def test_fallback_name_from_what_divides_it_from_its_nearest_and_no_channel_every_persona_shares():
    profile = _profile(0, {}, {"phone": 0.8, "web": 0.2})
    other = _profile(1, {}, {"phone": 0.6, "web": 0.4})
    apart = [{"feature": "trait:trust", "label": {"fr": "Confiance", "en": "Trust"}, "effect": -0.8}]
    assert fallback_name(profile, "en", others=[profile, other], separation=apart) == "Low trust"
    assert fallback_name(profile, "en", others=[profile, other]) == "Profile 1"


TYPOLOGY = """
typology: {id: metropole, name: {fr: "Typologie de la métropole", en: "Metropolis typology"}}
archetypes:
  - id: pressed
    name: {fr: "Pressé", en: "In a hurry"}
    icon: clock
    required: [patience]
    signature:
      traits: {patience: 10, trust: 60}
    narrative:
      fr: {story: "Veut aller vite.", goals: ["Gagner du temps"]}
    levers:
      fr: ["Rendez-vous en ligne"]
"""


def test_a_workgroup_typology_names_with_its_own_dimensions(tmp_path):
    path = tmp_path / "metropole.yaml"
    path.write_text(TYPOLOGY, encoding="utf-8")
    typology = load_typology(path)
    assert typology.id == "metropole" and typology.archetypes[0].required == ["patience"]
    assert typology.matching["min_fit"] == load_typology().matching["min_fit"]  # defaults from the built-in one
    near = _profile(0, {"patience": 12.0, "trust": 58.0}, {})
    far = _profile(1, {"trust": 60.0}, {})  # the required dimension is not measured
    assert [m.archetype for m in match_archetypes([near, far], typology)] == ["pressed", None]
    record = typology_record(typology)
    assert record["source"] == "metropole.yaml" and len(record["sha256"]) == 64
    assert record["labels"] == {"pressed": {"fr": "Pressé", "en": "In a hurry"}} and record["icons"] == {"pressed": "clock"}
    again = workshop_typology({"typology": record})
    assert again.get("pressed").narrative["fr"]["story"] == "Veut aller vite."
    assert workshop_typology({}).id == load_typology().id


@pytest.mark.parametrize("text, key", [
    ("archetypes: []", "archetypes"),
    ("archetypes:\n  - name: {fr: X}\n    signature: {traits: {trust: 50}}", "archetypes[0].id"),
    ("archetypes:\n  - id: a\n    name: {fr: X}\n    signature: {traits: {trust: 150}}",
     "archetypes[0].signature.traits.trust"),
    ("archetypes:\n  - id: a\n    name: {fr: X}\n    signature: {traits: {}}", "archetypes[0].signature.traits"),
    ("archetypes:\n  - id: a\n    signature: {traits: {trust: 5}}", "archetypes[0].name"),
    ("matching: {min_fit: 2}\narchetypes:\n  - id: a\n    name: {fr: X}\n    signature: {traits: {trust: 5}}",
     "matching.min_fit"),
    ("archetypes: !!python/object:os.system x", None),
])
def test_a_bad_typology_is_refused_naming_file_and_key(tmp_path, text, key):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TypologyError) as info:
        load_typology(path)
    assert info.value.file == str(path)
    if key is not None:
        assert f"'{key}'" in str(info.value)
