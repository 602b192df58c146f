"""Workshop -> an editable PowerPoint deck (python-pptx), to project in a meeting room.

Built from the same view as the PDF (:func:`exports.view.document_view`), so the deck says what
the sheets say, withholds what they withhold (groups under the minimum size) and keeps one
language. Everything is real, editable PowerPoint: text boxes, a native chart, shapes for the
meters; every slide has a title (screen readers list slides by it) and every picture and chart
alternative text. The evidence behind each persona goes to the speaker notes.

Projected text must be read from the back of a room: every text on a slide is 18 pt or more. So
a persona takes several slides (who they are and their figures, then their words), and every
text the workgroup wrote is on them whole: the texts are laid out by :func:`flow`, which moves a
block that does not fit to the next column or slide rather than cut it. The same goes for the
overview's table and the method. Sizes are reckoned from the type's average width (Calibri, or
its metric twin Carlito where LibreOffice renders the deck) with a margin, and checked on the
decks LibreOffice renders.
"""
from __future__ import annotations

import base64
import io
import math
from datetime import datetime, timezone
from typing import Any

from personas.model import Workshop
from workshop_data.errors import DataError
from workshop_data.messages import msg

from .charts import CHANNEL_COLOURS
from .pictograms import png_path
from .theme import Theme, load_theme
from .view import document_view

WIDTH_IN, HEIGHT_IN = 13.333, 7.5
MARGIN = 0.5
FONT = "Calibri"
GREY = "4A4A4A"
TRACK = "E4E6EA"
PORTRAIT = ("", "8A3B12", "2F6B3A", "6B2F6B", "0F5F6B", "7A5A00", "5A4A8A", "8A2340")  # sheet.css
BODY = 18               # every text on a slide: the smallest size legible projected
HEADING = 20
QUOTE = 20
TITLE = 30
CHAR_EM = 0.44          # Calibri's (and Carlito's) average character in French or English text, in em
LINE_EM = 1.2
WRAP_SLACK = 0.92       # words do not fill a line to the last character
PARAGRAPH_GAP = 6       # points after a paragraph
LANGS = {"fr": "fr-FR", "en": "en-GB"}


# ---------------------------------------------------------------- measuring text
def chars_per_line(width_in: float, size: float) -> int:
    return max(8, int(width_in * 72 / (size * CHAR_EM) * WRAP_SLACK))


def lines_of(text: str, width_in: float, size: float) -> int:
    per_line = chars_per_line(width_in, size)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def height_of(paragraphs: list[tuple[str, dict]], width_in: float) -> float:
    """Inches a text box's paragraphs take (BODY size unless a paragraph says otherwise)."""
    total = 0.0
    for text, opts in paragraphs:
        size = opts.get("size", BODY)
        indent = 0.3 if opts.get("bullet") else 0.0
        total += lines_of(text, width_in - indent - 0.2, size) * size * LINE_EM / 72
        total += (opts.get("after", PARAGRAPH_GAP) + opts.get("before", 0)) / 72
    return total


def flow(blocks: list[list[tuple[str, dict]]], width_in: float, height_in: float,
         columns: int) -> list[list[list[tuple[str, dict]]]]:
    """Blocks of paragraphs (a heading and its items) laid in columns and slides: slides -> columns
    -> paragraphs. An item is never split; a heading never ends a column; an item taller than a
    whole column gets a column of its own (and the size of type stays: the box grows, see
    :func:`_text`). Nothing is dropped."""
    slides: list[list[list[tuple[str, dict]]]] = [[[]]]
    used = 0.0

    def new_column() -> None:
        nonlocal used
        if len(slides[-1]) < columns:
            slides[-1].append([])
        else:
            slides.append([[]])
        used = 0.0

    for block in blocks:
        heading, items = (block[0], block[1:]) if block and block[0][1].get("heading") else (None, block)
        for index, item in enumerate(items or [None]):
            piece = ([heading] if heading is not None and index == 0 else []) + ([item] if item else [])
            need = height_of(piece, width_in)
            if used and used + need > height_in:
                new_column()
            if heading is not None and index > 0 and not slides[-1][-1]:
                piece = [(heading[0] + " " + heading[1].get("continued", ""), heading[1]), *piece]
                need = height_of(piece, width_in)
            slides[-1][-1].extend(piece)
            used += need
    return slides


# ---------------------------------------------------------------- shapes
def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    digits = hex_colour.lstrip("#")
    return RGBColor.from_string(digits.upper() if len(digits) == 6 else "".join(c * 2 for c in digits).upper())


def _in(value: float):
    from pptx.util import Inches

    return Inches(value)


def _text(slide, x: float, y: float, w: float, h: float, paragraphs: list[tuple[str, dict]] | str, *,
          size: float = BODY, colour: str = "1B1B1B", bold: bool = False, lang: str = "", wrap: bool = True):
    """A real text box: each paragraph is (text, options: size, bold, colour, italic, bullet, lang)."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    if isinstance(paragraphs, str):
        paragraphs = [(paragraphs, {})]
    box = slide.shapes.add_textbox(_in(x), _in(y), _in(w), _in(h))
    frame = box.text_frame
    frame.word_wrap = wrap
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_top = frame.margin_bottom = 0
    for i, (text, opts) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = ("• " if opts.get("bullet") else "") + text
        font = run.font
        font.name = FONT
        font.size = Pt(max(BODY, opts.get("size", size)))
        font.bold = opts.get("bold", bold)
        font.italic = opts.get("italic", False)
        font.color.rgb = _rgb(opts.get("colour", colour))
        run._r.get_or_add_rPr().set("lang", LANGS.get(opts.get("lang") or lang, LANGS["fr"]))
        para.space_after = Pt(opts.get("after", PARAGRAPH_GAP))
        if "before" in opts:
            para.space_before = Pt(opts["before"])
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


def title_height(text: str, size: float = TITLE) -> float:
    return lines_of(text, WIDTH_IN - 2 * MARGIN - 0.2, size) * size * LINE_EM / 72 + 0.2


def _title(slide, text: str, theme: Theme, lang: str, *, size: float = TITLE, top: float = 0.3) -> float:
    """The slide's title placeholder, restyled (what screen readers and the outline show); returns
    the y under it. A long title wraps: the box grows, the text is never cut."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    height = title_height(text, size)
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = _in(MARGIN), _in(top), _in(WIDTH_IN - 2 * MARGIN), _in(height)
    shape.text = text
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for para in frame.paragraphs:
        para.alignment = 1  # left
        for run in para.runs:
            run.font.name, run.font.size, run.font.bold = FONT, Pt(size), True
            run.font.color.rgb = _rgb(theme.primary)
            run._r.get_or_add_rPr().set("lang", LANGS.get(lang, LANGS["fr"]))
    return top + height + 0.1


def _alt(shape, text: str) -> None:
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def _notes(slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(line for line in lines if line)


def _logo(slide, theme: Theme, x: float, y: float, h: float) -> None:
    uri = theme.logo_data_uri or ""
    if not uri or uri.startswith("data:image/svg"):
        return  # PowerPoint files from python-pptx take no SVG: the organisation's name stands alone
    try:
        picture = slide.shapes.add_picture(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])), _in(x), _in(y),
                                           height=_in(h))
    except Exception as exc:  # noqa: BLE001 - load_theme checks the image; this is the last guard
        raise DataError(msg("export.logo_not_for_pptx"), column="logo",
                        expected=msg("theme.expected_png_jpeg"), found=exc.__class__.__name__) from None
    _alt(picture, theme.organisation or "logo")


def _slide(prs):
    return prs.slides.add_slide(prs.slide_layouts[5])


# ---------------------------------------------------------------- flowing text onto slides
def _heading(text: str, colour: str, t) -> tuple[str, dict]:
    return (text.upper(), {"bold": True, "size": HEADING, "colour": colour, "heading": True, "after": 3,
                           "continued": t("deck.continued")})


def _flowed(prs, doc: dict[str, Any], theme: Theme, title: str, blocks: list[list[tuple[str, dict]]], *,
            columns: int = 2, notes: list[str] | None = None, title_lang: str = "") -> int:
    """Slides holding ``blocks`` whole, titled ``title`` (numbered when there are several)."""
    t = doc["t"]
    width = (WIDTH_IN - 2 * MARGIN - 0.4 * (columns - 1)) / columns
    top = 0.3 + title_height(f"{title} (9/9)") + 0.1
    pages = flow(blocks, width, HEIGHT_IN - top - 0.35, columns)
    for number, page in enumerate(pages, start=1):
        slide = _slide(prs)
        shown = title if len(pages) == 1 else t("deck.page", title=title, i=number, n=len(pages))
        y = _title(slide, shown, theme, title_lang or doc["lang"])
        for j, column in enumerate(page):
            if column:
                height = max(height_of(column, width), 0.5)
                _text(slide, MARGIN + j * (width + 0.4), y, width, height, column, lang=doc["lang"])
        _notes(slide, notes or [])
    return len(pages)


def _items(section, lang: str) -> list[tuple[str, dict]]:
    if section.key == "notes":
        return [(f"{text} — {section.signatures[i]}", {"lang": section.lang, "after": 8})
                for i, text in enumerate(section.items)]
    return [(text, {"bullet": section.bullet, "lang": section.lang}) for text in section.items]


# ---------------------------------------------------------------- slides
def _title_slide(prs, doc: dict[str, Any], theme: Theme) -> None:
    t = doc["t"]
    slide = _slide(prs)
    _rect(slide, 0, 0, WIDTH_IN, 0.25, theme.primary)
    y = _title(slide, doc["title"], theme, doc["lang"], size=40, top=2.0)
    lines = [(theme.organisation, {"bold": True, "colour": theme.primary.lstrip("#"), "size": 24})] if theme.organisation else []
    lines.append((f"{t('doc.overview')} · {t('doc.generated')} {doc['date']}", {"colour": GREY}))
    lines.append((doc["overview_intro"], {"colour": GREY}))
    _text(slide, MARGIN, y + 0.2, WIDTH_IN - 2 * MARGIN, height_of(lines, WIDTH_IN - 2 * MARGIN), lines, size=BODY)
    _logo(slide, theme, MARGIN, 0.6, 1.0)


def _overview_text(prs, doc: dict[str, Any], theme: Theme) -> None:
    """What the overview page says in words: the figures, and how far the groups hold."""
    t = doc["t"]
    overview = doc["overview"]
    intro = doc["overview_intro"] + (" " + overview["avoidable_total"] if overview["avoidable_total"] else "")
    blocks = [[(intro, {"after": 12})]]
    if overview["structure"]:
        blocks.append([(line, {"italic": i > 0, "colour": GREY if i > 0 else "1B1B1B"})
                       for i, line in enumerate(overview["structure"])])
    _flowed(prs, doc, theme, t("doc.overview"), blocks, columns=1,
            notes=[f"{r['name']}{t('punct.colon')} {r['first_lever']}" for r in overview["rows"]])


def _overview_chart(prs, doc: dict[str, Any], theme: Theme) -> None:
    """A native 100 % stacked bar chart: each persona's contacts split by channel, in per cent."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Pt

    t = doc["t"]
    rows = [r for r in doc["overview"]["rows"] if not r["small"] and r["channels"]]
    slide = _slide(prs)
    y = _title(slide, t("deck.chart_title"), theme, doc["lang"])
    if not rows:
        _text(slide, MARGIN, y, WIDTH_IN - 2 * MARGIN, 0.6, t("sheet.no_contacts"))
        return
    data = CategoryChartData()
    data.categories = [r["chart_name"] for r in rows][::-1]
    keys = [k for k in CHANNEL_COLOURS if any(c["key"] == k for r in rows for c in r["channels"])]
    for key in keys:
        label = t(f"channel.{key}") if t.has(f"channel.{key}") else key
        data.add_series(label, [round(100 * next((c["share"] for c in r["channels"] if c["key"] == key), 0.0), 1)
                                for r in rows][::-1])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED_100, _in(MARGIN), _in(y), _in(WIDTH_IN - 2 * MARGIN),
                                   _in(HEIGHT_IN - y - 0.3), data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.font.size, chart.font.name = Pt(BODY), FONT
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.maximum_scale = 1.0
    chart.value_axis.tick_labels.number_format = '0"\u202f"%' if doc["lang"] == "fr" else "0%"
    chart.value_axis.tick_labels.number_format_is_linked = False
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = t("deck.chart_axis")
    for series, key in zip(chart.plots[0].series, keys):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(CHANNEL_COLOURS[key])
    chart.plots[0].gap_width = 50
    _alt(frame, doc["overview"]["chart_alt"])
    _notes(slide, [doc["overview"]["chart_alt"]])


TABLE_COLUMNS = (0.40, 0.32, 0.10, 0.18)


def _row_height(values: list[str], width: float) -> float:
    return max(lines_of(v, width * share - 0.2, BODY) for v, share in zip(values, TABLE_COLUMNS)) * BODY * LINE_EM / 72 + 0.16


def _table_pages(rows: list[list[str]], width: float, room: float) -> list[list[list[str]]]:
    """The rows on as few slides as they fit, shared out evenly (not nine rows and a lone tenth)."""
    def fill(most: int) -> list[list[list[str]]]:
        pages: list[list[list[str]]] = [[]]
        used = 0.0
        for row in rows:
            need = _row_height(row, width)
            if pages[-1] and (used + need > room or len(pages[-1]) >= most):
                pages.append([])
                used = 0.0
            pages[-1].append(row)
            used += need
        return pages

    pages = fill(len(rows))
    even = fill(math.ceil(len(rows) / len(pages)))
    return even if len(even) == len(pages) else pages


def _overview_table(prs, doc: dict[str, Any], theme: Theme) -> None:
    """The key figures, one row per persona, on as many slides as the rows need (names whole)."""
    from pptx.util import Pt

    t = doc["t"]
    width = WIDTH_IN - 2 * MARGIN
    headers = [t("overview.name"), t("overview.archetype"), t("overview.share"), t("overview.avoidable_year")]
    rows = [[r["name"], r["archetype"], t("overview.hidden") if r["small"] else r["share_text"],
             "" if r["small"] else r["avoidable_text"]] for r in doc["overview"]["rows"]]
    title = t("overview.key_figures")
    top = 0.3 + title_height(f"{title} (9/9)") + 0.1
    room = HEIGHT_IN - top - 0.3 - _row_height(headers, width)
    pages = _table_pages(rows, width, room)
    for number, page in enumerate(pages, start=1):
        slide = _slide(prs)
        y = _title(slide, title if len(pages) == 1 else t("deck.page", title=title, i=number, n=len(pages)),
                   theme, doc["lang"])
        heights = [_row_height(headers, width), *(_row_height(r, width) for r in page)]
        shape = slide.shapes.add_table(len(page) + 1, 4, _in(MARGIN), _in(y), _in(width), _in(sum(heights)))
        table = shape.table
        for j, share in enumerate(TABLE_COLUMNS):
            table.columns[j].width = _in(width * share)
        for i, height in enumerate(heights):
            table.rows[i].height = _in(height)
        for i, values in enumerate([headers, *page]):
            for j, value in enumerate(values):
                cell = table.cell(i, j)
                cell.text = value
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(theme.primary if i == 0 else ("F5F6F8" if i % 2 else "FFFFFF"))
                cell.margin_top = cell.margin_bottom = _in(0.04)
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size, run.font.name, run.font.bold = Pt(BODY), FONT, i == 0 or j == 0
                        run.font.color.rgb = _rgb(theme.on_primary if i == 0 else "1B1B1B")
                        run._r.get_or_add_rPr().set("lang", LANGS.get(doc["lang"], LANGS["fr"]))


def _portrait(slide, sheet: dict[str, Any], theme: Theme, x: float, y: float, d: float, lang: str) -> None:
    """The archetype's pictogram on a coloured disc, or the initials on one line."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Pt

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
    frame.word_wrap = False            # two letters on one line, whatever the disc's inner margins
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.text = sheet["initials"]
    frame.paragraphs[0].alignment = 2  # centre
    run = frame.paragraphs[0].runs[0]
    run.font.size, run.font.bold, run.font.name = Pt(32), True, FONT
    run.font.color.rgb = _rgb("FFFFFF")
    run._r.get_or_add_rPr().set("lang", LANGS.get(sheet["name_lang"] or lang, LANGS["fr"]))
    _alt(disc, sheet["portrait"]["alt"])


def _bars(slide, items: list[tuple[str, float, str]], colour: str, x: float, y: float, *, label_w: float,
          bar_w: float, value_w: float) -> float:
    """Meters: each label on its line (whole, wrapping when long), the bar and the value under it;
    returns the y under the last one."""
    for label, value, text in items:
        lines = lines_of(label, label_w, BODY)
        line_h = BODY * LINE_EM / 72
        _text(slide, x, y, label_w, lines * line_h, [(label, {"after": 0})])
        _text(slide, x + label_w + bar_w + 0.1, y, value_w, line_h, [(text, {"bold": True, "after": 0})], wrap=False)
        _rect(slide, x + label_w + 0.05, y + 0.1, bar_w, 0.14, TRACK)
        _rect(slide, x + label_w + 0.05, y + 0.1, bar_w * max(0.0, min(100.0, value)) / 100, 0.14, colour)
        y += lines * line_h + 0.06
    return y


def _meters_height(items: list[tuple[str, float, str]], label_w: float) -> float:
    return sum(lines_of(label, label_w, BODY) * BODY * LINE_EM / 72 + 0.06 for label, _, _ in items)


def _persona_slides(prs, doc: dict[str, Any], sheet: dict[str, Any], theme: Theme, index: int) -> None:
    """Who the persona is and its figures, then its words on as many slides as they need."""
    t = doc["t"]
    lang = doc["lang"]
    primary, on_primary = theme.primary.lstrip("#"), theme.on_primary.lstrip("#")
    evidence = [] if sheet["small"] else [
        sheet["evidence_n"],
        f"{t('evidence.stability')}{t('punct.colon')} {sheet['stability_text'] or '—'} ({sheet['stability_reading']})",
        sheet["prevalence_text"] + (t("punct.colon") + " " + t("punct.list_sep").join(sheet["defining"])
                                    if sheet["defining"] else ""),
        *([sheet["apart"]] if sheet["apart"] else [])]
    said = [line for row in doc["validations"]["rows"] if row["id"] == sheet["id"]
            for line in (f"{t('validation.recognised')}{t('punct.colon')} {row['recognised']}",
                         f"{t('validation.reservations')}{t('punct.colon')} {row['reservations']}")]
    notes = [t("deck.notes_evidence").upper(), *evidence, *sheet["not_recomputed"], *said]

    # 1. Who they are: name, portrait, archetype, owner and version, the services' say, the quote.
    slide = _slide(prs)
    y = _title(slide, sheet["name"], theme, sheet["name_lang"] or lang)
    _portrait(slide, sheet, theme, MARGIN, y + 0.05, 1.3, lang)
    status = t("sheet.validated") if sheet["validated"] else t("sheet.draft")
    head = [(f"{t('sheet.archetype')}{t('punct.colon')} {sheet['archetype']} · {status}", {"bold": True})]
    stewardship = (f"{t('sheet.owner')}{t('punct.colon')} {sheet['owner']} · " if sheet["owner"] else "") + sheet["version"]
    head.append((stewardship, {"colour": GREY, "lang": sheet["owner_lang"]}))
    if sheet["validations"]:
        head.append((sheet["validations_line"], {"colour": GREY, "lang": sheet["validations_lang"]}))
    if sheet["quote"]:
        head.append((t("quote.open") + sheet["quote"] + t("quote.close"),
                     {"italic": True, "size": QUOTE, "lang": sheet["quote_lang"], "before": 6}))
    box_w = WIDTH_IN - MARGIN - 2.1 - (4.2 if not sheet["small"] else 0)
    _text(slide, 2.1, y, box_w, height_of(head, box_w), head)
    if sheet["small"]:
        lines = [(t("sheet.small_group"), {"bold": True}), (t("sheet.small_group_detail", n=doc["min_group_size"]), {})]
        _text(slide, MARGIN, max(y + 1.6, y + height_of(head, box_w) + 0.2), WIDTH_IN - 2 * MARGIN, 1.5, lines)
    else:
        figures = [(t("sheet.size"), sheet["size_number"]), (t("sheet.share"), sheet["share_text"]),
                   (t("deck.avoidable_short"), doc["overview"]["rows"][index]["avoidable_text"])]
        for j, (label, value) in enumerate(figures):
            top = y + j * 1.0
            _alt(_rect(slide, WIDTH_IN - MARGIN - 4.0, top, 4.0, 0.9, theme.primary), "")
            _text(slide, WIDTH_IN - MARGIN - 3.9, top + 0.05, 3.8, 0.85,
                  [(value, {"bold": True, "size": 24, "colour": on_primary, "after": 0}),
                   (label, {"colour": on_primary, "after": 0})])
    _notes(slide, notes)

    # 2. Their figures: traits on the left; channels and reasons for contact on the right.
    if not sheet["small"]:
        meters = [(m["label"], m["value"], f"{m['value_text']} · {m['level']}") for m in sheet["all_traits"] or sheet["traits"]]
        channels = [(c["label"], c["value"], c["share_text"]) for c in sheet["channels"]]
        label_w, bar_w = 2.7, 1.1
        title = t("deck.figures_of", name=sheet["name"])
        top = 0.3 + title_height(title) + 0.1
        room = HEIGHT_IN - top - 0.3
        parts: list[list[tuple[str, float, str]]] = [[]]
        for meter in meters:                          # meters in as many columns as they need
            if parts[-1] and _meters_height(parts[-1] + [meter], label_w) > room - 0.65:   # under its heading
                parts.append([])
            parts[-1].append(meter)
        journey = [(f"{r['topic']} — {r['share_text']}" + (f" · {r['channels']}" if r["channels"] else ""),
                    {"bullet": True, "lang": doc["workshop_lang"] if r["own_words"] and sheet["journey_lang"] else lang})
                   for r in sheet["journey"]]
        heading_h = 0.45
        blocks = [("traits", p) for p in parts if p] + ([("channels", channels)] if channels else [])
        blocks += [("journey", journey)] if journey else []
        columns: list[list[tuple[str, Any]]] = []
        used = 0.0
        for kind, content in blocks:                  # each block whole, a column filled before the next
            height = heading_h + 0.2 + (height_of(content, 6.0) if kind == "journey"
                                        else _meters_height(content, label_w if kind == "traits" else 2.4))
            if not columns or used + height > room:
                columns.append([])
                used = 0.0
            columns[-1].append((kind, content))
            used += height
        pages = math.ceil(len(columns) / 2)
        for start in range(0, len(columns), 2):
            slide = _slide(prs)
            shown = title if pages == 1 else t("deck.page", title=title, i=start // 2 + 1, n=pages)
            y0 = _title(slide, shown, theme, sheet["name_lang"] or lang)
            for j, column in enumerate(columns[start:start + 2]):
                x, y = MARGIN + j * 6.35, y0
                for kind, content in column:
                    key = {"traits": "sheet.traits", "channels": "sheet.channels", "journey": "sheet.journey"}[kind]
                    heading = t(key) + (" " + t("deck.continued") if kind == "traits" and content is not parts[0] else "")
                    _text(slide, x, y, 6.0, 0.4, [_heading(heading, primary, t)])
                    if kind == "journey":
                        _text(slide, x, y + heading_h, 6.0, height_of(content, 6.0), content)
                        y += heading_h + height_of(content, 6.0) + 0.2
                    else:
                        traits = kind == "traits"
                        y = _bars(slide, content, theme.primary if traits else theme.accent, x, y + heading_h,
                                  label_w=label_w if traits else 2.4, bar_w=bar_w if traits else 1.9,
                                  value_w=2.3 if traits else 1.2) + 0.2
            _notes(slide, notes)

    # 3. Their words: the story, goals, frustrations, needs, levers, the front-line card, the notes.
    blocks = []
    for section in sheet["sections"]:
        if section.items:
            blocks.append([_heading(section.title, primary, t), *_items(section, lang)])
    if blocks:
        _flowed(prs, doc, theme, sheet["name"], blocks, notes=notes, title_lang=sheet["name_lang"])


def _method_slides(prs, doc: dict[str, Any], theme: Theme) -> None:
    t = doc["t"]
    primary = theme.primary.lstrip("#")
    blocks = [[_heading(t("method.plain.title_sources"), primary, t), *[(s, {}) for s in doc["plain_sources"]]],
              [_heading(t("method.plain.title_making"), primary, t), *[(s, {}) for s in doc["making"]]],
              [_heading(t("method.plain.title_sureness"), primary, t), *[(s, {}) for s in doc["sureness"]]]]
    history = [(f"{r['date']} — {r['text']}", {"bullet": True}) for r in doc["history"]["rows"]]
    if not history:
        history = [(t("method.plain.no_history"), {})]
    if doc["history"]["older"]:
        history.append((t("method.plain.older", n=doc["history"]["older"]), {"italic": True, "colour": GREY}))
    blocks.append([_heading(t("method.plain.title_history"), primary, t), *history])
    if doc["validations"]["rows"]:
        blocks.append([_heading(t("validation.title"), primary, t), (doc["validations"]["summary"], {}),
                       *[(f"{r['persona']} — {t('validation.recognised')}{t('punct.colon')} {r['recognised']} · "
                          f"{t('validation.reservations')}{t('punct.colon')} {r['reservations']}", {"bullet": True})
                         for r in doc["validations"]["rows"]]])
    blocks.append([_heading(t("method.privacy"), primary, t), (doc["privacy"]["text"], {})])
    _flowed(prs, doc, theme, t("doc.method"), blocks)


def _properties(prs, doc: dict[str, Any], theme: Theme) -> None:
    """Who made the deck, when, in which language: not python-pptx's template (2013, "Steve Canny")."""
    t = doc["t"]
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props = prs.core_properties
    props.title = doc["title"]
    props.subject = t("doc.overview")
    props.author = theme.organisation or t("deck.author")
    props.last_modified_by = theme.organisation or t("deck.author")
    props.created = props.modified = now
    props.last_printed = now
    props.revision = 1
    props.language = LANGS[doc["lang"]]
    props.keywords = t("deck.keywords")
    props.category = ""
    props.comments = ""


def render_pptx(ws: Workshop, *, lang: str | None = None, theme: Theme | None = None,
                title: str | None = None) -> bytes:
    """The deck as .pptx bytes: title, overview (words, chart, table), each persona, method."""
    from pptx import Presentation

    theme = theme or load_theme()
    doc = document_view(ws, lang=lang, theme=theme, title=title, fit=False)
    prs = Presentation()
    prs.slide_width, prs.slide_height = _in(WIDTH_IN), _in(HEIGHT_IN)
    _properties(prs, doc, theme)
    _title_slide(prs, doc, theme)
    _overview_text(prs, doc, theme)
    _overview_chart(prs, doc, theme)
    _overview_table(prs, doc, theme)
    for index, sheet in enumerate(doc["sheets"]):
        _persona_slides(prs, doc, sheet, theme, index)
    _method_slides(prs, doc, theme)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
