"""Archetype library and matching: six ids, one archetype per cluster, a fit, a fallback name."""
from __future__ import annotations


from clustering.result import ClusterProfile, Distinguishing
from personas.archetypes import (count_archetype_fits, fallback_name, fit_matrix, load_archetypes,
                                 match_archetypes)

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
    assert count_archetype_fits(profiles) == 6


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
