"""What one browser session holds, where the app keeps its files, and the cached data loaders.

One typed object, :class:`AppState`, lives under ``st.session_state["app"]``; every page reads and
writes it through :func:`get`, so the schema below is the whole of the app's mutable state (widget
values live under their own ``w_*`` keys and are never the source of truth: widgets tied to a
workshop are keyed by its revision, and dropped when another workshop opens, except the person's
own choices in ``KEEP_WIDGETS``).

The workshop file is the source of truth for edits: :func:`apply_edit` saves each edit at once,
and a fresh session reopens the last workshop file, so a browser refresh or a crash loses nothing.
``st.cache_data`` holds read-only data only (the survey of a file, translations, the archetype
library), never the workshop being edited.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from personas.i18n import LANGUAGES, Translator, normalise_language
from personas.model import Workshop

HOME_ENV = "PERSONA_WORKSHOP_HOME"
SAMPLE_ENV = "PERSONA_WORKSHOP_SAMPLE"   # a folder with survey.csv, codebook.yaml, contacts.csv
LOCALES = Path(__file__).resolve().parent / "locales"
STATE_KEY = "app"
LAST_FILE = "last-workshop.txt"
KEEP_WIDGETS = ("w_lang", "w_service", "w_service_other")  # the person, not the workshop


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
    service: the participant's service, which signs the notes they add (picked on Refine).
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
    service: str | None = None
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


def set_language(lang: str) -> None:
    if lang in LANGUAGES:
        get().lang = lang


def flash(kind: str, text: str) -> None:
    get().flashes.append((kind, text))


def show_flashes() -> None:
    state = get()
    for kind, text in state.flashes:
        {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)(text)
    state.flashes = []


# --- files -----------------------------------------------------------------------------------


def home() -> Path:
    """The per-user working folder: workshops, copies of uploads, the last workshop opened."""
    base = os.environ.get(HOME_ENV) or str(Path.home() / ".local" / "share" / "persona-workshop")
    path = Path(base).expanduser()
    (path / "workshops").mkdir(parents=True, exist_ok=True)
    (path / "uploads").mkdir(parents=True, exist_ok=True)
    return path


def workshops_folder() -> Path:
    return home() / "workshops"


def sample_workshop_path() -> Path:
    return workshops_folder() / "exemple.yaml"


def saved_workshops() -> list[Path]:
    """Workshop files in the working folder, most recently changed first."""
    files = [p for p in workshops_folder().glob("*.yaml") if p.is_file()]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def remember_last(path: str | Path) -> None:
    (home() / LAST_FILE).write_text(str(Path(path).resolve()), encoding="utf-8")


def last_workshop() -> Path | None:
    marker = home() / LAST_FILE
    if not marker.is_file():
        return None
    path = Path(marker.read_text(encoding="utf-8").strip())
    return path if path.is_file() else None


def save_upload(name: str, data: bytes) -> Path:
    """Keep an uploaded file in the working folder, under its own name (made safe) in a folder named
    by its content hash: the name the person knows stays in the workshop's sources, and nothing can
    be written outside the working folder."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    safe = re.sub(r"[^\w.\-]+", "_", Path(name).name).lstrip(".")[-80:] or "upload"
    path = home() / "uploads" / digest / safe
    if not path.exists():
        from workshop_data.files import atomic_write_bytes

        atomic_write_bytes(path, data)
    return path


def uploaded_files() -> list[Path]:
    return sorted(p for p in (home() / "uploads").glob("*/*") if p.is_file())


def delete_uploads() -> int:
    """Remove the kept copies of uploaded files (raw data, personal data included); returns how many.

    Workshops keep working without them; only split, move and exact merge statistics need the data
    again (upload it once more, or keep it next to the workshop file on the command line).
    """
    import shutil

    files = uploaded_files()
    shutil.rmtree(home() / "uploads", ignore_errors=True)
    (home() / "uploads").mkdir(parents=True, exist_ok=True)
    return len(files)


def new_workshop_path(stem: str) -> Path:
    from datetime import datetime

    safe = re.sub(r"[^\w\-]+", "_", Path(stem).stem)[:40] or "atelier"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = workshops_folder() / f"{safe}-{stamp}.yaml"
    n = 1
    while path.exists():
        n += 1
        path = workshops_folder() / f"{safe}-{stamp}-{n}.yaml"
    return path


def cli_workshop() -> str | None:
    """``--workshop PATH`` given after ``--`` to ``streamlit run app.py``."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--workshop" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--workshop="):
            return arg.split("=", 1)[1]
    return None


@st.cache_resource(show_spinner=False)
def _register_cli_workshop(path: str) -> bool:
    """Once per server process: the workshop named on the command line becomes the last one."""
    if Path(path).is_file():
        remember_last(path)
        return True
    return False


# --- data (read-only, cached) ----------------------------------------------------------------


def sample_paths() -> dict[str, Path]:
    """The survey, codebook and contact log of the sample (tests point SAMPLE_ENV at a small one)."""
    folder = os.environ.get(SAMPLE_ENV)
    if folder:
        base = Path(folder)
        names = {"survey": "survey.csv", "codebook": "codebook.yaml", "contacts": "contacts.csv", "truth": "truth.csv"}
        return {role: base / name for role, name in names.items() if (base / name).exists()}
    from workshop_data.sample import sample_paths as bundled

    return {role: Path(p) for role, p in bundled().items()}


def _file_key(path: str | Path) -> str:
    p = Path(path)
    stat = p.stat()
    return f"{p.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


@st.cache_data(show_spinner=False, max_entries=4)
def _load_survey(path: str, key: str, codebook: dict[str, Any] | None, lenient: bool) -> Any:
    from workshop_data.codebook import Codebook
    from workshop_data.survey import load_survey

    book = Codebook.from_dict(codebook) if codebook else None
    return load_survey(path, book, lenient=lenient)


def load_survey(path: str | Path, codebook: dict[str, Any] | None = None, *, lenient: bool = False) -> Any:
    """The survey of a file after intake (cached on the file's path, size and time)."""
    return _load_survey(str(path), _file_key(path), codebook, lenient)


@st.cache_data(show_spinner=False, max_entries=4)
def _codebook_of(path: str, key: str) -> dict[str, Any]:
    from workshop_data.codebook import load_codebook

    return load_codebook(path).to_dict()


def codebook_of(path: str | Path) -> dict[str, Any]:
    return _codebook_of(str(path), _file_key(path))


@st.cache_data(show_spinner=False, max_entries=4)
def _survey_map(path: str, key: str, codebook: dict[str, Any] | None) -> Any:
    from app_pages.charts import pca_coordinates

    survey = _load_survey(path, key, codebook, True)
    return pca_coordinates(survey.data, survey.codebook)


def survey_map(path: str | Path, codebook: dict[str, Any] | None) -> Any:
    """2-D coordinates of each respondent (PCA of the survey answers), cached per file."""
    return _survey_map(str(path), _file_key(path), codebook)


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
        return _feature_map(session.workshop_path or "", _file_key(survey),
                            _file_key(contacts) if contacts else "", features)
    return survey_map(survey, ws.codebook or None)


@st.cache_data(show_spinner=False)
def archetype_names(lang: str) -> dict[str, str]:
    """Archetype id -> name in ``lang`` (the library is read-only data)."""
    try:
        from personas.archetypes import load_archetypes
    except ImportError:
        return {}
    out: dict[str, str] = {}
    for item in _as_list(load_archetypes()):
        ident = _attr(item, "id")
        name = _attr(item, "name")
        if isinstance(name, dict):
            name = name.get(lang) or next(iter(name.values()), ident)
        out[str(ident)] = str(name or ident)
    return out


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v if _attr(v, "id") else {"id": k, **(v if isinstance(v, dict) else {})} for k, v in value.items()]
    return list(value)


def _attr(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def services(lang: str) -> list[str]:
    """The service names participants pick from to sign a note, in ``lang``."""
    tr = _translator(lang)
    return [tr(key) for key in _service_keys()]


@st.cache_data(show_spinner=False)
def _service_keys() -> list[str]:
    import yaml

    with open(LOCALES / "fr.yaml", encoding="utf-8") as handle:
        return [f"service.{k}" for k in (yaml.safe_load(handle).get("service") or {})]


# --- the workshop being edited ---------------------------------------------------------------


def open_workshop(path: str | Path) -> None:
    """Load a workshop file and make it this session's (and the next fresh session's) workshop."""
    from personas.store import load_workshop

    state = get()
    state.workshop = load_workshop(path)
    state.workshop_path = str(Path(path).resolve())
    state.workshop_stamp = _stamp(path)
    remember_last(path)
    _clear_widgets()


@st.cache_data(show_spinner=False, max_entries=2)
def _load_inputs(
    survey_path: str, survey_key: str, contacts_path: str | None, contacts_key: str | None,
    codebook: dict[str, Any] | None, lenient: bool,
) -> Any:
    from workshop_data.codebook import Codebook
    from workshop_data.intake import load_inputs as load

    book = Codebook.from_dict(codebook) if codebook else None
    return load(survey_path, book, contacts_path, lenient=lenient)


def load_inputs(
    survey_path: str | Path, contacts_path: str | Path | None, codebook: dict[str, Any] | None,
    *, lenient: bool = False,
) -> Any:
    """The survey after intake and the contact features (cached on the files' path, size and time)."""
    return _load_inputs(
        str(survey_path), _file_key(survey_path),
        str(contacts_path) if contacts_path else None, _file_key(contacts_path) if contacts_path else None,
        codebook, lenient,
    )


def build_workshop(
    survey_path: str | Path,
    contacts_path: str | Path | None,
    codebook: dict[str, Any] | None,
    *,
    k: Any = "auto",
    method: str = "default",
    seed: int = 0,
    lang: str = "fr",
    progress: Callable[[float, str], None] | None = None,
    out: str | Path | None = None,
    lenient: bool = False,
) -> Path:
    """Cluster a survey (and contact log) into a new workshop file, which then becomes the open one."""
    from personas.build import build_workshop as build
    from personas.store import save_workshop

    inputs = load_inputs(survey_path, contacts_path, codebook, lenient=lenient)
    kwargs: dict[str, Any] = {"k": k, "method": method, "seed": seed, "lang": lang}
    if progress is not None:
        kwargs["progress"] = progress
    workshop = build(inputs.survey, inputs.contacts, **kwargs)
    path = Path(out) if out else new_workshop_path(Path(survey_path).stem)
    save_workshop(workshop, path)
    open_workshop(path)
    return path


def apply_edit(operation: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """Apply an operation to the open workshop and save it at once; False when refused.

    A conflict (someone saved the file meanwhile) reloads the file and says so: the edit is not
    applied twice nor lost silently, the person sees it was not applied and can redo it.
    """
    from personas.store import save_workshop
    from workshop_data.errors import ConflictError, DataError

    state = get()
    if state.workshop is None or state.workshop_path is None:
        return False
    before = state.workshop
    try:
        after = operation(before, *args, **kwargs)
        saved = save_workshop(after, state.workshop_path, expected_revision=before.revision)
    except ConflictError:
        open_workshop(state.workshop_path)
        flash("warning", t("app.conflict"))
        return False
    except (DataError, KeyError, ValueError) as exc:
        flash("error", t("app.error", message=_escape(_message(exc))))
        return False
    state.workshop = saved if saved is not None and hasattr(saved, "personas") else _reloaded(after, before)
    state.workshop_stamp = _stamp(state.workshop_path)
    return True


def _stamp(path: str | Path) -> str | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def follow_other_sessions() -> None:
    """Reload the open workshop when another session (or the command line) saved it meanwhile."""
    state = get()
    if state.workshop is None or state.workshop_path is None:
        return
    stamp = _stamp(state.workshop_path)
    if stamp is not None and stamp != state.workshop_stamp:
        from workshop_data.errors import DataError

        try:
            revision = state.workshop.revision
            open_workshop(state.workshop_path)
        except DataError:
            return
        if state.workshop.revision != revision:
            flash("info", t("app.reloaded"))


def _reloaded(after: Any, before: Any) -> Any:
    from personas.store import load_workshop

    return load_workshop(get().workshop_path)


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def _escape(text: str) -> str:
    from app_pages import escape_md

    return escape_md(text)


def _clear_widgets() -> None:
    """Forget widget values tied to the previous workshop (they are keyed by ``w_``)."""
    for key in [k for k in st.session_state.keys() if str(k).startswith("w_")]:
        if key not in KEEP_WIDGETS:
            del st.session_state[key]


def restore() -> None:
    """On a fresh session, open the workshop named on the command line, else the last one, else the sample.

    A refused file or a capability not installed is shown as a message; the pages still open.
    """
    from workshop_data.errors import DataError

    try:
        _restore()
    except (DataError, ImportError, NotImplementedError, OSError) as exc:
        from app_pages import show_problem

        show_problem(exc)


def _restore() -> None:
    state = get()
    if state.workshop is not None:
        follow_other_sessions()
        return
    try:
        _open_initial()
    finally:
        if state.workshop is not None and not state.survey_path:
            adopt_sources(state.workshop)


def adopt_sources(workshop: Any) -> None:
    """Make the workshop's own survey and contact log (when still at hand) the data of this session."""
    state = get()
    survey = survey_of(workshop)
    if survey is None:
        return
    contacts = source_of(workshop, "contacts")
    state.survey_path = str(survey)
    state.contacts_path = str(contacts) if contacts else None
    state.codebook = dict(workshop.codebook) or None


def _open_initial() -> None:
    state = get()
    arg = cli_workshop()
    if arg:
        _register_cli_workshop(str(Path(arg).resolve()))
    last = last_workshop()
    if last is not None:
        open_workshop(last)
        return
    sample = sample_workshop_path()
    if sample.is_file():
        open_workshop(sample)
        return
    paths = sample_paths()
    state.survey_path = str(paths["survey"])
    state.contacts_path = str(paths["contacts"]) if "contacts" in paths else None
    state.codebook = codebook_of(paths["codebook"]) if "codebook" in paths else None
    from app_pages import progress_callback

    with st.status(t("app.clustering_sample"), expanded=True) as status:
        build_workshop(
            state.survey_path, state.contacts_path, state.codebook,
            lang=state.lang, progress=progress_callback(t("profiles.running")), out=sample,
        )
        status.update(label=t("app.opened", name=_escape(sample.name)), state="complete", expanded=False)


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
        if path.is_file() and _sha256(str(path), _file_key(path)) in wanted:
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
            session.workshop_path, _file_key(survey) if survey else "", _file_key(contacts) if contacts else "",
            ws, str(survey) if survey else None, str(contacts) if contacts else None,
        )
    except Exception:  # the data moved or no longer reads: operations fall back on the statistics
        return None
