"""Domain exceptions and warnings shared by every layer.

Each edge (command line, Streamlit) turns a :class:`DataError` into its own message, so the
exception carries the offending values (file, column, rows or line, what was expected) rather than
a pre-formatted sentence that only one edge could use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from .messages import Text, localise, msg

_MAX_ROWS_SHOWN = 10


def _format_rows(rows: Sequence[int], lang: str) -> str:
    shown = ", ".join(str(r) for r in list(rows)[:_MAX_ROWS_SHOWN])
    more = len(rows) - _MAX_ROWS_SHOWN
    return msg("where.more", rows=shown, n=more).localise(lang) if more > 0 else shown


def _found(value: Any, lang: str) -> str:
    return value.localise(lang) if isinstance(value, Text) else repr(value)


def located(
    message: Any, lang: str, *, file: str | None = None, line: int | None = None, column: str | None = None,
    rows: Sequence[int] | None = None, expected: Any = None, found: Any = None,
) -> str:
    """``file, line, column, rows: message (expected …; found …)`` in ``lang``: one sentence to act on."""
    parts = []
    if file:
        parts.append(str(file))
    if line is not None:
        parts.append(msg("where.line", line=str(line)).localise(lang))
    if column is not None:
        parts.append(msg("where.column", column=column).localise(lang))
    if rows:
        parts.append(msg("where.rows", rows=_format_rows(rows, lang), n=len(rows)).localise(lang))
    text = localise(message, lang)
    if parts:
        text = msg("where.at", where=", ".join(parts), message=text).localise(lang)
    details = []
    if expected is not None:
        details.append(msg("where.expected", expected=expected).localise(lang))
    if found is not None:
        details.append(msg("where.found", found=_found(found, lang)).localise(lang))
    if details:
        text = msg("where.details", message=text, details=msg("where.separator").localise(lang).join(details))
        text = text.localise(lang)
    return text


class DataError(Exception):
    """Bad input, refused: what went wrong and where.

    ``rows`` are 1-based data-row numbers as a person counts them in a spreadsheet (the header is
    not counted); ``line`` is a 1-based line of a text file (YAML, CSV as text). ``message``,
    ``expected`` and ``found`` may be :class:`~workshop_data.messages.Text` (a key and its
    parameters): ``str(error)`` is English, ``error.localise("fr")`` French.
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

    @property
    def key(self) -> str | None:
        """The catalogue key of the message (None for a message written as plain English)."""
        return getattr(self.message, "key", None)

    def localise(self, lang: str) -> str:
        return located(self.message, lang, file=self.file, line=self.line, column=self.column, rows=self.rows,
                       expected=self.expected, found=self.found)

    def __str__(self) -> str:
        return self.localise("en")


def too_many_columns(count: int, limit: int, name: str, line: int | None = None) -> DataError:
    """A table wider than the readers accept (every reader refuses it in the same words)."""
    return DataError(msg("file.too_many_columns", count=count), file=name, line=line,
                     expected=msg("file.at_most_columns", limit=limit))


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

    @property
    def key(self) -> str | None:
        return getattr(self.message, "key", None)

    def localise(self, lang: str) -> str:
        return located(self.message, lang, file=self.file, column=self.column, rows=self.rows or None)

    def __str__(self) -> str:
        return self.localise("en")
