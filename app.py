"""Persona workshop app: page set-up, access, the participant, navigation, nothing else.

Run with ``persona-workshop app [WORKSHOP.yaml]`` or ``make run``; ``streamlit run app.py --
--workshop PATH`` opens a given workshop file. Each workshop step is a page in ``app_pages/``.
"""
from __future__ import annotations

import streamlit as st

from app_pages import access, editing, live, page_style, state, workshop_badge
from personas.i18n import LANGUAGES

st.set_page_config(page_title="Atelier personas", page_icon=":material/groups:", layout="wide")

live.read_url()
if not access.granted():
    access.ask()
    st.stop()

session = state.get()
with st.sidebar:
    choice = st.segmented_control(
        state.t("app.language"),
        options=list(LANGUAGES),
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
        default=session.lang,
        key="w_lang",
    )
    if choice and choice != session.lang:
        live.set_language(choice)
        st.rerun()
    live.service_picker()

pages = [
    st.Page("app_pages/data.py", title=state.t("nav.data"), icon=":material/upload_file:", url_path="donnees"),
    st.Page("app_pages/profiles.py", title=state.t("nav.profiles"), icon=":material/scatter_plot:", url_path="profils"),
    st.Page("app_pages/refine.py", title=state.t("nav.refine"), icon=":material/edit_note:", url_path="affiner"),
    st.Page("app_pages/present.py", title=state.t("nav.present"), icon=":material/co_present:", url_path="presenter"),
    st.Page("app_pages/sheets.py", title=state.t("nav.sheets"), icon=":material/description:", url_path="fiches"),
    st.Page("app_pages/export.py", title=state.t("nav.export"), icon=":material/download:", url_path="exporter"),
]
navigation = st.navigation(pages)
page_style()
editing.restore()
live.keep_in_url()
with st.sidebar:
    workshop_badge()
    live.watch()
navigation.run()
