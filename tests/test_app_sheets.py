"""Sheets page: the preview is exactly the export HTML, user text escaped."""
from __future__ import annotations

import base64

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, fake_workshop, put_workshop, small_sample, small_sample_dir, start,
)


def _iframe_html(at) -> str:
    frames = at.get("iframe")
    assert frames, "no preview iframe"
    src = frames[0].proto.src if hasattr(frames[0], "proto") else frames[0].src
    prefix = "data:text/html;charset=utf-8;base64,"
    assert src.startswith(prefix)
    return base64.b64decode(src[len(prefix):]).decode("utf-8")


def test_sheet_preview_is_the_export_html(app_home, small_sample):
    from exports import render_html

    ws = fake_workshop(3, 45)
    ws.personas[0].name = "Zoé <script>alert(1)</script> & cie"
    put_workshop(app_home, ws)
    at = start("sheets")
    assert_clean(at)
    assert at.title[0].value == "Fiches personas"
    overview = _iframe_html(at)
    assert overview == render_html(at.session_state["app"].workshop, lang="fr")
    at.selectbox(key="w_sheet_persona").set_value(ws.personas[0].id).run()
    sheet = _iframe_html(at)
    assert "Zoé &lt;script&gt;" in sheet and "<script>alert(1)</script>" not in sheet


def test_every_page_speaks_one_language_without_raw_keys(app_home, small_sample):
    """French pages show no English sentence of the catalogue, and no page shows a raw key."""
    from app_helpers import PAGES, go, shown

    from personas.i18n import Translator
    from app_pages.state import LOCALES

    french = Translator("fr", LOCALES)._messages
    english = Translator("en", LOCALES)._messages
    leftovers = {v for k, v in english.items() if len(v) > 5 and v != french.get(k) and "{" not in v}
    put_workshop(app_home, fake_workshop(3, 45))
    for lang in ("fr", "en"):
        at = start(lang=lang)
        for page in PAGES:
            go(at, page)
            assert_clean(at)
            if lang == "fr":
                lines = set(shown(at).splitlines())
                assert not (lines & leftovers), (page, lines & leftovers)


def test_the_services_say_is_in_the_sheet_preview_only(app_home, small_sample):
    """The preview prints which services recognised the persona; no expander repeats it above."""
    from app_helpers import shown

    from personas import operations

    ws = operations.set_validation(fake_workshop(3, 45), "P1", "Accueil", "recognised")
    ws = operations.set_validation(ws, "P1", "CCAS", "reservation", "Trop centré sur le numérique")
    put_workshop(app_home, ws)
    at = start("sheets")
    at.selectbox(key="w_sheet_persona").set_value("P1").run()
    assert_clean(at)
    sheet = _iframe_html(at)
    assert "Accueil" in sheet and "CCAS" in sheet and "Trop centré sur le numérique" in sheet
    assert not at.expander and "Accueil" not in shown(at)
