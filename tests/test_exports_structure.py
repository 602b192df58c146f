"""The verdict on the groups, said the same way everywhere, from the personas as they are now.

A structured workshop (the demo) is merged and split with its source data: the verdict, its figures
and the stability sentences of ``show``, the HTML, the PDF, the deck and the Markdown must all come
from the edited personas, never from the clustering's figures of the groups that no longer exist.
"""
from __future__ import annotations

import copy
import io
import re

import pypdf
import pytest
from click.testing import CliRunner
from pptx import Presentation

import exports
from cli import main
from exports import view
from exports.formatting import translator
from exports_helpers import ten_persona_workshop
from personas import operations
from personas.build import load_features
from personas.narrative import french_typography
from personas.store import save_workshop
from personas.structure import structure_words, workshop_structure
from personas_helpers import built_demo


def _clean(text: str) -> str:
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


def outputs(ws, tmp_path, lang: str = "fr") -> dict[str, str]:
    """Every output's words: show, HTML, PDF, deck and Markdown."""
    path = tmp_path / "w.yaml"
    save_workshop(ws, path)
    shown = CliRunner().invoke(main, ["show", str(path), "--lang", lang])
    assert shown.exit_code == 0, shown.output
    html = exports.render_html(ws, lang=lang)
    pdf = pypdf.PdfReader(io.BytesIO(exports.render_pdf(html)))
    deck = Presentation(io.BytesIO(exports.render_pptx(ws, lang=lang)))
    slides = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    import html as htmllib

    return {"show": shown.output, "html": htmllib.unescape(re.sub(r"<[^>]+>", " ", html)),
            "pdf": " ".join(page.extract_text() for page in pdf.pages), "deck": " ".join(slides),
            "md": exports.render_markdown(ws, lang=lang).replace("\\", "")}


@pytest.fixture(scope="module")
def edited():
    """The demo, built with its verdict, then merged and split with the source data."""
    demo = built_demo()
    ws = copy.deepcopy(demo["workshop"])
    ws.settings.update(bootstrap=5, structure="clear", structure_evidence={
        "k": 6, "validity": 0.33, "null_validity": 0.13, "stability": 0.99, "stability_min": 0.99})
    features = load_features(ws, demo["folder"])
    ws = operations.merge(ws, "P4", "P5", features=features)
    return operations.split(ws, "P1", features=features)


def test_after_a_merge_and_a_split_every_output_says_the_verdict_of_the_edited_personas(edited, tmp_path):
    found = workshop_structure(edited)
    stabilities = [p.stability for p in edited.personas]
    assert found.edited and found.verdict in ("edited", "edited_none") and None not in stabilities
    assert found.evidence["stability"] == pytest.approx(sum(stabilities) / len(stabilities))
    assert found.evidence["stability_min"] == pytest.approx(min(stabilities))
    lines = [french_typography(line) for line in structure_words(edited, "fr")]
    mean = view.fmt_dec(found.evidence["stability"], "fr")
    assert any(mean in line for line in lines)
    t = translator("fr")
    readings = [t(view.stability_reading(p.stability)) for p in edited.personas]
    stale = "moyenne 0,99, la plus faible 0,99"
    for name, text in outputs(edited, tmp_path).items():
        for line in lines:
            assert _clean(line) in _clean(text), (name, line)
        assert stale not in text, name                           # the clustering's groups are gone
        if name != "show":                                        # the documents count each reading
            count = readings.count("fragile")
            if count:
                assert _clean(f"{count}\u00a0fragile") in _clean(text), name


def test_an_edit_without_the_source_data_says_the_verdict_no_longer_applies(tmp_path):
    ws = copy.deepcopy(built_demo()["workshop"])
    ws.settings.update(structure="clear", structure_evidence={"validity": 0.33, "null_validity": 0.13,
                                                              "stability": 0.99, "stability_min": 0.99})
    ws = operations.merge(ws, "P4", "P5")
    assert workshop_structure(ws).verdict == "unmeasured"
    lines = structure_words(ws, "en")
    assert lines[0].startswith("Partition changed in the workshop without the source data")
    assert not any("0.99" in line for line in lines)
    undone = operations.undo(ws)                                 # undo brings the clustering's verdict back
    assert structure_words(undone, "en")[0].startswith("Clear structure")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_none_verdict_reads_the_same_in_every_output(tmp_path, lang):
    ws = ten_persona_workshop()
    ws.personas = ws.personas[:3]
    ws.assignments = {r: p for r, p in ws.assignments.items() if p in {"p1", "p2", "p3"}}
    ws.settings.update(structure="none", structure_evidence={"validity": 0.08, "null_validity": 0.09,
                                                             "stability": 0.41, "stability_min": 0.2})
    lines = structure_words(ws, lang)
    warning = ("ne les présentez pas comme des profils trouvés dans les données" if lang == "fr"
               else "do not present them as profiles found in the data")
    assert warning in lines[0]
    for name, text in outputs(ws, tmp_path, lang).items():
        for line in lines:
            shown = french_typography(line) if lang == "fr" else line
            assert _clean(shown) in _clean(text), (name, line)
        assert "prudence" not in text and "commodes" not in text and "landmarks" not in text, name


def test_an_imposed_number_of_profiles_is_said_as_imposed(tmp_path):
    ws = ten_persona_workshop()
    ws.settings.update(k_requested=10, structure="weak",
                       structure_evidence={"validity": 0.2, "null_validity": 0.19, "stability": 0.8, "stability_min": 0.6})
    found = outputs(ws, tmp_path)
    assert "Le nombre de profils (10) a été imposé" in found["show"]
    for name in ("html", "pdf", "md", "deck"):
        assert _clean("Le nombre de profils a été imposé (10)") in _clean(found[name]), name
        assert "L'analyse a retenu" not in found[name]


def test_a_typology_that_named_nobody_is_not_said_to_have_named_the_personas():
    ws = ten_persona_workshop()
    for persona in ws.personas:
        persona.archetype = None
    ws.settings.update(structure="clear", typology={"id": "reference", "name": {"fr": "Typologie de référence"},
                                                    "source": "builtin", "labels": {}, "icons": {}})
    doc = view.document_view(ws)
    making = " ".join(doc["making"]) + " ".join(doc["overview"]["structure"])
    assert "Aucun profil ne correspond assez à la typologie" in making
    assert "nommés d'après la typologie" not in making and "Noms tirés" not in making
