"""Export page: a download for every format, the PDF prepared on demand."""
from __future__ import annotations

from app_helpers import (  # noqa: F401  (fixtures)
    app_home, assert_clean, button, fake_workshop, put_workshop, shown, small_sample, small_sample_dir, start,
)


def test_every_format_downloads_and_the_pdf_is_a_pdf(app_home, small_sample):
    put_workshop(app_home, fake_workshop(3, 45))
    at = start("export")
    assert_clean(at)
    text = shown(at)
    for label in ("Fiches (PDF)", "Fiches (HTML)", "Texte (Markdown)", "Affectations (CSV)", "Fichier de l'atelier (YAML)"):
        assert label in text
    assert len(at.get("download_button")) == 4
    button(at, "Préparer le PDF").click().run()
    assert_clean(at)
    assert len(at.get("download_button")) == 5

    from app_pages.export import rendered

    session = at.session_state["app"]
    ws = session.workshop
    pdf = rendered("pdf", session.workshop_path, ws.revision, "fr", ws)
    assert pdf.startswith(b"%PDF")
    csv = rendered("csv", session.workshop_path, ws.revision, "fr", ws)
    assert ws.personas[0].id in csv.decode("cp1252", errors="replace")
