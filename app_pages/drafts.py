"""Field editors of the Refine page: a field is shown as text, and edited in a draft box of its own.

Why drafts: Streamlit reruns the page on every action of anyone in the room, and a widget that
shows a workshop value can drift (a rerun that resets it, a label that changes its identity) and
then "change" without anyone touching it. So a field is never a live widget: it is shown as text
with a *Modifier* button, and only the person who pressed it gets a box (:class:`state.Draft`),
inside a form of its own, keyed by that draft. Nothing is sent until they press *Enregistrer*,
and then only that field, with the value they started from; the edit is refused if someone
changed the field meanwhile (:mod:`personas.edits`). Another person's change to a field being
edited is shown beside the box, with who made it, and the person chooses: keep their text, or
take the other's. The box is never refilled under them, so what they type survives every rerun.
"""
from __future__ import annotations

import hashlib
import itertools
import re
import time
from typing import Any

import streamlit as st

from app_pages import editing, escape_md, state
from personas.edits import current_value, last_change
from personas.model import NARRATIVE_LIST_FIELDS

#: Draft box generations: unique across restarts too (a browser hands back the value a widget key
#: held before, so a key must never come back).
_TOKENS = itertools.count(time.time_ns())
MAX_CHARS = {"name": 120, "quote": 400, "story": 2000}
DEFAULT_MAX_CHARS = 1000


def slug(text: str) -> str:
    """A widget-key-safe form of a persona id and field (a CSS class name too: ``st-key-…``)."""
    plain = re.sub(r"[^A-Za-z0-9_-]+", "_", text)
    if plain == text:
        return text
    return f"{plain}_{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


def draft_key(persona_id: str, field: str) -> str:
    return f"{persona_id}|{field}"


def box_key(draft: state.Draft) -> str:
    return f"w_draft_{slug(draft.persona)}_{slug(draft.field)}_{draft.token}"


def as_text(field: str, value: Any) -> str:
    """A field's value as typed in a box (list fields: one item per line; a service's say: its reason)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("text") or "")
    if field in NARRATIVE_LIST_FIELDS or isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def from_text(field: str, text: str) -> Any:
    if field.startswith("validation:"):
        return {"status": "reservation", "text": text}
    return text


def _current(persona_id: str, field: str) -> Any:
    ws = state.get().workshop
    if ws is None or persona_id not in {p.id for p in ws.personas}:
        return None
    return current_value(ws, persona_id, field)


def _same(field: str, a: Any, b: Any) -> bool:
    from personas.edits import normalised

    return normalised(field, a) == normalised(field, b)


# --- callbacks ----------------------------------------------------------------------------------


def open_draft(persona_id: str, field: str) -> None:
    """Start editing a field from what the workshop holds now."""
    drafts = state.get().drafts
    if draft_key(persona_id, field) not in drafts:
        drafts[draft_key(persona_id, field)] = state.Draft(persona_id, field, _current(persona_id, field), next(_TOKENS))


def save_draft(persona_id: str, field: str) -> None:
    """Send this one field, from the value the person started from."""
    drafts = state.get().drafts
    draft = drafts.get(draft_key(persona_id, field))
    if draft is None:  # a button of a box already closed: nothing to send
        return
    text = str(st.session_state.get(box_key(draft), "") or "")
    if field == "name" and not text.strip():
        state.flash("warning", state.t("refine.name_empty"))
        return
    outcome = editing.submit_field(persona_id, field, draft.base, from_text(field, text))
    if outcome in ("saved", "unchanged"):
        drafts.pop(draft_key(persona_id, field), None)
        if outcome == "saved":
            state.flash("success", state.t("refine.renamed" if field == "name" else "refine.saved_field"))
    elif outcome == "conflict":
        draft.refused = True


def discard_draft(persona_id: str, field: str) -> None:
    state.get().drafts.pop(draft_key(persona_id, field), None)


def keep_mine(persona_id: str, field: str) -> None:
    """The person keeps their text over the other's: their next save replaces it."""
    draft = state.get().drafts.get(draft_key(persona_id, field))
    if draft is not None:
        draft.base, draft.refused = _current(persona_id, field), False


def take_theirs(persona_id: str, field: str) -> None:
    """The person takes the other's text: a new box showing it."""
    drafts = state.get().drafts
    if draft_key(persona_id, field) in drafts:
        drafts[draft_key(persona_id, field)] = state.Draft(persona_id, field, _current(persona_id, field), next(_TOKENS))


# --- drawing ------------------------------------------------------------------------------------


def _who(persona_id: str, field: str) -> str:
    ws = state.get().workshop
    entry = last_change(ws, persona_id, field) if ws is not None else None
    return str(entry.get("by") or "") if entry else ""


def _incoming(draft: state.Draft) -> None:
    """Another person's change to the field being edited, and the choice it leaves."""
    t = state.translator()
    pid, field = draft.persona, draft.field
    now = _current(pid, field)
    if _same(field, now, draft.base) and not draft.refused:
        return
    who = _who(pid, field)
    text = escape_md(as_text(field, now)) or t("refine.empty_field")
    said = t("refine.changed_by", who=escape_md(who), text=text) if who else t("refine.changed_by_someone", text=text)
    with st.container(key=f"w_incoming_{slug(pid)}_{slug(field)}"):
        st.warning(said + ("  \n" + t("refine.not_saved_choose") if draft.refused else ""), icon=":material/sync_problem:")
        cols = st.columns(2)
        cols[0].button(t("refine.keep_mine"), key=f"w_keep_{slug(pid)}_{slug(field)}_{draft.token}",
                       on_click=keep_mine, args=(pid, field), width="stretch")
        cols[1].button(t("refine.take_theirs"), key=f"w_take_{slug(pid)}_{slug(field)}_{draft.token}",
                       on_click=take_theirs, args=(pid, field), width="stretch")


def _box(draft: state.Draft, label: str, *, line: bool, help: str | None) -> None:
    t = state.translator()
    pid, field = draft.persona, draft.field
    _incoming(draft)
    with st.form(key=f"w_form_{slug(pid)}_{slug(field)}_{draft.token}", border=False, enter_to_submit=True):
        text = as_text(field, draft.base)
        limit = MAX_CHARS.get(field, DEFAULT_MAX_CHARS)
        if line:
            st.text_input(label, value=text, key=box_key(draft), max_chars=limit)
        else:
            st.text_area(label, value=text, key=box_key(draft), max_chars=limit, help=help,
                         height=max(100, min(300, 26 * (text.count("\n") + 2))))
        cols = st.columns(2)
        cols[0].form_submit_button(t("refine.save"), on_click=save_draft, args=(pid, field), type="primary",
                                   icon=":material/check:", key=f"w_save_{slug(pid)}_{slug(field)}_{draft.token}",
                                   width="stretch")
        cols[1].form_submit_button(t("refine.discard"), on_click=discard_draft, args=(pid, field),
                                   key=f"w_discard_{slug(pid)}_{slug(field)}_{draft.token}", width="stretch")


def gone_drafts(ws: Any) -> None:
    """Drafts of personas that no longer exist (merged away by someone): their text, so nothing is lost."""
    t = state.translator()
    drafts = state.get().drafts
    ids = {p.id for p in ws.personas}
    for key, draft in list(drafts.items()):
        if draft.persona in ids:
            continue
        text = str(st.session_state.get(box_key(draft), "") or as_text(draft.field, draft.base))
        with st.container(border=True):
            st.warning(t("refine.persona_gone", text=escape_md(text)))
            st.button(t("refine.dismiss"), key=f"w_dismiss_{slug(draft.persona)}_{slug(draft.field)}",
                      on_click=drafts.pop, args=(key, None))


def field(persona: Any, name: str, label: str, *, line: bool = False, help: str | None = None,
          shown: str | None = None) -> None:
    """One field of one persona: its value as text with a *Modifier* button, or this person's draft box.

    ``shown`` replaces the displayed text (e.g. a note signed by its service); by default the value,
    as a list when the field is one."""
    t = state.translator()
    pid = persona.id
    draft = state.get().drafts.get(draft_key(pid, name))
    with st.container(key=f"w_field_{slug(pid)}_{slug(name)}"):
        if draft is not None:
            _box(draft, label, line=line, help=help)
            return
        value = current_value(state.get().workshop, pid, name)
        if shown is not None:
            head = st.columns([5, 2], vertical_alignment="center")
            head[0].markdown(shown)
            _edit_button(head[1], pid, name, label)
            return
        st.markdown(f"**{escape_md(label)}**")
        if isinstance(value, list):
            st.markdown("\n".join(f"- {escape_md(v)}" for v in value) if value else f"*{t('refine.empty_field')}*")
        else:
            text = as_text(name, value)
            st.markdown(escape_md(text).replace("\n", "  \n") if text else f"*{t('refine.empty_field')}*")
        _edit_button(st, pid, name, label)


def _edit_button(where: Any, persona_id: str, name: str, label: str) -> None:
    where.button(state.t("refine.edit_field"), key=f"w_open_{slug(persona_id)}_{slug(name)}", on_click=open_draft,
                 args=(persona_id, name), icon=":material/edit:", type="tertiary", help=label)
