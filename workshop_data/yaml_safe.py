"""Loading YAML that may be hostile: plain data only, bounded size, depth and alias expansion.

Codebooks and workshop files come from other people's machines. The safe loader already refuses
Python tags, but YAML has other ways to hurt: an alias bomb ("billion laughs") expands a few
kilobytes into billions of nodes once a caller walks the data; a recursive alias (``&a [*a]``)
makes every walk endless; deep nesting overflows the C parser's stack; a huge flat document costs
about 0.5 kB of memory per node while it is being built.

So a document is first streamed as parser events (cheap, constant memory) and measured: nodes as
a caller would see them with every alias expanded, nesting depth (aliases included), alias count,
recursive aliases. Only a document within the bounds is then built, by a loader that makes plain
data only: mappings, lists, text, numbers, booleans, null. Timestamps stay text; ``!!binary``,
``!!set``, ``!!omap``, ``!!pairs`` and every non-standard tag are refused.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DataError
from .files import read_bytes
from .messages import Text, msg

MAX_YAML_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 10_000
#: Nodes with every alias expanded: a workshop of about 900,000 respondents fits.
MAX_NODES = 2_000_000

_FAST = getattr(yaml, "CSafeLoader", None)
_BaseLoader: type = _FAST if _FAST is not None else yaml.SafeLoader
_OPEN = object()


class _PlainLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader restricted to plain data (JSON types); timestamps are kept as written."""


_PlainLoader.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)


def _as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


def _refuse_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise _Refused(msg("yaml.tag_refused", tag=node.tag), node.start_mark.line + 1 if node.start_mark else None)


_PlainLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
for _tag in ("binary", "set", "omap", "pairs"):
    _PlainLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
_PlainLoader.add_constructor(None, _refuse_tag)


class _Refused(Exception):
    def __init__(self, message: Text, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _line(event: yaml.Event) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _measure(text: str) -> None:
    """Stream the events and refuse a document whose expanded form would be too big or too deep.

    ``stack`` holds, for each open collection: its anchor, its expanded node count so far and the
    height of its tallest child. ``anchors`` maps each finished anchor to (nodes, height), or to
    ``_OPEN`` while its collection is still open (an alias to it would be recursive).
    """
    stack: list[list[Any]] = []
    anchors: dict[str, Any] = {}
    aliases = 0

    def add(nodes: int, height: int, event: yaml.Event) -> None:
        if not stack:
            return
        top = stack[-1]
        top[1] += nodes
        top[2] = max(top[2], height)
        if top[1] > MAX_NODES:
            raise _Refused(msg("yaml.too_many_values", limit=MAX_NODES), _line(event))
        if len(stack) + height > MAX_DEPTH:
            raise _Refused(msg("yaml.too_deep", limit=MAX_DEPTH), _line(event))

    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                anchors[event.anchor] = (1, 0)
            add(1, 0, event)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise _Refused(msg("yaml.too_deep", limit=MAX_DEPTH), _line(event))
            if event.anchor is not None:
                anchors[event.anchor] = _OPEN
            stack.append([event.anchor, 1, 0])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, nodes, height = stack.pop()
            if anchor is not None:
                anchors[anchor] = (nodes, height + 1)
            add(nodes, height + 1, event)
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _Refused(msg("yaml.too_many_aliases", limit=MAX_ALIASES), _line(event))
            target = anchors.get(event.anchor)
            if target is _OPEN:
                raise _Refused(msg("yaml.recursive_alias", alias=event.anchor), _line(event))
            if target is None:
                raise _Refused(msg("yaml.unknown_alias", alias=event.anchor), _line(event))
            add(target[0], target[1], event)
        elif isinstance(event, yaml.DocumentEndEvent):
            anchors.clear()


def safe_load_text(text: str, *, file: str | None = None, error: type[DataError] = DataError) -> Any:
    """Parse YAML text into plain Python data or raise ``error`` saying where it broke."""
    if len(text) > MAX_YAML_BYTES:
        raise error(msg("yaml.too_large"), file=file, expected=msg("yaml.at_most_characters", limit=MAX_YAML_BYTES),
                    found=msg("yaml.characters", n=len(text)))
    try:
        _measure(text)
        return yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - a restricted SafeLoader
    except _Refused as exc:
        raise error(msg("yaml.refused", reason=exc.message), file=file, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise error(msg("yaml.invalid", reason=str(exc.problem or exc.context or exc)), file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise error(msg("yaml.invalid", reason=str(exc)), file=file) from None
    except (ValueError, OverflowError, TypeError, RecursionError) as exc:
        # e.g. an integer of more than 4,300 digits, or a value the constructors cannot build
        raise error(msg("yaml.invalid", reason=msg("yaml.unbuildable_value", detail=str(exc).split(";")[0][:200])), file=file) from None


def read_yaml_file(path: str | Path, *, error: type[DataError] = DataError) -> Any:
    """Read and parse a YAML file: a regular file only, and no more of it than a document may hold."""
    path = Path(path)
    raw = read_bytes(path, MAX_YAML_BYTES * 4, error=error)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(msg("yaml.not_utf8"), file=str(path), found=msg("yaml.byte", position=exc.start)) from None
    return safe_load_text(text, file=str(path), error=error)
