"""The archetype library (archetypes.yaml) and the matching of clusters to archetypes.

Matching compares each cluster's profile with each archetype's signature: trait levels (mean
absolute difference on the 0-100 scale, over the dimensions the survey measures), channel mix
(grouped into digital, phone, counter and mail), contact volume relative to everyone's, avoidable
and repeat shares. Distance becomes a fit in 0-1. Clusters and archetypes are paired by an
assignment (Hungarian algorithm), so each archetype names at most one cluster; a cluster whose fit
is under ``min_fit`` keeps a data-driven name (:func:`fallback_name`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from clustering.result import ClusterProfile

_FILE = Path(__file__).resolve().parent / "archetypes.yaml"
CHANNEL_GROUPS = {"email": "digital", "web": "digital", "chat": "digital", "social": "digital",
                  "phone": "phone", "counter": "counter", "mail": "mail"}
GROUP_ORDER = ("digital", "phone", "counter", "mail")


@dataclass
class Archetype:
    id: str
    name: dict[str, str]
    description: dict[str, str]
    icon: str
    traits: dict[str, float]
    contacts: dict[str, Any]
    narrative: dict[str, dict[str, Any]]      # lang -> {story, goals, frustrations, needs}
    levers: dict[str, list[str]]              # lang -> list of levers
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ArchetypeMatch:
    archetype: str | None
    fit: float


@lru_cache(maxsize=1)
def _library() -> dict[str, Any]:
    from workshop_data.yaml_safe import safe_load_text

    return safe_load_text(_FILE.read_text(encoding="utf-8"), file=str(_FILE))


def load_archetypes() -> list[Archetype]:
    """The six archetypes of the library, in file order."""
    out = []
    for raw in _library()["archetypes"]:
        signature = raw["signature"]
        out.append(Archetype(
            id=raw["id"],
            name=dict(raw["name"]),
            description=dict(raw["description"]),
            icon=raw.get("icon", "user"),
            traits={k: float(v) for k, v in signature["traits"].items()},
            contacts=dict(signature.get("contacts") or {}),
            narrative={lang: dict(text) for lang, text in raw["narrative"].items()},
            levers={lang: list(items) for lang, items in raw["levers"].items()},
        ))
    return out


def matching_settings() -> dict[str, Any]:
    return dict(_library()["matching"])


def _grouped_mix(mix: dict[str, float]) -> np.ndarray | None:
    grouped = dict.fromkeys(GROUP_ORDER, 0.0)
    for channel, share in mix.items():
        group = CHANNEL_GROUPS.get(channel)
        if group:
            grouped[group] += float(share)
    total = sum(grouped.values())
    if total <= 0:
        return None
    return np.array([grouped[g] / total for g in GROUP_ORDER])


def _distance(profile: ClusterProfile, archetype: Archetype, overall_volume: float, weights: dict[str, float]) -> float:
    parts: dict[str, float] = {}
    dims = [d for d in archetype.traits if d in profile.traits and np.isfinite(profile.traits[d])]
    if dims:
        parts["traits"] = float(np.mean([abs(profile.traits[d] - archetype.traits[d]) for d in dims])) / 100.0
    mix = _grouped_mix(profile.channel_mix)
    expected = archetype.contacts.get("channels")
    if mix is not None and expected:
        sig = np.array([float(expected.get(g, 0.0)) for g in GROUP_ORDER])
        sig = sig / sig.sum() if sig.sum() > 0 else sig
        parts["channels"] = float(np.abs(mix - sig).sum() / 2)
        if overall_volume > 0 and "volume" in archetype.contacts:
            ratio = max(profile.contacts_per_person, 1e-3) / overall_volume
            parts["volume"] = min(abs(np.log(ratio / float(archetype.contacts["volume"]))) / np.log(4.0), 1.0)
        if "avoidable" in archetype.contacts:
            parts["avoidable"] = abs(profile.avoidable_share - float(archetype.contacts["avoidable"]))
        if "repeat" in archetype.contacts:
            parts["repeat"] = abs(profile.repeat_rate - float(archetype.contacts["repeat"]))
    if "traits" not in parts:
        return float("inf")
    total = sum(weights.get(name, 0.0) for name in parts)
    return sum(weights.get(name, 0.0) * value for name, value in parts.items()) / total


def fit_matrix(profiles: list[ClusterProfile], archetypes: list[Archetype] | None = None) -> np.ndarray:
    """Fit (0-1) of every profile (rows) to every archetype (columns)."""
    archetypes = archetypes if archetypes is not None else load_archetypes()
    settings = matching_settings()
    weights = {k: float(v) for k, v in settings["weights"].items()}
    scale = float(settings["scale"])
    total_share = sum(p.share for p in profiles)
    overall = sum(p.share * p.contacts_per_person for p in profiles) / total_share if total_share > 0 else 0.0
    fits = np.zeros((len(profiles), len(archetypes)))
    for i, profile in enumerate(profiles):
        for j, archetype in enumerate(archetypes):
            distance = _distance(profile, archetype, overall, weights)
            fits[i, j] = 0.0 if not np.isfinite(distance) else max(0.0, 1.0 - distance / scale)
    return fits


def match_archetypes(profiles: list[ClusterProfile], archetypes: list[Archetype] | None = None) -> list[ArchetypeMatch]:
    """At most one archetype per cluster and one cluster per archetype, by best total fit."""
    archetypes = archetypes if archetypes is not None else load_archetypes()
    if not profiles:
        return []
    fits = fit_matrix(profiles, archetypes)
    min_fit = float(matching_settings()["min_fit"])
    rows, cols = linear_sum_assignment(-fits)
    out = [ArchetypeMatch(None, round(float(fits[i].max()) if fits.shape[1] else 0.0, 4)) for i in range(len(profiles))]
    for i, j in zip(rows, cols):
        if fits[i, j] >= min_fit:
            out[i] = ArchetypeMatch(archetypes[j].id, round(float(fits[i, j]), 4))
        else:
            out[i] = ArchetypeMatch(None, round(float(fits[i, j]), 4))
    return out


def count_archetype_fits(profiles: list[ClusterProfile]) -> int:
    """How many clusters get an archetype: the callback the clustering uses when k is auto."""
    return sum(1 for match in match_archetypes(profiles) if match.archetype is not None)


def fallback_name(profile: ClusterProfile, lang: str = "fr") -> str:
    """A name from the data: the two most distinguishing traits and the main channel."""
    naming = _library()["naming"]
    lang = lang if lang in ("fr", "en") else "fr"
    parts: list[str] = []
    for item in profile.distinguishing:
        if len(parts) == 2:
            break
        if item.feature.startswith("trait:"):
            dim = item.feature.split(":", 1)[1]
            side = "high" if item.effect > 0 else "low"
            words = naming["traits"].get(dim)
            if words:
                parts.append(words[lang][side])
            else:
                parts.append(f"{item.label.get(lang, dim)} : {naming['levels'][lang][side]}" if lang == "fr"
                             else f"{item.label.get(lang, dim)}: {naming['levels'][lang][side]}")
    if not parts:
        for item in profile.distinguishing[:2]:
            if item.effect > 0:
                parts.append(item.label.get(lang, item.feature))
    if profile.channel_mix and sum(profile.channel_mix.values()) > 0:
        channel = max(sorted(profile.channel_mix), key=lambda c: profile.channel_mix[c])
        parts.append(naming["channels"][lang].get(channel, channel))
    if not parts:
        return naming["generic"][lang].format(n=int(profile.cluster) + 1 if isinstance(profile.cluster, (int, np.integer)) else profile.cluster)
    tail = [part[:1].lower() + part[1:] if part[1:2].islower() else part for part in parts[1:]]
    return naming["separator"].join([parts[0], *tail])
