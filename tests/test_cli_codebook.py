"""The draft codebook through the command line: demographics describe personas, they never make them.

The survey is generated here, not by the demo generator: a weak attitude continuum (no planted
groups) beside a gender column that splits the sample cleanly in two. Clustered with gender as a
basis variable, personas come out as "the women" and "the men"; with the draft's roles they must not.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from cli import main
from workshop_data.codebook import load_codebook

AGREE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"]
ATTITUDES = [
    "Je lis le bulletin municipal",
    "Je participe aux réunions publiques",
    "Je donne mon avis sur les projets de la mairie",
    "Je suis les décisions du conseil municipal",
    "Je signale les problèmes de voirie",
    "Je vote aux élections locales",
]


def gender_split_survey(n: int = 400, seed: int = 4) -> pd.DataFrame:
    """Gender: a clean 50/50 split; attitudes: one continuum (no groups), shifted half a standard
    deviation by gender, as attitudes often are. Gender is the strongest single split."""
    rng = np.random.default_rng(seed)
    women = rng.random(n) < 0.5
    civic = rng.standard_normal(n) + 0.5 * women
    frame = pd.DataFrame({"id": [f"R{i:04d}" for i in range(n)],
                          "sexe": np.where(women, "Femme", "Homme"),
                          "âge": rng.integers(18, 86, n),
                          "quartier": rng.choice(["Centre", "Gare", "Les Prés", "Hauts"], n)})
    for label in ATTITUDES:
        latent = 0.8 * civic + rng.standard_normal(n)
        positions = np.digitize(latent, [-1.0, -0.3, 0.3, 1.0])
        frame[label] = np.asarray(AGREE, dtype=object)[positions]
    return frame


def run(*args: str | Path):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame, str]:
    folder = tmp_path_factory.mktemp("gender")
    frame = gender_split_survey()
    survey = folder / "survey.csv"
    frame.to_csv(survey, sep=";", index=False, encoding="utf-8-sig")
    codebook = folder / "codebook.yaml"
    output = run("codebook", survey, "--out", codebook).output
    return survey, codebook, frame, output


def test_draft_writes_demographics_as_descriptors_and_says_so(drafted) -> None:
    _, codebook, _, output = drafted
    raw = yaml.safe_load(codebook.read_text(encoding="utf-8"))
    roles = {name: spec.get("role") for name, spec in raw["columns"].items()}
    assert {roles["sexe"], roles["âge"], roles["quartier"]} == {"descriptor"}
    assert {roles[label] for label in ATTITUDES} == {"basis"}
    assert "Descriptors (profiled per persona, not clustered): sexe, âge, quartier" in output


def _gender_shares(workshop: Path, frame: pd.DataFrame) -> pd.DataFrame:
    assignments = yaml.safe_load(workshop.read_text(encoding="utf-8"))["assignments"]
    personas = pd.Series(assignments).rename("persona").to_frame().join(frame.set_index("id")["sexe"])
    assert personas["persona"].nunique() >= 2
    return pd.crosstab(personas["persona"], personas["sexe"], normalize="index")


def test_gender_is_no_persona_when_it_is_the_strongest_split(drafted, tmp_path: Path) -> None:
    survey, codebook, frame, _ = drafted
    workshop = tmp_path / "workshop.yaml"
    run("cluster", survey, "--codebook", codebook, "--k", "auto", "--out", workshop)
    shares = _gender_shares(workshop, frame)
    assert shares.max(axis=1).max() <= 0.95, shares


def test_gender_set_to_basis_still_makes_no_gender_personas(drafted, tmp_path: Path) -> None:
    """Issue 18: a variable weighs for the structure the other answers confirm. Gender set to
    basis by hand is one column that no attitude follows, so it gets no weight and splits no one
    (before issue 18 it drove the clusters: one persona per gender)."""
    survey, codebook, frame, _ = drafted
    raw = yaml.safe_load(codebook.read_text(encoding="utf-8"))
    raw["columns"]["sexe"]["role"] = "basis"
    basis = tmp_path / "basis.yaml"
    basis.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    workshop = tmp_path / "workshop.yaml"
    run("cluster", survey, "--codebook", basis, "--k", "auto", "--bootstrap", "0", "--out", workshop)
    assert _gender_shares(workshop, frame).max(axis=1).max() <= 0.95


def test_codebook_command_prints_the_proposed_dimensions(tmp_path: Path) -> None:
    from test_infer import two_factor_survey

    frame = two_factor_survey()
    survey = tmp_path / "survey.csv"
    frame.to_csv(survey, index=False)
    out = tmp_path / "codebook.yaml"
    output = run("codebook", survey, "--out", out).output
    scales = {name: dim for name, dim in load_codebook(out).dimensions.items() if dim.alpha is not None}
    assert len(scales) == 2
    for name, dim in scales.items():
        line = next(line for line in output.splitlines() if line.strip().startswith(f"{name} "))
        assert f"alpha {dim.alpha:.2f}" in line
        assert all(item in line for item in dim.items)
    assert "(reversed)" in output
