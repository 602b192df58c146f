"""Export step: the sheets (PDF, HTML, Markdown), the assignments (CSV) and the workshop file (YAML)."""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from app_pages import page_header, show_problem, state


@st.cache_data(show_spinner=False, max_entries=8)
def rendered(kind: str, workshop_path: str, revision: int, lang: str, _workshop: object) -> bytes:
    """One export of the open workshop at one revision (cached: exports are read-only views)."""
    from exports import render_bytes

    return render_bytes(_workshop, kind, lang=lang)


FORMATS = (
    ("pdf", "pdf", "application/pdf", ":material/picture_as_pdf:"),
    ("html", "html", "text/html", ":material/html:"),
    ("md", "md", "text/markdown", ":material/article:"),
    ("csv", "csv", "text/csv", ":material/table:"),
    ("yaml", "yaml", "application/x-yaml", ":material/data_object:"),
)


def file_stem(title: str, fallback: str) -> str:
    stem = re.sub(r"[^\w\-]+", "-", title or "", flags=re.UNICODE).strip("-")[:60]
    return stem or fallback


def render() -> None:
    t = state.translator()
    session = state.get()
    ws = page_header("export")
    if ws is None:
        return
    stem = file_stem(ws.title, Path(session.workshop_path or "atelier").stem)
    args = (session.workshop_path or "", ws.revision, session.lang, ws)
    for kind, extension, mime, icon in FORMATS:
        with st.container(border=True):
            cols = st.columns([3, 2])
            cols[0].markdown(f"**{t(f'export.{kind}')}**")
            with cols[1]:
                try:
                    if kind == "pdf" and not st.session_state.get(f"w_pdf_ready_{ws.revision}_{session.lang}"):
                        if st.button(t("export.prepare_pdf"), key="w_prepare_pdf", icon=icon):
                            with st.spinner(t("export.preparing")):
                                rendered(kind, *args)
                            st.session_state[f"w_pdf_ready_{ws.revision}_{session.lang}"] = True
                            st.rerun()
                        continue
                    data = rendered(kind, *args)
                    st.download_button(
                        t("export.download_as", fmt=extension.upper()), data=data, file_name=f"{stem}.{extension}", mime=mime,
                        key=f"w_dl_{kind}", icon=icon, on_click="ignore", type="primary" if kind == "pdf" else "secondary",
                    )
                except Exception as exc:  # one failed format must not hide the others
                    show_problem(exc)


if __name__ == "__main__":
    render()
