"""Workshop edits: pure functions that return a new workshop and record themselves in its history.

Each edit stores an exact inverse patch (the fields of the touched personas before and after,
whole personas only when created or removed; the persona order before and after; the respondents
it moved), so undo and redo are plain data that survive a save and a restart, and restore the
workshop exactly. Entries stay small: a rename stores two names, a note one note (notes are
patched as a slice), never the assignment table; a merge stores the ids of the respondents it moved.

Invariant kept by every edit: each respondent in ``assignments`` belongs to exactly one existing
persona, and each persona's ``size`` is its number of assigned respondents.
"""
from __future__ import annotations

import copy
import math
import operator
import re
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any, Callable

from workshop_data.errors import DataError
from workshop_data.messages import msg

from .model import (
    NARRATIVE_FIELDS, NARRATIVE_LIST_FIELDS, VALIDATION_STATUSES, Note, Persona, Workshop, invariant_problems,
    typed_fields,
)

if TYPE_CHECKING:
    import pandas as pd

    from clustering.encoding import FeatureMatrix
    from clustering.result import ClusterProfile

#: Fields copied from a clustering profile into a persona: its numbers, never its words.
STAT_FIELDS = (
    "size", "share", "stability", "traits", "channel_mix", "contacts_per_person", "digital_share",
    "avoidable_share", "avoidable_per_year", "repeat_rate", "distinguishing", "defining_traits",
    "prevalence", "prevalence_share", "prevalence_sample", "descriptors", "representatives", "centroid",
)
RULE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


class UnknownPersonaError(DataError):
    """An edit names a persona id the workshop does not have."""


class UnknownNoteError(DataError):
    """An edit names a note id the persona does not have."""


class EditError(DataError):
    """An edit that cannot be applied as asked (nothing to undo, a merge with itself, ...)."""


# --------------------------------------------------------------------------------------------
# Helpers


def _now() -> str:
    from .store import now_iso

    return now_iso()


def _persona(ws: Workshop, pid: str) -> Persona:
    for persona in ws.personas:
        if persona.id == pid:
            return persona
    valid = ", ".join(p.id for p in ws.personas)
    raise UnknownPersonaError(msg("edit.unknown_persona", persona=pid), expected=msg("edit.one_of", names=valid), found=pid)


def _members(ws: Workshop, pid: str) -> list[str]:
    return [rid for rid, p in ws.assignments.items() if p == pid]


def _number(value: Any) -> float:
    value = float(value)
    return value if math.isfinite(value) else 0.0


def profile_stats(profile: "ClusterProfile") -> dict[str, Any]:
    """A clustering profile as persona fields: plain, finite numbers (YAML-able, comparable)."""
    stability = profile.stability
    return {
        "size": int(profile.size),
        "share": _number(profile.share),
        "stability": None if stability is None or not math.isfinite(float(stability)) else float(stability),
        "traits": {str(k): float(v) for k, v in profile.traits.items() if math.isfinite(float(v))},
        "channel_mix": {str(k): _number(v) for k, v in profile.channel_mix.items()},
        "contacts_per_person": _number(profile.contacts_per_person),
        "digital_share": _number(profile.digital_share),
        "avoidable_share": _number(profile.avoidable_share),
        "avoidable_per_year": _number(profile.avoidable_per_year),
        "repeat_rate": _number(profile.repeat_rate),
        "distinguishing": [
            {"feature": str(d.feature), "label": {str(k): str(v) for k, v in d.label.items()},
             "value": _number(d.value), "overall": _number(d.overall), "effect": _number(d.effect)}
            for d in profile.distinguishing
        ],
        "defining_traits": [str(t) for t in profile.defining_traits],
        "prevalence": int(profile.prevalence),
        "prevalence_share": _number(profile.prevalence_share),
        "prevalence_sample": int(profile.prevalence_sample),
        "descriptors": _descriptor_values(profile.descriptors),
        "representatives": [str(r) for r in profile.representatives],
        "centroid": [_number(v) for v in profile.centroid],
    }


def _descriptor_values(descriptors: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Descriptor distributions as plain values (None for a median that could not be computed)."""
    def plain(shares: dict[str, Any]) -> dict[str, Any]:
        return {str(k): None if v is None else _number(v) for k, v in shares.items()}

    return {str(column): {"label": {str(k): str(v) for k, v in item["label"].items()}, "kind": str(item["kind"]),
                          "persona": plain(item["persona"]), "sample": plain(item["sample"])}
            for column, item in descriptors.items()}


def _used_ids(ws: Workshop) -> set[str]:
    ids = {p.id for p in ws.personas}
    for entry in ws.history + ws.redo:
        for side in ("before", "after"):
            part = entry.get(side) if isinstance(entry, dict) else None
            order = part.get("order") if isinstance(part, dict) else None
            if isinstance(order, list):
                ids.update(i for i in order if isinstance(i, str))
    return ids


def _fresh_persona_id(ws: Workshop) -> str:
    numbers = [int(m.group(1)) for i in _used_ids(ws) if (m := re.fullmatch(r"P(\d+)", i))]
    return f"P{max(numbers, default=0) + 1}"


def _fresh_note_id(ws: Workshop) -> str:
    numbers = [int(m.group(1)) for p in ws.personas for n in p.notes if (m := re.fullmatch(r"N(\d+)", n.id))]
    return f"N{max(numbers, default=0) + 1}"


def _what(what: str) -> Any:
    """What a text is, in the reader's language when the catalogue names it (a narrative field's name stays)."""
    from workshop_data.messages import catalogue

    key = f"edit.what.{what.replace('the ', '').replace(' ', '_')}"
    return msg(key) if key in catalogue("en") else what


def _text(value: Any, what: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise EditError(msg("edit.not_text", what=_what(what)))
    if not allow_empty and not value.strip():
        raise EditError(msg("edit.empty", what=_what(what)), expected=msg("edit.expected_text"))
    return value


# --------------------------------------------------------------------------------------------
# The history: commit an edit, apply a patch either way


#: List fields patched as a slice (an edit touches one note; storing the whole list would grow the
#: history quadratically in the number of notes).
_SLICED = ("notes",)


def _slice_patch(old: list[Any], new: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_mid, new_mid = old[start:len(old) - end], new[start:len(new) - end]
    return ({"at": start, "items": old_mid, "replaces": len(new_mid)},
            {"at": start, "items": new_mid, "replaces": len(old_mid)})


def _diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[dict | None, dict | None]:
    """The two sides of a persona's change: only the fields that differ when it exists on both."""
    if old is None or new is None:
        return old, new
    before, after = {"id": old["id"]}, {"id": new["id"]}
    for key in old:
        if old[key] == new.get(key):
            continue
        if key in _SLICED:
            before[key], after[key] = _slice_patch(old[key], new[key])
        else:
            before[key], after[key] = old[key], new[key]
    return before, after


def _patched(current: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    out = dict(current)
    for key, value in data.items():
        if key in _SLICED and isinstance(value, dict):
            items = current[key]
            out[key] = items[:value["at"]] + list(value["items"]) + items[value["at"] + value["replaces"]:]
        else:
            out[key] = value
    return out


def _matches(current: dict[str, Any], data: dict[str, Any]) -> bool:
    for key, value in data.items():
        if key in _SLICED and isinstance(value, dict):
            at, items = value["at"], value["items"]
            if current.get(key, [])[at:at + len(items)] != items:
                return False
        elif current.get(key) != value:
            return False
    return True


def _commit(ws: Workshop, op: str, args: dict[str, Any], personas: list[Persona],
            moves: list[dict[str, Any]] | None = None) -> Workshop:
    """Record the change from ``ws`` to (``personas``, ``moves``) and return the new workshop."""
    old = {p.id: asdict(p) for p in ws.personas}
    new = {p.id: asdict(p) for p in personas}
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    for pid in list(old) + [i for i in new if i not in old]:
        if old.get(pid) != new.get(pid):
            a, b = _diff(old.get(pid), new.get(pid))
            if a is not None:
                before.append(a)
            if b is not None:
                after.append(b)
    moves = [m for m in (moves or []) if m["ids"]]
    assignments = dict(ws.assignments)
    for move in moves:
        for rid in move["ids"]:
            assignments[rid] = move["to"]
    entry = {
        "op": op,
        "args": copy.deepcopy(args),
        "time": _now(),
        "before": {"personas": before, "order": [p.id for p in ws.personas]},
        "after": {"personas": after, "order": [p.id for p in personas]},
        "moved": [{"from": m["from"], "to": m["to"], "ids": list(m["ids"])} for m in moves],
    }
    return replace(ws, personas=personas, assignments=assignments, history=[*ws.history, entry], redo=[])


def _apply(ws: Workshop, entry: dict[str, Any], side: str) -> Workshop:
    """Put the workshop in the state on ``side`` ("before" or "after") of a history entry.

    Entries come from a file people may have edited by hand: a damaged one is refused with a
    message, and nothing is applied unless the result is a valid workshop.
    """
    verb = "undo" if side == "before" else "redo"
    name = entry.get("op") if isinstance(entry, dict) else None
    try:
        result = _apply_entry(ws, entry, side, verb)
    except EditError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise EditError(msg(f"edit.{verb}_damaged", name=name), found=str(exc)[:200]) from None
    from .store import persona_problems

    problems = invariant_problems(result) + persona_problems(result)
    if problems:
        raise EditError(msg(f"edit.{verb}_damaged", name=name), found=problems[:3])
    return result


def _apply_entry(ws: Workshop, entry: dict[str, Any], side: str, verb: str) -> Workshop:
    other = "after" if side == "before" else "before"
    current = {p.id: asdict(p) for p in ws.personas}
    if [p.id for p in ws.personas] != entry[other]["order"] or any(
        p["id"] not in current or not _matches(current[p["id"]], p) for p in entry[other]["personas"]
    ):
        raise EditError(msg(f"edit.{verb}_outside", name=str(entry.get("op"))),
                        expected=msg("edit.expected_as_left"))
    by_id = {p.id: p for p in ws.personas}
    for data in entry[side]["personas"]:
        full = _patched(current[data["id"]], data) if data["id"] in current else data
        by_id[data["id"]] = Persona.from_dict(copy.deepcopy(full))
    personas = [by_id[i] for i in entry[side]["order"]]
    assignments = dict(ws.assignments)
    for move in entry["moved"]:
        target = move["from"] if side == "before" else move["to"]
        for rid in move["ids"]:
            if rid not in assignments:
                raise KeyError(rid)
            assignments[rid] = target
    return replace(ws, personas=personas, assignments=assignments)


def undo(ws: Workshop) -> Workshop:
    """Undo the last edit; it goes to the redo list."""
    if not ws.history:
        raise EditError(msg("edit.nothing_to_undo"))
    entry = ws.history[-1]
    out = _apply(ws, entry, "before")
    return replace(out, history=ws.history[:-1], redo=[*ws.redo, entry])


def redo(ws: Workshop) -> Workshop:
    """Redo the last undone edit."""
    if not ws.redo:
        raise EditError(msg("edit.nothing_to_redo"))
    entry = ws.redo[-1]
    out = _apply(ws, entry, "after")
    return replace(out, history=[*ws.history, entry], redo=ws.redo[:-1])


def _replaced(ws: Workshop, persona: Persona) -> list[Persona]:
    return [persona if p.id == persona.id else p for p in ws.personas]


def _redrafted(old: Persona, new: Persona, ws: Workshop) -> Persona:
    """``new`` with each narrative field still as drafted for ``old`` drafted again for ``new``.

    Drafts quote the persona's numbers and archetype; after a merge, a split, a move or a change of
    archetype those would contradict the sheet's own figures. Words people wrote are kept.
    """
    from .archetypes import workshop_typology
    from .narrative import draft_narrative

    typology = workshop_typology(ws.settings)
    before = draft_narrative(old, typology.get(old.archetype), ws.lang, figures=old.size >= ws.min_group_size,
                             codebook=ws.codebook)
    after = draft_narrative(new, typology.get(new.archetype), ws.lang, figures=new.size >= ws.min_group_size,
                            codebook=ws.codebook)
    return replace(new, **{f: after[f] for f in before if getattr(old, f) == before[f]})


# --------------------------------------------------------------------------------------------
# Words: name, narrative, notes, archetype, validation


def rename(ws: Workshop, pid: str, name: str) -> Workshop:
    persona = _persona(ws, pid)
    name = _text(name, "the persona name")
    return _commit(ws, "rename", {"persona": pid, "name": name}, _replaced(ws, replace(persona, name=name)))


def _field_value(field: str, value: Any) -> str | list[str]:
    if field not in NARRATIVE_FIELDS:
        raise EditError(msg("edit.unknown_narrative_field"), expected=" | ".join(NARRATIVE_FIELDS), found=field)
    if field in NARRATIVE_LIST_FIELDS:
        if isinstance(value, str):
            return [line.strip() for line in value.splitlines() if line.strip()]
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        raise EditError(msg("edit.list_field", field=field), expected=msg("edit.expected_list"),
                        found=type(value).__name__)
    return _text(value, field, allow_empty=True)


def set_field(ws: Workshop, pid: str, field: str, value: str | list[str]) -> Workshop:
    """Set a narrative field; list fields accept a list or a text with one item per line."""
    persona = _persona(ws, pid)
    clean = _field_value(field, value)
    changed = replace(persona, **{field: clean})
    return _commit(ws, "set", {"persona": pid, "field": field, "value": clean}, _replaced(ws, changed))


def add_note(ws: Workshop, pid: str, service: str, text: str) -> Workshop:
    """Add a note signed by a service (the new note is the persona's last)."""
    persona = _persona(ws, pid)
    note = Note(id=_fresh_note_id(ws), service=_text(service, "the service"), text=_text(text, "the note"),
                created=_now())
    changed = replace(persona, notes=[*persona.notes, note])
    return _commit(ws, "note", {"persona": pid, "note": note.id, "service": service, "text": text},
                   _replaced(ws, changed))


def _note_index(persona: Persona, note_id: str) -> int:
    for index, note in enumerate(persona.notes):
        if note.id == note_id:
            return index
    valid = ", ".join(n.id for n in persona.notes) or "none"
    raise UnknownNoteError(msg("edit.unknown_note", persona=persona.id, note=note_id),
                           expected=msg("edit.one_of", names=valid), found=note_id)


def edit_note(ws: Workshop, pid: str, note_id: str, text: str) -> Workshop:
    persona = _persona(ws, pid)
    index = _note_index(persona, note_id)
    notes = list(persona.notes)
    notes[index] = replace(notes[index], text=_text(text, "the note"))
    return _commit(ws, "edit_note", {"persona": pid, "note": note_id, "text": text},
                   _replaced(ws, replace(persona, notes=notes)))


def remove_note(ws: Workshop, pid: str, note_id: str) -> Workshop:
    persona = _persona(ws, pid)
    index = _note_index(persona, note_id)
    notes = persona.notes[:index] + persona.notes[index + 1:]
    return _commit(ws, "remove_note", {"persona": pid, "note": note_id},
                   _replaced(ws, replace(persona, notes=notes)))


def set_archetype(ws: Workshop, pid: str, archetype_id: str | None) -> Workshop:
    """Change the archetype (its fit is unknown until the next clustering: set to None)."""
    persona = _persona(ws, pid)
    pending = [f for f in persona.not_recomputed if f != "archetype_fit"]
    if archetype_id is not None:
        from .archetypes import workshop_typology

        ids = [a.id for a in workshop_typology(ws.settings).archetypes]
        if archetype_id not in ids:
            raise EditError(msg("edit.unknown_archetype"), expected=" | ".join(ids), found=archetype_id)
        pending.append("archetype_fit")
    changed = _redrafted(persona, replace(persona, archetype=archetype_id, archetype_fit=None,
                                          not_recomputed=pending), ws)
    return _commit(ws, "archetype", {"persona": pid, "archetype": archetype_id}, _replaced(ws, changed))


def set_validated(ws: Workshop, pid: str, validated: bool) -> Workshop:
    persona = _persona(ws, pid)
    if not isinstance(validated, bool):
        raise EditError(msg("edit.validated_bool"), expected="true | false", found=validated)
    return _commit(ws, "validate", {"persona": pid, "validated": validated},
                   _replaced(ws, replace(persona, validated=validated)))


def set_validation(ws: Workshop, pid: str, service: str, status: str | None, text: str = "") -> Workshop:
    """A service says it recognises its users in the persona, or has a reservation (with why);
    ``status=None`` withdraws what that service said. Dated, so the sheet shows when."""
    persona = _persona(ws, pid)
    service = _text(service, "the service").strip()
    validations = {k: dict(v) for k, v in persona.validations.items() if k != service}
    if status is not None:
        if status not in VALIDATION_STATUSES:
            raise EditError(msg("edit.unknown_status"), expected=" | ".join(VALIDATION_STATUSES), found=status)
        validations[service] = {"status": status, "text": _text(text, "the reservation", allow_empty=True).strip(),
                                "date": _now()[:10]}
    return _commit(ws, "validation", {"persona": pid, "service": service, "status": status, "text": text},
                   _replaced(ws, replace(persona, validations=dict(sorted(validations.items())))))


# --------------------------------------------------------------------------------------------
# Membership: merge, split, move


def _labels(ws: Workshop, moves: list[dict[str, Any]]) -> "pd.Series":
    import pandas as pd

    labels = dict(ws.assignments)
    for move in moves:
        for rid in move["ids"]:
            labels[rid] = move["to"]
    return pd.Series(labels, dtype=object)


def _check_features(ws: Workshop, features: "FeatureMatrix", pids: list[str]) -> None:
    import pandas as pd

    wanted = pd.Index([rid for rid, p in ws.assignments.items() if p in pids])
    missing = wanted.difference(features.respondent_ids)
    if len(missing):
        raise EditError(msg("edit.source_lacks_respondents", n=len(missing)),
                        expected=msg("edit.expected_sources"), found=[str(m) for m in missing[:5]])


def _profiles(ws: Workshop, features: "FeatureMatrix", moves: list[dict[str, Any]],
              pids: list[str]) -> dict[str, "ClusterProfile"]:
    """Fresh profiles of every persona once the moves are made (``pids``: those that must be there)."""
    from clustering.profiles import profile_clusters

    _check_features(ws, features, pids)
    profiles = profile_clusters(features, _labels(ws, moves), period_days=ws.settings.get("period_days"))
    return {str(p.cluster): p for p in profiles}


#: Figures an edit recomputes from the source data, and lists in ``not_recomputed`` without them.
EVIDENCE_FIELDS = ("stability", "archetype_fit", "prevalence")


def _restated(ws: Workshop, personas: list[Persona], features: "FeatureMatrix", moves: list[dict[str, Any]],
              touched: list[str]) -> list[Persona]:
    """Every persona's evidence after an edit: the touched ones re-profiled on their members, with
    their archetype's fit; everyone's stability by bootstrap on the data of the edited partition."""
    from clustering.pipeline import partition_stability

    from .archetypes import archetype_fit, workshop_typology

    profiles = _profiles(ws, features, moves, touched)
    bootstrap = int(ws.settings.get("bootstrap", 20) or 0)
    stability = partition_stability(features, _labels(ws, moves), method=ws.settings.get("method", "default"),
                                    seed=int(ws.settings.get("seed", 0) or 0), bootstrap=bootstrap)
    typology = workshop_typology(ws.settings)
    everyone = list(profiles.values())
    out = []
    for persona in personas:
        changes: dict[str, Any] = {"stability": stability.get(persona.id)}
        pending = [f for f in persona.not_recomputed if f != "stability"] + ([] if stability else ["stability"])
        if persona.id in touched:
            profile = profiles[persona.id]
            changes.update(profile_stats(profile))
            changes["stability"] = stability.get(persona.id)
            changes["archetype_fit"] = archetype_fit(profile, persona.archetype, everyone, typology)
            pending = [] if stability else ["stability"]
        out.append(replace(persona, **changes, not_recomputed=pending))
    return out


def _requoted(ws: Workshop, personas: list[Persona], features: "FeatureMatrix | None",
              moves: list[dict[str, Any]], touched: list[str]) -> list[Persona]:
    """The touched personas' quote candidates drawn again from their members' scrubbed answers.

    With the answers at hand (the features :func:`personas.build.load_features` gives carry them),
    the candidates are those of the members now, nearest the centre first, and a quote nobody
    chose (empty, or the one the toolkit picked) is picked again from them, one that agrees with
    the persona's new figures and no other persona prints; a quote a person wrote or chose stays.
    Without them, a persona left with no candidate at all lists "quote" in ``not_recomputed``
    rather than staying silently without one.
    """
    from .quotes import candidates_from_texts
    from .narrative import pick_quote

    texts = getattr(features, "texts", None)
    labels = _labels(ws, moves) if texts is not None else None
    out = []
    for persona in personas:
        if persona.id not in touched:
            out.append(persona)
            continue
        untouched = not persona.quote or "quote" not in typed_fields(ws, persona.id)
        pending = [f for f in persona.not_recomputed if f != "quote"]
        if texts is None:
            lost = not persona.quote_candidates and not persona.quote
            out.append(replace(persona, not_recomputed=pending + (["quote"] if lost else [])))
            continue
        members = [str(rid) for rid in labels.index[labels.to_numpy() == persona.id]]
        candidates = candidates_from_texts(texts, features, members, persona.centroid)
        others = [p.quote for p in [*out, *personas] if p.id != persona.id]
        out.append(replace(persona, quote_candidates=candidates, not_recomputed=pending,
                           quote=pick_quote(candidates, persona, taken=others) if untouched else persona.quote))
    return out


def _rejourneyed(ws: Workshop, personas: list[Persona], features: "FeatureMatrix", moves: list[dict[str, Any]],
                 touched: list[str]) -> list[Persona]:
    """The touched personas' journeys (contacts by topic and channel) counted again from their
    members' contacts. Without the log's topics in ``features``, a touched persona's journey would
    describe other people: it is cleared and listed in ``not_recomputed`` (when the workshop has
    journeys at all)."""
    from workshop_data.journeys import persona_journey

    journeys = getattr(features, "journeys", None)
    known = any(p.journey for p in ws.personas)
    labels = _labels(ws, moves) if journeys is not None else None
    out = []
    for persona in personas:
        if persona.id not in touched:
            out.append(persona)
            continue
        pending = [f for f in persona.not_recomputed if f != "journey"]
        if labels is None:
            out.append(replace(persona, journey=[], not_recomputed=pending + (["journey"] if known else [])))
            continue
        members = [str(rid) for rid in labels.index[labels.to_numpy() == persona.id]]
        out.append(replace(persona, not_recomputed=pending,
                           journey=persona_journey(journeys, members, min_respondents=ws.min_group_size)))
    return out


def _interleave(*lists: list[str], limit: int | None = None) -> list[str]:
    out: list[str] = []
    for index in range(max((len(x) for x in lists), default=0)):
        for items in lists:
            if index < len(items) and items[index] not in out:
                out.append(items[index])
    return out[:limit] if limit is not None else out


def _combined_stats(a: Persona, b: Persona) -> dict[str, Any]:
    """Statistics of the union of two personas from theirs alone (no respondent-level data).

    Means (traits, contacts per person, centroid) are weighted by share (the weighted size, equal
    to the size in an unweighted survey); contact-level ratios (channel mix, digital, avoidable,
    repeat) by each persona's contact volume; counts add up. What cannot be combined (distinguishing
    features, defining traits, prevalence, stability, descriptors) is cleared rather than guessed,
    and the merge lists it in the persona's ``not_recomputed``.
    """
    wa, wb = (a.share, b.share) if a.share > 0 and b.share > 0 else (float(a.size), float(b.size))
    total = wa + wb or 1.0

    def mean(x: float, y: float) -> float:
        return (x * wa + y * wb) / total

    va, vb = wa * a.contacts_per_person, wb * b.contacts_per_person
    volume = va + vb

    def ratio(x: float, y: float) -> float:
        return (x * va + y * vb) / volume if volume > 0 else mean(x, y)

    traits = {d: mean(a.traits[d], b.traits[d]) for d in a.traits if d in b.traits}
    channels = {c: ratio(a.channel_mix.get(c, 0.0), b.channel_mix.get(c, 0.0))
                for c in list(a.channel_mix) + [c for c in b.channel_mix if c not in a.channel_mix]}
    centroid = ([mean(x, y) for x, y in zip(a.centroid, b.centroid)]
                if len(a.centroid) == len(b.centroid) else list(a.centroid))
    return {
        "size": a.size + b.size,
        "share": a.share + b.share,
        "stability": None,
        "traits": traits,
        "channel_mix": channels,
        "contacts_per_person": mean(a.contacts_per_person, b.contacts_per_person),
        "digital_share": ratio(a.digital_share, b.digital_share),
        "avoidable_share": ratio(a.avoidable_share, b.avoidable_share),
        "avoidable_per_year": a.avoidable_per_year + b.avoidable_per_year,
        "repeat_rate": ratio(a.repeat_rate, b.repeat_rate),
        "distinguishing": [],
        "defining_traits": [],
        "prevalence": 0,
        "prevalence_share": 0.0,
        "prevalence_sample": 0,
        "descriptors": {},
        "representatives": _interleave(a.representatives, b.representatives,
                                       limit=max(len(a.representatives), len(b.representatives))),
        "centroid": centroid,
    }


def merge(ws: Workshop, keep_pid: str, other_pid: str, *, features: "FeatureMatrix | None" = None) -> Workshop:
    """Merge ``other`` into ``keep``: members, notes and quote candidates join; statistics recomputed.

    With ``features`` the statistics are those of the merged members, exactly, with stability
    (bootstrap on the edited partition), archetype fit and prevalence recomputed; without, a
    size-weighted combination of the two personas' statistics (see :func:`_combined_stats`) and
    the figures that cannot be combined listed in ``not_recomputed``. ``keep`` keeps its name,
    archetype and narrative (untouched drafts are redrafted); it needs validating again, and the
    services' validations are cleared (a service recognised the persona before, not this one).
    """
    keep, other = _persona(ws, keep_pid), _persona(ws, other_pid)
    if keep_pid == other_pid:
        raise EditError(msg("edit.merge_itself"), found=keep_pid)
    moves = [{"from": other_pid, "to": keep_pid, "ids": _members(ws, other_pid)}]
    from workshop_data.journeys import sum_journeys

    merged = replace(keep, quote_candidates=_interleave(keep.quote_candidates, other.quote_candidates),
                     notes=[*keep.notes, *other.notes], validated=False, validations={},
                     journey=sum_journeys(keep.journey, other.journey))
    personas = [merged if p.id == keep_pid else p for p in ws.personas if p.id != other_pid]
    if features is not None:
        personas = _restated(ws, personas, features, moves, [keep_pid])
        personas = _requoted(ws, personas, features, moves, [keep_pid])
    else:
        pending = [*EVIDENCE_FIELDS, *(["descriptors"] if keep.descriptors or other.descriptors else [])]
        personas = [replace(p, **_combined_stats(keep, other), archetype_fit=None, not_recomputed=pending)
                    if p.id == keep_pid else p for p in personas]
    personas = [_redrafted(keep, p, ws) if p.id == keep_pid else p for p in personas]
    return _commit(ws, "merge", {"keep": keep_pid, "other": other_pid, "exact": features is not None},
                   personas, moves)


def _new_persona(pid: str, profile: "ClusterProfile", ws: Workshop) -> Persona:
    from .archetypes import LANGS, fallback_name, workshop_typology
    from .narrative import draft_narrative

    typology, encoder = workshop_typology(ws.settings), (ws.model or {}).get("encoder")
    drafted = {lang: fallback_name(profile, lang, typology, encoder=encoder) for lang in LANGS}
    persona = Persona(id=pid, name=drafted.get(ws.lang) or drafted["fr"], drafted_name=drafted,
                      **profile_stats(profile))
    return replace(persona, **draft_narrative(persona, None, ws.lang, figures=persona.size >= ws.min_group_size,
                                              codebook=ws.codebook))


def split(ws: Workshop, pid: str, *, features: "FeatureMatrix", seed: int = 0) -> Workshop:
    """Split a persona in two by re-clustering its members with the workshop's method.

    The larger part keeps the id, name, narrative and notes; the smaller becomes a new persona with
    a fresh id, a data-driven name and a drafted narrative, placed right after it. The services'
    validations of the split persona are cleared: they recognised the whole, not either half.
    """
    from clustering.pipeline import split_cluster

    persona = _persona(ws, pid)
    members = _members(ws, pid)
    _check_features(ws, features, [pid])
    parts = split_cluster(features, members, method=ws.settings.get("method", "default"), seed=seed)
    moved = [str(rid) for rid, part in parts.items() if part == 1]
    if not moved or len(moved) == len(members):
        raise EditError(msg("edit.no_split", persona=pid), found=len(members))
    new_id = _fresh_persona_id(ws)
    moves = [{"from": pid, "to": new_id, "ids": sorted(moved)}]
    profiles = _profiles(ws, features, moves, [pid, new_id])
    created = _new_persona(new_id, profiles[new_id], ws)
    personas: list[Persona] = []
    for p in ws.personas:
        personas.extend([replace(p, validated=False, validations={}), created] if p.id == pid else [p])
    personas = _restated(ws, personas, features, moves, [pid, new_id])
    personas = _requoted(ws, personas, features, moves, [pid, new_id])
    personas = _rejourneyed(ws, personas, features, moves, [pid, new_id])
    personas = [_redrafted(persona, p, ws) if p.id == pid else p for p in personas]
    return _commit(ws, "split", {"persona": pid, "new": new_id, "seed": seed}, personas, moves)


def _rule_mask(rule: dict[str, Any], features: "FeatureMatrix") -> "pd.Series":
    import pandas as pd

    if not isinstance(rule, dict):
        raise EditError(msg("edit.rule_not_mapping"), expected="trait, op, value (from)", found=rule)
    trait, op, value = rule.get("trait"), rule.get("op"), rule.get("value")
    columns = list(features.trait_scores.columns)
    if trait not in columns:
        raise EditError(msg("edit.rule_unknown_trait"), expected=" | ".join(map(str, columns)), found=trait)
    if op not in RULE_OPERATORS:
        raise EditError(msg("edit.rule_unknown_operator"), expected=" | ".join(RULE_OPERATORS), found=op)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise EditError(msg("edit.rule_value"), expected="0-100", found=value)
    scores = features.trait_scores[trait]
    return pd.Series(RULE_OPERATORS[op](scores.to_numpy(dtype=float), float(value)), index=features.respondent_ids)


def move(ws: Workshop, rule: dict[str, Any], to_pid: str, *, features: "FeatureMatrix") -> Workshop:
    """Move the respondents matching ``rule`` (e.g. ``{"trait": "awareness", "op": "<", "value": 40,
    "from": "P2"}``) into ``to_pid``; without ``from``, from every other persona.

    A move that matches nobody, or would empty a persona (use merge for that), is refused.
    """
    _persona(ws, to_pid)
    source = rule.get("from") if isinstance(rule, dict) else None
    if source is not None:
        _persona(ws, source)
        if source == to_pid:
            raise EditError(msg("edit.move_same"), found=source)
    mask = _rule_mask(rule, features)
    matching = set(mask.index[mask.to_numpy()])
    by_source: dict[str, list[str]] = {}
    for rid, pid in ws.assignments.items():
        if pid != to_pid and (source is None or pid == source) and rid in matching:
            by_source.setdefault(pid, []).append(rid)
    if not by_source:
        raise EditError(msg("edit.rule_matches_nobody"), found=rule)
    for pid, ids in by_source.items():
        if len(ids) == len(_members(ws, pid)):
            raise EditError(msg("edit.move_empties", persona=pid), found=rule)
    moves = [{"from": pid, "to": to_pid, "ids": sorted(by_source[pid])}
             for pid in [p.id for p in ws.personas] if pid in by_source]
    touched = [to_pid, *(m["from"] for m in moves)]
    _check_features(ws, features, touched)
    personas = [replace(p, validated=False) if p.id in touched else p for p in ws.personas]
    personas = _restated(ws, personas, features, moves, touched)
    personas = _requoted(ws, personas, features, moves, touched)
    personas = _rejourneyed(ws, personas, features, moves, touched)
    before = {p.id: p for p in ws.personas}
    personas = [_redrafted(before[p.id], p, ws) if p.id in touched else p for p in personas]
    return _commit(ws, "move", {"rule": dict(rule), "to": to_pid}, personas, moves)
