"""Domain exceptions and warnings shared by every layer.

Each edge (command line, Streamlit) turns a :class:`DataError` into its own message, so the
exception carries the offending values (file, column, rows or line, what was expected) rather than
a pre-formatted sentence that only one edge could use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

_MAX_ROWS_SHOWN = 10


def _format_rows(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in list(rows)[:_MAX_ROWS_SHOWN])
    more = len(rows) - _MAX_ROWS_SHOWN
    return f"{shown} (+{more} more)" if more > 0 else shown


class DataError(Exception):
    """Bad input, refused: what went wrong and where.

    ``rows`` are 1-based data-row numbers as a person counts them in a spreadsheet (the header is
    not counted); ``line`` is a 1-based line of a text file (YAML, CSV as text).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: Sequence[int] | None = None,
        line: int | None = None,
        expected: str | None = None,
        found: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.column = column
        self.rows = list(rows) if rows is not None else None
        self.line = line
        self.expected = expected
        self.found = found

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.rows:
            parts.append(f"row{'s' if len(self.rows) > 1 else ''} {_format_rows(self.rows)}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            details.append(f"found {self.found!r}")
        return f"{text} ({'; '.join(details)})" if details else text


class CodebookError(DataError):
    """The codebook is malformed or does not fit the data."""


class WorkshopFileError(DataError):
    """A workshop file cannot be loaded or saved safely."""


class ConflictError(DataError):
    """Someone else saved the workshop since it was loaded: the edit was not applied."""


@dataclass
class DataWarning:
    """A soft problem: reading went on, but a person should know."""

    message: str
    file: str | None = None
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    count: int | None = None

    def __str__(self) -> str:
        err = DataError(self.message, file=self.file, column=self.column, rows=self.rows or None)
        return str(err)
