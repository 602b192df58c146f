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
from exports_helpers import (LONG, REASON_HOSTILE, SERVICE_SCRIPT, long_text_workshop, ten_persona_workshop,
                             validated_workshop)


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


@pytest.mark.parametrize("fixture", ["french", "english", "long_texts"])
def test_one_page_per_persona_plus_overview_method_and_appendix(fixture, request):
    ws, _, reader, texts = request.getfixturevalue(fixture)
    assert len(reader.pages) == len(ws.personas) + 3
    for number, persona in enumerate(ws.personas, start=2):
        shown = view.clamp(persona.name, view.MAX_NAME)      # names over 80 characters are shortened
        assert shown in _flat(texts[number - 1]), (number, shown)
    assert "Page 1 " in _flat(texts[0]) or "Page 1 " in _flat(texts[0]).replace("\u202f", " ")


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


def test_long_texts_are_shortened_not_spilled(long_texts):
    _, _, _, texts = long_texts
    for text in texts[1:-3]:
        assert "…" in text and "de plus" in text


def test_small_group_sheet_has_no_statistics(long_texts):
    ws, _, _, texts = long_texts
    sheet = _flat(texts[-3])
    assert "Effectif trop faible pour publier des statistiques" in sheet
    assert "%" not in sheet
    assert "effectif trop faible" in _flat(texts[0])


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
    for number, persona in enumerate(ws.personas, start=1):          # each sheet still on one page
        assert persona.name in texts[number]
    assert "Méthode et sources" in texts[4]
    assert "Reconnu par : Accueil, État civil · Réserve : Action sociale — « Les aidants" in _flat(texts[1])
    second = _flat(texts[2]).replace(" ", "")                           # names and reasons read as typed
    assert SERVICE_SCRIPT.replace(" ", "") in second and REASON_HOSTILE[:30].replace(" ", "") in second
    crowded = _flat(texts[3])
    assert "Réserves : Service n°0 de la direction" in crowded and "+2 de plus" in crowded
    method = _flat(" ".join(texts[4:-1]))
    assert "Ce qu'en disent les services" in method and "Action sociale (25/11/2026)" in method
    assert "Service n°7 de la direction des usagers (27/11/2026) — « Cette personne" in method
