"""What the documents show, computed once in Python for every renderer (HTML, Markdown).

The templates only lay out what this module prepares: translated labels, numbers formatted for
the language, the privacy rule (no statistics for a group under the minimum size) and, for the
printed sheet, texts shortened visibly so that a persona always fits on one A4 page.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from personas.i18n import Translator
from personas.model import Persona, Workshop
from workshop_data.codebook import CHANNELS
from workshop_data.formats import format_date, format_integer, format_number, format_percent

LOCALES = Path(__file__).resolve().parent / "locales"
ELLIPSIS = "…"
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
PORTRAIT_COLOURS = 8  # .portrait-0 … .portrait-7 in sheet.css

# Hard caps, whatever the page: a sheet is a summary, the workshop file keeps the full text.
MAX_NAME = 80
MAX_QUOTE = 240
MAX_STORY = 700
MAX_ITEMS = 6
MAX_ITEM = 220
MAX_NOTES = 6
MAX_NOTE = 280
STORY_FLOOR_LINES = 3
# Sheet fields that are statistics: blanked for a group under the minimum size.
_STATISTICS = ("size_text", "size_number", "share_text", "archetype_fit", "avoidable_text", "avoidable_volume",
               "evidence_n", "stability_text", "prevalence_text")
MAX_DEFINING = 4
MAX_DESCRIPTORS = 4

# Text column of the A4 sheet: (font size pt, characters per line, lines available). Widths come
# from sheet.css (text column 108 mm, DejaVu Sans ~0.55 em per character, line-height 1.3), line
# budgets from the page height left under the header; checked on rendered pages (tests, pdftoppm).
TIERS = ((9.5, 58, 50), (8.5, 65, 56), (7.5, 74, 63))
HEADING_LINES = 2.0
PT_MM = 0.3528
LINE_HEIGHT = 1.3
# Header: name at 19 pt on one line (14 pt, ~38 characters a line, when long); quote ~62 a line.
NAME_LINE_MM = 8.8
LONG_NAME_CHARS = 38
LONG_NAME_LINE_MM = 6.5
QUOTE_CHARS = 62
QUOTE_LINE_MM = 5.4
# The services' line under the archetype (0.88 em, ~70 characters a line).
VALIDATION_CHARS = 70
VALIDATION_LINE_MM = 4.6
ITEM_GAP_LINES = 0.25


def translator(lang: str) -> Translator:
    return Translator(lang, LOCALES)


# ---------------------------------------------------------------- formatting
def fmt_int(value: float, lang: str) -> str:
    return format_integer(value, lang)


def fmt_pct(value: float, lang: str) -> str:
    """A share as a whole percentage; a small non-zero share reads "< 1 %", not "0 %"."""
    if 0 < value * 100 < 0.5:
        return format_percent(0.01, lang).replace("1", "< 1", 1)
    return format_percent(value, lang)


def fmt_dec(value: float, lang: str, digits: int = 2) -> str:
    return format_number(value, lang, digits)


def fmt_date(iso: str, lang: str) -> str:
    return format_date(iso, lang)


def fmt_value(value: Any, lang: str, t: Translator) -> str:
    """A setting or k-table cell as a person reads it."""
    if isinstance(value, bool):
        return t("method.answer_yes") if value else t("method.answer_no")
    if isinstance(value, float):
        return fmt_dec(value, lang)
    if isinstance(value, int):
        return fmt_int(value, lang)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt_value(v, lang, t)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt_value(v, lang, t) for v in value)
    return "" if value is None else str(value)


def one_line(text: object) -> str:
    """Collapse ASCII whitespace only: no-break spaces (U+00A0, U+202F) are French typography."""
    return _SPACES.sub(" ", str("" if text is None else text)).strip(" ")


def clamp(text: str, limit: int) -> str:
    """Shorten visibly (…) at a word boundary when the text is longer than ``limit``."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


@lru_cache(maxsize=1)
def _initials_skip() -> tuple[frozenset[str], tuple[str, ...]]:
    """The small words of every catalogue (``initials_skip``): a name's language is the workshop's."""
    import yaml

    words: list[str] = []
    for path in sorted(LOCALES.glob("*.yaml")):
        words += [str(w).strip().casefold() for w in yaml.safe_load(path.read_text(encoding="utf-8")).get("initials_skip") or []]
    return frozenset(w for w in words if not w.endswith("'")), tuple(w for w in words if w.endswith("'"))


def initials(name: str) -> str:
    """Up to two letters for the portrait, from the words that carry the name (not "à", "du", "l'")."""
    skip, elided = _initials_skip()
    letters = []
    for word in name.replace("’", "'").split():
        word = word.strip(",;:.!?()«»\"")
        for prefix in elided:
            if word.casefold().startswith(prefix) and len(word) > len(prefix):
                word = word[len(prefix):]
        if word and word.casefold() not in skip and unicodedata.category(word[0]).startswith("L"):
            letters.append(word[0])
    return "".join(letters[:2]).upper() or "?"


def stability_reading(value: float | None) -> str:
    if value is None:
        return "evidence.stability_unknown"
    if value < 0.5:
        return "evidence.stability_fragile"
    if value <= 0.75:
        return "evidence.stability_confirm"
    return "evidence.stability_stable"


# ---------------------------------------------------------------- archetypes
def archetype_names(lang: str, ws: Workshop | None = None) -> dict[str, str]:
    """Archetype id -> display name: the workshop's typology when it names them, else the library."""
    names = _library_names(lang)
    typology = (ws.settings.get("typology") if ws is not None else None) or {}
    for arch_id, label in (typology.get("labels") or {}).items() if isinstance(typology, dict) else ():
        text = label.get(lang) or next(iter(label.values()), None) if isinstance(label, dict) else label
        if isinstance(text, str) and text:
            names[str(arch_id)] = text
    return names


def _library_names(lang: str) -> dict[str, str]:
    try:
        from personas.archetypes import load_archetypes
    except ImportError:
        return {}
    try:
        library = load_archetypes()
    except Exception:  # noqa: BLE001 - a broken library must not stop an export; ids are shown
        return {}
    return {a.id: a.name.get(lang) or next(iter(a.name.values()), a.id) for a in library}


def archetype_label(arch_id: str | None, names: dict[str, str], t: Translator) -> str:
    if not arch_id:
        return t("sheet.no_archetype")
    if arch_id in names:
        return names[arch_id]
    for key in (f"archetype.{arch_id}.name", f"archetype.{arch_id}"):
        if t.has(key):
            return t(key)
    return arch_id


# ---------------------------------------------------------------- fitting the page
@dataclass
class Section:
    key: str
    title: str
    items: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)  # notes only: the service, per item
    more: int = 0
    bullet: bool = True
    lang: str = ""  # the text's language when it is not the document's


def _width(section: Section, chars: int) -> int:
    return chars - 3 if section.bullet else chars


def _item_lines(section: Section, index: int, chars: int) -> int:
    signed = len(section.signatures[index]) + 3 if section.signatures else 0
    return math.ceil(max(1, len(section.items[index]) + signed) / _width(section, chars))


def _lines(sections: list[Section], chars: int) -> float:
    total = 0.0
    for section in sections:
        if section.items:
            total += HEADING_LINES + (1 if section.more else 0)
            total += sum(_item_lines(section, i, chars) + ITEM_GAP_LINES for i in range(len(section.items)))
    return total


def header_extra_mm(name: str, quote: str, validations: str = "") -> float:
    """How much taller than usual the sheet header gets with a long name or quote, and the services'
    line (sheet.css sizes)."""
    name_mm = math.ceil(len(name) / LONG_NAME_CHARS) * LONG_NAME_LINE_MM if len(name) > 32 else NAME_LINE_MM
    quote_lines = math.ceil(len(quote) / QUOTE_CHARS) if quote else 0
    said_mm = math.ceil(len(validations) / VALIDATION_CHARS) * VALIDATION_LINE_MM if validations else 0.0
    return max(0.0, name_mm - NAME_LINE_MM) + max(0, quote_lines - 2) * QUOTE_LINE_MM + said_mm


def fit_sections(sections: list[Section], reserved_mm: float = 0.0) -> float:
    """Pick the largest font that holds the text column; at the smallest, shorten the longest texts.

    Returns the font size (pt). Shortening takes one line off the longest text (in lines) while
    it is above its floor (the story keeps three lines, an item one), then drops the last item of
    the longest list (counted in "+n more"): every field keeps a visible share of the page and
    nothing spills onto a second page.
    """
    def available(size: float, lines: int) -> float:
        return lines - reserved_mm / (size * PT_MM * LINE_HEIGHT)

    for size, chars, lines in TIERS:
        if _lines(sections, chars) <= available(size, lines):
            return size
    size, chars, lines = TIERS[-1]
    lines = available(size, lines)
    while _lines(sections, chars) > lines:
        floors = {id(s): STORY_FLOOR_LINES if s.key == "story" else 1 for s in sections}
        candidates = [(s, i) for s in sections for i in range(len(s.items))
                      if _item_lines(s, i, chars) > floors[id(s)]]
        if candidates:
            section, index = max(candidates, key=lambda si: _item_lines(si[0], si[1], chars))
            keep = _item_lines(section, index, chars) - 1
            signed = len(section.signatures[index]) + 3 if section.signatures else 0
            section.items[index] = clamp(section.items[index], keep * _width(section, chars) - signed - 4)
            continue
        victim = max(sections, key=lambda s: len(s.items))
        if len(victim.items) <= 1:
            break
        victim.items.pop()
        if victim.signatures:
            victim.signatures.pop()
        victim.more += 1
    return size



# ---------------------------------------------------------------- one persona
def _list_section(key: str, title: str, items: list[str], clamp_texts: bool) -> Section:
    items = [one_line(i) for i in items if one_line(i)]
    if not clamp_texts:
        return Section(key, title, items)
    shown = [clamp(i, MAX_ITEM) for i in items[:MAX_ITEMS]]
    return Section(key, title, shown, more=len(items) - len(shown))


def text_sections(persona: Persona, t: Translator, clamp_texts: bool, langs: dict[str, str]) -> list[Section]:
    """Story, goals, frustrations, needs, levers and the services' notes, each tagged with its language."""
    story = one_line(persona.story)
    sections = [Section("story", t("sheet.story"), [clamp(story, MAX_STORY) if clamp_texts else story]
                        if story else [], bullet=False)]
    for key in ("goals", "frustrations", "needs", "levers"):
        sections.append(_list_section(key, t(f"sheet.{key}"), getattr(persona, key), clamp_texts))
    notes = [n for n in persona.notes if one_line(n.text)]
    shown_notes = notes[:MAX_NOTES] if clamp_texts else notes
    sections.append(Section(
        "notes", t("sheet.notes"),
        [clamp(n.text, MAX_NOTE) if clamp_texts else one_line(n.text) for n in shown_notes],
        signatures=[n.service for n in shown_notes], more=len(notes) - len(shown_notes), bullet=False,
    ))
    for section in sections:
        section.lang = langs.get(section.key, "")
    return sections


def channel_bars(persona: Persona, lang: str, t: Translator) -> list[dict[str, Any]]:
    mix = sorted(((c, float(s)) for c, s in persona.channel_mix.items() if s and float(s) >= 0.005),
                 key=lambda cs: (-cs[1], CHANNELS.index(cs[0]) if cs[0] in CHANNELS else 99))
    return [{"key": c, "label": t(f"channel.{c}") if t.has(f"channel.{c}") else str(c),
             "value": s * 100, "share": s, "share_text": fmt_pct(s, lang)} for c, s in mix]


def share_words(share: float, t: Translator) -> str:
    """A share as a manager says it ("about half", "nearly all")."""
    for bound, key in ((0.15, "few"), (0.3, "quarter"), (0.42, "third"), (0.58, "half"),
                       (0.72, "two_thirds"), (0.9, "most")):
        if share < bound:
            return t(f"words.{key}")
    return t("words.nearly_all")


def prevalence_text(ws: Workshop, persona: Persona, lang: str, t: Translator) -> str:
    """How many real respondents have all the defining traits, in words (never a figure under the minimum)."""
    if persona.prevalence and persona.prevalence < ws.min_group_size:
        return t("evidence.prevalence_few", n=fmt_int(ws.min_group_size, lang))
    share = getattr(persona, "prevalence_share", 0.0) or 0.0
    if persona.size and 0 < persona.prevalence <= persona.size and share:
        return t("evidence.prevalence_words", words=share_words(share, t), share=fmt_pct(share, lang),
                 n=fmt_int(persona.prevalence, lang))
    return t("evidence.prevalence", n=fmt_int(persona.prevalence, lang))


def descriptor_rows(persona: Persona, lang: str, t: Translator, clamp_texts: bool) -> list[dict[str, str]]:
    """Who they are (age, district...) against the whole sample: the two most frequent categories."""
    rows = []
    items = list((getattr(persona, "descriptors", None) or {}).items())
    for column, spec in items[:MAX_DESCRIPTORS] if clamp_texts else items:
        if not isinstance(spec, dict):
            continue
        label = spec.get("label")
        label = str(label.get(lang) or next(iter(label.values()), column)) if isinstance(label, dict) else str(label or column)
        own, sample = spec.get("persona") or {}, spec.get("sample") or {}
        if spec.get("kind") == "numeric":
            if own.get("median") is None:
                continue
            value = t("sheet.descriptor_median", value=fmt_value(own.get("median"), lang, t),
                      sample=fmt_value(sample.get("median"), lang, t))
        else:
            top = sorted(own.items(), key=lambda kv: -float(kv[1] or 0))[:2]
            value = t("punct.list_sep").join(
                t("sheet.descriptor_share", category=clamp(str(c), 40), share=fmt_pct(float(s or 0), lang),
                  sample=fmt_pct(float(sample.get(c) or 0), lang)) for c, s in top)
        rows.append({"label": clamp(label, 60), "value": value})
    return rows


def portrait(ws: Workshop, persona: Persona, index: int, t: Translator) -> dict[str, str]:
    """A pictogram of the persona's archetype, or its initials without one; never a face."""
    from .pictograms import icon_for, svg_data_uri

    icon = icon_for(ws, persona.archetype)
    return {"initials": initials(persona.name), "colour": str(index % PORTRAIT_COLOURS), "icon": icon or "",
            "src": svg_data_uri(icon) if icon else "",
            "alt": t(f"pictogram.{icon}") if icon and t.has(f"pictogram.{icon}") else t("sheet.portrait")}


def _figures(ws: Workshop, persona: Persona, lang: str, t: Translator) -> dict[str, Any]:
    """The sheet's statistics, formatted; the caller blanks them for a group under the minimum size."""
    stability = persona.stability
    return {
        "size_text": t("sheet.respondents", n=fmt_int(persona.size, lang)),
        "size_number": fmt_int(persona.size, lang),
        "share_text": fmt_pct(persona.share, lang),
        "archetype_fit": fmt_pct(persona.archetype_fit, lang) if persona.archetype_fit is not None else "",
        "avoidable_text": t("sheet.avoidable_text", share=fmt_pct(persona.avoidable_share, lang)),
        "avoidable_volume": t("sheet.avoidable_volume", volume=fmt_int(persona.avoidable_per_year, lang))
        if persona.avoidable_per_year > 0 else "",
        "evidence_n": t("evidence.n", n=fmt_int(persona.size, lang)),
        "stability_text": fmt_dec(stability, lang) if stability is not None else "",
        "prevalence_text": prevalence_text(ws, persona, lang, t),
        "not_recomputed": [t(f"evidence.not_recomputed.{f}") for f in getattr(persona, "not_recomputed", None) or []
                           if t.has(f"evidence.not_recomputed.{f}")],
    }


def sheet_view(ws: Workshop, persona: Persona, index: int, *, lang: str, t: Translator,
               names: dict[str, str], clamp_texts: bool, langs: dict[str, str] | None = None,
               traits: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything one persona sheet shows; ``clamp_texts`` for the one-page printed sheet.

    ``langs`` maps the fields kept in another language than the document's to that language
    (see :mod:`exports.language`); ``traits`` names the traits (:func:`exports.traits.trait_names`).
    """
    from .traits import defining_words, fit_meters, trait_meters, trait_names
    from .validations import validation_line, validation_parts

    traits = trait_names(ws, lang, t) if traits is None else traits
    langs = langs or {}
    small = persona.size < ws.min_group_size
    name = clamp(persona.name, MAX_NAME) if clamp_texts else persona.name
    # A verbatim answer can single out one of a handful of people: a group under the minimum size
    # shows no quote, as it shows no figure.
    quote = "" if small else clamp(one_line(persona.quote), MAX_QUOTE) if clamp_texts else one_line(persona.quote)
    sections = text_sections(persona, t, clamp_texts, langs)
    said = validation_parts(persona, t, clamp_texts)
    said_line = validation_line(said, t)
    header_mm = header_extra_mm(name, quote, said_line)
    font_size = fit_sections(sections, header_mm) if clamp_texts else TIERS[0][0]
    sheet = {
        "id": persona.id, "name": name, "full_name": persona.name, "name_long": len(name) > 32, "name_lang": langs.get("name", ""),
        "portrait": portrait(ws, persona, index, t), "initials": initials(persona.name),
        "colour": index % PORTRAIT_COLOURS,
        "archetype": archetype_label(persona.archetype, names, t), "archetype_id": persona.archetype or "",
        "quote": quote, "quote_lang": langs.get("quote", ""), "small": small,
        "traits": [] if small else trait_meters(persona, lang, t, traits, clamp_texts), "traits_more": 0,
        "all_traits": [],
        "channels": [] if small else channel_bars(persona, lang, t),
        "descriptors": [] if small else descriptor_rows(persona, lang, t, clamp_texts),
        "has_contacts": not small and (bool(persona.channel_mix) or persona.avoidable_share > 0),
        "avoidable_value": 0.0 if small else persona.avoidable_share * 100,
        "avoidable_per_year": 0.0 if small else persona.avoidable_per_year,
        "share_value": 0.0 if small else persona.share,
        "sections": sections, "font_size": font_size,
        "stability_reading": t(stability_reading(persona.stability)),
        "defining": defining_words(persona, t, traits, MAX_DEFINING if clamp_texts else None),
        "validated": persona.validated,
        "validations": said, "validations_line": said_line, "validations_lang": langs.get("notes", ""),
        **_figures(ws, persona, lang, t),
    }
    if small:  # the privacy rule lives here, not in the templates: no figure leaves this module
        sheet.update({key: "" for key in _STATISTICS}, not_recomputed=[])
    elif clamp_texts:
        fit_meters(sheet, header_mm)
    return sheet


# ---------------------------------------------------------------- the document
def sheet_footer(names: str, date: str, lang: str, t: Translator) -> str:
    """What the bottom of every sheet says: the sources and the date of the data."""
    day = f"{t('doc.generated')} {fmt_date(date, lang) if date else t('doc.no_date')}"
    return f"{t('doc.sources')}{t('punct.colon')} {names} · {day}" if names else day


def document_view(ws: Workshop, *, lang: str | None = None, clamp_texts: bool = True,
                  persona_id: str | None = None, theme: Any = None, title: str | None = None) -> dict[str, Any]:
    """The whole document as plain data, plus the translator for the templates' own words.

    In another language than the workshop's, untouched drafts are drafted again in ``lang`` and
    what people wrote is kept, tagged with its language (:mod:`exports.language`).
    """
    from .language import in_language
    from .method import method_view
    from .overview import document_title, overview_view
    from .theme import Theme
    from .traits import trait_names

    lang = lang or ws.lang
    t = translator(lang)
    lang = t.lang
    theme = theme or Theme()
    names = archetype_names(lang, ws)
    traits = trait_names(ws, lang, t)
    every = []
    for i, persona in enumerate(ws.personas):
        shown, langs = in_language(ws, persona, lang)
        every.append(sheet_view(ws, shown, i, lang=lang, t=t, names=names, clamp_texts=clamp_texts, langs=langs,
                                traits=traits))
    sheets = every if persona_id is None else [s for s in every if s["id"] == persona_id]
    total = len(ws.assignments) or sum(p.size for p in ws.personas)
    date = ws.updated or ws.created
    method = method_view(ws, lang, t)
    doc_title = document_title(ws, t, lang, theme, title)
    source_names = clamp(", ".join(s["name"] for s in method["sources"] if s["name"]), 140)
    return {
        "lang": lang,
        "t": t,
        "title": clamp(doc_title, 120) if clamp_texts else doc_title,
        "date": fmt_date(date, lang) if date else t("doc.no_date"),
        "sheets": sheets,
        "overview": overview_view(ws, every, lang=lang, t=t, theme=theme, clamp_texts=clamp_texts),
        "overview_intro": t("overview.intro", n=fmt_int(len(ws.personas), lang), respondents=fmt_int(total, lang)),
        "source_names": source_names,
        "footer": sheet_footer(source_names, date, lang, t),
        "min_group_size": ws.min_group_size,
        **method,
    }
