"""A persona's traits on the sheet: one meter per trait it has, named in the document's language.

The names come from :mod:`personas.traits` (catalogue, codebook, encoder, else the name made
readable), the same words the drafted texts use. The printed sheet keeps its figures column to one
page: when a persona has more traits than the column holds, the least marked ones are left out,
counted in a visible "+n more".
"""
from __future__ import annotations

import math
from typing import Any

from personas.i18n import Translator
from personas.model import Persona, Workshop
from personas.traits import trait_names as persona_trait_names
from workshop_data.codebook import DIMENSIONS

from .formatting import fmt_int

MIN_METERS = 4
# The figures column of the A4 sheet (sheet.css), in mm at the 9.5 pt tier; fonts scale with the
# tier, margins do not. Checked on rendered pages (tests, pdftoppm) with thirteen traits.
BODY_MM = 235.0           # from the end of a usual header to the bottom margin
COLUMN_CHARS = 40          # characters a 0.92 em line of the 68 mm column holds at 9.5 pt
LINE_MM = 4.0              # one 0.92 em line at 9.5 pt
TEXT_LINE_MM = 4.36        # one 1 em line at 9.5 pt
HEADING_MM = (4.4, 4.05)   # h3: margins, and its line at 9.5 pt
METER_MM = 4.45            # bar, its value beside it and the gap under it
CHANNEL_MM = (3.4, 3.7)    # bar and gap, and the label's line at 9.5 pt
EVIDENCE_MM = 4.0          # the evidence box's margin, padding and border, less its heading's margin


def trait_names(ws: Workshop, lang: str, t: Translator) -> dict[str, str]:
    """Trait name -> its words in ``lang``, for every trait some persona of ``ws`` has
    (:func:`personas.traits.trait_names`, the same words the drafted texts use)."""
    return persona_trait_names(ws, lang, t)


def level_key(score: float) -> str:
    for bound, key in ((20, "very_low"), (40, "low"), (60, "fair"), (80, "high")):
        if score < bound:
            return f"level.{key}"
    return "level.very_high"


def trait_meters(persona: Persona, lang: str, t: Translator, names: dict[str, str]) -> list[dict[str, Any]]:
    """One meter per trait the persona has: the built-in dimensions first, then the codebook's own."""
    order = [*DIMENSIONS, *(d for d in persona.traits if d not in DIMENSIONS)]
    meters = []
    for dim in order:
        score = persona.traits.get(dim)
        if score is None or not math.isfinite(float(score)):
            continue
        value = max(0.0, min(100.0, float(score)))
        level = t(level_key(value))
        label = names.get(dim) or str(dim)
        meters.append({"key": dim, "label": label,
                       "value": value, "value_text": fmt_int(value, lang), "level": level,
                       "aria": t("sheet.meter_value", value=fmt_int(value, lang), level=level)})
    return meters


def defining_words(persona: Persona, t: Translator, names: dict[str, str], limit: int | None) -> list[str]:
    """The defining traits in words ("Aisance numérique : faible"); an item's category as it is."""
    out = []
    for item in persona.defining_traits[:limit]:
        dim, sep, level = str(item).partition(":")
        if not sep:
            dim, sep, level = str(item).partition("=")
        label = names.get(dim) or (t(f"trait.{dim}") if t.has(f"trait.{dim}") else "")
        if label and t.has(f"level.{level}"):
            out.append(f"{label}{t('punct.colon')} {t('level.' + level)}")
        elif label and sep == "=":
            out.append(f"{label}{t('punct.colon')} {level}")
        else:
            out.append(str(item))
    return out


# ---------------------------------------------------------------- fitting the figures column
def _lines(text: str, chars: float) -> int:
    return max(1, math.ceil(len(text) / chars))


def figures_mm(sheet: dict[str, Any], font_size: float) -> float:
    """How tall the figures column of a sheet prints (mm), from sheet.css's sizes."""
    scale = font_size / 9.5
    chars = COLUMN_CHARS / scale
    heading = HEADING_MM[0] + HEADING_MM[1] * scale
    total = heading + sum(METER_MM + LINE_MM * scale * _lines(m["label"], chars) for m in sheet["traits"])
    total += (1 if sheet["traits_more"] else 0) * (TEXT_LINE_MM * scale + 1.5)
    total += heading + (len(sheet["channels"]) * (CHANNEL_MM[0] + CHANNEL_MM[1] * scale)
                        if sheet["channels"] else TEXT_LINE_MM * scale + 1.5)
    if sheet["descriptors"]:
        total += heading + sum(LINE_MM * scale * (_lines(d["label"], chars) + _lines(d["value"], chars)) + 1
                               for d in sheet["descriptors"])
    if sheet["journey"]:
        total += heading + sum(LINE_MM * scale * _lines(f"{r['topic']} {r['share_text']} · {r['channels']}", chars) + 1
                               for r in sheet["journey"])
    if sheet["has_contacts"]:
        avoidable = f"{sheet['avoidable_text']}, {sheet['avoidable_volume']}."
        total += heading + TEXT_LINE_MM * scale * _lines(avoidable, chars * 0.92) + 1
    evidence = [sheet["evidence_n"], f"{sheet['stability_text']} {sheet['stability_reading']}",
                sheet["prevalence_text"] + " ".join(sheet["defining"]), sheet["apart"], *sheet["not_recomputed"]]
    inner = chars * 62 / 68
    total += EVIDENCE_MM + heading + sum(LINE_MM * scale * _lines(p, inner) + 1.5 for p in evidence)
    return total


def fit_meters(sheet: dict[str, Any], reserved_mm: float, sizes: tuple[float, ...] = ()) -> None:
    """Leave out the least marked meters (furthest from 50 kept) until the figures column fits.

    The meters kept stay in their order, so that sheets compare; the others are counted in
    ``traits_more`` and the sheet says "+n more". At least :data:`MIN_METERS` stay. Every meter
    stays in ``all_traits`` (the deck's slide has room for more). When the column still runs past
    the page, what sets the persona apart names fewer features (``apart_versions``, longest first;
    never none), then the sheet takes the next smaller of ``sizes``: the evidence box never spills
    onto a page of its own.
    """
    budget = BODY_MM - reserved_mm
    sheet["all_traits"] = list(sheet["traits"])
    while len(sheet["traits"]) > MIN_METERS and figures_mm(sheet, sheet["font_size"]) > budget:
        weakest = min(sheet["traits"], key=lambda m: abs(m["value"] - 50))
        sheet["traits"] = [m for m in sheet["traits"] if m is not weakest]
        sheet["traits_more"] += 1
    for shorter in (sheet.get("apart_versions") or [])[1:]:
        if figures_mm(sheet, sheet["font_size"]) <= budget:
            break
        sheet["apart"] = shorter
    for size in sorted(sizes, reverse=True):
        if figures_mm(sheet, sheet["font_size"]) <= budget:
            break
        sheet["font_size"] = min(sheet["font_size"], size)
