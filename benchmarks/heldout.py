"""Held-out surveys, for acceptance only: never tune the engine, its thresholds or its names on these.

A second generator, written apart from ``family_data.py`` and from the project, with conventions of
its own, so that a figure that holds only on data shaped like the families does not pass for a
general one. It differs in how profiles are planted and in how files look:

- *Profiles* are preferred answers per item (a latent class model with local dependence), not
  points in a trait space: each profile has, per questionnaire block, a leaning, and each item of
  the block its own deviation from it; a respondent's answer is drawn around their profile's
  preferred step, shifted by a personal mood shared by all their answers. Shares follow a Zipf
  law. The undivided set has no profiles: two continuous factors, each item reading both.
- *Files*: LimeSurvey-like headers (``G02Q05[SQ003]``, ``Q7.2``), SPSS-like variable names
  (``V17``), headers that are the question text; 4-point scales without a midpoint, scales coded
  1 = most positive, "Ne sait pas" / "Don't know" / ``-99`` / ``99`` as answers outside the scale;
  LimeSurvey bookkeeping (``submitdate``, ``lastpage``, ``startlanguage``, ``interviewtime``),
  INSEE-style demographics in capitals (``SEXE``, ``AGE5``, ``PCS1``, ``NBPERS``, ``TUU``),
  workbooks (.xlsx) as well as CSV; contact logs in Parquet
  or CSV with their own words (``Tél.``, ``Mél``, ``Voie postale``).

Sets: ``p`` plain questionnaires, ``n`` noisy institutional exports, ``c`` profiles carried by
contact habits as much as by answers, ``u`` undivided. Seven seeds each by default: 28 surveys, as
in the issue's held-out measurement. The table and the acceptance lines are those of
``benchmarks/families.py`` (same peers, ceiling and tie rule, same cache under ``bench-out/``).

    python benchmarks/heldout.py [--seeds 7] [--families p,n,c,u] [--n 2000] [--jobs 1] [--verbose]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

FAMILIES = {
    "p": "plain questionnaire, profiles as preferred answers",
    "n": "noisy institutional export: bookkeeping, coded demographics, don't-know codes",
    "c": "profiles carried by contact habits as much as by answers",
    "u": "undivided: two continuous factors",
}
K_OF = {"p": [3, 5, 7, 9, 4, 6, 8], "n": [4, 6, 3, 5, 7, 8, 5], "c": [3, 4, 5, 6, 3, 4, 5], "u": [1]}

WORDING = {
    "fr4": ["Pas du tout", "Plutôt non", "Plutôt oui", "Tout à fait"],
    "fr5": ["Jamais", "Moins d'une fois par mois", "Chaque mois", "Chaque semaine", "Tous les jours"],
    "fr6": ["Très mauvais", "Mauvais", "Passable", "Correct", "Bon", "Excellent"],
    "en4": ["Not at all", "Not really", "Somewhat", "Completely"],
    "en5": ["Very unlikely", "Unlikely", "Unsure", "Likely", "Very likely"],
    "en6": ["Terrible", "Poor", "Fair", "Good", "Very good", "Excellent"],
}
DONT_KNOW = {"fr": "Ne sait pas", "en": "Don't know"}
QUESTION_TEXT = {
    "fr": ["Facilité", "Confiance", "Connaissance", "Préférence", "Autonomie", "Équipement", "Rapidité"],
    "en": ["Ease", "Confidence", "Knowledge", "Preference", "Self-reliance", "Equipment", "Speed"],
}
SUBJECTS = {
    "fr": ["prendre rendez-vous", "payer en ligne", "suivre un dossier", "joindre un agent", "remplir un formulaire",
           "trouver une information", "envoyer un justificatif", "signaler un problème", "consulter ses droits"],
    "en": ["book an appointment", "pay online", "track a case", "reach an officer", "fill in a form",
           "find information", "send a document", "report a problem", "check entitlements"],
}
MODES = {
    "fr": {"phone": "Tél.", "counter": "Guichet", "email": "Mél", "web": "Site internet", "mail": "Voie postale",
           "chat": "Messagerie instantanée"},
    "en": {"phone": "Telephone call", "counter": "Walk-in", "email": "Email", "web": "Online portal",
           "mail": "Post", "chat": "Live chat"},
}


def make_and_write(family: str, seed: int, n: int, folder: Path) -> None:
    """Generate the held-out survey ``family`` at ``seed`` and write its files and truth to ``folder``."""
    if family not in FAMILIES:
        raise ValueError(f"unknown held-out set {family!r}")
    rng = np.random.default_rng([7919, ord(family), seed, n])
    k = K_OF[family][seed % len(K_OF[family])]
    lang = "fr" if rng.random() < 0.65 else "en"
    style = ["limesurvey", "spss", "text", "dotted"][int(rng.integers(4))]
    truth = _zipf_labels(rng, n, k)
    columns: dict[str, object] = {}
    kinds: dict[str, str] = {}
    scales: dict[str, list] = {}
    _bookkeeping(rng, n, family, lang, columns, kinds)
    if family == "u":
        answers = _continuum_answers(rng, n)
    else:
        answers = _profile_answers(rng, truth, k, weak=family == "c")
    _write_items(rng, answers, lang, style, columns, kinds, scales, dont_know=family == "n")
    if family == "n" or (family == "u" and seed % 2 == 0):
        _insee_demographics(rng, n, lang, columns, kinds)
    frame = pd.DataFrame(columns)
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"family": family, "seed": seed, "k": k, "n": n, "kinds": kinds, "scales": scales, "note": style,
            "id_column": "id" if "id" in columns else None}
    if rng.random() < 0.35:
        meta["survey_file"] = "survey.xlsx"
        meta["dialect"] = {"naming": style, "coding": "workbook", "language": lang, "sep": ";", "decimal": ",",
                           "encoding": "utf-8"}
        frame.to_excel(folder / "survey.xlsx", index=False, sheet_name="Réponses" if lang == "fr" else "Responses")
    else:
        sep = ";" if lang == "fr" else ","
        decimal = "," if sep == ";" else "."
        encoding = "cp1252" if lang == "fr" and rng.random() < 0.5 else "utf-8"
        meta["dialect"] = {"naming": style, "coding": "csv", "language": lang, "sep": sep, "decimal": decimal,
                           "encoding": encoding}
        (folder / "survey.csv").write_bytes(frame.to_csv(index=False, sep=sep, decimal=decimal).encode(encoding))
    if family != "u" or seed % 3 == 0:
        _contact_log(rng, frame["id"].to_numpy(), truth, k, lang, strong=family == "c", folder=folder, meta=meta)
    pd.DataFrame({"row": np.arange(n), "profile": truth}).to_csv(folder / "truth.csv", index=False)
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, default=_plain),
                                      encoding="utf-8")


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def _zipf_labels(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    if k == 1:
        return np.zeros(n, dtype=int)
    shares = 1.0 / np.arange(1, k + 1) ** rng.uniform(0.4, 0.9)
    shares = np.maximum(shares / shares.sum(), 0.04)
    shares /= shares.sum()
    return rng.choice(k, size=n, p=rng.permutation(shares))


def _profile_answers(rng: np.random.Generator, truth: np.ndarray, k: int, weak: bool) -> list[np.ndarray]:
    """Per item, a 0-1 propensity per respondent: the profile's preferred level plus mood and noise."""
    blocks = int(rng.integers(4, 8))
    leaning = rng.uniform(0.1, 0.9, size=(k, blocks))
    for _ in range(200):   # keep every two profiles apart on at least two blocks
        gaps = np.abs(leaning[:, None, :] - leaning[None, :, :]) > 0.35
        crowded = [(a, b) for a in range(k) for b in range(a + 1, k) if gaps[a, b].sum() < 2]
        if not crowded:
            break
        a, _ = crowded[0]
        leaning[a] = rng.uniform(0.1, 0.9, size=blocks)
    if weak:
        leaning = 0.5 + (leaning - 0.5) * 0.45
    mood = rng.normal(0, 0.07, size=len(truth))
    out = []
    for block in range(blocks):
        for _ in range(int(rng.integers(2, 6))):
            deviation = rng.normal(0, 0.06, size=k)
            out.append(leaning[truth, block] + deviation[truth] + mood + rng.normal(0, 0.16, size=len(truth)))
    return out


def _continuum_answers(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    factors = rng.multivariate_normal([0, 0], [[1, 0.3], [0.3, 1]], size=n)
    out = []
    for _ in range(int(rng.integers(14, 26))):
        weights = rng.dirichlet([1.0, 1.0])
        signal = factors @ weights
        out.append(0.5 + 0.17 * signal / signal.std() + rng.normal(0, 0.12, size=n))
    return out


def _write_items(rng, answers, lang, style, columns, kinds, scales, dont_know: bool) -> None:
    n = len(answers[0])
    wording = [w for w in WORDING if w.startswith(lang)]
    block_no, item_no, per_block = int(rng.integers(1, 4)), 0, int(rng.integers(3, 7))
    for index, propensity in enumerate(answers):
        if index % per_block == 0:
            block_no, item_no = block_no + 1, 0
        item_no += 1
        points = int(rng.choice([4, 5, 6, 10]))
        steps = np.clip(np.floor(np.clip(propensity, 0, 0.9999) * points), 0, points - 1).astype(int)
        positive_first = rng.random() < 0.3
        if points == 10 or rng.random() < 0.4:
            codes = list(range(points, 0, -1)) if positive_first else list(range(1, points + 1))
            values = np.array(codes, dtype=object)[steps]
            scale = codes
        else:
            words = next((WORDING[w] for w in rng.permutation(wording) if len(WORDING[w]) == points), None)
            if words is None:
                codes = list(range(1, points + 1))
                values, scale = np.array(codes, dtype=object)[steps], codes
            else:
                values, scale = np.array(words, dtype=object)[steps], list(words)
        column = pd.Series(values, dtype=object)
        column[rng.random(n) < rng.uniform(0.0, 0.08)] = None
        if dont_know:
            odd = rng.random(n) < 0.04
            column[odd] = -99 if isinstance(scale[0], int) else DONT_KNOW[lang]
        name = _item_name(rng, style, lang, block_no, item_no, index)
        columns[name] = column
        kinds[name] = "item"
        scales[name] = scale


def _item_name(rng, style: str, lang: str, block: int, item: int, index: int) -> str:
    if style == "limesurvey":
        return f"G{block:02d}Q{item + 1:02d}[SQ{index + 1:03d}]"
    if style == "spss":
        return f"V{10 + index}"
    if style == "dotted":
        return f"Q{block}.{item}"
    topic = QUESTION_TEXT[lang][block % len(QUESTION_TEXT[lang])]
    subject = SUBJECTS[lang][(index * 5 + block) % len(SUBJECTS[lang])]
    return f"{topic} : {subject} ({index + 1})" if lang == "fr" else f"{topic} - {subject} ({index + 1})"


def _bookkeeping(rng, n: int, family: str, lang: str, columns: dict, kinds: dict) -> None:
    columns["id"] = rng.permutation(np.arange(1, n + 1)) * 7 + 1000
    kinds["id"] = "id"
    if family in ("n", "u"):
        start = pd.Timestamp("2025-09-01") + pd.to_timedelta(rng.integers(0, 40 * 86400, size=n), unit="s")
        columns["submitdate"] = start.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
        columns["lastpage"] = np.full(n, 6)
        columns["startlanguage"] = np.full(n, lang)
        columns["interviewtime"] = np.round(rng.gamma(5, 90, size=n), 2)
        columns["POIDS_CAL"] = np.round(rng.gamma(8, 1 / 8, size=n), 5)
        for name in ("submitdate", "lastpage", "startlanguage", "interviewtime"):
            kinds[name] = "design"
        kinds["POIDS_CAL"] = "weight"


def _insee_demographics(rng, n: int, lang: str, columns: dict, kinds: dict) -> None:
    columns["SEXE"] = rng.choice([1, 2], size=n)
    columns["AGE5"] = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.15, 0.25, 0.25, 0.2, 0.15])
    columns["PCS1"] = rng.choice([1, 2, 3, 4, 5, 6, 7, 8], size=n)
    columns["NBPERS"] = np.clip(rng.poisson(1.3, size=n) + 1, 1, 9)
    columns["TUU"] = rng.integers(0, 9, size=n)
    columns["note_globale" if lang == "fr" else "overall_mark"] = np.round(rng.uniform(0, 20, size=n), 1)
    for name in ("SEXE", "AGE5", "PCS1", "NBPERS", "TUU"):
        kinds[name] = "demographic"
    kinds["note_globale" if lang == "fr" else "overall_mark"] = "stray"


def _contact_log(rng, ids, truth, k, lang, strong: bool, folder: Path, meta: dict) -> None:
    channels = list(MODES[lang])
    mixes = rng.dirichlet(np.full(len(channels), 0.45 if strong else 3.0), size=k)
    volume = np.geomspace(3, 18, k)[rng.permutation(k)] if strong else rng.uniform(2, 5, size=k)
    counts = rng.poisson(volume[truth] * rng.gamma(6, 1 / 6, size=len(truth)))
    owner = np.repeat(np.arange(len(truth)), counts)
    cumulative = np.cumsum(mixes[truth[owner]], axis=1)
    channel = np.minimum((rng.random(len(owner))[:, None] > cumulative).sum(axis=1), len(channels) - 1)
    when = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300 * 86400, size=len(owner)), unit="s")
    names = ({"respondent_id": "ID_USAGER", "timestamp": "DATE_HEURE", "channel": "MODE_CONTACT",
              "topic": "THEMATIQUE"} if lang == "fr" else
             {"respondent_id": "CitizenRef", "timestamp": "ContactDateTime", "channel": "ContactMode",
              "topic": "Subject"})
    topics = SUBJECTS[lang]
    log = pd.DataFrame({
        names["respondent_id"]: ids[owner],
        names["timestamp"]: when.strftime("%d/%m/%Y %H:%M:%S" if lang == "fr" else "%Y-%m-%dT%H:%M:%S").to_numpy(),
        names["channel"]: np.array([MODES[lang][channels[c]] for c in channel], dtype=object),
        names["topic"]: np.array(topics, dtype=object)[rng.integers(0, len(topics), size=len(owner))],
    })
    if rng.random() < 0.5:
        meta["contacts_file"] = "contacts.parquet"
        log.astype({names["respondent_id"]: "int64"}).to_parquet(folder / "contacts.parquet", index=False)
    else:
        d = meta["dialect"]
        (folder / "contacts.csv").write_bytes(log.to_csv(index=False, sep=d["sep"]).encode(d["encoding"]))
    meta["contact_columns"] = names
    meta["channel_words"] = MODES[lang]


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    if str(here) not in sys.path:
        sys.path.insert(0, str(here))
    import families

    argv = sys.argv[1:]
    if not any(a.startswith("--seeds") for a in argv) and "--quick" not in argv:
        argv = ["--seeds", "7", *argv]
    sys.exit(families.main(argv, source="heldout", doc=__doc__))
