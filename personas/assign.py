"""New survey waves: put new respondents into the existing personas, without re-clustering.

Personas drawn from data drift over time; re-clustering each wave would give new personas that no
longer match the sheets on the walls. Instead each new respondent joins the persona whose centre
(in the workshop's own encoding) is nearest, and the workgroup sees how each persona's share moved.

The new workshop describes the new wave: its assignments are the new respondents, sizes, shares and
statistics are recomputed from them, while names, archetypes, the narrative people wrote (drafts
follow the new figures), the chosen quote, notes and the persona centres (the definitions used for
assigning) are kept; quote candidates from the new wave's answers come first. Its history starts
empty: the previous wave's edits stay in the previous workshop file.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from workshop_data.errors import DataError
from workshop_data.messages import msg

from .model import Persona, Workshop
from .operations import _redrafted, profile_stats

if TYPE_CHECKING:
    from workshop_data.contacts import ContactFeatures
    from workshop_data.survey import Survey

#: Statistics that describe the wave (recomputed); the centroid defines the persona (kept).
_WAVE_FIELDS = tuple(f for f in (
    "size", "share", "traits", "channel_mix", "contacts_per_person", "digital_share", "avoidable_share",
    "avoidable_per_year", "repeat_rate", "distinguishing", "defining_traits", "prevalence", "prevalence_share",
    "representatives",
))


def _model_for(ws: Workshop) -> dict[str, Any]:
    """The stored model with the personas' current centres and ids (merges and splits included)."""
    if not ws.model.get("encoder"):
        raise DataError(msg("edit.no_model"), expected=msg("edit.expected_built_workshop"))
    centroids = [list(p.centroid) for p in ws.personas]
    widths = {len(c) for c in centroids}
    if len(widths) != 1 or 0 in widths:
        raise DataError(msg("edit.no_centre"), found=[p.id for p in ws.personas if not p.centroid])
    return {**ws.model, "centroids": centroids, "labels": [p.id for p in ws.personas]}


def assign_wave(ws: Workshop, survey: "Survey", contacts: "ContactFeatures | None" = None,
                ) -> tuple[Workshop, list[dict[str, Any]]]:
    """The workshop for the new wave, and per persona: old share, new share, delta in points."""
    from clustering.encoding import encode_with_state
    from clustering.pipeline import assign_new
    from clustering.profiles import profile_clusters

    from .build import N_QUOTE_CANDIDATES, quote_candidates
    from .store import now_iso

    had_contacts = any(s.get("role") == "contacts" for s in ws.sources)
    if had_contacts and contacts is None:
        raise DataError(msg("edit.needs_contacts"), expected="--contacts FILE")
    table = None if contacts is None else contacts.table
    period_days = None if contacts is None else contacts.report.period_days
    model = _model_for(ws)
    labels = assign_new(model, survey, table).astype(object)
    features = encode_with_state(survey, table, ws.model["encoder"])
    profiles = {str(p.cluster): p for p in profile_clusters(features, labels, period_days=period_days)}
    members: dict[str, list[str]] = {}
    for rid, pid in labels.items():
        members.setdefault(str(pid), []).append(str(rid))
    personas: list[Persona] = []
    for persona in ws.personas:
        profile = profiles.get(persona.id)
        if profile is None:
            updated = replace(persona, size=0, share=0.0, prevalence=0, prevalence_share=0.0, representatives=[])
        else:
            stats = profile_stats(profile)
            updated = replace(persona, **{k: stats[k] for k in _WAVE_FIELDS})
        updated = _redrafted(persona, updated, ws)
        fresh = quote_candidates(survey, features, members.get(persona.id, []), persona.centroid)
        candidates = list(dict.fromkeys(fresh + [q for q in persona.quote_candidates if q not in fresh]))
        personas.append(replace(updated, quote_candidates=candidates[:N_QUOTE_CANDIDATES], validated=False))
    report = [
        {"persona_id": old.id, "name": old.name, "old_share": float(old.share), "new_share": float(new.share),
         "delta_points": round((new.share - old.share) * 100, 2), "old_size": old.size, "new_size": new.size}
        for old, new in zip(ws.personas, personas)
    ]
    stamp = now_iso()
    sources = [dict(survey.source)] + ([dict(contacts.report.source)] if contacts is not None else [])
    settings = {**ws.settings, "period_days": period_days,
                "assigned_from": {"title": ws.title, "revision": ws.revision, "created": ws.created,
                                  "sources": [dict(s) for s in ws.sources],
                                  "shares": {p.id: float(p.share) for p in ws.personas}}}
    new_ws = replace(
        ws, personas=personas, assignments={str(r): str(p) for r, p in labels.items()},
        created=stamp, updated=stamp, revision=0, sources=sources, settings=settings,
        privacy={**survey.privacy.to_dict(), "quality": {"warnings": len(survey.quality.warnings),
                                                          "made_missing": dict(survey.quality.made_missing),
                                                          "skipped": dict(survey.quality.skipped)}},
        history=[], redo=[],
    )
    return new_ws, report
