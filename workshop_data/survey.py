"""Survey intake: one public entry, :func:`load_survey`, from a file to a typed, scrubbed table."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook, ColumnSpec
from .errors import DataError, DataWarning
from .files import sha256_of
from .ids import canonical_ids
from .messages import Text, msg
from .infer import ROW_NUMBER_ID, boolean_values, fold_label, infer_codebook, missing_labels
from .pii import detect_pii_columns, scrub_series, scrub_text
from .readers import parse_number, read_table
from .reports import PrivacyReport, QualityReport
from .scales import is_missing_code

_SCALE_PREFIX_NUMBER = r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:[-–=:.)]\s*\S.*)?$"


@dataclass
class Survey:
    """A survey after intake: PII gone, free text scrubbed, values typed by the codebook.

    ``data`` is indexed by respondent id (str, index name ``respondent_id``) and holds one column
    per codebook column of type likert, numeric, categorical, boolean or text:
    likert -> float64 position (1..n for ``levels``, the raw number for ``scale``), not reversed,
    NaN when skipped; numeric -> float64; categorical -> pandas string dtype; boolean -> pandas
    ``boolean``; text -> scrubbed string. ``weights`` is float64 with mean 1 (ones without a weight
    column).
    """

    data: pd.DataFrame
    weights: pd.Series
    codebook: Codebook
    source: dict          # {"role": "survey", "name": file name, "sha256": ..., "rows": n[, "sheet", "header_row"]}
    privacy: PrivacyReport
    quality: QualityReport
    layout: dict = field(default_factory=dict)  # workbook: sheet, header_row, sheets, header_lines



def load_survey(
    path: str | Path,
    codebook: Codebook | None = None,
    *,
    lenient: bool = False,
    min_respondents: int = 20,
    sheet: str | None = None,
) -> Survey:
    """Read a survey file and hand back typed, scrubbed data, refusing what cannot be trusted.

    Order matters for privacy: personal columns are dropped right after reading, before ids are
    checked or values typed, so that no error message or report can quote them.
    """
    path = Path(path)
    frame = read_table(path, sheet=sheet)
    name = path.name
    privacy = PrivacyReport()
    quality = QualityReport()

    if codebook is None:
        book = infer_codebook(frame)
        for column, spec in book.columns.items():
            if spec.type == "ignore" and frame[column].isna().all():
                quality.warnings.append(DataWarning(msg("survey.empty_column_ignored"), file=name, column=column))
            elif spec.type == "ignore" and frame[column].nunique() == 1:
                quality.warnings.append(DataWarning(msg("survey.same_answer_ignored"), file=name, column=column))
    else:
        book = copy.deepcopy(codebook)
    if book.respondent_id == ROW_NUMBER_ID and ROW_NUMBER_ID not in frame.columns:
        frame.insert(0, ROW_NUMBER_ID, pd.array([str(i) for i in range(1, len(frame) + 1)], dtype="string"))
    if codebook is not None:
        book.check_columns(frame.columns, file=name)

    frame = _drop_pii(frame, book, privacy)
    ids = _respondent_ids(frame[book.respondent_id], book.respondent_id, name, book.id_type)
    data = {}
    for column, spec in book.columns.items():
        if spec.type in ("pii", "ignore"):
            continue
        values = frame[column]
        if values.isna().all():
            quality.warnings.append(DataWarning(msg("survey.empty_column"), file=name, column=column))
        typed = _typed(values, spec, name, lenient, quality)
        if spec.type != "text" and typed.nunique() == 1:
            quality.warnings.append(DataWarning(msg("survey.same_answer"), file=name, column=column))
        if spec.type in ("text", "categorical"):
            typed, counts = scrub_series(typed)
            for kind, n in counts.items():
                privacy.scrubbed[kind] = privacy.scrubbed.get(kind, 0) + n
        skipped = int(typed.isna().sum()) - quality.made_missing.get(column, 0)
        if skipped:
            quality.skipped[column] = skipped
        data[column] = typed.set_axis(ids)
    weights = _weights(frame, book, name, ids)
    if len(ids) < min_respondents:
        raise DataError(
            msg("survey.too_few", n=len(ids), minimum=min_respondents), file=name,
            expected=msg("survey.expected_respondents", minimum=min_respondents), found=len(ids),
        )
    table = pd.DataFrame(data, index=ids)
    table.index.name = "respondent_id"
    source = {"role": "survey", "name": name, "sha256": sha256_of(path), "rows": int(len(table)),
              **layout_of(frame)}
    layout = {key: frame.attrs[key] for key in ("sheet", "header_row", "sheets", "header_lines") if key in frame.attrs}
    return Survey(data=table, weights=weights, codebook=book, source=source, privacy=privacy, quality=quality,
                  layout=layout)


def layout_of(frame: pd.DataFrame) -> dict:
    """Where in the file the table was read (workbook sheet and header row), for the reports."""
    return {key: frame.attrs[key] for key in ("sheet", "header_row") if frame.attrs.get(key) is not None}


def _drop_pii(frame: pd.DataFrame, book: Codebook, privacy: PrivacyReport) -> pd.DataFrame:
    """Drop declared and detected personal columns, noting why (never what they held)."""
    protected = {book.respondent_id, *(c for c in [book.weight] if c)}
    drop: dict[str, tuple[str, str]] = {}  # column -> (kind, reason)
    candidates = frame[[c for c in frame.columns if c not in protected and c != ROW_NUMBER_ID]]
    for item in detect_pii_columns(candidates):
        drop[item["column"]] = (item["kind"], item["reason"])
    for item in detect_pii_columns(frame[[book.respondent_id]]):
        if item["kind"] != "header":
            raise DataError(
                msg("survey.id_is_personal", reason=msg(f"report.reason.{item['kind']}")), file=frame.attrs.get("file"),
                column=book.respondent_id, expected=msg("survey.expected_pseudonymous"),
            )
    for column, spec in book.columns.items():
        if spec.type == "pii" and column in frame.columns:
            drop.setdefault(column, ("declared", str(msg("report.reason.declared"))))  # stored: plain text
    for column in drop:
        spec = book.columns.get(column)
        if spec is not None and spec.type != "pii":
            book.columns[column] = ColumnSpec(name=spec.name, type="pii", label=dict(spec.label))
    for column, (kind, reason) in drop.items():
        privacy.removed_columns.append({"column": column, "reason": reason, "kind": kind})
    return frame.drop(columns=list(drop))


def _respondent_ids(values: pd.Series, column: str, name: str, id_type: str = "text") -> pd.Index:
    """The ids in their canonical form (:mod:`workshop_data.ids`: 17.0 is 17), each present and unique."""
    missing = [i + 1 for i, v in enumerate(values.isna().to_numpy()) if v]
    if missing:
        raise DataError(msg("survey.missing_ids", n=len(missing)), file=name, column=column, rows=missing,
                        expected=msg("survey.expected_id"))
    values = pd.Series(canonical_ids(values.to_numpy(dtype=object), id_type), dtype=object)
    duplicated = values.duplicated(keep=False).to_numpy()
    if duplicated.any():
        rows = [i + 1 for i, v in enumerate(duplicated) if v]
        repeated = list(dict.fromkeys(values[duplicated].tolist()))
        raise DataError(
            msg("survey.repeated_ids", n=len(repeated)), file=name, column=column, rows=rows,
            expected=msg("survey.expected_unique_id"), found=", ".join(_shown_values(repeated, limit=5)),
        )
    return pd.Index([str(v) for v in values.to_numpy()], dtype=object)


def _typed(values: pd.Series, spec: ColumnSpec, name: str, lenient: bool, quality: QualityReport) -> pd.Series:
    """Convert one text column to its declared type; values that do not fit are an error or, leniently, NA."""
    raw = values.to_numpy(dtype=object, na_value=None)
    distinct = list(dict.fromkeys(raw))  # convert each distinct answer once: surveys repeat them a lot
    skipped_labels = missing_labels()
    if spec.type == "likert":
        converted, expected = _likert(distinct, spec, skipped_labels)
    elif spec.type == "numeric":
        converted = [_number_or_bad(v) for v in distinct]
        expected = msg("survey.expected_number")
    elif spec.type == "boolean":
        converted, expected = _boolean(distinct, skipped_labels)
    else:
        converted, expected = list(distinct), ""
        if spec.type == "categorical" and spec.levels:
            allowed = {fold_label(level): level for level in spec.levels}
            converted = [v if v is None else allowed.get(fold_label(v), _Bad) for v in distinct]
            expected = msg("survey.expected_category", levels=" | ".join(spec.levels))
    lookup = dict(zip(distinct, converted))
    if spec.missing:
        lookup.update({v: None for v in distinct if v is not None and is_missing_code(v, spec.missing)})
    out = [lookup[v] for v in raw]
    bad_rows = [i + 1 for i, v in enumerate(out) if v is _Bad]
    if bad_rows:
        found = _shown_values(raw[r - 1] for r in bad_rows)
        if not lenient:
            raise DataError(
                msg("survey.misfit", n=len(bad_rows), type=spec.type), file=name, column=spec.name,
                rows=bad_rows, expected=expected, found=", ".join(found),
            )
        quality.made_missing[spec.name] = len(bad_rows)
        quality.warnings.append(DataWarning(
            msg("survey.misfit_missing", n=len(bad_rows), expected=expected),
            file=name, column=spec.name, rows=bad_rows[:50], count=len(bad_rows),
        ))
        out = [None if v is _Bad else v for v in out]
    if spec.type in ("likert", "numeric"):
        return pd.Series(np.array([np.nan if v is None else float(v) for v in out], dtype="float64"))
    if spec.type == "boolean":
        return pd.Series(pd.array([pd.NA if v is None else bool(v) for v in out], dtype="boolean"))
    return pd.Series(pd.array([pd.NA if v is None else str(v) for v in out], dtype="string"))


def _shown_values(values, limit: int = 3, width: int = 40) -> list[str]:
    """A few offending cells as a refusal may quote them: scrubbed first, then cut (cut first, an
    e-mail or a plate cut in half would no longer be recognised, and would be shown)."""
    shown: list[str] = []
    for value in values:
        text = scrub_text(str(value))[0]
        text = text if len(text) <= width else text[:width] + "…"
        if text not in shown:
            shown.append(text)
        if len(shown) >= limit:
            break
    return shown


class _Bad:
    """Marker for a value that does not fit its column's type."""


def _number_or_bad(value: str | None) -> float | None | type[_Bad]:
    if value is None:
        return None
    number = parse_number(value)
    if number is None:
        return None if fold_label(value) in missing_labels() else _Bad
    return number


def _likert(raw: list, spec: ColumnSpec, skipped_labels: frozenset[str]) -> tuple[list, Text]:
    import re

    if spec.levels:
        positions = {fold_label(level): i + 1 for i, level in enumerate(spec.levels)}
        return _lookup(raw, positions, skipped_labels), msg("survey.expected_levels", levels=" | ".join(spec.levels))
    low, high = spec.scale
    out = []
    for value in raw:
        if value is None:
            out.append(None)
            continue
        number = parse_number(value)
        if number is None:
            match = re.match(_SCALE_PREFIX_NUMBER, str(value))
            number = parse_number(match.group(1)) if match else None
        if number is None and fold_label(value) in skipped_labels:
            out.append(None)
        elif number is None or not low <= number <= high:
            out.append(_Bad)
        else:
            out.append(number)
    return out, msg("survey.expected_scale", low=_plain(low), high=_plain(high))


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _boolean(raw: list, skipped_labels: frozenset[str]) -> tuple[list, Text]:
    return _lookup(raw, boolean_values(), skipped_labels), msg("survey.expected_boolean")


def _lookup(raw: list, table: dict, skipped_labels: frozenset[str]) -> list:
    """Each answer's value in ``table`` by its folded label; a skip label is missing, anything else bad."""
    out: list = []
    for value in raw:
        key = None if value is None else fold_label(value)
        if key is None:
            out.append(None)
        elif key in table:
            out.append(table[key])
        else:
            out.append(None if key in skipped_labels else _Bad)
    return out


def _weights(frame: pd.DataFrame, book: Codebook, name: str, ids: pd.Index) -> pd.Series:
    if not book.weight:
        return pd.Series(np.ones(len(ids)), index=ids, name="weight", dtype="float64").rename_axis("respondent_id")
    raw = frame[book.weight].to_numpy(dtype=object, na_value=None)
    numbers = [None if v is None else parse_number(v) for v in raw]
    bad = [i + 1 for i, v in enumerate(numbers) if v is None or v <= 0]
    if bad:
        found = _shown_values(raw[r - 1] for r in bad)
        raise DataError(
            msg("survey.bad_weights", n=len(bad)), file=name, column=book.weight,
            rows=bad, expected=msg("survey.expected_weight"), found=", ".join(found),
        )
    weights = np.array(numbers, dtype="float64")
    weights = weights / weights.mean()
    return pd.Series(weights, index=ids, name="weight").rename_axis("respondent_id")
