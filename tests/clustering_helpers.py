"""Helpers for the clustering and archetype tests (and the benchmarks): typed surveys from frames.

``typed_survey`` turns a raw survey frame and its codebook into a :class:`Survey` the way intake
does (labels to positions, numbers, strings, weights with mean 1), so the clustering layer can be
tested on its own. ``contact_table`` computes the per-respondent contact features with plain
pandas (the toolkit's own, DuckDB-based ``contact_features`` is used when it is available).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from workshop_data.codebook import CHANNELS, DIGITAL_CHANNELS, Codebook, ColumnSpec
from workshop_data.reports import PrivacyReport, QualityReport
from workshop_data.survey import Survey

DIMS = ("digital_skill", "online_use", "awareness", "trust", "human_contact", "autonomy", "access")


def _number(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.replace(",", ".", regex=False).str.strip()
    return pd.to_numeric(text, errors="coerce").astype("float64")


def typed_survey(frame: pd.DataFrame, codebook: Codebook) -> Survey:
    ids = frame[codebook.respondent_id].astype("string").astype(str)
    data = {}
    for name, spec in codebook.columns.items():
        if spec.type in ("pii", "ignore", "text") or name not in frame.columns:
            continue
        column = frame[name]
        if spec.type == "likert" and spec.levels:
            position = {label: float(i + 1) for i, label in enumerate(spec.levels)}
            data[name] = column.astype("string").map(position).astype("float64").to_numpy()
        elif spec.type in ("likert", "numeric"):
            data[name] = _number(column).to_numpy()
        elif spec.type == "boolean":
            data[name] = column.astype("boolean").to_numpy()
        else:
            data[name] = column.astype("string").to_numpy()
    index = pd.Index(ids.to_numpy(), name="respondent_id", dtype="str")
    typed = pd.DataFrame(data, index=index)
    for name, spec in codebook.columns.items():
        if spec.type == "categorical" and name in typed:
            typed[name] = typed[name].astype("string")
    if codebook.weight and codebook.weight in frame.columns:
        weights = _number(frame[codebook.weight]).fillna(1.0).to_numpy()
        weights = weights / weights.mean()
    else:
        weights = np.ones(len(frame))
    return Survey(
        data=typed,
        weights=pd.Series(weights, index=index, dtype="float64"),
        codebook=codebook,
        source={"role": "survey", "name": "test", "sha256": "", "rows": len(frame)},
        privacy=PrivacyReport(),
        quality=QualityReport(),
    )


def _truthy(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip().str.lower()
    return text.isin(["oui", "yes", "true", "1", "vrai", "o", "y"])


def contact_table(log: pd.DataFrame, codebook: Codebook, ids) -> pd.DataFrame:
    """Per-respondent contact features (counts, shares, 7-day repeats) with pandas."""
    m = codebook.contacts
    frame = pd.DataFrame({
        "rid": log[m.respondent_id].astype("string").astype(str).to_numpy(),
        "ts": pd.to_datetime(log[m.timestamp].astype(str)).to_numpy(),
        "channel": [m.canonical_channel(v) for v in log[m.channel].astype(str)],
        "topic": log[m.topic].astype(str).to_numpy() if m.topic else "",
        "avoidable": _truthy(log[m.online_available]).to_numpy() if m.online_available else False,
    })
    frame = frame.sort_values(["rid", "topic", "ts"], kind="stable")
    same = (frame["rid"] == frame["rid"].shift()) & (frame["topic"] == frame["topic"].shift())
    gap = frame["ts"] - frame["ts"].shift()
    frame["repeat"] = same & (gap <= pd.Timedelta(days=7))
    out = pd.DataFrame(index=pd.Index([str(i) for i in ids], name="respondent_id"))
    grouped = frame.groupby("rid")
    out["contacts_total"] = grouped.size().reindex(out.index).fillna(0)
    counts = frame.groupby(["rid", "channel"]).size().unstack(fill_value=0)
    for channel in CHANNELS:
        out[f"contacts_{channel}"] = counts[channel].reindex(out.index).fillna(0) if channel in counts else 0.0
    total = out["contacts_total"].where(out["contacts_total"] > 0, 1)
    out["digital_share"] = sum(out[f"contacts_{c}"] for c in DIGITAL_CHANNELS) / total
    out["avoidable_contacts"] = grouped["avoidable"].sum().reindex(out.index).fillna(0)
    out["avoidable_share"] = out["avoidable_contacts"] / total
    out["repeat_contacts"] = grouped["repeat"].sum().reindex(out.index).fillna(0)
    out["distinct_topics"] = grouped["topic"].nunique().reindex(out.index).fillna(0)
    out["active_months"] = frame.assign(m=frame["ts"].dt.to_period("M")).groupby("rid")["m"].nunique().reindex(out.index).fillna(0)
    return out.astype("float64")


def demo_inputs(n: int = 1500, seed: int = 0, **kwargs):
    """(survey, contact features, truth Series, period_days) from the sample generator."""
    from workshop_data.sample import generate_demo

    demo = generate_demo(n, seed=seed, **kwargs)
    survey = typed_survey(demo.survey, demo.codebook)
    contacts = contact_table(demo.contacts, demo.codebook, survey.data.index)
    truth = demo.truth.set_index("respondent_id")["profile"].reindex(survey.data.index)
    return survey, contacts, truth, 365.0


AGREE = ["Pas du tout", "Plutôt pas", "Neutre", "Plutôt", "Tout à fait"]


def planted_survey(n: int = 300, k: int = 3, seed: int = 0, *, skip: float = 0.0, weights: bool = False,
                   dimensions: bool = True) -> tuple[Survey, pd.DataFrame, pd.Series]:
    """A tiny survey with ``k`` well-separated planted groups on 3 dimensions (2 items each), a
    categorical column, a numeric column, and contact features; returns (survey, contacts, truth)."""
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, k, size=n)
    groups[:k] = np.arange(k)
    centers = rng.uniform(1.2, 4.8, size=(k, 3))
    centers[:, 0] = np.linspace(1.2, 4.8, k)
    ids = [f"r{i:04d}" for i in range(n)]
    data = {}
    columns = {}
    for d in range(3):
        for j in range(2):
            name = f"q{d}_{j}"
            reverse = j == 1
            latent = centers[groups, d] + rng.normal(0, 0.35, n)
            value = np.clip(np.round(latent), 1, 5)
            if reverse:
                value = 6 - value
            value = value.astype(float)
            if skip:
                value[rng.random(n) < skip] = np.nan
            data[name] = value
            columns[name] = ColumnSpec(name, "likert", levels=AGREE, reverse=reverse,
                                       dimension=DIMS[d] if dimensions else None,
                                       label={"fr": f"Question {d}.{j}", "en": f"Question {d}.{j}"})
    data["ville"] = pd.array(np.where(groups % 2 == 0, "Nord", "Sud"), dtype="string")
    columns["ville"] = ColumnSpec("ville", "categorical", label={"fr": "Ville", "en": "Town"},
                                  role="basis")  # basis on purpose: the encoding of answers is under test
    data["age"] = rng.normal(45, 12, n).round()
    columns["age"] = ColumnSpec("age", "numeric", label={"fr": "Âge", "en": "Age"}, role="basis")
    index = pd.Index(ids, name="respondent_id", dtype="str")
    frame = pd.DataFrame(data, index=index)
    frame["ville"] = frame["ville"].astype("string")
    w = rng.uniform(0.5, 1.5, n) if weights else np.ones(n)
    codebook = Codebook(respondent_id="id", columns=columns, weight="w" if weights else None)
    survey = Survey(data=frame, weights=pd.Series(w / w.mean(), index=index), codebook=codebook,
                    source={"role": "survey", "name": "planted", "sha256": "", "rows": n},
                    privacy=PrivacyReport(), quality=QualityReport())
    rate = np.array([1.0, 4.0, 8.0, 2.0, 6.0])[groups % 5]
    total = rng.poisson(rate).astype(float)
    phone_p = np.linspace(0.1, 0.9, k)[groups]
    phone = rng.binomial(total.astype(int), phone_p).astype(float)
    contacts = pd.DataFrame({"contacts_total": total, "contacts_phone": phone, "contacts_web": total - phone},
                            index=index)
    for channel in CHANNELS:
        if f"contacts_{channel}" not in contacts:
            contacts[f"contacts_{channel}"] = 0.0
    contacts["avoidable_contacts"] = np.floor(phone / 2)
    contacts["repeat_contacts"] = np.floor(total / 4)
    truth = pd.Series(groups, index=index, name="truth")
    return survey, contacts, truth


STATSMODELS_CODEBOOKS = {
    "anes96": {
        "selfLR": ("likert", (1, 7)), "ClinLR": ("likert", (1, 7)), "DoleLR": ("likert", (1, 7)),
        "PID": ("likert", (0, 6)), "educ": ("likert", (1, 7)), "TVnews": ("numeric", None),
        "age": ("numeric", None), "income": ("numeric", None), "popul": ("numeric", None),
        "vote": ("boolean", None),
    },
    "fair": {
        "rate_marriage": ("likert", (1, 5)), "religious": ("likert", (1, 4)), "age": ("numeric", None),
        "yrs_married": ("numeric", None), "children": ("numeric", None), "educ": ("numeric", None),
        "occupation": ("categorical", None), "occupation_husb": ("categorical", None), "affairs": ("numeric", None),
    },
}


def statsmodels_survey(name: str, n: int | None = None) -> Survey:
    """A public survey shipped with statsmodels, typed as an inferred codebook would (no dimensions)."""
    import statsmodels.api as sm

    raw = getattr(sm.datasets, name).load_pandas().data
    if n is not None:
        raw = raw.iloc[:n]
    spec = STATSMODELS_CODEBOOKS[name]
    frame = pd.DataFrame({"id": [f"{name}{i:05d}" for i in range(len(raw))]})
    columns = {}
    for column, (ctype, scale) in spec.items():
        values = raw[column].to_numpy()
        if ctype == "categorical":
            frame[column] = pd.array([str(int(v)) for v in values], dtype="string")
        elif ctype == "boolean":
            frame[column] = pd.array(values.astype(int) == 1, dtype="boolean")
        else:
            frame[column] = values.astype(float)
        columns[column] = ColumnSpec(column, ctype, scale=tuple(map(float, scale)) if scale else None)
    return typed_survey(frame, Codebook(respondent_id="id", columns=columns))


def write_random_survey(folder, n: int = 400, k: int = 4, seed: int = 0) -> dict:
    """survey.csv, codebook.yaml and contacts.csv of ``k`` random profiles (drawn here, never from the
    archetype library) on three trait dimensions of three items each, and a contact log.
    Returns the paths and the truth."""
    from pathlib import Path

    from workshop_data.codebook import ContactMapping, save_codebook

    folder = Path(folder)
    rng = np.random.default_rng(seed)
    centers = rng.uniform(1.3, 4.7, size=(k, 3))
    groups = rng.permutation(np.arange(n) % k)
    frame = pd.DataFrame({"id": [f"R{i:04d}" for i in range(n)]})
    columns = {}
    for d, dim in enumerate(("trust", "human_contact", "autonomy")):
        for j in range(3):
            name = f"{dim}_{j}"
            latent = centers[groups, d] + rng.normal(0, 0.6, n)
            frame[name] = np.clip(np.round(latent), 1, 5).astype(int)
            columns[name] = ColumnSpec(name, "likert", scale=(1.0, 5.0), dimension=dim,
                                       label={"fr": f"Question {dim} {j}", "en": f"Question {dim} {j}"})
    frame.to_csv(folder / "survey.csv", index=False)
    channels = np.array(["phone", "web", "counter"])
    rows = []
    for i, group in enumerate(groups):
        weights = np.roll([0.7, 0.2, 0.1], group)
        for c in range(rng.poisson(3 + group)):
            rows.append({"id": f"R{i:04d}", "time": f"2025-0{1 + c % 9}-1{c % 9} 10:00:00",
                         "channel": str(rng.choice(channels, p=weights)), "topic": "t", "online": "non"})
    pd.DataFrame(rows).to_csv(folder / "contacts.csv", index=False)
    mapping = ContactMapping(respondent_id="id", timestamp="time", channel="channel", topic="topic",
                             online_available="online")
    save_codebook(Codebook(respondent_id="id", columns=columns, contacts=mapping), folder / "codebook.yaml")
    return {"survey": folder / "survey.csv", "codebook": folder / "codebook.yaml",
            "contacts": folder / "contacts.csv", "truth": pd.Series(groups, index=frame["id"])}
