"""Drafting a codebook from the data alone, for people to correct.

The draft must be right often enough that correcting it is quicker than writing it: an export's
id, weights, Likert items (text labels put back in scale order, or small integer ranges), yes/no
answers, categories, free text and personal data, plus how to read the contact log. Dimensions are
people's call; the draft guesses one only when a header says it plainly.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd

from .codebook import CHANNELS, Codebook, ColumnSpec, ContactMapping, DimensionSpec
from .errors import DataError
from .messages import msg
from .pii import detect_pii_columns
from .demographics import demographic_kind, demographic_kind_of_values
from .readers import fold, parse_number
from .roles import design_kind, is_id_header, is_row_number, is_weight_values, reason, weight_preference
from .scales import (Scale, boolean_values, fold_label, is_missing_code, match_scale, missing_labels, scale_words,
                     split_missing_codes)
from .yaml_safe import safe_load_text

if TYPE_CHECKING:
    from .questions import KnownQuestion

_VOCAB = Path(__file__).with_name("vocab")
ROW_NUMBER_ID = "_row"  # respondent_id of a codebook whose survey has no id column: rows are numbered
MAX_CATEGORIES = 30
TEXT_MIN_MEAN_LENGTH = 30
NOMINAL_TOPS = (3, 4, 5, 6, 7, 10)  # common scale ends: data 2..5 reads as a 1-5 scale, 1..9 as 1-10

_ID_HEADER = re.compile(
    r"^(?:id|ids|identifiant|identifiant repondant|identifiant usager|id repondant|id reponse|id usager|"
    r"id participant|id personne|repondant|respondent|respondent id|response id|responseid|participant|"
    r"participant id|n|no|num|numero|n repondant|numero repondant|numero questionnaire|n questionnaire|"
    r"questionnaire|uid|uuid|code|code repondant|ref|reference|usager|user id|record id|index)$"
)
_WEIGHT_HEADER = re.compile(r"^(?:poids|ponderation|pond|weight|weights|wgt|wt|coef|coefficient|poids final|final weight|redressement|coef redressement|poids redresse)(?: .*)?$")
_SUBMISSION_HEADER = re.compile(
    r"^(?:submitdate|startdate|datestamp|date soumission|date de soumission|date d'envoi|date envoi|date de reponse|"
    r"date reponse|date de saisie|horodateur|horodatage|timestamp|heure de debut|heure de fin|"
    r"heure de la derniere modification|date de debut|date de fin|date of submission|submitted at|submission date|"
    r"start time|end time|completion time|date de derniere action|date de la derniere action|date de lancement|"
    r"date de debut de saisie|date)$"
)
_TECHNICAL_HEADER = re.compile(
    r"^(?:lastpage|startlanguage|seed|refurl|interviewtime|grouptime.*|.*time$|token|ipaddr|"
    r"derniere page|langue de depart|tete de serie|langue|statut|status|completed|complete|finished|progress|duration.*|"
    r"duree.*|response type|distribution channel|user language|recordeddate|responseid)$"
)
_COUNT_HEADER = re.compile(
    r"\b(?:nombre|nb|nbre|combien|taille|age|annee|annees|montant|revenu|revenus|euros|heures|minutes|jours|"
    r"count|number|size|how many|amount|income|years|hours|km|distance|personnes|enfants)\b"
)
_BOOL_HEADER = re.compile(
    r"(?:\?|^(?:est|a|as|avez|possede|possedez|dispose|disposez|has|is|have|do|does|did|etes|utilisez|connaissez)\b|"
    r"\b(?:oui non|yes no|flag|indicateur|case)\b)"
)
_TEXT_HEADER = re.compile(
    r"\b(?:commentaires?|remarques?|suggestions?|observations?|precisez|preciser|pourquoi|expliquez|verbatim|"
    r"texte libre|avis libre|message|comments?|remarks?|feedback|please specify|explain|why|open answer|"
    r"qu'aimeriez|que pensez|en quelques mots|autres? precision)\b"
)
_DIMENSION_HINTS = (  # only phrases that name a trait plainly; anything vaguer is left to people
    ("digital_skill", r"\ba l'aise avec (?:un |l'|les |le )?(?:ordinateur|informatique|internet|numerique|outils? numeriques?)|"
                      r"\bcompetences? (?:numeriques?|informatiques?)|\bmaitris\w* (?:de )?(?:l'informatique|l'ordinateur|internet)"),
    ("online_use", r"\b(?:fais|faites|effectue|effectuez|realise|realisez)\w* (?:mes |vos |les )?demarches? "
                   r"(?:administratives? )?(?:en ligne|sur internet)|\butilise\w* (?:les )?(?:services|teleservices) en ligne"),
    ("awareness", r"\b(?:connais|connaissez|saviez|savez)\w* (?:-vous )?(?:les |l'existence |que )?(?:des |les )?"
                  r"(?:services|demarches|teleservices|site|possibilite)"),
    ("trust", r"\bconfiance\b|\bdonnees personnelles\b|\bsecurite des (?:sites|donnees)"),
    ("human_contact", r"\bparler a (?:une personne|quelqu'un|un agent|un conseiller)|\bcontact humain|\binterlocuteur"),
    ("autonomy", r"\bseule?s? pour\b|\bsans aide\b|\bbesoin d'(?:aide|etre aide)|\bme debrouille|\bautonom"),
    ("access", r"\bacces a internet|\bconnexion (?:a )?internet|\bequipe\w* d'un (?:ordinateur|smartphone)|"
               r"\bordinateur a (?:la maison|domicile)|\bsmartphone\b"),
)


_CODED = re.compile(r"^\s*(\d{1,2})\s*(?:[-–=:.)]|\()\s*\D")


def _coded_levels(texts: list[str]) -> list[str] | None:
    """Labels of an unknown scale numbered by the survey tool ('1 - Pas du tout', '2 - Un peu'...), in number order."""
    answers = [t for t in texts if fold_label(t) not in missing_labels()]
    codes = [_CODED.match(t) for t in answers]
    if len(answers) < 2 or len(answers) > 11 or not all(codes):
        return None
    if not any(scale_words().search(fold(t)) for t in answers):
        return None  # numbered categories (occupations, districts) are not a scale
    numbers = [int(m.group(1)) for m in codes]
    if len(set(numbers)) != len(numbers) or len({fold_label(t) for t in answers}) != len(answers):
        return None
    return [t for _, t in sorted(zip(numbers, answers))]


def _levels_from_data(scale: Scale, values: pd.Series) -> list[str]:
    """Scale levels spelled as the data spells them (most frequent spelling), canonical otherwise."""
    spellings: dict[int, dict[str, int]] = {}
    positions = {fold_label(v): i for i, variants in enumerate(scale.levels) for v in variants}
    for raw, n in values.value_counts().items():
        pos = positions.get(fold_label(raw))
        if pos is not None:
            spellings.setdefault(pos, {})[str(raw)] = int(n)
    levels = []
    for i, variants in enumerate(scale.levels):
        seen = spellings.get(i)
        levels.append(max(seen, key=seen.get) if seen else variants[0])
    if len({fold_label(v) for v in levels}) != len(levels):
        return scale.labels
    return levels


def _integer_scale(numbers: pd.Series, header: str) -> tuple[int, int] | None:
    if numbers.empty or not (numbers == numbers.round()).all():
        return None
    low, high = int(numbers.min()), int(numbers.max())
    if low < 0 or high > 10 or high - low < 2 or numbers.nunique() < 3:
        return None
    if _COUNT_HEADER.search(_header_words(header)):
        return None
    bottom = 0 if low == 0 else 1
    top = next(t for t in NOMINAL_TOPS if t >= high)
    return bottom, top


def _missing_why(key: str, codes: list[float]) -> dict[str, str]:
    """The reason for a column's type, naming the codes read as "no answer" when there are some."""
    if not codes:
        return {}
    base = reason(key)
    shown = ", ".join(str(int(c)) if float(c).is_integer() else str(c) for c in codes)
    return {lang: reason("missing_codes", base=base[lang], codes=shown)[lang] for lang in base}


def _header_words(header: str) -> str:
    text = re.sub(r"[_\-]+", " ", fold(header))
    text = re.sub(r"[^\w' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_datetime_values(values: pd.Series) -> bool:
    sample = values.head(200)
    if sample.empty or not sample.str.contains(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", regex=True).all():
        return False
    parsed = _parse_dates(sample)
    return parsed.notna().mean() >= 0.9


def _parse_dates(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601")
    if iso.notna().mean() >= 0.9:
        return iso
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y"):
        parsed = pd.to_datetime(text, errors="coerce", format=fmt)
        if parsed.notna().mean() >= 0.9:
            return parsed
    return pd.to_datetime(text, errors="coerce", dayfirst=True, format="mixed")


_REVERSED = re.compile(r"\b(?:ne|n')\s?\w+(?: \w+)? (?:pas|jamais|plus)\b|\bbesoin d'(?:aide|etre aide)|\bmefi")


def _guess_dimension(header: str) -> tuple[str | None, bool]:
    """A trait dimension the header names plainly, and whether agreeing means less of it."""
    words = fold(header).replace("_", " ")
    hits = [dim for dim, pattern in _DIMENSION_HINTS if re.search(pattern, words)]
    if len(hits) != 1:
        return None, False
    return hits[0], bool(_REVERSED.search(words))


def _find_id(frame: pd.DataFrame, skip: set[str]) -> str:
    complete = [
        c for c in frame.columns
        if c not in skip and frame[c].notna().all() and frame[c].is_unique and len(frame) > 1
    ]
    for column in complete:
        if (_ID_HEADER.match(_header_words(column)) or re.match(r"^(?:id|n°|no\.?)[\s_]", fold(column))
                or is_id_header(column)):
            return column
    for column in frame.columns:
        if column not in skip and re.fullmatch(r"id|identifiant|id repondant|respondent id|respondent|repondant|"
                                               r"n repondant|numero repondant", _header_words(column)):
            return column  # ids with duplicates or gaps: load_survey will say which rows
    for column in complete:
        words = _header_words(column)
        if re.search(r"\b(?:id|identifiant|repondant|respondent)\b", words):
            return column
    for column in complete[:1]:
        values = frame[column]
        codes = values.str.fullmatch(r"[A-Za-z]*[-_]?\d+|[0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27}")
        if frame.columns.get_loc(column) == 0 and bool(codes.all()):
            return column  # a first column of codes like 17, R-042 or a UUID, all different
    for column in complete:
        if is_row_number(frame[column]) and demographic_kind([column]) is None \
                and demographic_kind_of_values(frame[column]) is None:
            return column  # numbers in sequence, or codes, different on every row, wherever the column is
    return ROW_NUMBER_ID


def _find_weight(frame: pd.DataFrame, skip: set[str]) -> str | None:
    """The survey weight: among the columns named like one whose values are weights (positive, not
    a small scale, not the same on every row), an analysis or post-stratification weight first."""
    candidates = []
    for position, column in enumerate(frame.columns):
        if column in skip:
            continue
        values = frame[column].dropna()
        named = _WEIGHT_HEADER.match(_header_words(column)) or design_kind(column, values) == "weight"
        if named and values.nunique() > 1 and is_weight_values(values) and frame[column].notna().all():
            candidates.append((weight_preference(column), position, column))
    return min(candidates)[2] if candidates else None


def infer_column(name: str, values: pd.Series) -> ColumnSpec:
    """Draft the spec of one column from its header and values, its role, and why (``why``)."""
    spec = _typed_column(name, values)
    if spec.type in ("ignore", "pii", "text"):
        return spec
    return _with_role(spec, values)


#: Demographics whose numeric codes stand for categories (1 = man, 2 = woman; a district's code).
_CODED_DEMOGRAPHICS = ("gender", "ethnicity", "religion", "orientation", "district", "nationality", "occupation")
MAX_DEMOGRAPHIC_CODES = 12


def _with_role(spec: ColumnSpec, values: pd.Series, known_question: bool = False) -> ColumnSpec:
    """Basis or descriptor: a demographic by its header, label or values is a descriptor. The label
    of a known survey question ("Spending on education") is a question, not a demographic."""
    named = demographic_kind([spec.name] if known_question else [spec.name, *spec.label.values()])
    if named is not None and not (spec.levels and match_scale(list(spec.levels)) is not None):
        kind, why = named, reason("demographic_named", kind=msg(f"why.kind.{named}"))
    elif spec.type in ("numeric", "categorical", "boolean") and (found := demographic_kind_of_values(values)):
        kind, why = found, reason("demographic_values", kind=msg(f"why.kind.{found}"))
    else:
        return replace(spec, role="basis", why=spec.why or reason(f"basis_{spec.type}"))
    if spec.type == "numeric" and kind in _CODED_DEMOGRAPHICS and values.nunique() <= MAX_DEMOGRAPHIC_CODES:
        spec = replace(spec, type="categorical")
    return replace(spec, role="descriptor", dimension=None, reverse=False, why=why)


def _typed_column(name: str, values: pd.Series) -> ColumnSpec:
    """The column's type from its header and values, with the reason for it."""
    label = {"fr": name, "en": name}
    header = _header_words(name)
    present = values.dropna()
    distinct = present.unique()

    def ignored(key: str, **params: object) -> ColumnSpec:
        return ColumnSpec(name=name, type="ignore", label=label, why=reason(key, **params))

    if present.empty:
        return ignored("empty")
    if len(distinct) == 1:
        return ignored("constant")
    design = design_kind(name, present)
    if design is not None:
        return ignored(f"design.{design}")
    if is_id_header(name) and values.notna().all() and values.is_unique:
        return ignored("row_number")
    if is_row_number(values) and demographic_kind([name]) is None and demographic_kind_of_values(values) is None:
        return ignored("row_number")
    if _SUBMISSION_HEADER.match(header) or _TECHNICAL_HEADER.match(header):
        return ignored("technical")
    if _is_datetime_values(present):
        return ignored("dates")
    dimension, reverse = _guess_dimension(name)
    texts = [str(v) for v in distinct]
    folded = {fold_label(v) for v in texts} - missing_labels()
    matched = match_scale(texts)
    if matched is not None:
        scale, _ = matched
        return ColumnSpec(
            name=name, type="likert", levels=_levels_from_data(scale, present), dimension=dimension,
            reverse=reverse and dimension is not None, label=label,
        )
    coded = _coded_levels(texts)
    if coded is not None:
        return ColumnSpec(name=name, type="likert", levels=coded, dimension=dimension,
                          reverse=reverse and dimension is not None, label=label)
    booleans = boolean_values()
    if folded and folded <= booleans.keys() and len({booleans[v] for v in folded}) == 2:
        if not folded <= {"0", "1"} or _BOOL_HEADER.search(fold(name)):
            return ColumnSpec(name=name, type="boolean", dimension=dimension, reverse=reverse and dimension is not None,
                              label=label, why=reason("basis_boolean"))
    kept = [str(v) for v in distinct if fold_label(str(v)) not in missing_labels()]
    parsed = [parse_number(v) for v in kept]
    if kept and all(v is not None for v in parsed):
        answers, codes = split_missing_codes(parsed)
        scale_range = _integer_scale(pd.Series(answers, dtype="float64"), name)
        if scale_range is None and codes:
            codes, scale_range = [], _integer_scale(pd.Series(parsed, dtype="float64"), name)
        if scale_range is not None:
            return ColumnSpec(
                name=name, type="likert", scale=(float(scale_range[0]), float(scale_range[1])),
                dimension=dimension, reverse=reverse and dimension is not None, label=label,
                missing=codes or None, why=_missing_why("basis_likert", codes),
            )
        return ColumnSpec(name=name, type="numeric", label=label)
    mean_length = float(present.str.len().mean())
    n_distinct = len(distinct)
    if _TEXT_HEADER.search(header) and present.str.contains(r"[^\W\d_]{2,}\s", regex=True).mean() >= 0.3:
        return ColumnSpec(name=name, type="text", label=label, why=reason("text"))
    if mean_length >= TEXT_MIN_MEAN_LENGTH and (
        n_distinct > min(MAX_CATEGORIES, 0.3 * len(present)) or (mean_length >= 40 and n_distinct > 12)
    ):
        return ColumnSpec(name=name, type="text", label=label, why=reason("text"))
    if n_distinct <= MAX_CATEGORIES or n_distinct <= 0.05 * len(present):
        return ColumnSpec(name=name, type="categorical", label=label)
    if mean_length >= 15 or present.str.contains(r"\s", regex=True).mean() > 0.5:
        return ColumnSpec(name=name, type="text", label=label, why=reason("text"))
    return ignored("unreadable")


def infer_codebook(frame: pd.DataFrame, *, contacts: pd.DataFrame | None = None) -> Codebook:
    """Draft a codebook for a survey read as text (see :func:`workshop_data.readers.read_table`).

    Every column gets a type, a role and the reason for them (``why``), as does the choice of the
    respondent id and of the weight (the codebook's top-level ``why``).
    """
    if frame.columns.empty:
        raise DataError(msg("infer.no_columns"), file=frame.attrs.get("file"), expected=msg("infer.expected_columns"))
    frame = frame.astype("string")
    pii = {item["column"]: item for item in detect_pii_columns(frame)}
    respondent_id = _find_id(frame, set(pii))
    weight = _find_weight(frame, set(pii) | {respondent_id})
    columns: dict[str, ColumnSpec] = {}
    for name in frame.columns:
        if name in (respondent_id, weight):
            continue
        if name in pii:
            columns[name] = ColumnSpec(name=name, type="pii", label={"fr": name, "en": name},
                                       why=reason("pii", detail=msg(f"report.reason.{pii[name]['kind']}")))
            continue
        columns[name] = infer_column(name, frame[name])
    columns, known = with_known_questions(with_file_labels(columns, frame), frame)
    columns = {name: spec if spec.type in ("ignore", "pii", "text") else _with_role(spec, frame[name], name in known)
               for name, spec in columns.items()}
    columns = without_derived_scores(columns, frame)
    mapping = infer_contact_mapping(contacts, frame[respondent_id].astype("string").tolist()
                                    if respondent_id in frame.columns else None) if contacts is not None else None
    dimensions = propose_dimensions(frame, columns)
    for name, dim in dimensions.items():
        if not dim.label:
            dim.label = next((dict(q.dimension_label) for q in known.values()
                              if q.dimension == name and q.dimension_label), {})
    why = {"respondent_id": reason("respondent_id") if respondent_id != ROW_NUMBER_ID else reason("row_numbers")}
    if weight is not None:
        why["weight"] = reason("weight")
    return Codebook(respondent_id=respondent_id, columns=columns, weight=weight, contacts=mapping,
                    dimensions=dimensions, why=why)


# --- dimensions: what the Likert items measure together -------------------------------------------


def propose_dimensions(frame: pd.DataFrame, columns: dict[str, ColumnSpec]) -> dict[str, DimensionSpec]:
    """Dimensions for a draft: the plainly named ones, and scales found by factor analysis.

    Items whose header names a built-in dimension keep it. A factor whose plainly named items all
    share one built-in dimension and are at least a third of its items takes its other items into it
    (a built-in dimension must not grow into something else); the unnamed items of any other factor,
    two or more, become a dimension of its own, named from their labels. ``columns`` is updated (each
    item's ``dimension`` and ``reverse``); the result holds each dimension's items and alpha.
    """
    from .factors import cronbach_alpha, item_scales

    likert = [s for s in columns.values() if s.type == "likert" and not s.is_descriptor]
    values = np.column_stack([_likert_positions(frame[s.name], s) for s in likert]) if likert else None
    proposed: dict[str, DimensionSpec] = {}
    for scale in item_scales(values) if values is not None else []:
        members = [likert[i] for i in scale.items]
        signs = dict(zip((s.name for s in members), scale.loadings))
        _take_scale(members, signs, proposed, columns)
    dimensions: dict[str, DimensionSpec] = {}
    for spec in likert:
        if spec.dimension:
            dimensions.setdefault(spec.dimension, proposed.get(spec.dimension) or DimensionSpec(spec.dimension))
    position = {s.name: i for i, s in enumerate(likert)}
    for name, dim in dimensions.items():
        dim.items = [s.name for s in likert if s.dimension == name]
        if len(dim.items) >= 2:
            oriented = [values[:, position[i]] * (-1.0 if columns[i].reverse else 1.0) for i in dim.items]
            alpha = cronbach_alpha(np.column_stack(oriented))
            dim.alpha = None if np.isnan(alpha) else round(alpha, 2)
    return dimensions


def _take_scale(members: list[ColumnSpec], signs: dict[str, float], proposed: dict[str, DimensionSpec],
                columns: dict[str, ColumnSpec]) -> None:
    """Put a factor's unnamed items in a dimension: the built-in one its named items share, or a new one."""
    from .codebook import DIMENSIONS
    from .scale_names import scale_name, slug

    named = [s for s in members if s.dimension]
    unnamed = [s for s in members if not s.dimension]
    builtin = {s.dimension for s in named}
    if len(builtin) == 1 and unnamed and 3 * len(named) >= len(members):
        direction = np.sign(sum((-1.0 if s.reverse else 1.0) * np.sign(signs[s.name]) for s in named)) or 1.0
        for spec in unnamed:
            spec.dimension, spec.reverse = named[0].dimension, bool(signs[spec.name] * direction < 0)
        return
    if len(unnamed) < 2:
        return
    label = {lang: scale_name([s.label.get(lang) or s.name for s in unnamed]) for lang in ("fr", "en")}
    if not any(re.search(r"[^\W\d_]{2,}", text or "") for text in label.values()):
        return  # items whose labels share no word ("Q6_1", "Q6_2"): no name to give, they stay items
    name = slug(label["fr"], taken={*DIMENSIONS, *proposed, *(s.dimension for s in columns.values() if s.dimension)})
    direction = np.sign(sum(signs[s.name] for s in unnamed)) or 1.0  # most of its own items read forward
    for spec in unnamed:
        spec.dimension, spec.reverse = name, bool(signs[spec.name] * direction < 0)
    proposed[name] = DimensionSpec(name, label=label)


def _likert_positions(values: pd.Series, spec: ColumnSpec) -> np.ndarray:
    """A drafted Likert column as numbers (level positions, or the scale's numbers); NaN when skipped."""
    if spec.levels:
        positions = {fold_label(level): i + 1.0 for i, level in enumerate(spec.levels)}
        table = {v: positions.get(fold_label(v), np.nan) for v in values.dropna().unique()}
    else:
        table = {v: None if spec.missing and is_missing_code(v, spec.missing) else parse_number(v)
                 for v in values.dropna().unique()}
    numbers = (table.get(v) for v in values.to_numpy(dtype=object, na_value=None))
    return np.array([np.nan if v is None else v for v in numbers], dtype=np.float64)


# --- labels the file declares (SPSS/Stata value and variable labels, double headers) -------------


def with_file_labels(columns: dict[str, ColumnSpec], frame: pd.DataFrame) -> dict[str, ColumnSpec]:
    """The draft corrected by what the file itself says: question texts as labels, coded scales in order.

    ``frame.attrs["column_labels"]`` (SPSS/Stata variable labels, the text line of a double header)
    become the columns' labels; ``frame.attrs["value_labels"]`` (labels in code order) become the
    levels of the columns that are scales.
    """
    texts = frame.attrs.get("column_labels") or {}
    value_labels = frame.attrs.get("value_labels") or {}
    out = {}
    for name, spec in columns.items():
        if name in value_labels:
            spec = labelled_scale(spec, value_labels[name], frame[name])
        if texts.get(name):
            spec = labelled_column(spec, texts[name])
        out[name] = spec
    return out


def with_known_questions(columns: dict[str, ColumnSpec], frame: pd.DataFrame
                         ) -> tuple[dict[str, ColumnSpec], dict[str, "KnownQuestion"]]:
    """The draft with the questions of well-known surveys behind their codes (``imwbcnt``, ``N3``)
    as labels in both languages, and an inventory item's trait and direction
    (:mod:`workshop_data.questions`); a label the file gave stays. Returns the columns and the
    known questions found."""
    from .questions import known_questions

    known = known_questions(frame.columns)
    texts = frame.attrs.get("column_labels") or {}
    out = {}
    for name, spec in columns.items():
        question = known.get(name)
        if question is not None and spec.type not in ("ignore", "pii", "text") and not texts.get(name):
            spec = replace(spec, label=dict(question.label))
            if question.dimension and spec.type == "likert":
                spec = replace(spec, dimension=question.dimension, reverse=question.reverse)
        out[name] = spec
    return out, known


def without_derived_scores(columns: dict[str, ColumnSpec], frame: pd.DataFrame) -> dict[str, ColumnSpec]:
    """Scores computed from other columns (a sum of items, a number in another unit) describe the
    personas but are not clustered: they would count their sources twice
    (:func:`workshop_data.roles.derived_scores`)."""
    from .roles import derived_scores

    numeric = [s for s in columns.values() if s.type in ("numeric", "likert")]
    if len(numeric) < 2:
        return columns
    numbers = pd.DataFrame({s.name: _likert_positions(frame[s.name], s) for s in numeric}, index=frame.index)
    found = derived_scores(numbers)
    out = dict(columns)
    for name, (how, sources) in found.items():
        if columns[name].is_descriptor:
            continue
        out[name] = replace(columns[name], role="descriptor", dimension=None, reverse=False,
                            why=reason(f"derived.{how}", sources=", ".join(sources)))
    return out


def labelled_scale(spec: ColumnSpec, levels: list[str], values: pd.Series) -> ColumnSpec:
    """A scale's value labels are its Likert levels, in the order of their codes.

    Nominal codes (1 = Homme, 2 = Femme; districts) carry labels too: only labels that read as a
    scale (a known scale, scale words, or already drafted as Likert) and cover every answer count.
    Labels that mean "no answer" (9 = "Ne sait pas", 99 = "Refused") are the tool's missing codes,
    never a level.
    """
    levels = [level for level in levels if fold_label(level) not in missing_labels()]
    if spec.type in ("pii", "ignore", "text") or not 3 <= len(levels) <= 11:
        return spec
    folded = {fold_label(level) for level in levels}
    observed = {fold_label(v) for v in values.dropna().unique()} - missing_labels()
    if len(folded) != len(levels) or not observed <= folded:
        return spec
    reads_as_scale = spec.type == "likert" or match_scale(levels) is not None or any(
        scale_words().search(fold(level)) for level in levels
    )
    if not reads_as_scale:
        return spec
    return replace(spec, type="likert", levels=list(levels), scale=None, missing=None,
                   why={} if spec.missing else spec.why, label=dict(spec.label))


def labelled_column(spec: ColumnSpec, text: str) -> ColumnSpec:
    """The question text as the column's label; a trait it names plainly as its dimension."""
    dimension, reverse = spec.dimension, spec.reverse
    if dimension is None and spec.type in ("likert", "boolean"):
        dimension, reverse = _guess_dimension(text)
        reverse = reverse and dimension is not None
    return replace(spec, reverse=reverse, dimension=dimension, label={"fr": text, "en": text})


# --- contact logs -------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _channel_vocab() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    data = safe_load_text((_VOCAB / "channel_values.yaml").read_text(encoding="utf-8"))
    table = {}
    for channel, labels in data["values"].items():
        for label in labels:
            table[_fold_channel(str(label))] = channel
    keywords = tuple((_fold_channel(str(k)), str(v)) for k, v in data["keywords"])
    return table, keywords


def _fold_channel(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def canonical_channel(value: str) -> str:
    """The canonical channel (phone, counter, email, web, mail, chat, social, other) of a log label."""
    key = _fold_channel(value)
    table, keywords = _channel_vocab()
    if key in table:
        return table[key]
    if key in CHANNELS:
        return key
    for word, channel in keywords:
        if word in key:
            return channel
    return "other"


_CONTACT_PERSON = re.compile(r"\b(?:usager|usagers|repondant|respondent|user|client|citoyen|personne|beneficiaire|demandeur"
                             r"|administre|person|citizen|resident|customer|caller|applicant|habitant)\b")
_CONTACT_ID = re.compile(r"\b(?:id|identifiant|ident|ref|reference|uid|number|numero|no|num)\b")
_CONTACT_EVENT = re.compile(r"\b(?:contact|ticket|appel|demande|dossier|event|interaction|call|message|ligne|row)\b")
_CONTACT_TIME = re.compile(r"\b(?:date|horodatage|horodateur|timestamp|heure|time|datetime|jour|quand|created|cree)\b")
_CONTACT_CHANNEL = re.compile(r"\b(?:canal|canaux|channel|mode|media|moyen|type contact|source|origine|via)\b")
_CONTACT_TOPIC = re.compile(r"\b(?:objet|motif|theme|sujet|topic|demarche|categorie|nature|raison|reason|subject|service)\b")
_CONTACT_ONLINE = re.compile(r"(?:en ligne|online|dematerialis|dispo|teleservice|available|digital)")


def _contact_header_words(header: str) -> str:
    """A log header's words, CamelCase split too (``CitizenRef`` -> ``citizen ref``): logs exported by
    English tools name columns that way."""
    return _header_words(re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(header)))


def _id_matches(values: pd.Series, wanted: set[str]) -> float:
    """The share of a column's distinct values that are respondent ids of the survey (canonical forms)."""
    from .ids import canonical_id

    distinct = {canonical_id(v) for v in values.dropna().unique()[:5000]}
    return len(distinct & wanted) / len(distinct) if distinct else 0.0


def infer_contact_mapping(contacts: pd.DataFrame, respondent_ids: Iterable[Any] | None = None) -> ContactMapping:
    """Guess which contact-log columns hold the respondent id, timestamp, channel, topic and online flag.

    By the headers, in French and English (CamelCase included), and by the values: a date column,
    a column of channel labels, and, given the survey's ``respondent_ids``, the column whose values
    are the survey's ids (whatever it is called, it is the one that links the log to the survey).
    """
    from .ids import canonical_ids

    frame = contacts.astype("string")
    columns = list(frame.columns)
    file = frame.attrs.get("file")
    headers = {c: _contact_header_words(c) for c in columns}
    used: set[str] = set()
    wanted = set(canonical_ids(respondent_ids)) if respondent_ids is not None else set()
    matches = {c: _id_matches(frame[c], wanted) for c in columns} if wanted else {}

    def pick(candidates: list[str]) -> str | None:
        for c in candidates:
            if c not in used:
                used.add(c)
                return c
        return None

    def channel_share(c: str) -> float:
        values = frame[c].dropna()
        distinct = values.unique()
        if values.empty or len(distinct) > 60:
            return 0.0
        known = sum(1 for v in distinct if canonical_channel(str(v)) != "other")
        return known / len(distinct)

    timestamp = pick([c for c in columns if _CONTACT_TIME.search(headers[c]) and _dates_share(frame[c]) >= 0.5]
                     + [c for c in columns if _dates_share(frame[c]) >= 0.8])
    channel = pick([c for c in columns if _CONTACT_CHANNEL.search(headers[c]) and channel_share(c) >= 0.3]
                   + sorted((c for c in columns if channel_share(c) >= 0.6), key=channel_share, reverse=True))
    online = pick([c for c in columns if _CONTACT_ONLINE.search(headers[c]) and _boolean_share(frame[c]) >= 0.9])
    respondent = pick(
        sorted((c for c in columns if matches.get(c, 0.0) >= 0.5), key=lambda c: -matches[c])
        + [c for c in columns if _CONTACT_PERSON.search(headers[c])]
        + [c for c in columns if _CONTACT_ID.search(headers[c]) and not _CONTACT_EVENT.search(headers[c])]
    )
    topic = pick([c for c in columns if _CONTACT_TOPIC.search(headers[c])])
    missing = [k for k, v in (("respondent_id", respondent), ("timestamp", timestamp), ("channel", channel)) if v is None]
    if missing:
        raise DataError(
            msg("infer.no_contact_columns", n=len(missing), roles=[msg(f"infer.role.{role}") for role in missing]),
            file=file, expected=msg("infer.expected_contact_columns"),
        )
    values = frame[channel].dropna().unique()
    channels = {str(v): canonical_channel(str(v)) for v in sorted(map(str, values))[:200]}
    return ContactMapping(
        respondent_id=respondent, timestamp=timestamp, channel=channel, topic=topic,
        online_available=online, channels=channels,
    )


def _dates_share(values: pd.Series) -> float:
    sample = values.dropna().head(500)
    if sample.empty or not sample.str.contains(r"\d", regex=True).all():
        return 0.0
    if not sample.str.contains(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", regex=True).mean() >= 0.5:
        return 0.0
    return float(_parse_dates(sample).notna().mean())


def _boolean_share(values: pd.Series) -> float:
    sample = values.dropna().head(500)
    if sample.empty:
        return 0.0
    booleans = boolean_values()
    return float(sample.map(lambda v: fold_label(v) in booleans).mean())
