"""Saved workshops: listed by what people know them by (title, date, personas, last edit), reopened,
or loaded from a workshop file someone sends."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from app_pages import editing, escape_md, files, state, uploads


@st.cache_data(show_spinner=False, max_entries=256)
def _summary(path: str, key: str) -> dict[str, Any] | None:
    """Title, creation and last-edit dates, persona count of a workshop file (None when it does not load)."""
    from personas.store import load_workshop
    from workshop_data.errors import DataError

    try:
        ws = load_workshop(path)
    except DataError:
        return None
    return {"title": ws.title, "created": ws.created, "updated": ws.updated or ws.created, "personas": len(ws.personas)}


def _when(iso: str) -> str:
    """An ISO time as people read it: "30/11/2026 14:05" in French, "2026-11-30 14:05" in English."""
    text = str(iso or "")
    day, clock = text[:10], text[11:16]
    if state.get().lang == "fr" and len(day) == 10 and day[4] == "-":
        day = f"{day[8:10]}/{day[5:7]}/{day[0:4]}"
    return f"{day} {clock}".strip() or "—"


def label(path: str) -> str:
    """How a saved workshop is listed: title · created · personas · last edit (file name when unreadable)."""
    summary = _summary(path, files.file_key(path))
    if summary is None:
        return state.t("refine.unreadable", name=Path(path).name)
    return state.t("refine.workshop_line", title=summary["title"] or Path(path).stem, date=_when(summary["created"])[:10],
                   n=summary["personas"], edited=_when(summary["updated"]))


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


def open_uploaded(name: str, data: bytes) -> None:
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


def reopen() -> None:
    t = state.translator()
    with st.expander(t("refine.reopen_header"), icon=":material/folder_open:"):
        saved = [str(p) for p in files.saved_workshops()]
        if saved:
            cols = st.columns([4, 1], vertical_alignment="bottom")
            labels = {path: label(path) for path in saved}
            cols[0].selectbox(t("refine.reopen_pick"), saved, key="w_reopen", placeholder=state.t("app.choose"), format_func=labels.__getitem__)
            cols[1].button(t("refine.reopen"), key="w_reopen_go", on_click=on_reopen, icon=":material/folder_open:")
        upload = st.file_uploader(t("refine.reopen_upload"), type=["yaml", "yml"], key="w_reopen_file")
        if upload is not None and st.button(t("refine.reopen"), key="w_reopen_upload"):
            open_uploaded(upload.name, upload.getvalue())
            st.rerun()
