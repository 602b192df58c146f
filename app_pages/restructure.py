"""Refine: merge, split and move, the edits that change who belongs to which persona.

They act on many respondents at once, so each is asked for first and applied only once confirmed,
with the sizes before and after in front of the person; nothing is preselected (a merge target is
a choice, not a default). A persona chosen in a chooser stays chosen when someone renames it or
resizes it (the choice is kept by id in :class:`state.AppState`, not by the label the widget shows),
and the two sections stay open or closed as the person left them.
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


def _chose(name: str, key: str) -> None:
    state.get().choices[name] = st.session_state.get(key)


def chooser(where: Any, label: str, name: str, ids: list[str], names: dict[str, str]) -> str | None:
    """A persona chooser: its choice is an id kept by this person, shown under whatever name it has now."""
    key = f"w_{name}"
    chosen = state.get().choices.get(name)
    if chosen not in ids:
        chosen = state.get().choices[name] = None
    if st.session_state.get(key) != chosen:  # relabelled by a rename, or gone with a merge
        st.session_state[key] = chosen
    where.selectbox(label, ids, index=None, key=key, format_func=lambda i: names.get(i, i),
                    placeholder=state.t("refine.choose_persona"), on_change=_chose, args=(name, key))
    return chosen


def ask_merge() -> None:
    choices = state.get().choices
    keep, other = choices.get("merge_a"), choices.get("merge_b")
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
            state.get().choices.update(merge_a=None, merge_b=None)
    elif pending.get("op") == "move":
        features = loaders.features_of_open_workshop()
        if features is None:
            state.flash("warning", state.t("refine.needs_data"))
        elif editing.apply_edit(_ops().move, pending["rule"], pending["to"], features=features):
            state.flash("success", state.t("refine.moved"))
    elif pending.get("op") == "split":
        features = loaders.features_of_open_workshop()
        if features is None:
            state.flash("warning", state.t("refine.needs_data"))
        elif editing.apply_edit(_ops().split, pending["persona"], features=features, seed=0):
            state.flash("success", state.t("refine.split_done"))


def _rule(persona_id: str) -> dict[str, Any]:
    return {
        "trait": st.session_state.get("w_move_trait"),
        "op": st.session_state.get("w_move_op", "<"),
        "value": float(st.session_state.get("w_move_value", 30)),
        "from": persona_id,
    }


def ask_move(persona_id: str) -> None:
    """Compute the move to show how many people it takes and what it leaves; nothing is saved yet."""
    target = state.get().choices.get("move_to")
    if not target or target == persona_id:
        state.flash("warning", state.t("refine.merge_same"))
        return
    features = loaders.features_of_open_workshop()
    if features is None:
        state.flash("warning", state.t("refine.needs_data"))
        return
    from workshop_data.errors import DataError

    ws, rule = state.get().workshop, _rule(persona_id)
    try:
        preview = _ops().move(ws, rule, target, features=features)
    except DataError as exc:
        state.flash("error", state.t("app.error", message=escape_md(exc)))
        return
    st.session_state[PENDING] = {"op": "move", "persona": persona_id, "to": target, "rule": rule,
                                 "moved": ws.persona(persona_id).size - preview.persona(persona_id).size,
                                 "sizes": [preview.persona(persona_id).size, preview.persona(target).size],
                                 "stability": preview.persona(persona_id).stability}


# --- drawing ------------------------------------------------------------------------------------


def _confirmation(ws: Any, where: str) -> None:
    """The pending edit of this place (``merge``, ``split`` or ``move``), its sizes before and after,
    and the two buttons."""
    t = state.translator()
    pending = st.session_state.get(PENDING) or {}
    ids = {p.id for p in ws.personas}
    needed = {"merge": [pending.get("keep"), pending.get("other")], "split": [pending.get("persona")],
              "move": [pending.get("persona"), pending.get("to")]}[where]
    if pending.get("op") != where or not all(i in ids for i in needed):
        return
    if where == "merge":
        keep, other = pending["keep"], pending["other"]
        before = f"{_sized(ws, keep)} + {_sized(ws, other)}"
        after = _sized(ws, keep, ws.persona(keep).size + ws.persona(other).size)
        asked = t("refine.confirm_merge", before=before, after=after)
    elif where == "split":
        pid, sizes = pending["persona"], pending["sizes"]
        before = _sized(ws, pid)
        after = f"{_sized(ws, pid, sizes[0])} + {t('refine.new_persona', n=number(sizes[1], 0))}"
        asked = t("refine.confirm_split", before=before, after=after)
    else:
        pid, target, sizes = pending["persona"], pending["to"], pending["sizes"]
        asked = t("refine.confirm_move", n=number(pending["moved"], 0), of=number(ws.persona(pid).size, 0),
                  source=escape_md(ws.persona(pid).name), target=escape_md(ws.persona(target).name),
                  after=f"{_sized(ws, pid, sizes[0])}, {_sized(ws, target, sizes[1])}")
        if pending.get("stability") is not None:
            asked += " " + t("refine.move_stability", value=number(pending["stability"], 2))
    with st.container(border=True):
        st.warning(asked)
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
    with st.expander(t("refine.merge_header"), icon=":material/merge:", key="w_open_merge", on_change="rerun"):
        cols = st.columns([2, 2, 1])
        chooser(cols[0], t("refine.merge_a"), "merge_a", ids, names)
        chooser(cols[1], t("refine.merge_b"), "merge_b", ids, names)
        cols[2].button(t("refine.merge"), on_click=ask_merge, key="w_merge", disabled=len(ids) < 2,
                       icon=":material/merge:")
        _confirmation(ws, "merge")
    with st.expander(t("refine.move_header"), icon=":material/move_down:", key="w_open_move", on_change="rerun"):
        st.caption(t("refine.move_help", name=escape_md(persona.name)))
        from personas.traits import trait_names

        cols = st.columns([3, 3, 1, 2])
        labels = trait_names(ws, state.get().lang)
        dims = [d for d in labels if d in persona.traits]
        cols[0].selectbox(t("refine.move_trait"), dims, key="w_move_trait", placeholder=state.t("app.choose"), format_func=lambda d: labels.get(d, d))
        cols[1].selectbox(t("refine.move_op"), ["<", ">="], key="w_move_op", placeholder=state.t("app.choose"),
                          format_func=lambda op: t("refine.op_below") if op == "<" else t("refine.op_above"))
        cols[2].number_input(t("refine.move_value"), 0, 100, 30, step=5, key="w_move_value")
        chooser(cols[3], t("refine.move_to"), "move_to", [i for i in ids if i != persona.id], names)
        st.button(t("refine.move"), key="w_move", on_click=ask_move, args=(persona.id,), icon=":material/move_down:")
        _confirmation(ws, "move")
