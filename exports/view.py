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
from workshop_data.codebook import CHANNELS, DIMENSIONS
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


def level_key(score: float) -> str:
    for bound, key in ((20, "very_low"), (40, "low"), (60, "fair"), (80, "high")):
        if score < bound:
            return f"level.{key}"
    return "level.very_high"


# ---------------------------------------------------------------- archetypes
def archetype_names(lang: str) -> dict[str, str]:
    """Archetype id -> display name, from the archetype library when it is there."""
    try:
        from personas.archetypes import load_archetypes
    except ImportError:
        return {}
    try:
        library = load_archetypes()
    except Exception:  # noqa: BLE001 - a broken library must not stop an export; ids are shown
        return {}
    items = library.items() if isinstance(library, dict) else ((None, a) for a in library)
    names: dict[str, str] = {}
    for key, item in items:
        get = item.get if isinstance(item, dict) else (lambda name, obj=item: getattr(obj, name, None))
        arch_id = key or get("id")
        name = get("name") or get("names")
        if isinstance(name, dict):
            name = name.get(lang) or next(iter(name.values()), None)
        if arch_id and isinstance(name, str):
            names[str(arch_id)] = name
    return names


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


def header_extra_mm(name: str, quote: str) -> float:
    """How much taller than usual the sheet header gets with a long name or quote (sheet.css sizes)."""
    name_mm = math.ceil(len(name) / LONG_NAME_CHARS) * LONG_NAME_LINE_MM if len(name) > 32 else NAME_LINE_MM
    quote_lines = math.ceil(len(quote) / QUOTE_CHARS) if quote else 0
    return max(0.0, name_mm - NAME_LINE_MM) + max(0, quote_lines - 2) * QUOTE_LINE_MM


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


def sheet_view(ws: Workshop, persona: Persona, index: int, *, lang: str, t: Translator,
               names: dict[str, str], clamp_texts: bool) -> dict[str, Any]:
    """Everything one persona sheet shows; ``clamp_texts`` for the one-page printed sheet."""
    small = persona.size < ws.min_group_size
    name = clamp(persona.name, MAX_NAME) if clamp_texts else persona.name
    quote = one_line(persona.quote)
    if clamp_texts:
        quote = clamp(quote, MAX_QUOTE)

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
    font_size = fit_sections(sections, header_extra_mm(name, quote)) if clamp_texts else TIERS[0][0]

    traits = []
    channels = []
    if not small:
        for dim in DIMENSIONS:
            if dim in persona.traits and persona.traits[dim] is not None:
                value = max(0.0, min(100.0, float(persona.traits[dim])))
                level = t(level_key(value))
                traits.append({"key": dim, "label": t(f"trait.{dim}"), "value": value,
                               "value_text": fmt_int(value, lang), "level": level,
                               "aria": t("sheet.meter_value", value=fmt_int(value, lang), level=level)})
        mix = sorted(((c, float(s)) for c, s in persona.channel_mix.items() if s and float(s) >= 0.005),
                     key=lambda cs: (-cs[1], CHANNELS.index(cs[0]) if cs[0] in CHANNELS else 99))
        channels = [{"key": c, "label": t(f"channel.{c}") if t.has(f"channel.{c}") else str(c),
                     "value": s * 100, "share_text": fmt_pct(s, lang)} for c, s in mix]

    defining = []
    for item in persona.defining_traits[:MAX_DEFINING] if clamp_texts else persona.defining_traits:
        dim, _, level = str(item).partition(":")
        if t.has(f"trait.{dim}") and t.has(f"level.{level}"):
            defining.append(f"{t('trait.' + dim)}{t('punct.colon')} {t('level.' + level)}")
        else:
            defining.append(str(item))

    if persona.prevalence and persona.prevalence < ws.min_group_size:
        prevalence = t("evidence.prevalence_few", n=fmt_int(ws.min_group_size, lang))
    else:
        prevalence = t("evidence.prevalence", n=fmt_int(persona.prevalence, lang))
    has_contacts = bool(persona.channel_mix) or persona.avoidable_share > 0
    sheet = {
        "id": persona.id,
        "name": name,
        "name_long": len(name) > 32,
        "initials": initials(persona.name),
        "colour": index % PORTRAIT_COLOURS,
        "archetype": archetype_label(persona.archetype, names, t),
        "archetype_id": persona.archetype or "",
        "archetype_fit": fmt_pct(persona.archetype_fit, lang) if persona.archetype_fit is not None else "",
        "quote": quote,
        "small": small,
        "size_text": t("sheet.respondents", n=fmt_int(persona.size, lang)),
        "size_number": fmt_int(persona.size, lang),
        "share_text": fmt_pct(persona.share, lang),
        "traits": traits,
        "channels": channels,
        "has_contacts": has_contacts,
        "avoidable_text": t("sheet.avoidable_text", share=fmt_pct(persona.avoidable_share, lang)),
        "avoidable_volume": t("sheet.avoidable_volume", volume=fmt_int(persona.avoidable_per_year, lang))
        if persona.avoidable_per_year > 0 else "",
        "avoidable_value": persona.avoidable_share * 100,
        "sections": sections,
        "font_size": font_size,
        "evidence_n": t("evidence.n", n=fmt_int(persona.size, lang)),
        "stability_text": fmt_dec(persona.stability, lang) if persona.stability is not None else "",
        "stability_reading": t(stability_reading(persona.stability)),
        "prevalence_text": prevalence,
        "defining": defining,
        "validated": persona.validated,
    }
    if small:  # the privacy rule lives here, not in the templates: no figure leaves this module
        sheet.update({key: "" for key in _STATISTICS}, has_contacts=False, avoidable_value=0.0)
    return sheet


# ---------------------------------------------------------------- the document
def _sources(ws: Workshop, lang: str, t: Translator) -> list[dict[str, str]]:
    rows = []
    for source in ws.sources:
        role = str(source.get("role") or "")
        digest = str(source.get("sha256") or "")
        date = source.get("date") or source.get("modified") or source.get("loaded") or ""
        rows.append({
            "role": t(f"role.{role}") if t.has(f"role.{role}") else role,
            "name": clamp(str(source.get("name") or ""), 80),
            "hash": f"{digest[:12]}…" if len(digest) > 12 else digest,
            "rows": fmt_int(source["rows"], lang) if isinstance(source.get("rows"), (int, float)) else "",
            "date": fmt_date(str(date), lang),
        })
    return rows


def _settings(ws: Workshop, lang: str, t: Translator) -> list[dict[str, str]]:
    rows = []
    for key, value in ws.settings.items():
        if value in (None, "", [], {}):
            continue
        if key == "features" and isinstance(value, (list, tuple)):
            value = [t(f"trait.{v[6:]}") if isinstance(v, str) and v.startswith("trait:") and t.has(f"trait.{v[6:]}")
                     else v for v in value]
        if isinstance(value, (list, tuple)) and len(value) > 8:
            text = f"{len(value)} : " if lang == "fr" else f"{len(value)}: "
            text += fmt_value(list(value[:8]), lang, t) + ", …"
        elif isinstance(value, str) and t.has(f"method.value.{key}.{value}"):
            text = t(f"method.value.{key}.{value}")
        elif key == "k_range" and isinstance(value, (list, tuple)) and len(value) == 2:
            text = t("method.range", low=fmt_value(value[0], lang, t), high=fmt_value(value[1], lang, t))
        elif key == "weights" and isinstance(value, dict):
            text = ", ".join(
                f"{t(f'method.group.{k}') if t.has(f'method.group.{k}') else k}{t('punct.colon')} {fmt_value(v, lang, t)}"
                for k, v in value.items())
        elif key == "period_days" and isinstance(value, float) and math.isfinite(value):
            text = fmt_int(round(value), lang)
        else:
            text = fmt_value(value, lang, t)
        label = t(f"method.setting.{key}") if t.has(f"method.setting.{key}") else str(key)
        rows.append({"label": label, "value": clamp(text, 240)})
    return rows


def _k_table(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    columns: list[str] = []
    for row in ws.k_table:
        columns += [c for c in row if c not in columns]
    rows = [[clamp(fmt_value(row.get(c), lang, t), 40) for c in columns] for row in ws.k_table[:12]]
    headers = [t(f"method.k_column.{c}") if t.has(f"method.k_column.{c}") else str(c) for c in columns]
    return {"headers": headers, "rows": rows}


def _privacy(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    removed = []
    for item in (ws.privacy.get("removed_columns") or [])[:15]:
        if isinstance(item, dict):
            kind = str(item.get("kind", ""))
            reason = t(f"pii.{kind}") if kind and t.has(f"pii.{kind}") else str(item.get("reason", ""))
            removed.append({"column": clamp(str(item.get("column", "")), 60), "reason": clamp(reason, 80)})
        else:
            removed.append({"column": clamp(str(item), 60), "reason": ""})
    more = max(0, len(ws.privacy.get("removed_columns") or []) - len(removed))
    scrubbed = []
    for kind, count in (ws.privacy.get("scrubbed") or {}).items():
        label = t(f"pii.{kind}") if t.has(f"pii.{kind}") else str(kind)
        number = fmt_int(count, lang) if isinstance(count, (int, float)) else str(count)
        scrubbed.append(t("method.scrubbed_kind", kind=label, count=number))
    return {"removed": removed, "more": more, "scrubbed": scrubbed,
            "text": t("method.privacy_text", n=fmt_int(ws.min_group_size, lang))}


def document_view(ws: Workshop, *, lang: str | None = None, clamp_texts: bool = True,
                  persona_id: str | None = None) -> dict[str, Any]:
    """The whole document as plain data, plus the translator for the templates' own words."""
    lang = lang or ws.lang
    t = translator(lang)
    lang = t.lang
    names = archetype_names(lang)
    every = [sheet_view(ws, p, i, lang=lang, t=t, names=names, clamp_texts=clamp_texts)
             for i, p in enumerate(ws.personas)]
    sheets = every if persona_id is None else [s for s in every if s["id"] == persona_id]
    total = len(ws.assignments) or sum(p.size for p in ws.personas)
    overview = [{
        "name": clamp(persona.name, 60) if clamp_texts else persona.name,
        "archetype": sheet["archetype"],
        "small": sheet["small"],
        "colour": sheet["colour"],
        "size_text": sheet["size_number"],
        "share_text": sheet["share_text"],
        "share_value": 0.0 if sheet["small"] else persona.share * 100,
        "stability_text": sheet["stability_text"] or "—",
        "stability_reading": sheet["stability_reading"],
    } for persona, sheet in zip(ws.personas, every)]
    date = ws.updated or ws.created
    source_names = [s["name"] for s in _sources(ws, lang, t) if s["name"]]
    return {
        "lang": lang,
        "content_lang": ws.lang if ws.lang in ("fr", "en") else lang,
        "t": t,
        "title": clamp(ws.title or t("doc.title_default"), 120) if clamp_texts else (ws.title or t("doc.title_default")),
        "date": fmt_date(date, lang) if date else t("doc.no_date"),
        "sheets": sheets,
        "overview": overview,
        "overview_intro": t("overview.intro", n=fmt_int(len(ws.personas), lang), respondents=fmt_int(total, lang)),
        "sources": _sources(ws, lang, t),
        "source_dates": any(s["date"] for s in _sources(ws, lang, t)),
        "source_names": clamp(", ".join(source_names), 140),
        "settings": _settings(ws, lang, t),
        "k_table": _k_table(ws, lang, t),
        "privacy": _privacy(ws, lang, t),
        "min_group_size": ws.min_group_size,
    }
