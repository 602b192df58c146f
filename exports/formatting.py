"""How the documents write things: numbers, dates, names, initials and text made safe to print.

The bottom of :mod:`exports`: every page module (overview, method, traits, validations, the
sheet view) imports from here and nothing here imports them, so the package has no import circle.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from personas.i18n import Translator
from personas.model import Workshop
from workshop_data.formats import format_date, format_integer, format_number, format_percent

LOCALES = Path(__file__).resolve().parent / "locales"
ELLIPSIS = "…"
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
#: Characters no document may carry: C0 and C1 controls (a terminal reads ESC and CSI as commands,
#: XML 1.0 refuses C0), lone surrogates (no encoding holds them) and the two non-characters.
#: Tab and line breaks stay: renderers turn them into spaces or lines.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def translator(lang: str) -> Translator:
    return Translator(lang, LOCALES)


# ---------------------------------------------------------------- text
def printable(text: object) -> str:
    """``text`` without the characters no document can hold (see :data:`_UNPRINTABLE`)."""
    return _UNPRINTABLE.sub("", str("" if text is None else text))


def _printable_value(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(k) if isinstance(k, str) else k: _printable_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable_value(v) for v in value]
    return value


def printable_workshop(ws: Workshop) -> Workshop:
    """A copy of ``ws`` whose every text is :func:`printable` (names, notes, services, labels,
    history...): a control character typed in a name reaches no renderer (lxml refuses it in the
    deck, a terminal obeys it). The assignments are shared, not copied: ids are never printed."""
    data = {f.name: getattr(ws, f.name) for f in fields(Workshop) if f.name not in ("assignments", "personas")}
    clean = _printable_value(data)
    clean["personas"] = [_printable_value(p.to_dict()) for p in ws.personas]
    clean["assignments"] = ws.assignments
    return Workshop.from_dict(clean)


def one_line(text: object) -> str:
    """Collapse ASCII whitespace only: no-break spaces (U+00A0, U+202F) are French typography."""
    return _SPACES.sub(" ", str("" if text is None else text)).strip(" ")


def clamp(text: str, limit: int) -> str:
    """Shorten visibly (…) at a word boundary when the text is longer than ``limit``.

    Only for what the toolkit writes itself (file names, chart captions in a cell): a text people
    typed is never shortened in a document.
    """
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


# ---------------------------------------------------------------- numbers and dates
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


# ---------------------------------------------------------------- readings
def stability_reading(value: float | None) -> str:
    """The reading of a stability as the sheets print it: on the figure rounded to two decimals, so
    that "0,50" never reads "fragile" (0.499 prints 0,50, and 0,50 is "to confirm")."""
    if value is None:
        return "evidence.stability_unknown"
    shown = round(float(value), 2)
    if shown < 0.5:
        return "evidence.stability_fragile"
    if shown <= 0.75:
        return "evidence.stability_confirm"
    return "evidence.stability_stable"


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
