"""First drafts of a persona's narrative, from the archetype library and the persona's own numbers.

A workgroup edits faster from a draft than from a blank card, and a draft that quotes the data
("42 % of its contacts are about a procedure available online") keeps the discussion tied to it.
Words come from the archetype library (personas/archetypes.yaml) and the catalogues
(personas/locales/<lang>.yaml); this module only chooses and assembles them. French text follows
French typography: a narrow no-break space before ; : ! ? % » and after «.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable

from .i18n import Translator
from .model import Persona
from .traits import persona_trait_name

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


def _data_story(persona: Persona, t: Translator, lang: str, codebook: Any) -> list[str]:
    sentences = []
    marked = [(persona_trait_name(persona, dim, t, codebook), score) for dim, _, score in marked_traits(persona)]
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


#: Words that say nothing of what a bullet is about, in both languages: left out when bullets are
#: compared for near-duplicates.
_FUNCTION_WORDS = frozenset(
    "le la les l un une des de du d à au aux en et ou sur pour par avec sans dans ses son sa leur leurs "
    "se s ce qu que qui ne pas plus the a an of to in on for with without and or its their his her "
    "it be is are at by from vers toward who what which that this when être avoir being have".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def _stem(word: str) -> str:
    """A word without accents, plural or feminine ending, cut to six letters: "reçue" and "reçu",
    "complètes" and "complets" compare equal."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return plain.rstrip("s").rstrip("e")[:6]


def _content_words(text: str) -> set[str]:
    stems = (_stem(w) for w in _WORD.findall(text.casefold()) if w not in _FUNCTION_WORDS)
    return {w for w in stems if len(w) > 1}


def near_duplicate(a: str, b: str, threshold: float = 0.5) -> bool:
    """Two bullets that say the same thing: the same words before the first comma ("Faire ses
    démarches en ligne, à toute heure" / "…, sans se déplacer"), or content words that overlap
    by ``threshold`` or more (Jaccard)."""
    head_a, head_b = a.split(",")[0].strip().casefold(), b.split(",")[0].strip().casefold()
    if "," in a and "," in b and head_a == head_b:
        return True
    words_a, words_b = _content_words(a), _content_words(b)
    union = words_a | words_b
    return bool(union) and len(words_a & words_b) / len(union) >= threshold


def _merge_items(*groups: Iterable[str], limit: int = MAX_ITEMS) -> list[str]:
    """The groups' items in order, without an item that repeats an earlier one nearly word for word."""
    out: list[str] = []
    for group in groups:
        for item in group:
            item = item.strip()
            if item and not any(near_duplicate(item, kept) for kept in out):
                out.append(item)
    return out[:limit]


def draft_narrative(persona: Persona, archetype: "Archetype | None", lang: str, *,
                    figures: bool = True, codebook: Any = None) -> dict[str, Any]:
    """Story, goals, frustrations, needs and levers for a persona, in ``lang`` ("fr" or "en").

    ``codebook`` (a :class:`~workshop_data.codebook.Codebook` or the workshop file's mapping) names
    the traits it declares (:func:`personas.traits.trait_name`).

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
    data_story = _data_story(persona, t, lang, codebook) if figures else []
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
