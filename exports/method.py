"""The method page in plain words for managers, and the technical appendix for analysts.

The method page says where the data come from, how the personas were made (and whether their
number was chosen by the analysis or imposed), how sure we can be (the verdict every output gives,
from the personas as they are now) and what the workgroup changed (from the workshop's history,
with dates and the names as they were). Seeds, hashes, variables and the table of the number of
profiles go to the appendix page, every key in words.
"""
from __future__ import annotations

import math
from typing import Any

from personas.i18n import Translator
from personas.model import Workshop

from .formatting import (archetype_label, archetype_names, fmt_date, fmt_dec, fmt_int, fmt_value,
                         stability_reading)
from .overview import structure_lines
from .validations import validation_view

MAX_HISTORY = 30
#: Settings said in words elsewhere (the verdict, the title), or kept for the toolkit only.
_SETTINGS_ELSEWHERE = ("structure", "structure_evidence", "messages", "title_drafted")
#: The k table's columns the appendix prints, in order (gap_sd goes with gap: "0,41 ± 0,02").
K_COLUMNS = ("k", "validity", "null_validity", "gap", "stability", "stability_min", "prediction_strength",
             "archetypes", "recommended")


# ---------------------------------------------------------------- plain words
def source_sentences(ws: Workshop, lang: str, t: Translator) -> list[str]:
    """One sentence per source: what it is and how much of it, never its file name."""
    out = []
    days = ws.settings.get("period_days")
    for source in ws.sources:
        role = str(source.get("role") or "")
        rows = source.get("rows")
        key = f"method.plain.source.{role}" if t.has(f"method.plain.source.{role}") else "method.plain.source.other"
        text = t(key, n=fmt_int(rows, lang) if isinstance(rows, (int, float)) else "?")
        if role == "contacts" and isinstance(days, (int, float)) and math.isfinite(days) and days > 0:
            text += " " + t("method.plain.period", days=fmt_int(days, lang))
        out.append(text)
    return out


def making_sentences(ws: Workshop, lang: str, t: Translator) -> list[str]:
    """How the personas were made: how many the analysis kept (or was told to make), how many there
    are now, and which typology named them, if any did."""
    found = ws.settings.get("k")
    requested = ws.settings.get("k_requested")
    imposed = isinstance(requested, int) and not isinstance(requested, bool)
    now = len(ws.personas)
    out = [t("method.plain.how")]
    if imposed:
        out.append(t("method.plain.k_imposed", k=fmt_int(requested, lang), n=requested))
    if isinstance(found, int) and found != now:
        out.append(t("method.plain.k_changed", found=fmt_int(found, lang), now=fmt_int(now, lang), n=now))
    elif not imposed:
        out.append(t("method.plain.k_same", now=fmt_int(now, lang), n=now))
    typology = ws.settings.get("typology")
    if isinstance(typology, dict) and isinstance(typology.get("name"), dict):
        name = typology["name"].get(lang) or next(iter(typology["name"].values()), "")
        named = sum(1 for p in ws.personas if p.archetype)
        if named:
            out.append(t("method.plain.typology", name=name, n=named, total=fmt_int(now, lang)))
        else:
            out.append(t("method.plain.typology_unused", name=name))
    return out


def stability_counts(ws: Workshop, lang: str, t: Translator) -> str:
    """How many personas are stable, to confirm, fragile or not measured, read as each sheet reads it."""
    readings = [stability_reading(p.stability).rsplit("_", 1)[-1] for p in ws.personas]
    parts = [t(f"method.plain.count.{key}", n=readings.count(key), count=fmt_int(readings.count(key), lang))
             for key in ("stable", "confirm", "fragile", "unknown") if key in readings]
    return t("method.plain.stability", parts=t("punct.list_sep").join(parts))


def sureness_sentences(ws: Workshop, lang: str, t: Translator) -> list[str]:
    """The verdict (the typology is said with how the profiles were made), the readings, prevalence."""
    return [*structure_lines(ws, lang, typology=False), stability_counts(ws, lang, t), t("method.plain.prevalence")]


def _names_at(entry: dict[str, Any], ws: Workshop, lang: str, typed: set[str]) -> dict[str, str]:
    """The names personas had when an edit was made (before it, else after it), in ``lang`` when the
    name was still the toolkit's (no rename before this edit: ``typed`` holds the renamed ids)."""
    from dataclasses import replace

    from personas.model import Persona

    from .language import name_in

    current = {p.id: p for p in ws.personas}
    names: dict[str, str] = {}
    for side in ("after", "before"):
        for item in (entry.get(side) or {}).get("personas") or []:
            if not (isinstance(item, dict) and isinstance(item.get("name"), str) and item.get("id")):
                continue
            pid, name = str(item["id"]), item["name"]
            if pid not in typed and lang != ws.lang:
                try:
                    persona = replace(current[pid], name=name) if pid in current else Persona.from_dict(item)
                    name = name_in(ws, persona, lang) or name
                except (TypeError, ValueError, KeyError):  # a partial or hand-edited entry: the name as it is
                    pass
            names[pid] = name
    return names


def history_rows(ws: Workshop, lang: str, t: Translator, shown: dict[str, str] | None = None) -> dict[str, Any]:
    """What the workgroup changed, oldest first, one line per edit, with its date.

    A persona is named as it was at that edit (a rename reads "X renamed “Y”", a merge names the
    persona that went; a name the toolkit gave in the document's language), else as the document
    names it now (``shown``: id -> name).
    """
    current = {p.id: p.name for p in ws.personas}
    current.update(shown or {})

    def who(pid: Any, names: dict[str, str]) -> str:
        pid = str(pid or "")
        name = names.get(pid) or current.get(pid)
        return f"{name} ({pid})" if name else pid

    typed: set[str] = set()
    for entry in ws.history[:-MAX_HISTORY]:
        if isinstance(entry, dict) and entry.get("op") == "rename":
            typed.add(str((entry.get("args") or {}).get("persona")))
    rows = []
    for entry in ws.history[-MAX_HISTORY:]:
        op, args = str(entry.get("op") or ""), entry.get("args") or {}
        at_edit = _names_at(entry, ws, lang, typed)
        before = {str(p.get("id")): at_edit.get(str(p.get("id")), p.get("name"))
                  for p in (entry.get("before") or {}).get("personas") or []
                  if isinstance(p, dict) and isinstance(p.get("name"), str)}
        at_edit.update(before)
        if op == "rename":
            typed.add(str(args.get("persona")))
        key = f"history.{op}"
        if op == "validate":
            key += ".yes" if args.get("validated") else ".no"
        if op == "validation":
            key += f".{args.get('status') or 'withdrawn'}"
        values = {k: str(v) for k, v in args.items() if isinstance(v, (str, int, float))}
        values.update({k: who(args.get(k), at_edit) for k in ("persona", "keep", "other", "new", "to") if k in args})
        if op == "archetype":
            values["archetype"] = archetype_label(args.get("archetype"), archetype_names(lang, ws), t)
        if op == "move":
            values["n"] = fmt_int(len(entry.get("moves") or entry.get("after", {}).get("moved")
                                      or [i for m in entry.get("moved") or [] for i in m.get("ids") or []]), lang)
        if op == "set" and t.has(f"sheet.{args.get('field')}"):
            values["field"] = t(f"sheet.{args.get('field')}")
        try:
            text = t(key, **values) if t.has(key) else op
        except (KeyError, IndexError, ValueError):  # an entry from an older or hand-edited file
            text = op
        rows.append({"date": fmt_date(str(entry.get("time") or ""), lang), "text": text})
    return {"rows": rows, "older": max(0, len(ws.history) - MAX_HISTORY)}


# ---------------------------------------------------------------- technical appendix
def sources_table(ws: Workshop, lang: str, t: Translator) -> list[dict[str, str]]:
    rows = []
    for source in ws.sources:
        role = str(source.get("role") or "")
        digest = str(source.get("sha256") or "")
        date = source.get("date") or source.get("modified") or source.get("loaded") or ""
        rows.append({
            "role": t(f"role.{role}") if t.has(f"role.{role}") else role,
            "name": str(source.get("name") or ""),
            "hash": f"{digest[:12]}…" if len(digest) > 12 else digest,
            "rows": fmt_int(source["rows"], lang) if isinstance(source.get("rows"), (int, float)) else "",
            "date": fmt_date(str(date), lang),
        })
    return rows


def feature_name(name: str, ws: Workshop, lang: str, t: Translator, traits: dict[str, str]) -> str:
    """A clustering variable in words: a trait's name, a contact figure's, else the survey
    question's label in ``lang`` (its column name when the codebook has no label)."""
    if name.startswith("trait:"):
        dim = name[6:]
        return traits.get(dim) or (t(f"trait.{dim}") if t.has(f"trait.{dim}") else dim)
    if t.has(f"feature.{name}"):
        return t(f"feature.{name}")
    for prefix in ("contacts_", "share_"):
        channel = name[len(prefix):]
        if name.startswith(prefix) and t.has(f"channel.{channel}"):
            words = t(f"channel.{channel}").lower() if lang == "fr" else t(f"channel.{channel}")
            return t(f"feature.{prefix}channel", channel=words)
    column, _, level = name.partition("=")
    spec = ((ws.codebook or {}).get("columns") or {}).get(column)
    label = spec.get("label") if isinstance(spec, dict) else None
    words = (label.get(lang) or next(iter(label.values()), column)) if isinstance(label, dict) else (label or column)
    return f"{words} = {level}" if level else str(words)


def _setting_text(key: str, value: Any, ws: Workshop, lang: str, t: Translator, traits: dict[str, str]) -> str:
    if key == "features" and isinstance(value, (list, tuple)):
        names = [feature_name(str(v), ws, lang, t, traits) for v in value]
        head = ", ".join(names[:12])
        return t("method.features_count", n=len(names), count=fmt_int(len(names), lang), names=head
                 + (", …" if len(names) > 12 else ""))
    if isinstance(value, str) and t.has(f"method.value.{key}.{value}"):
        return t(f"method.value.{key}.{value}")
    if key == "k_range" and isinstance(value, (list, tuple)) and len(value) == 2:
        return t("method.range", low=fmt_value(value[0], lang, t), high=fmt_value(value[1], lang, t))
    if key == "weights" and isinstance(value, dict):
        return ", ".join(
            f"{t(f'method.group.{k}') if t.has(f'method.group.{k}') else k}{t('punct.colon')} {fmt_value(v, lang, t)}"
            for k, v in value.items())
    if key == "typology" and isinstance(value, dict):
        name = value.get("name") or {}
        name = name.get(lang) or next(iter(name.values()), "") if isinstance(name, dict) else str(name)
        source = str(value.get("source") or "")
        source = t(f"method.value.typology_source.{source}") if t.has(f"method.value.typology_source.{source}") else source
        digest = str(value.get("sha256") or "")
        return ", ".join(p for p in (str(name), source, digest[:12]) if p)
    if key == "period_days" and isinstance(value, float) and math.isfinite(value):
        return fmt_int(round(value), lang)
    return fmt_value(value, lang, t)


def settings_table(ws: Workshop, lang: str, t: Translator) -> list[dict[str, str]]:
    from .traits import trait_names

    traits = trait_names(ws, lang, t)
    rows = []
    for key, value in ws.settings.items():
        if value in (None, "", [], {}) or key in _SETTINGS_ELSEWHERE or not t.has(f"method.setting.{key}"):
            continue
        rows.append({"label": t(f"method.setting.{key}"), "value": _setting_text(key, value, ws, lang, t, traits)})
    return rows


def _k_cell(row: dict[str, Any], column: str, lang: str, t: Translator) -> str:
    value = row.get(column)
    if column == "gap" and isinstance(value, (int, float)) and isinstance(row.get("gap_sd"), (int, float)):
        return f"{fmt_dec(value, lang)} ± {fmt_dec(row['gap_sd'], lang)}"
    if column == "recommended":
        return t("method.answer_yes") if value else ""
    return fmt_value(value, lang, t) if value is not None else "—"


def k_table(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    """The number of profiles tried: the columns the table has, among :data:`K_COLUMNS`, in words."""
    present = {c for row in ws.k_table for c in row}
    columns = [c for c in K_COLUMNS if c in present]
    rows = [[_k_cell(row, c, lang, t) for c in columns] for row in ws.k_table[:12]]
    headers = [t(f"method.k_column.{c}") for c in columns]
    return {"headers": headers, "rows": rows, "columns": columns}


def privacy_view(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    removed = []
    for item in (ws.privacy.get("removed_columns") or [])[:15]:
        if isinstance(item, dict):
            kind = str(item.get("kind", "") or item.get("reason", ""))
            reason = t(f"pii.{kind}") if kind and t.has(f"pii.{kind}") else str(item.get("reason", ""))
            removed.append({"column": str(item.get("column", "")), "reason": reason})
        else:
            removed.append({"column": str(item), "reason": ""})
    more = max(0, len(ws.privacy.get("removed_columns") or []) - len(removed))
    scrubbed = []
    for kind, count in (ws.privacy.get("scrubbed") or {}).items():
        label = t(f"pii.{kind}") if t.has(f"pii.{kind}") else str(kind)
        number = fmt_int(count, lang) if isinstance(count, (int, float)) else str(count)
        scrubbed.append(t("method.scrubbed_kind", kind=label, count=number))
    return {"removed": removed, "more": more, "scrubbed": scrubbed,
            "text": t("method.privacy_text", n=fmt_int(ws.min_group_size, lang))}


def method_view(ws: Workshop, lang: str, t: Translator, shown_names: list[str] | None = None) -> dict[str, Any]:
    """The method page and the appendix; ``shown_names`` are the personas' names as the document
    prints them (in its language), in the workshop's order."""
    sources = sources_table(ws, lang, t)
    shown = dict(zip((p.id for p in ws.personas), shown_names or []))
    return {
        "plain_sources": source_sentences(ws, lang, t),
        "making": making_sentences(ws, lang, t),
        "sureness": sureness_sentences(ws, lang, t),
        "history": history_rows(ws, lang, t, shown),
        "sources": sources,
        "source_dates": any(s["date"] for s in sources),
        "settings": settings_table(ws, lang, t),
        "k_table": k_table(ws, lang, t),
        "privacy": privacy_view(ws, lang, t),
        "validations": validation_view(ws, lang, t, shown),
    }
