"""The workshop file: YAML written atomically under a lock, read safely, validated, migrated.

A workshop lives for weeks and several people edit it, from the command line and the app. So a save
never leaves a half-written file (temporary file, then rename), two processes never lose an edit
(a file lock around read-modify-write, and a revision number for callers that hold a workshop in
memory), and loading trusts nothing: safe YAML only, every field checked, the invariant checked,
older schema versions migrated step by step and newer ones refused rather than misread.

The file ends with the YAML document end marker ``...``: a file cut short (a full disk, a copy
interrupted) is refused as truncated instead of being read as a smaller workshop.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import asdict, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import yaml

from workshop_data.codebook import CHANNELS, DIMENSIONS
from workshop_data.errors import ConflictError, WorkshopFileError
from workshop_data.files import atomic_write_text, check_regular, check_target, open_regular, read_bytes, unwritable
from workshop_data.messages import localise, msg
from workshop_data.yaml_safe import safe_load_text

from .model import SCHEMA_VERSION, Persona, Workshop, invariant_problems

if TYPE_CHECKING:
    from .edits import FieldEdit

LOCK_TIMEOUT_SECONDS = 60.0
_END_MARKER = re.compile(r"(?:^|\n)\.\.\.[ \t\r]*\n?\Z")

#: Top-level keys in the order they are written: the short header first, the long lists last.
_TOP_ORDER = (
    "schema_version", "title", "lang", "revision", "created", "updated", "min_group_size",
    "sources", "settings", "codebook", "k_table", "privacy", "model", "personas", "assignments",
    "history", "redo",
)


class NewerSchemaError(WorkshopFileError):
    """The file was written by a newer version of the toolkit: refused, never misread or overwritten."""


def now() -> datetime:
    """The current UTC time, or ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention),
    so that the same inputs and seed can give byte-identical workshop files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc)


def now_iso() -> str:
    """UTC time to the second, as written in the file."""
    return now().replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------------------------
# Text form


def _plain(value: Any) -> Any:
    """Plain YAML-able values: numpy scalars to Python numbers, tuples to lists, keys to text."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str) and not value.isascii():
        return _writable(value)
    if isinstance(value, (bool, str, int, float)) or value is None:
        return value
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item):
        return _plain(item())
    raise WorkshopFileError(msg("workshop.unwritable_value"), expected=msg("workshop.expected_plain_values"))


def _writable(text: str) -> str:
    """Text a file can hold: a file name that is not UTF-8 (kept by Python as lone surrogates, from
    a Latin-1 disk) is written with its odd bytes escaped (``\\xe9``) rather than failing the save."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def _canonical_keys(mapping: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    known = [k for k in order if k in mapping]
    rest = sorted(k for k in mapping if k not in order)
    return {k: mapping[k] for k in known + rest}


def _canonical(ws: Workshop) -> dict[str, Any]:
    # _plain copies as it goes: no asdict() of the whole workshop (a deep copy of every assignment)
    data = _plain({f.name: getattr(ws, f.name) for f in fields(Workshop) if f.name != "personas"})
    data["personas"] = [_plain(asdict(p)) for p in ws.personas]
    personas = []
    for persona in data["personas"]:
        for key, kind in _PERSONA_TYPES.items():
            value = persona[key]
            if kind in (_NUMBER, _OPT_NUMBER) and value is not None:
                persona[key] = float(value)
            elif kind == _NUMBERS:
                persona[key] = [float(v) for v in value]
            elif kind == _NUM_MAP:
                persona[key] = {k: float(v) for k, v in value.items()}
        persona["traits"] = _canonical_keys(persona["traits"], DIMENSIONS)
        persona["channel_mix"] = _canonical_keys(persona["channel_mix"], CHANNELS)
        personas.append(persona)
    data["personas"] = personas
    data["assignments"] = dict(sorted(data["assignments"].items()))
    return {k: data[k] for k in _TOP_ORDER}


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe dumper that double-quotes text holding line breaks YAML would fold away on reading."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if _FRAGILE.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FRAGILE = re.compile("[\x85\u2028\u2029\r]")
_Dumper.add_representer(str, _represent_text)


def dump_workshop(ws: Workshop) -> str:
    """YAML text of the workshop; identical workshops give identical bytes."""
    return yaml.dump(
        _canonical(ws), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, explicit_end=True,
    )


def parse_workshop(text: str, *, file: str | None = None) -> Workshop:
    """Read a workshop from YAML text: safe loader, schema version, migrations, fields, invariant."""
    data = safe_load_text(text, file=file, error=WorkshopFileError)
    if not isinstance(data, dict):
        raise WorkshopFileError(msg("workshop.not_a_workshop"), file=file, expected=msg("workshop.expected_mapping"))
    version = data.get("schema_version")
    if version is None:
        raise WorkshopFileError(msg("workshop.no_version"), file=file,
                                expected=msg("workshop.expected_version", version=str(SCHEMA_VERSION)))
    if not isinstance(version, int) or isinstance(version, bool):
        raise WorkshopFileError(msg("workshop.version_not_whole"), file=file, found=_shown(version))
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(msg("workshop.newer", version=str(version), supported=str(SCHEMA_VERSION)), file=file,
                               expected=msg("workshop.expected_version_at_most", version=str(SCHEMA_VERSION)),
                               found=version)
    if version < SCHEMA_VERSION:
        data = migrate(data, file=file)
    elif not _END_MARKER.search(text):
        raise WorkshopFileError(msg("workshop.truncated"), file=file, expected=msg("workshop.expected_end_marker"))
    return _validate(data, file)


# --------------------------------------------------------------------------------------------
# Migrations: one function per step, from version n to n + 1, on plain data.


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 kept members inside each persona and notes as {service: [texts]}."""
    out = dict(data)
    assignments: dict[str, str] = {}
    personas = []
    for raw in data.get("personas") or []:
        persona = dict(raw) if isinstance(raw, dict) else raw
        if isinstance(persona, dict):
            members = persona.pop("members", None) or []
            for rid in members:
                assignments[str(rid)] = persona.get("id")
            persona.setdefault("size", len(members))
            notes = persona.get("notes") or {}
            if isinstance(notes, dict):
                flat = []
                for service, texts in notes.items():
                    for text in texts or []:
                        flat.append({"id": f"N{len(flat) + 1}", "service": str(service), "text": str(text),
                                     "created": data.get("created", "")})
                persona["notes"] = flat
        personas.append(persona)
    out["personas"] = personas
    out.setdefault("assignments", assignments)
    out["schema_version"] = 1
    return out


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1}


def migrate(data: dict[str, Any], *, file: str | None = None) -> dict[str, Any]:
    """Apply the migration chain from the file's version up to :data:`SCHEMA_VERSION`."""
    version = data["schema_version"]
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise WorkshopFileError(
                msg("workshop.unknown_version", version=str(data["schema_version"])), file=file,
                expected=msg("workshop.expected_version_between", low=str(min(MIGRATIONS)), high=str(SCHEMA_VERSION)),
                found=data["schema_version"],
            )
        data = step(data)
        if data.get("schema_version") != version + 1:
            raise AssertionError(f"migration from {version} did not reach {version + 1}")
        version += 1
    return data


# --------------------------------------------------------------------------------------------
# Validation of plain data


_NUMBER = "number"
_OPT_NUMBER = "number or null"
_INT = "whole number"
_TEXT = "text"
_OPT_TEXT = "text or null"
_BOOL = "true or false"
_TEXTS = "list of texts"
_NUMBERS = "list of numbers"
_NUM_MAP = "mapping of names to numbers"
_MAPS = "list of mappings"
_MAP = "mapping"
_TEXT_MAPS = "mapping of names to mappings of texts"
_SEPARATION = ("mapping {nearest: persona id, features: [{feature, kind (trait | item | category | number | "
               "contact), label: {fr, en}, value, other, effect, share}]}")
SEPARATION_KINDS = ("trait", "item", "category", "number", "contact")
_SEPARATION_NUMBERS = ("value", "other", "effect", "share")

_PERSONA_TYPES: dict[str, str] = {
    "id": _TEXT, "name": _TEXT, "archetype": _OPT_TEXT, "archetype_fit": _OPT_NUMBER, "size": _INT,
    "share": _NUMBER, "stability": _OPT_NUMBER, "traits": _NUM_MAP, "channel_mix": _NUM_MAP,
    "contacts_per_person": _NUMBER, "digital_share": _NUMBER, "avoidable_share": _NUMBER,
    "avoidable_per_year": _NUMBER, "repeat_rate": _NUMBER, "distinguishing": _MAPS,
    "defining_traits": _TEXTS, "prevalence": _INT, "prevalence_share": _NUMBER, "prevalence_sample": _INT,
    "descriptors": _MAP, "not_recomputed": _TEXTS, "representatives": _TEXTS, "centroid": _NUMBERS, "quote": _TEXT, "quote_candidates": _TEXTS,
    "story": _TEXT, "goals": _TEXTS, "frustrations": _TEXTS, "needs": _TEXTS, "levers": _TEXTS,
    "dos": _TEXTS, "donts": _TEXTS, "owner": _TEXT, "journey": _MAPS,
    "notes": _MAPS, "validated": _BOOL, "validations": _TEXT_MAPS, "separation": _SEPARATION,
    "drafted_name": _MAP,
}
_WORKSHOP_TYPES: dict[str, str] = {
    "schema_version": _INT, "title": _TEXT, "personas": _MAPS, "assignments": _MAP, "lang": _TEXT,
    "created": _TEXT, "updated": _TEXT, "revision": _INT, "sources": _MAPS, "codebook": _MAP,
    "settings": _MAP, "k_table": _MAPS, "model": _MAP, "privacy": _MAP, "min_group_size": _INT,
    "history": _MAPS, "redo": _MAPS,
}
_NOTE_TYPES = {"id": _TEXT, "service": _TEXT, "text": _TEXT, "created": _TEXT}
#: A row of a persona's journey: contacts about a topic through a channel (counts, never people).
_JOURNEY_TYPES = {"topic": _TEXT, "channel": _TEXT, "contacts": _INT}
#: The catalogue key of each kind of value (``workshop.kind.<key>``), for refusals in the reader's language.
_KIND_KEYS = {_NUMBER: "number", _OPT_NUMBER: "optional_number", _INT: "whole_number", _TEXT: "text",
              _OPT_TEXT: "optional_text", _BOOL: "boolean", _TEXTS: "texts", _NUMBERS: "numbers",
              _NUM_MAP: "number_map", _MAPS: "mappings", _MAP: "mapping", _TEXT_MAPS: "text_maps",
              _SEPARATION: "separation"}
#: Fields a hand edit could set to a value no workshop can hold: (lowest, highest) allowed.
_BOUNDS: dict[str, tuple[float, float]] = {
    "min_group_size": (1, 10_000), "revision": (0, 2**53), "schema_version": (0, 2**31),
    "size": (0, 2**53), "prevalence": (0, 2**53), "prevalence_sample": (0, 2**53),
    "share": (0.0, 1.0), "prevalence_share": (0.0, 1.0), "stability": (0.0, 1.0),
    "digital_share": (0.0, 1.0), "avoidable_share": (0.0, 1.0),
}

if set(_PERSONA_TYPES) != {f.name for f in fields(Persona)} or set(_WORKSHOP_TYPES) != {
    f.name for f in fields(Workshop)
}:
    raise AssertionError("store validation tables are out of step with personas.model")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check(kind: str, value: Any) -> Any:
    """The value, normalised (ints to floats where numbers are expected), or raise TypeError."""
    if kind == _TEXT and isinstance(value, str):
        return value
    if kind == _OPT_TEXT and (value is None or isinstance(value, str)):
        return value
    if kind == _NUMBER and _is_number(value):
        return float(value)
    if kind == _OPT_NUMBER and (value is None or _is_number(value)):
        return None if value is None else float(value)
    if kind == _INT and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == _BOOL and isinstance(value, bool):
        return value
    if kind == _TEXTS and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if kind == _NUMBERS and isinstance(value, list) and all(_is_number(v) for v in value):
        return [float(v) for v in value]
    if kind == _NUM_MAP and isinstance(value, dict) and all(
        isinstance(k, str) and _is_number(v) for k, v in value.items()
    ):
        return {k: float(v) for k, v in value.items()}
    if kind == _MAPS and isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    if kind == _MAP and isinstance(value, dict):
        return value
    if kind == _SEPARATION and isinstance(value, dict):
        return _separation(value)
    if kind == _TEXT_MAPS and isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, dict) and all(isinstance(a, str) and isinstance(b, str) for a, b in v.items())
        for k, v in value.items()
    ):
        return value
    raise TypeError(kind)


def _separation(value: dict[str, Any]) -> dict[str, Any]:
    """A persona's ``separation`` (empty in files written before it existed), or raise TypeError."""
    if not value:
        return {}
    if set(value) != {"nearest", "features"} or not isinstance(value["nearest"], str) \
            or not isinstance(value["features"], list):
        raise TypeError(_SEPARATION)
    features = []
    for item in value["features"]:
        if not isinstance(item, dict) or set(item) != {"feature", "kind", "label", *_SEPARATION_NUMBERS} \
                or not isinstance(item["feature"], str) or item["kind"] not in SEPARATION_KINDS \
                or not isinstance(item["label"], dict) \
                or not all(isinstance(k, str) and isinstance(v, str) for k, v in item["label"].items()) \
                or not all(_is_number(item[key]) for key in _SEPARATION_NUMBERS):
            raise TypeError(_SEPARATION)
        features.append({**item, **{key: float(item[key]) for key in _SEPARATION_NUMBERS}})
    return {"nearest": value["nearest"], "features": features}


def _check_fields(raw: dict[str, Any], types: dict[str, str], where: str, file: str | None,
                  required: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(str(k) for k in raw if k not in types)
    if unknown:
        raise WorkshopFileError(msg("workshop.unknown_fields", where=where, names=", ".join(unknown), n=len(unknown)),
                                file=file, expected=msg("workshop.expected_fields"))
    for key in required:
        if key not in raw:
            raise WorkshopFileError(msg("workshop.missing_field", where=where, key=key), file=file)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            out[key] = _check(types[key], value)
        except TypeError:
            raise WorkshopFileError(msg("workshop.wrong_type", where=where, key=key), file=file,
                                    expected=msg(f"workshop.kind.{_KIND_KEYS[types[key]]}"), found=_shown(value)) from None
        bounds = _BOUNDS.get(key)
        if bounds is not None and _outside(out[key], bounds):
            raise WorkshopFileError(msg("workshop.out_of_range", where=where, key=key), file=file,
                                    expected=msg("workshop.range", low=bounds[0], high=bounds[1]), found=out[key])
    return out


def _check_journey_row(row: dict[str, Any], where: str, file: str | None) -> dict[str, Any]:
    checked = _check_fields(row, _JOURNEY_TYPES, where, file, tuple(_JOURNEY_TYPES))
    if checked["contacts"] < 0:
        raise WorkshopFileError(msg("workshop.negative_contacts", where=where), file=file,
                                expected=msg("workshop.expected_count"), found=checked["contacts"])
    return checked
def _outside(value: Any, bounds: tuple[float, float]) -> bool:
    """Whether a number lies outside ``bounds`` (by more than rounding: a share computed as a sum of
    weights may come out a hair above 1); None and NaN are for other checks."""
    if not _is_number(value) or value != value:
        return False
    slack = 1e-9 if isinstance(bounds[1], float) else 0
    return not bounds[0] - slack <= value <= bounds[1] + slack


def _shown(value: Any) -> Any:
    """A hand-edited value as a refusal may show it: a short scalar, else only what kind of value it is."""
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, str):
        return value if len(value) <= 40 else value[:40] + "…"
    return msg(f"workshop.kind.{'mapping' if isinstance(value, dict) else 'list' if isinstance(value, list) else 'other'}")


def _check_header(top: dict[str, Any], file: str | None) -> None:
    """What a person may have typed into the file's header: a language the toolkit speaks, dates
    that exist (the header is read back by ``show`` and printed on the documents)."""
    from .i18n import LANGUAGES

    if "lang" in top and top["lang"] not in LANGUAGES:
        raise WorkshopFileError(msg("workshop.unknown_language"), file=file, column="lang",
                                expected=" | ".join(LANGUAGES), found=_shown(top["lang"]))
    for key in ("created", "updated"):
        if top.get(key) and _moment(top[key]) is None:
            raise WorkshopFileError(msg("workshop.bad_date", key=key), file=file, column=key,
                                    expected=msg("workshop.expected_date"), found=_shown(top[key]))


def _moment(text: str) -> datetime | None:
    """The moment an ISO 8601 text names (``2026-11-30T09:00:00Z``), or None when it names none."""
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _joined(problems: list[str]) -> Any:
    """The first problems as one text (each in the reader's language when it is a catalogue message)."""
    return _Problems(problems[:5])


class _Problems(list):
    def localise(self, lang: str) -> str:
        return "; ".join(localise(p, lang) for p in self)


def persona_problems(ws: Workshop) -> list[str]:
    """Fields of the workshop's personas that a workshop file could not hold (wrong types)."""
    problems = []
    for index, persona in enumerate(ws.personas):
        try:
            data = asdict(persona)
            _check_fields(data, _PERSONA_TYPES, f"personas[{index}]", None, ("id", "name"))
            for n_index, note in enumerate(data["notes"]):
                _check_fields(note, _NOTE_TYPES, f"personas[{index}].notes[{n_index}]", None, tuple(_NOTE_TYPES))
            for j_index, row in enumerate(data["journey"]):
                _check_journey_row(row, f"personas[{index}].journey[{j_index}]", None)
        except WorkshopFileError as exc:
            problems.append(exc.message)
        except (TypeError, AttributeError) as exc:
            problems.append(f"personas[{index}]: {exc}")
    return problems


def _validate(data: dict[str, Any], file: str | None) -> Workshop:
    top = _check_fields(data, _WORKSHOP_TYPES, "workshop", file, ("schema_version", "title", "personas", "assignments"))
    _check_header(top, file)
    personas = []
    for index, raw in enumerate(top["personas"]):
        where = f"personas[{index}]"
        persona = _check_fields(raw, _PERSONA_TYPES, where, file, ("id", "name"))
        notes = []
        for n_index, note in enumerate(persona.get("notes") or []):
            notes.append(_check_fields(note, _NOTE_TYPES, f"{where}.notes[{n_index}]", file, tuple(_NOTE_TYPES)))
        persona["notes"] = notes
        persona["journey"] = [_check_journey_row(row, f"{where}.journey[{j_index}]", file)
                              for j_index, row in enumerate(persona.get("journey") or [])]
        if not persona["id"]:
            raise WorkshopFileError(msg("workshop.empty_persona_id", where=where), file=file)
        personas.append(persona)
    top["personas"] = personas
    assignments: dict[str, str] = {}
    for rid, pid in top["assignments"].items():
        if not isinstance(rid, (str, int)) or isinstance(rid, bool) or not isinstance(pid, str):
            raise WorkshopFileError(msg("workshop.bad_assignment"), file=file,
                                    expected=msg("workshop.expected_assignment"), found=f"{_shown(rid)!r}: {_shown(pid)!r}")
        assignments[str(rid)] = pid
    top["assignments"] = assignments
    workshop = Workshop.from_dict(top)
    problems = invariant_problems(workshop)
    if problems:
        raise WorkshopFileError(msg("workshop.inconsistent", problems=_joined(problems)), file=file,
                                expected=msg("workshop.expected_consistent"))
    return workshop


# --------------------------------------------------------------------------------------------
# Files


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(_lock_path(path)), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        with lock:
            yield
    except Timeout:
        raise WorkshopFileError(msg("workshop.locked", seconds=int(LOCK_TIMEOUT_SECONDS)), file=str(path),
                                expected=msg("workshop.expected_other_edit")) from None
    except OSError as exc:  # the lock file cannot be created: a full disk, a read-only folder
        raise unwritable(_lock_path(path), exc, WorkshopFileError) from None


def load_workshop(path: str | Path) -> Workshop:
    """Read and validate a workshop file (no lock needed: saves replace the file atomically)."""
    from workshop_data.yaml_safe import MAX_YAML_BYTES

    path = Path(path)
    raw = read_bytes(path, 4 * MAX_YAML_BYTES, error=WorkshopFileError)  # a regular file, read with a bound
    try:
        text = raw.decode("utf-8-sig")  # a BOM from a Windows editor is not an error
    except UnicodeDecodeError as exc:
        raise WorkshopFileError(msg("workshop.not_utf8"), file=str(path),
                                found=msg("yaml.byte", position=exc.start)) from None
    return parse_workshop(text, file=str(path))


_HEAD_BYTES = 4096
_HEAD_VERSION = re.compile(r"^schema_version: (\d+)$", re.M)
_HEAD_REVISION = re.compile(r"^revision: (\d+)$", re.M)


def _disk_revision(path: Path) -> int:
    """Revision of the file on disk (0 when there is none, -1 when unreadable).

    Read from the file's header when it is one this store wrote (a save must stay fast on a big
    workshop); otherwise by loading it. A newer schema is never overwritten.
    """
    if not path.exists():
        return 0
    try:
        with open_regular(path, error=WorkshopFileError) as (handle, _):
            head = handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except (OSError, WorkshopFileError):
        return -1
    head = head.split("\npersonas:", 1)[0]
    versions, revisions = _HEAD_VERSION.findall(head), _HEAD_REVISION.findall(head)
    if len(versions) == 1 and len(revisions) == 1 and int(versions[0]) == SCHEMA_VERSION:
        return int(revisions[0])
    try:
        return load_workshop(path).revision
    except NewerSchemaError:
        raise
    except WorkshopFileError:
        return -1


def saved_revision(path: str | Path) -> int:
    """The revision of the workshop file on disk, read from its header (cheap enough to poll): 0
    when there is no file, -1 when it does not read."""
    try:
        return _disk_revision(Path(path))
    except WorkshopFileError:
        return -1


def _write_locked(ws: Workshop, path: Path, expected_revision: int | None) -> Workshop:
    on_disk = _disk_revision(path)
    if expected_revision is not None and on_disk != expected_revision:
        found = msg("workshop.unreadable_file") if on_disk < 0 else msg("workshop.revision", revision=str(on_disk))
        raise ConflictError(msg("workshop.changed_since_opened"), file=str(path),
                            expected=msg("workshop.revision", revision=str(expected_revision)), found=found)
    saved = replace(ws, revision=max(ws.revision, on_disk) + 1, updated=now_iso())
    problems = invariant_problems(saved) + persona_problems(saved)
    if problems:
        raise WorkshopFileError(msg("workshop.refused_inconsistent", problems=_joined(problems)), file=str(path))
    text = dump_workshop(saved)
    atomic_write_text(path, text, error=WorkshopFileError)
    return saved


def save_workshop(ws: Workshop, path: str | Path, *, expected_revision: int | None = None) -> Workshop:
    """Save atomically under the file lock; returns the workshop as saved (revision bumped).

    With ``expected_revision``, refuse (:class:`ConflictError`) when the file on disk holds another
    revision: someone saved in between, and overwriting would lose their edit.
    """
    path = Path(path)
    check_target(path, error=WorkshopFileError)  # before the lock file is made next to it
    with _locked(path):
        return _write_locked(ws, path, expected_revision)


def edit_workshop(path: str | Path, operation: Callable[[Workshop], Workshop]) -> Workshop:
    """Lock, load, apply ``operation``, save: concurrent edits all apply, one after the other."""
    path = Path(path)
    check_regular(path, error=WorkshopFileError)  # a missing workshop leaves no lock file behind
    with _locked(path):
        current = load_workshop(path)
        changed = operation(current)
        return _write_locked(changed, path, current.revision)


# --------------------------------------------------------------------------------------------
# Several people at once: an edit made on an outdated view


#: Workshop fields that every saved edit changes: not parts anyone edits.
_BOOKKEEPING = ("personas", "assignments", "history", "redo", "revision", "updated")


def changed_parts(old: Workshop, new: Workshop) -> set[tuple[str, ...]]:
    """What differs between two states of a workshop, part by part.

    Parts: ``(persona id, field)``, ``(persona id, "note", note id)`` for a note edited or removed,
    ``(persona id, "validation", service)``, ``(persona id, "*")`` for a persona added or removed,
    ``("order",)``, ``("assignments",)`` and ``("workshop", field)``. A note added is no part:
    two people adding notes never collide.
    """
    parts: set[tuple[str, ...]] = set()
    before, after = {p.id: p for p in old.personas}, {p.id: p for p in new.personas}
    parts |= {(pid, "*") for pid in set(before) ^ set(after)}
    if list(before) != list(after):
        parts.add(("order",))
    if old.assignments != new.assignments:
        parts.add(("assignments",))
    parts |= {("workshop", f.name) for f in fields(Workshop)
              if f.name not in _BOOKKEEPING and getattr(old, f.name) != getattr(new, f.name)}
    for pid in set(before) & set(after):
        a, b = before[pid], after[pid]
        for f in fields(Persona):
            if f.name == "notes":
                notes = {n.id: n for n in b.notes}
                parts |= {(pid, "note", n.id) for n in a.notes if notes.get(n.id) != n}
            elif f.name == "validations":
                services = set(a.validations) | set(b.validations)
                parts |= {(pid, "validation", s) for s in services if a.validations.get(s) != b.validations.get(s)}
            elif getattr(a, f.name) != getattr(b, f.name):
                parts.add((pid, f.name))
    return parts


def _collide(mine: set[tuple[str, ...]], theirs: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The parts two edits both touch, a persona one of them added or removed counting as all of it."""
    whole = {part[0] for part in mine | theirs if part[1:] == ("*",)}
    return (mine & theirs) | {p for p in mine if p[0] in whole and any(q[0] == p[0] for q in theirs)}


def submit_edit(path: str | Path, edit: "FieldEdit", *, view: Workshop | None = None) -> tuple[Workshop, bool]:
    """Apply one person's field edit to the workshop file as it is now, under the lock; returns the
    workshop as it now is on disk and whether the edit changed it.

    No view is involved: the edit carries the value its author saw, and
    :func:`personas.edits.apply_field_edit` refuses it (:class:`~personas.edits.FieldConflict`)
    when the field no longer holds it. An edit that changes nothing saves nothing. ``view`` (the
    workshop as the caller last loaded or saved it) spares reading the file when it is still the
    revision on disk.
    """
    from .edits import apply_field_edit

    path = Path(path)
    with _locked(path):
        current = view if view is not None and _disk_revision(path) == view.revision else load_workshop(path)
        changed = apply_field_edit(current, edit)
        if changed is current:
            return current, False
        return _write_locked(changed, path, current.revision), True


def edit_from_view(path: str | Path, view: Workshop, operation: Callable[[Workshop], Workshop], *,
                   rebase: bool = True, by: str | None = None) -> Workshop:
    """Save an edit a person made on ``view``, the workshop as they last saw it; returns the saved one.

    When someone saved meanwhile, the edit is made again on the file as it is now if it touches
    none of the parts they changed (a rename by one and a note or another field by the other both
    stay); when it collides, or with ``rebase=False`` (undo and redo act on the shared history),
    :class:`ConflictError` names the parts and nothing is saved.
    """
    from .edits import signed

    def signed_operation(ws: Workshop) -> Workshop:
        return signed(operation(ws), ws, by)

    path = Path(path)
    with _locked(path):
        if _disk_revision(path) == view.revision:
            return _write_locked(signed_operation(view), path, view.revision)
        current = load_workshop(path)
        both = _collide(changed_parts(view, operation(view)), changed_parts(view, current))
        if both or not rebase:
            found = ", ".join(".".join(part) for part in sorted(both)) or msg("workshop.shared_history")
            raise ConflictError(msg("workshop.same_thing_changed"), file=str(path),
                                expected=msg("workshop.revision", revision=view.revision), found=found)
        return _write_locked(signed_operation(current), path, current.revision)

