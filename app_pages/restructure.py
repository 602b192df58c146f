"""Refine: merge, split and move, the edits that change who belongs to which persona.

They act on many respondents at once, so each is asked for first and applied only once confirmed,
with the sizes before and after in front of the person; nothing is preselected (a merge target is
a choice, not a default).
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import editing, escape_md, loaders, number, state

PENDING = "w_pending"  # the structural edit waiting for confirmation


def _ops() -> Any:
    from personas import operations

    return operations


def _sized(ws: Any, pid: str, size: int | None = None) -> str:
    persona = ws.persona(pid)
    return state.t("refine.sized", name=escape_md(persona.name), n=number(persona.size if size is None else size, 0))


# --- asking -------------------------------------------------------------------------------------


def ask_merge() -> None:
    keep, other = st.session_state.get("w_merge_a"), st.session_state.get("w_merge_b")
    if not keep or not other or keep == other:
        state.flash("warning", state.t("refine.merge_same"))
        return
    st.session_state[PENDING] = {"op": "merge", "keep": keep, "other": other}


def ask_split(persona_id: str) -> None:
    """Compute the split to show its sizes; nothing is saved until confirmed."""
    features = loaders.features_of_open_workshop()
    if features is None:
        state.flash("warning", state.t("refine.needs_data"))
        return
    from workshop_data.errors import DataError

    ws = state.get().workshop
    try:
        preview = _ops().split(ws, persona_id, features=features, seed=0)
    except DataError as exc:
        state.flash("error", state.t("app.error", message=escape_md(exc)))
        return
    created = next(p for p in preview.personas if p.id not in {q.id for q in ws.personas})
    st.session_state[PENDING] = {"op": "split", "persona": persona_id,
                                 "sizes": [preview.persona(persona_id).size, created.size]}


def cancel() -> None:
    st.session_state.pop(PENDING, None)


def confirm() -> None:
    pending = st.session_state.pop(PENDING, None) or {}
    if pending.get("op") == "merge":
        if editing.apply_edit(_ops().merge, pending["keep"], pending["other"],
                              features=loaders.features_of_open_workshop()):
            state.flash("success", state.t("refine.merged"))
            state.get().selected = pending["keep"]
            st.session_state["w_merge_a"] = st.session_state["w_merge_b"] = None
    elif pending.get("op") == "split":
        features = loaders.features_of_open_workshop()
        if features is None:
            state.flash("warning", state.t("refine.needs_data"))
        elif editing.apply_edit(_ops().split, pending["persona"], features=features, seed=0):
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


# --- drawing ------------------------------------------------------------------------------------


def _confirmation(ws: Any, where: str) -> None:
    """The pending edit of this place (``merge`` or ``split``), its sizes before and after, and the two buttons."""
    t = state.translator()
    pending = st.session_state.get(PENDING) or {}
    ids = {p.id for p in ws.personas}
    needed = [pending.get("keep"), pending.get("other")] if where == "merge" else [pending.get("persona")]
    if pending.get("op") != where or not all(i in ids for i in needed):
        return
    if where == "merge":
        keep, other = pending["keep"], pending["other"]
        before = f"{_sized(ws, keep)} + {_sized(ws, other)}"
        after = _sized(ws, keep, ws.persona(keep).size + ws.persona(other).size)
    else:
        pid, sizes = pending["persona"], pending["sizes"]
        before = _sized(ws, pid)
        after = f"{_sized(ws, pid, sizes[0])} + {t('refine.new_persona', n=number(sizes[1], 0))}"
    with st.container(border=True):
        st.warning(t(f"refine.confirm_{where}", before=before, after=after))
        cols = st.columns([1, 1, 3])
        cols[0].button(t(f"refine.do_{where}"), key=f"w_confirm_{where}", on_click=confirm, type="primary",
                       icon=":material/check:", width="stretch")
        cols[1].button(t("refine.cancel"), key=f"w_cancel_{where}", on_click=cancel, width="stretch")


def split_button(ws: Any, persona: Any) -> None:
    t = state.translator()
    st.button(t("refine.split"), key=f"w_split_{persona.id}", on_click=ask_split, args=(persona.id,),
              icon=":material/call_split:", disabled=persona.size < 2 * ws.min_group_size)
    _confirmation(ws, "split")


def merge_and_move(ws: Any, persona: Any) -> None:
    t = state.translator()
    ids = [p.id for p in ws.personas]
    names = {p.id: f"{p.name} ({number(p.size, 0)})" for p in ws.personas}
    with st.expander(t("refine.merge_header"), icon=":material/merge:",
                     expanded=(st.session_state.get(PENDING) or {}).get("op") == "merge"):
        cols = st.columns([2, 2, 1])
        cols[0].selectbox(t("refine.merge_a"), ids, index=None, key="w_merge_a", format_func=names.get,
                          placeholder=t("refine.choose_persona"))
        cols[1].selectbox(t("refine.merge_b"), ids, index=None, key="w_merge_b", format_func=names.get,
                          placeholder=t("refine.choose_persona"))
        cols[2].button(t("refine.merge"), on_click=ask_merge, key="w_merge", disabled=len(ids) < 2,
                       icon=":material/merge:")
        _confirmation(ws, "merge")
    with st.expander(t("refine.move_header"), icon=":material/move_down:"):
        st.caption(t("refine.move_help"))
        from personas.traits import trait_names

        cols = st.columns([3, 3, 1, 2])
        labels = trait_names(ws, state.get().lang)
        dims = [d for d in labels if d in persona.traits]
        cols[0].selectbox(t("refine.move_trait"), dims, key="w_move_trait", format_func=lambda d: labels.get(d, d))
        cols[1].selectbox(t("refine.move_op"), ["<", ">="], key="w_move_op",
                          format_func=lambda op: t("refine.op_below") if op == "<" else t("refine.op_above"))
        cols[2].number_input(t("refine.move_value"), 0, 100, 30, step=5, key="w_move_value")
        cols[3].selectbox(t("refine.move_to"), [i for i in ids if i != persona.id], index=None, key="w_move_to",
                          format_func=names.get, placeholder=t("refine.choose_persona"))
        st.button(t("refine.move"), key="w_move", on_click=on_move, args=(persona.id,), icon=":material/move_down:")
