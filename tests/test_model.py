from __future__ import annotations

from personas_helpers import make_workshop

from personas.model import Workshop, invariant_problems


def test_make_workshop_satisfies_the_invariant():
    ws = make_workshop(n_personas=5, n_respondents=80, seed=3)
    assert invariant_problems(ws) == []
    assert len(ws.personas) == 5
    assert sum(p.size for p in ws.personas) == 80 == len(ws.assignments)
    assert abs(sum(p.share for p in ws.personas) - 1.0) < 1e-9


def test_make_workshop_is_deterministic():
    assert make_workshop(seed=1) == make_workshop(seed=1)
    assert make_workshop(seed=1) != make_workshop(seed=2)


def test_to_dict_from_dict_round_trip():
    ws = make_workshop()
    assert Workshop.from_dict(ws.to_dict()) == ws
    assert list(ws.to_dict())[0] == "schema_version"


def test_invariant_problems_names_what_is_wrong():
    ws = make_workshop()
    ws.personas[0].size += 1
    ws.assignments["R0001"] = "P9"
    problems = " | ".join(invariant_problems(ws))
    assert "P9" in problems
    assert f"persona {ws.personas[0].id} has size" in problems
