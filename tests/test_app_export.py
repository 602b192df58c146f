"""Export page: a download for every format, the PDF and the page images prepared on demand, a title."""
from __future__ import annotations

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, button, fake_workshop, put_workshop, shown, small_sample, small_sample_dir, start,
)


def test_every_format_downloads_and_the_pdf_is_a_pdf(app_home, small_sample):
    put_workshop(app_home, fake_workshop(3, 45))
    at = start("export")
    assert_clean(at)
    text = shown(at)
    for label in ("Fiches (PDF)", "Présentation (PowerPoint)", "Images des pages (PNG, dans un ZIP)",
                  "Fiches (HTML)", "Texte (Markdown)", "Affectations (CSV)", "Fichier de l'atelier (YAML)"):
        assert label in text
    assert len(at.get("download_button")) == 5
    button(at, "Préparer le PDF").click().run()
    assert_clean(at)
    assert len(at.get("download_button")) == 6

    from app_pages.export import rendered

    session = at.session_state["app"]
    ws = session.workshop
    pdf = rendered("pdf", session.workshop_path, ws.revision, "fr", ws)
    assert pdf.startswith(b"%PDF")
    csv = rendered("csv", session.workshop_path, ws.revision, "fr", ws)
    assert ws.personas[0].id in csv.decode("cp1252", errors="replace")


def test_title_asked_in_the_app_reaches_the_documents(app_home, small_sample):
    import io
    import zipfile

    from pptx import Presentation

    put_workshop(app_home, fake_workshop(2, 30))
    at = start("export")
    assert at.text_input(key="w_export_title").placeholder == "Atelier personas — test"   # not a file name
    at.text_input(key="w_export_title").input("Accueil des usagers 2027").run()
    assert_clean(at)
    from app_pages.export import rendered

    session = at.session_state["app"]
    ws = session.workshop
    deck = rendered("pptx", session.workshop_path, ws.revision, "fr", ws, "Accueil des usagers 2027", "a4")
    assert Presentation(io.BytesIO(deck)).slides[0].shapes.title.text == "Accueil des usagers 2027"
    pages = rendered("png", session.workshop_path, ws.revision, "fr", ws, "", "a3")
    assert zipfile.ZipFile(io.BytesIO(pages)).namelist()[0] == "page-01.png"
