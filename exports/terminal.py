"""Workshop -> lines of text for a terminal (``persona-workshop show``), in one language.

What the documents say, short: the personas with their evidence, each service's notes, who they
are beside the whole sample, the verdict on the groups (the same sentences as every document),
the table of the number of profiles tried, and how many edits can be undone. Every word comes
from the catalogues, every number is written the language's way, a drafted name is given in the
language asked (:mod:`exports.language`), and nothing a person typed can drive the terminal: the
workshop's texts are made printable first (a note cannot set the window's title or clear the screen).
"""
from __future__ import annotations

from typing import Any

from personas.model import Workshop

from .formatting import (archetype_label, archetype_names, fmt_dec, fmt_int, fmt_pct, one_line,
                         printable_workshop, translator)
from .overview import structure_lines
from .view import descriptor_label, separation_text

#: The k table's columns ``show`` prints, in order.
K_COLUMNS = ("k", "validity", "null_validity", "gap", "gap_sd", "stability", "stability_min",
             "prediction_strength", "recommended")


def _aligned(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                             for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows]


def _k_cell(value: Any, lang: str, t) -> str:
    if isinstance(value, bool):
        return "*" if value else ""
    if isinstance(value, float):
        return fmt_dec(value, lang, 3)
    return "-" if value is None else str(value)


def summary_lines(ws: Workshop, lang: str | None = None) -> list[str]:
    """The workshop as ``show`` prints it, in ``lang`` (default: the workshop's)."""
    from .language import drafted_name

    ws = printable_workshop(ws)
    t = translator(lang or ws.lang)
    lang = t.lang
    settings = ws.settings or {}
    method = str(settings.get("method") or "-")
    method = t(f"method.value.method.{method}") if t.has(f"method.value.method.{method}") else method
    lines = [t("show.head", title=one_line(ws.title), n=len(ws.assignments), count=fmt_int(len(ws.assignments), lang),
               revision=ws.revision),
             t("show.settings", method=method, k=settings.get("k", "-"), seed=settings.get("seed", "-")), ""]
    names = archetype_names(lang, ws)
    header = [t(f"show.column.{key}") for key in ("id", "name", "archetype", "size", "share", "stability",
                                                    "prevalence", "validated", "not_recomputed")]
    rows = [header]
    notes: dict[int, list[str]] = {}
    for index, p in enumerate(ws.personas, start=1):
        small = p.size < ws.min_group_size
        name = (drafted_name(ws, p, lang) if lang != ws.lang else None) or one_line(p.name)
        archetype = archetype_label(p.archetype, names, t) if p.archetype else "-"
        fit = "" if small or p.archetype_fit is None else f" ({fmt_dec(p.archetype_fit, lang)})"
        rows.append([
            p.id, name, archetype + fit,
            f"< {ws.min_group_size}" if small else fmt_int(p.size, lang),
            "-" if small else fmt_pct(p.share, lang),
            "-" if small or p.stability is None else fmt_dec(p.stability, lang),
            "-" if small else f"{fmt_int(p.prevalence, lang)} ({fmt_pct(p.prevalence_share, lang)})",
            t("method.answer_yes") if p.validated else t("method.answer_no"),
            ", ".join(t(f"show.field.{f}") if t.has(f"show.field.{f}") else f for f in p.not_recomputed),
        ])
        apart = "" if small else separation_text(ws, p, lang, t)
        notes[index] = ([f"        {apart}"] if apart else []) + \
            [f"        [{one_line(n.service)}] {one_line(n.text)}" for n in p.notes]
    table = _aligned(rows, {3, 4, 5, 6})
    lines.append(table[0])
    for index, line in enumerate(table[1:], start=1):
        lines += [line, *notes[index]]
    lines += _descriptors(ws, lang, t)
    verdict = structure_lines(ws, lang)
    if verdict:
        lines += ["", *verdict]
    if ws.k_table:
        keys = [key for key in K_COLUMNS if any(key in row for row in ws.k_table)]
        k_rows = [[t(f"show.k_column.{key}") for key in keys]]
        k_rows += [[_k_cell(row.get(key), lang, t) for key in keys] for row in ws.k_table]
        lines += ["", t("show.k_table"), *_aligned(k_rows, set(range(len(keys))))]
    if ws.history or ws.redo:
        lines += ["", t("show.history", n=len(ws.history), count=fmt_int(len(ws.history), lang),
                        redo=fmt_int(len(ws.redo), lang))]
    return lines


def _descriptors(ws: Workshop, lang: str, t) -> list[str]:
    """Each persona's descriptors beside the whole sample: the largest category, or the median."""
    shown = [p for p in ws.personas if p.descriptors and p.size >= ws.min_group_size]
    if not shown:
        return []
    lines = ["", t("show.descriptors")]
    for p in shown:
        parts = []
        for column, item in p.descriptors.items():
            if not isinstance(item, dict):
                continue
            label = descriptor_label(str(column), item.get("label"), lang, t)
            own, sample = item.get("persona") or {}, item.get("sample") or {}
            if item.get("kind") == "numeric":
                mine, everyone = own.get("median"), sample.get("median")
                parts.append(t("show.median", label=label, value="-" if mine is None else fmt_dec(mine, lang, 1),
                               sample="-" if everyone is None else fmt_dec(everyone, lang, 1)))
            elif own:
                top = max(sorted(own), key=lambda c: own[c] or 0)
                parts.append(t("show.category", label=label, category=top, share=fmt_pct(float(own[top] or 0), lang),
                               sample=fmt_pct(float(sample.get(top) or 0), lang)))
        lines.append(f"  {p.id}  " + t("punct.list_sep").join(parts))
    return lines
