"""An optional workshop access code, asked before any page shows.

For an instance on an intranet without a reverse proxy in front (see the README): set
``PERSONA_WORKSHOP_ACCESS_CODE`` in the environment, or ``access_code`` in Streamlit's
``.streamlit/secrets.toml``. Without either, the app opens as before.

A wrong code shows nothing but the question again. Attempts are limited twice: per browser session
(``MAX_ATTEMPTS``) and for the whole server (``SERVER_ATTEMPTS`` wrong codes within
``WINDOW_SECONDS``, so opening new sessions does not give new tries).
"""
from __future__ import annotations

import hmac
import os
import threading
import time

import streamlit as st

from app_pages import state

ACCESS_ENV = "PERSONA_WORKSHOP_ACCESS_CODE"
MAX_ATTEMPTS = 5
SERVER_ATTEMPTS = 20
WINDOW_SECONDS = 600.0


def configured_code() -> str | None:
    """The access code from the environment, else from Streamlit's secrets; None when there is none."""
    code = os.environ.get(ACCESS_ENV, "").strip()
    if code:
        return code
    try:
        code = str(st.secrets.get("access_code", "") or "").strip()
    except Exception:  # no secrets file at all: no code configured
        return None
    return code or None


@st.cache_resource(show_spinner=False)
def _failures() -> tuple[threading.Lock, list[float]]:
    """Times of the server's recent wrong codes, shared by every session."""
    return threading.Lock(), []


def _server_locked() -> bool:
    lock, times = _failures()
    now = time.monotonic()
    with lock:
        times[:] = [at for at in times if now - at < WINDOW_SECONDS]
        return len(times) >= SERVER_ATTEMPTS


def _record_failure() -> None:
    lock, times = _failures()
    with lock:
        times.append(time.monotonic())


def check(code: str) -> bool:
    """Compare a typed code with the configured one; count a wrong one."""
    session = state.get()
    expected = configured_code()
    if expected is None:
        return True
    if session.attempts >= MAX_ATTEMPTS or _server_locked():
        return False
    if hmac.compare_digest(code.strip().encode("utf-8"), expected.encode("utf-8")):
        session.access, session.attempts = True, 0
        return True
    session.attempts += 1
    _record_failure()
    return False


def granted() -> bool:
    """True when the session may see the workshop: no code configured, or the right code given."""
    session = state.get()
    if session.access:
        return True
    if configured_code() is None:
        session.access = True
    return session.access


def ask() -> None:
    """The only thing shown until the code is given: the question, or that attempts are used up."""
    t = state.translator()
    session = state.get()
    st.title(t("access.title"))
    if session.attempts >= MAX_ATTEMPTS or _server_locked():
        st.error(t("access.locked"))
        return
    with st.form("access", border=True):
        code = st.text_input(t("access.code"), type="password", key="access_code", max_chars=200)
        if st.form_submit_button(t("access.enter"), type="primary"):
            if check(code or "") or session.attempts >= MAX_ATTEMPTS or _server_locked():
                st.rerun()  # in, or locked out: either way the form goes
            else:
                st.error(t("access.wrong", n=MAX_ATTEMPTS - session.attempts))
