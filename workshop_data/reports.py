"""Reports that intake hands back with the data: what privacy scrubbing removed, data quality."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import DataWarning


@dataclass
class PrivacyReport:
    """What was removed before anything else happened, and why (shown to people, stored in the workshop)."""

    removed_columns: list[dict[str, str]] = field(default_factory=list)  # {"column", "reason"}
    scrubbed: dict[str, int] = field(default_factory=dict)  # kind (email, phone, id_number, name, ...) -> count

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class QualityReport:
    """Soft problems found while reading: shown to people, never silently dropped."""

    warnings: list[DataWarning] = field(default_factory=list)
    made_missing: dict[str, int] = field(default_factory=dict)  # lenient reading: column -> values made missing
    skipped: dict[str, int] = field(default_factory=dict)       # column -> unanswered

    def to_dict(self) -> dict[str, Any]:
        return {
            "warnings": [str(w) for w in self.warnings],
            "made_missing": dict(self.made_missing),
            "skipped": dict(self.skipped),
        }
