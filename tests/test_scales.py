"""Answer scales recognised by the draft codebook: intensity and quality scales in French and
English come back as Likert items with their levels in order; answer lists that are not scales
(channels, districts, yes/no) never do."""
from __future__ import annotations

import random

import pandas as pd
import pytest

from workshop_data.infer import infer_column
from workshop_data.scales import fold_label, match_scale

SCALES = {
    "intensity_fr_5": ["Pas du tout", "Un peu", "Assez", "Beaucoup", "Tout à fait"],
    "intensity_fr_4": ["Pas du tout", "Plutôt pas", "Plutôt", "Tout à fait"],
    "intensity_fr_4_oui_non": ["Pas du tout", "Plutôt non", "Plutôt oui", "Tout à fait"],
    "intensity_fr_4_beaucoup": ["Pas du tout", "Un peu", "Assez", "Beaucoup"],
    "quality_fr_6": ["Très mauvais", "Mauvais", "Moyen", "Bon", "Très bon", "Excellent"],
    "quality_fr_5": ["Très mauvaise", "Médiocre", "Passable", "Satisfaisante", "Très bonne"],
    "quality_fr_graded": ["Mauvais", "Médiocre", "Moyen", "Bon", "Excellent"],
    "quality_fr_4": ["Très insatisfaisant", "Insatisfaisant", "Satisfaisant", "Très satisfaisant"],
    "intensity_en_5": ["Not at all", "A little", "Somewhat", "Very much", "Completely"],
    "intensity_en_5_quite": ["Not at all", "A little bit", "Somewhat", "Quite a bit", "Very much"],
    "intensity_en_4": ["Not at all", "Not very much", "Quite a lot", "A great deal"],
    "quality_en_6": ["Very poor", "Poor", "Fair", "Good", "Very good", "Excellent"],
    "quality_en_5": ["Poor", "Fair", "Good", "Very good", "Excellent"],
}


def _answers(levels: list[str], n: int = 120, seed: int = 0, extra: tuple[str, ...] = ()) -> pd.Series:
    """Answers as an export holds them: every level used, shuffled, a few skipped or "don't know"."""
    rng = random.Random(seed)
    values = [rng.choice(levels) for _ in range(n - len(levels) - len(extra))] + list(levels) + list(extra)
    rng.shuffle(values)
    return pd.Series(values, dtype="string")


@pytest.mark.parametrize("name", sorted(SCALES))
def test_new_scales_drafted_as_likert_in_order(name: str) -> None:
    levels = SCALES[name]
    spec = infer_column("Q12", _answers(levels, extra=("Ne sait pas", "Don't know")))
    assert spec.type == "likert"
    assert [fold_label(v) for v in spec.levels] == [fold_label(v) for v in levels]


@pytest.mark.parametrize("name", ["intensity_fr_5", "quality_fr_6", "intensity_en_5", "quality_en_6"])
def test_scale_found_whatever_the_case_and_code_prefix(name: str) -> None:
    levels = SCALES[name]
    coded = [f"{i} - {level.upper()}" for i, level in enumerate(levels, start=1)]
    matched = match_scale(coded)
    assert matched is not None
    _, positions = matched
    assert [positions[fold_label(v)] for v in coded] == sorted(positions.values())


def test_a_skewed_sample_keeps_the_order_of_what_it_holds() -> None:
    spec = infer_column("Q3", _answers(["Poor", "Good", "Excellent"]))
    assert spec.type == "likert"
    order = [fold_label(v) for v in spec.levels]
    assert order.index("poor") < order.index("good") < order.index("excellent")


@pytest.mark.parametrize("values", [
    ["Téléphone", "Guichet", "Courriel", "Site internet"],
    ["Nord", "Sud", "Centre", "Est"],
    ["Oui", "Non"],
    ["Yes", "No", "Don't know"],
    ["Homme", "Femme", "Autre"],
    ["Bus", "Voiture", "Vélo", "À pied"],
    ["Phone", "Counter", "Email", "Website"],
    ["Jamais", "Bon", "Beaucoup"],  # words of three different scales: no one scale orders them
])
def test_answer_lists_that_are_not_scales_stay_categories(values: list[str]) -> None:
    assert match_scale(values) is None
    spec = infer_column("Canal préféré", _answers(values))
    assert spec.type in ("categorical", "boolean")
    assert spec.levels is None
