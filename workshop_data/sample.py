"""Sample workshop data with planted profiles: a French user survey, its codebook, a contact log.

The toolkit is judged on whether it finds profiles that are really there, so the sample plants the
six archetypes of DESIGN.md with known membership (``truth``). Every parameter that shapes the data
lives in ``sample_profiles.yaml``; this module only draws from it. The bundled default workshop
(``workshop_data/sample/``) is the command line's ``demo`` with its defaults (1,500 respondents,
seed 0, French), rebuilt with::

    persona-workshop demo workshop_data/sample

Files written by :func:`write_demo`: ``survey.csv`` and ``contacts.csv`` (French: ``;`` separated,
UTF-8 with BOM, decimal commas; English: ``,`` and ``.``), ``codebook.yaml``, and ``truth.csv``, a
machine file for benchmarks, always ``respondent_id,profile`` with ``,`` as DESIGN.md writes it.
Contact timestamps are ISO local times (``2025-03-14 09:32:00``).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .codebook import Codebook, ColumnSpec, ContactMapping
from .files import atomic_write_bytes, atomic_write_text

PROFILE_IDS = ("agile", "poorly_informed", "distrustful", "needs_support", "disconnected", "human_contact")
LANGS = ("fr", "en")
_HERE = Path(__file__).resolve().parent
_PARAMS = _HERE / "sample_profiles.yaml"
_SAMPLE_DIR = _HERE / "sample"
_FILES = ("survey", "codebook", "contacts", "truth")


@dataclass
class DemoData:
    """One generated workshop: the survey as written to CSV, its codebook, the log, the truth."""

    survey: pd.DataFrame
    codebook: Codebook
    contacts: pd.DataFrame
    truth: pd.DataFrame  # respondent_id, profile


@lru_cache(maxsize=1)
def profile_parameters() -> dict[str, Any]:
    """The planted parameters (sample_profiles.yaml), read once."""
    from .yaml_safe import safe_load_text

    return safe_load_text(_PARAMS.read_text(encoding="utf-8"), file=str(_PARAMS))


def sample_paths() -> dict[str, Path]:
    """The bundled ~1,500-respondent sample (the app's default workshop)."""
    return {
        "survey": _SAMPLE_DIR / "survey.csv",
        "codebook": _SAMPLE_DIR / "codebook.yaml",
        "contacts": _SAMPLE_DIR / "contacts.csv",
        "truth": _SAMPLE_DIR / "truth.csv",
    }


def generate_demo(
    n_respondents: int = 1500,
    *,
    seed: int = 0,
    lang: str = "fr",
    noise: float = 1.0,
    skip_rate: float = 0.03,
    shares: dict[str, float] | None = None,
) -> DemoData:
    """Draw a survey and a year of contacts around the planted profiles.

    ``noise`` scales the person and item spread (1.0: recoverable, 1.5: hard); ``skip_rate`` is the
    share of item answers left blank; ``shares`` overrides the profile shares (normalised).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if n_respondents < 1:
        raise ValueError("n_respondents must be at least 1")
    if noise < 0 or not 0 <= skip_rate < 1:
        raise ValueError("noise must be >= 0 and skip_rate in [0, 1)")
    params = profile_parameters()
    rng = np.random.default_rng(seed)
    profiles = _draw_profiles(n_respondents, params, shares, rng)
    ids = np.array([f"R{i + 1:05d}" for i in range(n_respondents)], dtype=object)
    survey = _draw_survey(ids, profiles, params, lang, noise, skip_rate, rng)
    contacts = _draw_contacts(ids, profiles, params, lang, rng)
    truth = pd.DataFrame({"respondent_id": ids, "profile": np.asarray(PROFILE_IDS, dtype=object)[profiles]})
    truth = truth.astype({"respondent_id": "str", "profile": "str"})
    return DemoData(survey=survey, codebook=demo_codebook(lang), contacts=contacts, truth=truth)


def demo_codebook(lang: str = "fr") -> Codebook:
    """The codebook that describes the generated survey and contact log."""
    params = profile_parameters()
    columns: dict[str, ColumnSpec] = {  # demographics describe the personas; they do not make them
        "tranche_age": ColumnSpec("tranche_age", "categorical", label={"fr": "Tranche d'âge", "en": "Age band"},
                                  role="descriptor"),
        "taille_foyer": ColumnSpec("taille_foyer", "numeric", label={"fr": "Taille du foyer", "en": "Household size"},
                                   role="descriptor"),
        "quartier": ColumnSpec("quartier", "categorical", label={"fr": "Quartier", "en": "Neighbourhood"},
                               role="descriptor"),
    }
    for name, item in params["items"].items():
        kind = item["kind"]
        levels = params["scales"][kind][lang] if kind in params["scales"] else None
        scale = {"points5": (1.0, 5.0), "points10": (0.0, 10.0)}.get(kind)
        columns[name] = ColumnSpec(
            name,
            "likert",
            levels=list(levels) if levels else None,
            scale=scale,
            reverse=bool(item.get("reverse", False)),
            dimension=item["dimension"],
            label=dict(item["label"]),
        )
    columns["commentaire"] = ColumnSpec(
        "commentaire", "text", label={"fr": "Remarques libres", "en": "Free comments"}
    )
    columns["courriel"] = ColumnSpec("courriel", "pii", label={"fr": "Adresse électronique", "en": "E-mail address"})
    cmap = params["contacts"]
    channel_values = cmap["channel_values"][lang]
    mapping = ContactMapping(
        respondent_id=cmap["columns"]["respondent_id"],
        timestamp=cmap["columns"]["timestamp"],
        channel=cmap["columns"]["channel"],
        topic=cmap["columns"]["topic"],
        online_available=cmap["columns"]["online_available"],
        channels={value: channel for channel, value in channel_values.items()},
    )
    return Codebook(respondent_id="id_repondant", columns=columns, weight="ponderation", contacts=mapping)


def write_demo(demo: DemoData, out_dir: Path, *, lang: str = "fr") -> dict[str, Path]:
    """Write the four files atomically; French survey and log use ';', UTF-8 with BOM, decimal commas."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    out_dir = Path(out_dir)
    paths = {name: out_dir / (f"{name}.yaml" if name == "codebook" else f"{name}.csv") for name in _FILES}
    frames = {"survey": demo.survey, "contacts": demo.contacts}
    blobs = {name: _csv_bytes(frame, lang) for name, frame in frames.items()}
    blobs["truth"] = _csv_bytes(demo.truth, "en")
    for name, blob in blobs.items():
        atomic_write_bytes(paths[name], blob)
    atomic_write_text(paths["codebook"], demo.codebook.to_yaml())
    return paths


def read_truth(path: str | Path) -> pd.DataFrame:
    """Read a truth.csv written in either language (',' or ';')."""
    frame = pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig", dtype=str)
    return frame[["respondent_id", "profile"]]


def _csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    buffer = io.StringIO()
    if lang == "fr":
        frame.to_csv(buffer, sep=";", decimal=",", index=False, lineterminator="\r\n")
        return buffer.getvalue().encode("utf-8-sig")
    frame.to_csv(buffer, sep=",", index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _draw_profiles(n: int, params: dict, shares: dict[str, float] | None, rng: np.random.Generator) -> np.ndarray:
    wanted = shares if shares is not None else {p: params["profiles"][p]["share"] for p in PROFILE_IDS}
    unknown = set(wanted) - set(PROFILE_IDS)
    if unknown:
        raise ValueError(f"unknown profile ids in shares: {sorted(unknown)}")
    weights = np.array([max(float(wanted.get(p, 0.0)), 0.0) for p in PROFILE_IDS])
    if weights.sum() <= 0:
        raise ValueError("shares must give at least one profile a positive share")
    weights = weights / weights.sum()
    # Exact counts (largest remainder), then shuffled: the planted shares hold at any n.
    raw = weights * n
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts))[: n - counts.sum()]] += 1
    labels = np.repeat(np.arange(len(PROFILE_IDS)), counts)
    return rng.permutation(labels)


def _draw_survey(
    ids: np.ndarray,
    profiles: np.ndarray,
    params: dict,
    lang: str,
    noise: float,
    skip_rate: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    n = len(ids)
    dims = params["dimensions"]
    means = np.array([[params["profiles"][p]["means"][d] for d in dims] for p in PROFILE_IDS])
    latent = means[profiles] + rng.normal(0.0, params["person_sd"] * noise, size=(n, len(dims)))
    item_sd = params["item_sd"] * noise

    columns: dict[str, Any] = {"id_repondant": ids}
    age_keys = list(params["age_bands"][lang])
    age_probs = np.array([[params["profiles"][p]["age"][k] for k in age_keys] for p in PROFILE_IDS])
    age_idx = _draw_rows(age_probs[profiles], rng)
    columns["tranche_age"] = np.asarray([params["age_bands"][lang][k] for k in age_keys], dtype=object)[age_idx]
    hh = params["household_size"]
    columns["taille_foyer"] = rng.choice(hh["values"], size=n, p=np.asarray(hh["weights"]) / sum(hh["weights"]))
    columns["quartier"] = rng.choice(np.asarray(params["neighbourhoods"], dtype=object), size=n)
    weight = rng.lognormal(0.0, params["weight"]["sigma"], size=n)
    columns["ponderation"] = np.round(weight / weight.mean(), 3)

    for name, item in params["items"].items():
        base = latent[:, dims.index(item["dimension"])]
        kind = item["kind"]
        if kind == "points10":
            value = np.clip(np.rint((base - 1.0) * 2.5 + rng.normal(0.0, item_sd * 2.5, size=n)), 0, 10)
            if item.get("reverse"):
                value = 10 - value
        else:
            value = np.clip(np.rint(base + rng.normal(0.0, item_sd, size=n)), 1, 5)
            if item.get("reverse"):
                value = 6 - value
        skipped = rng.random(n) < skip_rate
        if kind in params["scales"]:
            labels = np.asarray(params["scales"][kind][lang], dtype=object)
            out = labels[value.astype(int) - 1]
            out[skipped] = None
            columns[name] = pd.array(out, dtype="str")
        else:
            out = pd.array(value.astype(int), dtype="Int64")
            out[skipped] = pd.NA
            columns[name] = out

    columns["commentaire"] = _draw_comments(profiles, params, lang, rng)
    columns["courriel"] = _draw_emails(n, params, rng)
    frame = pd.DataFrame(columns)
    return frame.astype({"id_repondant": "str", "tranche_age": "str", "quartier": "str", "courriel": "str"})


def _draw_rows(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical draw per row of a probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _draw_comments(profiles: np.ndarray, params: dict, lang: str, rng: np.random.Generator) -> Any:
    pools = params["comments"]
    n = len(profiles)
    out = np.full(n, None, dtype=object)
    leaves = rng.random(n) < params["comment_share"]
    with_pii = leaves & (rng.random(n) < params["comment_pii_share"])
    for i in np.flatnonzero(leaves):
        if with_pii[i]:
            template = pools["with_pii"][lang][rng.integers(len(pools["with_pii"][lang]))]
            out[i] = template.format(phone=_fake_phone(rng), email=_fake_email(params, rng))
        else:
            pool = pools[PROFILE_IDS[profiles[i]]][lang] if rng.random() < 0.8 else pools["general"][lang]
            out[i] = pool[rng.integers(len(pool))]
    return pd.array(out, dtype="str")


def _fake_phone(rng: np.random.Generator) -> str:
    first = rng.choice(["01", "03", "06", "07", "09"])
    rest = rng.integers(0, 100, size=4)
    sep = rng.choice([" ", ".", ""])
    number = sep.join([first, *(f"{x:02d}" for x in rest)])
    return ("+33 " + number[1:]) if rng.random() < 0.2 else number


def _fake_email(params: dict, rng: np.random.Generator) -> str:
    names = params["names"]
    first = names["first"][rng.integers(len(names["first"]))]
    last = names["last"][rng.integers(len(names["last"]))]
    domain = names["domains"][rng.integers(len(names["domains"]))]
    return f"{first}.{last}{rng.integers(1, 99)}@{domain}"


def _draw_emails(n: int, params: dict, rng: np.random.Generator) -> np.ndarray:
    names = params["names"]
    first = rng.choice(np.asarray(names["first"], dtype=object), size=n)
    last = rng.choice(np.asarray(names["last"], dtype=object), size=n)
    domain = rng.choice(np.asarray(names["domains"], dtype=object), size=n)
    return np.array([f"{f}.{l}{i % 97}@{d}" for i, (f, l, d) in enumerate(zip(first, last, domain))], dtype=object)


def _draw_contacts(
    ids: np.ndarray, profiles: np.ndarray, params: dict, lang: str, rng: np.random.Generator
) -> pd.DataFrame:
    cparams = params["contacts"]
    n = len(ids)
    prof = [params["profiles"][p] for p in PROFILE_IDS]
    rates = np.array([p["contacts_per_year"] for p in prof]) * params["period"]["days"] / 365.0
    shape = params["activity_shape"]
    activity = rng.gamma(shape, 1.0 / shape, size=n)
    episodes = rng.poisson(rates[profiles] * activity)
    owner = np.repeat(np.arange(n), episodes)
    m = len(owner)
    owner_profile = profiles[owner]

    channels = list(cparams["channel_values"][lang])
    mix = np.array([[p["channels"].get(c, 0.0) for c in channels] for p in prof])
    topics = cparams["topics"]
    online = np.array([bool(t["online"]) for t in topics])
    tweight = np.array([float(t["weight"]) for t in topics])
    online_p = np.array([p["online_topic_share"] for p in prof])
    # Topic: first whether it is available online (the profile's avoidable share), then which.
    is_online = rng.random(m) < online_p[owner_profile]
    topic = np.where(
        is_online,
        rng.choice(np.flatnonzero(online), size=m, p=tweight[online] / tweight[online].sum()),
        rng.choice(np.flatnonzero(~online), size=m, p=tweight[~online] / tweight[~online].sum()),
    )
    start_day = rng.integers(0, params["period"]["days"], size=m).astype(float)

    repeat_p = np.array([p["repeat_prob"] for p in prof])
    again = rng.random(m) < repeat_p[owner_profile]
    gap = rng.uniform(2 / 24, 6.5, size=m)
    again &= start_day + gap < params["period"]["days"]  # a follow-up stays inside the period
    r_owner = owner[again]
    r_topic = topic[again]
    r_day = start_day[again] + gap[again]

    all_owner = np.concatenate([owner, r_owner])
    all_topic = np.concatenate([topic, r_topic])
    day = np.concatenate([start_day, r_day])
    chan = _draw_rows(mix[profiles[all_owner]], rng)
    staffed = np.isin(np.asarray(channels)[chan], ["phone", "counter", "mail"])
    stamps = _timestamps(day, staffed, params, rng)

    ids_out = ids[all_owner].astype(object)
    n_unmatched = int(round(len(ids_out) * params["unmatched_contact_share"]))
    if n_unmatched:
        pick = rng.choice(len(ids_out), size=n_unmatched, replace=False)
        ids_out[pick] = [f"R{n + 1000 + k:05d}" for k in range(n_unmatched)]

    topic_labels = np.asarray([t[lang] for t in topics], dtype=object)
    yes, no = cparams["yes_no"][lang]
    frame = pd.DataFrame(
        {
            cparams["columns"]["respondent_id"]: ids_out,
            cparams["columns"]["timestamp"]: stamps,
            cparams["columns"]["channel"]: np.asarray([cparams["channel_values"][lang][c] for c in channels], dtype=object)[chan],
            cparams["columns"]["topic"]: topic_labels[all_topic],
            cparams["columns"]["online_available"]: np.where(online[all_topic], yes, no).astype(object),
        }
    )
    frame = frame.iloc[np.argsort(stamps, kind="stable")].reset_index(drop=True)
    return frame.astype("str")


def _timestamps(day: np.ndarray, staffed: np.ndarray, params: dict, rng: np.random.Generator) -> np.ndarray:
    """Staffed channels (mail is registered when received) on weekdays in opening hours; online ones any day."""
    start = np.datetime64(params["period"]["start"])
    days = np.floor(day).astype(int)
    weekday = (start.astype("datetime64[D]").astype(int) + days + 3) % 7  # 0 = Monday
    shift = np.where(staffed & (weekday >= 5), weekday - 4, 0)  # weekend -> the Friday before
    days = np.maximum(days - shift, 0)
    lo, hi = params["contacts"]["staffed_hours"]
    hours = np.where(staffed, rng.uniform(lo, hi, size=len(day)), rng.uniform(*params["contacts"]["online_hours"], size=len(day)))
    seconds = days * 86400 + np.floor(hours * 60).astype(int) * 60
    moments = start.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.char.replace(np.datetime_as_string(moments, unit="s"), "T", " ").astype(object)
