"""Documents a manager uses unchanged: nothing dropped, one language, A3 posters, PNG pages.

The heading test renders a real workshop (the demo, built once) after a merge, a split and very
long texts, in French and in English, and checks that every heading of the HTML export is in the
PDF's text: a section cut to make a page fit would be missing.
"""
from __future__ import annotations

import copy

import html as htmllib
import io
import re

import pypdf
import pytest

import exports
from exports import view
from workshop_data.errors import DataError
from exports.language import in_language
from exports_helpers import (CUSTOM_DIMENSIONS, LONG, custom_dimension_workshop, long_text_workshop,
                             ten_persona_workshop, validated_workshop)
from personas import operations
from personas_helpers import built_demo, make_features


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().casefold()


def _headings(page: str) -> list[str]:
    found = re.findall(r"<h([1-3])[^>]*>(.*?)</h\1>", page, flags=re.S)
    return [_flat(htmllib.unescape(re.sub(r"<[^>]+>", "", text))) for _, text in found]


@pytest.fixture(scope="module")
def edited_workshop():
    """The demo after a merge, a split, a rename, notes and very long hand-written texts."""
    ws = built_demo()["workshop"]
    features = make_features(ws, seed=1)
    ws = operations.merge(ws, "P4", "P5")
    ws = operations.split(ws, "P1", features=features)
    ws = operations.rename(ws, "P2", "Pressé·e mais perdu·e, qui appelle trois fois pour la même démarche")
    ws = operations.set_field(ws, "P3", "story", LONG * 20)
    ws = operations.set_field(ws, "P3", "needs", [f"besoin {n} : " + LONG * 3 for n in range(12)])
    for n in range(8):
        ws = operations.add_note(ws, "P6", f"Service n°{n}", LONG * 4)
    return ws


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_html_heading_is_in_the_pdf(edited_workshop, lang):
    page = exports.render_html(edited_workshop, lang=lang)
    pdf = pypdf.PdfReader(io.BytesIO(exports.render_pdf(page)))
    text = _flat(" ".join(p.extract_text() for p in pdf.pages))
    headings = _headings(page)
    assert len(headings) > 40
    missing = [h for h in headings if h not in text]
    assert missing == []
    scrubbed = "textes nettoyés" if lang == "fr" else "cleaned texts"
    assert scrubbed in headings                     # the privacy section the French PDF used to drop


def test_long_texts_flow_and_never_vanish():
    ws = long_text_workshop()
    ws.personas = ws.personas[:2]
    page = exports.render_html(ws)
    text = _flat(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(exports.render_pdf(page))).pages))
    for heading in _headings(page):
        assert heading in text
    assert "de plus" not in text


def test_method_page_tells_what_the_workgroup_changed(edited_workshop):
    doc = view.document_view(edited_workshop, lang="fr")
    history = " ".join(r["text"] for r in doc["history"]["rows"])
    assert "fusionné dans" in history and "scindé en deux" in history and "renommé" in history
    assert all(re.match(r"\d\d/\d\d/\d{4}$", r["date"]) for r in doc["history"]["rows"])
    making = " ".join(doc["making"])
    assert "6" in making
    english = view.document_view(edited_workshop, lang="en")
    assert any("merged into" in r["text"] for r in english["history"]["rows"])
    plain = " ".join(doc["plain_sources"] + doc["making"] + doc["sureness"])
    assert "Graine" not in plain and "SHA" not in plain and "survey.csv" not in plain


def test_title_is_never_a_file_name(edited_workshop):
    assert "survey.csv" not in edited_workshop.title and edited_workshop.settings["title_drafted"]
    doc = view.document_view(edited_workshop)
    assert "survey.csv" not in doc["title"] and "Personas des usagers" in doc["title"]
    older = copy.deepcopy(edited_workshop)      # built before the drafted title named no file
    older.title = "Atelier personas — survey.csv (2026-11-30)"
    del older.settings["title_drafted"]
    assert view.document_view(older)["title"] == doc["title"]
    branded = view.document_view(edited_workshop, theme=exports.Theme(organisation="Ville de Lyon"))
    assert branded["title"].startswith("Ville de Lyon")
    assert view.document_view(edited_workshop, title="Accueil 2027")["title"] == "Accueil 2027"


def test_structure_verdict_and_prevalence_in_words():
    ws = ten_persona_workshop()
    assert view.document_view(ws)["overview"]["structure"] == []        # older workshops: nothing
    ws.settings["structure"] = "weak"
    doc = view.document_view(ws)
    assert doc["overview"]["structure"][0].startswith("Structure faible")
    page = exports.render_html(ws)
    assert all(line in htmllib.unescape(page) for line in doc["overview"]["structure"])
    assert "Environ la moitié des membres (55\u202f%" in doc["sheets"][0]["prevalence_text"]


def test_descriptors_and_typology_labels_are_rendered():
    ws = ten_persona_workshop()
    ws.personas[0].descriptors = {"tranche_age": {
        "label": {"fr": "Âge", "en": "Age"}, "kind": "categorical",
        "persona": {"18-29 ans": 0.4, "30-44 ans": 0.35, "75 ans et +": 0.25},
        "sample": {"18-29 ans": 0.2, "30-44 ans": 0.3, "75 ans et +": 0.5}}}
    ws.settings["typology"] = {"id": "ville", "name": {"fr": "Typologie de la ville", "en": "City typology"},
                               "source": "ville.yaml", "sha256": "ab" * 32,
                               "labels": {"agile": {"fr": "Autonome connecté", "en": "Connected"}}, "icons": {}}
    sheet = view.document_view(ws)["sheets"][0]
    assert sheet["descriptors"] == [{"label": "Âge", "value": "18-29 ans 40\u202f% (ensemble 20\u202f%)\u00a0; "
                                                              "30-44 ans 35\u202f% (ensemble 30\u202f%)"}]
    assert sheet["archetype"] == "Autonome connecté"
    page = htmllib.unescape(exports.render_html(ws, lang="en"))
    assert "Who they are" in page and "Connected" in page and "City typology" in page


def test_untouched_drafts_are_redrafted_in_the_documents_language(edited_workshop):
    ws = edited_workshop
    drafted = ws.persona("P6")                      # only notes were added: its texts are drafts
    english, langs = in_language(ws, drafted, "en")
    assert english.goals != drafted.goals and english.story != drafted.story
    assert "story" not in langs and langs["notes"] == "fr"
    edited, langs = in_language(ws, ws.persona("P3"), "en")
    assert edited.story == ws.persona("P3").story and langs["story"] == "fr"
    assert edited.goals != ws.persona("P3").goals     # untouched fields of an edited persona: English
    page = exports.render_html(ws, lang="en")
    assert re.search(r'<div class="field" lang="fr">\s*<p>' + re.escape(LONG.strip()[:40]), htmllib.unescape(page))
    assert in_language(ws, drafted, "fr") == (drafted, {})


def test_a3_is_a_poster_layout_with_larger_type_and_nothing_cut():
    from exports_helpers import long_notes_workshop

    ws = long_notes_workshop()
    ws.personas = ws.personas[:2]
    page = exports.render_html(ws, paper="a3")
    assert "size: A3" in page and 'class="paper-a3"' in page
    assert page.count('<section class="pcol') == 3 * len(ws.personas)        # three columns a poster
    doc = view.document_view(ws, paper="a3")
    assert all(s["font_size"] >= view.A3.tiers[-1][0] > view.A4.tiers[0][0] for s in doc["sheets"])
    assert doc["sheets"][0]["fits"] and not doc["sheets"][1]["fits"]           # eight long notes flow on
    reader = pypdf.PdfReader(io.BytesIO(exports.render_pdf(page, paper="a3")))
    for pdf_page in reader.pages:
        assert (round(float(pdf_page.mediabox.width), 1), round(float(pdf_page.mediabox.height), 1)) == (841.9, 1190.6)
    text = re.sub(r"[\s\u00ad\u2010-]+", "", " ".join(p.extract_text() for p in reader.pages))
    persona = ws.personas[1]
    assert re.sub(r"[\s-]+", "", persona.name) in text
    assert all(re.sub(r"[\s-]+", "", n.text) in text for n in persona.notes)
    sheets = [i for i, t in enumerate(reader.pages) if "PART PONDÉRÉE" in t.extract_text()]
    assert len(sheets) == 2                                          # one persona a sheet of A3
    a4 = pypdf.PdfReader(io.BytesIO(exports.render_bytes(ws, "pdf")))
    assert round(float(a4.pages[0].mediabox.width), 1) == 595.3
    with pytest.raises(DataError):
        exports.render_bytes(ws, "pdf", paper="letter")


def test_png_pages_at_150_dpi_with_a_text_file_of_alternative_texts(tmp_path):
    from PIL import Image

    ws = ten_persona_workshop()
    ws.personas = ws.personas[:2]
    written = exports.write_export(ws, "png", tmp_path / "sheets.png")
    assert [p.name for p in written] == [f"sheets-0{i}.png" for i in range(1, 6)] + ["sheets-alt.txt"]
    with Image.open(written[1]) as image:
        assert image.format == "PNG" and image.width == pytest.approx(595.3 / 72 * 150, abs=2)
        assert round(image.info["dpi"][0]) == 150
    alts = written[-1].read_text(encoding="utf-8")
    for name in (p.name for p in written[:-1]):
        assert name in alts
    assert "Vue d'ensemble" in alts and f"Fiche du profil {ws.personas[0].name}" in alts
    assert "Méthode et sources" in alts and "Annexe technique" in alts
    import zipfile

    with zipfile.ZipFile(io.BytesIO(exports.render_bytes(ws, "png"))) as archive:
        assert "page-alt.txt" in archive.namelist() and "page-01.png" in archive.namelist()


def test_method_words_for_archetype_changes_validation_structure_and_typology():
    ws = ten_persona_workshop()
    ws.settings.update(structure="weak", typology={"id": "v", "name": {"fr": "Ville", "en": "City"},
                                                   "source": "ville.yaml", "sha256": "ab" * 32, "labels": {}, "icons": {}})
    ws.history = [{"op": "archetype", "args": {"persona": "p1", "archetype": "agile"}, "time": "2026-11-02T10:00:00Z"},
                  {"op": "validate", "args": {"persona": "p2", "validated": True}, "time": "2026-11-03T10:00:00Z"},
                  {"op": "set", "args": {"persona": "p2", "field": "needs", "value": "x"}, "time": "2026-11-04T10:00:00Z"}]
    doc = view.document_view(ws, lang="en")
    assert [r["date"] for r in doc["history"]["rows"]] == ["02/11/2026", "03/11/2026", "04/11/2026"]  # CLDR en_GB
    assert doc["history"]["rows"][0]["text"].endswith("archetype changed to “Agile”")
    assert doc["history"]["rows"][1]["text"] == "Karim, pressé et exigeant (p2) validated"
    assert doc["history"]["rows"][2]["text"].endswith("text “Needs” rewritten")
    settings = {r["label"]: r["value"] for r in doc["settings"]}
    assert "Structure of the data" not in settings                   # said in words on the method page
    assert settings["Typology"].startswith("City, ville.yaml")
    assert "6 profiles of 10 were named after the typology “City”; any others are named after their own data." \
        in doc["making"]


def test_method_history_says_what_each_service_said():
    ws = ten_persona_workshop()
    ws.history = [{"op": "validation", "args": {"persona": "p1", "service": "Accueil", "status": status, "text": ""},
                   "time": "2026-11-05T10:00:00Z"} for status in ("recognised", "reservation", None)]
    rows = [r["text"] for r in view.document_view(ws)["history"]["rows"]]
    assert rows == ["« Léa & Œdipe <b> » (p1) : reconnu par le service Accueil",
                    "« Léa & Œdipe <b> » (p1) : réserve du service Accueil",
                    "« Léa & Œdipe <b> » (p1) : le service Accueil retire son avis"]
    english = [r["text"] for r in view.document_view(ws, lang="en")["history"]["rows"]]
    assert english[0] == "« Léa & Œdipe <b> » (p1): recognised by Accueil"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_custom_dimensions_and_services_keep_every_heading_and_short_sheets_one_page(lang):
    """Thirteen traits, services' reservations and very long texts: every heading prints, a sheet of
    ordinary length keeps its page with all thirteen meters, a crowded figures column counts those
    it leaves out."""
    ws = custom_dimension_workshop(base=long_text_workshop())
    ws.personas = ws.personas[:3]
    for persona, said in zip(ws.personas, validated_workshop().personas[:2]):
        persona.validations = said.validations
    ws.personas[2] = custom_dimension_workshop(lang).personas[2]          # short texts: all thirteen meters
    page = exports.render_html(ws, lang=lang)
    texts = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(exports.render_pdf(page))).pages]
    flat = _flat(" ".join(texts))
    assert [h for h in _headings(page) if h not in flat] == []
    method = "méthode et sources" if lang == "fr" else "method and sources"
    start = [i for i, text in enumerate(texts) if method in _flat(text)][0]
    last = _flat(texts[start - 1])                                      # the short sheet: one page
    assert ws.personas[2].name.casefold() in last
    assert all(_flat(label[lang]) in last for name, label in CUSTOM_DIMENSIONS.items() if name != "serenite")
    assert _flat(CUSTOM_DIMENSIONS["serenite"][lang]).split()[0] in last
    more = "de plus, les moins marqués" if lang == "fr" else "more, the least marked"
    crowded = [bool(s["traits_more"]) for s in view.document_view(ws, lang=lang)["sheets"]]
    assert any(crowded) and (more in flat) == any(crowded)


def test_the_overview_shows_each_persona_s_own_key_lever():
    from exports.overview import key_lever

    same = "Orienter vers le téléservice à chaque contact : 50 % de ses contacts"
    assert key_lever([same, "Expliquer l'usage des données"], {"orienter vers le téléservice à chaque contact"}) \
        == "Expliquer l'usage des données"
    assert key_lever([same], {"orienter vers le téléservice à chaque contact"}) == same   # nothing else to say
    assert key_lever([], set()) == ""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_sets_each_persona_apart_is_on_every_sheet(lang):
    """Issue 18: the reason a persona exists (the features dividing it from its nearest persona)
    is on its sheet in the HTML, the Markdown and the PDF, in the document's language."""
    ws = copy.deepcopy(built_demo()["workshop"])
    ws.lang = lang
    doc = view.document_view(ws)
    apart = [sheet["apart"] for sheet in doc["sheets"]]
    assert all(apart), "every demo persona has a nearest persona and what divides them"
    opening = {"fr": "ce qui le distingue de « ", "en": "what sets it apart from “"}[lang]
    assert all(_flat(text).startswith(opening) for text in apart)
    page = _flat(htmllib.unescape(exports.render_html(ws)))
    markdown = _flat(exports.render_markdown(ws))
    pages = pypdf.PdfReader(io.BytesIO(exports.render_pdf(exports.render_html(ws)))).pages
    assert len(pages) == len(ws.personas) + 3, "a sheet's evidence box spilled onto a page of its own"
    pdf = _flat(" ".join(p.extract_text() for p in pages))
    for text in apart:
        assert _flat(text) in page and _flat(text) in markdown
        assert _flat(text)[:40] in pdf
