"""The codebook: what each survey column means, and how to read the contact log.

The codebook is the one place where people tell the toolkit about their data. It is a YAML file
(see DESIGN.md) that ``persona-workshop codebook`` drafts and people correct. Validation happens
here, once; the rest of the toolkit trusts a :class:`Codebook`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from .demographics import ROLES, default_role
from .errors import CodebookError
from .ids import ID_TYPES
from .messages import msg
from .timestamps import parse_period

COLUMN_TYPES = ("likert", "numeric", "categorical", "boolean", "text", "pii", "ignore")
DIMENSIONS = ("digital_skill", "online_use", "awareness", "trust", "human_contact", "autonomy", "access")
CHANNELS = ("phone", "counter", "email", "web", "mail", "chat", "social", "other")
DIGITAL_CHANNELS = ("email", "web", "chat")
MEASURE_TYPES = ("likert", "numeric", "boolean")  # the column types a trait dimension can rest on
_DIMENSION_NAME = re.compile(r"^\w[\w-]{0,59}$")


@dataclass
class ColumnSpec:
    """One survey column. ``levels`` (ordered labels) or ``scale`` (min, max) for Likert items.

    ``role`` is ``basis`` (drives the clusters) or ``descriptor`` (profiled per persona only). Left
    out, it is worked out from the header and label: demographics are descriptors (see
    :mod:`workshop_data.demographics`); after construction it is always one of the two. ``why``
    ({fr, en}) is the reason the draft gave for the type and role, for people to check; the
    toolkit never reads it back. ``missing`` lists the codes the survey tool wrote for "no answer"
    (``[-99, 99]``: numbers, or labels such as ``"NSP"``): intake reads them as skipped answers,
    never as values on the scale.
    """

    name: str
    type: str
    levels: list[str] | None = None
    scale: tuple[float, float] | None = None
    reverse: bool = False
    dimension: str | None = None
    label: dict[str, str] = field(default_factory=dict)
    role: str | None = None
    why: dict[str, str] = field(default_factory=dict)
    missing: list[float | str] | None = None

    def __post_init__(self) -> None:
        if self.role is None:
            self.role = default_role(self.name, self.label, self.levels)

    @property
    def is_descriptor(self) -> bool:
        return self.role == "descriptor"

    @property
    def n_levels(self) -> int | None:
        if self.levels:
            return len(self.levels)
        if self.scale:
            return int(self.scale[1] - self.scale[0]) + 1
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.levels is not None:
            out["levels"] = list(self.levels)
        if self.scale is not None:
            out["scale"] = [_plain_number(v) for v in self.scale]
        if self.missing:
            out["missing"] = [v if isinstance(v, str) else _plain_number(v) for v in self.missing]
        if self.reverse:
            out["reverse"] = True
        if self.dimension:
            out["dimension"] = self.dimension
        out["role"] = self.role
        if self.label:
            out["label"] = dict(self.label)
        if self.why:
            out["why"] = dict(self.why)
        return out


@dataclass
class DimensionSpec:
    """A trait dimension the codebook declares: its words, its items and their reliability.

    ``alpha`` is Cronbach's alpha of the items as drafted (reversed where declared); a figure for
    people to judge the scale by, not something the toolkit recomputes on load.
    """

    name: str
    label: dict[str, str] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    alpha: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.label:
            out["label"] = dict(self.label)
        out["items"] = list(self.items)
        if self.alpha is not None:
            out["alpha"] = round(float(self.alpha), 2)
        return out


@dataclass
class ContactMapping:
    """How to read a contact log: its column names and how its channel values map to ours."""

    respondent_id: str
    timestamp: str
    channel: str
    topic: str | None = None
    online_available: str | None = None
    channels: dict[str, str] = field(default_factory=dict)
    #: (first day, last day) as ISO dates: contacts outside are left out and counted (a default
    #: window applies without it; see :mod:`workshop_data.timestamps`).
    period: tuple[str, str] | None = None

    def canonical_channel(self, value: str) -> str:
        return self.channels.get(value, value if value in CHANNELS else "other")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "respondent_id": self.respondent_id,
            "timestamp": self.timestamp,
            "channel": self.channel,
        }
        if self.topic:
            out["topic"] = self.topic
        if self.online_available:
            out["online_available"] = self.online_available
        out["channels"] = dict(self.channels)
        if self.period is not None:
            out["period"] = list(self.period)
        return out


@dataclass
class Codebook:
    respondent_id: str
    columns: dict[str, ColumnSpec]
    weight: str | None = None
    contacts: ContactMapping | None = None
    dimensions: dict[str, DimensionSpec] = field(default_factory=dict)
    #: Why the draft chose its ``respondent_id`` and ``weight`` columns ({fr, en} under each key).
    why: dict[str, dict[str, str]] = field(default_factory=dict)
    #: "text" (default) or "number": with "number", 0017, +17 and 17 are one respondent (workshop_data.ids)
    id_type: str = "text"

    def of_type(self, *types: str) -> list[ColumnSpec]:
        return [c for c in self.columns.values() if c.type in types]

    def by_dimension(self) -> dict[str, list[ColumnSpec]]:
        """The basis items of each trait dimension (descriptors never make a trait)."""
        out: dict[str, list[ColumnSpec]] = {}
        for spec in self.columns.values():
            if spec.dimension and spec.type in MEASURE_TYPES and not spec.is_descriptor:
                out.setdefault(spec.dimension, []).append(spec)
        return out

    def descriptors(self) -> list[ColumnSpec]:
        """Columns profiled per persona but kept out of the clustering."""
        return [c for c in self.columns.values() if c.is_descriptor and c.type not in ("pii", "ignore", "text")]

    def dimension_label(self, name: str) -> dict[str, str] | None:
        """The words the codebook gives a dimension (``dimensions:`` block), None when it gives none."""
        spec = self.dimensions.get(name)
        return dict(spec.label) if spec is not None and spec.label else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"respondent_id": self.respondent_id}
        if self.id_type != "text":
            out["id_type"] = self.id_type
        if self.weight:
            out["weight"] = self.weight
        if self.why:
            out["why"] = {key: dict(text) for key, text in self.why.items()}
        out["columns"] = {name: spec.to_dict() for name, spec in self.columns.items()}
        if self.dimensions:
            out["dimensions"] = {name: spec.to_dict() for name, spec in self.dimensions.items()}
        if self.contacts is not None:
            out["contacts"] = self.contacts.to_dict()
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)

    @classmethod
    def from_dict(cls, data: Any, *, file: str | None = None) -> "Codebook":
        return _parse_codebook(data, file)

    def check_columns(self, available: Iterable[str], *, file: str | None = None) -> None:
        """Refuse a codebook that names columns the survey does not have."""
        present = set(available)
        wanted = [self.respondent_id, *(c for c in [self.weight] if c), *self.columns]
        missing = [c for c in wanted if c not in present]
        if missing:
            raise CodebookError(
                msg("codebook.absent_columns", n=len(missing), names=", ".join(missing[:10])),
                file=file,
                column=missing[0],
                expected=msg("codebook.expected_column"),
            )


def follow_column_dimensions(data: dict[str, Any]) -> dict[str, Any]:
    """A codebook mapping whose ``dimensions:`` block lists the items its columns now name.

    A table of columns (the app's codebook editor) changes each column's ``dimension``; the block
    then follows: its labels stay, its items are the columns that say the dimension, and an alpha
    stays only while the items it was computed on are unchanged.
    """
    columns = data.get("columns") if isinstance(data.get("columns"), dict) else {}
    block = data.get("dimensions")
    if not isinstance(block, dict):
        return data
    dimensions: dict[str, Any] = {}
    for name, body in block.items():
        body = body if isinstance(body, dict) else {}
        items = [c for c, spec in columns.items() if isinstance(spec, dict) and spec.get("dimension") == name]
        kept: dict[str, Any] = {k: v for k, v in body.items() if k == "label"}
        kept["items"] = items
        if body.get("alpha") is not None and items == list(body.get("items") or []):
            kept["alpha"] = body["alpha"]
        dimensions[name] = kept
    return {**data, "dimensions": dimensions}


def load_codebook(path: str | Path) -> Codebook:
    from .yaml_safe import read_yaml_file

    return Codebook.from_dict(read_yaml_file(path, error=CodebookError), file=str(path))


def save_codebook(codebook: Codebook, path: str | Path) -> None:
    from .files import atomic_write_text

    atomic_write_text(Path(path), codebook.to_yaml())


def _plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _parse_codebook(data: Any, file: str | None) -> Codebook:
    def fail(message: str, **kw: Any) -> CodebookError:
        return CodebookError(message, file=file, **kw)

    if not isinstance(data, dict):
        raise fail(msg("codebook.not_mapping"), found=type(data).__name__)
    rid = data.get("respondent_id")
    if not isinstance(rid, str) or not rid:
        raise fail(msg("codebook.no_id"), expected=msg("codebook.expected_id"))
    weight = data.get("weight")
    if weight is not None and not isinstance(weight, str):
        raise fail(msg("codebook.bad_weight"), found=weight)
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise fail(msg("codebook.no_columns"), expected=msg("codebook.expected_columns"))
    columns: dict[str, ColumnSpec] = {}
    for name, raw in raw_columns.items():
        columns[str(name)] = _parse_column(str(name), raw, fail)
    contacts = _parse_contacts(data["contacts"], fail) if data.get("contacts") is not None else None
    dimensions = _parse_dimensions(data.get("dimensions"), columns, fail)
    why = data.get("why") or {}
    if not isinstance(why, dict) or not set(why) <= {"respondent_id", "weight"}:
        raise fail(msg("codebook.bad_why"), column="why", expected="respondent_id, weight", found=why)
    why = {str(key): _parse_label(text, fail, column=f"why.{key}") for key, text in why.items()}
    id_type = data.get("id_type", "text")
    if id_type not in ID_TYPES:
        raise fail(msg("codebook.bad_id_type"), column="id_type", expected=" | ".join(ID_TYPES), found=id_type)
    return Codebook(respondent_id=rid, columns=columns, weight=weight, contacts=contacts, dimensions=dimensions,
                    why=why, id_type=id_type)


def _parse_column(name: str, raw: Any, fail: Any) -> ColumnSpec:
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict):
        raise fail(msg("codebook.bad_column"), column=name, found=raw)
    ctype = raw.get("type")
    if ctype not in COLUMN_TYPES:
        raise fail(msg("codebook.unknown_type"), column=name, expected=" | ".join(COLUMN_TYPES), found=ctype)
    levels = raw.get("levels")
    scale = raw.get("scale")
    if levels is not None:
        if not isinstance(levels, list) or len(levels) < 2:
            raise fail(msg("codebook.bad_levels"), column=name, found=levels)
        levels = [str(v) for v in levels]
        if len(set(levels)) != len(levels):
            raise fail(msg("codebook.repeated_levels"), column=name, found=levels)
    if scale is not None:
        if (
            not isinstance(scale, (list, tuple))
            or len(scale) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in scale)
            or scale[0] >= scale[1]
        ):
            raise fail(msg("codebook.bad_scale"), column=name, found=scale)
        scale = (float(scale[0]), float(scale[1]))
    if ctype == "likert" and levels is None and scale is None:
        raise fail(msg("codebook.likert_unscaled"), column=name, expected="levels: [...] | scale: [1, 5]")
    missing = _parse_missing(raw.get("missing"), ctype, name, fail)
    dimension = raw.get("dimension")
    if dimension is not None and not _is_dimension_name(dimension):
        raise fail(msg("codebook.bad_dimension_name"), column=name,
                   expected=msg("codebook.expected_dimension", names=" | ".join(DIMENSIONS)), found=dimension)
    label = _parse_label(raw.get("label"), fail, column=name)
    reverse = raw.get("reverse", False)
    if not isinstance(reverse, bool):
        raise fail(msg("codebook.bad_reverse"), column=name, found=reverse)
    role = raw.get("role")
    if role is not None and role not in ROLES:
        raise fail(msg("codebook.unknown_role"), column=name, expected=" | ".join(ROLES), found=role)
    return ColumnSpec(
        name=name,
        type=ctype,
        levels=levels,
        scale=scale,
        reverse=reverse,
        dimension=dimension,
        label=label,
        role=role,
        why=_parse_label(raw.get("why"), fail, column=name),
        missing=missing,
    )


MISSING_CODE_TYPES = ("likert", "numeric", "categorical", "boolean")  # the types whose answers can be a code


def _parse_missing(raw: Any, ctype: str, name: str, fail: Any) -> list[float | str] | None:
    """A column's ``missing`` codes: a non-empty list of numbers or labels, on a column of answers."""
    if raw is None:
        return None
    codes = raw if isinstance(raw, list) else None
    if (not codes or ctype not in MISSING_CODE_TYPES
            or not all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in codes)
            or any(isinstance(v, float) and not math.isfinite(v) for v in codes)):
        raise fail(msg("codebook.bad_missing"), column=name, expected=msg("codebook.expected_missing"), found=raw)
    return [v if isinstance(v, str) else float(v) for v in codes]


def _is_dimension_name(value: Any) -> bool:
    return isinstance(value, str) and bool(_DIMENSION_NAME.match(value))


def _parse_label(raw: Any, fail: Any, **where: Any) -> dict[str, str]:
    label = raw or {}
    if isinstance(label, str):
        label = {"fr": label, "en": label}
    if not isinstance(label, dict):
        raise fail(msg("codebook.bad_label"), found=label, **where)
    return {str(k): str(v) for k, v in label.items()}


def _parse_dimensions(raw: Any, columns: dict[str, ColumnSpec], fail: Any) -> dict[str, DimensionSpec]:
    """The ``dimensions:`` block; its items take the dimension's name when their column gives none."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail(msg("codebook.bad_dimensions"), found=raw)
    out: dict[str, DimensionSpec] = {}
    for name, body in raw.items():
        if not _is_dimension_name(name):
            raise fail(msg("codebook.bad_dimension_name"), column="dimensions",
                       found=name)
        out[name] = _parse_dimension(name, body if body is not None else {}, columns, fail)
    return out


def _parse_dimension(name: str, body: Any, columns: dict[str, ColumnSpec], fail: Any) -> DimensionSpec:
    where = f"dimensions.{name}"
    if not isinstance(body, dict):
        raise fail(msg("codebook.bad_dimension"), column=where, found=body)
    items = body.get("items") or []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items) or len(set(items)) != len(items):
        raise fail(msg("codebook.bad_items"), column=where, found=items)
    for item in items:
        spec = columns.get(item)
        if spec is None:
            raise fail(msg("codebook.item_not_a_column", dimension=name), column=item,
                       expected=msg("codebook.expected_declared_column"))
        if spec.type not in MEASURE_TYPES:
            raise fail(msg("codebook.item_not_measured", dimension=name, type=spec.type), column=item,
                       expected=" | ".join(MEASURE_TYPES))
        if spec.dimension not in (None, name):
            raise fail(msg("codebook.two_dimensions", column_says=spec.dimension, block_says=name),
                       column=item, expected=msg("codebook.expected_one_dimension"))
        spec.dimension = name
    alpha = body.get("alpha")
    if alpha is not None and (
        not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or not math.isfinite(alpha) or alpha > 1
    ):
        raise fail(msg("codebook.bad_alpha"), column=where, found=alpha)
    return DimensionSpec(
        name=name,
        label=_parse_label(body.get("label"), fail, column=where),
        items=list(items),
        alpha=None if alpha is None else float(alpha),
    )


def _parse_contacts(raw: Any, fail: Any) -> ContactMapping:
    if not isinstance(raw, dict):
        raise fail(msg("codebook.bad_contacts"), column="contacts", found=raw)
    for key in ("respondent_id", "timestamp", "channel"):
        if not isinstance(raw.get(key), str) or not raw.get(key):
            raise fail(msg("codebook.contacts_missing", key=key), expected=msg("codebook.expected_log_column"))
    for key in ("topic", "online_available"):
        if raw.get(key) is not None and (not isinstance(raw[key], str) or not raw[key]):
            raise fail(msg("codebook.contacts_not_a_name", key=key), expected=msg("codebook.expected_log_column"),
                       found=raw[key])
    channels = raw.get("channels") or {}
    if not isinstance(channels, dict):
        raise fail(msg("codebook.bad_channels"), found=channels)
    bad = {str(k): v for k, v in channels.items() if v not in CHANNELS}
    if bad:
        raise fail(msg("codebook.unknown_channel"), expected=" | ".join(CHANNELS), found=bad)
    return ContactMapping(
        respondent_id=raw["respondent_id"],
        timestamp=raw["timestamp"],
        channel=raw["channel"],
        topic=raw.get("topic"),
        online_available=raw.get("online_available"),
        channels={str(k): str(v) for k, v in channels.items()},
        period=parse_period(raw.get("period"), fail),
    )
