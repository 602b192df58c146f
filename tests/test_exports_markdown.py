"""Markdown renderer: snapshots, text that reads as typed once rendered, privacy, full texts."""
from __future__ import annotations

import markdown_it
import pytest

import exports
from exports import view
from exports.markdown import md_escape
from exports_helpers import (CUSTOM_DIMENSIONS, LONG, REASON_HOSTILE, RESERVATION, SERVICE_SCRIPT,
                             custom_dimension_workshop, long_text_workshop, small_group_workshop,
                             ten_persona_workshop, validated_workshop)
from test_exports_html import check_snapshot


@pytest.fixture(autouse=True)
def fixed_archetype_names(monkeypatch):
    monkeypatch.setattr(view, "archetype_names", lambda lang, ws=None: {"agile": "Agile"})


def rendered_text(markdown: str) -> str:
    """What a reader sees: CommonMark rendered, tags removed, entities decoded."""
    import html
    import re

    page = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_markdown_matches_snapshot(lang):
    check_snapshot(f"ten_personas.{lang}.md", exports.render_markdown(ten_persona_workshop(), lang=lang))


def test_names_read_as_typed_and_never_become_markup():
    markdown = exports.render_markdown(ten_persona_workshop())
    seen = rendered_text(markdown)
    for persona in ten_persona_workshop().personas:
        assert persona.name in seen
    page = markdown_it.MarkdownIt("commonmark").render(markdown)
    assert "<b>" not in page and "<i>" not in page


@pytest.mark.parametrize("text", [
    "# not a heading", "- not a list", "1. not numbered", "*stars* and _under_", "[link](http://x)",
    "a | b", "<script>x</script>", "&amp; stays", "`code`", "> quote", "\\ back", "---", "===", "+ plus",
])
def test_md_escape_keeps_text_literal(text):
    assert rendered_text(md_escape(text)).strip() == text


def test_numbers_and_words_are_not_escaped_needlessly():
    assert md_escape("0.42") == "0.42"
    assert md_escape("Jean-Michel & sa fille") == "Jean-Michel & sa fille"
    assert md_escape("enquete_usagers_2026.csv") == "enquete_usagers_2026.csv"


def test_no_respondent_level_data():
    ws = ten_persona_workshop()
    markdown = exports.render_markdown(ws)
    for respondent in list(ws.assignments)[:50] + [r for p in ws.personas for r in p.representatives]:
        assert respondent not in markdown


def test_markdown_keeps_full_texts():
    markdown = exports.render_markdown(long_text_workshop())
    assert md_escape(LONG * 20).strip() in markdown
    assert "de plus" not in markdown


def test_small_group_has_no_statistics():
    ws = small_group_workshop()
    markdown = exports.render_markdown(ws)
    section = markdown[markdown.index("## Bérénice"):markdown.index("## Méthode")]
    assert "Effectif trop faible pour publier des statistiques" in section
    assert "%" not in section and f"{ws.personas[-1].size} répondants" not in section


def test_structure():
    markdown = exports.render_markdown(ten_persona_workshop())
    assert markdown.startswith("# Atelier personas")
    assert markdown.count("\n## ") == 13        # overview, ten personas, method, technical appendix
    assert "« Léa & Œdipe \\<b\\> »" in markdown
    assert "Sources\u00a0: enquete" in markdown          # French no-break spaces survive


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_heading_stands_after_a_blank_line(lang):
    lines = exports.render_markdown(ten_persona_workshop(), lang=lang).splitlines()
    glued = [(before, line) for before, line in zip(lines, lines[1:]) if line.startswith("#") and before.strip()]
    assert glued == []


def test_services_say_under_the_archetype_and_on_the_method_page():
    markdown = exports.render_markdown(validated_workshop())
    seen = rendered_text(markdown)
    assert f"Reconnu par\u00a0: Accueil, État civil · Réserve\u00a0: Action sociale — «\u202f{RESERVATION}\u202f»" in seen
    assert f"Réserve\u00a0: {SERVICE_SCRIPT} — «\u202f{REASON_HOSTILE}\u202f»" in seen          # full, as typed
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<script>" not in page and "<img" not in page and 'href="javascript' not in page
    method = markdown[markdown.index("### Ce qu'en disent les services"):markdown.index("## Annexe")]
    assert "| Profil | Reconnu par | Réserves |" in method and method.count("\n| ") == 4   # header, rule, two rows
    assert "Ce qu'en disent" not in exports.render_markdown(ten_persona_workshop())
    assert "**Recognised by:** Accueil, État civil" in exports.render_markdown(validated_workshop(), lang="en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_trait_of_a_custom_codebook_in_the_table(lang):
    markdown = exports.render_markdown(custom_dimension_workshop(base=long_text_workshop()), lang=lang)
    first = rendered_text(markdown[markdown.index("## «"):markdown.index("## Karim")])
    assert all(label[lang] in first for label in CUSTOM_DIMENSIONS.values())          # all thirteen, no "+n"
    assert "<b>" not in markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
