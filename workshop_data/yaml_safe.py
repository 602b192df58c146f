"""Loading YAML that may be hostile: safe loader, no aliases expansion bombs, bounded size and depth."""
from __future__ import annotations

from typing import Any

import yaml

from .errors import DataError

MAX_YAML_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 100


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting and alias bombs before building any object."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D401 - yaml hook
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError("too many aliases (a YAML alias bomb?)")
        depth = getattr(self, "_depth", 0)
        if depth > MAX_DEPTH:
            raise yaml.YAMLError(f"nesting deeper than {MAX_DEPTH} levels")
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth


def safe_load_text(text: str, *, file: str | None = None, error: type[DataError] = DataError) -> Any:
    """Parse YAML text into plain Python data or raise ``error`` saying where it broke."""
    if len(text) > MAX_YAML_BYTES:
        raise error("file too large for a YAML document", file=file, expected=f"at most {MAX_YAML_BYTES} bytes")
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise error(f"not valid YAML: {exc.problem or exc}", file=file, line=line) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise error(f"not valid YAML: {exc}", file=file) from None
