"""Refine step: the workgroup turns clusters into personas, one card at a time, every edit saved at once.

Several people edit the same workshop, each in their own browser, and the page follows the others'
saves live. So every edit is addressed to one persona and one field, from what the person saw:
text fields are edited in drafts (:mod:`app_pages.drafts`), and choices (archetype, validated, a
service's say, a quote among the answers, the persona on the card) are buttons, whose click carries
the persona id, the value shown and the value chosen. A button holds no value: Streamlit's browser
side hands a widget's last value to the widget drawn in its place after a rerun (a select box on
the next revision "changed" to what the previous one showed: an edit nobody made), which a click
cannot do. Merge, split and move live in :mod:`app_pages.restructure`, the list of saved
workshops in :mod:`app_pages.workshops`.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import drafts, editing, escape_md, loaders, number, page_header, percent, restructure, state
from app_pages import show_problem, workshops
from personas.model import NARRATIVE_LIST_FIELDS, VALIDATION_STATUSES

NO_STATUS = "none"
LIST_COLUMNS = 3


def _ops() -> Any:
    from personas import operations

    return operations


# --- callbacks: each sends one edit, addressed to a persona and a field -------------------------


def select(persona_id: str) -> None:
    state.get().selected = persona_id


def choose(persona_id: str, field: str, base: Any, value: Any) -> None:
    """A choice button: ``field`` of ``persona_id`` from ``base`` (the value shown) to ``value``."""
    if value == base:
        return
    if editing.submit_field(persona_id, field, base, value) == "conflict":
        state.flash("warning", state.t("refine.choice_conflict"))


def say(persona_id: str, base: dict[str, Any] | None, status: str) -> None:
    """This participant's service recognises its users in the persona, has a reservation, or withdraws."""
    service = state.get().service
    base_status = (base or {}).get("status") or NO_STATUS
    if not service or status == base_status:
        return
    field = f"validation:{service}"
    if status == "reservation":  # a reservation says why: asked in a draft box, sent when saved
        drafts.open_draft(persona_id, field)
        return
    choose(persona_id, field, base, None if status == NO_STATUS else {"status": status, "text": ""})


def on_add_note(persona_id: str, key: str) -> None:
    text = str(st.session_state.get(key, "")).strip()
    if not state.get().service:
        state.flash("warning", state.t("refine.need_service"))
        return
    if not text:
        state.flash("warning", state.t("refine.note_empty"))
        return
    from personas.edits import NEW_NOTE

    if editing.submit_field(persona_id, NEW_NOTE, None, text) == "saved":
        st.session_state[key] = ""
        state.flash("success", state.t("refine.note_added"))


def on_remove_note(persona_id: str, note_id: str, base: str) -> None:
    if editing.submit_field(persona_id, f"note:{note_id}", base, None) == "conflict":
        state.flash("warning", state.t("refine.choice_conflict"))


def on_undo() -> None:
    if editing.apply_edit(_ops().undo):
        state.flash("info", state.t("refine.undone"))


def on_redo() -> None:
    if editing.apply_edit(_ops().redo):
        state.flash("info", state.t("refine.redone"))


# --- drawing ------------------------------------------------------------------------------------


def describe(ws: Any, entry: dict[str, Any] | None) -> str:
    """One history entry as people say it: "renommage de « Agile » (Accueil)"."""
    if not entry:
        return ""
    t = state.translator()
    args = entry.get("args") or {}
    names = {p.id: p.name for p in ws.personas}
    pid = args.get("persona") or args.get("keep") or args.get("to") or ""
    field = args.get("field")
    label = t(f"refine.{field}") if field else ""
    what = t(f"refine.op_{entry.get('op')}", name=escape_md(names.get(pid, pid)), field=label[:1].lower() + label[1:])
    by = entry.get("by")
    return f"{what} ({escape_md(by)})" if by else what


def _toolbar(ws: Any) -> None:
    t = state.translator()
    last = ws.history[-1] if ws.history else None
    again = ws.redo[-1] if ws.redo else None
    cols = st.columns([1, 1, 3])
    cols[0].button(t("refine.undo"), on_click=on_undo, key="w_undo", icon=":material/undo:",
                   disabled=last is None, width="stretch", help=describe(ws, last) or None)
    cols[1].button(t("refine.redo"), on_click=on_redo, key="w_redo", icon=":material/redo:",
                   disabled=again is None, width="stretch", help=describe(ws, again) or None)
    service = state.get().service
    signed = t("refine.signed_as", service=escape_md(service)) if service else t("refine.need_service")
    cols[2].caption(f"{t('refine.saved_at', n=ws.revision)} · {t('refine.history', n=len(ws.history))} · {signed}")
    if last is not None:
        cols[2].caption(t("refine.last_edit", what=describe(ws, last)))


def _picker(ws: Any) -> Any:
    """The persona on the card: this person's choice, which nobody else's edit changes."""
    from personas.edits import merged_into

    session = state.get()
    ids = [p.id for p in ws.personas]
    if session.selected not in ids:
        into = merged_into(ws, session.selected) if session.selected else None
        if into is not None:
            state.flash("info", state.t("refine.merged_away", into=escape_md(ws.persona(into).name)))
        session.selected = into or ids[0]
    with st.container(horizontal=True, key="w_picker"):
        for p in ws.personas:
            label = escape_md(p.name) + (" ✔" if p.validated else "")
            st.button(label, key=f"w_pick_{drafts.slug(p.id)}", on_click=select, args=(p.id,),
                      type="primary" if p.id == session.selected else "secondary")
    return ws.persona(session.selected)


def _head(persona: Any) -> None:
    t = state.translator()
    pid = persona.id
    archetypes = loaders.archetype_names(state.get().lang)
    head = st.columns([3, 2, 2])
    with head[0]:
        drafts.field(persona, "name", t("refine.name"), line=True, shown=f"### {escape_md(persona.name)}")
    current = persona.archetype if persona.archetype in archetypes else None
    shown = archetypes.get(current, t("refine.no_archetype")) if current else t("refine.no_archetype")
    with head[1]:
        st.caption(t("refine.archetype"))
        with st.popover(escape_md(shown), icon=":material/category:", key=f"w_arch_{drafts.slug(pid)}",
                        width="stretch"):
            for option in [None, *archetypes]:
                label = archetypes[option] if option else t("refine.no_archetype")
                st.button(escape_md(label), key=f"w_arch_{drafts.slug(pid)}_{drafts.slug(option or 'none')}",
                          on_click=choose, args=(pid, "archetype", persona.archetype, option),
                          type="primary" if option == current else "tertiary", width="stretch")
    with head[2]:
        if persona.validated:
            st.markdown(f":green[:material/verified: **{t('refine.validated')}**]")
        st.button(t("refine.unvalidate") if persona.validated else t("refine.validate"),
                  key=f"w_valid_{drafts.slug(pid)}", on_click=choose,
                  args=(pid, "validated", persona.validated, not persona.validated),
                  icon=":material/remove_done:" if persona.validated else ":material/done_all:")
        if persona.archetype_fit is not None:
            st.caption(t("refine.fit", fit=number(persona.archetype_fit, 2)))


def _card(ws: Any, persona: Any) -> None:
    t = state.translator()
    pid = persona.id
    with st.container(border=True, key=f"w_card_{drafts.slug(pid)}"):
        _head(persona)
        st.caption(_facts(ws, persona))
        drafts.field(persona, "owner", t("refine.owner"), line=True,
                     shown=t("refine.owner_is", owner=escape_md(persona.owner)) if persona.owner else t("refine.no_owner"))
        quote_col, story_col = st.columns(2)
        with quote_col:
            drafts.field(persona, "quote", t("refine.quote"))
            candidates = [q for q in persona.quote_candidates if q and q != persona.quote]
            if candidates:
                with st.popover(t("refine.quote_pick"), icon=":material/format_quote:",
                                key=f"w_quote_pick_{drafts.slug(pid)}"):
                    for index, quote in enumerate(candidates):
                        st.button(f"« {escape_md(quote)} »" if state.get().lang == "fr" else f"“{escape_md(quote)}”",
                                  key=f"w_quote_{drafts.slug(pid)}_{index}", on_click=choose,
                                  args=(pid, "quote", persona.quote, quote), type="tertiary")
        with story_col:
            drafts.field(persona, "story", t("refine.story"))
        fields = list(NARRATIVE_LIST_FIELDS)
        for start in range(0, len(fields), LIST_COLUMNS):
            for col, name in zip(st.columns(LIST_COLUMNS), fields[start:start + LIST_COLUMNS]):
                with col:
                    drafts.field(persona, name, t(f"refine.{name}"), help=t("refine.list_help"))
        _validations(persona)
        _notes(persona)
        restructure.split_button(ws, persona)


def _facts(ws: Any, persona: Any) -> str:
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
    field = f"validation:{service}"
    mine = persona.validations.get(service)
    base = None if mine is None else {"status": mine.get("status"), "text": str(mine.get("text") or "")}
    asking = drafts.draft_key(pid, field) in state.get().drafts
    shown = "reservation" if asking else (base or {}).get("status") or NO_STATUS
    st.caption(t("refine.my_service_says", service=escape_md(service)))
    with st.container(horizontal=True, key=f"w_say_{drafts.slug(pid)}"):
        for status in (NO_STATUS, *VALIDATION_STATUSES):
            st.button(t(f"refine.status_{status}"), key=f"w_say_{drafts.slug(pid)}_{status}", on_click=say,
                      args=(pid, base, status), type="primary" if status == shown else "secondary")
    if asking or shown == "reservation":
        drafts.field(persona, field, t("refine.reservation_text"), line=True)


def _notes(persona: Any) -> None:
    t = state.translator()
    pid = persona.id
    st.markdown(f"**{t('refine.notes')}**")
    if not persona.notes:
        st.caption(t("refine.no_notes"))
    for note in persona.notes:
        cols = st.columns([6, 1], vertical_alignment="bottom")
        with cols[0]:
            signed = f"**{escape_md(note.service)}** · {escape_md(_date(note.created))}  \n{escape_md(note.text)}"
            drafts.field(persona, f"note:{note.id}", t("refine.note_of", service=note.service), shown=signed)
        cols[1].button(t("refine.remove_note"), key=f"w_rm_{drafts.slug(pid)}_{drafts.slug(note.id)}",
                       icon=":material/delete:", on_click=on_remove_note, args=(pid, note.id, note.text),
                       type="tertiary")
    key = f"w_new_note_{drafts.slug(pid)}"
    with st.container(key=f"w_note_form_{drafts.slug(pid)}"), st.form(key=f"w_note_{drafts.slug(pid)}", border=False):
        st.text_area(t("refine.note_text_on", name=persona.name), key=key, max_chars=1000)
        st.form_submit_button(t("refine.add_note"), on_click=on_add_note, args=(pid, key),
                              icon=":material/add_comment:", type="primary",
                              key=f"w_add_note_{drafts.slug(pid)}")


def _date(iso: str) -> str:
    day = str(iso)[:10]
    if state.get().lang == "fr" and len(day) == 10 and day[4] == "-":
        return f"{day[8:10]}/{day[5:7]}/{day[0:4]}"
    return day


def render() -> None:
    ws = page_header("refine")
    if ws is None:
        workshops.reopen()
        return
    _toolbar(ws)
    drafts.gone_drafts(ws)
    persona = _picker(ws)
    try:
        _card(ws, persona)
        restructure.merge_and_move(ws, persona)
    except ImportError as exc:
        show_problem(exc)
    workshops.reopen()


if __name__ == "__main__":
    render()
