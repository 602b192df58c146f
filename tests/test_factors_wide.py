"""Dimensions proposed for a very wide survey (issue 20): beyond SIMULATED_ITEMS items parallel
analysis takes its closed form on the leading eigenvalues, and the loadings are computed on the
items the factors share; both must say what the simulated, exact analysis says. (Its speed is
measured by benchmarks/wide_codebook.py.)"""
from __future__ import annotations

import numpy as np
import pytest

from workshop_data import factors


def _survey(n: int, items: int, traits: int, per_trait: int = 5, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n, traits))
    latent = rng.standard_normal((n, items))
    for trait in range(traits):
        block = slice(trait * per_trait, (trait + 1) * per_trait)
        latent[:, block] = 0.75 * common[:, [trait]] + 0.65 * latent[:, block]
    return np.clip(np.round(latent + 3), 1, 5)


def test_leading_eigen_are_the_exact_leading_eigenvalues() -> None:
    z = factors.standardised(_survey(400, 120, 3))
    exact = np.sort(np.linalg.eigvalsh(np.corrcoef(z, rowvar=False)))[::-1][:8]
    values, vectors = factors.leading_eigen(z, 8)
    assert np.allclose(values, exact, atol=1e-6)
    assert vectors.shape == (120, 8)


@pytest.mark.parametrize("n", [3000, 800])
@pytest.mark.parametrize("traits", [0, 1, 4, 7])
def test_the_closed_form_counts_the_planted_factors(traits: int, n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """At most one more than planted (a factor with no item loading 0.4 gives no scale), and never
    more than simulated parallel analysis, which compares the noise the factors left with random
    eigenvalues of the same rank and counts noise (Green et al., 2012): the closed form removes the
    variance the factors took first."""
    z = factors.standardised(_survey(n, 320, traits, seed=traits))
    closed = factors.parallel_analysis_factors(z)
    monkeypatch.setattr(factors, "SIMULATED_ITEMS", 10_000)
    simulated = factors.parallel_analysis_factors(z, iterations=20)
    assert traits <= closed <= traits + 1 and closed <= simulated


def test_a_wide_survey_gets_its_planted_scales_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    values = _survey(600, 700, 5)
    scales = factors.item_scales(values)
    found = sorted(sorted(scale.items) for scale in scales)
    assert found == [list(range(t * 5, (t + 1) * 5)) for t in range(5)]
    assert all(scale.alpha > 0.6 for scale in scales)
    assert factors.item_scales(values) == scales  # the same survey, the same proposal


def test_noise_alone_proposes_no_scale_however_wide() -> None:
    assert factors.item_scales(_survey(500, 900, 0, seed=3)) == []
