"""Export step: the sheets (PDF, HTML, Markdown, PowerPoint, PNG pages), the assignments (CSV) and the workshop file (YAML).

The sheets hold no personal data; the assignments and the workshop file hold every respondent's
(pseudonymous) number, and say so. Downloads are offered only where the server guards their links
(:func:`app_pages.access.downloads_allowed`).
"""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from app_pages import access, page_header, show_problem, state


@st.cache_data(show_spinner=False, max_entries=8)
def rendered(kind: str, workshop_path: str, revision: int, lang: str, _workshop: object, title: str = "",
             paper: str = "a4") -> bytes:
    """One export of the open workshop at one revision (cached: exports are read-only views)."""
    from exports import render_bytes

    return render_bytes(_workshop, kind, lang=lang, title=title or None, paper=paper)


FORMATS = (
    ("pdf", "pdf", "application/pdf", ":material/picture_as_pdf:"),
    ("pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ":material/slideshow:"),
    ("png", "zip", "application/zip", ":material/image:"),
    ("html", "html", "text/html", ":material/html:"),
    ("md", "md", "text/markdown", ":material/article:"),
    ("csv", "csv", "text/csv", ":material/table:"),
    ("yaml", "yaml", "application/x-yaml", ":material/data_object:"),
)
#: Rendered through the PDF (seconds): prepared on demand, not on every visit.
PREPARED = ("pdf", "png")
#: Formats that carry respondent numbers (pseudonymous personal data).
PSEUDONYMOUS = ("csv", "yaml")


def file_stem(title: str, fallback: str) -> str:
    stem = re.sub(r"[^\w\-]+", "-", title or "", flags=re.UNICODE).strip("-")[:60]
    return stem or fallback


def render() -> None:
    from exports import default_title

    t = state.translator()
    session = state.get()
    ws = page_header("export")
    if ws is None:
        return
    st.caption(t("export.no_personal", n=ws.min_group_size))
    if not access.downloads_allowed():
        st.warning(t("export.needs_pass"), icon=":material/lock:")
        return
    default = default_title(ws, lang=session.lang)
    cols = st.columns([3, 1])
    title = cols[0].text_input(t("export.doc_title"), key="w_export_title", placeholder=default, max_chars=120)
    paper = cols[1].radio(t("export.paper"), ("a4", "a3"), key="w_export_paper", horizontal=True,
                          format_func=lambda p: t(f"export.paper_{p}"))
    stem = file_stem(title or default, Path(session.workshop_path or "atelier").stem)
    args = (session.workshop_path or "", ws.revision, session.lang, ws, title.strip(), paper)
    for kind, extension, mime, icon in FORMATS:
        with st.container(border=True):
            cols = st.columns([3, 2])
            cols[0].markdown(f"**{t(f'export.{kind}')}**")
            if kind in PSEUDONYMOUS:
                cols[0].caption(t("export.pseudonymous"))
            with cols[1]:
                try:
                    ready = f"w_ready_{kind}_{ws.revision}_{session.lang}_{title.strip()}_{paper}"
                    if kind in PREPARED and not st.session_state.get(ready):
                        if st.button(t(f"export.prepare_{kind}"), key=f"w_prepare_{kind}", icon=icon):
                            with st.spinner(t("export.preparing")):
                                rendered(kind, *args)
                            st.session_state[ready] = True
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
