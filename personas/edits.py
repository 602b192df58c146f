"""Edits addressed to one field of one persona, made from what the person saw.

Several people edit one workshop at once. A form that sends every field it shows, or a widget whose
value drifted while nobody touched it, writes edits nobody made. So an edit names exactly one
persona and one field, carries the value the person started from (``base``) and the value they
want, and is applied only when the field still holds ``base``: otherwise it is refused as a
:class:`FieldConflict` that says what the field holds now and who changed it, so the person
chooses. An edit that changes nothing records nothing. Each recorded edit is signed with the
service that made it (``by``), so the history says who did what.

Fields: ``name``, the narrative fields (``quote``, ``story`` and the list fields), ``archetype``,
``validated``, ``validation:<service>`` (value ``{"status": …, "text": …}`` or None to withdraw),
``note:<id>`` (the note's text, or None to remove it) and ``note:new`` (a note added, signed by
``by``; it never conflicts).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from workshop_data.errors import ConflictError
from workshop_data.messages import msg

from . import operations
from .model import NARRATIVE_FIELDS, NARRATIVE_LIST_FIELDS, Workshop

NEW_NOTE = "note:new"
_OPS_FIELD = {"rename": "name", "archetype": "archetype", "validate": "validated"}


@dataclass(frozen=True)
class FieldEdit:
    """One person's change to one field of one persona: what they saw, what they want, who they are."""

    persona: str
    field: str
    base: Any
    value: Any
    by: str | None = None


class FieldConflict(ConflictError):
    """The field no longer holds what the person saw: someone changed it (or removed the persona)."""

    def __init__(self, edit: FieldEdit, current: Any, changed_by: str | None, *, gone: bool = False) -> None:
        what = "was removed" if gone else "was changed by someone else"
        super().__init__(f"{edit.persona}.{edit.field} {what} since you saw it; your edit was not saved",
                         expected=repr(edit.base), found=repr(current))
        self.edit = edit
        self.current = current
        self.changed_by = changed_by
        self.gone = gone


def normalised(field: str, value: Any) -> Any:
    """A field's value as the workshop stores it (list fields: one stripped item per non-empty line)."""
    if field in NARRATIVE_LIST_FIELDS:
        items = value.splitlines() if isinstance(value, str) else list(value or [])
        return [str(item).strip() for item in items if str(item).strip()]
    if field == "name" and isinstance(value, str):
        return value.strip()
    if field.startswith("validation:") and value is not None:
        return {"status": value.get("status"), "text": str(value.get("text") or "").strip()}
    return value


def current_value(ws: Workshop, persona_id: str, field: str) -> Any:
    """What ``field`` of ``persona_id`` holds in ``ws`` (None for a note or a say that is not there)."""
    persona = ws.persona(persona_id)
    if field.startswith("note:"):
        note_id = field.split(":", 1)[1]
        return next((n.text for n in persona.notes if n.id == note_id), None)
    if field.startswith("validation:"):
        said = persona.validations.get(field.split(":", 1)[1])
        return None if said is None else {"status": said.get("status"), "text": str(said.get("text") or "")}
    if field in ("name", "archetype", "validated") or field in NARRATIVE_FIELDS:
        return copy.deepcopy(getattr(persona, field))
    raise operations.EditError(msg("edit.unknown_field"), expected="name | archetype | validated | "
                               + " | ".join(NARRATIVE_FIELDS) + " | note:<id> | validation:<service>", found=field)


def touched_field(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """The (persona, field) a history entry edited, as :class:`FieldEdit` names them."""
    args = entry.get("args") or {}
    op = entry.get("op")
    if op == "set":
        return args.get("persona"), args.get("field")
    if op in _OPS_FIELD:
        return args.get("persona"), _OPS_FIELD[op]
    if op in ("edit_note", "remove_note", "note"):
        return args.get("persona"), f"note:{args.get('note')}"
    if op == "validation":
        return args.get("persona"), f"validation:{args.get('service')}"
    return args.get("persona"), None


def last_change(ws: Workshop, persona_id: str, field: str) -> dict[str, Any] | None:
    """The history entry that last changed ``field`` of ``persona_id`` (merges, splits and moves
    that redrew the persona count), or None when no recorded edit touched it."""
    for entry in reversed(ws.history):
        pid, touched = touched_field(entry)
        if pid == persona_id and touched == field:
            return entry
        if entry.get("op") in ("merge", "split", "move"):
            ids = {p.get("id") for p in (entry.get("after") or {}).get("personas", [])}
            if persona_id in ids:
                return entry
    return None


def signed(ws: Workshop, before: Workshop, by: str | None) -> Workshop:
    """``ws`` (the result of one edit, undo or redo on ``before``) with that step signed by ``by``.

    A new edit's entry gets ``by``; an undone entry keeps its author and gets ``undone_by``; a
    redone one gets ``redone_by``. Nothing else in the history changes.
    """
    if by is None:
        return ws
    grew, shrank = len(ws.history) == len(before.history) + 1, len(ws.history) == len(before.history) - 1
    if shrank and len(ws.redo) == len(before.redo) + 1:
        return replace(ws, redo=[*ws.redo[:-1], dict(ws.redo[-1], undone_by=by)])
    if grew and before.redo and len(ws.redo) == len(before.redo) - 1 and ws.history[-1] == before.redo[-1]:
        return replace(ws, history=[*ws.history[:-1], dict(ws.history[-1], redone_by=by)])
    if grew:
        return replace(ws, history=[*ws.history[:-1], dict(ws.history[-1], by=by)])
    return ws


def _changed_by(ws: Workshop, persona_id: str, field: str) -> str | None:
    entry = last_change(ws, persona_id, field)
    return None if entry is None else entry.get("by")


def apply_field_edit(ws: Workshop, edit: FieldEdit) -> Workshop:
    """``ws`` with ``edit`` applied and signed; ``ws`` itself when the edit changes nothing.

    Raises :class:`FieldConflict` when the field no longer holds ``edit.base`` (or the persona or
    note is gone), and the operations' own :class:`~personas.operations.EditError` for a value
    that field cannot take.
    """
    if edit.persona not in {p.id for p in ws.personas}:
        raise FieldConflict(edit, None, _removed_by(ws, edit.persona), gone=True)
    value = normalised(edit.field, edit.value)
    if edit.field == NEW_NOTE:
        if not isinstance(value, str) or not value.strip():
            raise operations.EditError(msg("edit.empty", what=msg("edit.what.note")), expected=msg("edit.expected_text"))
        return signed(operations.add_note(ws, edit.persona, edit.by or "", value.strip()), ws, edit.by)
    current = current_value(ws, edit.persona, edit.field)
    if normalised(edit.field, edit.base) != current:
        raise FieldConflict(edit, current, _changed_by(ws, edit.persona, edit.field),
                            gone=edit.field.startswith("note:") and current is None)
    if value == current:
        return ws
    return signed(_operation(ws, edit, value), ws, edit.by)


def _operation(ws: Workshop, edit: FieldEdit, value: Any) -> Workshop:
    pid, field = edit.persona, edit.field
    if field == "name":
        return operations.rename(ws, pid, value)
    if field in NARRATIVE_FIELDS:
        return operations.set_field(ws, pid, field, value)
    if field == "archetype":
        return operations.set_archetype(ws, pid, value or None)
    if field == "validated":
        return operations.set_validated(ws, pid, bool(value))
    if field.startswith("note:"):
        note_id = field.split(":", 1)[1]
        if value is None:
            return operations.remove_note(ws, pid, note_id)
        return operations.edit_note(ws, pid, note_id, value)
    service = field.split(":", 1)[1]
    if value is None:
        return operations.set_validation(ws, pid, service, None)
    return operations.set_validation(ws, pid, service, value["status"], value["text"])


def _removed_by(ws: Workshop, persona_id: str) -> str | None:
    for entry in reversed(ws.history):
        if entry.get("op") == "merge" and (entry.get("args") or {}).get("other") == persona_id:
            return entry.get("by")
    return None


def merged_into(ws: Workshop, persona_id: str) -> str | None:
    """The persona ``persona_id`` was merged into, when a recorded merge removed it (else None)."""
    ids = {p.id for p in ws.personas}
    seen: set[str] = set()
    while persona_id not in ids and persona_id not in seen:
        seen.add(persona_id)
        entry = next((e for e in reversed(ws.history)
                      if e.get("op") == "merge" and (e.get("args") or {}).get("other") == persona_id), None)
        if entry is None:
            return None
        persona_id = (entry.get("args") or {}).get("keep")
    return persona_id if persona_id in ids else None
