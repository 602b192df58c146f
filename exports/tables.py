"""Workshop -> CSV of the assignments (respondent_id, persona_id, persona_name, archetype, archetype_label).

UTF-8 with a byte-order mark: Excel then opens accented names (« Léa », œ) correctly, and pandas,
LibreOffice and Python's ``utf-8-sig`` read it as plain UTF-8. The header is exactly the contract of
DESIGN.md (comma-separated): ``archetype`` is the id (``agile``), the same in every language, and
``archetype_label`` its name in the workshop's language (from its typology when it names it). A
cell that starts like a formula (= + - @) is prefixed with an apostrophe so that a spreadsheet
shows it as text instead of running it.
"""
from __future__ import annotations

import csv
import io

from personas.model import Workshop

from .view import archetype_names

HEADER = ("respondent_id", "persona_id", "persona_name", "archetype", "archetype_label")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def render_csv(ws: Workshop) -> bytes:
    """One row per respondent, in the workshop's order; archetype and label empty when none matched."""
    personas = {p.id: p for p in ws.personas}
    names = archetype_names(ws.lang if ws.lang in ("fr", "en") else "fr", ws)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for respondent, persona_id in ws.assignments.items():
        persona = personas.get(persona_id)
        archetype = (persona.archetype or "") if persona else ""
        writer.writerow([
            _cell(str(respondent)),
            _cell(str(persona_id)),
            _cell(persona.name) if persona else "",
            archetype,
            _cell(names.get(archetype, archetype)) if archetype else "",
        ])
    return buffer.getvalue().encode("utf-8-sig")
