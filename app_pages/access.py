"""The workshop access code in the app itself: who may see the workshop, and who may download it.

For an instance on an intranet without a reverse proxy in front (see the README): set
``PERSONA_WORKSHOP_ACCESS_CODE`` in the environment, or ``access_code`` in Streamlit's
``.streamlit/secrets.toml``. Without either, the app opens as before.

The web server (:mod:`server`, what ``persona-workshop app`` runs) asks for the code before
anything of the app reaches the browser, and gives a pass (:mod:`app_pages.gate`). Here, a session
holding a valid pass is let in at once; one without (``streamlit run app.py`` directly, or a test)
is asked the code on the page, with the same limit on wrong codes (per browser session and per
address, growing delays, never a lock-out of a session already in). Downloads are offered only to
a session holding a pass: only then does the server refuse the download links to everyone else.
"""
from __future__ import annotations

import streamlit as st

from app_pages import gate, state


def configured_code() -> str | None:
    """The access code from the environment, else from Streamlit's secrets; None when there is none."""
    code = gate.configured_code()
    if code:
        return code
    try:
        code = str(st.secrets.get("access_code", "") or "").strip()
    except Exception:  # no secrets file at all: no code configured
        return None
    return code or None


def holds_pass() -> bool:
    """The browser carries a valid pass from the server's code page."""
    code = configured_code()
    if code is None:
        return False
    from app_pages.files import home

    try:
        token = st.context.cookies.get(gate.PASS_COOKIE)
    except Exception:  # no browser context (a test): no cookie
        token = None
    return gate.valid_pass(gate.signing_key(code, home()), token)


def granted() -> bool:
    """True when the session may see the workshop: no code configured, a pass, or the code typed here."""
    session = state.get()
    if session.access:
        return True
    if configured_code() is None or holds_pass():
        session.access = True
    return session.access


def downloads_allowed() -> bool:
    """Files leave the app only where the server guards their links: no code at all, or a pass."""
    return configured_code() is None or holds_pass()


def _who() -> list[str]:
    session = state.get()
    try:
        address = st.context.ip_address
    except Exception:  # no browser context
        address = None
    address = address if isinstance(address, str) and address else "?"
    return [f"address:{address}", f"session:{session.session_id}"]


def check(code: str) -> bool:
    """Compare a typed code with the configured one; count a wrong one."""
    expected = configured_code()
    if expected is None:
        return True
    if gate.LIMITER.wait(_who()) > 0:
        return False
    if gate.code_matches(code, expected):
        state.get().access = True
        gate.LIMITER.succeeded([w for w in _who() if w.startswith("session:")])
        return True
    gate.LIMITER.failed(_who())
    return False


def ask() -> None:
    """The only thing shown until the code is given: the question, and how long to wait after too many tries."""
    t = state.translator()
    st.title(t("access.title"))
    wait = gate.LIMITER.wait(_who())
    if wait > 0:
        st.error(t("access.wait", s=int(wait + 0.999)))
    with st.form("access", border=True):
        code = st.text_input(t("access.code"), type="password", key="access_code", max_chars=200)
        if st.form_submit_button(t("access.enter"), type="primary"):
            if check(code or ""):
                st.rerun()
            wait = gate.LIMITER.wait(_who())
            st.error(t("access.wrong") + (" " + t("access.wait", s=int(wait + 0.999)) if wait else ""))
