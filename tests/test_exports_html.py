"""HTML renderer: snapshots, escaping, privacy, one-page fitting, branding."""
from __future__ import annotations

import html as htmllib
import os
import re
from pathlib import Path

import pytest
from markupsafe import escape

import exports
from exports import view
from exports.html import css_string
from exports_helpers import (CUSTOM_DIMENSIONS, HOSTILE_NAME, LONG, MIN_GROUP, REASON_HOSTILE, RESERVATION,
                             SERVICE_SCRIPT, custom_dimension_workshop, item_trait_workshop, long_text_workshop,
                             small_group_workshop, ten_persona_workshop, validated_workshop)
from workshop_data.errors import DataError

SNAPSHOTS = Path(__file__).parent / "data" / "exports"


def check_snapshot(name: str, text: str) -> None:
    """Compare with tests/data/exports/<name>; UPDATE_SNAPSHOTS=1 rewrites it instead."""
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} changed; rerun with UPDATE_SNAPSHOTS=1 if intended"


@pytest.fixture(autouse=True)
def fixed_archetype_names(monkeypatch):
    """Snapshots must not depend on the archetype library's wording, which another module owns."""
    names = {"fr": {"agile": "Agile", "poorly_informed": "Mal informé·e"},
             "en": {"agile": "Agile", "poorly_informed": "Poorly informed"}}
    monkeypatch.setattr(view, "archetype_names", lambda lang, ws=None: names[lang])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_matches_snapshot(lang):
    """The document without its stylesheet (the layout is checked on rendered pages, not here)."""
    page = exports.render_html(ten_persona_workshop(), lang=lang)
    theme = exports.load_theme()
    stylesheet = exports.html.stylesheet(theme.primary, theme.accent, theme.on_primary)
    assert stylesheet in page and "var(--" not in stylesheet
    check_snapshot(f"ten_personas.{lang}.html", page.replace(stylesheet, "/* sheet.css */\n"))


def test_rendering_is_deterministic_and_language_is_declared():
    ws = ten_persona_workshop()
    first = exports.render_html(ws)
    assert first == exports.render_html(ws)
    assert '<html lang="fr">' in first
    assert "<title>Atelier personas — Ville de Saint-Exemple</title>" in first
    assert '<html lang="en">' in exports.render_html(ws, lang="en")


def test_user_text_is_escaped_and_reads_as_typed():
    page = exports.render_html(ten_persona_workshop())
    assert "<b>" not in page and "<i>au guichet</i>" not in page
    assert "« Léa &amp; Œdipe &lt;b&gt; »" in page
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    assert HOSTILE_NAME in text


def test_no_respondent_level_data():
    ws = ten_persona_workshop()
    page = exports.render_html(ws)
    for respondent in list(ws.assignments)[:50] + [r for p in ws.personas for r in p.representatives]:
        assert respondent not in page
    assert "<script>" not in page and "Autre réponse" not in page  # quote candidates stay in the file


def test_archetype_label_falls_back_to_the_id_then_to_a_plain_wording():
    page = exports.render_html(ten_persona_workshop())
    assert "<td>needs_support</td>" in page                  # not in the (patched) library: its id
    assert "<td>Mal informé·e</td>" in page                  # in the library: its name
    assert "Profil propre à ces données" in page             # no archetype at all


def test_small_group_has_no_statistics():
    ws = small_group_workshop()
    small = ws.personas[-1]
    sheet = exports.render_html(ws, persona_id=small.id)
    assert "Effectif trop faible pour publier des statistiques" in sheet
    assert f"{small.size} répondants" not in sheet
    assert 'class="meter"' not in sheet and 'class="channels"' not in sheet
    assert f"Moins de {MIN_GROUP} répondants" in sheet
    assert small.quote and 'class="quote"' not in sheet      # a verbatim could single someone out
    overview = exports.render_html(ws).split('class="page sheet"')[0].split("overview-table")[1]
    row = overview[overview.index("Bérénice &amp; Co"):]
    row = row[: row.index("</tr>")]
    assert "effectif trop faible" in row and "%" not in row


def test_single_persona_preview():
    ws = ten_persona_workshop()
    sheet = exports.render_html(ws, persona_id="p2")
    assert sheet.count('class="page sheet"') == 1
    assert "Karim, pressé et exigeant" in sheet
    assert "overview-table" not in sheet and "Méthode et sources" not in sheet
    with pytest.raises(DataError):
        exports.render_html(ws, persona_id="nobody")


def test_whole_document_has_overview_sheets_and_method():
    page = exports.render_html(ten_persona_workshop())
    assert page.count('class="page sheet"') == 10
    assert page.count('class="page overview flow') == 1
    assert page.count('class="page method flow"') == 1 and page.count('class="page method appendix flow"') == 1
    assert "abab" not in page and "ab12ab12ab12…" in page     # hashes shortened
    assert "3\u202f%" in page and "1\u202f500" in page        # French number formatting
    assert "«\u202fJe préfère" in page and "parti.\u202f»" in page
    english = exports.render_html(ten_persona_workshop(), lang="en")
    assert "“Je préfère" in english and "Respondents" in english


@pytest.mark.parametrize("value, reading", [(0.42, "fragile"), (0.63, "à confirmer"), (0.81, "stable"),
                                            (None, "non mesurée")])
def test_stability_reading(value, reading):
    t = view.translator("fr")
    assert t(view.stability_reading(value)) == reading


def test_long_texts_are_printed_whole_at_the_smallest_type_and_flow():
    ws = long_text_workshop()
    page = exports.render_html(ws)
    sheets = _words(page[page.index('<article'):page.index('<section class="page method')])
    assert "…" not in sheets and "de plus" not in sheets
    for persona in ws.personas:
        article = _words(_article(page, persona.id))
        assert _words(escape(persona.story)).strip() in article
        assert all(_words(escape(item)).strip() in article for key in ("goals", "needs", "levers")
                   for item in getattr(persona, key))
        assert all(_words(escape(n.text)).strip() in article and n.service in article for n in persona.notes)
    for i, persona in enumerate(ws.personas):
        sheet = view.sheet_view(ws, persona, i, lang="fr", t=view.translator("fr"), names={}, fit=True)
        assert sheet["font_size"] == view.A4.tiers[-1][0] and not sheet["fits"]
    assert page.count('class="page sheet flows"') == len(ws.personas)


def test_short_texts_keep_the_normal_font():
    ws = ten_persona_workshop()
    sheet = view.sheet_view(ws, ws.personas[0], 0, lang="fr", t=view.translator("fr"), names={}, fit=True)
    assert sheet["font_size"] == view.A4.tiers[0][0] and sheet["fits"]


def test_fitting_is_arithmetic_whatever_the_text():
    """A service name longer than any line used to make the shortening loop spin (issue 20)."""
    section = view.Section("notes", "Notes", ["court"], signatures=["S" * 5000], bullet=False)
    assert view.fit_sections([section], 0.0) == (view.A4.tiers[-1][0], False)
    assert view.fit_sections([view.Section("goals", "Objectifs", ["x" * 40])], 0.0) == (view.A4.tiers[0][0], True)


def test_clamp_cuts_at_a_word_and_marks_it():
    assert view.clamp("short", 10) == "short"
    cut = view.clamp("une phrase beaucoup trop longue pour tenir", 20)
    assert cut.endswith("…") and len(cut) <= 20 and cut == "une phrase beaucoup…"


def test_css_string_cannot_break_out():
    hostile = '"; } body { display: none } /* </style><script>'
    escaped = str(css_string(hostile))
    assert escaped.startswith('"') and escaped.endswith('"')
    assert not set(escaped[1:-1]) - set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\\")
    ws = ten_persona_workshop()
    ws.title = hostile
    page = exports.render_html(ws)
    assert "<script>" not in page


def test_theme_branding(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    theme_file = tmp_path / "theme.yaml"
    theme_file.write_text('organisation: "Ville d\'Exemple"\nprimary: "#004080"\naccent: "#c33"\nlogo: logo.svg\n',
                          encoding="utf-8")
    theme = exports.load_theme(theme_file)
    assert theme.primary == "#004080" and theme.on_primary == "#ffffff"
    assert theme.logo_data_uri.startswith("data:image/svg+xml;base64,")
    page = exports.render_html(ten_persona_workshop(), theme=theme)
    assert "color: #004080" in page and "Ville d&#39;Exemple" in page and theme.logo_data_uri in page
    assert exports.load_theme(None).organisation == ""


@pytest.mark.parametrize("content, problem", [
    ("primary: red\n", "colour"),
    ("primary: '#12345g'\n", "colour"),
    ("colour: '#123456'\n", "unknown"),
    ("logo: missing.png\n", "not found"),
    ("logo: theme.yaml\n", "format"),
    ("primary: [unclosed\n", "YAML"),
    ("- a list\n", "mapping"),
])
def test_bad_theme_is_refused(tmp_path, content, problem):
    path = tmp_path / "theme.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as info:
        exports.load_theme(path)
    assert problem in str(info.value)


def test_small_counts_are_never_printed():
    ws = small_group_workshop()
    small = view.sheet_view(ws, ws.personas[-1], 9, lang="fr", t=view.translator("fr"), names={}, fit=True)
    assert all(small[key] == "" for key in view._STATISTICS)
    assert small["traits"] == [] and small["channels"] == []
    ws.personas[0].prevalence = MIN_GROUP - 1
    page = exports.render_html(ws, persona_id=ws.personas[0].id)
    assert f"Moins de {MIN_GROUP} répondants réels correspondent" in page
    assert f"{MIN_GROUP - 1} répondants réels" not in page


def test_removed_columns_give_their_reason_in_the_document_language():
    """The intake records its reasons in English; a French document names the kind in French."""
    from dataclasses import replace

    ws = ten_persona_workshop()
    ws = replace(ws, privacy={**ws.privacy, "removed_columns": [
        {"column": "courriel", "reason": "values are e-mail addresses", "kind": "email"},
        {"column": "secu", "reason": "values are social security numbers", "kind": "nir"},
        {"column": "nom_usager", "reason": "header names personal data (name)", "kind": "header"}]})
    french = view.document_view(ws, lang="fr")["privacy"]["removed"]
    assert [r["reason"] for r in french] == ["adresses électroniques", "numéros de sécurité sociale",
                                             "l'intitulé de la colonne désigne une donnée personnelle"]
    assert view.document_view(ws, lang="en")["privacy"]["removed"][0]["reason"] == "e-mail addresses"


def test_method_settings_read_as_words_not_ids():
    from dataclasses import replace

    ws = ten_persona_workshop()
    ws = replace(ws, settings={**ws.settings, "method": "default", "k_requested": "auto", "k_range": [2, 10],
                               "weights": {"traits": 1.0, "answers": 0.5, "contacts": 0.5},
                               "period_days": 364.53})
    rows = {r["label"]: r["value"] for r in view.document_view(ws, lang="fr")["settings"]}
    assert rows["Méthode"] == "Par défaut (recommandée)"
    assert rows["Nombre demandé"] == "automatique"
    assert rows["Plage essayée"] == "de 2 à 10"
    assert rows["Pondération des groupes de variables"] == "traits\u00a0: 1,00, réponses\u00a0: 0,50, contacts\u00a0: 0,50"
    assert rows["Période couverte (jours)"] == "365"
    rows = {r["label"]: r["value"] for r in view.document_view(ws, lang="en")["settings"]}
    assert rows["Range tried"] == "2 to 10" and rows["Method"] == "Default (recommended)"
    assert rows["Weights of the variable groups"] == "traits: 1.00, answers: 0.50, contacts: 0.50"


@pytest.mark.parametrize("name, expected", [
    ("À accompagner", "A"), ("Attaché·e au contact humain", "AC"), ("Éloigné·e du numérique", "ÉN"),
    ("Camille, l'autonome", "CA"), ("Mal informé·e", "MI"), ("Needs support", "NS"), ("The one of a kind", "OK"),
    ("42", "?")])
def test_portrait_initials_skip_small_words(name, expected):
    assert view.initials(name) == expected


def test_workshop_words_keep_their_language_in_a_document_of_another():
    """An English export of a French workshop: the French texts are marked so they hyphenate as French."""
    ws = ten_persona_workshop()
    assert ws.lang == "fr"
    english = exports.render_html(ws, lang="en")
    assert english.count('<div class="field" lang="fr">') >= 10
    assert '<blockquote class="quote" lang="fr">' in english
    assert 'lang="fr"' not in exports.render_html(ws, lang="fr").split("<body", 1)[1]


def test_method_page_names_trait_variables_in_words():
    from dataclasses import replace

    ws = ten_persona_workshop()
    ws = replace(ws, settings={**ws.settings, "features": ["trait:access", "trait:trust", "quartier=Nord"]})
    rows = {r["label"]: r["value"] for r in view.document_view(ws, lang="fr")["settings"]}
    assert rows["Variables"] == "3 variables : Équipement et connexion, Confiance, quartier = Nord"


def _article(page: str, persona_id: str) -> str:
    return re.search(rf'<article[^>]*id="persona-{persona_id}".*?</article>', page, flags=re.S).group(0)


def _words(page: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", page)))  # keeps no-break spaces


def test_sheet_and_method_page_say_which_services_recognise_each_persona():
    page = exports.render_html(validated_workshop())
    first = _words(_article(page, "p1"))
    assert (f"Reconnu par\u00a0: Accueil, État civil · Réserve\u00a0: Action sociale — «\u202f{RESERVATION}\u202f»"
            in first)
    second = _words(_article(page, "p2"))
    assert f"Réserve\u00a0: {SERVICE_SCRIPT} — «\u202f{REASON_HOSTILE}\u202f»" in second
    assert "<script>" not in page and 'onerror="' not in page                 # typed markup stays text
    assert 'class="services"' not in _article(page, "p3")                     # no service said anything
    method = _words(page[page.index('<section class="page method flow"'):])
    assert "Ce qu'en disent les services" in method
    assert "Profils reconnus par au moins un service de l'atelier\u00a0: 2 sur 10." in method
    assert f"Action sociale (25/11/2026) — «\u202f{RESERVATION}\u202f»" in method


def test_services_in_english_and_nothing_when_no_service_spoke():
    page = _words(exports.render_html(validated_workshop(), lang="en"))
    assert "Recognised by: Accueil, État civil · Reservation: Action sociale" in page
    assert "What the services say" in page and "Action sociale (25/11/2026)" in page
    silent = exports.render_html(ten_persona_workshop())
    assert 'class="services' not in silent and "Ce qu&#39;en disent les services" not in silent


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_custom_dimensions_get_meters_named_from_the_codebook(lang):
    ws = custom_dimension_workshop(lang)
    full = view.document_view(ws, lang=lang, fit=False)["sheets"][0]
    labels = [m["label"] for m in full["traits"]]
    assert len(labels) == 13 and labels[0] == view.translator(lang)("trait.digital_skill")   # built-in first
    assert labels[7:] == [CUSTOM_DIMENSIONS[name][lang] for name in ws.personas[0].traits if name in CUSTOM_DIMENSIONS]
    calm = CUSTOM_DIMENSIONS["serenite"][lang]
    assert full["defining"][0] == f"{calm}{view.translator(lang)('punct.colon')} {view.translator(lang)('level.low')}"
    page = exports.render_html(ws, lang=lang)
    assert f'aria-label="{escape(CUSTOM_DIMENSIONS["formulaires"][lang])}: ' in page
    assert "<b>" not in page and escape(CUSTOM_DIMENSIONS["entourage"][lang]) in page     # typed markup stays text
    assert "trait:serenite" not in page and calm in _words(page[page.index('class="settings"'):])


def test_many_traits_keep_the_sheet_to_one_page_with_a_visible_count():
    ws = custom_dimension_workshop(base=long_text_workshop())
    doc = view.document_view(ws)
    crowded = [s for s in doc["sheets"] if s["traits_more"]]
    assert crowded                                           # the long texts leave no room for thirteen meters
    for sheet in crowded:
        assert len(sheet["traits"]) + sheet["traits_more"] == 13 and len(sheet["traits"]) >= 4
        shown = {m["key"] for m in sheet["traits"]}
        persona = next(p for p in ws.personas if p.id == sheet["id"])
        kept = min(abs(persona.traits[k] - 50) for k in shown)
        assert all(abs(v - 50) <= kept for k, v in persona.traits.items() if k not in shown)   # least marked left out
    page = exports.render_html(ws)
    assert "de plus, les moins marqués" in page
    assert all(len(s["traits"]) == 13 for s in view.document_view(ws, fit=False)["sheets"][:-1])


def test_item_traits_are_named_from_their_column_label():
    sheet = view.document_view(item_trait_workshop())["sheets"][0]
    assert [m["label"] for m in sheet["traits"]] == ["Je préfère le papier", "Parler à un agent", "Q sans libelle"]
    assert sheet["defining"][:2] == ["Je préfère le papier\u00a0: élevé", "quartier=Nord"]
    english = view.document_view(item_trait_workshop(), lang="en")["sheets"][0]
    assert [m["label"] for m in english["traits"]][:2] == ["I prefer paper", "Parler à un agent"]


@pytest.mark.parametrize("lang, words", [("fr", "citation non reprise"), ("en", "quote not taken again")])
def test_what_an_edit_could_not_recompute_is_said_on_the_sheet(lang, words):
    ws = ten_persona_workshop()
    ws.personas[0].not_recomputed = ["stability", "quote"]
    sheet = exports.render_html(ws, lang=lang, persona_id=ws.personas[0].id)
    assert words in sheet and ("stabilité non recalculée" in sheet or "stability not recomputed" in sheet)
