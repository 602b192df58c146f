"""One language per document: a French workshop exported in English has no French word but what
people (or respondents, or the data's own categories) wrote, and ``show --lang fr`` no English word."""
from __future__ import annotations

import copy
import html as htmllib
import io
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from pptx import Presentation

import exports
from cli import main
from exports.language import _profile, drafted_name, in_language
from personas import operations
from personas.archetypes import builtin_typology, fallback_name, load_archetypes
from personas.narrative import draft_narrative
from personas.store import save_workshop
from personas_helpers import built_demo
from workshop_data.journeys import OTHER

METROPOLE = Path(__file__).resolve().parents[1] / "personas" / "typologies" / "exemple_metropole.yaml"

FRENCH_LETTERS = re.compile(r"[àâäçéèêëîïôöùûüÿœæ]", re.I)
FRENCH_WORDS = re.compile(r"\b(?:le|la|les|des|du|de|et|pour|avec|sans|dans|sur|une|profils?|répondants?|données)\b",
                          re.I)
ENGLISH_WORDS = re.compile(r"\b(?:the|and|of|with|without|respondents?|personas?|size|share|stability|"
                           r"validated|recomputed|table|descriptors|median|edits?|history|redo|whole|sample|"
                           r"revision|method|seed|yes|no)\b", re.I)


def data_named(ws):
    """The workshop as the build leaves it when no archetype fits: names and drafts from the data."""
    ws = copy.deepcopy(ws)
    typology = builtin_typology()
    for index, persona in enumerate(ws.personas):
        persona.archetype, persona.archetype_fit = None, None
        persona.name = fallback_name(_profile(persona, index), ws.lang, typology)
        for key, value in draft_narrative(persona, None, ws.lang, codebook=ws.codebook).items():
            setattr(persona, key, value)
    return ws


def people_wrote(ws) -> list[str]:
    """What people, respondents and the data's own categories wrote: kept as it is in any language."""
    out = [ws.title]
    for persona in ws.personas:
        out += [persona.quote, *persona.quote_candidates, *(n.text for n in persona.notes),
                *(n.service for n in persona.notes), persona.owner]
        out += [row["topic"] for row in persona.journey if row["topic"] != OTHER]
        for item in persona.descriptors.values():
            out += list((item.get("persona") or {})) + list((item.get("sample") or {}))
    out += [str(s.get("name") or "") for s in ws.sources]
    return sorted({t for t in out if t}, key=len, reverse=True)


def _without(text: str, kept: list[str]) -> str:
    text = " ".join(htmllib.unescape(text).split())
    for words in kept:
        text = text.replace(" ".join(words.split()), " ")
    return text


def english_outputs(ws, tmp_path) -> dict[str, str]:
    html = exports.render_html(ws, lang="en")
    deck = Presentation(io.BytesIO(exports.render_pptx(ws, lang="en")))
    slides = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    slides += [cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
               for row in shape.table.rows for cell in row.cells]
    slides += [slide.notes_slide.notes_text_frame.text for slide in deck.slides]
    pdf = pypdf.PdfReader(io.BytesIO(exports.render_pdf(html)))
    return {
        "html": re.sub(r"<style.*?</style>", " ", re.sub(r"<[^>]+>", " ", html.split("</head>")[1]), flags=re.S)
        + " " + " ".join(re.findall(r'(?:alt|aria-label)="([^"]*)"', html)),
        "pdf": re.sub(r"[\u2010\u00ad]\s*", "", " ".join(page.extract_text() for page in pdf.pages)),  # hyphenation
        "deck": " ".join(slides),
        "md": exports.render_markdown(ws, lang="en").replace("\\", ""),
        "csv": exports.render_csv(ws, lang="en").decode("utf-8-sig"),
    }


@pytest.fixture(scope="module")
def french():
    demo = copy.deepcopy(built_demo()["workshop"])
    assert demo.lang == "fr"
    return demo


@pytest.mark.parametrize("variant", ["archetypes", "data_named", "edited"])
def test_an_english_export_of_a_french_workshop_has_no_french_word_but_what_people_wrote(french, variant, tmp_path):
    ws = {"archetypes": lambda w: w, "data_named": data_named,
          "edited": lambda w: operations.rename(operations.add_note(w, "P2", "Accueil", "Vient souvent le lundi."),
                                                "P3", "Mme Dupré, au guichet")}[variant](french)
    kept = people_wrote(ws) + [p.name for p in ws.personas if drafted_name(ws, p, "en") is None]
    for name, text in english_outputs(ws, tmp_path).items():
        left = _without(text, kept)
        assert not FRENCH_LETTERS.findall(left), (name, sorted(set(re.findall(r"\w*[àâçéèêëîïôùûœ]\w*", left, re.I))))
        assert not FRENCH_WORDS.findall(left), (name, FRENCH_WORDS.findall(left)[:10])


def test_drafted_names_are_given_in_the_document_s_language(french):
    library = {a.id: a for a in load_archetypes()}
    for persona in french.personas:
        assert drafted_name(french, persona, "en") == library[persona.archetype].name["en"]
    named = data_named(french)
    for index, persona in enumerate(named.personas):
        assert drafted_name(named, persona, "en") == fallback_name(_profile(persona, index), "en", builtin_typology())
    renamed = operations.rename(french, "P1", "Agile")           # typed, even when it reads like a draft
    assert drafted_name(renamed, renamed.persona("P1"), "en") is None


def test_the_pdf_tags_the_kept_french_with_its_language(french):
    ws = operations.rename(french, "P3", "Mme Dupré, au guichet")
    reader = pypdf.PdfReader(io.BytesIO(exports.render_pdf(exports.render_html(ws, lang="en"))))
    root = reader.trailer["/Root"]

    def nodes(node, depth=0):
        node = node.get_object()
        if depth > 60 or not hasattr(node, "get"):
            return
        yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if hasattr(kid, "get") and ("/S" in kid or "/K" in kid):
                yield from nodes(kid, depth + 1)

    tagged = {(str(n.get("/S")), str(n.get("/Lang"))) for n in nodes(root["/StructTreeRoot"]) if n.get("/Lang")}
    assert ("/H2", "fr") in tagged and ("/BlockQuote", "fr") in tagged
    assert {lang for _, lang in tagged} == {"fr"} and root["/Lang"] == "en"


def test_show_in_french_has_no_english_word(french, tmp_path):
    ws = operations.add_note(french, "P2", "Accueil", "Vient souvent le lundi.")
    path = tmp_path / "w.yaml"
    save_workshop(ws, path)
    result = CliRunner().invoke(main, ["show", str(path), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    left = _without(result.output, people_wrote(ws))
    assert not ENGLISH_WORDS.findall(left), ENGLISH_WORDS.findall(left)
    english = CliRunner().invoke(main, ["show", str(path), "--lang", "en"]).output
    assert "respondents" in english and "Poorly informed" in english       # drafted names in English too


def test_a_custom_typology_s_archetype_texts_are_kept_when_redrafting_in_english():
    from dataclasses import replace

    from personas.archetypes import load_typology, typology_record
    from personas_helpers import make_workshop

    typology = load_typology(METROPOLE)
    archetype = typology.get("autonome_connecte")
    ws = make_workshop()
    persona = replace(ws.personas[0], archetype="autonome_connecte")
    persona = replace(persona, **draft_narrative(persona, archetype, "fr", codebook=ws.codebook))
    ws = replace(ws, personas=[persona, *ws.personas[1:]],
                 settings={**ws.settings, "typology": typology_record(typology)})
    assert persona.story.startswith("Gère ses démarches sur son téléphone")
    english, kept = in_language(ws, persona, "en")
    assert english.story.startswith("Handles procedures on a phone, in the evening or at the weekend.")
    assert "Finish a procedure in one go" in english.goals and "Status notifications" in english.levers
    assert "story" not in kept and "goals" not in kept


NAMES_NOBODY = """
typology: {id: metropole, name: {fr: "Typologie de la métropole", en: "Metropolis typology"}}
archetypes:
  - id: pressed
    name: {fr: "Pressé", en: "In a hurry"}
    required: [patience]
    signature:
      traits: {patience: 10, trust: 60}
"""


def test_names_drafted_from_the_data_are_printed_in_the_document_s_language(tmp_path):
    """A persona named from the data (no archetype fits) keeps the name the build drafted in each
    language: an English export of a French workshop prints the English one, as long as nobody
    renamed it; a split's new personas too."""
    from personas.archetypes import load_typology
    from personas.build import build_workshop
    from personas_helpers import make_features

    path = tmp_path / "metropole.yaml"
    path.write_text(NAMES_NOBODY, encoding="utf-8")
    inputs = built_demo()["inputs"]
    ws = build_workshop(inputs.survey, inputs.contacts, k=4, seed=0, bootstrap=0, lang="fr",
                        typology=load_typology(path))
    assert all(p.archetype is None for p in ws.personas)
    assert all(p.name == p.drafted_name["fr"] != p.drafted_name["en"] for p in ws.personas)
    ws = operations.rename(ws, "P1", "Les pressés du guichet")
    ws = operations.split(ws, "P2", features=make_features(ws, seed=1))
    page = htmllib.unescape(exports.render_html(ws, lang="en"))
    for persona in ws.personas:
        if persona.id == "P1":
            assert "Les pressés du guichet" in page
        else:
            assert persona.drafted_name["en"] in page and persona.drafted_name["fr"] not in page, persona.id
