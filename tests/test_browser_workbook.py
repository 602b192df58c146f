"""A workbook as services send it (read-me sheet first, two title rows above the header), uploaded
in the French app in a real browser: the page says which sheet and header row it read."""
from __future__ import annotations

from pathlib import Path

import pytest

from app_helpers import small_sample_dir  # noqa: F401  (fixture)
from test_browser import CHROMIUM, CHROMIUM_ARGS, _shot, _wait_idle, running_app
from workbook_helpers import workbook_from_csv

pytestmark = pytest.mark.browser


def test_workbook_upload_confirms_sheet_and_header_row_in_french(tmp_path: Path, small_sample_dir: Path):
    from playwright.sync_api import expect, sync_playwright

    book = workbook_from_csv(small_sample_dir / "survey.csv", tmp_path / "enquete.xlsx")
    with running_app(tmp_path / "home", small_sample_dir, tmp_path / "streamlit.log") as url, \
            sync_playwright() as p:
        expect.set_options(timeout=90_000)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        expect(page.get_by_role("heading", name="Données de l'atelier")).to_be_visible()
        _wait_idle(page)
        with page.expect_file_chooser() as chooser:
            page.locator("[data-testid='stFileUploaderDropzone']").first.click()
        chooser.value.set_files(str(book))
        expect(page.get_by_text("enquete.xlsx", exact=True)).to_be_visible()
        _wait_idle(page)
        page.get_by_role("button", name="Lire les fichiers", exact=True).click()
        expect(page.get_by_text("Feuille « Réponses » lue, en-tête à la ligne 3 : 240 répondants.", exact=True)
               ).to_be_visible()
        expect(page.get_by_text("Enquête lue : 240 répondants", exact=False)).to_be_visible()
        _wait_idle(page)
        _shot(page, "workbook-upload")
        browser.close()
