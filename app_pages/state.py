"""What one browser session holds: its typed state, its language and words, its one-off messages.

One typed object, :class:`AppState`, lives under ``st.session_state["app"]``; every page reads and
writes it through :func:`get`, so the schema below is the whole of the app's mutable state (widget
values live under their own ``w_*`` keys and are never the source of truth: a widget showing a
workshop value is keyed by that value, or is a draft box keyed by its :class:`Draft`, so no widget
ever holds a value the person did not see or type; they are dropped when another workshop opens,
except the person's own choices in ``KEEP_WIDGETS``).

The rest of the app's state lives in files: :mod:`app_pages.files` (the working folder),
:mod:`app_pages.uploads`, :mod:`app_pages.loaders` (read-only data, cached) and
:mod:`app_pages.editing` (the open workshop and its edits).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from personas.i18n import Translator, normalise_language
from personas.model import Workshop

LOCALES = Path(__file__).resolve().parent / "locales"
STATE_KEY = "app"
KEEP_WIDGETS = ("w_lang", "w_service", "w_service_other")  # the person, not the workshop


@dataclass
class Draft:
    """One field a person is editing: which persona and field, the value they started from, and
    the box that holds their text.

    persona, field: what the edit is addressed to (see :mod:`personas.edits`).
    base: the field's value when the person opened it (or chose to keep their text over another's);
        the edit is saved only if the field still holds it.
    token: the generation of the box (its widget key): a new token is a new box showing ``base``.
    refused: their text was refused because someone changed the field meanwhile (shown with a choice).
    """

    persona: str
    field: str
    base: Any
    token: int
    refused: bool = False


@dataclass
class AppState:
    """Everything a session remembers between reruns.

    lang: "fr" or "en", the language of every word on screen.
    workshop: the open workshop exactly as last saved (``None`` until one is open).
    workshop_path: the YAML file every edit of ``workshop`` is saved to.
    workshop_stamp: size and modification time of that file when last read or written; another
        session's save changes it, and the next rerun reloads the file.
    survey_path / contacts_path: the survey and contact log behind the next clustering (uploads
        are copied into the working folder, so they survive a restart).
    codebook: the codebook in use, as the plain dict of ``Codebook.to_dict`` (edited on Data);
        ``None`` until read, when intake infers it from the data.
    lenient: read out-of-scale values as missing instead of refusing the file.
    survey_error: the message of the last refused file, shown until another file is read.
    sheet: the workbook sheet chosen on Data (``None``: the sheet holding the table is found).
    engine: where the contact log is aggregated (``duckdb``, ``spark``, ``spark://…``, a database URL).
    contacts_table: the table holding the log in that database (``None``: the log is a file).
    fresh_upload: the files just uploaded have not been read yet (refused, they are deleted).
    service: the participant's service, which signs their notes and validations (picked once in
        the sidebar, kept in the URL so a reload or a language switch keeps it).
    selected: the persona shown on Refine; it changes only when this person picks another (kept in
        the URL, so a reload keeps it; when another session merges it away, the persona it went into).
    drafts: the fields this person is editing, by ``"<persona>|<field>"`` (see :class:`Draft`).
    choices: the persona chosen in each persona chooser (merge, move), by chooser, so a rename
        elsewhere never changes a choice under the person.
    session_id: this browser session, for the presence list.
    access: the workshop access code was given (or none is configured); attempts: wrong codes typed.
    flashes: (kind, text) messages to show once after the rerun that follows an action.
    """

    lang: str = "fr"
    workshop: Workshop | None = None
    workshop_path: str | None = None
    workshop_stamp: str | None = None
    survey_path: str | None = None
    contacts_path: str | None = None
    codebook: dict[str, Any] | None = None
    lenient: bool = False
    survey_error: str | None = None
    sheet: str | None = None
    engine: str = "duckdb"
    contacts_table: str | None = None
    fresh_upload: bool = False
    service: str | None = None
    selected: str | None = None
    drafts: dict[str, Draft] = field(default_factory=dict)
    choices: dict[str, str | None] = field(default_factory=dict)
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    access: bool = False
    attempts: int = 0
    flashes: list[tuple[str, str]] = field(default_factory=list)


def get() -> AppState:
    """This session's state, created on first use with the browser's language."""
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = AppState(lang=browser_language())
    return st.session_state[STATE_KEY]


def browser_language() -> str:
    try:
        return normalise_language(st.context.locale)
    except Exception:  # older Streamlit or no browser context: the default language
        return normalise_language(None)


@st.cache_resource(show_spinner=False)
def _translator(lang: str) -> Translator:
    return Translator(lang, LOCALES)


def t(key: str, **values: Any) -> str:
    """The current session's word for ``key``."""
    return _translator(get().lang)(key, **values)


def translator() -> Translator:
    return _translator(get().lang)


def flash(kind: str, text: str) -> None:
    get().flashes.append((kind, text))


def show_flashes() -> None:
    state = get()
    for kind, text in state.flashes:
        {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)(text)
    state.flashes = []


def services(lang: str) -> list[str]:
    """The service names participants pick from to sign a note, in ``lang``."""
    tr = _translator(lang)
    return [tr(key) for key in _service_keys()]


@st.cache_data(show_spinner=False)
def _service_keys() -> list[str]:
    import yaml

    with open(LOCALES / "fr.yaml", encoding="utf-8") as handle:
        return [f"service.{k}" for k in (yaml.safe_load(handle).get("service") or {})]


def clear_widgets() -> None:
    """Forget widget values tied to the previous workshop (they are keyed by ``w_``)."""
    for key in [k for k in st.session_state.keys() if str(k).startswith("w_")]:
        if key not in KEEP_WIDGETS:
            del st.session_state[key]
    get().drafts.clear()
    get().choices.clear()

