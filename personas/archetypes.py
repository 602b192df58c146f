"""Typologies (the built-in archetypes.yaml, or a workgroup's own) and the naming of clusters.

A typology names clusters; it never decides what they are: k and the clusters come from the data
alone (clustering/selection.py), then each cluster is compared with each archetype's signature.

Matching compares a cluster's profile with a signature: trait levels (mean absolute difference on
the 0-100 scale, over the dimensions the survey measures), channel mix (grouped into digital,
phone, counter and mail), contact volume relative to everyone's, avoidable and repeat shares.
Distance becomes a fit in 0-1. Clusters and archetypes are paired by an assignment (Hungarian
algorithm), so each archetype names at most one cluster. An archetype names a cluster only when
the data can support it: the survey measures enough of the dimensions its signature rests on
(``matching.min_dimensions``, and every dimension the archetype lists as ``required``) and the fit
reaches ``matching.min_fit`` (calibrated on benchmarks/structures.py). Otherwise the cluster is
named from its own distinguishing features, in words (:func:`fallback_name`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from clustering.result import ClusterProfile
from workshop_data.errors import DataError

_FILE = Path(__file__).resolve().parent / "archetypes.yaml"
#: A variable whose learnt weight (multiplier) is under this carries no structure: it names nothing.
MIN_NAMING_WEIGHT = 0.3
CHANNEL_GROUPS = {"email": "digital", "web": "digital", "chat": "digital", "social": "digital",
                  "phone": "phone", "counter": "counter", "mail": "mail"}
GROUP_ORDER = ("digital", "phone", "counter", "mail")
LANGS = ("fr", "en")
MATCHING_KEYS = ("min_fit", "scale", "min_dimensions", "max_trait_gap")
WEIGHT_KEYS = ("traits", "channels", "volume", "avoidable", "repeat")


class TypologyError(DataError):
    """A typology file that cannot be used: says which file and which key."""


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
    required: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ArchetypeMatch:
    archetype: str | None
    fit: float


@dataclass
class Typology:
    """A library of archetypes with its matching settings and naming words."""

    id: str
    name: dict[str, str]
    source: str                               # "builtin" or the file's name
    sha256: str | None
    archetypes: list[Archetype]
    matching: dict[str, Any]
    naming: dict[str, Any]
    document: dict[str, Any]                  # the validated YAML document, kept in the workshop

    def get(self, archetype_id: str | None) -> Archetype | None:
        return next((a for a in self.archetypes if a.id == archetype_id), None)


# --------------------------------------------------------------------------------------------
# Reading and checking a typology


def _fail(source: str, key: str, problem: str, expected: Any = None, found: Any = None) -> TypologyError:
    """A refusal in the reader's language: ``problem`` is a message key of the ``typology`` block
    (workshop_data/locales), ``expected`` a plain text or a keyed one."""
    from workshop_data.messages import msg

    return TypologyError(msg("typology.at_key", key=key, problem=msg(f"typology.{problem}")), file=source,
                         expected=expected, found=found)


def _expected(key: str) -> Any:
    from workshop_data.messages import msg

    return msg(f"typology.{key}")


def _range(low: float, high: float) -> Any:
    from workshop_data.messages import msg

    return msg("typology.range", low=f"{low:g}", high=f"{high:g}")


def _mapping(value: Any, source: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(source, key, "not_mapping", found=type(value).__name__)
    return value


def _words(value: Any, source: str, key: str) -> dict[str, str]:
    """A text in both languages: ``{fr: ..., en: ...}`` (one given is copied to the other)."""
    if isinstance(value, str) and value.strip():
        return {lang: value for lang in LANGS}
    mapping = _mapping(value, source, key)
    texts = {lang: mapping[lang] for lang in LANGS if isinstance(mapping.get(lang), str) and mapping[lang].strip()}
    if not texts:
        raise _fail(source, key, "no_text", expected="{fr: ..., en: ...}", found=value)
    first = next(iter(texts.values()))
    return {lang: texts.get(lang, first) for lang in LANGS}


def _number(value: Any, source: str, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= float(value) <= high:
        raise _fail(source, key, "not_number", expected=_range(low, high), found=value)
    return float(value)


def _texts_by_lang(value: Any, source: str, key: str) -> dict[str, Any]:
    return {} if value is None else {str(k): v for k, v in _mapping(value, source, key).items()}


def _archetype(raw: Any, source: str, key: str) -> Archetype:
    raw = _mapping(raw, source, key)
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise _fail(source, f"{key}.id", "no_id", expected=_expected("short_text"), found=ident)
    signature = _mapping(raw.get("signature"), source, f"{key}.signature")
    traits_raw = _mapping(signature.get("traits"), source, f"{key}.signature.traits")
    if not traits_raw:
        raise _fail(source, f"{key}.signature.traits", "no_traits", expected="{dimension: 0-100}")
    traits = {str(d): _number(v, source, f"{key}.signature.traits.{d}", 0, 100) for d, v in traits_raw.items()}
    contacts = _mapping(signature.get("contacts") or {}, source, f"{key}.signature.contacts")
    required = raw.get("required") or signature.get("required") or []
    if not isinstance(required, list) or any(r not in traits for r in required):
        raise _fail(source, f"{key}.required", "bad_required", expected=", ".join(traits),
                    found=required)
    narrative = _texts_by_lang(raw.get("narrative"), source, f"{key}.narrative")
    levers = _texts_by_lang(raw.get("levers"), source, f"{key}.levers")
    return Archetype(
        id=ident, name=_words(raw.get("name"), source, f"{key}.name"),
        description=_words(raw.get("description") or raw.get("name"), source, f"{key}.description"),
        icon=str(raw.get("icon") or "user"), traits=traits, contacts=dict(contacts),
        narrative={lang: dict(_mapping(text, source, f"{key}.narrative.{lang}")) for lang, text in narrative.items()},
        levers={lang: [str(i) for i in items] if isinstance(items, list) else [] for lang, items in levers.items()},
        required=[str(r) for r in required],
    )


def _matching(raw: Any, source: str, defaults: dict[str, Any]) -> dict[str, Any]:
    raw = _mapping(raw or {}, source, "matching")
    out = dict(defaults)
    bounds = {"min_fit": (0, 1), "scale": (0.01, 10), "min_dimensions": (1, 100), "max_trait_gap": (0, 100)}
    for name in MATCHING_KEYS:
        if name in raw:
            out[name] = _number(raw[name], source, f"matching.{name}", *bounds[name])
    if "weights" in raw:
        weights = _mapping(raw["weights"], source, "matching.weights")
        out["weights"] = {w: _number(weights.get(w, 0.0), source, f"matching.weights.{w}", 0, 1) for w in WEIGHT_KEYS}
    return out


def typology_from_document(document: Any, source: str, sha256: str | None = None,
                           defaults: "Typology | None" = None) -> Typology:
    """Check a typology document (the archetypes.yaml format) and build it; ``defaults`` fills
    matching settings and naming words the document leaves out (the built-in typology's)."""
    document = _mapping(document, source, "(top level)")
    items = document.get("archetypes")
    if not isinstance(items, list) or not items:
        raise _fail(source, "archetypes", "no_archetypes", expected=_expected("a_list"), found=items)
    archetypes = [_archetype(raw, source, f"archetypes[{i}]") for i, raw in enumerate(items)]
    ids = [a.id for a in archetypes]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise _fail(source, "archetypes", "same_id", found=", ".join(twice))
    head = _mapping(document.get("typology") or {}, source, "typology")
    stem = Path(source).stem
    matching = _matching(document.get("matching"), source, defaults.matching if defaults else {})
    missing = [k for k in ("min_fit", "scale", "weights") if k not in matching]
    if missing:
        raise _fail(source, "matching", "lacks_settings", expected=", ".join(missing))
    matching.setdefault("min_dimensions", 5)
    matching.setdefault("max_trait_gap", 100.0)
    naming = dict(defaults.naming) if defaults else {}
    naming.update(_mapping(document.get("naming") or {}, source, "naming"))
    return Typology(
        id=str(head.get("id") or stem), name=_words(head.get("name") or stem, source, "typology.name"),
        source=source, sha256=sha256, archetypes=archetypes, matching=matching, naming=naming, document=document,
    )


@lru_cache(maxsize=1)
def builtin_typology() -> Typology:
    """The reference typology shipped with the toolkit (personas/archetypes.yaml)."""
    from workshop_data.yaml_safe import read_yaml_file

    return typology_from_document(read_yaml_file(_FILE), "builtin")


def load_typology(path: str | Path | None = None) -> Typology:
    """A workgroup's typology file (same format as archetypes.yaml), or the built-in one."""
    if path is None:
        return builtin_typology()
    from workshop_data.files import sha256_of
    from workshop_data.yaml_safe import read_yaml_file

    path = Path(path)
    document = read_yaml_file(path, error=TypologyError)
    typology = typology_from_document(document, str(path), defaults=builtin_typology())
    typology.source, typology.sha256 = path.name, sha256_of(path)
    return typology


def typology_record(typology: Typology) -> dict[str, Any]:
    """What the workshop keeps of its typology (``settings["typology"]``, see CONTRACTS.md); the
    document itself too, so later edits draft from the same archetypes without the file."""
    return {
        "id": typology.id, "name": dict(typology.name), "source": typology.source, "sha256": typology.sha256,
        "labels": {a.id: dict(a.name) for a in typology.archetypes},
        "icons": {a.id: a.icon for a in typology.archetypes},
        "document": None if typology.source == "builtin" else typology.document,
    }


def workshop_typology(settings: dict[str, Any] | None) -> Typology:
    """The typology a workshop was named with (the built-in one for older files)."""
    record = (settings or {}).get("typology")
    if not isinstance(record, dict) or record.get("source") in (None, "builtin") or not record.get("document"):
        return builtin_typology()
    typology = typology_from_document(record["document"], str(record.get("source")), record.get("sha256"),
                                      defaults=builtin_typology())
    typology.source = str(record.get("source"))
    return typology


def load_archetypes(typology: Typology | None = None) -> list[Archetype]:
    """The archetypes of a typology (the built-in one by default), in file order."""
    return list((typology or builtin_typology()).archetypes)


def matching_settings(typology: Typology | None = None) -> dict[str, Any]:
    return dict((typology or builtin_typology()).matching)


# --------------------------------------------------------------------------------------------
# Matching


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


def measured_dimensions(profile: ClusterProfile, archetype: Archetype) -> list[str]:
    """The signature's dimensions the profile has a finite score for."""
    return [d for d in archetype.traits if d in profile.traits and np.isfinite(profile.traits[d])]


def supported(profile: ClusterProfile, archetype: Archetype, settings: dict[str, Any]) -> bool:
    """Does the survey measure enough of what the archetype's signature rests on?"""
    measured = measured_dimensions(profile, archetype)
    needed = min(int(settings.get("min_dimensions", 5)), len(archetype.traits))
    return len(measured) >= needed and all(d in measured for d in archetype.required)


def trait_gap(profile: ClusterProfile, archetype: Archetype) -> float:
    """Mean absolute difference (0-100 points) between the profile's and the signature's trait
    levels, over the dimensions both have; infinite when none."""
    dims = measured_dimensions(profile, archetype)
    return float(np.mean([abs(profile.traits[d] - archetype.traits[d]) for d in dims])) if dims else float("inf")


def _distance(profile: ClusterProfile, archetype: Archetype, overall_volume: float, weights: dict[str, float]) -> float:
    parts: dict[str, float] = {}
    gap = trait_gap(profile, archetype)
    if np.isfinite(gap):
        parts["traits"] = gap / 100.0
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


def fit_matrix(profiles: list[ClusterProfile], archetypes: list[Archetype] | None = None,
               typology: Typology | None = None) -> np.ndarray:
    """Fit (0-1) of every profile (rows) to every archetype (columns); 0 where the survey does not
    measure enough of the archetype's dimensions."""
    typology = typology or builtin_typology()
    archetypes = archetypes if archetypes is not None else typology.archetypes
    settings = typology.matching
    weights = {k: float(v) for k, v in settings["weights"].items()}
    scale = float(settings["scale"])
    total_share = sum(p.share for p in profiles)
    overall = sum(p.share * p.contacts_per_person for p in profiles) / total_share if total_share > 0 else 0.0
    fits = np.zeros((len(profiles), len(archetypes)))
    for i, profile in enumerate(profiles):
        for j, archetype in enumerate(archetypes):
            if not supported(profile, archetype, settings):
                continue
            distance = _distance(profile, archetype, overall, weights)
            fits[i, j] = 0.0 if not np.isfinite(distance) else max(0.0, 1.0 - distance / scale)
    return fits


def match_archetypes(profiles: list[ClusterProfile], typology: Typology | None = None) -> list[ArchetypeMatch]:
    """At most one archetype per cluster and one cluster per archetype, by best total fit. A pair
    names nothing when its fit is under ``min_fit``, its trait levels lie more than
    ``max_trait_gap`` points from the signature on average, or it rests on dimensions the survey
    does not measure."""
    typology = typology or builtin_typology()
    if not profiles:
        return []
    fits = fit_matrix(profiles, typology=typology)
    min_fit = float(typology.matching["min_fit"])
    max_gap = float(typology.matching["max_trait_gap"])
    out = [ArchetypeMatch(None, round(float(fits[i].max()) if fits.shape[1] else 0.0, 4)) for i in range(len(profiles))]
    rows, cols = linear_sum_assignment(-fits)
    for i, j in zip(rows, cols):
        named = fits[i, j] >= min_fit and trait_gap(profiles[i], typology.archetypes[j]) <= max_gap
        out[i] = ArchetypeMatch(typology.archetypes[j].id if named else None, round(float(fits[i, j]), 4))
    return out


def archetype_fit(profile: ClusterProfile, archetype_id: str | None, profiles: list[ClusterProfile],
                  typology: Typology | None = None) -> float | None:
    """The fit of one profile to a given archetype (``profiles``: the whole partition, for the
    overall contact volume); None without an archetype."""
    typology = typology or builtin_typology()
    archetype = typology.get(archetype_id)
    if archetype is None:
        return None
    fits = fit_matrix(profiles, [archetype], typology)
    index = next(i for i, p in enumerate(profiles) if p is profile)
    return round(float(fits[index, 0]), 4)


# --------------------------------------------------------------------------------------------
# Names from the data


def _side_words(naming: dict[str, Any], label: str, side: str, lang: str) -> str:
    level = naming["levels"][lang][side]
    return f"{label} : {level}" if lang == "fr" else f"{label}: {level}"


def _stem(word: str) -> str:
    from workshop_data.readers import fold

    return fold(word)[:5]


def _category_words(label: str, category: str, lang: str) -> str:
    """"Label : category" without the label's words that the category already says
    ("Importance religion : Très importante" -> "Religion : très importante")."""
    separator = " : " if lang == "fr" else ": "
    if not label.endswith(category):
        return label
    base = label[: -len(category)].rstrip().removesuffix(separator.strip()).rstrip()
    said = {_stem(w) for w in re.findall(r"[^\W\d_]{4,}", category)}
    kept = [w for w in base.split() if len(w) < 4 or _stem(w) not in said]
    if not base or not kept or len(kept) == len(base.split()):
        return label
    head = " ".join(kept)
    return f"{head[:1].upper()}{head[1:]}{separator}{category[:1].lower()}{category[1:]}"


def _feature_words(item: Any, naming: dict[str, Any], lang: str, kind: str | None = None) -> str | None:
    """A distinguishing feature in words: a trait's or item's level, a category, a yes/no answer,
    a contact share."""
    feature = str(item.feature)
    side = "high" if item.effect > 0 else "low"
    if feature.startswith("trait:"):
        dim = feature.split(":", 1)[1]
        words = naming["traits"].get(dim)
        if words:
            return words[lang][side]
        return _side_words(naming, item.label.get(lang) or dim, side, lang)
    label = item.label.get(lang)
    if "=" in feature:
        return _category_words(label, feature.split("=", 1)[1], lang) if item.effect > 0 and label else None
    if kind == "boolean" and label:
        answer = (naming.get("answers") or {}).get(lang, {}).get("yes" if side == "high" else "no")
        if answer:
            return f"{label} : {answer}" if lang == "fr" else f"{label}: {answer}"
    return _side_words(naming, label, side, lang) if label else None


def _variable(feature: str) -> str:
    """The variable a feature encodes: a category's column, an item's column, the channel mix."""
    if feature.startswith("item:"):
        return feature
    if feature.startswith("share_"):
        return "channel_mix"
    return feature.split("=", 1)[0]


def encoder_facts(encoder: dict[str, Any] | None) -> dict[str, Any]:
    """What naming reads from a clustering's encoder state: the learnt weight of each variable,
    the trait each item measures (a name says a trait once, not again through one of its items)
    and the kind of each answer (a yes/no answer reads "yes" or "no", not "high" or "low")."""
    encoder = encoder or {}
    traits = {}
    for dim, trait in (encoder.get("traits") or {}).items():
        for item in trait.get("items") or []:
            traits[f"item:{item['column']}"] = f"trait:{dim}"
    kinds = {str(a["column"]): str(a["kind"]) for a in encoder.get("answers") or [] if "column" in a}
    return {"weights": dict(encoder.get("variable_weights") or {}), "traits": traits, "kinds": kinds}


def _main_channel(profile: ClusterProfile) -> str | None:
    if not profile.channel_mix or sum(profile.channel_mix.values()) <= 0:
        return None
    return max(sorted(profile.channel_mix), key=lambda c: profile.channel_mix[c])


def fallback_name(profile: ClusterProfile, lang: str = "fr", typology: Typology | None = None, *,
                  weights: dict[str, float] | None = None, others: list[ClusterProfile] | None = None,
                  separation: list[dict] | None = None, encoder: dict[str, Any] | None = None) -> str:
    """A name from the data: the two most distinguishing features in words and the main channel.

    At most one feature per variable (never "Race: Other, race: Asian"); a variable the clustering
    gave (almost) no weight, ``weights`` (variable -> multiplier), names nothing, since it carries
    no structure; the main channel only when it is not every persona's (``others``). When nothing
    sets the persona apart from everyone, the features that divide it from its nearest persona
    (``separation``, as :func:`clustering.profiles.separations` gives them) name it. ``encoder``
    (the clustering's encoder state, :func:`encoder_facts`) says which trait each item measures
    and which answers are yes/no; its learnt weights stand in for ``weights`` when none are given.
    """
    naming = (typology or builtin_typology()).naming
    lang = lang if lang in LANGS else "fr"
    parts = _name_parts(profile, lang, typology, weights=weights, separation=separation, encoder=encoder)
    channel = _main_channel(profile)
    if channel and not (others and all(_main_channel(o) == channel for o in others)):
        parts.append(naming["channels"][lang].get(channel, channel))
    if not parts:
        number = int(profile.cluster) + 1 if isinstance(profile.cluster, (int, np.integer)) else profile.cluster
        return naming["generic"][lang].format(n=number)
    return _joined(parts, naming)


def _joined(parts: list[str], naming: dict[str, Any]) -> str:
    tail = [part[:1].lower() + part[1:] if part[1:2].islower() else part for part in parts[1:]]
    return naming["separator"].join([parts[0], *tail])


def _as_items(separation: list[dict] | None) -> list[Any]:
    from types import SimpleNamespace

    return [SimpleNamespace(feature=f["feature"], label=f["label"], effect=f["effect"]) for f in separation or []]


def _name_parts(profile: ClusterProfile, lang: str, typology: Typology | None, *, weights: dict[str, float] | None,
                separation: list[dict] | None, encoder: dict[str, Any] | None, limit: int = 2,
                given: list[str] | None = None, used: set[str] | None = None,
                only_separation: bool = False) -> list[str]:
    """Up to ``limit`` features in words (see :func:`fallback_name`), after the ``given`` ones."""
    naming = (typology or builtin_typology()).naming
    facts = encoder_facts(encoder)
    weights = weights if weights is not None else facts["weights"]
    parts: list[str] = list(given or [])
    used = set() if used is None else used

    def variable(feature: str) -> str:
        return facts["traits"].get(feature) or _variable(feature)

    def carries(feature: str) -> bool:
        return float(weights.get(_variable(feature), weights.get(feature, 1.0))) >= MIN_NAMING_WEIGHT

    def take(items) -> None:
        ranked = sorted(items, key=lambda d: (not str(d.feature).startswith(("trait:", "item:")),))
        for item in ranked:
            if len(parts) >= limit:
                break
            feature = str(item.feature)
            if variable(feature) in used or not carries(feature):
                continue
            words = _feature_words(item, naming, lang, facts["kinds"].get(_variable(feature)))
            if words and words not in parts:
                parts.append(words)
                used.add(variable(feature))

    if not only_separation:
        take(profile.distinguishing)
    if (only_separation or not parts) and separation:
        take(_as_items(separation))
    return parts


def data_names(profiles: list[ClusterProfile], lang: str = "fr", typology: Typology | None = None, *,
               encoder: dict[str, Any] | None = None, separations: list[list[dict] | None] | None = None
               ) -> list[str]:
    """The data-driven name of every profile (:func:`fallback_name`, each beside all the others),
    two equal names told apart by what divides each from its nearest (its ``separation``): "Low
    trust, mostly by phone, affairs: high" rather than "Low trust, mostly by phone (2)". Names
    still equal after that are left to the caller."""
    typology = typology or builtin_typology()
    lang = lang if lang in LANGS else "fr"
    separations = list(separations or [None] * len(profiles))
    names = [fallback_name(p, lang, typology, others=profiles, separation=sep, encoder=encoder)
             for p, sep in zip(profiles, separations)]
    for name in sorted({n for n in names if names.count(n) > 1}):
        for i in [i for i, n in enumerate(names) if n == name]:
            said: set[str] = set()
            _name_parts(profiles[i], lang, typology, weights=None, separation=separations[i], encoder=encoder, used=said)
            found = _name_parts(profiles[i], lang, typology, weights=None, separation=separations[i], encoder=encoder,
                                limit=2, given=[name], used=said, only_separation=True)
            if len(found) > 1:
                names[i] = _joined(found, typology.naming)
    return names
