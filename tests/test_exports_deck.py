"""The PowerPoint deck: opened back with python-pptx, as PowerPoint would read it."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from pptx import Presentation
from pptx.util import Emu

import exports
from cli import main
from exports import deck as deck_module
from exports_helpers import (CUSTOM_DIMENSIONS, HOSTILE_NAME, MIN_GROUP, NAME_120, RESERVATION, SERVICE_SCRIPT,
                             custom_dimension_workshop, long_notes_workshop, small_group_workshop,
                             ten_persona_workshop, twelve_persona_workshop, validated_workshop, with_journeys)

SLIDE_W, SLIDE_H = 13.333, 7.5


def _deck(ws, **kwargs):
    return Presentation(io.BytesIO(exports.render_pptx(ws, **kwargs)))


def _texts(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def _all_text(prs) -> str:
    out = []
    for slide in prs.slides:
        out.append(_texts(slide))
        for shape in slide.shapes:
            if shape.has_table:
                out += [cell.text for row in shape.table.rows for cell in row.cells]
    return " ".join(" ".join(out).split())


def _titles(prs) -> list[str]:
    return [slide.shapes.title.text for slide in prs.slides]


def _persona_slides(prs, name: str) -> list:
    return [s for s in prs.slides if s.shapes.title.text.startswith(name)]


@pytest.fixture(scope="module")
def deck():
    return small_group_workshop(), _deck(small_group_workshop())


def test_every_slide_has_a_title_and_each_persona_its_slides(deck):
    ws, prs = deck
    titles = _titles(prs)
    assert all(titles)
    assert titles[:3] == ["Atelier personas — Ville de Saint-Exemple", "Vue d'ensemble",
                          "Canaux de contact de chaque profil"]
    assert titles[3].startswith("Chiffres clés par profil") and titles[-1].startswith("Méthode et sources")
    for persona in ws.personas:                                 # verbatim, hostile characters included
        assert persona.name in titles
        assert len(_persona_slides(prs, persona.name)) >= 2
    assert HOSTILE_NAME in titles
    assert Emu(prs.slide_width).inches == pytest.approx(SLIDE_W, abs=0.01)


def test_overview_chart_splits_each_persona_s_contacts_in_per_cent(deck):
    from pptx.enum.chart import XL_CHART_TYPE

    _, prs = deck
    charts = [s for s in prs.slides[2].shapes if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED_100
    assert len(chart.plots[0].categories) == 9                  # the small group has no bar
    assert chart.value_axis.tick_labels.number_format.endswith("%")
    assert "%" in chart.value_axis.axis_title.text_frame.text
    alt = charts[0]._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert alt.startswith("Diagramme") and HOSTILE_NAME in alt


def test_persona_slides_carry_every_text_and_the_evidence_in_notes(deck):
    ws, prs = deck
    persona = ws.personas[1]
    slides = _persona_slides(prs, persona.name)
    text = " ".join(_texts(s) for s in slides)
    for expected in ("Archétype", "Mal informé·e", "BESOINS", "LEVIERS DE COMMUNICATION", "CANAUX DE CONTACT",
                     "OBJECTIFS", "FREINS ET FRUSTRATIONS", "SITUATION", "À FAIRE AU CONTACT", "À ÉVITER",
                     "NOTES DES SERVICES", persona.story[:40], *persona.goals, *persona.frustrations, *persona.needs,
                     *persona.levers, persona.quote):
        assert expected in text, expected
    notes = slides[0].notes_slide.notes_text_frame.text
    assert "SUR QUOI REPOSE CE PROFIL" in notes and f"{persona.size} répondants" in notes
    pictures = [s for s in slides[0].shapes if s.shape_type == 13]
    assert pictures and all(p._element.xpath("./*[1]/p:cNvPr")[0].get("descr") for p in pictures)


def test_small_group_slides_withhold_figures(deck):
    ws, prs = deck
    slides = _persona_slides(prs, ws.personas[-1].name)
    text = " ".join(_texts(s) for s in slides)
    assert "Effectif trop faible" in text and f"Moins de {MIN_GROUP}" in text
    assert "%" not in text and str(ws.personas[-1].size) not in text
    assert all("%" not in s.notes_slide.notes_text_frame.text for s in slides)
    assert ws.personas[-1].quote not in text


def test_every_text_is_18_points_or_more_and_initials_stay_on_one_line(deck):
    _, prs = deck
    sizes = []
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
            for frame in frames:
                sizes += [run.font.size.pt for para in frame.paragraphs for run in para.runs if run.text.strip()]
            if shape.has_chart:
                assert shape.chart.font.size.pt >= 18
    assert sizes and min(sizes) >= 18
    discs = [s for slide in prs.slides for s in slide.shapes
             if s.shape_type == 1 and s.has_text_frame and s.text_frame.text.strip()]
    assert discs                                                # personas without archetype show initials
    for disc in discs:
        assert disc.text_frame.word_wrap is False and len(disc.text_frame.text) <= 2
        letters = disc.text_frame.paragraphs[0].runs[0].font.size.pt * 0.75 * len(disc.text_frame.text) / 72
        assert letters < Emu(disc.width).inches


def _inside(prs) -> None:
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            left, top = Emu(shape.left).inches, Emu(shape.top).inches
            right, bottom = left + Emu(shape.width).inches, top + Emu(shape.height).inches
            assert left >= -0.01 and top >= -0.01, (number, shape.name)
            assert right <= SLIDE_W + 0.01 and bottom <= SLIDE_H + 0.01, (number, shape.name, bottom)
            if not (shape.has_text_frame and shape.text_frame.text and shape.shape_type == 17):   # text boxes
                continue
            frame, width = shape.text_frame, Emu(shape.width).inches
            paragraphs = [(p.runs[0].text if p.runs else "", {"size": p.runs[0].font.size.pt if p.runs else 18,
                                                                "after": p.space_after.pt if p.space_after else 0})
                          for p in frame.paragraphs]
            if frame.word_wrap is False:           # one line: it must be narrow enough
                assert all(len(text) * opts["size"] * deck_module.CHAR_EM / 72 <= width for text, opts in paragraphs)
                continue
            assert deck_module.height_of(paragraphs, width) <= Emu(shape.height).inches + 0.05, \
                (number, frame.text[:60])


@pytest.mark.parametrize("make", [ten_persona_workshop, twelve_persona_workshop, long_notes_workshop])
def test_every_shape_and_its_text_fit_their_slide(make):
    prs = _deck(with_journeys(make()))
    _inside(prs)
    tables = [s for s in prs.slides if s.shapes.title.text.startswith("Chiffres clés") and
              any(shape.has_table for shape in s.shapes)]
    rows = sum(len(shape.table.rows) - 1 for s in tables for shape in s.shapes if shape.has_table)
    assert rows == len(make().personas)                          # every persona has its row, once


def test_every_name_note_and_item_the_workgroup_wrote_is_on_the_slides_whole():
    ws = long_notes_workshop()
    prs = _deck(ws)
    text = _all_text(prs)
    persona = ws.personas[1]
    assert len(NAME_120) == 120 and NAME_120 in _titles(prs)
    for note in persona.notes:
        assert " ".join(note.text.split()) in text and note.service in text
    for key in ("goals", "frustrations", "needs", "levers"):
        for item in getattr(persona, key):
            assert " ".join(item.split()) in text
    assert persona.owner in text


def test_metadata_say_who_made_the_deck_when_and_in_which_language(tmp_path):
    (tmp_path / "theme.yaml").write_text('organisation: "Ville d\'Exemple"\n', encoding="utf-8")
    prs = _deck(ten_persona_workshop(), theme=exports.load_theme(tmp_path / "theme.yaml"))
    props = prs.core_properties
    assert props.title == "Atelier personas — Ville de Saint-Exemple" and props.subject == "Vue d'ensemble"
    assert props.author == "Ville d'Exemple" and props.last_modified_by == "Ville d'Exemple"
    assert props.language == "fr-FR"
    assert props.created.date() == props.modified.date() == datetime.now(timezone.utc).date()
    assert "Canny" not in (props.author + props.last_modified_by)
    runs = {r._r.get_or_add_rPr().get("lang") for s in prs.slides for shape in s.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for r in p.runs}
    assert runs == {"fr-FR"}
    english = _deck(ten_persona_workshop(), lang="en", title="Front desk 2027")
    assert english.slides[0].shapes.title.text == "Front desk 2027"
    assert english.core_properties.language == "en-GB" and english.core_properties.author == "Persona workshop"
    assert english.slides[1].shapes.title.text == "Overview"


def test_cli_writes_the_deck(tmp_path):
    from personas.store import save_workshop

    path = tmp_path / "w.yaml"
    save_workshop(ten_persona_workshop(), path)
    with pytest.raises(SystemExit) as done:
        main(["export", str(path), "--format", "pptx", "--out", str(tmp_path / "deck.pptx")])
    assert done.value.code == 0
    prs = Presentation(str(tmp_path / "deck.pptx"))
    assert all(p.name in _titles(prs) for p in ten_persona_workshop().personas)


def test_theme_colours_and_logo_on_the_deck(tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 20), "navy").save(tmp_path / "logo.png")
    (tmp_path / "theme.yaml").write_text('organisation: "Ville d\'Exemple"\nprimary: "#004080"\nlogo: logo.png\n',
                                        encoding="utf-8")
    prs = _deck(ten_persona_workshop(), theme=exports.load_theme(tmp_path / "theme.yaml"))
    title = prs.slides[0]
    logos = [s for s in title.shapes if s.shape_type == 13]
    assert len(logos) == 1 and logos[0]._element.xpath("./*[1]/p:cNvPr")[0].get("descr") == "Ville d'Exemple"
    assert "Ville d'Exemple" in _texts(title)
    run = prs.slides[4].shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(run.font.color.rgb) == "004080"


@pytest.mark.parametrize("fmt", ["pptx", "pdf"])
def test_a_corrupt_logo_is_refused_by_every_export_alike(tmp_path, fmt):
    """A PNG that is not one passed the PDF and broke the deck with PIL's error (issue 20)."""
    from personas.store import save_workshop

    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not an image at all" * 10)
    (tmp_path / "theme.yaml").write_text("organisation: Ville\nlogo: logo.png\n", encoding="utf-8")
    save_workshop(ten_persona_workshop(), tmp_path / "w.yaml")
    with pytest.raises(SystemExit) as done:
        main(["export", str(tmp_path / "w.yaml"), "--format", fmt, "--theme", str(tmp_path / "theme.yaml"),
              "--out", str(tmp_path / f"out.{fmt}")])
    assert done.value.code == 2 and not (tmp_path / f"out.{fmt}").exists()


def test_every_pictogram_has_its_png_for_the_deck():
    from exports import pictograms

    assert set(pictograms.available()) >= {"rocket", "help-circle", "shield-alert", "hand-helping", "wifi-off",
                                           "users", "person"}
    assert all(pictograms.png_path(icon).is_file() for icon in pictograms.available())


def test_services_say_on_the_persona_slide_in_the_notes_and_on_the_method_slide():
    ws = validated_workshop()
    prs = _deck(ws)
    first = _persona_slides(prs, ws.personas[0].name)[0]
    second = _persona_slides(prs, ws.personas[1].name)[0]
    third = _persona_slides(prs, ws.personas[2].name)[0]
    assert ("Reconnu par\u00a0: Accueil, État civil · Réserve\u00a0: Action sociale — "
            f"«\u202f{RESERVATION}\u202f»") in _texts(first)
    notes = first.notes_slide.notes_text_frame.text
    assert f"Action sociale (25/11/2026) — «\u202f{RESERVATION}\u202f»" in notes
    assert SERVICE_SCRIPT in second.notes_slide.notes_text_frame.text                 # verbatim, as typed
    assert "Reconnu par" not in _texts(third) + third.notes_slide.notes_text_frame.text
    method = " ".join(_texts(s) for s in prs.slides if s.shapes.title.text.startswith("Méthode"))
    assert "CE QU'EN DISENT LES SERVICES" in method and f"Réserves\u00a0: {SERVICE_SCRIPT}" in method
    english = _deck(validated_workshop(), lang="en")
    assert "Recognised by: Accueil, État civil" in _texts(_persona_slides(english, ws.personas[0].name)[0])
    plain = _deck(ten_persona_workshop(), lang="en")
    assert "WHAT THE SERVICES SAY" not in " ".join(_texts(s) for s in plain.slides)


def test_every_meter_and_the_reasons_for_contact_are_on_the_figures_slides():
    ws = with_journeys(custom_dimension_workshop("en"))
    prs = _deck(ws, lang="en")
    text = " ".join(_texts(s) for s in _persona_slides(prs, ws.personas[0].name))
    assert all(label["en"] in text for label in CUSTOM_DIMENSIONS.values())
    top = max(("Urbanisme", "Aides sociales"), key=lambda topic: sum(r["contacts"] for r in ws.personas[0].journey
                                                                    if r["topic"] == topic))
    assert "REASONS FOR CONTACT" in text and f"{top} — " in text
