"""The workshop domain model: Persona and Workshop, and their plain-data form.

A :class:`Workshop` is a value: operations return a new one (see ``operations``), the store saves
it as YAML. ``to_dict``/``from_dict`` are exact inverses, so save and load round-trip exactly.
Nothing here is personal data: respondent ids are pseudonymous survey ids, free text is scrubbed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from workshop_data.messages import msg

SCHEMA_VERSION = 1
#: Texts of a persona people may write: its quote, its story and who in the workgroup owns it.
NARRATIVE_TEXT_FIELDS = ("quote", "story", "owner")
#: Lists of a persona people may write; ``dos`` and ``donts`` are the front-line staff's card (what to
#: do and say, what to avoid, at the counter or on the phone), drafted from the persona's figures.
NARRATIVE_LIST_FIELDS = ("goals", "frustrations", "needs", "levers", "dos", "donts")
NARRATIVE_FIELDS = NARRATIVE_TEXT_FIELDS + NARRATIVE_LIST_FIELDS
VALIDATION_STATUSES = ("recognised", "reservation")
DEFAULT_MIN_GROUP_SIZE = 10


@dataclass
class Note:
    id: str
    service: str
    text: str
    created: str  # ISO 8601, UTC


@dataclass
class Persona:
    id: str
    name: str
    archetype: str | None = None
    archetype_fit: float | None = None
    size: int = 0
    share: float = 0.0
    stability: float | None = None
    traits: dict[str, float] = field(default_factory=dict)
    channel_mix: dict[str, float] = field(default_factory=dict)
    contacts_per_person: float = 0.0
    digital_share: float = 0.0
    avoidable_share: float = 0.0
    avoidable_per_year: float = 0.0
    repeat_rate: float = 0.0
    distinguishing: list[dict[str, Any]] = field(default_factory=list)
    defining_traits: list[str] = field(default_factory=list)
    prevalence: int = 0                            # members having all the defining traits (<= size)
    prevalence_share: float = 0.0                  # prevalence / size, 0-1
    prevalence_sample: int = 0                     # respondents of the whole sample having them
    descriptors: dict[str, dict[str, Any]] = field(default_factory=dict)  # see CONTRACTS.md
    not_recomputed: list[str] = field(default_factory=list)  # figures an edit could not recompute
    representatives: list[str] = field(default_factory=list)
    centroid: list[float] = field(default_factory=list)
    quote: str = ""
    quote_candidates: list[str] = field(default_factory=list)
    story: str = ""
    goals: list[str] = field(default_factory=list)
    frustrations: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    levers: list[str] = field(default_factory=list)
    dos: list[str] = field(default_factory=list)
    donts: list[str] = field(default_factory=list)
    owner: str = ""                                # who in the workgroup keeps this persona up to date
    #: Contacts by reason and channel, from the contact log (workshop_data/journeys.py): rows
    #: {"topic", "channel", "contacts"}, summed over the members; a merge adds them up.
    journey: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    validated: bool = False
    #: service -> {"status": "recognised" | "reservation", "text": str, "date": ISO date}: which
    #: services of the workgroup recognise their users in this persona, or have a reservation.
    validations: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Why this persona exists apart from its nearest: {"nearest": persona id, "features": [{"feature",
    #: "kind" (trait | item | category | number | contact), "label": {fr, en}, "value" (this persona),
    #: "other" (the nearest), "effect" (Cohen's d or h), "share" (of the distance between them)}]},
    #: strongest first; empty in files written before it existed.
    separation: dict[str, Any] = field(default_factory=dict)
    #: The name the toolkit drafted, in each language ({"fr": …, "en": …}): a document in another
    #: language prints the other one while ``name`` is still this draft; empty in files written
    #: before it existed and for names people gave.
    drafted_name: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Persona":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["notes"] = [Note(**n) for n in data.get("notes") or []]
        return cls(**values)


@dataclass
class Workshop:
    title: str
    personas: list[Persona]
    assignments: dict[str, str]                    # respondent id -> persona id
    lang: str = "fr"
    schema_version: int = SCHEMA_VERSION
    created: str = ""
    updated: str = ""
    revision: int = 0                              # bumped by every saved edit (conflict check)
    sources: list[dict[str, Any]] = field(default_factory=list)   # role, name, sha256, rows
    codebook: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)        # method, k, seed, features, weights
    k_table: list[dict[str, Any]] = field(default_factory=list)
    model: dict[str, Any] = field(default_factory=dict)           # encoder state for new waves
    privacy: dict[str, Any] = field(default_factory=dict)         # what intake removed, and why
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    history: list[dict[str, Any]] = field(default_factory=list)   # applied edits, oldest first
    redo: list[dict[str, Any]] = field(default_factory=list)      # undone edits, most recent last

    def persona(self, persona_id: str) -> Persona:
        for persona in self.personas:
            if persona.id == persona_id:
                return persona
        raise KeyError(persona_id)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out = {"schema_version": out.pop("schema_version"), **out}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Workshop":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["personas"] = [Persona.from_dict(p) for p in data.get("personas") or []]
        return cls(**values)


def invariant_problems(workshop: Workshop) -> list[str]:
    """What breaks the workshop invariant, in words (empty when it holds).

    The invariant: persona ids are unique, every respondent in ``assignments`` belongs to exactly one
    existing persona, and each persona's ``size`` equals its number of assignments.
    """
    problems: list[str] = []
    ids = [p.id for p in workshop.personas]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        problems.append(msg("workshop.duplicate_ids", ids=", ".join(duplicated)))
    counts: dict[str, int] = {}
    for persona_id in workshop.assignments.values():
        counts[persona_id] = counts.get(persona_id, 0) + 1
    unknown = sorted(set(counts) - set(ids))
    if unknown:
        problems.append(msg("workshop.unknown_personas", ids=", ".join(map(str, unknown))))
    for persona in workshop.personas:
        if persona.size != counts.get(persona.id, 0):
            problems.append(msg("workshop.size_mismatch", persona=persona.id, size=str(persona.size),
                                n=counts.get(persona.id, 0)))
    return problems


def _touches(entry: dict[str, Any], persona_id: str) -> bool:
    return any(isinstance(p, dict) and p.get("id") == persona_id
               for side in ("before", "after") for p in ((entry.get(side) or {}).get("personas") or []))


def persona_version(ws: Workshop, persona_id: str) -> tuple[int, str]:
    """A persona's version and the date of that version: 1 as built, one more for every edit in the
    history that changed it (undo takes it back). The date is the last such edit's, else the workshop's."""
    touching = [e for e in ws.history if isinstance(e, dict) and _touches(e, persona_id)]
    when = str(touching[-1].get("time") or "") if touching else ""
    return 1 + len(touching), when or ws.created or ws.updated


#: Edits whose value is what people chose, by the field they set.
_TYPED_EDITS = {"rename": "name", "archetype": "archetype"}


def typed_fields(ws: Workshop, persona_id: str) -> set[str]:
    """The fields of a persona people set themselves (renamed, rewritten, archetype chosen): their
    words, which a document keeps as they are; every other text is the toolkit's draft."""
    out: set[str] = set()
    for entry in ws.history:
        args = entry.get("args") if isinstance(entry, dict) else None
        if not isinstance(args, dict) or args.get("persona") != persona_id:
            continue
        op = entry.get("op")
        if op in _TYPED_EDITS:
            out.add(_TYPED_EDITS[op])
        elif op == "set" and isinstance(args.get("field"), str):
            out.add(args["field"])
    return out
