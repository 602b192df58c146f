"""A column that says nothing must not make, split or name a persona (issue 18, acceptance).

Each test writes a small structured survey (four planted profiles on three traits of four 1-5
items each), then runs it as a user would: ``codebook`` drafts the codebook, ``cluster --k auto``
uses it unedited. Then one column is added that carries no structure, and the same is run again.

- Pure noise (a number, a category, a Likert item) changes the personas by less than 0.05 ARI and
  leaves k as it was.
- A column that splits every profile in two (a household size of 1 or 5, unrelated to the traits)
  must not yield two personas that the sheet cannot tell apart: the same trait scores and channel
  mix, and names that do not say what divides them. Merge them, or show what divides them.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score

from cli import main

N = 400
TRAITS = {
    "aise": ["aise_internet", "aise_formulaire", "aise_appli", "aise_smartphone"],
    "confiance": ["confiance_site", "confiance_donnees", "confiance_paiement", "confiance_mairie"],
    "contact": ["prefere_agent", "prefere_guichet", "prefere_telephone", "prefere_parler"],
}
CENTRES = np.array([[1.6, 1.6, -1.6], [-1.6, 1.6, 1.6], [1.6, -1.6, 1.6], [-1.6, -1.6, -1.6]])
SAME_TRAIT = 5.0      # points on 0-100: closer than this on every trait is "the same" on a sheet
SAME_CHANNEL = 0.10   # share of contacts by a channel


def structured_survey(seed: int = 3) -> pd.DataFrame:
    """Four profiles of equal size, well apart on three traits; respondents R0000..."""
    rng = np.random.default_rng(seed)
    profile = rng.permutation(np.repeat(np.arange(len(CENTRES)), N // len(CENTRES)))
    latent = CENTRES[profile] + rng.normal(scale=0.5, size=(N, len(TRAITS)))
    columns: dict[str, object] = {"id": [f"R{i:04d}" for i in range(N)]}
    for d, items in enumerate(TRAITS.values()):
        for item in items:
            columns[item] = np.clip(np.round(3 + 0.9 * (latent[:, d] + rng.normal(scale=0.6, size=N))), 1, 5).astype(int)
    return pd.DataFrame(columns)


def contact_log(survey: pd.DataFrame, seed: int = 4) -> pd.DataFrame:
    """A few contacts each, channels following the contact-preference items (so channel mixes differ)."""
    rng = np.random.default_rng(seed)
    human = survey[TRAITS["contact"]].mean(axis=1).to_numpy() >= 3
    rows = []
    for person, prefers_people in zip(survey["id"], human):
        for _ in range(int(rng.integers(1, 5))):
            channel = rng.choice(["Téléphone", "Accueil", "Site web"], p=[0.45, 0.45, 0.1] if prefers_people else
                                 [0.1, 0.1, 0.8])
            rows.append((person, f"2025-{rng.integers(1, 13):02d}-{rng.integers(1, 28):02d} 10:00", channel))
    return pd.DataFrame(rows, columns=["usager", "horodatage", "canal"])


def run_workshop(folder: Path, survey: pd.DataFrame, contacts: pd.DataFrame | None = None) -> dict:
    """``codebook`` then ``cluster --k auto`` on the written files, the draft left as drafted."""
    folder.mkdir(parents=True, exist_ok=True)
    survey.to_csv(folder / "survey.csv", sep=";", index=False)
    log = []
    if contacts is not None:
        contacts.to_csv(folder / "contacts.csv", sep=";", index=False)
        log = ["--contacts", str(folder / "contacts.csv")]
    runner = CliRunner()
    drafted = runner.invoke(main, ["codebook", str(folder / "survey.csv"), *log, "--out", str(folder / "c.yaml")])
    assert drafted.exit_code == 0, drafted.output
    clustered = runner.invoke(main, ["cluster", str(folder / "survey.csv"), "--codebook", str(folder / "c.yaml"), *log,
                                     "--k", "auto", "--out", str(folder / "w.yaml")])
    assert clustered.exit_code == 0, clustered.output
    return yaml.safe_load((folder / "w.yaml").read_text(encoding="utf-8"))


def labels(workshop: dict, ids: pd.Series) -> np.ndarray:
    assignments = {str(k): v for k, v in workshop["assignments"].items()}
    return np.array([assignments[str(i)] for i in ids])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict]:
    survey = structured_survey()
    return survey, run_workshop(tmp_path_factory.mktemp("base"), survey)


def noise_column(kind: str, rng: np.random.Generator) -> tuple[str, object]:
    if kind == "numeric":
        return "score_calc", np.round(rng.normal(50, 15, size=N), 1)
    if kind == "categorical":
        return "transport", rng.choice(["Voiture", "Bus", "Vélo", "À pied"], size=N)
    return "satisfaction_parking", rng.integers(1, 6, size=N)


@pytest.mark.parametrize("kind", ["numeric", "categorical", "likert"])
def test_one_column_of_pure_noise_changes_neither_k_nor_the_personas(base, kind: str, tmp_path: Path) -> None:
    survey, before = base
    assert len(before["personas"]) == len(CENTRES), "the structured survey itself must come out right"
    name, values = noise_column(kind, np.random.default_rng(11))
    noisy = survey.assign(**{name: values})
    after = run_workshop(tmp_path, noisy)
    assert len(after["personas"]) == len(before["personas"]), f"k changed with a {kind} noise column '{name}'"
    change = 1 - adjusted_rand_score(labels(before, survey["id"]), labels(after, survey["id"]))
    assert change < 0.05, f"a {kind} noise column '{name}' moved the personas by {change:.3f} ARI"


def indistinguishable(a: dict, b: dict) -> bool:
    """The sheets cannot tell ``a`` from ``b``: the same trait scores and channel mix, and neither name
    mentions a feature that divides them (a name that differs only in wording shows nothing)."""
    for field, tolerance in (("traits", SAME_TRAIT), ("channel_mix", SAME_CHANNEL)):
        left, right = a.get(field) or {}, b.get(field) or {}
        if any(abs(float(left.get(key, 0)) - float(right.get(key, 0))) >= tolerance for key in set(left) | set(right)):
            return False
    names = words(a["name"]) + " " + words(b["name"])
    for feature in (a.get("distinguishing") or []) + (b.get("distinguishing") or []):
        if feature["feature"].startswith(("trait:", "share_", "contacts_")):
            continue
        said = [feature["feature"], *(feature.get("label") or {}).values()]
        if any(words(s) and f" {words(s)} " in f" {names} " for s in said):
            return False
    return True


def words(text: str) -> str:
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def test_a_profile_split_by_a_nuisance_column_never_gives_two_personas_the_sheet_cannot_tell_apart(
        tmp_path: Path) -> None:
    survey = structured_survey()
    rng = np.random.default_rng(12)
    split = survey.assign(nb_personnes_foyer=rng.choice([1, 5], size=N))
    workshop = run_workshop(tmp_path, split, contact_log(survey))
    personas = workshop["personas"]
    twins = [(a["id"], b["id"], a["name"], b["name"]) for i, a in enumerate(personas) for b in personas[i + 1:]
             if indistinguishable(a, b)]
    assert not twins, f"personas the sheets cannot tell apart: {twins}"
