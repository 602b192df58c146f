"""Workshop -> an editable PowerPoint deck (python-pptx): title, overview, one slide per persona, method.

Built from the same view as the PDF (:func:`exports.view.document_view`), so the deck says what
the sheets say, withholds what they withhold (groups under the minimum size) and keeps one
language. Everything is real, editable PowerPoint: text boxes, a native chart, shapes for the
meters; every slide has a title (screen readers list slides by it) and every picture and chart
alternative text. The evidence behind each persona goes to the speaker notes.
"""
from __future__ import annotations

import base64
import io
import math
from typing import Any

from personas.model import Workshop

from .charts import CHANNEL_COLOURS
from .pictograms import png_path
from .theme import Theme, load_theme
from .view import clamp, document_view

WIDTH_IN, HEIGHT_IN = 13.333, 7.5
FONT = "Calibri"
GREY = "5A5A5A"
TRACK = "E4E6EA"
PORTRAIT = ("", "8A3B12", "2F6B3A", "6B2F6B", "0F5F6B", "7A5A00", "5A4A8A", "8A2340")  # sheet.css
SLIDE_ITEMS = 4
SLIDE_ITEM_CHARS = 130
LIST_LINES = 6          # lines of 12 pt text a needs or levers block holds (2.2 in)
LIST_LINE_CHARS = 68    # characters a line of 12 pt holds in a 6 in box
SLIDE_BARS = 22         # meters and channels a slide holds at a legible pitch (0.18 in)
HISTORY_LINES = 10      # the method slide's right column: history, then the services' say
SERVICES_LINES = 4
SLIDE_SERVICES_CHARS = 75  # the services' line under the archetype: one line of 11 pt in 7 in


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper() if len(hex_colour.lstrip("#")) == 6
                                else "".join(c * 2 for c in hex_colour.lstrip("#")).upper())


def _in(value: float):
    from pptx.util import Inches

    return Inches(value)


def _text(slide, x: float, y: float, w: float, h: float, paragraphs: list[tuple[str, dict]] | str, *,
          size: float = 14, colour: str = "1B1B1B", bold: bool = False, lang: str = ""):
    """A real text box: each paragraph is (text, options: size, bold, colour, italic, bullet)."""
    from pptx.util import Pt

    box = slide.shapes.add_textbox(_in(x), _in(y), _in(w), _in(h))
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_top = frame.margin_bottom = 0
    if isinstance(paragraphs, str):
        paragraphs = [(paragraphs, {})]
    for i, (text, opts) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = ("• " if opts.get("bullet") else "") + text
        font = run.font
        font.name = FONT
        font.size = Pt(opts.get("size", size))
        font.bold = opts.get("bold", bold)
        font.italic = opts.get("italic", False)
        font.color.rgb = _rgb(opts.get("colour", colour))
        if opts.get("lang", lang):
            run._r.get_or_add_rPr().set("lang", {"fr": "fr-FR", "en": "en-GB"}.get(opts.get("lang", lang), "fr-FR"))
        para.space_after = Pt(opts.get("after", 4))
        if "before" in opts:
            para.space_before = Pt(opts["before"])
        if "line" in opts:
            para.line_spacing = Pt(opts["line"] * 72)
    return box


def _rect(slide, x: float, y: float, w: float, h: float, colour: str, *, oval: bool = False):
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.OVAL if oval else MSO_SHAPE.RECTANGLE, _in(x), _in(y),
                                   _in(max(w, 0.001)), _in(h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    style = shape._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}style")
    if style is not None:  # the default shape style adds a shadow and a theme font colour
        shape._element.remove(style)
    return shape


def _title(slide, text: str, theme: Theme, *, size: float = 28) -> None:
    """The slide's title placeholder, restyled: what screen readers and the outline show."""
    from pptx.util import Pt

    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = _in(0.5), _in(0.3), _in(WIDTH_IN - 1), _in(0.9)
    shape.text = text
    frame = shape.text_frame
    frame.word_wrap = True
    for para in frame.paragraphs:
        para.alignment = 1  # left
        for run in para.runs:
            run.font.name, run.font.size, run.font.bold = FONT, Pt(size), True
            run.font.color.rgb = _rgb(theme.primary)


def _alt(shape, text: str) -> None:
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def _notes(slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(line for line in lines if line)


def _logo(slide, theme: Theme, x: float, y: float, h: float) -> None:
    uri = theme.logo_data_uri or ""
    if not uri or uri.startswith("data:image/svg"):
        return  # PowerPoint files from python-pptx take no SVG: the organisation's name stands alone
    picture = slide.shapes.add_picture(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])), _in(x), _in(y),
                                       height=_in(h))
    _alt(picture, theme.organisation or "logo")


# ---------------------------------------------------------------- slides
def _title_slide(prs, doc: dict[str, Any], theme: Theme) -> None:
    t = doc["t"]
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _rect(slide, 0, 0, WIDTH_IN, 0.25, theme.primary)
    _title(slide, doc["title"], theme, size=36)
    slide.shapes.title.top, slide.shapes.title.height = _in(2.4), _in(1.6)
    lines = [(theme.organisation, {"bold": True, "colour": theme.primary.lstrip("#")})] if theme.organisation else []
    lines.append((f"{t('doc.overview')} · {t('doc.generated')} {doc['date']}", {"colour": GREY}))
    lines.append((doc["overview_intro"], {"colour": GREY}))
    _text(slide, 0.5, 4.1, WIDTH_IN - 1, 1.5, lines, size=18)
    _logo(slide, theme, 0.5, 0.6, 1.0)


def _overview_chart(slide, doc: dict[str, Any], x: float, y: float, w: float, h: float) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Pt

    t = doc["t"]
    rows = [r for r in doc["overview"]["rows"] if not r["small"]]
    data = CategoryChartData()
    data.categories = [r["chart_name"] for r in rows][::-1]
    keys = [k for k in CHANNEL_COLOURS if any(c["key"] == k for r in rows for c in r["channels"])]
    for key in keys:
        label = t(f"channel.{key}") if t.has(f"channel.{key}") else key
        data.add_series(label, [round(r["share_value"] * next((c["share"] for c in r["channels"] if c["key"] == key), 0), 2)
                                for r in rows][::-1], number_format='0"\u202f%"' if doc["lang"] == "fr" else '0"%"')
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, _in(x), _in(y), _in(w), _in(h), data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(11)
    chart.font.size, chart.font.name = Pt(11), FONT
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.tick_labels.font.size = Pt(10)
    chart.category_axis.tick_labels.font.size = Pt(11)
    for series, key in zip(chart.plots[0].series, keys):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(CHANNEL_COLOURS[key])
    chart.plots[0].gap_width = 60
    chart.has_title = True
    chart.chart_title.text_frame.text = t("deck.chart_title")
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(13)
    _alt(frame, doc["overview"]["chart_alt"])


def _overview_table(slide, doc: dict[str, Any], theme: Theme, x: float, y: float, w: float) -> None:
    from pptx.util import Pt

    t = doc["t"]
    rows = doc["overview"]["rows"]
    table = slide.shapes.add_table(len(rows) + 1, 3, _in(x), _in(y), _in(w), _in(0.4 * (len(rows) + 1))).table
    widths = (0.42, 0.18, 0.40)
    headers = (t("overview.name"), t("overview.share"), t("overview.avoidable_year"))
    for j, (width, header) in enumerate(zip(widths, headers)):
        table.columns[j].width = _in(w * width)
        table.cell(0, j).text = header
    for i, row in enumerate(rows, start=1):
        values = (row["name"], t("overview.hidden") if row["small"] else row["share_text"],
                  "" if row["small"] else row["avoidable_text"])
        for j, value in enumerate(values):
            table.cell(i, j).text = value
    for i in range(len(rows) + 1):
        for j in range(3):
            cell = table.cell(i, j)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(theme.primary if i == 0 else ("F5F6F8" if i % 2 else "FFFFFF"))
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size, run.font.name, run.font.bold = Pt(12), FONT, i == 0
                    run.font.color.rgb = _rgb(theme.on_primary if i == 0 else "1B1B1B")
            cell.margin_top = cell.margin_bottom = _in(0.03)


def _overview_slide(prs, doc: dict[str, Any], theme: Theme) -> None:
    t = doc["t"]
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, t("doc.overview"), theme)
    intro = [(doc["overview_intro"] + (" " + doc["overview"]["avoidable_total"] if doc["overview"]["avoidable_total"] else ""), {})]
    if doc["overview"]["structure"]:
        intro.append((doc["overview"]["structure"], {"italic": True, "colour": GREY}))
    _text(slide, 0.5, 1.15, WIDTH_IN - 1, 0.9, intro, size=14)
    _overview_chart(slide, doc, 0.4, 2.05, 7.3, 5.2)
    _overview_table(slide, doc, theme, 7.9, 2.2, 4.95)
    _notes(slide, [doc["overview"]["chart_alt"]] + [f"{r['name']}: {r['first_lever']}" for r in doc["overview"]["rows"]])


def _portrait(slide, sheet: dict[str, Any], theme: Theme, x: float, y: float, d: float) -> None:
    colour = PORTRAIT[sheet["colour"]] or theme.primary.lstrip("#")
    disc = _rect(slide, x, y, d, d, colour, oval=True)
    icon = sheet["portrait"]["icon"]
    if icon and png_path(icon).is_file():
        _alt(disc, "")
        picture = slide.shapes.add_picture(str(png_path(icon)), _in(x + d * 0.18), _in(y + d * 0.18),
                                           _in(d * 0.64), _in(d * 0.64))
        _alt(picture, sheet["portrait"]["alt"])
        return
    frame = disc.text_frame
    frame.text = sheet["initials"]
    from pptx.util import Pt

    run = frame.paragraphs[0].runs[0]
    run.font.size, run.font.bold, run.font.name = Pt(26), True, FONT
    run.font.color.rgb = _rgb("FFFFFF")
    _alt(disc, sheet["portrait"]["alt"])


def _bars(slide, items: list[tuple[str, float, str]], colour: str, x: float, y: float, *, label_w: float,
          bar_w: float, step: float = 0.3) -> float:
    """Labels, tracks, fills and values (meters); returns the y under the last one.

    The labels are one text box and the values another, a paragraph per item on a fixed line
    pitch equal to the bars' step: two text boxes per list instead of two per item keeps the deck
    fast to build and easy to edit.
    """
    line = {"line": step, "after": 0}
    _text(slide, x, y - 0.1, label_w, step * len(items), [(clamp(label, 34), line) for label, _, _ in items], size=11)
    _text(slide, x + label_w + bar_w + 0.05, y - 0.1, 1.5, step * len(items),
          [(text, {**line, "bold": True}) for _, _, text in items], size=11)
    for i, (_, value, _) in enumerate(items):
        _rect(slide, x + label_w, y + i * step + 0.07, bar_w, 0.13, TRACK)
        _rect(slide, x + label_w, y + i * step + 0.07, bar_w * max(0.0, min(100.0, value)) / 100, 0.13, colour)
    return y + step * len(items)


def _list_block(slide, section, t, x: float, y: float, w: float, colour: str) -> None:
    """A heading and the items that fit LIST_LINES lines; the rest counted in a visible "+n more"."""
    items, lines = [], 0
    for text in section.items[:SLIDE_ITEMS]:
        text = clamp(text, SLIDE_ITEM_CHARS)
        needed = math.ceil(len(text) / LIST_LINE_CHARS)
        if items and lines + needed > LIST_LINES:
            break
        items.append((text, {"bullet": True, "lang": section.lang}))
        lines += needed
    hidden = len(section.items) - len(items) + section.more
    if hidden:
        items.append((t("sheet.more", n=hidden), {"italic": True, "colour": GREY}))
    _text(slide, x, y, w, 2.2, [(section.title.upper(), {"bold": True, "size": 13, "colour": colour}), *items], size=12)


def _persona_slide(prs, doc: dict[str, Any], sheet: dict[str, Any], theme: Theme, index: int) -> None:
    t = doc["t"]
    primary, on_primary = theme.primary.lstrip("#"), theme.on_primary.lstrip("#")
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, sheet["full_name"], theme, size=26 if len(sheet["full_name"]) <= 45 else 20)
    _portrait(slide, sheet, theme, 0.5, 1.25, 1.1)
    status = t("sheet.validated") if sheet["validated"] else t("sheet.draft")
    head = [(f"{t('sheet.archetype')}{t('punct.colon')} {sheet['archetype']} · {status}", {"bold": True})]
    if sheet["validations"]:  # one line of 11 pt; in full, dated, in the speaker notes
        head.append((clamp(sheet["validations_line"], SLIDE_SERVICES_CHARS),
                     {"size": 11, "colour": GREY, "lang": sheet["validations_lang"]}))
    if sheet["quote"]:
        head.append((t("quote.open") + clamp(sheet["quote"], 140 if sheet["validations"] else 170) + t("quote.close"),
                     {"italic": True, "size": 15, "lang": sheet["quote_lang"]}))
    _text(slide, 1.8, 1.2, 7.0, 1.2, head, size=14)
    if sheet["small"]:
        _text(slide, 0.5, 2.7, 5.8, 1.5, [(t("sheet.small_group"), {"bold": True}),
                                           (t("sheet.small_group_detail", n=doc["min_group_size"]), {})], size=14)
    else:
        figures = [(t("sheet.size"), sheet["size_number"]), (t("sheet.share"), sheet["share_text"]),
                   (t("deck.avoidable_short"), doc["overview"]["rows"][index]["avoidable_text"])]
        for j, (label, value) in enumerate(figures):
            _alt(_rect(slide, 9.0 + j * 1.3, 1.25, 1.22, 0.95, theme.primary), "")
            _text(slide, 9.02 + j * 1.3, 1.27, 1.18, 0.95, [(value, {"bold": True, "size": 18, "colour": on_primary}),
                                                          (label, {"size": 10, "colour": on_primary})])
        heading = {"bold": True, "size": 13, "colour": primary}
        meters, more = sheet["all_traits"] or sheet["traits"], []
        if len(meters) + len(sheet["channels"]) > SLIDE_BARS:      # else every meter, even those the sheet left out
            meters, more = sheet["traits"], [t("sheet.traits_more", n=sheet["traits_more"])] if sheet["traits_more"] else []
        rows = len(meters) + len(sheet["channels"]) + len(more)
        step = min(0.31, 3.9 / max(rows, 1))          # every meter and channel fits the slide
        _text(slide, 0.5, 2.45, 6.0, 0.3, [(t("sheet.traits").upper(), heading)])
        y = _bars(slide, [(m["label"], m["value"], f"{m['value_text']} · {m['level']}") for m in meters],
                  theme.primary, 0.5, 2.85, label_w=2.9, bar_w=1.6, step=step)
        if more:
            _text(slide, 0.5, y - 0.05, 6.0, step, [(more[0], {"italic": True, "colour": GREY, "after": 0})], size=10)
            y += step
        _text(slide, 0.5, y + 0.12, 6.0, 0.3, [(t("sheet.channels").upper(), heading)])
        _bars(slide, [(c["label"], c["value"], c["share_text"]) for c in sheet["channels"]],
              theme.accent, 0.5, y + 0.55, label_w=2.9, bar_w=1.6, step=step)
    sections = {s.key: s for s in sheet["sections"]}
    _list_block(slide, sections["needs"], t, 6.9, 2.45, 6.0, primary)
    _list_block(slide, sections["levers"], t, 6.9, 4.75, 6.0, primary)
    story = sections["story"].items[0] if sections["story"].items else ""
    evidence = [] if sheet["small"] else [sheet["evidence_n"], f"{t('evidence.stability')}{t('punct.colon')} "
                                          f"{sheet['stability_text'] or '—'} ({sheet['stability_reading']})",
                                          sheet["prevalence_text"] + (t("punct.colon") + " " + t("punct.list_sep").join(sheet["defining"]) if sheet["defining"] else "")]
    said = [line for row in doc["validations"]["rows"] if row["id"] == sheet["id"]
            for line in (f"{t('validation.recognised')}{t('punct.colon')} {row['recognised']}",
                         f"{t('validation.reservations')}{t('punct.colon')} {row['reservations']}")]
    _notes(slide, [t("deck.notes_evidence").upper(), *evidence, *sheet["not_recomputed"], *said, story])


def _services_said(row: dict[str, str], t) -> str:
    """A persona's line on the method slide: who recognises it, who has a reservation (no reasons)."""
    said = [f"{t(key)}{t('punct.colon')} {row[field]}" for key, field in
            (("validation.recognised", "recognised"), ("validation.reservations", "reserving"))
            if row[field] and row[field] != "—"]
    return f"{row['persona']} — {' · '.join(said)}"


def _method_slide(prs, doc: dict[str, Any], theme: Theme) -> None:
    t = doc["t"]
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, t("doc.method"), theme)
    head = {"bold": True, "size": 14, "colour": theme.primary.lstrip("#"), "after": 2, "before": 10}
    left = [(t("method.plain.title_sources"), head), *[(s, {}) for s in doc["plain_sources"]],
            (t("method.plain.title_making"), head), *[(s, {}) for s in doc["making"]],
            (t("method.plain.title_sureness"), head), *[(s, {}) for s in doc["sureness"]]]
    _text(slide, 0.5, 1.2, 6.2, 6.0, left, size=12)
    rows, said = doc["history"]["rows"], doc["validations"]["rows"]
    shown = rows[-(HISTORY_LINES - min(len(said), SERVICES_LINES)):]
    right = [(t("method.plain.title_history"), head)]
    right += [(f"{r['date']} — {r['text']}", {"bullet": True}) for r in shown]
    older = len(rows) - len(shown) + doc["history"]["older"]
    if not rows:
        right.append((t("method.plain.no_history"), {}))
    if older:
        right.append((t("method.plain.older", n=older), {"italic": True, "colour": GREY}))
    if said:  # one line per persona (the sheets and the notes say the rest)
        right += [(t("validation.title"), head), (doc["validations"]["summary"], {})]
        right += [(clamp(_services_said(r, t), 150), {"bullet": True}) for r in said[:SERVICES_LINES]]
        if len(said) > SERVICES_LINES:
            right.append((t("sheet.more", n=len(said) - SERVICES_LINES), {"italic": True, "colour": GREY}))
    right += [(t("method.privacy"), head), (doc["privacy"]["text"], {})]
    _text(slide, 7.0, 1.2, 5.9, 6.0, right, size=12)


def render_pptx(ws: Workshop, *, lang: str | None = None, theme: Theme | None = None,
                title: str | None = None) -> bytes:
    """The deck as .pptx bytes: title, overview, one slide per persona, method."""
    from pptx import Presentation

    theme = theme or load_theme()
    doc = document_view(ws, lang=lang, theme=theme, title=title)
    prs = Presentation()
    prs.slide_width, prs.slide_height = _in(WIDTH_IN), _in(HEIGHT_IN)
    prs.core_properties.title = doc["title"]
    prs.core_properties.language = {"fr": "fr-FR", "en": "en-GB"}[doc["lang"]]
    if theme.organisation:
        prs.core_properties.author = theme.organisation
    _title_slide(prs, doc, theme)
    _overview_slide(prs, doc, theme)
    for index, sheet in enumerate(doc["sheets"]):
        _persona_slide(prs, doc, sheet, theme, index)
    _method_slide(prs, doc, theme)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
