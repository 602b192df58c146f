"""Read-only data behind the pages, cached: surveys after intake, codebooks, the respondents' map,
the data a workshop came from (found by content hash) and its encoded respondents.

``st.cache_data`` holds read-only data only, keyed on each file's path, size and time; never the
workshop being edited (that is :mod:`app_pages.editing`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from app_pages.files import file_key, sample_paths
from app_pages.state import get
from app_pages.uploads import uploaded_files


@st.cache_data(show_spinner=False)
def archetype_names(lang: str) -> dict[str, str]:
    """Archetype id -> name in ``lang`` (the library is read-only data; the exports' own lookup)."""
    from exports.view import archetype_names as names

    return names(lang)


@st.cache_data(show_spinner=False, max_entries=4)
def _load_survey(path: str, key: str, codebook: dict[str, Any] | None, lenient: bool) -> Any:
    from workshop_data.codebook import Codebook
    from workshop_data.survey import load_survey

    book = Codebook.from_dict(codebook) if codebook else None
    return load_survey(path, book, lenient=lenient)


def load_survey(path: str | Path, codebook: dict[str, Any] | None = None, *, lenient: bool = False) -> Any:
    """The survey of a file after intake (cached on the file's path, size and time)."""
    return _load_survey(str(path), file_key(path), codebook, lenient)


@st.cache_data(show_spinner=False, max_entries=4)
def _survey_language(path: str, key: str, codebook: dict[str, Any] | None, lenient: bool, sheet: str | None) -> str:
    from workshop_data.language import survey_language

    survey = load_inputs(path, None, codebook, lenient=lenient, sheet=sheet).survey
    return survey_language(survey.codebook, survey.data)


def survey_language(path: str | Path, codebook: dict[str, Any] | None = None, *, lenient: bool = False,
                    sheet: str | None = None) -> str:
    """The language the survey's questions are written in (``fr`` or ``en``): the personas' names
    and drafted texts default to it, as ``cluster`` does without ``--lang``."""
    return _survey_language(str(path), file_key(path), codebook, lenient, sheet)


@st.cache_data(show_spinner=False, max_entries=4)
def _codebook_of(path: str, key: str) -> dict[str, Any]:
    from workshop_data.codebook import load_codebook

    return load_codebook(path).to_dict()


def codebook_of(path: str | Path) -> dict[str, Any]:
    return _codebook_of(str(path), file_key(path))


@st.cache_data(show_spinner=False, max_entries=4)
def _survey_map(path: str, key: str, codebook: dict[str, Any] | None) -> Any:
    from app_pages.charts import pca_coordinates

    survey = _load_survey(path, key, codebook, True)
    return pca_coordinates(survey.data, survey.codebook)


def survey_map(path: str | Path, codebook: dict[str, Any] | None) -> Any:
    """2-D coordinates of each respondent (PCA of the survey answers), cached per file."""
    return _survey_map(str(path), file_key(path), codebook)


@st.cache_data(show_spinner=False, max_entries=4)
def _feature_map(workshop_path: str, survey_key: str, contacts_key: str, _features: Any) -> Any:
    import pandas as pd

    from app_pages.charts import pca_coordinates

    frame = pd.DataFrame(_features.X, index=[str(i) for i in _features.respondent_ids])
    return pca_coordinates(frame, standardise=False)


def respondent_map() -> Any:
    """2-D coordinates of the open workshop's respondents: PCA of the clustering's feature matrix,
    or of the survey answers when the features cannot be rebuilt; None when the data is not at hand."""
    session = get()
    ws = session.workshop
    if ws is None:
        return None
    survey = survey_of(ws)
    if survey is None:
        return None
    features = features_of_open_workshop()
    if features is not None:
        contacts = source_of(ws, "contacts")
        return _feature_map(session.workshop_path or "", file_key(survey),
                            file_key(contacts) if contacts else "", features)
    return survey_map(survey, ws.codebook or None)


@st.cache_data(show_spinner=False, max_entries=2)
def _load_inputs(
    survey_path: str, survey_key: str, contacts_path: str | None, contacts_key: str | None,
    codebook: dict[str, Any] | None, lenient: bool, sheet: str | None = None,
    engine: str | None = None, contacts_table: str | None = None,
) -> Any:
    from workshop_data.codebook import Codebook
    from workshop_data.intake import load_inputs as load

    book = Codebook.from_dict(codebook) if codebook else None
    return load(survey_path, book, contacts_path, lenient=lenient, sheet=sheet, engine=engine,
                contacts_table=contacts_table)


def load_inputs(
    survey_path: str | Path, contacts_path: str | Path | None, codebook: dict[str, Any] | None,
    *, lenient: bool = False, sheet: str | None = None, engine: str | None = None,
    contacts_table: str | None = None,
) -> Any:
    """The survey after intake and the contact features (cached on the files' path, size and time).

    ``sheet`` is the workbook sheet to read (``None``: the one holding the table is found).
    ``engine`` aggregates the log (``None``: DuckDB here); with ``contacts_table`` the log is that
    table of the engine's database."""
    return _load_inputs(
        str(survey_path), file_key(survey_path),
        str(contacts_path) if contacts_path else None, file_key(contacts_path) if contacts_path else None,
        codebook, lenient, sheet, engine, contacts_table,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _sha256(path: str, key: str) -> str:
    from workshop_data.files import sha256_of

    return sha256_of(Path(path))


def source_of(workshop: Any, role: str) -> Path | None:
    """The file a workshop's ``role`` source (survey, contacts) came from, found by content hash in
    the session's current file, the bundled sample or the uploads."""
    wanted = {s.get("sha256") for s in workshop.sources or [] if s.get("role") == role and s.get("sha256")}
    if not wanted:
        return None
    candidates: list[Path] = []
    current = getattr(get(), f"{role}_path", None)
    if current:
        candidates.append(Path(current))
    try:
        candidates.extend(p for r, p in sample_paths().items() if r == role)
    except Exception:  # no bundled sample: the uploads may still hold it
        pass
    candidates.extend(uploaded_files())
    for path in candidates:
        if path.is_file() and _sha256(str(path), file_key(path)) in wanted:
            return path
    return None


def survey_of(workshop: Any) -> Path | None:
    return source_of(workshop, "survey")


@st.cache_data(show_spinner=False, max_entries=2)
def _features(workshop_path: str, survey_key: str, contacts_key: str, _workshop: Any,
              survey: str | None, contacts: str | None) -> Any:
    from personas.build import load_features

    return load_features(_workshop, Path(workshop_path).parent, survey_path=survey, contacts_path=contacts)


def features_of_open_workshop() -> Any:
    """The encoded respondents behind the open workshop, for merge and split; None when not at hand.

    Without them the operations still work, combining the personas' statistics instead of
    recomputing them from the members.
    """
    session = get()
    ws = session.workshop
    if ws is None or session.workshop_path is None:
        return None
    survey = survey_of(ws)
    contacts = source_of(ws, "contacts")
    try:
        return _features(
            session.workshop_path, file_key(survey) if survey else "", file_key(contacts) if contacts else "",
            ws, str(survey) if survey else None, str(contacts) if contacts else None,
        )
    except Exception:  # the data moved or no longer reads: operations fall back on the statistics
        return None

