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

from .cells import fold
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
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ'’]+)*"
_UPPER_WORD = r"[A-ZÀ-Þ]{2,}(?:-[A-ZÀ-Þ]{2,})*"
INTRODUCTION = re.compile(
    r"(?i:je\s+m['’]\s?appelle|mon\s+nom\s+est|mon\s+pr[ée]nom\s+est|my\s+name\s+is|je\s+suis\s+(?:madame|monsieur|mme|m\.))"
    rf"\s+((?:{_CAP_WORD}|{_UPPER_WORD})(?:[\s\-]+(?:{_CAP_WORD}|{_UPPER_WORD}))?)"
)
CIVILITY = re.compile(rf"\b(?:Madame|Monsieur|Mme|Mlle|M\.|Mr\.?|Mrs\.?|Ms\.?)\s+((?:{_CAP_WORD}|{_UPPER_WORD})(?:\s+{_CAP_WORD})?)")
#: Words and their spans, for names read pair by pair (overlapping: "Signé DURAND Martine").
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

#: French plates: SIV since 2009 (AB-123-CD; no I, O or U) and the older FNI (1234 AB 67).
PLATE = re.compile(
    r"(?<![\w-])(?i:[A-HJ-NP-TV-Z]{2}[\s-]?\d{3}[\s-]?[A-HJ-NP-TV-Z]{2})(?![\w-])"
    r"|(?<![\w-])\d{1,4}[ \t-]?[A-Z]{1,3}[ \t-]?(?:\d{2}|2[AB]|97\d)(?![\w-])"
)
#: A link's query and fragment, or a path segment that reads as a token (letters and digits mixed).
URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'()\[\]]+")
_URL_TOKEN_SEGMENT = re.compile(r"(?i)^(?=[a-z0-9_-]*\d)(?=[a-z0-9_-]*[a-z])[a-z0-9_-]{12,}$|^\d{6,}$")
SECRET = re.compile(
    r"(?i)(?<![\w])((?:access_?|auth_?|refresh_?|id_?)?token|session_?id|jsessionid|phpsessid|sid|auth|api_?key|key"
    r"|code|ticket|password|passwd|pwd|secret|signature|sig|otp)\s*[=:]\s*[^\s&#,;]+"
)
#: E-mails written so that robots do not read them: (at), [at], " at ", arobase; (dot), " point ".
_MAIL_PART = r"[a-z0-9_+\-]{1,64}"
_MAIL_DOT = r"(?:\s*[.]\s*|\s*[(\[{]\s*(?:dot|point)\s*[)\]}]\s*|\s+(?:dot|point)\s+)"
_MAIL_AT = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|arobase|@)\s*[)\]}]\s*|\s+(?:at|arobase)\s+)"
_TLDS = r"(?:fr|com|net|org|eu|info|be|ch|lu|de|it|es|uk|io|biz|re|gp|mq|gf|yt|nc|pf)"
OBFUSCATED_EMAIL = re.compile(
    rf"(?i)(?<![\w.+\-]){_MAIL_PART}(?:{_MAIL_DOT}{_MAIL_PART}){{0,4}}{_MAIL_AT}"
    rf"{_MAIL_PART}(?:{_MAIL_DOT}{_MAIL_PART}){{0,3}}{_MAIL_DOT}{_TLDS}(?![\w\-])"
)
_MONTHS = (r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre"
           r"|janv\.?|f[ée]vr?\.?|avr\.?|juil\.?|sept?\.?|oct\.?|nov\.?|d[ée]c\.?"
           r"|january|february|march|april|may|june|july|august|september|october|november|december")
DATE_IN_WORDS = re.compile(rf"(?i)\b(?:[0-3]?\d|1er|premier)\s+(?:{_MONTHS})\s+((?:1[89]|20)\d\d|\d\d)\b")
DATE_IN_DIGITS = re.compile(r"(?<![\d/.\-])[0-3]?\d([/.\-])[01]?\d\1((?:1[89]|20)\d\d|\d\d)(?![\d/.\-])")
BIRTH = re.compile(r"(?i)\b(?:n[ée]e?s?\s+(?:le|en|à)|naissance|anniversaire|birth|born)\b")
#: A year this many years back or more may be a birth year: a full date with it is scrubbed anywhere.
BIRTH_YEARS_BACK = 14
_STREET_TYPES = (r"rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|impasse|route|quai|cours|square|voie|"
                 r"lieu-dit|r[ée]sidence|cit[ée]|passage|hameau|faubourg|sentier|venelle|ruelle|parvis|esplanade")
#: A street named without its number: a street word, an article perhaps, then capitalised words.
NAMED_STREET = re.compile(
    rf"(?<![\w-])(?i:{_STREET_TYPES})\s+(?:(?i:de\s+la|de\s+l['’]|des|du|de|d['’]|l['’]|la|le|les|aux|au)\s*)?"
    rf"(?:{_CAP_WORD}|{_UPPER_WORD}|\d+(?:er|e)?)(?:[\s\-]+(?:(?i:de|du|des|la|le|les|d['’]|l['’])\s*)?"
    rf"(?:{_CAP_WORD}|{_UPPER_WORD})){{0,3}}"
)
_NUMBER_WORDS = (r"z[ée]ro|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
                 r"quinze|seize|vingts?|trente|quarante|cinquante|soixante|cents?|et")
_NUMBER_TOKEN = rf"(?:\d{{1,2}}|(?:{_NUMBER_WORDS})(?:-(?:{_NUMBER_WORDS}))*)"
#: A phone number said in words ("zéro six douze trente-quatre..."), digits mixed in or not.
PHONE_IN_WORDS = re.compile(
    rf"(?i)(?<![\w-])(?:z[ée]ro|0\d?|\+\s?33|plus\s+trente-trois)(?:[\s,.;]+{_NUMBER_TOKEN}){{4,}}(?![\w-])"
)

#: A year said in words ("mil neuf cent quatre-vingt", "deux mille trois"): a birth year after "né en".
YEAR_IN_WORDS = re.compile(rf"(?i)\b(?:mil|mille|deux\s+mille)(?:[\s-]+(?:{_NUMBER_WORDS}))*\b")
#: A social-network handle (@jdupont67), once e-mail addresses are gone.
HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_][A-Za-z0-9_.]{2,}\b")
#: An identifier mixing letters and digits (passport 12AB34567, licence, file codes): 8+ signs, 3+ digits, 2+ letters.
MIXED_ID = re.compile(r"(?<![\w-])(?=(?:[A-Za-z]*\d){3})(?=(?:\d*[A-Za-z]){2})[A-Za-z0-9]{8,}(?![\w-])")

PLACEHOLDERS = {
    "email": "[courriel]", "phone": "[téléphone]", "id_number": "[numéro]", "name": "[nom]", "address": "[adresse]",
    "plate": "[immatriculation]", "link": "[lien]", "secret": "[code]", "date": "[date]",
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
    """Names introduced ("je m'appelle", a civility) and pairs of words that are a first name and a
    last name, read pair by pair so that a capitalised word before a name ("Signé DURAND Martine")
    does not hide it. In lower case, a pair counts only when neither word is also an ordinary word."""

    def introduced(match: re.Match[str]) -> str:
        counts["name"] = counts.get("name", 0) + 1
        start, end = match.span(1)
        return match.group(0)[: start - match.start()] + PLACEHOLDERS["name"] + match.group(0)[end - match.start():]

    text = INTRODUCTION.sub(introduced, text)
    text = CIVILITY.sub(introduced, text)
    words = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
    spans: list[list[int]] = []
    for (start, _, a), (next_start, end, b) in zip(words, words[1:]):
        if text[_:next_start].strip(" \t") or not _is_name_pair(a, b):
            continue
        if spans and spans[-1][1] >= start:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    for start, end in reversed(spans):
        counts["name"] = counts.get("name", 0) + 1
        text = text[:start] + PLACEHOLDERS["name"] + text[end:]
    return text


def _name_in(word: str, kind: str) -> bool:
    """Whether a word is a name of the kind, a compound (Jean-Pierre, DUPONT-MOREAU) when every part is."""
    names = _names(kind)
    folded = fold(word).replace("’", "'")
    return folded in names or ("-" in folded and all(part in names for part in folded.split("-") if part))


def _is_name_pair(a: str, b: str) -> bool:
    capitalised = a[:1].isupper() and b[:1].isupper()
    if capitalised:
        first_a = _name_in(a, "first")
        return (first_a and (_name_in(b, "last") or _name_in(b, "first"))) or (
            a.isupper() and _name_in(a, "last") and _name_in(b, "first"))
    common = _common_words()
    if fold(a) in common or fold(b) in common:
        return False
    return (_name_in(a, "first") and _name_in(b, "last")) or (_name_in(a, "last") and _name_in(b, "first"))


@lru_cache(maxsize=None)
def _common_words() -> frozenset[str]:
    data = safe_load_text((Path(__file__).with_name("pii_words.yaml")).read_text(encoding="utf-8"))
    return frozenset(fold(word) for word in data["common_words"])


def _replace_links(text: str, counts: dict[str, int]) -> str:
    """A link keeps its site and plain path; its query, fragment and any token-like path segment go.
    ``token=…``, ``sessionid=…`` and their kin go wherever they are written."""

    def link(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;:!?")
        trail = match.group(0)[len(url):]
        base, query = re.split(r"[?#]", url, maxsplit=1)[0], re.search(r"[?#]", url)
        scheme, slash, rest = base.rpartition("//")
        host, *segments = rest.split("/")
        kept = [PLACEHOLDERS["link"] if _URL_TOKEN_SEGMENT.match(seg) else seg for seg in segments]
        if query is None and kept == segments:
            return match.group(0)
        counts["link"] = counts.get("link", 0) + 1
        tail = query.group(0) + PLACEHOLDERS["link"] if query is not None else ""
        return scheme + slash + "/".join([host, *kept]) + tail + trail

    text = URL.sub(link, text)
    new, n = SECRET.subn(lambda m: m.group(1) + "=" + PLACEHOLDERS["secret"], text)
    if n:
        counts["secret"] = counts.get("secret", 0) + n
    return new


def _birth_cutoff() -> int:
    """The latest year a birth date of an adult respondent could have (``SOURCE_DATE_EPOCH`` honoured)."""
    import os
    import time

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    now = int(epoch) if epoch.isdigit() else time.time()
    return time.gmtime(now).tm_year - BIRTH_YEARS_BACK


def _replace_dates(text: str, counts: dict[str, int]) -> str:
    """Full dates that may be a birth date: any after "né le" or "naissance", and any whose year
    lies far enough back to be one. A recent date ("le 12/03/2024", a contact) stays."""
    births = [m.end() for m in BIRTH.finditer(text)]
    cutoff = _birth_cutoff()

    def date(match: re.Match[str]) -> str:
        year = match.group(match.lastindex or 0)
        after_birth = any(0 <= match.start() - end <= 40 for end in births)
        if after_birth or (len(year) == 4 and int(year) <= cutoff):
            counts["date"] = counts.get("date", 0) + 1
            return PLACEHOLDERS["date"]
        return match.group(0)

    def year(match: re.Match[str]) -> str:  # a year in words is a date only where a birth is said
        if any(0 <= match.start() - end <= 40 for end in births):
            counts["date"] = counts.get("date", 0) + 1
            return PLACEHOLDERS["date"]
        return match.group(0)

    return YEAR_IN_WORDS.sub(year, DATE_IN_DIGITS.sub(date, DATE_IN_WORDS.sub(date, text)))


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
    """Replace what could point at a person by a placeholder in brackets: links' tokens, e-mails
    (obfuscated too), bank and social security numbers, dates that may be a birth date, phone
    numbers (in words too), id-like numbers (long ones, any a word introduces as an identifier,
    and codes mixing letters and digits), licence plates, social-network handles, street
    addresses (with or without a number) and names.

    Every replacement leaves a bracketed placeholder: a cell the scrubber changed can always be
    told from one it left alone, which is how quotes are never taken from a changed cell."""
    counts: dict[str, int] = {}
    if not text:
        return text, counts

    def sub(pattern: re.Pattern[str], kind: str, value: str) -> str:
        new, n = pattern.subn(PLACEHOLDERS[kind], value)
        if n:
            counts[kind] = counts.get(kind, 0) + n
        return new

    out = _replace_links(str(text), counts)
    out = sub(EMAIL, "email", out)
    out = sub(OBFUSCATED_EMAIL, "email", out)
    out = sub(IBAN, "id_number", out)
    out = sub(NIR, "id_number", out)
    out = _replace_dates(out, counts)
    out = sub(PHONE, "phone", out)
    out = sub(PHONE_IN_WORDS, "phone", out)
    out = _replace_introduced_ids(out, counts)
    out = sub(LONG_NUMBER, "id_number", out)
    out = sub(PLATE, "plate", out)
    out = sub(MIXED_ID, "id_number", out)
    out = sub(HANDLE, "name", out)
    out = sub(STREET, "address", out)
    out = sub(NAMED_STREET, "address", out)
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
