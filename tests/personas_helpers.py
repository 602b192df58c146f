"""Test helpers for the workshop model: a small, valid Workshop built without any clustering.

Other test files may import :func:`make_workshop` (``from personas_helpers import make_workshop``);
it is deterministic for a given seed and satisfies the workshop invariant (every respondent in
exactly one persona, sizes equal assignment counts).
"""
from __future__ import annotations

import numpy as np

from personas.model import Note, Persona, Workshop
from workshop_data.codebook import CHANNELS, DIMENSIONS

ARCHETYPES = (
    ("agile", "Agile"),
    ("poorly_informed", "Mal informé·e"),
    ("distrustful", "Méfiant·e"),
    ("needs_support", "À accompagner"),
    ("disconnected", "Éloigné·e du numérique"),
    ("human_contact", "Attaché·e au contact humain"),
)
QUOTES = (
    "Je préfère appeler, au moins quelqu'un me répond.",
    "Je ne savais pas que c'était possible en ligne !",
    "Le site me demande toujours des papiers que je n'ai pas.",
    "Ma fille m'aide pour les démarches sur internet.",
    "Je fais tout sur mon téléphone, c'est plus rapide.",
)
STAMP = "2026-01-05T09:30:00Z"


def _sizes(rng: np.random.Generator, n: int, k: int) -> list[int]:
    raw = rng.dirichlet(np.full(k, 2.0)) * (n - k)
    sizes = np.floor(raw).astype(int) + 1
    sizes[int(np.argmax(raw))] += n - int(sizes.sum())
    return [int(s) for s in sizes]


def _r(value: float, digits: int = 3) -> float:
    return float(round(float(value), digits))


def make_persona(pid: str, index: int, members: list[str], n_total: int, rng: np.random.Generator) -> Persona:
    archetype, name = ARCHETYPES[index % len(ARCHETYPES)]
    if index >= len(ARCHETYPES):
        name = f"{name} {index // len(ARCHETYPES) + 1}"
    mix = rng.dirichlet(np.ones(len(CHANNELS)))
    traits = {d: _r(rng.uniform(5, 95), 1) for d in DIMENSIONS}
    low = min(traits, key=traits.get)
    high = max(traits, key=traits.get)
    size = len(members)
    contacts = _r(rng.uniform(0.5, 8.0), 2)
    avoidable = _r(rng.uniform(0.05, 0.7))
    return Persona(
        id=pid,
        name=name,
        archetype=archetype,
        archetype_fit=_r(rng.uniform(0.5, 0.95)),
        size=size,
        share=size / n_total,
        stability=_r(rng.uniform(0.5, 0.95)),
        traits=traits,
        channel_mix={c: _r(v) for c, v in zip(CHANNELS, mix)},
        contacts_per_person=contacts,
        digital_share=_r(mix[2] + mix[3] + mix[5]),
        avoidable_share=avoidable,
        avoidable_per_year=_r(contacts * avoidable * size, 1),
        repeat_rate=_r(rng.uniform(0.0, 0.4)),
        distinguishing=[
            {"feature": f"trait:{high}", "label": {"fr": high, "en": high},
             "value": traits[high], "overall": 50.0, "effect": _r((traits[high] - 50) / 20)},
            {"feature": f"trait:{low}", "label": {"fr": low, "en": low},
             "value": traits[low], "overall": 50.0, "effect": _r((traits[low] - 50) / 20)},
        ],
        defining_traits=[f"{high}:high", f"{low}:low"],
        prevalence=max(1, size // 2),
        prevalence_share=_r(max(1, size // 2) / size),
        representatives=members[:3],
        centroid=[_r(v) for v in rng.normal(size=5)],
        quote=QUOTES[index % len(QUOTES)],
        quote_candidates=[QUOTES[(index + j) % len(QUOTES)] for j in range(3)],
        story=f"{name} utilise les services de la ville à sa manière.",
        goals=["Faire ses démarches sans perdre de temps"],
        frustrations=["Attendre au téléphone"],
        needs=["Une information claire"],
        levers=["Envoyer le lien par SMS après un appel"],
        notes=[Note(id="N1", service="Accueil", text="On les voit souvent au guichet.", created=STAMP)]
        if index == 0 else [],
        validated=False,
    )


def make_workshop(n_personas: int = 4, n_respondents: int = 60, seed: int = 0) -> Workshop:
    """A valid workshop with plausible statistics, no clustering needed."""
    if not 1 <= n_personas <= n_respondents:
        raise ValueError("need 1 <= n_personas <= n_respondents")
    rng = np.random.default_rng(seed)
    ids = [f"R{i:04d}" for i in range(1, n_respondents + 1)]
    order = [ids[i] for i in rng.permutation(n_respondents)]
    sizes = _sizes(rng, n_respondents, n_personas)
    personas: list[Persona] = []
    assignments: dict[str, str] = {}
    start = 0
    for index, size in enumerate(sizes):
        pid = f"P{index + 1}"
        members = sorted(order[start:start + size])
        start += size
        for rid in members:
            assignments[rid] = pid
        personas.append(make_persona(pid, index, members, n_respondents, rng))
    assignments = dict(sorted(assignments.items()))
    return Workshop(
        title="Atelier personas — test",
        personas=personas,
        assignments=assignments,
        lang="fr",
        created=STAMP,
        updated=STAMP,
        revision=0,
        sources=[{"role": "survey", "name": "survey.csv", "sha256": "0" * 64, "rows": n_respondents}],
        codebook={"respondent_id": "id", "columns": {"q1": {"type": "likert", "scale": [1, 5],
                                                            "dimension": "awareness"}}},
        settings={"method": "default", "k": n_personas, "seed": seed, "bootstrap": 0, "min_size": 1},
        k_table=[{"k": n_personas, "validity": 0.5, "stability": 0.8, "archetypes": n_personas,
                  "recommended": True}],
        model={},
        privacy={"removed_columns": [{"column": "courriel", "reason": "email"}], "scrubbed": {"email": 2}},
        min_group_size=1,
    )


def make_features(ws: Workshop, seed: int = 0, *, noise: float = 8.0):
    """A clustering FeatureMatrix for the workshop's respondents, drawn around each persona's traits.

    Lets merge/split/move tests run without a survey: trait scores and contact counts are planted
    per persona, X is the standardised trait scores.
    """
    import pandas as pd

    from clustering.encoding import FeatureMatrix

    rng = np.random.default_rng(seed)
    ids = sorted(ws.assignments)
    by_id = {p.id: p for p in ws.personas}
    scores = np.array([[by_id[ws.assignments[r]].traits[d] for d in DIMENSIONS] for r in ids])
    scores = np.clip(scores + rng.normal(0, noise, scores.shape), 0, 100)
    index = pd.Index(ids, name="respondent_id")
    traits = pd.DataFrame(scores, index=index, columns=list(DIMENSIONS))
    X = (scores - scores.mean(axis=0)) / (scores.std(axis=0) + 1e-9)
    columns = [f"trait:{d}" for d in DIMENSIONS]
    raw = pd.DataFrame(scores, index=index, columns=columns)
    counts = {}
    for channel in CHANNELS:
        lam = np.array([by_id[ws.assignments[r]].channel_mix.get(channel, 0.0) * 4 for r in ids])
        counts[f"contacts_{channel}"] = rng.poisson(lam).astype(float)
    contacts = pd.DataFrame(counts, index=index)
    contacts["contacts_total"] = contacts.sum(axis=1)
    contacts["avoidable_contacts"] = np.floor(contacts["contacts_total"] * rng.uniform(0, 0.8, len(ids)))
    contacts["repeat_contacts"] = np.floor(contacts["contacts_total"] * rng.uniform(0, 0.3, len(ids)))
    return FeatureMatrix(
        X=X, columns=columns, groups={c: "traits" for c in columns}, respondent_ids=index,
        sample_weight=np.ones(len(ids)), trait_scores=traits, contacts=contacts,
        labels={c: {"fr": c, "en": c} for c in columns}, state={}, raw=raw,
        items=pd.DataFrame(index=index),
    )


OTHER_SHARES = {"agile": 0.10, "poorly_informed": 0.30, "distrustful": 0.10, "needs_support": 0.25,
                "disconnected": 0.05, "human_contact": 0.20}
_DEMO_CACHE: dict[tuple, dict] = {}


def demo_wave(folder, n: int = 600, seed: int = 0, shares: dict[str, float] | None = None) -> dict:
    """A generated demo wave written to ``folder``: paths, the truth table and the loaded inputs."""
    from pathlib import Path

    from workshop_data.intake import load_inputs
    from workshop_data.sample import generate_demo, write_demo

    demo = generate_demo(n, seed=seed, shares=shares)
    paths = write_demo(demo, Path(folder))
    inputs = load_inputs(paths["survey"], paths["codebook"], paths["contacts"])
    return {"paths": paths, "truth": demo.truth, "inputs": inputs}


def built_demo(n: int = 600, seed: int = 0) -> dict:
    """A demo wave and the workshop built on it (k=6, no bootstrap), cached for the test session.

    Returned objects are shared: tests must not mutate them (operations return new workshops).
    """
    import atexit
    import shutil
    import tempfile

    from personas.build import build_workshop

    key = (n, seed)
    if key not in _DEMO_CACHE:
        folder = tempfile.mkdtemp(prefix="personas-demo-")
        atexit.register(shutil.rmtree, folder, True)
        wave = demo_wave(folder, n=n, seed=seed)
        inputs = wave["inputs"]
        wave["workshop"] = build_workshop(inputs.survey, inputs.contacts, k=6, seed=0, bootstrap=0, lang="fr")
        wave["folder"] = folder
        _DEMO_CACHE[key] = wave
    return _DEMO_CACHE[key]
