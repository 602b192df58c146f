"""Columns computed from others (a sum of items, a number in another unit, a recoded copy) describe
the personas and are not clustered (issue 18); finding them stays fast on the widest surveys."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

from workshop_data.roles import derived_scores


def _items(n: int = 400, k: int = 6, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.standard_normal(n)
    return pd.DataFrame({f"q{i}": np.clip(np.round(trait + rng.standard_normal(n) + 3), 1, 5) for i in range(k)})


def test_a_sum_score_a_unit_and_a_recoded_copy_are_found_and_the_items_are_not():
    frame = _items()
    rng = np.random.default_rng(1)
    frame["score"] = frame[[f"q{i}" for i in range(4)]].sum(axis=1)
    frame["population"] = rng.integers(100, 100_000, len(frame)).astype(float)
    frame["log_population"] = np.log(frame["population"])
    frame["q5_reversed"] = 6 - frame["q5"]
    frame.loc[::7, "q2"] = np.nan  # a score of the answered items: skipped ones count as the mean
    found = derived_scores(frame)
    assert found["score"][0] == "score" and set(found["score"][1]) == {"q0", "q1", "q2", "q3"}
    assert found["log_population"] == ("unit", ["population"])
    assert found["q5_reversed"] == ("unit", ["q5"])
    assert not {f"q{i}" for i in range(6)} & set(found)


def test_independent_measures_are_not_derived():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"age": rng.integers(18, 90, 300).astype(float),
                          "income": rng.normal(2000, 500, 300).round(), "contacts": rng.poisson(3, 300).astype(float)})
    assert derived_scores(pd.concat([frame, _items(300)], axis=1)) == {}


def test_a_wide_survey_is_searched_in_bounded_work():
    """The old search compared every pair of columns with a rank test: 200 columns took 25 s, and
    5,000 would have taken hours. The bound is loose (CI machines vary); benchmarks/wide_codebook.py
    times 5,000 columns."""
    rng = np.random.default_rng(3)
    wide = pd.DataFrame(np.clip(np.round(rng.standard_normal((1000, 600)) + 3), 1, 5),
                        columns=[f"q{i:04d}" for i in range(600)])
    wide["age"] = rng.integers(18, 90, 1000).astype(float)
    start = time.perf_counter()
    assert derived_scores(wide) == {}
    assert time.perf_counter() - start < 30
