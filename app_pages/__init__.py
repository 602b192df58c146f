"""The workshop app's pages (one module per workshop step) and the few helpers they share.

Pages are thin: they read the session (:mod:`app_pages.state`) and the open workshop
(:mod:`app_pages.editing`), call the packages (workshop_data, clustering,
personas, exports) and draw. Plotly figures are built by the pure functions of
:mod:`app_pages.charts`. Every word on screen comes from ``app_pages/locales``.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from app_pages import state


def page_header(page: str, *, needs_workshop: bool = True, titled: bool = True) -> Any:
    """The top of every page: its title and caption (``<page>.title``, ``<page>.intro``; not on a
    page that needs the whole screen, ``titled=False``), the messages left by the last action, and,
    for a page that needs one, the open workshop (or None, after saying that none is open)."""
    t = state.translator()
    if titled:
        st.title(t(f"{page}.title"))
        st.caption(t(f"{page}.intro"))
    state.show_flashes()
    workshop = state.get().workshop
    if workshop is None and needs_workshop:
        st.info(t("refine.no_workshop"))
    return workshop


def show_problem(exc: BaseException) -> None:
    """A refused input or a missing capability as one clear sentence, never a traceback."""
    if isinstance(exc, ImportError):
        st.warning(state.t("app.missing_package", name=escape_md(getattr(exc, "name", None) or exc)))
    elif isinstance(exc, KeyError) and exc.args:
        st.error(state.t("app.error", message=escape_md(exc.args[0])))
    else:
        st.error(state.t("app.error", message=escape_md(localised(exc))))


def localised(problem: Any) -> str:
    """A data-layer error or warning in the session's language (it carries its message key)."""
    return problem.localise(state.get().lang) if hasattr(problem, "localise") else str(problem)


def progress_callback(label: str) -> Callable[[float, str], None]:
    """A progress bar under ``label``, and the ``progress(fraction, message)`` callback that moves it."""
    bar = st.progress(0.0, text=f"{label} {percent(0)}")

    def report(fraction: float, message: str = "") -> None:
        value = min(max(float(fraction), 0.0), 1.0)
        bar.progress(value, text=f"{label} {percent(round(value * 100))}")

    return report


def workshop_badge() -> None:
    """Sidebar summary of the open workshop: its file, version and persona count."""
    session = state.get()
    ws = session.workshop
    if ws is None:
        st.caption(state.t("app.no_workshop"))
        return
    from pathlib import Path

    st.caption(state.t("app.workshop"))
    st.markdown(f"**{_escape_md(ws.title or Path(session.workshop_path or '').stem)}**")
    st.caption(
        f"{state.t('app.personas_count', n=len(ws.personas))} · {state.t('app.revision', n=ws.revision)}"
    )


def _escape_md(text: str) -> str:
    """User text shown through markdown: markup characters are escaped so they print as typed."""
    out = []
    for char in str(text):
        if char in "\\`*_{}[]()#+-.!|<>~$:":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def escape_md(text: Any) -> str:
    return _escape_md(str(text))


def page_style() -> None:
    """Streamlit's own words are English: show ours instead (static CSS, no user text).

    The file uploader's words by CSS; the boxes Streamlit opens itself (connection lost, page not
    found) and its labels for screen readers by a small script that replaces a text only when it
    is exactly one of ``locales/streamlit-words.yaml``; the hints under text boxes ("Press Enter
    to apply") and the tables' toolbar (English tooltips) are hidden.
    """
    drop = _css_text(state.t("data.drop_here"))
    browse = _css_text(state.t("data.browse"))
    limit = _css_text(state.t("data.limit"))
    st.html(
        "<style>"
        "[data-testid='stFileUploaderDropzoneInstructions'] > div > span:first-child{font-size:0}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] > div > span:first-child::after{{content:'{drop}';font-size:1rem}}"
        "[data-testid='stFileUploaderDropzoneInstructions'] > div > small, "
        "[data-testid='stFileUploaderDropzoneInstructions'] > div > span:last-child{font-size:0}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] > div > span:last-child::after{{content:'{limit}';font-size:.8rem}}"
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p{font-size:0}"
        f"[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p::after{{content:'{browse}';font-size:1rem}}"
        "[data-testid='InputInstructions'],[data-testid='stElementToolbar']{display:none}"
        "</style>"
    )
    st.html(_WORDS_SCRIPT.replace("__WORDS__", _streamlit_words(state.get().lang)), unsafe_allow_javascript=True)


#: Replaces Streamlit's English (exact texts and aria-labels only, from our own catalogue: no user
#: text ever reaches it) as the page changes; installed once, its words updated on every run.
_WORDS_SCRIPT = """<script>
(() => {
  const root = window.parent && window.parent.document ? window.parent : window;
  root.__pwWords = __WORDS__;
  if (root.__pwObserver) return;
  const swap = (node) => {
    const words = root.__pwWords || {};
    const walker = root.document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const key = t.nodeValue.trim();
      if (key && Object.prototype.hasOwnProperty.call(words, key)) t.nodeValue = words[key];
    }
    node.querySelectorAll && node.querySelectorAll('[aria-label],[placeholder]').forEach((e) => {
      for (const a of ['aria-label', 'placeholder']) {
        const v = e.getAttribute(a);
        if (v && Object.prototype.hasOwnProperty.call(words, v)) e.setAttribute(a, words[v]);
      }
    });
  };
  root.__pwObserver = new root.MutationObserver((changes) => {
    for (const c of changes) {
      if (c.type === 'characterData' && c.target.parentNode) swap(c.target.parentNode);
      for (const n of c.addedNodes) if (n.nodeType === 1) swap(n); else if (n.parentNode) swap(n.parentNode);
    }
  });
  root.__pwObserver.observe(root.document.body, {childList: true, subtree: true, characterData: true});
  swap(root.document.body);
})();
</script>"""


def _streamlit_words(lang: str) -> str:
    import json

    return json.dumps(_words_catalogue().get(lang) or {}, ensure_ascii=False).replace("</", "<\\/")


@st.cache_data(show_spinner=False)
def _words_catalogue() -> dict[str, dict[str, str]]:
    import yaml

    with open(state.LOCALES / "streamlit-words.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _css_text(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in " ,.;:()-–·'’«»éèêàâîôûùçÉÀ" else " " for ch in text).replace("'", "\\'")


def percent(value: Any, digits: int = 0, *, lang: str | None = None) -> str:
    """A percentage already scaled to 0-100: "27,9 %" (narrow no-break space) in French, "27.9%" in English."""
    from workshop_data.formats import format_percent

    return format_percent(None if value is None else float(value) / 100, lang or state.get().lang, digits)


def number(value: Any, digits: int = 2, suffix: str = "") -> str:
    """A number as people read it in the session's language (French: decimal comma, thin spaces)."""
    from workshop_data.formats import MISSING, format_number

    text = format_number(value, state.get().lang, digits)
    return text if text == MISSING else f"{text}{suffix}"
