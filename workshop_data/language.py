"""The language a survey speaks: French or English, from its own words.

A workshop built from an English questionnaire names its personas and drafts its texts in English
unless someone asks otherwise (``cluster --lang``, the app's setting): "Trust: low" on an English
survey, not "Confiance : faible". The words read are the column labels (the question texts when the
file has them), the headers, the answer levels and the answers of categorical columns; each is
counted as French or English by the function words of ``vocab/label_stopwords.yaml``, the answer
words of ``vocab/language_words.yaml`` and accented letters (French). No word of either: French, the toolkit's first language.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import pandas as pd

    from .codebook import Codebook

_VOCAB = Path(__file__).with_name("vocab")
DEFAULT = "fr"
#: Answers of one categorical column read, at most (the most frequent).
ANSWERS_PER_COLUMN = 12


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    from .yaml_safe import safe_load_text

    data = safe_load_text((_VOCAB / "label_stopwords.yaml").read_text(encoding="utf-8"))
    extra = safe_load_text((_VOCAB / "language_words.yaml").read_text(encoding="utf-8"))
    fr, en = frozenset(data["fr"]) | frozenset(extra["fr"]), frozenset(data["en"]) | frozenset(extra["en"])
    return {"fr": fr - en, "en": en - fr}


def text_language(texts: Iterable[str]) -> str | None:
    """``fr`` or ``en`` by the function words and accents of ``texts``; None when neither shows."""
    from .readers import fold

    words = _words()
    score = {"fr": 0, "en": 0}
    for text in texts:
        raw = str(text or "")
        if re.search(r"[àâçéèêëîïôûùüÿœæÀÂÇÉÈÊËÎÏÔÛÙÜŸŒÆ]", raw):
            score["fr"] += 1
        for word in re.findall(r"[a-z]{3,}", fold(raw)):
            for lang in score:
                score[lang] += word in words[lang]
    if score["fr"] == score["en"]:
        return None
    return "fr" if score["fr"] > score["en"] else "en"


def survey_language(codebook: "Codebook", data: "pd.DataFrame | None" = None) -> str:
    """The language of a survey's questions and answers (``fr`` when nothing tells)."""
    texts: list[str] = []
    for name, spec in codebook.columns.items():
        if spec.type in ("pii", "ignore"):
            continue
        texts.append(name)
        labels = {text for text in (spec.label or {}).values() if text and text != name}
        if len(labels) == 1:  # a label in both languages (a known question) says nothing of the file's
            texts.extend(labels)
        texts.extend(spec.levels or [])
        if data is not None and spec.type == "categorical" and name in data.columns:
            texts.extend(str(v) for v in data[name].dropna().astype(str).value_counts().index[:ANSWERS_PER_COLUMN])
    return text_language(texts) or DEFAULT
