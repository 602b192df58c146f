"""The overview page: a title, the chart, the key figures per persona, how clear the groups are.

Written for a director who has two minutes: who the users are (share of respondents), how they
contact the service, how many contacts could be avoided, and the first thing to do for each. The
verdict on the groups is the one every output gives (:func:`personas.structure.structure_words`),
made from the personas as they are now. Names and levers are printed whole; with many personas
the page takes a smaller type (``density``) so that it still holds on one page, and a row is
never split across two.
"""
from __future__ import annotations

import base64
from datetime import date
from typing import Any

from personas.i18n import Translator
from personas.model import Workshop

from .charts import CHANNEL_COLOURS, overview_chart
from .formatting import fmt_date, fmt_int, one_line
from .theme import Theme

#: Characters the table's rows hold before the overview takes its denser type (A4, measured on
#: rendered pages: ten personas with 60-character names and 110-character levers fit at "dense").
DENSE_FROM = 1500
COMPACT_FROM = 2400


def document_title(ws: Workshop, t: Translator, lang: str, theme: Theme, title: str | None) -> str:
    """The title asked for; else the workshop's own, unless the build drafted it (older builds put the
    survey's file name in it)."""
    if title and one_line(title):
        return one_line(title)
    own = one_line(ws.title)
    names = [str(s.get("name") or "") for s in ws.sources]
    drafted = bool((ws.settings or {}).get("title_drafted"))
    if own and not drafted and not any(n and n in own for n in names):
        return own
    day = fmt_date((ws.updated or ws.created or date.today().isoformat()), lang)
    if theme.organisation:
        return t("doc.title_org", organisation=theme.organisation, date=day)
    return t("doc.title_dated", date=day)


def structure_lines(ws: Workshop, lang: str, *, typology: bool = True) -> list[str]:
    """The verdict on the groups and the figures behind it, as the command line says them, in the
    document's typography (no line in older workshops, which have no verdict)."""
    from personas.narrative import french_typography
    from personas.structure import structure_words

    lines = structure_words(ws, lang, typology=typology)
    return [french_typography(line) for line in lines] if lang == "fr" else lines


def _opening(text: str) -> str:
    return text.split(":")[0].split(",")[0].strip().casefold()


def key_lever(levers: list[str], shown: set[str]) -> str:
    """The persona's first lever that does not open like one already shown above it: a director
    reading the overview sees what sets each persona apart, not the same advice four times."""
    fresh = [lever for lever in levers if _opening(lever) not in shown]
    return (fresh or levers or [""])[0]


def overview_rows(sheets: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    rows = []
    shown: set[str] = set()
    for sheet in sheets:
        levers = next((s.items for s in sheet["sections"] if s.key == "levers"), [])
        lever = key_lever(list(levers), shown)
        shown.add(_opening(lever))
        rows.append({
            "id": sheet["id"], "name": sheet["name"], "chart_name": sheet["name"], "name_lang": sheet["name_lang"],
            "archetype": sheet["archetype"], "small": sheet["small"], "colour": sheet["colour"],
            "size_text": sheet["size_number"], "share_text": sheet["share_text"],
            "share_value": sheet["share_value"] * 100, "channels": sheet["channels"],
            "stability_text": sheet["stability_text"] or "—", "stability_reading": sheet["stability_reading"],
            "avoidable_text": fmt_int(sheet["avoidable_per_year"], lang) if sheet["avoidable_per_year"] > 0 else "—",
            "first_lever": lever or "—",
            "lever_lang": next((s.lang for s in sheet["sections"] if s.key == "levers"), ""),
        })
    return rows


def density(rows: list[dict[str, Any]]) -> str:
    """How tightly the overview is set: "" (normal), "dense" or "compact", from how much its table
    and chart hold (their rows grow with the number of personas and the length of their words)."""
    load = sum(len(r["name"]) + len(r["archetype"]) + len(r["first_lever"]) + 60 for r in rows) + 90 * len(rows)
    if load >= COMPACT_FROM:
        return "compact"
    return "dense" if load >= DENSE_FROM else ""


def chart_description(rows: list[dict[str, Any]], t: Translator) -> str:
    """The chart's alternative text: the same figures, in sentences."""
    parts = []
    for row in rows:
        if row["small"]:
            parts.append(t("chart.row_hidden", name=row["chart_name"]))
            continue
        main = row["channels"][0] if row["channels"] else None
        parts.append(t("chart.row", name=row["chart_name"], share=row["share_text"])
                     + (t("chart.row_channel", channel=main["label"].lower(), share=main["share_text"]) if main else ""))
    return t("chart.alt") + " " + t("punct.list_sep").join(parts) + "."


def overview_view(ws: Workshop, sheets: list[dict[str, Any]], *, lang: str, t: Translator, theme: Theme) -> dict[str, Any]:
    rows = overview_rows(sheets, lang)
    present = {c["key"] for row in rows for c in row["channels"]}
    legend = [(c, t(f"channel.{c}") if t.has(f"channel.{c}") else c) for c in CHANNEL_COLOURS if c in present]
    svg = overview_chart(rows, legend, share_title=t("chart.share_title"), mix_title=t("chart.mix_title"),
                         hidden=t("overview.hidden"), primary=theme.primary)
    avoidable = sum(s["avoidable_per_year"] for s in sheets)
    return {
        "rows": rows,
        "density": density(rows),
        "chart_src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
        "chart_svg": svg,
        "chart_alt": chart_description(rows, t),
        "structure": structure_lines(ws, lang),
        "avoidable_total": t("overview.avoidable_total", n=fmt_int(avoidable, lang)) if avoidable > 0 else "",
    }
