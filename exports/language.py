"""One language per document: what people wrote is kept, untouched drafts are drafted again.

A workshop is drafted in its own language. Exported in another one, a text nobody edited (it is
still exactly the draft the toolkit would write for this persona) is drafted again in the
document's language; a text people wrote or changed is kept as it is and tagged with the
workshop's language, so screen readers and hyphenation read it right. The test that tells a draft
from an edit is the one the workshop operations use (``personas.operations._redrafted``): a field
equal to its draft is a draft.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from personas.model import NARRATIVE_LIST_FIELDS, Persona, Workshop

#: Drafted narrative fields (the quote is a respondent's own words: never redrafted).
DRAFTED_FIELDS = ("story", *NARRATIVE_LIST_FIELDS)


def _draft(persona: Persona, ws: Workshop, lang: str) -> dict[str, Any]:
    """The draft for ``persona`` in ``lang``, from the workshop's own typology (a custom one's
    archetype texts, not the built-in ones) and its codebook's trait names."""
    from personas.archetypes import workshop_typology
    from personas.narrative import draft_narrative

    archetype = workshop_typology(ws.settings).get(persona.archetype or "")
    return draft_narrative(persona, archetype, lang, figures=persona.size >= ws.min_group_size,
                           codebook=ws.codebook)


def in_language(ws: Workshop, persona: Persona, lang: str) -> tuple[Persona, dict[str, str]]:
    """``persona`` for a document in ``lang``, and the language of each field kept as written.

    The second value maps a field name ("name", "quote", "story", "goals", ...) to the workshop's
    language for every text that stays in it; it is empty when the document is in the workshop's
    language.
    """
    if lang == ws.lang:
        return persona, {}
    kept = {"name": ws.lang, "quote": ws.lang, "notes": ws.lang}
    drafted_before = _draft(persona, ws, ws.lang)
    untouched = [f for f in DRAFTED_FIELDS if getattr(persona, f) == drafted_before.get(f)]
    kept.update({f: ws.lang for f in DRAFTED_FIELDS if f not in untouched and getattr(persona, f)})
    if not untouched:
        return persona, kept
    drafted_now = _draft(persona, ws, lang)
    return replace(persona, **{f: drafted_now[f] for f in untouched}), kept
