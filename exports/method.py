"""The method page in plain words for managers, and the technical appendix for analysts.

The method page says where the data come from, how the personas were made, how sure we can be
and what the workgroup changed (from the workshop's history, with dates). Seeds, hashes,
variables and the table of the number of profiles go to the appendix page.
"""
from __future__ import annotations

import math
from typing import Any

from personas.i18n import Translator
from personas.model import Workshop

from .overview import structure_text
from .validations import validation_view
from .view import archetype_label, archetype_names, clamp, fmt_date, fmt_int, fmt_value, stability_reading

MAX_HISTORY = 30
#: Settings shown in words elsewhere, or too long for a table cell.
_SETTINGS_ELSEWHERE = ("structure_evidence", "messages")


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
    found = ws.settings.get("k")
    now = len(ws.personas)
    out = [t("method.plain.how")]
    if isinstance(found, int) and found != now:
        out.append(t("method.plain.k_changed", found=fmt_int(found, lang), now=fmt_int(now, lang)))
    else:
        out.append(t("method.plain.k_same", now=fmt_int(now, lang)))
    typology = ws.settings.get("typology")
    if isinstance(typology, dict) and isinstance(typology.get("name"), dict):
        name = typology["name"].get(lang) or next(iter(typology["name"].values()), "")
        out.append(t("method.plain.typology", name=name))
    return out


def sureness_sentences(ws: Workshop, lang: str, t: Translator) -> list[str]:
    out = [s for s in [structure_text(ws, t)] if s]
    readings = [stability_reading(p.stability).rsplit("_", 1)[-1] for p in ws.personas]
    parts = [t(f"method.plain.count.{key}", n=fmt_int(readings.count(key), lang))
             for key in ("stable", "confirm", "fragile", "unknown") if key in readings]
    out.append(t("method.plain.stability", parts=t("punct.list_sep").join(parts)))
    out.append(t("method.plain.prevalence"))
    return out


def history_rows(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    """What the workgroup changed, oldest first, one line per edit, with its date."""
    names = {p.id: p.name for p in ws.personas}

    def who(pid: Any) -> str:
        pid = str(pid or "")
        return clamp(f"{names[pid]} ({pid})", 70) if pid in names else pid

    rows = []
    for entry in ws.history[-MAX_HISTORY:]:
        op, args = str(entry.get("op") or ""), entry.get("args") or {}
        key = f"history.{op}"
        if op == "validate":
            key += ".yes" if args.get("validated") else ".no"
        if op == "validation":
            key += f".{args.get('status') or 'withdrawn'}"
        values = {k: clamp(str(v), 60) for k, v in args.items() if isinstance(v, (str, int, float))}
        values.update({k: who(args.get(k)) for k in ("persona", "keep", "other", "new", "to") if k in args})
        if op == "archetype":
            values["archetype"] = archetype_label(args.get("archetype"), archetype_names(lang, ws), t)
        if op == "move":
            values["n"] = fmt_int(len(entry.get("moves") or entry.get("after", {}).get("moved") or []), lang)
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
            "name": clamp(str(source.get("name") or ""), 80),
            "hash": f"{digest[:12]}…" if len(digest) > 12 else digest,
            "rows": fmt_int(source["rows"], lang) if isinstance(source.get("rows"), (int, float)) else "",
            "date": fmt_date(str(date), lang),
        })
    return rows


def _setting_text(key: str, value: Any, lang: str, t: Translator, traits: dict[str, str]) -> str:
    if key == "features" and isinstance(value, (list, tuple)):
        value = [traits.get(v[6:]) or (t(f"trait.{v[6:]}") if t.has(f"trait.{v[6:]}") else v)
                 if isinstance(v, str) and v.startswith("trait:") else v for v in value]
    if isinstance(value, (list, tuple)) and len(value) > 8:
        return (f"{len(value)} : " if lang == "fr" else f"{len(value)}: ") + fmt_value(list(value[:8]), lang, t) + ", …"
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
        digest = str(value.get("sha256") or "")
        return ", ".join(p for p in (str(name), str(value.get("source") or ""), digest[:12]) if p)
    if key == "period_days" and isinstance(value, float) and math.isfinite(value):
        return fmt_int(round(value), lang)
    return fmt_value(value, lang, t)


def settings_table(ws: Workshop, lang: str, t: Translator) -> list[dict[str, str]]:
    from .traits import trait_names

    traits = trait_names(ws, lang, t)
    rows = []
    for key, value in ws.settings.items():
        if value in (None, "", [], {}) or key in _SETTINGS_ELSEWHERE:
            continue
        label = t(f"method.setting.{key}") if t.has(f"method.setting.{key}") else str(key)
        rows.append({"label": label, "value": clamp(_setting_text(key, value, lang, t, traits), 240)})
    return rows


def k_table(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    columns: list[str] = []
    for row in ws.k_table:
        columns += [c for c in row if c not in columns]
    rows = [[clamp(fmt_value(row.get(c), lang, t), 40) for c in columns] for row in ws.k_table[:12]]
    headers = [t(f"method.k_column.{c}") if t.has(f"method.k_column.{c}") else str(c) for c in columns]
    return {"headers": headers, "rows": rows}


def privacy_view(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
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


def method_view(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    sources = sources_table(ws, lang, t)
    return {
        "plain_sources": source_sentences(ws, lang, t),
        "making": making_sentences(ws, lang, t),
        "sureness": sureness_sentences(ws, lang, t),
        "history": history_rows(ws, lang, t),
        "sources": sources,
        "source_dates": any(s["date"] for s in sources),
        "settings": settings_table(ws, lang, t),
        "k_table": k_table(ws, lang, t),
        "privacy": privacy_view(ws, lang, t),
        "validations": validation_view(ws, lang, t),
    }
