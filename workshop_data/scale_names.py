"""Words for a proposed dimension, taken from its items' labels, for people to correct.

A scale found by factor analysis is a list of columns; a workgroup needs a name. The name is the
meaningful words its items' labels share (in the order the strongest item says them), else the
strongest item's label, shortened; the id is that name folded into a slug.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

_STOPWORDS_FILE = Path(__file__).with_name("vocab") / "label_stopwords.yaml"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LEADING_CODE = re.compile(r"^\s*[A-Za-z]{0,2}\d{1,3}[a-z]?\s*[-–.:)]?\s+")
_SCALE_PHRASE = re.compile(r"\b(?:sur une (?:echelle|note) |on a scale |from |of )?(?:de |from |of )?\d+ (?:a|to) \d+\s*[,:]?\s*",
                           re.IGNORECASE)
MAX_NAME_WORDS = 3
MAX_LABEL_CHARS = 40
MAX_SLUG_CHARS = 40


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from .yaml_safe import safe_load_text

    data = safe_load_text(_STOPWORDS_FILE.read_text(encoding="utf-8"))
    return frozenset(str(w) for words in data.values() for w in words)


def _key(word: str) -> str:
    """A word folded for comparison across items: no accents, no elision, no plural ending."""
    from .readers import fold

    folded = fold(word).split("'")[-1]
    return folded[:-1] if len(folded) > 3 and folded[-1] in "sx" else folded


def _content_words(label: str) -> list[tuple[str, str]]:
    """(key, word as written) for the words of a label that can say what it measures."""
    out = []
    for match in _WORD.finditer(re.sub(r"[_/]+", " ", label)):
        word = re.sub(r"^[A-Za-zÀ-ÿ]['’]", "", match.group(0))  # l'usage -> usage
        key = _key(word)
        if len(key) >= 3 and key not in _stopwords():
            out.append((key, word))
    return out


def shared_words(labels: Sequence[str]) -> list[str]:
    """Words found in at least two labels and in at least half of them, as the first label writes them."""
    per_label = [_content_words(label) for label in labels]
    counts: dict[str, int] = {}
    for words in per_label:
        for key in {k for k, _ in words}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, (len(labels) + 1) // 2)
    out: list[str] = []
    seen: set[str] = set()
    for words in per_label:
        for key, word in words:
            if counts[key] >= needed and key not in seen:
                seen.add(key)
                out.append(word.lower())
    return out[:MAX_NAME_WORDS]


def shortened(label: str) -> str:
    """A label without its question code, cut at a word boundary."""
    text = _LEADING_CODE.sub("", label.replace("_", " "))
    text = _scale_phrase_removed(text).strip().rstrip("?!.:;… ")
    if len(text) <= MAX_LABEL_CHARS:
        return text
    cut = text[:MAX_LABEL_CHARS].rsplit(" ", 1)[0].rstrip(",;:-– ")
    return cut + "…"


def _scale_phrase_removed(text: str) -> str:
    """'Sur une échelle de 0 à 10, recommanderiez-vous...' -> 'recommanderiez-vous...'."""
    from .readers import fold

    folded = fold(text)
    if len(folded) != len(text):
        return text
    match = _SCALE_PHRASE.search(folded)
    if match is None or match.end() == len(text):
        return text
    return re.sub(r"\(\s*\)", "", text[:match.start()] + text[match.end():]).strip()


def scale_name(labels: Sequence[str]) -> str:
    """The name of a scale whose item labels are ``labels``, strongest item first."""
    words = shared_words(labels)
    text = " ".join(words) if words else shortened(labels[0]) if labels else ""
    return text[:1].upper() + text[1:]


def slug(text: str, taken: Iterable[str] = ()) -> str:
    """A dimension id from a name: folded, words joined by '_', not one of ``taken``."""
    from .readers import fold

    base = re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")[:MAX_SLUG_CHARS].rstrip("_") or "dimension"
    if base[0].isdigit():
        base = f"d_{base}"
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate
