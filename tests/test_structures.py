"""Structures the code was not designed around (benchmarks/synthetic.py, which never reads the
archetype library): planted random profiles come back with their number, one undivided population
is never called clearly clustered, and no archetype name is given that the members' true traits do
not support. The full table with more seeds is ``benchmarks/structures.py``."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import structures  # noqa: E402
import synthetic  # noqa: E402
from personas.build import build_workshop  # noqa: E402
from workshop_data.intake import load_inputs  # noqa: E402


def _workshop(planted: synthetic.Planted, folder: Path):
    files = planted.write(folder)
    inputs = load_inputs(files["survey"], files["codebook"], files["contacts"])
    workshop = build_workshop(inputs.survey, inputs.contacts, k="auto", seed=0, bootstrap=10)
    members = pd.Series(workshop.assignments).reindex(planted.truth.index)
    return workshop, members


@pytest.mark.parametrize("k", [3, 5])
def test_planted_random_profiles_come_back_with_their_number(k: int, tmp_path: Path) -> None:
    planted = synthetic.profiles(k, n=900, seed=1)
    workshop, members = _workshop(planted, tmp_path)
    assert len(workshop.personas) == k
    assert adjusted_rand_score(planted.truth, members) >= 0.6
    assert workshop.settings["structure"] == "clear"
    given, right = structures.judge_names(workshop, members, planted.latent, planted.truth, structures.signatures())
    assert right == given


def test_one_undivided_population_is_not_called_clearly_clustered(tmp_path: Path) -> None:
    planted = synthetic.undivided(n=900, seed=1)
    workshop, members = _workshop(planted, tmp_path)
    assert workshop.settings["structure"] in ("weak", "none")
    assert 3 <= len(workshop.personas) <= 8
    given, right = structures.judge_names(workshop, members, planted.latent, planted.truth, structures.signatures())
    assert right == given


def test_the_generator_plants_what_it_says() -> None:
    planted = synthetic.profiles(6, n=600, seed=2)
    centers = planted.meta["centers"]
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(centers) for b in centers[i + 1:]]
    assert min(gaps) >= 0.8 * 2.5
    assert 2.0 <= float(np.median(gaps)) <= 3.2
    assert sorted(planted.truth.unique()) == list(range(6))
    assert planted.survey.columns[0] == "id" and planted.contacts["canal"].nunique() == 5
