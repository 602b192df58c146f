"""Personal data at intake: find the columns that hold it, and scrub it out of free text.

Survey exports carry names, e-mails and phone numbers in fields people fill in themselves, and
citizens write their number in a comment. None of it is needed to build personas, so columns are
dropped and text is scrubbed before any analysis sees the data.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .readers import fold
from .yaml_safe import safe_load_text

_VOCAB = Path(__file__).with_name("vocab")
SAMPLE_VALUES = 2_000
CONTENT_SHARE = 0.3   # share of non-empty values that must look like the kind
NAME_SHARE = 0.6      # names are matched against lists, so ask for more evidence
NAME_MIN_DISTINCT = 5
CONSTANT_ROWS = 10   # a header-named column holding one value on this many rows describes the file

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"
)
NIR = re.compile(
    r"(?<![\w])[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?(?![\w])"
)
IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?(?![\w])")
LONG_NUMBER = re.compile(r"(?<![\w])\d(?:[\s.\-]?\d){7,}(?![\w])")
ID_WORDS = (  # words that introduce a beneficiary, file, customer, tax or staff number
    r"allocataires?|dossiers?|clients?|fiscale?|matricules?|caf|cpam|msa|identifiants?|id|contrats?|"
    r"adh[ée]rents?|usagers?|abonn[ée]s?|factures?|r[ée]f[ée]rences?|r[ée]f\.?|num[ée]ros?|num\.?|"
    r"n[°º]|no\.?|nº|#"
)
INTRODUCED_ID = re.compile(  # "n° allocataire CAF 1234567", "numéro fiscal : 12 34 567 890 123", "réf. 2024-00123"
    rf"(?i)(?<![\w])(?:{ID_WORDS})(?![a-zà-ÿ])[^\d\n]{{0,30}}?(?<![\d])(\d(?:[\s.\-/]?\d){{4,}})(?![\d])"
)
ADDRESS = re.compile(
    r"\b\d{1,4}\s?(?:bis|ter|b)?,?\s+(?:rue|avenue|av\.?|bd|boulevard|place|pl\.|chemin|ch\.|all[ée]e|impasse|imp\.|"
    r"route|rte|quai|cours|square|sq\.|voie|lieu-dit|r[ée]sidence|cit[ée]|passage|hameau|faubourg|street|road|"
    r"lane|drive)\b",
    re.IGNORECASE,
)
STREET = re.compile(  # the street's name runs to the next punctuation, or four words at most
    ADDRESS.pattern + r"(?:[^,.;:!?()\n]{0,40}?(?=\s*(?:[,.;:!?()\n]|$))|(?:[ \t]+[^\s,.;:!?()]+){0,4})",
    re.IGNORECASE,
)
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’\-]+"
INTRODUCTION = re.compile(
    r"(?i:je\s+m['’]\s?appelle|mon\s+nom\s+est|mon\s+pr[ée]nom\s+est|my\s+name\s+is|je\s+suis\s+(?:madame|monsieur|mme|m\.))"
    rf"\s+((?:{_CAP_WORD}|[A-ZÀ-Þ]{{2,}})(?:[\s\-]+(?:{_CAP_WORD}|[A-ZÀ-Þ]{{2,}}))?)"
)
CIVILITY = re.compile(rf"\b(?:Madame|Monsieur|Mme|Mlle|M\.|Mr\.?|Mrs\.?|Ms\.?)\s+((?:{_CAP_WORD}|[A-ZÀ-Þ]{{2,}})(?:\s+{_CAP_WORD})?)")
CAP_PAIR = re.compile(rf"\b({_CAP_WORD}|[A-ZÀ-Þ]{{2,}})\s+({_CAP_WORD}|[A-ZÀ-Þ]{{2,}})\b")

PLACEHOLDERS = {
    "email": "[courriel]", "phone": "[téléphone]", "id_number": "[numéro]", "name": "[nom]", "address": "[adresse]",
}
REASONS = {
    "email": "values are e-mail addresses",
    "phone": "values are phone numbers",
    "nir": "values are social security numbers",
    "iban": "values are bank account numbers (IBAN)",
    "address": "values are postal addresses",
    "name": "values are people's names",
}


@lru_cache(maxsize=None)
def _names(kind: str) -> frozenset[str]:
    text = (_VOCAB / f"{kind}_names.txt").read_text(encoding="utf-8")
    return frozenset(fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=None)
def _header_rules() -> tuple[int, frozenset[str], list[tuple[str, re.Pattern[str]]]]:
    data = safe_load_text((_VOCAB / "pii_headers.yaml").read_text(encoding="utf-8"))
    rules = [
        (kind, re.compile("|".join(f"(?:{p})" for p in patterns)))
        for kind, patterns in data["kinds"].items()
    ]
    return int(data["max_words"]), frozenset(data["ignore_words"]), rules


def header_kind(header: str) -> str | None:
    """The kind of personal data a short column header names (email, phone, name...), or None."""
    max_words, ignore, rules = _header_rules()
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", fold(header))
    text = re.sub(r"^(?:q\s?\d+[a-z]?|\d+)\s*[.):\-]\s*", "", text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in ignore]
    if not words or len(words) > max_words:
        return None
    joined = " ".join(words)
    for kind, pattern in rules:
        if pattern.fullmatch(joined):
            return kind
    return None


_CIVILITIES = frozenset({"m", "m.", "mr", "mr.", "mme", "mme.", "mlle", "madame", "monsieur", "mrs", "ms", "dr"})


def _is_name(value: str) -> bool:
    first, last = _names("first"), _names("last")
    words = [w for w in re.split(r"[\s,]+", fold(value)) if w and w not in _CIVILITIES]
    if not words or len(words) > 4:
        return False
    if len(words) == 1:
        return words[0] in first or words[0] in last
    joined = " ".join(words)
    if joined in last:
        return True
    return any(w in first for w in words) and any(w in last or w in first for w in words)


def _content_kind(values: pd.Series) -> str | None:
    if values.empty:
        return None
    counts = values.value_counts()
    texts = [str(v) for v in counts.index]
    weights = counts.to_numpy()
    n = float(weights.sum())

    def share(test) -> float:
        return sum(int(w) for t, w in zip(texts, weights) if test(t)) / n

    if share(lambda t: EMAIL.search(t) is not None) >= CONTENT_SHARE:
        return "email"
    if share(lambda t: IBAN.fullmatch(t.strip().upper()) is not None and t.strip()[:2].isalpha()) >= CONTENT_SHARE:
        return "iban"
    if share(lambda t: NIR.fullmatch(t.strip().upper()) is not None) >= CONTENT_SHARE:
        return "nir"
    if share(lambda t: PHONE.fullmatch(t.strip()) is not None) >= CONTENT_SHARE:
        return "phone"
    if share(lambda t: ADDRESS.search(t) is not None) >= CONTENT_SHARE:
        return "address"
    if len(texts) >= NAME_MIN_DISTINCT and share(_is_name) >= NAME_SHARE:
        return "name"
    return None


def detect_pii_columns(frame: pd.DataFrame) -> list[dict]:
    """Columns that hold personal data, by what their header says or what their values look like.

    Content is checked first (it is the stronger evidence); a header alone flags a column even when
    it is empty, since an empty "Téléphone" column will not stay empty in the next wave, but not
    when its answers repeat like categories ("Mobile: oui/non" is a question, not a number).
    """
    found: list[dict] = []
    for column in frame.columns:
        values = frame[column].dropna()
        if len(values) > SAMPLE_VALUES:
            values = values.sample(SAMPLE_VALUES, random_state=0)
        kind = _content_kind(values.astype("string"))
        if kind is not None:
            found.append({"column": column, "kind": kind, "reason": REASONS[kind]})
            continue
        named = header_kind(str(column))
        distinct = values.nunique()
        constant = distinct == 1 and len(values) >= CONSTANT_ROWS  # a file's name or edition, no one's data
        if named is not None and not constant and not (2 <= distinct <= 10 and distinct < 0.5 * len(values)):
            found.append(
                {"column": column, "kind": "header", "reason": f"header names personal data ({named.replace('_', ' ')})"}
            )
    return found


def _replace_names(text: str, counts: dict[str, int]) -> str:
    first, last = _names("first"), _names("last")

    def introduced(match: re.Match[str]) -> str:
        counts["name"] = counts.get("name", 0) + 1
        start, end = match.span(1)
        return match.group(0)[: start - match.start()] + PLACEHOLDERS["name"] + match.group(0)[end - match.start():]

    text = INTRODUCTION.sub(introduced, text)
    text = CIVILITY.sub(introduced, text)

    def pair(match: re.Match[str]) -> str:
        a, b = fold(match.group(1)), fold(match.group(2))
        if (a in first and (b in last or b in first)) or (a in last and b in first and match.group(1).isupper()):
            counts["name"] = counts.get("name", 0) + 1
            return PLACEHOLDERS["name"]
        return match.group(0)

    return CAP_PAIR.sub(pair, text)


def _replace_introduced_ids(text: str, counts: dict[str, int]) -> str:
    """Numbers of five digits or more that a word introduces as an identifier (allocataire, dossier,
    client, fiscal, n°...): the number goes, the words that introduced it stay."""

    def replace(match: re.Match[str]) -> str:
        counts["id_number"] = counts.get("id_number", 0) + 1
        start, end = match.span(1)
        whole = match.group(0)
        return whole[: start - match.start()] + PLACEHOLDERS["id_number"] + whole[end - match.start():]

    return INTRODUCED_ID.sub(replace, text)


def scrub_text(text: str) -> tuple[str, dict[str, int]]:
    """Replace e-mails, phone numbers, id-like numbers (long ones, and any a word introduces as an
    identifier), street addresses and names by placeholders."""
    counts: dict[str, int] = {}
    if not text:
        return text, counts

    def sub(pattern: re.Pattern[str], kind: str, value: str) -> str:
        new, n = pattern.subn(PLACEHOLDERS[kind], value)
        if n:
            counts[kind] = counts.get(kind, 0) + n
        return new

    out = sub(EMAIL, "email", str(text))
    out = sub(IBAN, "id_number", out)
    out = sub(NIR, "id_number", out)
    out = sub(PHONE, "phone", out)
    out = _replace_introduced_ids(out, counts)
    out = sub(LONG_NUMBER, "id_number", out)
    out = sub(STREET, "address", out)
    out = _replace_names(out, counts)
    return out, counts


def scrub_series(series: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Scrub every non-missing value of a text column; missing stays missing."""
    totals: dict[str, int] = {}
    out: list[object] = []
    done: dict[str, tuple[str, dict[str, int]]] = {}
    for value in series.to_numpy(dtype=object, na_value=None):
        if value is None:
            out.append(pd.NA)
            continue
        text = str(value)
        if text not in done:
            done[text] = scrub_text(text)
        clean, counts = done[text]
        for kind, n in counts.items():
            totals[kind] = totals.get(kind, 0) + n
        out.append(clean)
    return pd.Series(out, index=series.index, name=series.name, dtype="string"), totals
