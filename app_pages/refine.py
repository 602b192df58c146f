"""Refine step: the workgroup turns clusters into personas, one card at a time, every edit saved at once.

Widgets are keyed by persona id and field, and follow the workshop through
:func:`app_pages.state.bound`: after any edit, undo or another session's save, a field shows what
the file holds, while a field someone is typing in is left alone. Merge, split and move live in
:mod:`app_pages.restructure`, the list of saved workshops in :mod:`app_pages.workshops`.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import editing, escape_md, loaders, number, page_header, percent, restructure, show_problem, state
from app_pages import workshops
from personas.model import NARRATIVE_LIST_FIELDS, VALIDATION_STATUSES

NO_STATUS = "none"


def _ops() -> Any:
    from personas import operations

    return operations


def _key(name: str, persona_id: str = "") -> str:
    return f"w_{name}_{persona_id}"


def _widget_text(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value or "")


# --- callbacks: each applies one operation and saves it ---------------------------------------


def on_pick() -> None:
    state.get().selected = st.session_state.get("w_pick")


def on_rename(persona_id: str, key: str) -> None:
    name = str(st.session_state.get(key, "")).strip()
    current = state.get().workshop.persona(persona_id).name
    if not name:
        st.session_state[key] = current
    elif name != current and editing.apply_edit(_ops().rename, persona_id, name, typed=name):
        state.flash("success", state.t("refine.renamed"))


def on_field(persona_id: str, field: str, key: str) -> None:
    value = str(st.session_state.get(key, ""))
    if field in NARRATIVE_LIST_FIELDS:
        value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
    editing.apply_edit(_ops().set_field, persona_id, field, value, typed=value)


def on_quote_pick(persona_id: str, key: str) -> None:
    choice = st.session_state.get(key)
    st.session_state[key] = None
    if choice:
        editing.apply_edit(_ops().set_field, persona_id, "quote", choice)


def on_archetype(persona_id: str, key: str) -> None:
    editing.apply_edit(_ops().set_archetype, persona_id, st.session_state.get(key) or None)


def on_validated(persona_id: str, key: str) -> None:
    editing.apply_edit(_ops().set_validated, persona_id, bool(st.session_state.get(key)))


def on_validation(persona_id: str, status_key: str, text_key: str) -> None:
    """This participant's service recognises its users in the persona, has a reservation, or withdraws."""
    service = state.get().service
    if not service:
        state.flash("warning", state.t("refine.need_service"))
        return
    status = st.session_state.get(status_key)
    text = str(st.session_state.get(text_key) or "").strip() if status == "reservation" else ""
    editing.apply_edit(_ops().set_validation, persona_id, service, None if status in (None, NO_STATUS) else status,
                       text, typed=text or None)


def on_add_note(persona_id: str, key: str) -> None:
    text = str(st.session_state.get(key, "")).strip()
    service = state.get().service
    if not service:
        state.flash("warning", state.t("refine.need_service"))
        return
    if not text:
        state.flash("warning", state.t("refine.note_empty"))
        return
    if editing.apply_edit(_ops().add_note, persona_id, service, text, typed=text):
        st.session_state[key] = ""
        state.flash("success", state.t("refine.note_added"))


def on_edit_note(persona_id: str, note_id: str, key: str) -> None:
    text = str(st.session_state.get(key, "")).strip()
    if text:
        editing.apply_edit(_ops().edit_note, persona_id, note_id, text, typed=text)


def on_remove_note(persona_id: str, note_id: str) -> None:
    editing.apply_edit(_ops().remove_note, persona_id, note_id)


def on_undo() -> None:
    if editing.apply_edit(_ops().undo):
        state.flash("info", state.t("refine.undone"))


def on_redo() -> None:
    if editing.apply_edit(_ops().redo):
        state.flash("info", state.t("refine.redone"))


# --- drawing ------------------------------------------------------------------------------------


def _toolbar(ws: Any) -> None:
    t = state.translator()
    cols = st.columns([1, 1, 4])
    cols[0].button(t("refine.undo"), on_click=on_undo, key="w_undo", icon=":material/undo:",
                   disabled=not ws.history, width="stretch")
    cols[1].button(t("refine.redo"), on_click=on_redo, key="w_redo", icon=":material/redo:",
                   disabled=not ws.redo, width="stretch")
    service = state.get().service
    signed = t("refine.signed_as", service=escape_md(service)) if service else t("refine.need_service")
    cols[2].caption(f"{t('refine.saved_at', n=ws.revision)} · {t('refine.history', n=len(ws.history))} · {signed}")


def _text_area(persona: Any, field: str, label: str, **kwargs: Any) -> None:
    key = _key(field, persona.id)
    state.bound(key, _widget_text(getattr(persona, field)))
    st.text_area(label, key=key, height="content", on_change=on_field, args=(persona.id, field, key), **kwargs)


def _card(ws: Any, persona: Any) -> None:
    t = state.translator()
    pid = persona.id
    archetypes = loaders.archetype_names(state.get().lang)
    with st.container(border=True):
        head = st.columns([3, 2, 2])
        key = _key("name", pid)
        state.bound(key, persona.name)
        head[0].text_input(t("refine.name"), key=key, max_chars=80, on_change=on_rename, args=(pid, key))
        options = ["", *archetypes]
        key = _key("arch", pid)
        state.bound(key, persona.archetype if persona.archetype in archetypes else "")
        head[1].selectbox(t("refine.archetype"), options, key=key,
                          format_func=lambda a: archetypes.get(a, a) if a else t("refine.no_archetype"),
                          on_change=on_archetype, args=(pid, key))
        key = _key("valid", pid)
        state.bound(key, persona.validated)
        with head[2]:
            st.toggle(t("refine.validated"), key=key, on_change=on_validated, args=(pid, key))
            if persona.archetype_fit is not None:
                st.caption(t("refine.fit", fit=number(persona.archetype_fit, 2)))
        st.caption(_facts(persona))
        quote_col, story_col = st.columns(2)
        with quote_col:
            _text_area(persona, "quote", t("refine.quote"), max_chars=400)
            candidates = [q for q in persona.quote_candidates if q]
            if candidates:
                key = _key("quote_pick", pid)
                st.selectbox(t("refine.quote_pick"), candidates, index=None, key=key,
                             placeholder=t("refine.quote_keep"), on_change=on_quote_pick, args=(pid, key))
        with story_col:
            _text_area(persona, "story", t("refine.story"), max_chars=1500)
        for col, field in zip(st.columns(4), NARRATIVE_LIST_FIELDS):
            with col:
                _text_area(persona, field, t(f"refine.{field}"), help=t("refine.list_help"))
        _validations(persona)
        _notes(persona)
        restructure.split_button(ws, persona)


def _facts(persona: Any) -> str:
    t = state.translator()
    facts = [t("refine.size", size=number(persona.size, 0), share=percent(100 * persona.share, 1))]
    if persona.stability is not None:
        facts.append(t("refine.stability", value=number(persona.stability, 2)))
    facts.append(t("refine.prevalence", n=number(persona.prevalence, 0),
                   share=percent(100 * min(persona.prevalence_share, 1.0))))
    return " · ".join(facts)


def validation_lines(persona: Any) -> list[str]:
    """One line per service that spoke: recognised, or a reservation with its reason, and when."""
    t = state.translator()
    lines = []
    for service, item in persona.validations.items():
        status = item.get("status", "")
        line = f"**{escape_md(service)}** · {t('refine.said_' + status) if status in VALIDATION_STATUSES else ''}"
        if item.get("text"):
            line += f" : {escape_md(item['text'])}"
        lines.append(f"{line} ({escape_md(_date(item.get('date', '')))})")
    return lines


def _validations(persona: Any) -> None:
    """Which services recognise their users in this persona, and this participant's own say."""
    t = state.translator()
    pid = persona.id
    st.markdown(f"**{t('refine.validations')}**")
    lines = validation_lines(persona)
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else t("refine.no_validations"))
    service = state.get().service
    if not service:
        st.caption(t("refine.need_service"))
        return
    mine = persona.validations.get(service, {})
    status_key, text_key = _key("status", pid), _key("reservation", pid)
    state.bound(status_key, mine.get("status", NO_STATUS))
    cols = st.columns([3, 4])
    cols[0].segmented_control(
        t("refine.my_service_says", service=escape_md(service)), [NO_STATUS, *VALIDATION_STATUSES], key=status_key,
        format_func=lambda s: t(f"refine.status_{s}"), on_change=on_validation, args=(pid, status_key, text_key),
    )
    if st.session_state.get(status_key) == "reservation":
        state.bound(text_key, mine.get("text", ""))
        cols[1].text_input(t("refine.reservation_text"), key=text_key, max_chars=300,
                           on_change=on_validation, args=(pid, status_key, text_key))


def _notes(persona: Any) -> None:
    t = state.translator()
    pid = persona.id
    st.markdown(f"**{t('refine.notes')}**")
    if not persona.notes:
        st.caption(t("refine.no_notes"))
    for note in persona.notes:
        cols = st.columns([5, 2, 2])
        with cols[0]:
            st.markdown(f"**{escape_md(note.service)}** · {escape_md(_date(note.created))}")
            st.text(note.text)
        with cols[1].popover(t("refine.edit_note"), icon=":material/edit:", width="stretch"):
            key = _key(f"note_{note.id}", pid)
            state.bound(key, note.text)
            st.text_area(t("refine.edit_note"), key=key, height="content",
                         on_change=on_edit_note, args=(pid, note.id, key))
        cols[2].button(t("refine.remove_note"), key=_key(f"rm_{note.id}", pid), icon=":material/delete:",
                       on_click=on_remove_note, args=(pid, note.id), width="stretch")
    key = _key("new_note", pid)
    cols = st.columns([6, 2])
    cols[0].text_area(t("refine.note_text"), key=key, height="content", max_chars=1000)
    with cols[1]:
        st.button(t("refine.add_note"), key=_key("add_note", pid), on_click=on_add_note, args=(pid, key),
                  icon=":material/add_comment:", type="primary")


def _date(iso: str) -> str:
    day = str(iso)[:10]
    if state.get().lang == "fr" and len(day) == 10 and day[4] == "-":
        return f"{day[8:10]}/{day[5:7]}/{day[0:4]}"
    return day


def _picker(ws: Any) -> Any:
    """The persona on the card: this session's choice, kept across renames and others' edits."""
    t = state.translator()
    session = state.get()
    ids = [p.id for p in ws.personas]
    if session.selected not in ids:
        session.selected = ids[0]
    state.bound("w_pick", session.selected)
    names = {p.id: p.name for p in ws.personas}
    st.radio(t("sheets.pick"), ids, key="w_pick", horizontal=True, on_change=on_pick,
             format_func=lambda i: escape_md(names[i]) + (" ✔" if ws.persona(i).validated else ""))
    return ws.persona(session.selected)


def render() -> None:
    ws = page_header("refine")
    if ws is None:
        workshops.reopen()
        return
    _toolbar(ws)
    persona = _picker(ws)
    try:
        _card(ws, persona)
        restructure.merge_and_move(ws, persona)
    except ImportError as exc:
        show_problem(exc)
    workshops.reopen()


if __name__ == "__main__":
    render()
