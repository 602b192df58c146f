"""The app in a real browser against hostile text and concurrent sessions.

- Persona names, notes and narrative holding HTML or JavaScript are shown as text on every page
  and in the sheet preview; no script runs (``window.__pwned`` stays undefined in every frame, no
  dialog opens).
(Two browser sessions editing one workshop at once: ``test_browser_room.py``.)
"""
from __future__ import annotations

from pathlib import Path

import pytest

from app_helpers import put_workshop, small_sample_dir  # noqa: F401  (fixture)
from test_browser import CHROMIUM, CHROMIUM_ARGS, _nav, _wait_idle, running_app

pytestmark = pytest.mark.browser

SCRIPT_NAME = "<script>window.__pwned=1</script>Zoé"
IMG_NAME = '<img src=x onerror="window.__pwned=2">Léo'
NOTE = '<img src=x onerror="window.__pwned=3"> <b>gras</b> [clic](javascript:window.__pwned=5)'
SERVICE = '<svg onload="window.__pwned=6">Accueil'
STORY = '<iframe src="javascript:window.top.__pwned=4"></iframe> Une histoire & des « guillemets »'
PAGES = ("Données", "Profils", "Affiner", "Fiches", "Exporter")


def hostile_workshop():
    from personas.model import Note
    from personas_helpers import make_workshop

    ws = make_workshop(4, 60, seed=4)
    first, second = ws.personas[0], ws.personas[1]
    first.name = SCRIPT_NAME
    first.story = STORY
    first.quote = '"><script>window.__pwned=7</script>'
    first.goals = ["<style>body{display:none}</style>Trouver l'info"]
    first.notes = [Note(id="N1", service=SERVICE, text=NOTE, created="2026-01-05T09:30:00Z")]
    second.name = IMG_NAME
    return ws


@pytest.fixture
def app_server(tmp_path: Path, small_sample_dir: Path):  # noqa: F811
    """The app on a free port, its working folder holding the hostile workshop."""
    path = put_workshop(tmp_path / "home", hostile_workshop(), name="exemple.yaml")
    with running_app(tmp_path / "home", small_sample_dir, tmp_path / "streamlit.log") as url:
        yield url, path


def _pwned(page) -> list:
    values = []
    for frame in page.frames:
        try:
            values.append(frame.evaluate("() => [window.__pwned, window.top.__pwned]"))
        except Exception:  # a detached or cross-origin frame holds no script of ours
            continue
    return [v for pair in values for v in pair if v is not None]


def _all_text(page) -> str:
    texts = []
    for frame in page.frames:
        try:
            texts.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
            texts.extend(frame.evaluate(
                "() => [...document.querySelectorAll('input, textarea')].map(e => e.value)"))
        except Exception:
            continue
    return "\n".join(texts)


def test_markup_in_names_and_notes_is_shown_as_text_and_never_runs(app_server) -> None:
    from playwright.sync_api import sync_playwright

    url, _ = app_server
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)
        _wait_idle(page)
        seen: dict[str, str] = {}
        for label in PAGES:
            _nav(page, label)
            page.wait_for_timeout(1500)
            assert _pwned(page) == [], label
            seen[label] = _all_text(page)
        browser.close()
    assert dialogs == []
    everything = "\n".join(seen.values())
    for literal in ("<script>window.__pwned=1</script>", 'onerror="window.__pwned=2"', 'onerror="window.__pwned=3"'):
        assert literal in everything, literal
    assert "<script>window.__pwned=1</script>" in seen["Fiches"]  # the printed sheet shows it as text


def test_an_upload_over_the_limit_is_refused_with_a_message(app_server, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, path = app_server
    big = tmp_path / "enquete_trop_grande.csv"
    with open(big, "wb") as handle:
        handle.write(b"id;commentaire\n")
        handle.truncate(51 * 1024 * 1024)
    uploads = path.parent.parent / "uploads"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        _wait_idle(page)
        with page.expect_file_chooser() as chooser:
            page.locator("[data-testid='stFileUploaderDropzone']").first.click()
        chooser.value.set_files(str(big))
        uploader = page.locator("[data-testid='stFileUploader']").first
        expect(uploader).to_contain_text("50", timeout=60_000)
        message = uploader.inner_text()
        _wait_idle(page)
        expect(page.get_by_role("button", name="Lire les fichiers", exact=True)).to_be_disabled()
        browser.close()
    assert "MB" in message or "Mo" in message, message
    assert not any(uploads.iterdir()) if uploads.exists() else True
