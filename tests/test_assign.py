from __future__ import annotations


import pytest
from personas_helpers import OTHER_SHARES, built_demo, demo_wave

from personas import operations as op
from personas.assign import assign_wave
from personas.model import invariant_problems
from personas.store import dump_workshop, parse_workshop
from workshop_data.errors import DataError


@pytest.fixture(scope="module")
def waves(tmp_path_factory: pytest.TempPathFactory) -> dict:
    first = built_demo()
    second = demo_wave(tmp_path_factory.mktemp("wave2"), n=600, seed=7, shares=OTHER_SHARES)
    new, report = assign_wave(first["workshop"], second["inputs"].survey, second["inputs"].contacts)
    return {"first": first, "second": second, "new": new, "report": report}


def true_shares(wave: dict) -> dict[str, float]:
    """Weighted share of each planted profile in a wave (persona shares are weighted too)."""
    weights = wave["inputs"].survey.weights
    truth = wave["truth"].set_index("respondent_id")["profile"].reindex(weights.index)
    return (weights.groupby(truth.to_numpy()).sum() / weights.sum()).to_dict()


def test_new_wave_shares_are_within_3_points_of_the_truth(waves):
    truth = true_shares(waves["second"])
    by_id = {p.id: p for p in waves["new"].personas}
    matched = [row for row in waves["report"] if by_id[row["persona_id"]].archetype]
    assert len(matched) >= 5
    errors = {row["persona_id"]: abs(row["new_share"] - truth[by_id[row["persona_id"]].archetype]) * 100
              for row in matched}
    assert max(errors.values()) <= 3.0, errors


def test_report_says_how_each_share_moved(waves):
    old = {p.id: p.share for p in waves["first"]["workshop"].personas}
    for row in waves["report"]:
        assert row["old_share"] == pytest.approx(old[row["persona_id"]])
        assert row["delta_points"] == pytest.approx((row["new_share"] - row["old_share"]) * 100, abs=0.01)
        assert row["name"]
    assert sum(row["new_share"] for row in waves["report"]) == pytest.approx(1.0)


def test_new_workshop_describes_the_new_wave(waves):
    new, first = waves["new"], waves["first"]["workshop"]
    survey = waves["second"]["inputs"].survey
    assert invariant_problems(new) == []
    assert set(new.assignments) == set(map(str, survey.data.index))
    assert [p.id for p in new.personas] == [p.id for p in first.personas]
    assert [p.name for p in new.personas] == [p.name for p in first.personas]
    assert [p.centroid for p in new.personas] == [p.centroid for p in first.personas]
    assert new.history == [] and new.redo == []
    assert new.sources[0]["sha256"] != first.sources[0]["sha256"]
    assert new.settings["assigned_from"]["shares"] == {p.id: p.share for p in first.personas}
    assert parse_workshop(dump_workshop(new)) == new


def test_assign_follows_edited_personas(waves):
    merged = op.merge(waves["first"]["workshop"], "P1", "P2")
    inputs = waves["second"]["inputs"]
    new, report = assign_wave(merged, inputs.survey, inputs.contacts)
    assert set(new.assignments.values()) <= {p.id for p in merged.personas}
    assert [row["persona_id"] for row in report] == [p.id for p in merged.personas]
    assert invariant_problems(new) == []


def test_assign_needs_the_contact_log_when_the_workshop_had_one(waves):
    with pytest.raises(DataError, match="contact log"):
        assign_wave(waves["first"]["workshop"], waves["second"]["inputs"].survey, None)


def test_assigning_the_first_wave_again_keeps_every_share(waves):
    first = waves["first"]
    new, report = assign_wave(first["workshop"], first["inputs"].survey, first["inputs"].contacts)
    assert new.assignments == first["workshop"].assignments
    assert all(row["delta_points"] == pytest.approx(0.0, abs=1e-9) for row in report)


def test_new_wave_brings_its_own_quote_candidates(waves):
    survey = waves["second"]["inputs"].survey
    texts = set()
    for column in [c.name for c in survey.codebook.of_type("text")]:
        texts.update(" ".join(v.split()) for v in survey.data[column].dropna())
    for old, new in zip(waves["first"]["workshop"].personas, waves["new"].personas):
        assert new.quote == old.quote
        if new.size:
            assert new.quote_candidates[0] in texts


def test_new_wave_drafts_quote_the_new_wave_figures(waves):
    """Drafted stories and levers quote shares and volumes: they follow the new wave's numbers."""
    from personas.archetypes import load_archetypes
    from personas.narrative import draft_narrative

    library = {a.id: a for a in load_archetypes()}
    new, first = waves["new"], waves["first"]["workshop"]
    for p in new.personas:
        draft = draft_narrative(p, library.get(p.archetype or ""), new.lang, figures=p.size >= new.min_group_size)
        assert (p.story, p.levers) == (draft["story"], draft["levers"]), p.id
    assert [p.story for p in new.personas] != [p.story for p in first.personas]
