"""The PowerPoint deck: opened back with python-pptx, as PowerPoint would read it."""
from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.util import Emu

import exports
from exports import view
from cli import main
from exports_helpers import (CUSTOM_DIMENSIONS, HOSTILE_NAME, MIN_GROUP, RESERVATION, SERVICE_SCRIPT,
                             custom_dimension_workshop, long_text_workshop, small_group_workshop,
                             ten_persona_workshop, validated_workshop)


def _deck(ws, **kwargs):
    return Presentation(io.BytesIO(exports.render_pptx(ws, **kwargs)))


def _texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


@pytest.fixture(scope="module")
def deck():
    return small_group_workshop(), _deck(small_group_workshop())


def test_title_overview_one_slide_per_persona_and_method(deck):
    ws, prs = deck
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert len(titles) == len(ws.personas) + 3
    assert titles[1] == "Vue d'ensemble" and titles[-1] == "Méthode et sources"
    assert titles[2:-1] == [p.name for p in ws.personas]        # verbatim, hostile characters included
    assert HOSTILE_NAME in titles
    assert Emu(prs.slide_width).inches == pytest.approx(13.333, abs=0.01)


def test_overview_has_a_native_chart_with_alt_text(deck):
    _, prs = deck
    charts = [s for s in prs.slides[1].shapes if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert len(chart.plots[0].categories) == 9                  # the small group has no bar
    alt = charts[0]._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert alt.startswith("Diagramme") and HOSTILE_NAME in alt
    assert any(s.has_table for s in prs.slides[1].shapes)


def test_persona_slide_content_and_evidence_in_notes(deck):
    ws, prs = deck
    slide = prs.slides[3]                                       # the second persona
    persona = ws.personas[1]
    text = _texts(slide)
    for expected in ("Archétype", "Mal informé·e", "BESOINS", "LEVIERS DE COMMUNICATION", "CANAUX DE CONTACT",
                     persona.needs[0], persona.levers[0], "Je préfère qu'on m'explique"):
        assert expected in text
    notes = slide.notes_slide.notes_text_frame.text
    assert "SUR QUOI REPOSE CE PROFIL" in notes and f"{persona.size} répondants" in notes
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert pictures and all(p._element.xpath("./*[1]/p:cNvPr")[0].get("descr") for p in pictures)


def test_small_group_slide_withholds_figures(deck):
    ws, prs = deck
    slide = prs.slides[2 + len(ws.personas) - 1]
    text = _texts(slide)
    assert "Effectif trop faible" in text and f"Moins de {MIN_GROUP}" in text
    assert "%" not in text and str(ws.personas[-1].size) not in text
    assert "%" not in slide.notes_slide.notes_text_frame.text


def test_english_deck_and_own_title():
    prs = _deck(ten_persona_workshop(), lang="en", title="Front desk 2027")
    assert prs.slides[0].shapes.title.text == "Front desk 2027"
    assert prs.slides[1].shapes.title.text == "Overview" and prs.core_properties.language == "en-GB"


def test_cli_writes_the_deck(tmp_path):
    from personas.store import save_workshop

    path = tmp_path / "w.yaml"
    save_workshop(ten_persona_workshop(), path)
    with pytest.raises(SystemExit) as done:
        main(["export", str(path), "--format", "pptx", "--out", str(tmp_path / "deck.pptx")])
    assert done.value.code == 0
    prs = Presentation(str(tmp_path / "deck.pptx"))
    assert len(prs.slides) == 13


def test_cli_png_pages_on_a3_with_a_title(tmp_path, capsys):
    from PIL import Image

    from personas.store import save_workshop

    ws = ten_persona_workshop()
    ws.personas, ws.assignments = ws.personas[:1], {r: p for r, p in ws.assignments.items() if p == "p1"}
    path = tmp_path / "w.yaml"
    save_workshop(ws, path)
    with pytest.raises(SystemExit) as done:
        main(["export", str(path), "--format", "png", "--paper", "a3", "--title", "Affiches",
              "--out", str(tmp_path / "poster.png")])
    assert done.value.code == 0
    written = capsys.readouterr().out.split()
    assert [p.rsplit("/", 1)[-1] for p in written] == ["poster-01.png", "poster-02.png", "poster-03.png", "poster-04.png"]
    with Image.open(written[1]) as image:
        assert image.width == pytest.approx(841.9 / 72 * 110, abs=2)      # A3 at 110 dpi


def test_theme_colours_and_logo_on_the_deck(tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 20), "navy").save(tmp_path / "logo.png")
    (tmp_path / "theme.yaml").write_text('organisation: "Ville d\'Exemple"\nprimary: "#004080"\nlogo: logo.png\n',
                                        encoding="utf-8")
    prs = _deck(ten_persona_workshop(), theme=exports.load_theme(tmp_path / "theme.yaml"))
    title = prs.slides[0]
    logos = [s for s in title.shapes if s.shape_type == 13]
    assert len(logos) == 1 and logos[0]._element.xpath("./*[1]/p:cNvPr")[0].get("descr") == "Ville d'Exemple"
    assert "Ville d'Exemple" in _texts(title) and prs.core_properties.author == "Ville d'Exemple"
    run = prs.slides[2].shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(run.font.color.rgb) == "004080"


def test_every_pictogram_has_its_png_for_the_deck():
    from exports import pictograms

    assert set(pictograms.available()) >= {"rocket", "help-circle", "shield-alert", "hand-helping", "wifi-off",
                                           "users", "person"}
    assert all(pictograms.png_path(icon).is_file() for icon in pictograms.available())


def test_services_say_on_the_persona_slide_in_the_notes_and_on_the_method_slide():
    prs = _deck(validated_workshop())
    first, second, third = prs.slides[2], prs.slides[3], prs.slides[4]
    assert "Reconnu par\u00a0: Accueil, État civil · Réserve\u00a0: Action sociale" in _texts(first)
    notes = first.notes_slide.notes_text_frame.text
    assert f"Action sociale (25/11/2026) — «\u202f{RESERVATION}\u202f»" in notes
    assert SERVICE_SCRIPT in second.notes_slide.notes_text_frame.text                 # verbatim, as typed
    assert "Reconnu par" not in _texts(third) + third.notes_slide.notes_text_frame.text
    method = _texts(prs.slides[-1])
    assert "Ce qu'en disent les services" in method and f"Réserves\u00a0: {SERVICE_SCRIPT}" in method
    english = _deck(validated_workshop(), lang="en")
    assert "Recognised by: Accueil, État civil" in _texts(english.slides[2])
    assert "What the services say" not in _texts(_deck(ten_persona_workshop(), lang="en").slides[-1])


def test_custom_dimensions_on_the_persona_slide():
    prs = _deck(custom_dimension_workshop("en"), lang="en")
    text = _texts(prs.slides[2])
    assert "Paperless habits" in text and "Planning ahead" in text and "Help from <b>relatives</b>" in text
    assert "Calm about making a mistake" in text
    crowded = custom_dimension_workshop(base=long_text_workshop())
    index = next(i for i, s in enumerate(view.document_view(crowded)["sheets"]) if s["traits_more"])
    slide = _texts(_deck(crowded).slides[2 + index])      # the slide has room for the meters the sheet left out
    assert all(label["fr"][:25] in slide for label in CUSTOM_DIMENSIONS.values()) and "moins marqués" not in slide
