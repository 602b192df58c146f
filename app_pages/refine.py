"""Refine step: the workgroup turns clusters into personas, one card at a time, every edit saved at once.

Widgets are keyed by persona id *and* workshop revision, so after any edit, undo or reload every
field shows what the file holds, never a stale value typed before.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from app_pages import editing, escape_md, files, loaders, number, page_header, percent, show_problem, state, uploads
from personas.model import NARRATIVE_LIST_FIELDS

OTHER_SERVICE = "__other__"


def _ops() -> Any:
    from personas import operations

    return operations


def _key(name: str, persona_id: str = "") -> str:
    ws = state.get().workshop
    return f"w_{name}_{persona_id}_{ws.revision if ws is not None else 0}"


# --- callbacks: each applies one operation and saves it ---------------------------------------


def on_rename(persona_id: str, key: str) -> None:
    name = str(st.session_state.get(key, "")).strip()
    if name and name != state.get().workshop.persona(persona_id).name:
        if editing.apply_edit(_ops().rename, persona_id, name):
            state.flash("success", state.t("refine.renamed"))


def on_field(persona_id: str, field: str, key: str) -> None:
    value = st.session_state.get(key, "")
    if field in NARRATIVE_LIST_FIELDS:
        value = "\n".join(line.strip() for line in str(value).splitlines() if line.strip())
    editing.apply_edit(_ops().set_field, persona_id, field, value)


def on_quote_pick(persona_id: str, key: str) -> None:
    choice = st.session_state.get(key)
    if choice:
        editing.apply_edit(_ops().set_field, persona_id, "quote", choice)


def on_archetype(persona_id: str, key: str) -> None:
    editing.apply_edit(_ops().set_archetype, persona_id, st.session_state.get(key) or None)


def on_validated(persona_id: str, key: str) -> None:
    editing.apply_edit(_ops().set_validated, persona_id, bool(st.session_state.get(key)))


def on_service() -> None:
    """The participant's service: picked from the list, or typed when it is not there."""
    choice = st.session_state.get("w_service")
    if choice == OTHER_SERVICE:
        choice = str(st.session_state.get("w_service_other", "")).strip()
    state.get().service = choice or None


def current_service() -> str | None:
    return state.get().service


def on_add_note(persona_id: str, key: str) -> None:
    text = str(st.session_state.get(key, "")).strip()
    service = current_service()
    if not service:
        state.flash("warning", state.t("refine.note_need_service"))
        return
    if not text:
        state.flash("warning", state.t("refine.note_empty"))
        return
    if editing.apply_edit(_ops().add_note, persona_id, service, text):
        state.flash("success", state.t("refine.note_added"))


def on_edit_note(persona_id: str, note_id: str, key: str) -> None:
    text = str(st.session_state.get(key, "")).strip()
    if text:
        editing.apply_edit(_ops().edit_note, persona_id, note_id, text)


def on_remove_note(persona_id: str, note_id: str) -> None:
    editing.apply_edit(_ops().remove_note, persona_id, note_id)


def on_undo() -> None:
    if editing.apply_edit(_ops().undo):
        state.flash("info", state.t("refine.undone"))


def on_redo() -> None:
    if editing.apply_edit(_ops().redo):
        state.flash("info", state.t("refine.redone"))


def on_merge() -> None:
    keep, other = st.session_state.get("w_merge_a"), st.session_state.get("w_merge_b")
    if not keep or not other or keep == other:
        state.flash("warning", state.t("refine.merge_same"))
        return
    if editing.apply_edit(_ops().merge, keep, other, features=loaders.features_of_open_workshop()):
        state.flash("success", state.t("refine.merged"))
        st.session_state["w_pick"] = keep


def on_split(persona_id: str) -> None:
    features = loaders.features_of_open_workshop()
    if features is None:
        state.flash("warning", state.t("refine.needs_data"))
    elif editing.apply_edit(_ops().split, persona_id, features=features, seed=0):
        state.flash("success", state.t("refine.split_done"))


def on_move(persona_id: str) -> None:
    target = st.session_state.get("w_move_to")
    if not target or target == persona_id:
        state.flash("warning", state.t("refine.merge_same"))
        return
    features = loaders.features_of_open_workshop()
    if features is None:
        state.flash("warning", state.t("refine.needs_data"))
        return
    rule = {
        "trait": st.session_state.get("w_move_trait"),
        "op": st.session_state.get("w_move_op", "<"),
        "value": float(st.session_state.get("w_move_value", 30)),
        "from": persona_id,
    }
    if editing.apply_edit(_ops().move, rule, target, features=features):
        state.flash("success", state.t("refine.moved"))


def on_reopen() -> None:
    choice = st.session_state.get("w_reopen")
    if choice:
        _open(choice)


def _open(path: str | Path) -> None:
    from workshop_data.errors import DataError

    try:
        editing.open_workshop(path)
        state.flash("success", state.t("app.opened", name=escape_md(Path(path).name)))
    except DataError as exc:
        state.flash("error", state.t("app.error", message=escape_md(exc)))


# --- drawing ------------------------------------------------------------------------------------


def _toolbar(ws: Any) -> None:
    t = state.translator()
    cols = st.columns([1, 1, 3, 3])
    cols[0].button(t("refine.undo"), on_click=on_undo, key="w_undo", icon=":material/undo:",
                   disabled=not ws.history, width="stretch")
    cols[1].button(t("refine.redo"), on_click=on_redo, key="w_redo", icon=":material/redo:",
                   disabled=not ws.redo, width="stretch")
    cols[2].caption(f"{t('refine.saved_at', n=ws.revision)} · {t('refine.history', n=len(ws.history))}")
    services = state.services(state.get().lang)
    with cols[3]:
        st.selectbox(
            t("refine.your_service"), [*services, OTHER_SERVICE], index=None, key="w_service",
            help=t("refine.your_service_help"), placeholder=t("refine.service_placeholder"),
            format_func=lambda s: t("refine.other_service") if s == OTHER_SERVICE else s, on_change=on_service,
        )
        if st.session_state.get("w_service") == OTHER_SERVICE:
            st.text_input(t("refine.other_service"), key="w_service_other", max_chars=60, on_change=on_service)


def _card(ws: Any, persona: Any) -> None:
    t = state.translator()
    pid = persona.id
    archetypes = loaders.archetype_names(state.get().lang)
    with st.container(border=True):
        head = st.columns([3, 2, 2])
        key = _key("name", pid)
        head[0].text_input(t("refine.name"), value=persona.name, key=key, max_chars=80,
                           on_change=on_rename, args=(pid, key))
        options = ["", *archetypes]
        current = persona.archetype if persona.archetype in archetypes else ""
        key = _key("arch", pid)
        head[1].selectbox(t("refine.archetype"), options, index=options.index(current), key=key,
                          format_func=lambda a: archetypes.get(a, a) if a else t("refine.no_archetype"),
                          on_change=on_archetype, args=(pid, key))
        key = _key("valid", pid)
        with head[2]:
            st.toggle(t("refine.validated"), value=persona.validated, key=key, on_change=on_validated, args=(pid, key))
            if persona.archetype_fit is not None:
                st.caption(t("refine.fit", fit=_num(persona.archetype_fit)))
        facts = [t("refine.size", size=number(persona.size, 0), share=percent(100 * persona.share, 1))]
        if persona.stability is not None:
            facts.append(t("refine.stability", value=_num(persona.stability)))
        facts.append(t("refine.prevalence", n=number(persona.prevalence, 0), share=percent(100 * min(persona.prevalence_share, 1.0))))
        st.caption(" · ".join(facts))

        quote_col, story_col = st.columns(2)
        with quote_col:
            key = _key("quote", pid)
            st.text_area(t("refine.quote"), value=persona.quote, key=key, height=90, max_chars=400,
                         on_change=on_field, args=(pid, "quote", key))
            candidates = [q for q in persona.quote_candidates if q]
            if candidates:
                key = _key("quote_pick", pid)
                st.selectbox(t("refine.quote_pick"), candidates, index=None, key=key,
                             placeholder=t("refine.quote_keep"), on_change=on_quote_pick, args=(pid, key))
        with story_col:
            key = _key("story", pid)
            st.text_area(t("refine.story"), value=persona.story, key=key, height=170, max_chars=1500,
                         on_change=on_field, args=(pid, "story", key))
        cols = st.columns(4)
        for col, field in zip(cols, NARRATIVE_LIST_FIELDS):
            key = _key(field, pid)
            col.text_area(t(f"refine.{field}"), value="\n".join(getattr(persona, field)), key=key, height=190,
                          help=t("refine.list_help"), on_change=on_field, args=(pid, field, key))
        _notes(persona)
        st.button(t("refine.split"), key=_key("split", pid), on_click=on_split, args=(pid,),
                  icon=":material/call_split:", disabled=persona.size < 2 * ws.min_group_size)


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
            st.text_area(t("refine.edit_note"), value=note.text, key=key,
                         on_change=on_edit_note, args=(pid, note.id, key))
        cols[2].button(t("refine.remove_note"), key=_key(f"rm_{note.id}", pid), icon=":material/delete:",
                       on_click=on_remove_note, args=(pid, note.id), width="stretch")
    key = _key("new_note", pid)
    cols = st.columns([6, 2])
    cols[0].text_area(t("refine.note_text"), key=key, height=80, max_chars=1000)
    with cols[1]:
        st.button(t("refine.add_note"), key=_key("add_note", pid), on_click=on_add_note, args=(pid, key),
                  icon=":material/add_comment:", type="primary")


def _merge_and_move(ws: Any, persona: Any) -> None:
    t = state.translator()
    ids = [p.id for p in ws.personas]
    names = {p.id: p.name for p in ws.personas}
    with st.expander(t("refine.merge_header"), icon=":material/merge:"):
        cols = st.columns([2, 2, 1])
        cols[0].selectbox(t("refine.merge_a"), ids, index=ids.index(persona.id), key="w_merge_a",
                          format_func=names.get)
        others = [i for i in ids if i != persona.id] or ids
        cols[1].selectbox(t("refine.merge_b"), others, key="w_merge_b", format_func=names.get)
        cols[2].button(t("refine.merge"), on_click=on_merge, key="w_merge", disabled=len(ids) < 2,
                       icon=":material/merge:")
    with st.expander(t("refine.move_header"), icon=":material/move_down:"):
        st.caption(t("refine.move_help"))
        from workshop_data.codebook import DIMENSIONS

        tr = state.translator()
        cols = st.columns([3, 3, 1, 2])
        dims = [d for d in DIMENSIONS if d in persona.traits] or list(DIMENSIONS)
        cols[0].selectbox(t("refine.move_trait"), dims, key="w_move_trait", format_func=lambda d: tr(f"trait.{d}"))
        cols[1].selectbox(t("refine.move_op"), ["<", ">="], key="w_move_op",
                          format_func=lambda op: t("refine.op_below") if op == "<" else t("refine.op_above"))
        cols[2].number_input(t("refine.move_value"), 0, 100, 30, step=5, key="w_move_value")
        cols[3].selectbox(t("refine.move_to"), [i for i in ids if i != persona.id] or ids, key="w_move_to",
                          format_func=names.get)
        st.button(t("refine.move"), key="w_move", on_click=on_move, args=(persona.id,), icon=":material/move_down:")


def _reopen() -> None:
    t = state.translator()
    with st.expander(t("refine.reopen_header"), icon=":material/folder_open:"):
        saved = [str(p) for p in files.saved_workshops()]
        if saved:
            cols = st.columns([4, 1])
            cols[0].selectbox(t("refine.reopen_pick"), saved, key="w_reopen", format_func=lambda p: Path(p).name)
            cols[1].button(t("refine.reopen"), key="w_reopen_go", on_click=on_reopen, icon=":material/folder_open:")
        upload = st.file_uploader(t("refine.reopen_upload"), type=["yaml", "yml"], key="w_reopen_file")
        if upload is not None and st.button(t("refine.reopen"), key="w_reopen_upload"):
            _open_uploaded(upload.name, upload.getvalue())
            st.rerun()


def _open_uploaded(name: str, data: bytes) -> None:
    """Copy an uploaded workshop into the working folder (a name of its own) and open it; a file
    that does not load is refused with a message and not kept."""
    from workshop_data.errors import DataError

    kept = uploads.save_upload(name, data)
    path = files.workshops_folder() / f"{kept.stem}-{kept.parent.name[:8]}.yaml"
    if not path.exists():
        path.write_bytes(data)
    try:
        editing.open_workshop(path)
        state.flash("success", state.t("app.opened", name=escape_md(Path(name).name)))
    except DataError as exc:
        path.unlink(missing_ok=True)
        state.flash("error", state.t("app.error", message=escape_md(exc)))


def _date(iso: str) -> str:
    day = str(iso)[:10]
    if state.get().lang == "fr" and len(day) == 10 and day[4] == "-":
        return f"{day[8:10]}/{day[5:7]}/{day[0:4]}"
    return day


def _num(value: float, digits: int = 2) -> str:
    return number(value, digits)


def render() -> None:
    t = state.translator()
    ws = page_header("refine")
    if ws is None:
        _reopen()
        return
    _toolbar(ws)
    ids = [p.id for p in ws.personas]
    if st.session_state.get("w_pick") not in ids:
        st.session_state["w_pick"] = ids[0]
    names = {p.id: p.name for p in ws.personas}
    st.radio(t("sheets.pick"), ids, key="w_pick", horizontal=True, format_func=lambda i: escape_md(names[i]) + (" ✔" if ws.persona(i).validated else ""))
    persona = ws.persona(st.session_state["w_pick"])
    try:
        _card(ws, persona)
        _merge_and_move(ws, persona)
    except ImportError as exc:
        show_problem(exc)
    _reopen()


if __name__ == "__main__":
    render()
