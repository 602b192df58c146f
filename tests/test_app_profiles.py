"""Profiles page: clustering from the app with progress, then the charts and the per-k table."""
from __future__ import annotations

import pytest

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, button, built_workshop_file, fake_workshop, put_workshop, shown, small_sample,
    small_sample_dir, start,
)


@pytest.fixture
def quick_build(monkeypatch):
    """Fewer bootstrap resamples (and k=3 when the app asks for auto): these tests check the flow,
    clustering quality and speed are measured elsewhere (benchmarks/)."""
    import personas.build as build

    real = build.build_workshop
    calls = []

    def quick(survey, contacts=None, **kwargs):
        calls.append(dict(kwargs))
        if kwargs.get("k") == "auto":
            kwargs["k"] = 3
        return real(survey, contacts, **{**kwargs, "bootstrap": 4})

    monkeypatch.setattr(build, "build_workshop", quick)
    return calls


def _profiles_of_the_sample(app_home, workshop_file):
    """The profiles page with the sample survey loaded (and a workshop already open)."""
    put_workshop(app_home, workshop_file)
    at = start("data")
    button(at, "Utiliser l'exemple").click().run()
    return at.switch_page("app_pages/profiles.py").run()


def test_first_open_clusters_the_sample_and_saves_it(app_home, small_sample, quick_build):
    at = start("profiles")
    assert_clean(at)
    saved = app_home / "workshops" / "exemple.yaml"
    assert saved.is_file()
    ws = at.session_state["app"].workshop
    assert ws is not None and 2 <= len(ws.personas) <= 10
    assert (app_home / "last-workshop.txt").read_text(encoding="utf-8").strip() == str(saved.resolve())
    assert "Synthèse" in shown(at)
    assert quick_build[0]["k"] == "auto" and callable(quick_build[0]["progress"])


def test_cluster_with_chosen_k_shows_charts(app_home, small_sample, built_workshop_file, quick_build):
    at = _profiles_of_the_sample(app_home, built_workshop_file)
    at.selectbox(key="w_k").set_value(3)
    button(at, "Lancer le regroupement").click().run()
    assert_clean(at)
    ws = at.session_state["app"].workshop
    assert len(ws.personas) == 3
    assert "Regroupement terminé : 3 profils" in shown(at)
    assert at.session_state["app"].workshop_path.startswith(str(app_home / "workshops"))
    charts = at.get("plotly_chart")
    assert len(charts) >= 5, len(charts)
    names = [p.name for p in ws.personas]
    assert names[0] in at.dataframe[0].value.iloc[:, 0].tolist()


def test_profiles_page_without_source_data_says_so(app_home, small_sample):
    put_workshop(app_home, fake_workshop())
    at = start("profiles")
    assert_clean(at)
    assert "La carte demande l'enquête d'origine" in shown(at)


def test_a_workshop_without_a_contact_log_shows_no_contact_figures_as_if_measured(app_home, small_sample):
    ws = fake_workshop()
    ws.sources = [s for s in ws.sources if s.get("role") != "contacts"]
    put_workshop(app_home, ws)
    at = start("profiles")
    assert_clean(at)
    columns = list(at.dataframe[0].value.columns)
    assert "Contacts par pers." not in columns and "Évitables" not in columns
    assert "Aucun journal des contacts pour cet atelier" in shown(at)
    with_log = fake_workshop()
    with_log.sources = [*with_log.sources, {"role": "contacts", "file": "contacts.csv", "sha256": "0" * 64}]
    put_workshop(app_home, with_log)
    again = start("profiles")
    assert "Contacts par pers." in list(again.dataframe[0].value.columns)


def test_percentages_follow_the_language():
    from app_pages import percent

    assert percent(27.94, 1, lang="en") == "27.9%"
    assert percent(27.94, 1, lang="fr") == "27,9\u202f%"
    assert percent(None, 0, lang="fr") == "—"


def test_map_coordinates_keep_everyone_and_separate_groups():
    import numpy as np
    import pandas as pd

    from app_pages.charts import pca_coordinates

    rng = np.random.default_rng(0)
    values = np.vstack([rng.normal(0, 0.3, (30, 4)), rng.normal(3, 0.3, (30, 4))])
    frame = pd.DataFrame(values, columns=list("abcd"), index=[f"R{i}" for i in range(60)])
    frame.iloc[::5, 1] = np.nan  # skipped answers take the median: nobody leaves the map
    frame["empty"] = np.nan
    coords = pca_coordinates(frame)
    assert list(coords.index) == list(frame.index) and not coords.isna().any().any()
    first, second = coords["pc1"].iloc[:30], coords["pc1"].iloc[30:]
    assert first.max() < second.min() or second.max() < first.min()
    assert (pca_coordinates(frame[[]]) == 0).all().all()


def test_a_workgroup_s_own_typology_is_chosen_checked_and_used(app_home, small_sample, built_workshop_file,
                                                                  quick_build):
    from pathlib import Path

    from app_helpers import widget

    at = _profiles_of_the_sample(app_home, built_workshop_file)
    at.radio(key="w_typology").set_value("file").run()
    assert at.button(key="w_run").disabled                     # no file yet: nothing to run
    uploader = widget(at, "file_uploader", "Votre typologie (fichier YAML)")
    uploader.set_value(("notre.yaml", b"archetypes:\n  - id: a\n    name: A\n    signature: {traits: {trust: x}}\n",
                        "application/x-yaml")).run()
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors and "clé de typologie « archetypes[0].signature.traits.trust » : doit être un nombre" in errors[0]
    assert "notre.yaml :" in errors[0] and "/tmp" not in errors[0] and at.button(key="w_run").disabled
    metropole = Path(__file__).resolve().parents[1] / "personas" / "typologies" / "exemple_metropole.yaml"
    widget(at, "file_uploader", "Votre typologie (fichier YAML)").set_value(
        ("metropole.yaml", metropole.read_bytes(), "application/x-yaml")).run()
    assert not at.error and "quatre profils" in shown(at)
    at.selectbox(key="w_k").set_value(3)
    button(at, "Lancer le regroupement").click().run()
    assert_clean(at)
    assert quick_build[-1]["typology"].id == "exemple_metropole"
    record = at.session_state["app"].workshop.settings["typology"]
    assert record["id"] == "exemple_metropole" and record["source"] == "metropole.yaml"


def test_the_built_in_typology_is_the_default_choice(app_home, small_sample, built_workshop_file, quick_build):
    at = _profiles_of_the_sample(app_home, built_workshop_file)
    assert at.radio(key="w_typology").value == "builtin" and not at.get("file_uploader")
    at.selectbox(key="w_k").set_value(3)
    button(at, "Lancer le regroupement").click().run()
    assert "typology" not in quick_build[-1]
    assert at.session_state["app"].workshop.settings["typology"]["source"] == "builtin"


def test_trait_heatmap_names_custom_dimensions_in_words():
    from types import SimpleNamespace

    from app_pages.charts import trait_heatmap

    personas = [SimpleNamespace(id="P1", name="Un", traits={"trust": 70.0, "sans_papier": 20.0}),
                SimpleNamespace(id="P2", name="Deux", traits={"trust": 30.0, "sans_papier": 80.0})]
    figure = trait_heatmap(personas, {"trust": "Confiance", "sans_papier": "Démarches sans papiers",
                                      "access": "Équipement"}, lambda key, **kw: key)
    assert list(figure.data[0].y) == ["Confiance", "Démarches sans papiers"]


def test_what_sets_each_profile_apart_is_said_in_words(app_home, small_sample):
    ws = fake_workshop()
    separation = {"nearest": "P2", "features": [
        {"feature": "trait.awareness", "kind": "trait", "label": {"fr": "Connaissance de l'offre", "en": "Awareness"},
         "value": 81.0, "other": 37.0, "effect": 1.9, "share": 0.6},
        {"feature": "share_phone", "kind": "contact", "label": {"fr": "Part des contacts par téléphone", "en": "Phone"},
         "value": 0.12, "other": 0.55, "effect": 0.9, "share": 0.2}]}
    ws.personas[0].separation = separation
    put_workshop(app_home, ws)
    at = start("profiles")
    assert_clean(at)
    text = shown(at)
    assert f"**{ws.personas[0].name}** plutôt que **{ws.personas[1].name}**" in text
    assert "Connaissance de l'offre\u00a0: 81/100 contre 37/100" in text and "Part des contacts par téléphone\u00a0: 12\u202f% contre 55\u202f%" in text


def test_the_personas_language_defaults_to_the_survey_s(app_home, small_sample, tmp_path):
    """Issue 18: an English questionnaire gives English personas unless someone asks otherwise,
    whatever the screen's language; a French one, French."""
    import pandas as pd

    from app_pages import state

    at = start("profiles")
    assert at.radio(key="w_ws_lang").value == "fr"          # the bundled sample is French
    english = tmp_path / "survey_en.csv"
    pd.DataFrame({
        "respondent": range(1, 41),
        "How easy is it for you to use online services?": ["Very easy", "Easy", "Difficult", "Very difficult"] * 10,
        "Do you trust the city with your personal data?": ["Strongly agree", "Agree", "Disagree", "Strongly disagree"] * 10,
        "How often do you use the internet?": ["Every day", "Every week", "Rarely", "Never"] * 10,
    }).to_csv(english, index=False)
    session = at.session_state[state.STATE_KEY]
    session.survey_path, session.codebook = str(english), None
    at.run()
    assert_clean(at)
    assert at.radio(key="w_ws_lang").value == "en"
    assert "L'enquête est rédigée en anglais" in shown(at)
