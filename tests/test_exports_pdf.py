"""PDF step: tagged, one page per persona plus overview, method and appendix, names extractable as typed.

Each workshop is rendered once per module (WeasyPrint dominates the time of these tests).
"""
from __future__ import annotations

import io
import re

import pypdf
import pytest

import exports
from exports import view
from exports_helpers import (LONG, NAME_120, REASON_HOSTILE, SERVICE_SCRIPT, long_notes_workshop, long_text_workshop,
                             ten_persona_workshop, twelve_persona_workshop, validated_workshop, with_journeys)


def _pdf(ws, lang="fr"):
    data = exports.render_pdf(exports.render_html(ws, lang=lang))
    reader = pypdf.PdfReader(io.BytesIO(data))
    return data, reader, [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def french():
    ws = ten_persona_workshop()
    return ws, *_pdf(ws)


@pytest.fixture(scope="module")
def english():
    ws = ten_persona_workshop()
    ws.personas = ws.personas[:3]
    return ws, *_pdf(ws, "en")


@pytest.fixture(scope="module")
def long_texts():
    """Four sheets are enough to show fitting (the worst one, two long ones, the small group)."""
    ws = long_text_workshop()
    ws.personas = ws.personas[:3] + ws.personas[-1:]
    return ws, *_pdf(ws)


@pytest.fixture(scope="module")
def validated():
    """Services spoke about the first three personas; the third has eight long reservations."""
    ws = validated_workshop()
    ws.personas = ws.personas[:3]
    ws.personas[2].validations = {f"Service n°{n} de la direction des usagers": {
        "status": "reservation", "text": LONG * 2, "date": "2026-11-27"} for n in range(8)}
    return ws, *_pdf(ws)


def _structure_nodes(node, depth=0):
    node = node.get_object()
    if depth > 40 or not hasattr(node, "get"):
        return
    yield node
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and "/S" in kid or hasattr(kid, "get") and "/K" in kid:
            yield from _structure_nodes(kid, depth + 1)


def _structure_tags(root) -> list[str]:
    return [str(node.get("/S")) for node in _structure_nodes(root) if node.get("/S")]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_is_tagged_with_language_and_title(french):
    ws, data, reader, _ = french
    assert data.startswith(b"%PDF-1.7")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "fr"
    tags = _structure_tags(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/TH", "/Figure"} <= set(tags)
    figures = [node for node in _structure_nodes(root["/StructTreeRoot"]) if node.get("/S") == "/Figure"]
    alts = [str(node.get("/Alt", "")) for node in figures]
    assert any(alt.startswith("Diagramme") and "« Léa & Œdipe <b> »" in alt for alt in alts)   # the chart
    assert any(alt.startswith("Pictogramme") for alt in alts)                                  # portraits
    assert reader.metadata["/Title"] == ws.title
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()   # PDF/UA-1 identification


def test_fonts_are_embedded(french):
    _, _, reader, _ = french
    fonts = []
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    fonts.append(descriptor.get_object())
    assert fonts
    assert all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts)


@pytest.mark.parametrize("fixture", ["french", "english"])
def test_one_page_per_persona_plus_overview_method_and_appendix(fixture, request):
    ws, _, reader, texts = request.getfixturevalue(fixture)
    assert len(reader.pages) == len(ws.personas) + 3
    for number, persona in enumerate(ws.personas, start=2):
        assert persona.name in _flat(texts[number - 1]), (number, persona.name)
    assert "Page 1 " in _flat(texts[0]) or "Page 1 " in _flat(texts[0]).replace("\u202f", " ")


def test_the_pdf_tags_what_people_wrote_with_its_language(english):
    """An English document of a French workshop: the French texts people wrote are tagged "fr" in the
    structure tree, as the HTML marks them with lang="fr"."""
    _, _, reader, _ = english
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    tagged = [node for node in _structure_nodes(root["/StructTreeRoot"]) if node.get("/Lang")]
    assert {str(node["/Lang"]) for node in tagged} == {"fr"}
    assert {"/BlockQuote", "/H2", "/Div"} <= {str(node.get("/S")) for node in tagged}


def test_every_name_extracts_exactly_as_typed(french):
    ws, _, _, texts = french
    everything = "\n".join(texts)
    for persona in ws.personas:
        assert persona.name in everything
    assert "« Léa & Œdipe <b> »" in everything and "Sœur Anne" in everything


def test_french_and_english_words(french, english):
    assert "Effectif" not in _flat(english[3][1])
    assert "Part pondérée" in _flat(french[3][1]).title() or "PART PONDÉRÉE" in french[3][1]
    assert "WEIGHTED SHARE" in english[3][1]
    assert "Méthode et sources" in french[3][-2] and "Method and sources" in english[3][-2]
    assert "Annexe technique" in french[3][-1] and "Technical appendix" in english[3][-1]


def _clean(text: str) -> str:
    """Words as extracted, without the breaks and hyphens of the lines they were set on."""
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


def test_long_texts_are_printed_whole_and_flow_onto_more_pages(long_texts):
    ws, _, reader, texts = long_texts
    assert len(reader.pages) > len(ws.personas) + 3                 # the texts took the pages they need
    everything = _clean(" ".join(texts))
    for persona in ws.personas[:-1]:
        for note in persona.notes:
            assert _clean(note.text) in everything and _clean(note.service) in everything
        for item in persona.levers:
            assert _clean(item) in everything
    sheets = " ".join(texts[1:next(i for i, t in enumerate(texts) if "Méthode et sources" in t)])
    assert "…" not in sheets and "de plus" not in sheets


def test_small_group_sheet_has_no_statistics(long_texts):
    ws, _, _, texts = long_texts
    start = next(i for i, t in enumerate(texts) if "Effectif trop faible pour publier" in t)
    end = next(i for i, t in enumerate(texts) if "Méthode et sources" in t)
    sheet = _flat(" ".join(texts[start:end]))
    assert ws.personas[-1].name in sheet and "%" not in sheet
    assert "effectif trop faible" in _flat(texts[0])


def test_eight_long_notes_and_a_120_character_name_are_printed_whole():
    ws = long_notes_workshop()
    data, reader, texts = _pdf(ws)
    everything = _clean(" ".join(texts))
    persona = ws.personas[1]
    assert len(persona.name) == 120 and _clean(persona.name) in everything
    assert sum(_clean(persona.name) in _clean(t) for t in texts) >= 2           # the overview and the sheet
    for note in persona.notes:
        assert _clean(note.text) in everything
    for key in ("goals", "frustrations", "needs", "levers"):
        assert all(_clean(item) in everything for item in getattr(persona, key))


def _overview_pages(texts: list[str]) -> list[int]:
    """The pages before the first sheet (a sheet's header has the key figures: "PART PONDÉRÉE")."""
    first = next(j for j, t in enumerate(texts) if "PART PONDÉRÉE" in t or "WEIGHTED SHARE" in t)
    return list(range(first))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("paper", ["a4", "a3"])
@pytest.mark.parametrize("make", [ten_persona_workshop, twelve_persona_workshop])
def test_the_overview_of_ten_and_twelve_personas_fits_its_page_and_splits_no_row(make, paper, lang):
    ws = make()
    data = exports.render_pdf(exports.render_html(ws, lang=lang, paper=paper), paper=paper)
    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    assert _overview_pages(texts) == [0]
    overview = _flat(texts[0])
    for persona in ws.personas:
        assert persona.name in overview


def test_no_respondent_level_data(french):
    ws, data, _, texts = french
    everything = "\n".join(texts)
    for respondent in list(ws.assignments)[:50] + [r for p in ws.personas for r in p.representatives]:
        assert respondent not in everything
    assert b"R-SECRET" not in data


def test_pdf_step_fetches_nothing_from_disk_or_network(tmp_path):
    from PIL import Image

    picture = tmp_path / "secret.png"
    Image.new("RGB", (4, 4), "red").save(picture)
    html = (f'<html lang="fr"><head><title>t</title></head><body><p>x</p>'
            f'<img src="{picture.as_uri()}" alt="a"><img src="http://127.0.0.1:9/x.png" alt="b"></body></html>')
    data = exports.render_pdf(html)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert not list(reader.pages[0].images)


def test_services_line_on_the_sheets_and_table_on_the_method_page(validated):
    ws, _, _, texts = validated
    for number, persona in enumerate(ws.personas[:2], start=1):      # short reservations: one page a sheet
        assert persona.name in texts[number]
    assert "Reconnu par : Accueil, État civil · Réserve : Action sociale — « Les aidants" in _flat(texts[1])
    second = _flat(texts[2]).replace(" ", "")                           # names and reasons read as typed
    assert SERVICE_SCRIPT.replace(" ", "") in second and REASON_HOSTILE[:30].replace(" ", "") in second
    start = next(i for i, t in enumerate(texts) if "Méthode et sources" in t)
    crowded = _clean(" ".join(texts[3:start]))                          # eight long reservations, whole
    assert all(_clean(f"Service n°{n} de la direction des usagers") in crowded for n in range(8))
    assert crowded.count(_clean(LONG * 2)) >= 8
    method = _flat(" ".join(texts[start:-1]))
    assert "Ce qu'en disent les services" in method and "Action sociale (25/11/2026)" in method
    assert "Service n°7 de la direction des usagers (27/11/2026) — « Cette personne" in method
