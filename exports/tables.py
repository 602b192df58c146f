"""Workshop -> CSV of the assignments (respondent_id, persona_id, persona_name, archetype).

UTF-8 with a byte-order mark: Excel then opens accented names (« Léa », œ) correctly, and pandas,
LibreOffice and Python's ``utf-8-sig`` read it as plain UTF-8. The header is exactly the contract of
DESIGN.md (comma-separated). A persona name that starts like a formula (= + - @) is prefixed with
an apostrophe so that a spreadsheet shows it as text instead of running it.
"""
from __future__ import annotations

import csv
import io

from personas.model import Workshop

HEADER = ("respondent_id", "persona_id", "persona_name", "archetype")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def render_csv(ws: Workshop) -> bytes:
    """One row per respondent, in the workshop's order; archetype empty when none matched."""
    personas = {p.id: p for p in ws.personas}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for respondent, persona_id in ws.assignments.items():
        persona = personas.get(persona_id)
        writer.writerow([
            _cell(str(respondent)),
            _cell(str(persona_id)),
            _cell(persona.name) if persona else "",
            (persona.archetype or "") if persona else "",
        ])
    return buffer.getvalue().encode("utf-8-sig")
