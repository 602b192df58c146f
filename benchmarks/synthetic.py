"""Surveys with a known structure, written apart from the demo generator and the archetype library.

The demo (``workshop_data/sample.py``) plants the six archetype signatures, so finding six personas
on it proves little. This module plants structures the code was not designed around:

- ``profiles(k)``: k random usage profiles. Each profile is a point on a 1-5 latent scale over
  seven trait dimensions; two profiles lie about ``separation`` apart (2.5: realistic, neighbouring
  profiles overlap), never closer than 0.8 of it. Respondents scatter
  around their profile; each dimension is measured by 2 to 5 items of varying scales (agreement
  labels, 1-5, 1-7, 0-10), some reversed, some skipped. Profiles have unequal shares and their own
  contact habits (channel mix, volume, avoidable and repeat contacts).
- ``undivided()``: one population with no clusters at all: correlated traits (a general factor)
  and contact habits that vary smoothly with them.

Nothing here reads ``personas/archetypes.yaml``. The files follow other conventions than the demo:
comma-separated UTF-8 survey, LimeSurvey-like codes (``Q03_2``), a contact log with its own column
names and channel labels, and timestamps without seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

DIMENSIONS = ("digital_skill", "online_use", "awareness", "trust", "human_contact", "autonomy", "access")
AGREEMENT = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord",
             "Plutôt d'accord", "Tout à fait d'accord"]
CHANNEL_LABELS = {"phone": "Téléphone", "counter": "Accueil", "email": "Courriel",
                  "web": "Formulaire en ligne", "mail": "Courrier"}
TOPICS = ["État civil", "Déchets", "Stationnement", "Écoles", "Urbanisme", "Social", "Élections", "Voirie"]
SPREAD = 0.55        # within-profile standard deviation of a latent trait (1-5 scale)
ITEM_NOISE = 0.7     # answer noise of one item around the latent trait (1-5 scale)


@dataclass
class Planted:
    """A generated survey: files to write and the truth to score against."""

    survey: pd.DataFrame
    codebook: dict
    contacts: pd.DataFrame
    truth: pd.Series                      # respondent id -> planted profile (0..k-1), or 0 when undivided
    latent: pd.DataFrame                  # respondent id -> true trait level, 0-100, per dimension
    k: int                                # planted number of profiles (1 when undivided)
    meta: dict = field(default_factory=dict)

    def write(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"survey": folder / "enquete.csv", "codebook": folder / "codebook.yaml",
                 "contacts": folder / "journal_contacts.csv"}
        self.survey.to_csv(paths["survey"], index=False, encoding="utf-8")
        paths["codebook"].write_text(yaml.safe_dump(self.codebook, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
        self.contacts.to_csv(paths["contacts"], index=False, encoding="utf-8")
        return paths


def _centers(k: int, rng: np.random.Generator, separation: float) -> np.ndarray:
    """k profiles whose typical pairwise distance is about ``separation`` and none closer than 0.8 of it.

    Points are drawn in a box around the scale's middle sized so that two random points lie about
    ``separation`` apart, and a point closer than ``0.8 * separation`` to another is drawn again.
    """
    half = separation * np.sqrt(3.0 / (2.0 * len(DIMENSIONS)))
    for _ in range(1000):
        centers: list[np.ndarray] = []
        for _ in range(5000):
            point = rng.uniform(3.0 - half, 3.0 + half, len(DIMENSIONS))
            if all(np.linalg.norm(point - c) >= 0.8 * separation for c in centers):
                centers.append(point)
                if len(centers) == k:
                    return np.array(centers)
    raise RuntimeError(f"cannot place {k} profiles about {separation} apart")


def _shares(k: int, rng: np.random.Generator) -> np.ndarray:
    """Unequal shares: the largest profile is typically three to four times the smallest."""
    raw = 0.6 * rng.dirichlet(np.full(k, 3.0)) + 0.4 / k
    return raw / raw.sum()


def _items(rng: np.random.Generator) -> list[dict]:
    """The questionnaire: 2 to 5 items per dimension, with mixed scales and some reversed."""
    items = []
    question = 0
    for dim in DIMENSIONS:
        question += 1
        for j in range(int(rng.integers(2, 6))):
            kind = rng.choice(["agreement", "five", "seven", "eleven"], p=[0.4, 0.3, 0.15, 0.15])
            items.append({"column": f"Q{question:02d}_{j + 1}", "dimension": dim, "kind": str(kind),
                          "reverse": bool(rng.random() < 0.3),
                          "label": f"Question {question}.{j + 1} ({dim.replace('_', ' ')})"})
    return items


def _answers(latent: np.ndarray, item: dict, rng: np.random.Generator, skip: float) -> pd.Series:
    """Answers of one item to the latent trait (1-5), in the item's own scale, some skipped."""
    level = latent + rng.normal(0.0, ITEM_NOISE, latent.shape)
    if item["reverse"]:
        level = 6.0 - level
    unit = np.clip((level - 1.0) / 4.0, 0.0, 1.0)
    kind = item["kind"]
    steps = {"agreement": 4, "five": 4, "seven": 6, "eleven": 10}[kind]
    code = np.round(unit * steps).astype(int)
    if kind == "agreement":
        values = pd.Series([AGREEMENT[c] for c in code], dtype="object")
    elif kind == "eleven":
        values = pd.Series(code, dtype="object")
    else:
        values = pd.Series(code + 1, dtype="object")
    values[rng.random(len(values)) < skip] = None
    return values


def _item_spec(item: dict) -> dict:
    spec: dict = {"type": "likert"}
    if item["kind"] == "agreement":
        spec["levels"] = list(AGREEMENT)
    else:
        spec["scale"] = {"five": [1, 5], "seven": [1, 7], "eleven": [0, 10]}[item["kind"]]
    spec["reverse"] = item["reverse"]
    spec["dimension"] = item["dimension"]
    spec["label"] = {"fr": item["label"], "en": item["label"]}
    return spec


def _demographics(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame({
        "age": rng.choice(["18-29", "30-44", "45-59", "60-74", "75+"], n),
        "sexe": rng.choice(["Femme", "Homme"], n, p=[0.52, 0.48]),
        "commune": rng.choice(["Nord", "Centre", "Sud", "Est", "Ouest"], n),
    })


def _contacts(ids: np.ndarray, rate: np.ndarray, mix: np.ndarray, avoidable: np.ndarray, repeat: np.ndarray,
              rng: np.random.Generator) -> pd.DataFrame:
    """One row per contact over 2025; each respondent has their own rate, channel mix and habits."""
    counts = rng.poisson(rate * rng.gamma(4.0, 0.25, len(ids)))
    owner = np.repeat(np.arange(len(ids)), counts)
    channels = np.array(list(CHANNEL_LABELS))
    chosen = np.array([rng.choice(len(channels), p=mix[i]) for i in owner], dtype=int)
    start = np.datetime64("2025-01-01T00:00")
    minutes = rng.integers(0, 365 * 24 * 60 - 8 * 24 * 60, len(owner))
    topic = rng.choice(TOPICS, len(owner))
    online = rng.random(len(owner)) < avoidable[owner]
    frame = pd.DataFrame({"owner": owner, "channel": chosen, "minutes": minutes, "topic": topic, "online": online})
    again = frame[rng.random(len(frame)) < repeat[owner]].copy()
    again["minutes"] += rng.integers(60, 6 * 24 * 60, len(again))
    frame = pd.concat([frame, again], ignore_index=True).sort_values("minutes", kind="stable")
    stamps = (start + frame["minutes"].to_numpy().astype("timedelta64[m]")).astype("datetime64[m]")
    missing_topic = rng.random(len(frame)) < 0.03
    return pd.DataFrame({
        "id_usager": ids[frame["owner"].to_numpy()],
        "date_contact": pd.Series(stamps.astype(str)).str.replace("T", " ", regex=False).to_numpy(),
        "canal": [CHANNEL_LABELS[channels[c]] for c in frame["channel"]],
        "motif": np.where(missing_topic, "", frame["topic"].to_numpy()),
        "en_ligne": np.where(frame["online"].to_numpy(), "oui", "non"),
    })


def _assemble(latent: np.ndarray, truth: np.ndarray, rate, mix, avoidable, repeat, rng, skip: float, k: int,
              meta: dict) -> Planted:
    n = latent.shape[0]
    ids = np.array([f"U{i + 1:05d}" for i in range(n)])
    items = _items(rng)
    survey = pd.DataFrame({"id": ids})
    survey = pd.concat([survey, _demographics(n, rng)], axis=1)
    for item in items:
        position = DIMENSIONS.index(item["dimension"])
        survey[item["column"]] = _answers(latent[:, position], item, rng, skip).to_numpy()
    columns: dict = {"age": {"type": "categorical", "role": "descriptor", "label": {"fr": "Âge", "en": "Age"}},
                     "sexe": {"type": "categorical", "role": "descriptor", "label": {"fr": "Sexe", "en": "Gender"}},
                     "commune": {"type": "categorical", "role": "descriptor",
                                 "label": {"fr": "Commune", "en": "District"}}}
    columns.update({item["column"]: _item_spec(item) for item in items})
    codebook = {
        "respondent_id": "id",
        "columns": columns,
        "contacts": {"respondent_id": "id_usager", "timestamp": "date_contact", "channel": "canal",
                     "topic": "motif", "online_available": "en_ligne",
                     "channels": {label: channel for channel, label in CHANNEL_LABELS.items()}},
    }
    contacts = _contacts(ids, rate, mix, avoidable, repeat, rng)
    latent100 = pd.DataFrame(np.clip((latent - 1.0) / 4.0, 0, 1) * 100.0, columns=list(DIMENSIONS), index=ids)
    return Planted(survey=survey, codebook=codebook, contacts=contacts, truth=pd.Series(truth, index=ids),
                   latent=latent100, k=k, meta=meta)


def profiles(k: int, *, n: int = 1500, seed: int = 0, separation: float = 2.5, skip: float = 0.08) -> Planted:
    """k random profiles at the given separation, unequal shares, with their own contact habits."""
    rng = np.random.default_rng(10_000 + 97 * k + seed)
    centers = _centers(k, rng, separation)
    shares = _shares(k, rng)
    truth = rng.choice(k, n, p=shares)
    latent = centers[truth] + rng.normal(0.0, SPREAD, (n, len(DIMENSIONS)))
    profile_mix = rng.dirichlet(np.full(len(CHANNEL_LABELS), 0.8), k)
    profile_rate = np.exp(rng.uniform(np.log(0.8), np.log(8.0), k))
    profile_avoidable = rng.uniform(0.05, 0.6, k)
    profile_repeat = rng.uniform(0.0, 0.25, k)
    meta = {"centers": centers, "shares": shares}
    return _assemble(latent, truth, profile_rate[truth], profile_mix[truth], profile_avoidable[truth],
                     profile_repeat[truth], rng, skip, k, meta)


def undivided(*, n: int = 1500, seed: int = 0, skip: float = 0.08) -> Planted:
    """One population, no clusters: traits share a general factor; contact habits vary smoothly."""
    rng = np.random.default_rng(20_000 + seed)
    d = len(DIMENSIONS)
    loadings = rng.uniform(0.4, 0.8, d) * rng.choice([-1.0, 1.0], d, p=[0.2, 0.8])
    general = rng.normal(0.0, 1.0, n)
    latent = 3.0 + 0.8 * (general[:, None] * loadings[None, :]
                          + rng.normal(0.0, 1.0, (n, d)) * np.sqrt(1 - loadings ** 2)[None, :])
    weights = rng.normal(0.0, 0.8, (d, len(CHANNEL_LABELS)))
    logits = (latent - 3.0) @ weights
    mix = np.exp(logits - logits.max(axis=1, keepdims=True))
    mix /= mix.sum(axis=1, keepdims=True)
    rate = np.exp(np.log(2.5) - 0.3 * (latent[:, 0] - 3.0) + rng.normal(0.0, 0.4, n))
    avoidable = np.clip(0.3 + 0.1 * (latent[:, 1] - 3.0), 0.02, 0.9)
    repeat = np.full(n, 0.1)
    return _assemble(latent, np.zeros(n, dtype=int), rate, mix, avoidable, repeat, rng, skip, 1, {})
