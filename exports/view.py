"""What the documents show, computed once in Python for every renderer (HTML, PDF, Markdown, deck).

The templates only lay out what this module prepares: translated labels, numbers formatted for
the language, the privacy rule (no statistics for a group under the minimum size) and, for the
printed sheet, the size of type that lets a persona fit its page. Nothing people wrote is ever
shortened: a sheet whose texts do not fit one page at the smallest type continues on the next.

The page modules (overview, method, traits, validations, language) import their helpers from
:mod:`exports.formatting`, never from here: this module composes them, and the package has no
import circle.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from personas.i18n import Translator
from personas.model import Persona, Workshop, persona_version
from workshop_data.codebook import CHANNELS

from .formatting import (  # noqa: F401 - re-exported: callers and tests read them from here
    ELLIPSIS, archetype_label, archetype_names, clamp, fmt_date, fmt_dec, fmt_int, fmt_pct, fmt_value,
    initials, one_line, printable_workshop, stability_reading, translator,
)
from .language import drafted_name, in_language, quote_for
from .method import method_view
from .overview import document_title, overview_view
from .pictograms import icon_for, svg_data_uri
from .theme import Theme
from .traits import defining_words, fit_meters, trait_meters, trait_names
from .validations import validation_line, validation_parts

PORTRAIT_COLOURS = 8  # .portrait-0 … .portrait-7 in sheet.css
#: Sheet fields that are statistics: blanked for a group under the minimum size.
_STATISTICS = ("size_text", "size_number", "share_text", "archetype_fit", "avoidable_text", "avoidable_volume",
               "evidence_n", "stability_text", "prevalence_text", "apart")
MAX_DEFINING = 4
MAX_DESCRIPTORS = 4
MAX_REASONS = 5
#: The sheet's text sections, in reading order: the story, what they want and what stops them,
#: what to do for them, the front-line card, then what the services noted.
TEXT_SECTIONS = ("story", "goals", "frustrations", "needs", "levers", "dos", "donts")


@dataclass(frozen=True)
class Layout:
    """A page's text column, for choosing the size of type (sheet.css and poster.css sizes).

    ``tiers``: (font size pt, characters per line, lines available), largest first; widths and
    heights come from the stylesheet (DejaVu Sans ~0.55 em a character, line-height 1.3) and are
    checked on rendered pages (tests, pdftoppm).
    """

    tiers: tuple[tuple[float, int, int], ...]
    name_line_mm: float          # the name's line at its usual size
    long_name_chars: int         # characters a line of a long name holds
    long_name_line_mm: float
    quote_chars: int
    quote_line_mm: float
    validation_chars: int
    validation_line_mm: float
    steward_chars: int           # the owner and version line
    steward_line_mm: float


A4 = Layout(tiers=((9.5, 58, 50), (8.5, 65, 56), (7.5, 74, 63)), name_line_mm=8.8, long_name_chars=38,
            long_name_line_mm=6.5, quote_chars=62, quote_line_mm=5.4, validation_chars=70, validation_line_mm=4.6,
            steward_chars=76, steward_line_mm=4.2)
#: The A3 poster (poster.css): three columns of 82 mm under the header, the figures first; a tier's
#: characters and lines are one column's.
A3 = Layout(tiers=((13.0, 32, 55), (12.0, 35, 60), (11.0, 38, 65)), name_line_mm=12.5, long_name_chars=40,
            long_name_line_mm=9.5, quote_chars=70, quote_line_mm=7.2, validation_chars=90, validation_line_mm=6.0,
            steward_chars=95, steward_line_mm=5.6)
LAYOUTS = {"a4": A4, "a3": A3}
POSTER_COLUMNS = 3
HEADING_LINES = 2.0
PT_MM = 0.3528
LINE_HEIGHT = 1.3
ITEM_GAP_LINES = 0.25


# ---------------------------------------------------------------- fitting the page
@dataclass
class Section:
    key: str
    title: str
    items: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)  # notes only: the service, per item
    bullet: bool = True
    lang: str = ""  # the text's language when it is not the document's


def _width(section: Section, chars: int) -> int:
    return chars - 3 if section.bullet else chars


def _item_lines(section: Section, index: int, chars: int) -> int:
    signed = len(section.signatures[index]) + 3 if section.signatures else 0
    return math.ceil(max(1, len(section.items[index]) + signed) / max(1, _width(section, chars)))


def _lines(sections: list[Section], chars: int) -> float:
    total = 0.0
    for section in sections:
        if section.items:
            total += HEADING_LINES
            total += sum(_item_lines(section, i, chars) + ITEM_GAP_LINES for i in range(len(section.items)))
    return total


def header_extra_mm(name: str, quote: str, validations: str = "", layout: Layout = A4, stewardship: str = "") -> float:
    """How much taller than usual the sheet header gets with a long name or quote, the services'
    line and the owner and version line (stylesheet sizes)."""
    name_mm = (math.ceil(len(name) / layout.long_name_chars) * layout.long_name_line_mm if len(name) > 32
               else layout.name_line_mm)
    quote_lines = math.ceil(len(quote) / layout.quote_chars) if quote else 0
    said_mm = math.ceil(len(validations) / layout.validation_chars) * layout.validation_line_mm if validations else 0.0
    steward_mm = max(1, math.ceil(len(stewardship) / layout.steward_chars)) * layout.steward_line_mm
    return (max(0.0, name_mm - layout.name_line_mm) + max(0, quote_lines - 2) * layout.quote_line_mm + said_mm
            + steward_mm)


def fit_sections(sections: list[Section], reserved_mm: float = 0.0, layout: Layout = A4) -> tuple[float, bool]:
    """The largest size of type at which the text column holds on its page, and whether it does.

    Returns (font size pt, fits). When even the smallest size does not hold, the sheet keeps it
    and continues on the next page: texts are never shortened, so a long note costs a page, not
    its end. Pure arithmetic, no loop over the texts: no input can make it spin.
    """
    for size, chars, lines in layout.tiers:
        if _lines(sections, chars) <= lines - reserved_mm / (size * PT_MM * LINE_HEIGHT):
            return size, True
    return layout.tiers[-1][0], False


def _lines_of(text: str, chars: float) -> int:
    return max(1, math.ceil(len(text) / max(1.0, chars)))


def _figure_lines(sheet: dict[str, Any], key: str, chars: int) -> float:
    """Lines a block of the figures takes in a poster column (poster.css sizes, 0.92 em lists)."""
    wide = chars / 0.92
    if key == "traits":
        return HEADING_LINES + sum(_lines_of(m["label"], wide) + 1.2 for m in sheet["traits"])
    if key == "channels":
        return HEADING_LINES + (1.7 * len(sheet["channels"]) if sheet["channels"] else 1)
    if key == "journey":
        return HEADING_LINES + sum(_lines_of(f"{r['topic']} {r['share_text']} · {r['channels']}", wide - 3) + 0.3
                                   for r in sheet["journey"])
    if key == "descriptors":
        return HEADING_LINES + sum(_lines_of(d["label"], wide) + _lines_of(d["value"], wide) + 0.3
                                   for d in sheet["descriptors"])
    if key == "avoidable":
        return HEADING_LINES + _lines_of(f"{sheet['avoidable_text']}, {sheet['avoidable_volume']}.", chars)
    if key == "small":
        return 6.0
    evidence = [sheet["evidence_n"], f"{sheet['stability_text']} {sheet['stability_reading']}",
                sheet["prevalence_text"] + " ".join(sheet["defining"]), sheet["apart"], *sheet["not_recomputed"]]
    return HEADING_LINES + 2 + sum(_lines_of(p, wide * 0.9) + 0.4 for p in evidence)


def figure_blocks(sheet: dict[str, Any]) -> list[str]:
    """The figures column's blocks, in order (a small group shows a notice and its evidence only)."""
    if sheet["small"]:
        return ["small", "evidence"]
    keys = ["traits"] if sheet["traits"] else []
    keys.append("channels")
    keys += [k for k in ("journey", "descriptors") if sheet[k]]
    keys += ["avoidable"] if sheet["has_contacts"] else []
    return [*keys, "evidence"]


def poster_columns(sheet: dict[str, Any], reserved_mm: float, layout: Layout = A3) -> tuple[float, bool, list]:
    """The poster's size of type and its three columns: the figures' blocks, then the texts', each
    block whole in one column, the columns about as tall as each other. Returns (font size, whether
    it holds on the page, columns of ("figure", key) or ("text", section index))."""
    blocks = [("figure", key) for key in figure_blocks(sheet)]
    blocks += [("text", i) for i, section in enumerate(sheet["sections"]) if section.items]
    for size, chars, lines in layout.tiers:
        room = lines - reserved_mm / (size * PT_MM * LINE_HEIGHT)
        heights = [_figure_lines(sheet, ref, chars) if kind == "figure" else _lines([sheet["sections"][ref]], chars)
                   for kind, ref in blocks]
        target = max(sum(heights) / POSTER_COLUMNS, max(heights, default=0))
        columns: list[list] = [[]]
        used = 0.0
        for block, height in zip(blocks, heights):
            if columns[-1] and used + height > target * 1.08 and len(columns) < POSTER_COLUMNS:
                columns.append([])
                used = 0.0
            columns[-1].append(block)
            used += height
        tallest = max(sum(h for b, h in zip(blocks, heights) if b in column) for column in columns)
        if tallest <= room or size == layout.tiers[-1][0]:
            return size, tallest <= room, columns
    raise AssertionError("unreachable: the last tier always returns")


# ---------------------------------------------------------------- one persona
def _list_section(key: str, title: str, items: list[str], lang: str) -> Section:
    return Section(key, title, [one_line(i) for i in items if one_line(i)], lang=lang)


def text_sections(persona: Persona, t: Translator, langs: dict[str, str]) -> list[Section]:
    """Story, goals, frustrations, needs, levers, do's, don'ts and the services' notes, whole, each
    tagged with its language when it is not the document's."""
    story = one_line(persona.story)
    sections = [Section("story", t("sheet.story"), [story] if story else [], bullet=False,
                        lang=langs.get("story", ""))]
    for key in TEXT_SECTIONS[1:]:
        sections.append(_list_section(key, t(f"sheet.{key}"), getattr(persona, key), langs.get(key, "")))
    notes = [n for n in persona.notes if one_line(n.text)]
    sections.append(Section("notes", t("sheet.notes"), [one_line(n.text) for n in notes],
                            signatures=[one_line(n.service) for n in notes], bullet=False, lang=langs.get("notes", "")))
    return sections


def channel_label(channel: str, t: Translator) -> str:
    return t(f"channel.{channel}") if t.has(f"channel.{channel}") else str(channel)


def channel_bars(persona: Persona, lang: str, t: Translator) -> list[dict[str, Any]]:
    mix = sorted(((c, float(s)) for c, s in persona.channel_mix.items() if s and float(s) >= 0.005),
                 key=lambda cs: (-cs[1], CHANNELS.index(cs[0]) if cs[0] in CHANNELS else 99))
    return [{"key": c, "label": channel_label(c, t), "value": s * 100, "share": s, "share_text": fmt_pct(s, lang)}
            for c, s in mix]


def journey_rows(persona: Persona, lang: str, t: Translator) -> list[dict[str, Any]]:
    """The top reasons for contact, each with its share of the persona's contacts and its channels
    by volume (the channels that carry at least a tenth of it)."""
    from workshop_data.journeys import OTHER, top_reasons

    rows = []
    for reason in top_reasons(persona.journey, MAX_REASONS):
        channels = [channel_label(c, t).lower() if lang == "fr" else channel_label(c, t)
                    for c, n in reason["channels"] if n >= 0.1 * reason["contacts"]]
        rows.append({"topic": reason["topic"] or t("sheet.journey_other"), "own_words": reason["topic"] != OTHER,
                     "share_text": fmt_pct(reason["share"], lang), "share": reason["share"],
                     "channels": t("punct.list_comma").join(channels)})
    return rows


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


def descriptor_label(column: str, label: Any, lang: str, t: Translator) -> str:
    """A descriptor's name in ``lang``: the codebook's label when it wrote one per language, else the
    demographic it names ("tranche_age" -> "Âge", "Age"), else its label as written."""
    from workshop_data.demographics import demographic_kind

    texts = label if isinstance(label, dict) else {}
    own = str(texts.get(lang) or next(iter(texts.values()), column) if texts else (label or column))
    translated = len({str(v) for v in texts.values()}) > 1
    if not translated:
        kind = demographic_kind([column, own])
        if kind and t.has(f"descriptor.{kind}"):
            return t(f"descriptor.{kind}")
    return own


def descriptor_rows(persona: Persona, lang: str, t: Translator, fit: bool) -> list[dict[str, str]]:
    """Who they are (age, district...) against the whole sample: the two most frequent categories."""
    rows = []
    items = list((getattr(persona, "descriptors", None) or {}).items())
    for column, spec in items[:MAX_DESCRIPTORS] if fit else items:
        if not isinstance(spec, dict):
            continue
        own, sample = spec.get("persona") or {}, spec.get("sample") or {}
        if spec.get("kind") == "numeric":
            if own.get("median") is None:
                continue
            value = t("sheet.descriptor_median", value=fmt_value(own.get("median"), lang, t),
                      sample=fmt_value(sample.get("median"), lang, t))
        else:
            top = sorted(own.items(), key=lambda kv: -float(kv[1] or 0))[:2]
            value = t("punct.list_sep").join(
                t("sheet.descriptor_share", category=str(c), share=fmt_pct(float(s or 0), lang),
                  sample=fmt_pct(float(sample.get(c) or 0), lang)) for c, s in top)
        rows.append({"label": descriptor_label(str(column), spec.get("label"), lang, t), "value": value})
    return rows


def _separation_figure(item: dict[str, Any], lang: str) -> tuple[str, str]:
    """A separating feature's two values as the sheet writes them: 0-100 scores as whole numbers,
    shares (a category, a channel, a contact share) as percentages, other numbers as they are."""
    feature, kind = str(item.get("feature", "")), item.get("kind")
    mine, theirs = float(item.get("value") or 0.0), float(item.get("other") or 0.0)
    if kind in ("trait", "item") or feature.startswith(("trait:", "item:")):  # files written before "item"
        return f"{fmt_int(round(mine), lang)}/100", f"{fmt_int(round(theirs), lang)}/100"
    if kind == "category" or feature.startswith("share_") or feature.endswith("_share"):
        return fmt_pct(mine, lang), fmt_pct(theirs, lang)
    return fmt_dec(mine, lang, 1), fmt_dec(theirs, lang, 1)


def separation_parts(ws: Workshop, persona: Persona, lang: str, limit: int = 3
                     ) -> tuple[str, str, list[tuple[str, str, str]]]:
    """What sets a persona apart from its nearest persona: that persona's id and name, and up to
    ``limit`` features as (label in ``lang``, this persona's figure, the nearest's figure). The
    nearest persona is named as the documents in ``lang`` name it. The sheets, ``show`` and the
    app's Profils page all read it, so they say the same thing."""
    found = getattr(persona, "separation", None) or {}
    items = [i for i in found.get("features") or [] if isinstance(i, dict)][:limit]
    nearest = str(found.get("nearest", ""))
    other = next((p for p in ws.personas if p.id == nearest), None)
    if not items or other is None:
        return nearest, nearest, []
    name = one_line(other.name if lang == ws.lang else drafted_name(ws, other, lang) or other.name)
    parts = []
    for item in items:
        label = item.get("label") or {}
        text = str(label.get(lang) or label.get("fr") or label.get("en") or item.get("feature", ""))
        mine, theirs = _separation_figure(item, lang)
        parts.append((one_line(text), mine, theirs))
    return nearest, name, parts


def separation_text(ws: Workshop, persona: Persona, lang: str, t: Translator, limit: int = 3) -> str:
    """What sets a persona apart from its nearest persona, in words and figures ("Apart from P3
    (name): Trust 72 vs 35; Phone 48 % vs 12 %"); empty when the workshop does not say."""
    nearest, name, parts = separation_parts(ws, persona, lang, limit)
    if not parts:
        return ""
    words = [t("sheet.apart_feature", label=label, value=mine, other=theirs) for label, mine, theirs in parts]
    return t("sheet.apart", nearest=nearest, name=name, features=t("punct.list_sep").join(words))


def portrait(ws: Workshop, persona: Persona, index: int, t: Translator) -> dict[str, str]:
    """A pictogram of the persona's archetype, or its initials without one; never a face."""
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


def version_text(ws: Workshop, persona: Persona, lang: str, t: Translator) -> str:
    number, when = persona_version(ws, persona.id)
    return t("sheet.version", n=fmt_int(number, lang), date=fmt_date(when, lang)) if when else \
        t("sheet.version_undated", n=fmt_int(number, lang))


def sheet_view(ws: Workshop, persona: Persona, index: int, *, lang: str, t: Translator,
               names: dict[str, str], fit: bool, langs: dict[str, str] | None = None,
               traits: dict[str, str] | None = None, layout: Layout = A4) -> dict[str, Any]:
    """Everything one persona sheet shows; ``fit`` chooses the size of type of the printed sheet.

    ``langs`` maps the fields kept in another language than the document's to that language
    (see :mod:`exports.language`); ``traits`` names the traits (:func:`exports.traits.trait_names`).
    """
    traits = trait_names(ws, lang, t) if traits is None else traits
    langs = langs or {}
    small = persona.size < ws.min_group_size
    # A verbatim answer can single out one of a handful of people: a group under the minimum size
    # shows no quote, as it shows no figure.
    quote = "" if small else one_line(persona.quote)
    sections = text_sections(persona, t, langs)
    said = validation_parts(persona, t)
    said_line = validation_line(said, t)
    name = one_line(persona.name)
    owner, version = one_line(getattr(persona, "owner", "")), version_text(ws, persona, lang, t)
    apart = [separation_text(ws, persona, lang, t, limit=n) for n in (3, 2, 1)]  # longest first: fit_meters
    header_mm = header_extra_mm(name, quote, said_line, layout, f"{t('sheet.owner')} {owner} · {version}")
    font_size, fits = fit_sections(sections, header_mm, A4) if fit else (A4.tiers[0][0], True)
    sheet = {
        "id": persona.id, "name": name, "full_name": name, "name_long": len(name) > 32,
        "name_lang": langs.get("name", ""),
        "portrait": portrait(ws, persona, index, t), "initials": initials(name),
        "colour": index % PORTRAIT_COLOURS,
        "archetype": archetype_label(persona.archetype, names, t), "archetype_id": persona.archetype or "",
        "owner": owner, "owner_lang": langs.get("owner", ""), "version": version,
        "quote": quote, "quote_lang": langs.get("quote", ""), "small": small,
        "traits": [] if small else trait_meters(persona, lang, t, traits), "traits_more": 0,
        "all_traits": [],
        "channels": [] if small else channel_bars(persona, lang, t),
        "journey": [] if small else journey_rows(persona, lang, t), "journey_lang": langs.get("journey", ""),
        "descriptors": [] if small else descriptor_rows(persona, lang, t, fit),
        "has_contacts": not small and (bool(persona.channel_mix) or persona.avoidable_share > 0),
        "avoidable_value": 0.0 if small else persona.avoidable_share * 100,
        "avoidable_per_year": 0.0 if small else persona.avoidable_per_year,
        "share_value": 0.0 if small else persona.share,
        "sections": sections, "font_size": font_size, "fits": fits,
        "stability_reading": t(stability_reading(persona.stability)),
        "defining": defining_words(persona, t, traits, MAX_DEFINING if fit else None),
        "apart_versions": apart,
        "apart": apart[0],
        "validated": persona.validated,
        "validations": said, "validations_line": said_line, "validations_lang": langs.get("notes", ""),
        **_figures(ws, persona, lang, t),
    }
    if small:  # the privacy rule lives here, not in the templates: no figure leaves this module
        sheet.update({key: "" for key in _STATISTICS}, not_recomputed=[], apart_versions=[])
    elif fit and layout is A4:
        fit_meters(sheet, header_mm, tuple(size for size, _, _ in A4.tiers))
    else:  # the screen, Markdown and the poster have room for every meter
        sheet["all_traits"] = list(sheet["traits"])
    sheet["figure_blocks"] = figure_blocks(sheet)
    if layout is not A4:
        sheet["font_size"], sheet["fits"], sheet["columns"] = poster_columns(sheet, header_mm, layout)
    return sheet


# ---------------------------------------------------------------- the document
def sheet_footer(names: str, date: str, lang: str, t: Translator) -> str:
    """What the bottom of every sheet says: the sources and the date of the data."""
    day = f"{t('doc.generated')} {fmt_date(date, lang) if date else t('doc.no_date')}"
    return f"{t('doc.sources')}{t('punct.colon')} {names} · {day}" if names else day


def shown_personas(ws: Workshop, lang: str) -> list[tuple[Persona, dict[str, str]]]:
    """Every persona as the document shows it (:func:`exports.language.in_language`), with a quote
    no other persona prints."""
    out = []
    taken: list[str] = []
    for persona in ws.personas:
        shown, langs = in_language(ws, persona, lang)
        quote = quote_for(ws, shown, taken)
        taken.append(quote)
        out.append((shown if quote == shown.quote else _with_quote(shown, quote), langs))
    return out


def _with_quote(persona: Persona, quote: str) -> Persona:
    from dataclasses import replace

    return replace(persona, quote=quote)


def document_view(ws: Workshop, *, lang: str | None = None, fit: bool = True, persona_id: str | None = None,
                  theme: Any = None, title: str | None = None, paper: str = "a4") -> dict[str, Any]:
    """The whole document as plain data, plus the translator for the templates' own words.

    In another language than the workshop's, the toolkit's drafts are drafted again in ``lang`` and
    what people wrote is kept, tagged with its language (:mod:`exports.language`). Every text is
    made printable first (:func:`exports.formatting.printable_workshop`).
    """
    ws = printable_workshop(ws)
    lang = lang or ws.lang
    t = translator(lang)
    lang = t.lang
    theme = theme or Theme()
    layout = LAYOUTS.get(paper, A4)
    names = archetype_names(lang, ws)
    traits = trait_names(ws, lang, t)
    every = [sheet_view(ws, shown, i, lang=lang, t=t, names=names, fit=fit, langs=langs, traits=traits, layout=layout)
             for i, (shown, langs) in enumerate(shown_personas(ws, lang))]
    sheets = every if persona_id is None else [s for s in every if s["id"] == persona_id]
    total = len(ws.assignments) or sum(p.size for p in ws.personas)
    date = ws.updated or ws.created
    method = method_view(ws, lang, t, [s["name"] for s in every])
    doc_title = document_title(ws, t, lang, theme, title)
    source_names = ", ".join(s["name"] for s in method["sources"] if s["name"])
    return {
        "lang": lang,
        "t": t,
        "title": doc_title,
        "date": fmt_date(date, lang) if date else t("doc.no_date"),
        "workshop_lang": ws.lang,
        "paper": paper,
        "sheets": sheets,
        "overview": overview_view(ws, every, lang=lang, t=t, theme=theme),
        "overview_intro": t("overview.intro", n=fmt_int(len(ws.personas), lang), respondents=fmt_int(total, lang)),
        "source_names": source_names,
        "footer": sheet_footer(clamp(source_names, 140), date, lang, t),
        "min_group_size": ws.min_group_size,
        **method,
    }
