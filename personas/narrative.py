"""First drafts of a persona's narrative, from the archetype library and the persona's own numbers.

A workgroup edits faster from a draft than from a blank card, and a draft that quotes the data
("42 % of its contacts are about a procedure available online") keeps the discussion tied to it.
Words come from the archetype library (personas/archetypes.yaml) and the catalogues
(personas/locales/<lang>.yaml); this module only chooses and assembles them. French text follows
French typography: a narrow no-break space before ; : ! ? % » and after «.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

from .i18n import Translator
from .model import Persona

if TYPE_CHECKING:
    from .archetypes import Archetype

NNBSP = "\u202f"
MAX_ITEMS = 5
MARKED_LOW, MARKED_HIGH = 40.0, 60.0
AVOIDABLE_NOTABLE = 0.3
REPEAT_NOTABLE = 0.15
QUOTE_MIN_CHARS, QUOTE_MAX_CHARS = 15, 280
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,24}\]")
_IDENTIFIER = re.compile(r"\d(?:[\s.\-/]?\d){4,}")  # five digits or more: a number, not words
_SPACES = "[ \u00a0\u202f]*"


def french_typography(text: str) -> str:
    """Narrow no-break spaces before ; : ! ? % » and inside « », as French typesetting wants.

    Leaves times (10:30), URLs (https://) and runs of punctuation (?!) alone.
    """
    text = re.sub(f"«{_SPACES}", "«" + NNBSP, text)
    text = re.sub(f"(?<=[^\\s«;:!?]){_SPACES}([;!?%»])", NNBSP + r"\1", text)
    text = re.sub(f"(?<=[^\\s\\d«;:!?]){_SPACES}:(?!//)", NNBSP + ":", text)
    text = re.sub(r"(?<=\d) +:(?!//)", NNBSP + ":", text)
    return text


def format_share(value: float, lang: str) -> str:
    """A share 0-1 as a whole percentage: "42 %" (narrow space) in French, "42%" in English."""
    pct = f"{round(float(value) * 100):d}"
    return f"{pct}{NNBSP}%" if lang == "fr" else f"{pct}%"


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """Thousands separated ("1 234" with a narrow space in French, "1,234" in English)."""
    text = f"{float(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text


def _level(score: float) -> str:
    for bound, name in ((20, "very_low"), (40, "low"), (60, "fair"), (80, "high")):
        if score < bound:
            return name
    return "very_high"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def marked_traits(persona: Persona, limit: int = 3) -> list[tuple[str, str, float]]:
    """(dimension, "low"|"high", score) of the traits that set the persona apart, strongest first."""
    scored: list[tuple[float, str]] = []
    for item in persona.distinguishing:
        feature = str(item.get("feature", ""))
        if feature.startswith("trait:") and feature[6:] in persona.traits:
            scored.append((abs(float(item.get("effect", 0.0))), feature[6:]))
    if not scored:
        scored = [(abs(score - 50.0) / 50.0, dim) for dim, score in persona.traits.items()]
    out = []
    for _, dim in sorted(scored, key=lambda s: (-s[0], s[1])):
        score = float(persona.traits[dim])
        if score < MARKED_LOW or score >= MARKED_HIGH:
            out.append((dim, "low" if score < 50 else "high", score))
        if len(out) == limit:
            break
    return out


def _join(items: list[str], t: Translator) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + t("narrative.and") + items[-1]


def _main_channels(persona: Persona, limit: int = 2) -> list[tuple[str, float]]:
    ranked = sorted(persona.channel_mix.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(c, s) for c, s in ranked[:limit] if s >= 0.1]


def _has_contacts(persona: Persona) -> bool:
    return persona.contacts_per_person > 0 and bool(persona.channel_mix)


def trait_label(persona: Persona, dim: str, t: Translator) -> str | None:
    """A trait's name in words: the catalogue's for the built-in dimensions, else the label the
    survey gave it (a custom dimension, or an item's own label); None rather than a bare key."""
    if t.has(f"trait.{dim}"):
        return t(f"trait.{dim}")
    for item in persona.distinguishing:
        if item.get("feature") == f"trait:{dim}":
            label = item.get("label") or {}
            return str(label.get(t.lang) or label.get("fr") or "") or None
    return None


def _distinct_items(persona: Persona, t: Translator, limit: int = 3) -> list[str]:
    """What sets the persona apart when no trait is marked: its strongest distinguishing features,
    in words ("rate marriage lower than everyone's", "occupation: 3")."""
    out = []
    for item in persona.distinguishing:
        label = (item.get("label") or {}).get(t.lang) or ""
        effect = float(item.get("effect", 0.0))
        if not label or ("=" in str(item.get("feature", "")) and effect <= 0):
            continue
        side = "" if "=" in str(item.get("feature", "")) else t(f"narrative.side.{'high' if effect > 0 else 'low'}")
        out.append(_lower_first(label) + side)
        if len(out) == limit:
            break
    return out


def _data_story(persona: Persona, t: Translator, lang: str) -> list[str]:
    sentences = []
    marked = [(trait_label(persona, dim, t), score) for dim, _, score in marked_traits(persona)]
    marked = [(label, score) for label, score in marked if label]
    if marked:
        items = [
            t("narrative.trait_item", trait=_lower_first(label), level=t(f"narrative.level.{_level(score)}"),
              score=format_number(score, lang))
            for label, score in marked
        ]
        sentences.append(t("narrative.traits", items=_join(items, t)))
    else:
        distinct = _distinct_items(persona, t)
        if distinct:
            sentences.append(t("narrative.distinct", items=_join(distinct, t)))
    if _has_contacts(persona):
        channels = [t("narrative.channel_item", channel=t(f"narrative.channel_via.{c}"), share=format_share(s, lang))
                    for c, s in _main_channels(persona)]
        if channels:
            sentences.append(t("narrative.channels", items=_join(channels, t)))
        if persona.avoidable_share > 0:
            sentences.append(t("narrative.avoidable", share=format_share(persona.avoidable_share, lang),
                               volume=format_number(persona.avoidable_per_year, lang)))
        if persona.repeat_rate >= REPEAT_NOTABLE:
            sentences.append(t("narrative.repeat", share=format_share(persona.repeat_rate, lang)))
    return sentences


def _from_traits(kind: str, persona: Persona, t: Translator) -> list[str]:
    out = []
    for dim, side, _ in marked_traits(persona, limit=4):
        key = f"narrative.{kind}.{dim}.{side}"
        if t.has(key):
            out.append(t(key))
    return out


def _merge_items(*groups: Iterable[str], limit: int = MAX_ITEMS) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for group in groups:
        for item in group:
            key = item.strip().casefold()
            if item.strip() and key not in seen:
                seen.add(key)
                out.append(item.strip())
    return out[:limit]


def draft_narrative(persona: Persona, archetype: "Archetype | None", lang: str, *,
                    figures: bool = True) -> dict[str, Any]:
    """Story, goals, frustrations, needs and levers for a persona, in ``lang`` ("fr" or "en").

    ``figures=False`` leaves out every sentence that quotes the persona's numbers: a group under the
    minimum size has its statistics withheld from the sheets, and its words must not give them away.
    """
    t = Translator(lang)
    lang = t.lang
    text: dict[str, Any] = {}
    if archetype is not None:
        text = dict(archetype.narrative.get(lang) or archetype.narrative.get("fr") or {})
        archetype_levers = list(archetype.levers.get(lang) or archetype.levers.get("fr") or [])
    else:
        archetype_levers = []
    data_story = _data_story(persona, t, lang) if figures else []
    story = " ".join(s for s in [str(text.get("story") or "").strip(), *data_story] if s)
    data_levers: list[str] = []
    extra_needs: list[str] = []
    if figures and _has_contacts(persona) and persona.avoidable_share >= AVOIDABLE_NOTABLE:
        share = format_share(persona.avoidable_share, lang)
        data_levers.append(t("narrative.levers.avoidable", share=share))
        extra_needs.append(t("narrative.avoidable_need", share=share))
    channel_levers = [t(f"narrative.levers.channel.{c}") for c, _ in _main_channels(persona, 1)
                      if t.has(f"narrative.levers.channel.{c}")] if _has_contacts(persona) and not archetype_levers else []
    repeat_levers = ([t("narrative.levers.repeat")]
                     if _has_contacts(persona) and persona.repeat_rate >= REPEAT_NOTABLE else [])
    draft = {
        "story": story,
        "goals": _merge_items(text.get("goals") or [], _from_traits("goals", persona, t)),
        "frustrations": _merge_items(text.get("frustrations") or [], _from_traits("frustrations", persona, t)),
        "needs": _merge_items(text.get("needs") or [], extra_needs, _from_traits("needs", persona, t)),
        "levers": _merge_items(data_levers, archetype_levers, channel_levers, repeat_levers),
    }
    if lang == "fr":
        draft = {k: french_typography(v) if isinstance(v, str) else [french_typography(i) for i in v]
                 for k, v in draft.items()}
    return draft


def is_quotable(text: str) -> bool:
    """A free-text answer that reads as a quote: a sentence mostly of words, not a word or an essay,
    no placeholder left by scrubbing and no identifier-like number (an answer that is mostly a
    reference or a file number says nothing about the service, and could point at a person)."""
    text = " ".join(str(text).split())
    letters = sum(ch.isalpha() for ch in text)
    return (QUOTE_MIN_CHARS <= len(text) <= QUOTE_MAX_CHARS and len(text.split()) >= 3
            and letters >= 0.6 * len(text.replace(" ", ""))
            and not _PLACEHOLDER.search(text) and not _IDENTIFIER.search(text))


def pick_quote(candidates: Iterable[str]) -> str:
    """The first quotable answer (candidates come nearest the persona's centre first), else ""."""
    cleaned = [" ".join(str(c).split()) for c in candidates if c is not None]
    for text in cleaned:
        if is_quotable(text):
            return text
    return ""
