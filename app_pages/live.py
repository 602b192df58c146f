"""The workshop room: several participants, each in their own browser, on one workshop.

- Who: each participant picks their service once; it is kept in the URL (``?service=…``, with
  ``?lang=…`` and the persona on their card, ``?persona=…``), so a reload, a restart of the
  server, a language switch or a shared link keeps it.
- Live: a small fragment reruns every ``LIVE_SECONDS``; it marks the session present and, when the
  workshop file changed (another session saved), reruns the page, which then shows the change
  without anyone reloading (widgets a person is typing in elsewhere are left alone).
- Presence: the sessions seen in the last ``PRESENCE_SECONDS`` on the same workshop, by service.
  Kept in the server's memory only: nothing about participants is written anywhere.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import streamlit as st

from app_pages import editing, escape_md, state
from personas.i18n import LANGUAGES

LIVE_SECONDS = 0.75
PRESENCE_SECONDS = 10.0
OTHER_SERVICE = "__other__"


@dataclass
class _Seen:
    service: str | None
    workshop: str | None
    at: float


@st.cache_resource(show_spinner=False)
def _room() -> tuple[threading.Lock, dict[str, _Seen]]:
    """The server's one presence table (session id -> last seen), shared by every session."""
    return threading.Lock(), {}


def mark_present() -> None:
    session = state.get()
    lock, seen = _room()
    with lock:
        seen[session.session_id] = _Seen(session.service, session.workshop_path, time.monotonic())


def present(workshop_path: str | None) -> dict[str, int]:
    """Service -> number of sessions connected to ``workshop_path`` now ("" for no service yet)."""
    lock, seen = _room()
    now = time.monotonic()
    out: dict[str, int] = {}
    with lock:
        for sid in [s for s, item in seen.items() if now - item.at > PRESENCE_SECONDS]:
            del seen[sid]
        for item in seen.values():
            if item.workshop == workshop_path:
                out[item.service or ""] = out.get(item.service or "", 0) + 1
    return dict(sorted(out.items()))


# --- the participant, kept in the URL -----------------------------------------------------------


def _service_in_language(text: str, lang: str) -> str:
    """A listed service named in any language, in ``lang``; a service typed by hand as typed."""
    for other in LANGUAGES:
        names = state.services(other)
        if text in names:
            return state.services(lang)[names.index(text)]
    return text


def read_url() -> None:
    """On a fresh session, take the language and the service from the URL."""
    session = state.get()
    if st.session_state.get("url_read"):
        return
    st.session_state["url_read"] = True
    lang = st.query_params.get("lang")
    if lang in LANGUAGES:
        session.lang = lang
    service = (st.query_params.get("service") or "").strip()[:60]
    if service:
        session.service = _service_in_language(service, session.lang)
    persona = (st.query_params.get("persona") or "").strip()[:40]
    if persona:
        session.selected = persona


def keep_in_url() -> None:
    """Write the language and the service back into the URL (a page switch may have dropped them)."""
    session = state.get()
    wanted = {"lang": session.lang, "service": session.service, "persona": session.selected}
    for key, value in wanted.items():
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value
        elif not value and key in st.query_params:
            del st.query_params[key]


def set_language(lang: str) -> None:
    session = state.get()
    if lang in LANGUAGES and lang != session.lang:
        if session.service:
            session.service = _service_in_language(session.service, lang)
        session.lang = lang
        st.session_state.pop("w_service", None)


def on_service() -> None:
    """The participant's service: picked from the list, or typed when it is not there."""
    choice = st.session_state.get("w_service")
    if choice == OTHER_SERVICE:
        choice = str(st.session_state.get("w_service_other", "")).strip()[:60]
    state.get().service = choice or None


def service_picker() -> None:
    """The participant's service, asked once (it signs their notes and validations)."""
    t = state.translator()
    session = state.get()
    names = state.services(session.lang)
    if "w_service" not in st.session_state and session.service:
        st.session_state["w_service"] = session.service if session.service in names else OTHER_SERVICE
        if session.service not in names:
            st.session_state["w_service_other"] = session.service
    st.selectbox(t("refine.your_service"), [*names, OTHER_SERVICE], index=None, key="w_service",
                 help=t("refine.your_service_help"), placeholder=t("refine.service_placeholder"),
                 format_func=lambda s: t("refine.other_service") if s == OTHER_SERVICE else s, on_change=on_service)
    if st.session_state.get("w_service") == OTHER_SERVICE:
        st.text_input(t("refine.other_service"), key="w_service_other", max_chars=60, on_change=on_service)


# --- live ----------------------------------------------------------------------------------------


@st.fragment(run_every=LIVE_SECONDS)
def watch() -> None:
    """Every few seconds: be present, follow other sessions' saves, show who is here."""
    mark_present()
    if editing.changed_on_disk():
        st.rerun(scope="app")
    t = state.translator()
    session = state.get()
    here = present(session.workshop_path)
    st.caption(t("live.present", n=sum(here.values())))
    st.markdown("\n".join(f"- {escape_md(service) if service else t('live.no_service')}"
                          + (f" ×{n}" if n > 1 else "") for service, n in here.items()))
