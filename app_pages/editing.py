"""The workshop this session edits: open it, build one, apply an edit, follow other sessions' edits.

The workshop file is the source of truth for edits: :func:`apply_edit` saves each edit at once,
and a fresh session reopens the last workshop file, so a browser refresh or a crash loses nothing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import streamlit as st

from app_pages.files import (
    cli_workshop, last_workshop, new_workshop_path, register_cli_workshop, remember_last, sample_paths,
    sample_workshop_path,
)
from app_pages.loaders import codebook_of, load_inputs, source_of, survey_of
from app_pages.state import clear_widgets, flash, get, t


def open_workshop(path: str | Path) -> None:
    """Load a workshop file and make it this session's (and the next fresh session's) workshop."""
    from personas.store import load_workshop

    state = get()
    stamp = _stamp(path)  # before reading: a save in between shows as a change, never as none
    state.workshop = load_workshop(path)
    state.workshop_path = str(Path(path).resolve())
    state.workshop_stamp = stamp
    remember_last(path)
    clear_widgets()


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
    sheet: str | None = None,
    typology: Any = None,
) -> Path:
    """Cluster a survey (and contact log) into a new workshop file, which then becomes the open one.

    ``typology`` (a :class:`personas.archetypes.Typology`, the built-in one when None) names the
    personas."""
    from personas.build import build_workshop as build
    from personas.store import save_workshop

    inputs = load_inputs(survey_path, contacts_path, codebook, lenient=lenient, sheet=sheet)
    kwargs: dict[str, Any] = {"k": k, "method": method, "seed": seed, "lang": lang}
    if progress is not None:
        kwargs["progress"] = progress
    if typology is not None:
        kwargs["typology"] = typology
    workshop = build(inputs.survey, inputs.contacts, **kwargs)
    path = Path(out) if out else new_workshop_path(Path(survey_path).stem)
    save_workshop(workshop, path)
    open_workshop(path)
    return path


def apply_edit(operation: Callable[..., Any], *args: Any, typed: str | None = None, **kwargs: Any) -> bool:
    """Apply a whole-workshop operation (merge, split, move, undo, redo) to the open workshop and
    save it at once, signed by this participant's service; False when refused.

    These act on the workshop as this person last saw it: when someone saved since, a merge, split
    or move is made again on the file as it is now if it touches other parts, and refused with the
    conflict message when it collides; undo and redo act on the shared history, so they are refused
    when anyone saved meanwhile (the person sees the new last edit before undoing it). Field edits
    go through :func:`submit_field` instead.
    """
    from personas import operations
    from personas.store import edit_from_view
    from workshop_data.errors import ConflictError, DataError

    state = get()
    if state.workshop is None or state.workshop_path is None:
        return False
    try:
        saved = edit_from_view(state.workshop_path, state.workshop, lambda ws: operation(ws, *args, **kwargs),
                               rebase=operation not in (operations.undo, operations.redo), by=state.service)
    except ConflictError:
        reload_workshop()
        flash("warning", t("app.conflict") + (" " + t("app.conflict_typed", text=_escape(typed)) if typed else ""))
        return False
    except (DataError, KeyError, ValueError) as exc:
        flash("error", t("app.error", message=_escape(_message(exc))))
        return False
    state.workshop = saved
    state.workshop_stamp = None  # someone may have saved right after: the next check reads the revision
    return True


def submit_field(persona_id: str, field: str, base: Any, value: Any) -> str:
    """Save one field edit of this participant, made from ``base`` (the value they saw).

    Returns ``"saved"``, ``"unchanged"`` (the value is the field's own: nothing recorded),
    ``"conflict"`` (someone changed the field meanwhile: nothing saved, the session now shows the
    file as it is, and the caller shows the person the choice) or ``"refused"`` (a value the field
    cannot take, said in a message).
    """
    from personas.edits import FieldConflict, FieldEdit
    from personas.store import submit_edit
    from workshop_data.errors import DataError

    state = get()
    if state.workshop is None or state.workshop_path is None:
        return "refused"
    edit = FieldEdit(persona_id, field, base, value, by=state.service)
    try:
        saved, changed = submit_edit(state.workshop_path, edit, view=state.workshop)
    except FieldConflict:
        reload_workshop()
        return "conflict"
    except (DataError, KeyError, ValueError) as exc:
        flash("error", t("app.error", message=_escape(_message(exc))))
        return "refused"
    state.workshop = saved
    state.workshop_stamp = None  # someone may have saved right after: the next check reads the revision
    return "saved" if changed else "unchanged"


def _stamp(path: str | Path) -> str | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def changed_on_disk() -> bool:
    """Someone (another session, the command line) saved the open workshop since this session read it.

    A stat first (cheap, every live tick); when the file's stamp moved, its revision (read from the
    header) says whether it holds another version than the one shown: the stamp alone could miss a
    save landing right after this session's own."""
    from personas.store import saved_revision

    state = get()
    if state.workshop_path is None:
        return False
    stamp = _stamp(state.workshop_path)
    if stamp is None or stamp == state.workshop_stamp:
        return False
    if state.workshop is not None and saved_revision(state.workshop_path) == state.workshop.revision:
        state.workshop_stamp = stamp
        return False
    return True


def reload_workshop() -> bool:
    """Read the open workshop's file again, keeping this session's widgets (those whose value the
    file changed follow it, see :func:`app_pages.state.bound`); True when the file held a new revision."""
    from personas.store import load_workshop
    from workshop_data.errors import DataError

    state = get()
    stamp = _stamp(state.workshop_path)
    try:
        workshop = load_workshop(state.workshop_path)
    except DataError as exc:  # kept as shown; not retried until the file changes again
        state.workshop_stamp = stamp
        flash("error", t("app.error", message=_escape(_message(exc))))
        return False
    changed = state.workshop is None or workshop.revision != state.workshop.revision
    state.workshop, state.workshop_stamp = workshop, stamp
    return changed


def follow_other_sessions() -> None:
    """Show the open workshop as saved by another session (or the command line) meanwhile."""
    if changed_on_disk() and reload_workshop():
        st.toast(t("app.reloaded"), icon=":material/sync:")


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def _escape(text: str) -> str:
    from app_pages import escape_md

    return escape_md(text)


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
        register_cli_workshop(str(Path(arg).resolve()))
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

