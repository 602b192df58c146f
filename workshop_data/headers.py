"""Double headers: a line of question codes, then a line of question texts, then the answers.

LimeSurvey's "question code + question text" export and some Forms exports write the table this
way. Read naively, the text line becomes a respondent whose answers are the questions, every
column turns into free text and the id column gets a non-numeric id. Detected, the codes become the
column names (short, stable, what analysts script against) and the texts their labels.
"""
from __future__ import annotations

import re

from .cells import parse_number

_CODE = re.compile(r"^[A-Za-z_][\w.\[\]#:-]{0,39}$")
#: Share of the columns that must look like codes on the first line, and like texts on the second.
CODE_SHARE = 0.6
TEXT_SHARE = 0.8
_SAMPLE_ROWS = 500


def _looks_like_text_of(code: str, text: str, answers: list[str]) -> bool:
    """Whether ``text`` (second line) reads as the question behind ``code`` rather than an answer."""
    if not text or text == code:
        return False
    if text in answers:
        return False  # answers repeat; a question text appears once
    numbers = [a for a in answers if parse_number(a) is not None]
    if answers and len(numbers) >= 0.8 * len(answers):
        return parse_number(text) is None  # a numeric column under a worded line
    return " " in text.strip() or len(text) > len(code) + 3


def text_line(header: list[str], rows: list[list[str]]) -> dict[str, str] | None:
    """Question text of each code when the first data row is a line of question texts, else None."""
    if len(rows) < 2 or len(header) < 2:
        return None
    named = [h.strip() for h in header if h.strip()]
    if sum(1 for h in named if _CODE.match(h)) < CODE_SHARE * len(named):
        return None
    second = rows[0]
    sample = rows[1:_SAMPLE_ROWS]
    texts: dict[str, str] = {}
    hits = 0
    for index, code in enumerate(header):
        code = code.strip()
        text = second[index].strip() if index < len(second) else ""
        if not code:
            continue
        answers = [r[index].strip() for r in sample if index < len(r) and r[index].strip()]
        if _looks_like_text_of(code, text, answers):
            hits += 1
            texts[code] = text
    if hits < TEXT_SHARE * len(named) or len(set(texts.values())) < len(texts):
        return None
    return texts
