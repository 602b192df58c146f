"""From a typed survey (and contact features) to the numeric matrix the methods cluster.

Three feature groups, each standardised column by column and then scaled so that its total
variance is ``group_weight ** 2`` whatever its number of columns: a survey with forty Likert items
does not drown eight contact features, and a one-hot column for a rare category does not drown a
trait score.

- **traits**: one score per trait dimension, 0-100, the mean of the dimension's answered items
  (Likert positions mapped to 0-1, reversed where declared). A respondent who skipped some items
  keeps a score from the others; one who skipped them all gets the weighted mean. A survey with no
  dimensions (an inferred codebook) uses each Likert item as its own trait, so profiles still have
  meters and prevalence.
- **answers**: the other columns. Likert items outside any dimension as ordinal 0-100, categorical
  one-hot, numeric robust-scaled (median, IQR, clipped), boolean 0/1.
- **contacts**: log count of contacts, share of each channel, avoidable and repeat shares.

Survey weights enter every mean, standard deviation and imputed value. Everything learned is kept
in :attr:`FeatureMatrix.state` (plain YAML-able values), so a new survey wave is encoded with the
same scales and categories by :func:`encode_with_state`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from workshop_data.codebook import CHANNELS, Codebook, ColumnSpec
from workshop_data.survey import Survey

GROUPS = ("traits", "answers", "contacts")
DEFAULT_GROUP_WEIGHTS = {"traits": 1.0, "answers": 0.5, "contacts": 0.5}
STATE_VERSION = 1
_NUMERIC_CLIP = 5.0
#: Cluster on a dimension's items one by one (its score only describes) rather than on its score.
ITEM_LEVEL = True
#: How the contact log enters the clustering: ``counts`` (issue 18) clusters each channel's count
#: (log) and the total (log); the channel shares, computed from the counts, only describe the
#: personas (a share beside its count counted the same habit twice and split the demo's profiles
#: along contact volume). A state saved before it (no ``encoding``) clusters the shares.
#: Measured on the families benchmark (2 seeds of each family): shares alone 9 of 16 exact K,
#: ARI 0.63; shares and counts 13 of 16, ARI 0.81; counts alone 14 of 16, ARI 0.87; counts and
#: total 14 of 16, within one 16 of 16, ARI 0.88 (and the demo's 6 profiles at k auto).
CONTACT_ENCODING = "counts"
_LABELS_FILE = Path(__file__).resolve().parent / "labels.yaml"


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The clustering layer's own words (trait, channel and contact feature labels)."""
    with open(_LABELS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass
class FeatureMatrix:
    """The encoded survey: what the methods cluster and what the profiles describe.

    ``X`` is the weighted, standardised matrix; ``raw`` holds the same features in readable units
    (traits and ordinal items 0-100, one-hot 0/1, numbers as answered, contact counts and shares),
    which profiles use for means and effect sizes. ``items`` holds the survey answers as integer
    category codes (NaN when skipped) for the latent class model and the one-hot baseline.
    """

    X: np.ndarray
    columns: list[str]
    groups: dict[str, str]
    respondent_ids: pd.Index
    sample_weight: np.ndarray
    trait_scores: pd.DataFrame
    contacts: pd.DataFrame | None
    labels: dict[str, dict[str, str]]
    state: dict[str, Any]
    raw: pd.DataFrame = field(default_factory=pd.DataFrame)
    items: pd.DataFrame = field(default_factory=pd.DataFrame)
    descriptors: pd.DataFrame = field(default_factory=pd.DataFrame)
    descriptor_specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: column -> the variable it encodes (a trait, an item, a categorical answer, the channel mix)
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    def frame(self) -> pd.DataFrame:
        """One row per respondent: id, encoded columns and trait scores (for ``features``)."""
        encoded = pd.DataFrame(self.X, columns=self.columns, index=self.respondent_ids)
        scores = self.trait_scores.add_prefix("score_")
        out = pd.concat([encoded, scores], axis=1)
        out.index.name = "respondent_id"
        return out.reset_index()

    def subset(self, positions: np.ndarray) -> "FeatureMatrix":
        """The rows at ``positions`` (same columns and state): used to split a persona."""
        return FeatureMatrix(
            X=self.X[positions],
            columns=self.columns,
            groups=self.groups,
            respondent_ids=self.respondent_ids[positions],
            sample_weight=self.sample_weight[positions],
            trait_scores=self.trait_scores.iloc[positions],
            contacts=None if self.contacts is None else self.contacts.iloc[positions],
            labels=self.labels,
            state=self.state,
            raw=self.raw.iloc[positions],
            items=self.items.iloc[positions],
            descriptors=self.descriptors.iloc[positions] if len(self.descriptors) else self.descriptors,
            descriptor_specs=self.descriptor_specs,
            variables=self.variables,
        )

    def reweighted(self, weights: dict[str, float]) -> "FeatureMatrix":
        """The same encoding with each variable's columns multiplied by its weight (missing: 1);
        the state records the new factors, so a new wave is encoded with the same weights."""
        factor = np.array([float(weights.get(self.variables.get(c, c), 1.0)) for c in self.columns])
        state = dict(self.state)
        scaling = dict(state["scaling"])
        scaling["factor"] = [float(f * w) for f, w in zip(scaling["factor"], factor)]
        state["scaling"] = scaling
        state["variable_weights"] = {str(k): round(float(v), 6) for k, v in sorted(weights.items())}
        copy = FeatureMatrix(**{name: getattr(self, name) for name in self.__dataclass_fields__})
        copy.X = np.ascontiguousarray(self.X * factor[None, :])
        copy.state = state
        return copy

    def matrix(self, kind: str) -> np.ndarray:
        """The input a method asks for: ``features`` (X), ``items`` (codes) or ``onehot``."""
        if kind == "features":
            return self.X
        if kind == "items":
            if self.items.shape[1] == 0:
                return self.X
            return self.items.to_numpy(dtype=np.float64)
        if kind == "onehot":
            if self.items.shape[1] == 0:
                return self.X
            parts = []
            for column in self.items.columns:
                codes = self.items[column].to_numpy(dtype=np.float64)
                values = np.unique(codes[~np.isnan(codes)])
                parts.append((codes[:, None] == values[None, :]).astype(np.float64))
            return np.hstack(parts)
        raise ValueError(f"unknown matrix kind {kind!r}")


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    mask = ~np.isnan(values)
    total = float(weights[mask].sum())
    if total <= 0:
        return float("nan")
    return float(np.dot(values[mask], weights[mask]) / total)


def weighted_std(values: np.ndarray, weights: np.ndarray) -> float:
    mean = weighted_mean(values, weights)
    mask = ~np.isnan(values)
    total = float(weights[mask].sum())
    if total <= 0:
        return 0.0
    return float(np.sqrt(np.dot((values[mask] - mean) ** 2, weights[mask]) / total))


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    mask = ~np.isnan(values)
    if not mask.any():
        return float("nan")
    order = np.argsort(values[mask], kind="stable")
    v, w = values[mask][order], weights[mask][order]
    cum = np.cumsum(w) - 0.5 * w
    return float(np.interp(q * w.sum(), cum, v))


def _bounds(spec: ColumnSpec, values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Where 0 and 1 of an item lie: its scale, its levels, or the 5th-95th weighted percentiles."""
    if spec.type == "likert":
        if spec.levels:
            return 1.0, float(len(spec.levels))
        if spec.scale:
            return float(spec.scale[0]), float(spec.scale[1])
    if spec.type == "boolean":
        return 0.0, 1.0
    lo = weighted_quantile(values, weights, 0.05)
    hi = weighted_quantile(values, weights, 0.95)
    if not np.isfinite(lo) or not np.isfinite(hi) or hi <= lo:
        finite = values[~np.isnan(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi <= lo:
            hi = lo + 1.0
    return float(lo), float(hi)


def _unit(values: np.ndarray, item: dict[str, Any]) -> np.ndarray:
    out = np.clip((values - item["lo"]) / (item["hi"] - item["lo"]), 0.0, 1.0)
    return 1.0 - out if item["reverse"] else out


def _column_values(data: pd.DataFrame, column: str) -> np.ndarray:
    if column not in data.columns:
        return np.full(len(data), np.nan)
    series = data[column]
    if isinstance(series.dtype, pd.BooleanDtype) or series.dtype == bool:
        return series.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def readable(name: str) -> str:
    """A column code as words, for a codebook that gives no label: ``rate_marriage`` -> "Rate
    marriage", ``TVnews`` -> "TV news", ``selfLR`` -> "Self LR" (acronyms kept)."""
    code = re.fullmatch(r"[Qq](\d+)(?:[_.\-]?(\d+))?(?:[_.\-]?([A-Za-z]|\d+))?", str(name).strip())
    if code:  # a questionnaire's number reads as "Question 6.1" in French and English alike
        return "Question " + ".".join(part for part in code.groups() if part)
    text = re.sub(r"[_\-.]+", " ", str(name))
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z]{2})(?=[a-z])", " ", text)
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in text.split()]
    sentence = " ".join(words)
    return sentence[:1].upper() + sentence[1:] if sentence else str(name)


def _as_words(label: dict[str, str]) -> dict[str, str]:
    """A label that is a bare code (one word with capitals inside or underscores) written as words."""
    return {lang: readable(text) if isinstance(text, str) and " " not in text.strip() else text
            for lang, text in label.items()}


def _label(spec: ColumnSpec) -> dict[str, str]:
    """The column's label in both languages; its name as words when the codebook gives none."""
    given = {lang: text for lang, text in (spec.label or {}).items() if text and text != spec.name}
    fallback = readable(spec.name)
    return {"fr": given.get("fr") or given.get("en") or fallback,
            "en": given.get("en") or given.get("fr") or fallback}


def _dimension_label(dim: str, codebook: Codebook, words: dict[str, Any]) -> dict[str, str]:
    """Built-in dimensions in the layer's words; others in the codebook's, else their name as words."""
    if dim in words:
        return dict(words[dim])
    label = codebook.dimension_label(dim) or {}
    readable = dim.replace("_", " ").replace("-", " ").strip().capitalize()
    return {lang: label.get(lang) or label.get("fr") or label.get("en") or readable for lang in ("fr", "en")}


def _learn_state(survey: Survey, contacts: pd.DataFrame | None, group_weights: dict[str, float] | None) -> dict[str, Any]:
    data, codebook = survey.data, survey.codebook
    w = survey.weights.reindex(data.index).to_numpy(dtype=np.float64)
    by_dim = codebook.by_dimension()
    specs = [s for s in codebook.columns.values()  # descriptors describe personas, never make them
             if s.type in ("likert", "numeric", "categorical", "boolean") and not s.is_descriptor]
    state: dict[str, Any] = {"version": STATE_VERSION,
                             "group_weights": None if group_weights is None else dict(group_weights),
                             "item_level": group_weights is None and ITEM_LEVEL}

    def item_of(spec: ColumnSpec) -> dict[str, Any]:
        values = _column_values(data, spec.name)
        lo, hi = _bounds(spec, values, w)
        return {"column": spec.name, "lo": lo, "hi": hi, "reverse": bool(spec.reverse), "label": _label(spec)}

    traits: dict[str, Any] = {}
    in_dims: set[str] = set()
    if by_dim:
        state["trait_mode"] = "dimensions"
        words = vocabulary()["trait"]
        for dim in sorted(by_dim):
            items = [item_of(s) for s in by_dim[dim]]
            in_dims.update(i["column"] for i in items)
            traits[dim] = {"items": items, "label": _dimension_label(dim, codebook, words)}
    else:
        state["trait_mode"] = "items"
        for spec in specs:
            if spec.type == "likert":
                item = item_of(spec)
                in_dims.add(spec.name)
                traits[spec.name] = {"items": [item], "label": item["label"]}
    for name, trait in traits.items():
        trait["impute"] = None
        score = _trait_unit(data, trait)
        mean = weighted_mean(score, w)
        trait["impute"] = 0.5 if np.isnan(mean) else mean
    state["traits"] = traits

    answers: list[dict[str, Any]] = []
    for spec in specs:
        if spec.name in in_dims or spec.name not in data.columns:
            continue
        values = None if spec.type == "categorical" else _column_values(data, spec.name)
        if spec.type == "likert":
            item = item_of(spec)
            unit = _unit(values, item)
            mean = weighted_mean(unit, w)
            answers.append({"kind": "ordinal", **item, "impute": 0.5 if np.isnan(mean) else mean})
        elif spec.type == "boolean":
            mean = weighted_mean(values, w)
            answers.append({"kind": "boolean", "column": spec.name, "label": _label(spec),
                            "impute": 0.0 if np.isnan(mean) else mean})
        elif spec.type == "numeric":
            median = weighted_quantile(values, w, 0.5)
            iqr = weighted_quantile(values, w, 0.75) - weighted_quantile(values, w, 0.25)
            if not np.isfinite(iqr) or iqr <= 0:
                iqr = weighted_std(values, w) or 1.0
            answers.append({"kind": "numeric", "column": spec.name, "label": _label(spec),
                            "median": 0.0 if np.isnan(median) else median, "scale": float(iqr)})
        elif spec.type == "categorical":
            series = data[spec.name].astype("string")
            counts = series.dropna().value_counts()
            categories = sorted(str(c) for c in counts.index)
            answers.append({"kind": "categorical", "column": spec.name, "label": _label(spec),
                            "categories": categories})
    state["answers"] = answers

    if contacts is not None:
        channels = [c for c in CHANNELS if f"contacts_{c}" in contacts.columns]
        state["contacts"] = {"channels": channels, "encoding": CONTACT_ENCODING,
                             "avoidable": "avoidable_contacts" in contacts.columns or "avoidable_share" in contacts.columns,
                             "repeat": "repeat_contacts" in contacts.columns}
    else:
        state["contacts"] = None
    return state


def _trait_unit(data: pd.DataFrame, trait: dict[str, Any]) -> np.ndarray:
    """Mean of the answered items of a trait, 0-1; the trait's impute value when none answered."""
    stacked = np.column_stack([_unit(_column_values(data, i["column"]), i) for i in trait["items"]])
    answered = (~np.isnan(stacked)).sum(axis=1)
    sums = np.nansum(stacked, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(answered > 0, sums / np.maximum(answered, 1), np.nan)
    if trait["impute"] is None:
        return score
    return np.where(np.isnan(score), trait["impute"], score)


@dataclass
class _Built:
    """The readable features as they are built: values, group, label and transform per column."""

    ids: pd.Index
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    transforms: dict[str, str] = field(default_factory=dict)
    items: dict[str, np.ndarray] = field(default_factory=dict)
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, values: np.ndarray, group: str, label: dict[str, str], transform: str,
            variable: str | None = None) -> None:
        self.columns[key], self.groups[key], self.labels[key], self.transforms[key] = values, group, label, transform
        self.variables[key] = variable or key


def _add_traits(built: _Built, data: pd.DataFrame, state: dict[str, Any]) -> None:
    for name, trait in state["traits"].items():
        score = _trait_unit(data, trait) * 100.0
        built.scores[name] = score
        built.add(f"trait:{name}", score, "traits", _as_words(trait["label"]), "unit100")
        for item in trait["items"]:
            values = _column_values(data, item["column"])
            built.items[item["column"]] = _codes(values, item)
            if state.get("item_level") and len(trait["items"]) > 1:
                unit = _unit(values, item)
                mean = item.get("impute")
                if mean is None:
                    mean = float(np.nanmean(unit)) if np.isfinite(unit).any() else 0.5
                    item["impute"] = mean
                built.add(f"item:{item['column']}", np.where(np.isnan(unit), mean, unit) * 100.0, "traits",
                          dict(item["label"]), "unit100", variable=f"item:{item['column']}")


def category_label(base: dict[str, str], category: str) -> dict[str, str]:
    """A one-hot column in words: "Label : category" (French typography) / "Label: category"."""
    return {"fr": f"{base['fr']} : {category}", "en": f"{base['en']}: {category}"}


def _add_categorical(built: _Built, data: pd.DataFrame, answer: dict[str, Any]) -> None:
    col = answer["column"]
    series = data[col].astype("string") if col in data.columns else pd.Series(pd.NA, index=built.ids, dtype="string")
    text = series.to_numpy(dtype=object, na_value=None)
    code = np.full(len(built.ids), np.nan)
    for position, category in enumerate(answer["categories"]):
        hit = np.array([t == category for t in text], dtype=bool)
        code[hit] = position
        built.add(f"{col}={category}", hit.astype(np.float64), "answers", category_label(answer["label"], category), "none",
                  variable=col)
    built.items[col] = code


def _add_answers(built: _Built, data: pd.DataFrame, state: dict[str, Any]) -> None:
    for answer in state["answers"]:
        col, kind = answer["column"], answer["kind"]
        if kind == "categorical":
            _add_categorical(built, data, answer)
            continue
        values = _column_values(data, col)
        if kind == "ordinal":
            built.items[col] = _codes(values, answer)
            unit = _unit(values, answer)
            encoded, transform = np.where(np.isnan(unit), answer["impute"], unit) * 100.0, "unit100"
        elif kind == "boolean":
            built.items[col] = values
            encoded, transform = np.where(np.isnan(values), answer["impute"], values), "none"
        else:
            encoded, transform = np.where(np.isnan(values), answer["median"], values), "robust"
        built.add(col, encoded, "answers", dict(answer["label"]), transform)


def _contact_frame(contacts: pd.DataFrame | None, ids: pd.Index) -> pd.DataFrame:
    if contacts is None:
        return pd.DataFrame(index=ids)
    table = contacts.copy()
    table.index = table.index.astype(str)
    return table.reindex(ids)


def _add_contacts(built: _Built, survey: Survey, contacts: pd.DataFrame | None, state: dict[str, Any]) -> pd.DataFrame:
    """Contact volume (log), share per channel, avoidable and repeat shares; the table they came from."""
    words = vocabulary()
    table = _contact_frame(contacts, built.ids)
    total = _contact_column(table, "contacts_total")
    neutral = state["contacts"].setdefault("neutral", {})
    weights = survey.weights.reindex(built.ids).fillna(1.0).to_numpy(dtype=np.float64)

    def share(x: np.ndarray, key: str) -> np.ndarray:
        """Share of a respondent's contacts; with no contact, everyone's share (no signal)."""
        has = total > 0
        values = np.where(has, x / np.where(has, total, 1.0), np.nan)
        if key not in neutral:
            mean = weighted_mean(values, weights)
            neutral[key] = 0.0 if np.isnan(mean) else mean
        return np.where(has, values, neutral[key])

    with np.errstate(invalid="ignore", divide="ignore"):
        built.add("contacts_total", total, "contacts", dict(words["contact"]["contacts_total"]), "log1p")
        if state["contacts"].get("encoding") == "counts":
            for channel in state["contacts"]["channels"]:
                label = {lang: words["contact"]["count"][lang].format(channel=words["channel"][channel][lang].lower())
                         for lang in ("fr", "en")}
                built.add(f"count_{channel}", _contact_column(table, f"contacts_{channel}"), "contacts", label, "log1p")
        for channel in state["contacts"]["channels"]:
            label = {lang: words["contact"]["share"][lang].format(channel=words["channel"][channel][lang].lower())
                     for lang in ("fr", "en")}
            built.add(f"share_{channel}", share(_contact_column(table, f"contacts_{channel}"), f"share_{channel}"),
                      "contacts", label, "none", variable="channel_mix")
        if state["contacts"]["avoidable"]:
            if "avoidable_contacts" in table.columns:
                avoidable = share(_contact_column(table, "avoidable_contacts"), "avoidable_share")
            else:
                avoidable = _contact_column(table, "avoidable_share")
            built.add("avoidable_share", avoidable, "contacts", dict(words["contact"]["avoidable_share"]), "none")
        if state["contacts"]["repeat"]:
            built.add("repeat_share", share(_contact_column(table, "repeat_contacts"), "repeat_share"), "contacts",
                      dict(words["contact"]["repeat_share"]), "none")
    return table.fillna(0)


def _raw_features(survey: Survey, contacts: pd.DataFrame | None, state: dict[str, Any]):
    """The readable features, their groups, labels and the transform each gets before scaling."""
    data = survey.data
    built = _Built(ids=data.index)
    _add_traits(built, data, state)
    _add_answers(built, data, state)
    contact_table = _add_contacts(built, survey, contacts, state) if state.get("contacts") is not None else None
    raw = pd.DataFrame(built.columns, index=built.ids)
    trait_scores = pd.DataFrame(built.scores, index=built.ids)
    item_frame = pd.DataFrame(built.items, index=built.ids)
    return raw, built.groups, built.variables, built.labels, built.transforms, trait_scores, item_frame, contact_table


def _descriptors(survey: Survey) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """The descriptor columns (codebook ``role: descriptor``) as readable values, and their kind."""
    data = survey.data
    values: dict[str, Any] = {}
    specs: dict[str, dict[str, Any]] = {}
    for spec in survey.codebook.columns.values():
        if getattr(spec, "role", "basis") != "descriptor" or spec.name not in data.columns:
            continue
        if spec.type in ("categorical", "boolean") or (spec.type == "likert" and spec.levels):
            column = data[spec.name]
            if spec.type == "likert":
                levels = list(spec.levels)
                column = pd.Series([levels[int(v) - 1] if pd.notna(v) and 1 <= int(v) <= len(levels) else None
                                    for v in _column_values(data, spec.name)], index=data.index, dtype=object)
            values[spec.name] = column.astype("string")
            specs[spec.name] = {"kind": "categorical", "label": _label(spec)}
        elif spec.type in ("numeric", "likert"):
            values[spec.name] = _column_values(data, spec.name)
            specs[spec.name] = {"kind": "numeric", "label": _label(spec)}
    return pd.DataFrame(values, index=data.index), specs


def _contact_column(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table.columns:
        return np.zeros(len(table))
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.nan_to_num(values, nan=0.0)


def _codes(values: np.ndarray, item: dict[str, Any]) -> np.ndarray:
    """Integer category codes 0..m-1 of a Likert item (reversed where declared), NaN when skipped."""
    span = item["hi"] - item["lo"]
    steps = max(int(round(span)), 1) if span >= 1 else 4
    unit = _unit(values, item)
    return np.round(unit * steps)


def _transform(values: np.ndarray, how: str, params: dict[str, Any] | None) -> np.ndarray:
    if how == "unit100":
        return values / 100.0
    if how == "log1p":
        return np.log1p(np.maximum(values, 0.0))
    if how == "robust":
        return np.clip((values - params["median"]) / params["scale"], -_NUMERIC_CLIP, _NUMERIC_CLIP)
    return values


def _assemble(survey: Survey, contacts: pd.DataFrame | None, state: dict[str, Any], fit: bool) -> FeatureMatrix:
    raw, groups, variables, labels, transforms, trait_scores, items, contact_table = _raw_features(survey, contacts, state)
    weights = survey.weights.reindex(raw.index).fillna(1.0).to_numpy(dtype=np.float64)
    numeric = {a["column"]: a for a in state["answers"] if a["kind"] == "numeric"}
    transformed = {c: _transform(raw[c].to_numpy(dtype=np.float64), transforms[c], numeric.get(c)) for c in raw.columns}
    if fit:
        skip = frozenset(f"trait:{name}" for name, trait in state["traits"].items()
                         if state.get("item_level") and len(trait["items"]) > 1)
        if (state.get("contacts") or {}).get("encoding") == "counts":
            # the counts say the habits; the shares, computed from them, describe the personas
            skip = skip | {c for c in raw.columns if c.startswith("share_")}
        scaling = _learn_scaling(transformed, groups, variables, weights, state["group_weights"], skip)
        state["scaling"] = scaling
    scaling = state["scaling"]
    columns = list(scaling["columns"])
    if columns:
        X = np.column_stack([
            (transformed[c] - m) / s * f if c in transformed else np.zeros(len(raw))
            for c, m, s, f in zip(columns, scaling["mean"], scaling["std"], scaling["factor"])
        ])
    else:
        X = np.zeros((len(raw), 0))
    descriptors, descriptor_specs = _descriptors(survey)
    ids = pd.Index(raw.index.astype(str), name="respondent_id")
    raw.index, trait_scores.index, items.index, descriptors.index = ids, ids, ids, ids
    if contact_table is not None:
        contact_table.index = ids
    return FeatureMatrix(
        X=np.ascontiguousarray(X, dtype=np.float64),
        columns=columns,
        groups={c: groups[c] for c in columns},
        variables={c: variables[c] for c in columns},
        respondent_ids=ids,
        sample_weight=weights,
        trait_scores=trait_scores,
        contacts=contact_table,
        labels={c: labels[c] for c in raw.columns},
        state=state,
        raw=raw,
        items=items,
        descriptors=descriptors,
        descriptor_specs=descriptor_specs,
    )


def _learn_scaling(transformed: dict[str, np.ndarray], groups: dict[str, str], variables: dict[str, str],
                   weights: np.ndarray, group_weights: dict[str, float] | None,
                   skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Each column standardised; then, with ``group_weights``, each group scaled to a total variance
    of its weight squared (the encoding before issue 18), else each *variable* (a trait, an item, a
    categorical answer's one-hot columns together, the channel mix's shares together) to a total
    variance of one, whatever its number of columns: the starting point of the learnt weights
    (:mod:`clustering.weights`)."""
    kept: list[tuple[str, float, float]] = []
    for column, values in transformed.items():
        std = weighted_std(values, weights)
        if column in skip:
            continue
        if std > 1e-9 and (group_weights is None or float(group_weights.get(groups[column], 1.0)) > 0):
            kept.append((column, weighted_mean(values, weights), std))
    key = (lambda c: groups[c]) if group_weights is not None else (lambda c: variables[c])
    per_key: dict[str, int] = {}
    for column, _, _ in kept:
        per_key[key(column)] = per_key.get(key(column), 0) + 1
    scale = (lambda c: float(group_weights.get(groups[c], 1.0))) if group_weights is not None else (lambda c: 1.0)
    factors = [scale(c) / float(np.sqrt(per_key[key(c)])) for c, _, _ in kept]
    return {"columns": [c for c, _, _ in kept], "mean": [float(m) for _, m, _ in kept],
            "std": [float(s) for _, _, s in kept], "factor": factors}


def encode(survey: Survey, contacts: pd.DataFrame | None = None, *,
           group_weights: dict[str, float] | None = None) -> FeatureMatrix:
    """Encode a survey (and its contact features, indexed by respondent id) for clustering.

    Every variable starts with the same weight (:func:`_learn_scaling`); the clustering run then
    learns how much each carries (:mod:`clustering.weights`). ``group_weights`` gives the encoding
    before issue 18 instead (each of the three groups scaled to its weight), kept for comparison.
    """
    weights = None
    if group_weights is not None:
        unknown = set(group_weights) - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown feature group(s) {sorted(unknown)}; expected {GROUPS}")
        weights = dict(DEFAULT_GROUP_WEIGHTS)
        weights.update({k: float(v) for k, v in group_weights.items()})
    state = _learn_state(survey, contacts, weights)
    fm = _assemble(survey, contacts, state, fit=True)
    if fm.X.shape[1] == 0:
        from workshop_data.errors import DataError
        from workshop_data.messages import msg

        raise DataError(msg("cluster.nothing_to_cluster"), expected=msg("cluster.expected_varying_columns"))
    return fm


def encode_with_state(survey: Survey, contacts: pd.DataFrame | None, state: dict[str, Any]) -> FeatureMatrix:
    """Encode a new wave exactly as the first: same scales, categories, imputed values, weights."""
    return _assemble(survey, contacts, state, fit=False)
