"""Workshop -> CSV of the assignments (respondent_id, persona_id, persona_name, archetype, archetype_label).

UTF-8 with a byte-order mark: Excel then opens accented names (« Léa », œ) correctly, and pandas,
LibreOffice and Python's ``utf-8-sig`` read it as plain UTF-8. The columns are the contract of
DESIGN.md: ``archetype`` is the id (``agile``), the same in every language, ``archetype_label`` its
name and ``persona_name`` the persona's in the document's language (a drafted name is drafted
again, a typed one kept). The header is the contract's keys unless words are asked for
(``headers="words"``, in the document's language).

The separator is the one the reader's spreadsheet splits on when the file is double-clicked: a
semicolon in French (Excel in French takes the comma as the decimal mark and puts a
comma-separated file in one column), a comma in English; ``sep`` chooses. A cell that starts like
a formula (= + - @) is prefixed with an apostrophe so that a spreadsheet shows it as text instead
of running it.
"""
from __future__ import annotations

import csv
import io

from personas.model import Workshop
from workshop_data.errors import DataError
from workshop_data.messages import msg

from .formatting import archetype_names, printable_workshop, translator

HEADER = ("respondent_id", "persona_id", "persona_name", "archetype", "archetype_label")
CSV_SEPARATORS = {",": ",", ";": ";", "tab": "\t"}
CSV_HEADERS = ("keys", "words")
DEFAULT_SEPARATOR = {"fr": ";", "en": ","}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def render_csv(ws: Workshop, *, lang: str | None = None, sep: str | None = None, headers: str = "keys") -> bytes:
    """One row per respondent, in the workshop's order; archetype and label empty when none matched.

    ``lang``: the document's language (default the workshop's); ``sep``: ``,``, ``;`` or ``tab``
    (default: ``;`` in French, ``,`` in English); ``headers``: ``keys`` (the contract) or ``words``.
    """
    from .language import drafted_name

    ws = printable_workshop(ws)
    t = translator(lang or ws.lang)
    lang = t.lang
    if sep is not None and sep not in CSV_SEPARATORS:
        raise DataError(msg("export.unknown_separator"), column="sep", found=sep, expected=" | ".join(CSV_SEPARATORS))
    if headers not in CSV_HEADERS:
        raise DataError(msg("export.unknown_headers"), column="headers", found=headers, expected=" | ".join(CSV_HEADERS))
    delimiter = CSV_SEPARATORS[sep] if sep is not None else DEFAULT_SEPARATOR[lang]
    personas = {p.id: p for p in ws.personas}
    names = {p.id: (drafted_name(ws, p, lang) if lang != ws.lang else None) or p.name for p in ws.personas}
    labels = archetype_names(lang, ws)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([t(f"csv.{key}") for key in HEADER] if headers == "words" else HEADER)
    for respondent, persona_id in ws.assignments.items():
        persona = personas.get(persona_id)
        archetype = (persona.archetype or "") if persona else ""
        writer.writerow([
            _cell(str(respondent)),
            _cell(str(persona_id)),
            _cell(names[persona_id]) if persona else "",
            archetype,
            _cell(labels.get(archetype, archetype)) if archetype else "",
        ])
    return buffer.getvalue().encode("utf-8-sig")
