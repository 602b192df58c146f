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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import yaml

from .i18n import Translator
from .model import Persona
from .traits import persona_trait_name

if TYPE_CHECKING:
    from .archetypes import Archetype

NNBSP = "\u202f"
MAX_ITEMS = 5
MAX_ADVICE = 4     # do's and don'ts: a card a front-line agent reads in a glance
MARKED_LOW, MARKED_HIGH = 40.0, 60.0
AVOIDABLE_NOTABLE = 0.3
REPEAT_NOTABLE = 0.15
QUOTE_MIN_CHARS, QUOTE_MAX_CHARS = 15, 280
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,24}\]")
_IDENTIFIER = re.compile(r"\d(?:[\s.\-/]?\d){4,}")  # five digits or more: a number, not words
_SPACES = "[ \u00a0\u202f]*"
_RULES = Path(__file__).resolve().parent / "narrative_rules.yaml"


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


# ---------------------------------------------------------------- what a sentence may claim
def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces: what cues are matched on."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    return " ".join(plain.replace("\u2019", "'").casefold().split())


def _phrases(words: Iterable[str]) -> re.Pattern[str] | None:
    folded = sorted({fold(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, folded)) + r")(?![\w])") if folded else None


@lru_cache(maxsize=1)
def _claims() -> tuple[tuple[str, frozenset[str], re.Pattern[str], re.Pattern[str] | None,
                             tuple[tuple[str, ...], ...]], ...]:
    """The rules of narrative_rules.yaml: (name, kinds, cue pattern, facts set aside, conditions)."""
    data = yaml.safe_load(_RULES.read_text(encoding="utf-8")) or {}
    out = []
    for name, rule in (data.get("rules") or {}).items():
        conditions = tuple((kind, *map(str, spec)) for item in rule.get("all") or [] for kind, spec in item.items())
        out.append((str(name), frozenset(rule.get("kinds") or ()), _phrases(rule.get("cues") or []),
                    _phrases(rule.get("unless") or []), conditions))
    return tuple(out)


def _holds(condition: tuple[str, ...], persona: Persona) -> bool:
    """One condition of a rule, on the persona's figures; a figure it does not have never fails."""
    kind, key, op, bound = condition
    if kind == "trait":
        if key not in persona.traits:
            return True
        value = float(persona.traits[key])
    elif kind == "channel":
        if not _has_contacts(persona):
            return True
        value = float(persona.channel_mix.get(key, 0.0))
    else:
        raise ValueError(f"narrative_rules.yaml: unknown condition {kind!r}")
    return value >= float(bound) if op == ">=" else value < float(bound)


def contradiction(text: str, persona: Persona, kind: str) -> str | None:
    """The rule a sentence of ``kind`` (levers, needs, dos, quote) breaks for ``persona``, or None.

    A sentence that sends people online is not drafted for a persona without equipment; a quote
    that says "I can't manage without help" is not chosen for an autonomous one
    (see narrative_rules.yaml)."""
    folded = fold(text)
    for name, kinds, pattern, facts, conditions in _claims():
        if kind not in kinds or pattern is None:
            continue
        said = facts.sub(" ", folded) if facts is not None else folded
        if pattern.search(said) and not all(_holds(c, persona) for c in conditions):
            return name
    return None


def _agreeing(items: Iterable[str], persona: Persona, kind: str) -> list[str]:
    return [item for item in items if contradiction(item, persona, kind) is None]


def _keys(t: Translator, keys: Iterable[str]) -> list[str]:
    return [t(key) for key in keys if t.has(key)]


def draft_narrative(persona: Persona, archetype: "Archetype | None", lang: str, *,
                    figures: bool = True, codebook: Any = None) -> dict[str, Any]:
    """Story, goals, frustrations, needs, levers, do's and don'ts for a persona, in ``lang`` ("fr" or "en").

    Each list draws on the archetype (when the persona has one), the traits that set the persona
    apart, its main channel and its contact figures; levers, needs and do's go through
    :func:`contradiction`, so that no sentence says what the persona's own figures deny.

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
    contacts = _has_contacts(persona)
    main = [c for c, _ in _main_channels(persona, 1)] if contacts else []
    repeats = contacts and persona.repeat_rate >= REPEAT_NOTABLE
    avoidable = figures and contacts and persona.avoidable_share >= AVOIDABLE_NOTABLE
    share = format_share(persona.avoidable_share, lang)
    online = t("narrative.levers.avoidable", share=share)
    # A persona who cannot go online is helped with the procedure, not sent to the website: the
    # assisted variants are written for that case, the online ones are checked like any lever.
    assisted = contradiction(online, persona, "levers") is not None
    data_levers = ([t("narrative.levers.avoidable_assisted", share=share) if assisted else online]
                   if avoidable else [])
    channel = "channel." + main[0] if main else ""
    draft = {
        "story": story,
        "goals": _merge_items(text.get("goals") or [], _from_traits("goals", persona, t),
                              _keys(t, [f"narrative.goals.{channel}"] if channel else [])),
        "frustrations": _merge_items(text.get("frustrations") or [], _from_traits("frustrations", persona, t),
                                     _keys(t, [f"narrative.frustrations.{channel}"] if channel else []),
                                     _keys(t, ["narrative.frustrations.repeat"] if repeats else [])),
        "needs": _merge_items(_agreeing([*(text.get("needs") or []),
                                         *([t("narrative.avoidable_need", share=share)] if avoidable and not assisted else []),
                                         *_from_traits("needs", persona, t)], persona, "needs")),
        "levers": _merge_items(data_levers, _agreeing([
            *archetype_levers,
            *([] if archetype_levers else _from_traits("levers", persona, t)),
            *([] if archetype_levers else _keys(t, [f"narrative.levers.{channel}"] if channel else [])),
            *_keys(t, ["narrative.levers.repeat"] if repeats else [])], persona, "levers")),
        "dos": _merge_items([t(f"narrative.dos.avoidable{'_assisted' if assisted else ''}", share=share)]
                            if avoidable else [], _agreeing([
            *_from_traits("dos", persona, t),
            *_keys(t, [f"narrative.dos.{channel}"] if channel else []),
            *_keys(t, ["narrative.dos.repeat"] if repeats else [])], persona, "dos"), limit=MAX_ADVICE),
        "donts": _merge_items(
            _keys(t, [f"narrative.donts.avoidable{'_assisted' if assisted else ''}"] if avoidable else []),
            _from_traits("donts", persona, t),
            _keys(t, [f"narrative.donts.{channel}"] if channel else []),
            _keys(t, ["narrative.donts.repeat"] if repeats else []), limit=MAX_ADVICE),
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


def pick_quote(candidates: Iterable[str], persona: Persona | None = None, *, taken: Iterable[str] = ()) -> str:
    """The first quotable answer (candidates come nearest the persona's centre first), else "".

    With ``persona``, an answer that contradicts its figures is passed over (an autonomous persona
    is not quoted "I can't manage without help"); an answer in ``taken`` (another persona's quote)
    too: no quote is printed twice.
    """
    used = {" ".join(str(q).split()) for q in taken if q}
    cleaned = [" ".join(str(c).split()) for c in candidates if c is not None]
    for text in cleaned:
        if (is_quotable(text) and text not in used
                and (persona is None or contradiction(text, persona, "quote") is None)):
            return text
    return ""
