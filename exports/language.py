"""One language per document: what people wrote is kept, what the toolkit drafted is drafted again.

A workshop is drafted in its own language. Exported in another one, every text the toolkit wrote
is written again in the document's language: the narrative fields nobody edited (a field equal to
its draft is a draft, the test the workshop operations use: ``personas.operations._redrafted``)
and the persona's name when it is the one the build gave (its archetype's name in the typology,
or the data-driven name of :func:`personas.archetypes.fallback_name`). A text people wrote, a name
they typed, their notes and the respondents' quote are kept as they are and tagged with the
workshop's language, so that screen readers, hyphenation and the PDF's structure read them right.

Whatever the language, a drafted list the workshop file does not hold yet (do's and don'ts of a
workshop built before they existed) is drafted, and a quote the toolkit chose is chosen again when
it contradicts the persona's figures or repeats another persona's quote.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable

from personas.model import NARRATIVE_LIST_FIELDS, Persona, Workshop, typed_fields

#: Drafted narrative fields (the quote is a respondent's own words: never redrafted).
DRAFTED_FIELDS = ("story", *NARRATIVE_LIST_FIELDS)
#: Fields that are always what people (or respondents) wrote, in the workshop's language.
PEOPLES_FIELDS = ("quote", "notes", "owner", "journey")
_SUFFIX = re.compile(r"^(.*?)( \(\d+\))?$")


def _draft(persona: Persona, ws: Workshop, lang: str) -> dict[str, Any]:
    """The draft for ``persona`` in ``lang``, from the workshop's own typology (a custom one's
    archetype texts, not the built-in ones) and its codebook's trait names."""
    from personas.archetypes import workshop_typology
    from personas.narrative import draft_narrative

    archetype = workshop_typology(ws.settings).get(persona.archetype or "")
    return draft_narrative(persona, archetype, lang, figures=persona.size >= ws.min_group_size,
                           codebook=ws.codebook)


def _profile(persona: Persona, cluster: Any):
    """The persona's figures as the clustering profile it was named from."""
    from clustering.result import ClusterProfile, Distinguishing

    distinguishing = []
    for item in persona.distinguishing:
        try:
            distinguishing.append(Distinguishing(
                feature=str(item["feature"]), label=dict(item.get("label") or {}), value=float(item.get("value", 0.0)),
                overall=float(item.get("overall", 0.0)), effect=float(item.get("effect", 0.0))))
        except (KeyError, TypeError, ValueError):
            continue
    return ClusterProfile(
        cluster=cluster, size=persona.size, share=persona.share, traits=dict(persona.traits),
        distinguishing=distinguishing, channel_mix=dict(persona.channel_mix),
        contacts_per_person=persona.contacts_per_person, digital_share=persona.digital_share,
        avoidable_share=persona.avoidable_share, avoidable_per_year=persona.avoidable_per_year,
        repeat_rate=persona.repeat_rate, representatives=[], prevalence=persona.prevalence,
        prevalence_share=persona.prevalence_share, defining_traits=list(persona.defining_traits),
        centroid=[], stability=persona.stability)


def drafted_name(ws: Workshop, persona: Persona, lang: str) -> str | None:
    """The persona's name in ``lang`` when the toolkit gave it (its archetype's name, or the
    data-driven name), None when people typed it or its origin cannot be told.

    The data-driven name is :func:`personas.archetypes.fallback_name`'s, asked in ``lang``: the
    documents never make up names of their own. A " (2)" the build added to tell two equal names
    apart is kept.
    """
    if "name" in typed_fields(ws, persona.id):
        return None
    return name_in(ws, persona, lang)


def name_in(ws: Workshop, persona: Persona, lang: str) -> str | None:
    """``persona.name`` in ``lang`` when it reads as the toolkit's name for this persona (see
    :func:`drafted_name`, which also asks whether people typed it), else None."""
    from personas.archetypes import fallback_name, workshop_typology

    drafted = getattr(persona, "drafted_name", None) or {}
    if drafted.get(ws.lang) == persona.name:  # the build's or a split's own draft, in both languages
        return str(drafted[lang]) if drafted.get(lang) else None
    base, suffix = _SUFFIX.match(persona.name).groups()
    suffix = suffix or ""
    typology = workshop_typology(ws.settings)
    archetype = typology.get(persona.archetype) if persona.archetype else None
    if archetype is not None and base == archetype.name.get(ws.lang):
        return (archetype.name.get(lang) or base) + suffix
    number = persona.id[1:] if persona.id[:1] == "P" and persona.id[1:].isdigit() else None
    for cluster in ([int(number) - 1] if number else []) + [persona.id]:
        if fallback_name(_profile(persona, cluster), ws.lang, typology) == base:
            return fallback_name(_profile(persona, cluster), lang, typology) + suffix
    return None


def _completed(ws: Workshop, persona: Persona, lang: str) -> Persona:
    """Drafted lists a workshop file built before they existed does not hold (nobody cleared them)."""
    typed = typed_fields(ws, persona.id)
    missing = [f for f in NARRATIVE_LIST_FIELDS if not getattr(persona, f) and f not in typed]
    if not missing:
        return persona
    draft = _draft(persona, ws, ws.lang)
    return replace(persona, **{f: draft[f] for f in missing if draft.get(f)})


def quote_for(ws: Workshop, persona: Persona, taken: Iterable[str]) -> str:
    """The quote a document prints: the one people chose, as it is; else the toolkit's, chosen again
    when it contradicts the persona's figures or another persona already prints it."""
    from personas.narrative import contradiction, pick_quote

    taken = [t for t in taken if t]
    if "quote" in typed_fields(ws, persona.id):
        return persona.quote
    if persona.quote and persona.quote not in taken and contradiction(persona.quote, persona, "quote") is None:
        return persona.quote
    return pick_quote(persona.quote_candidates, persona, taken=taken)


def in_language(ws: Workshop, persona: Persona, lang: str) -> tuple[Persona, dict[str, str]]:
    """``persona`` for a document in ``lang``, and the language of each field kept as written.

    The second value maps a field name ("name", "quote", "story", "goals", ...) to the workshop's
    language for every text that stays in it; it is empty when the document is in the workshop's
    language.
    """
    persona = _completed(ws, persona, lang)
    if lang == ws.lang:
        return persona, {}
    kept = {field: ws.lang for field in PEOPLES_FIELDS}
    changes: dict[str, Any] = {}
    name = drafted_name(ws, persona, lang)
    if name is None:
        kept["name"] = ws.lang
    else:
        changes["name"] = name
    drafted_before = _draft(persona, ws, ws.lang)
    untouched = [f for f in DRAFTED_FIELDS if getattr(persona, f) == drafted_before.get(f)]
    kept.update({f: ws.lang for f in DRAFTED_FIELDS if f not in untouched and getattr(persona, f)})
    if untouched:
        drafted_now = _draft(persona, ws, lang)
        changes.update({f: drafted_now[f] for f in untouched})
    return replace(persona, **changes), kept
