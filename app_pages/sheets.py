"""Sheets step: each persona sheet previewed exactly as it prints (the export HTML, in an iframe)."""
from __future__ import annotations

import streamlit as st

from app_pages import page_header, show_problem, state

OVERVIEW = "__overview__"
PREVIEW_HEIGHT = 1180  # one A4 page at 96 dpi, plus margins


def as_data_url(html: str) -> str:
    """The sheet as a ``data:`` URL: the iframe gets an opaque origin, isolated from the app."""
    import base64

    return "data:text/html;charset=utf-8;base64," + base64.b64encode(html.encode("utf-8")).decode("ascii")


@st.cache_data(show_spinner=False, max_entries=32)
def sheet_html(workshop_path: str, revision: int, lang: str, persona_id: str | None, _workshop: object) -> str:
    """The export HTML of one sheet (or the whole document), cached per workshop revision."""
    from exports import render_html

    return render_html(_workshop, lang=lang, persona_id=persona_id)


def render() -> None:
    t = state.translator()
    session = state.get()
    ws = page_header("sheets")
    if ws is None:
        return
    ids = [OVERVIEW, *(p.id for p in ws.personas)]
    names = {p.id: p.name for p in ws.personas}
    chosen = session.choices.get("sheet")
    if chosen not in ids:  # first visit, or the persona was merged away
        chosen = session.choices["sheet"] = OVERVIEW
    if st.session_state.get("w_sheet_persona") != chosen:  # a rename relabels the list: the choice is kept by id
        st.session_state["w_sheet_persona"] = chosen
    pick = st.selectbox(t("sheets.pick"), ids, key="w_sheet_persona", placeholder=state.t("app.choose"),
                        format_func=lambda i: t("sheets.overview") if i == OVERVIEW else names.get(i, i),
                        on_change=lambda: session.choices.update(sheet=st.session_state.get("w_sheet_persona")))
    try:
        html = sheet_html(session.workshop_path or "", ws.revision, session.lang,
                          None if pick == OVERVIEW else pick, ws)
    except Exception as exc:  # a renderer failure is shown as a sentence, the other pages still work
        show_problem(exc)
        return
    st.iframe(as_data_url(html), height=PREVIEW_HEIGHT)


if __name__ == "__main__":
    render()
