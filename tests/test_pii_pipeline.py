"""Personal data in quotable answers: the forms issue 20 found printed as persona quotes never reach
a quote, a quote candidate, an export or a refusal message; a quote is never a cell the scrubber
changed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

#: Answers that read as good quotes, each carrying one form the scrubber used to let through.
PLANTED = {
    "AB-123-CD": "Ma voiture AB-123-CD a été enlevée sans prévenir, personne ne répond au téléphone.",
    "XY 456 ZT": "On m'a verbalisé XY 456 ZT alors que le stationnement était payé en ligne.",
    "token=": "Le lien https://ville.fr/suivi?token=Zq81xKp2Lm9 reçu par courriel ne fonctionne jamais.",
    "sessionid=": "Après la connexion le site affiche sessionid=88af01c2d9e7 et puis plus rien du tout.",
    "(at)": "Répondez-moi plutôt par écrit à jean.dupont(at)orange.fr, le guichet ferme trop tôt.",
    "arobase": "Écrivez à jean point dupont arobase orange point fr car je ne peux pas me déplacer.",
    "martine durand": "Je remercie martine durand qui m'a aidée à remplir tout le dossier en ligne.",
    "DURAND Martine": "Signé DURAND Martine, mère de famille qui aimerait des horaires plus larges.",
    "12 mars 1975": "Je suis né le 12 mars 1975 et je n'ai jamais réussi à créer mon compte.",
    "rue des Lilas": "J'habite rue des Lilas à Colmar et le bus ne passe plus devant la mairie annexe.",
    "trente-quatre": "Rappelez-moi au zéro six douze trente-quatre cinquante-six soixante-dix-huit avant midi.",
}
FRAGMENTS = {
    "AB-123-CD": ["AB-123-CD"], "XY 456 ZT": ["XY 456 ZT"], "token=": ["Zq81xKp2Lm9"],
    "sessionid=": ["88af01c2d9e7"], "(at)": ["dupont"], "arobase": ["dupont"], "martine durand": ["durand"],
    "DURAND Martine": ["DURAND"], "12 mars 1975": ["1975"], "rue des Lilas": ["Lilas"],
    "trente-quatre": ["trente-quatre"],
}


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [f for fragments in FRAGMENTS.values() for f in fragments if f.lower() in lowered]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    from personas.build import build_workshop
    from workshop_data.intake import load_inputs
    from workshop_data.sample import generate_demo, write_demo

    folder = tmp_path_factory.mktemp("pii")
    demo = generate_demo(300, seed=11, lang="fr")
    comments = demo.survey["commentaire"].astype("object").tolist()
    answers = list(PLANTED.values())
    for i in range(len(comments)):  # every third respondent, in every cluster: the forms could be chosen
        if i % 3 == 0:
            comments[i] = answers[(i // 3) % len(answers)]
    demo.survey["commentaire"] = comments
    paths = write_demo(demo, folder, lang="fr")
    inputs = load_inputs(paths["survey"], paths["codebook"], paths["contacts"])
    ws = build_workshop(inputs.survey, inputs.contacts, k=4, bootstrap=0, seed=1)
    raw = {" ".join(str(c).split()) for c in comments if isinstance(c, str)}
    return ws, raw, inputs


def test_no_quote_or_candidate_holds_the_forms(built) -> None:
    ws, _, _ = built
    texts = [p.quote for p in ws.personas] + [c for p in ws.personas for c in p.quote_candidates]
    assert any(texts), "the demo should give quotes"
    assert [t for t in texts if _leaks(t)] == []


def test_every_candidate_is_a_cell_the_scrubber_left_as_it_was(built) -> None:
    ws, raw, _ = built
    for persona in ws.personas:
        for text in [persona.quote, *persona.quote_candidates]:
            if text:
                assert text in raw, text
                assert not re.search(r"\[[^\]]{1,24}\]", text)


def test_the_scrubbed_cells_are_in_the_data_only_with_placeholders(built) -> None:
    _, _, inputs = built
    comments = inputs.survey.data["commentaire"].dropna().tolist()
    assert [c for c in comments if _leaks(c)] == []
    assert inputs.survey.privacy.scrubbed.get("plate", 0) >= 2
    assert {"link", "secret", "email", "name", "date", "address", "phone"} <= set(inputs.survey.privacy.scrubbed)


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "yaml"])
def test_no_export_holds_the_forms(built, fmt: str) -> None:
    from exports import render_bytes

    ws, _, _ = built
    assert _leaks(render_bytes(ws, fmt).decode("utf-8")) == []


def test_a_refusal_quotes_offending_cells_only_scrubbed(tmp_path: Path) -> None:
    from workshop_data.codebook import load_codebook
    from workshop_data.errors import DataError
    from workshop_data.survey import load_survey

    from workshop_data.sample import generate_demo, write_demo

    demo = generate_demo(60, seed=2, lang="fr")
    values = demo.survey["aisance_ordinateur"].astype("object").tolist()
    values[3] = "voiture AB-123-CD, jean.dupont@orange.fr, garée devant chez moi"
    values[7] = "je suis martine durand, née le 12 mars 1975"
    demo.survey["aisance_ordinateur"] = values
    paths = write_demo(demo, tmp_path, lang="fr")
    with pytest.raises(DataError) as caught:
        load_survey(paths["survey"], load_codebook(paths["codebook"]))
    for lang in ("en", "fr"):
        message = caught.value.localise(lang)
        assert "aisance_ordinateur" in message and "[immatriculation]" in message
        assert _leaks(message) == [] and "orange.fr" not in message, message


def test_unlisted_channel_labels_in_a_warning_are_scrubbed(tmp_path: Path) -> None:
    from workshop_data.codebook import ContactMapping
    from workshop_data.contacts import contact_features

    log = tmp_path / "log.csv"
    log.write_text("usager;horodatage;canal\nR1;2025-01-02 10:00;Appel\n"
                   "R2;2025-01-03 10:00;rappeler martine durand au 06 12 34 56 78\n", encoding="utf-8")
    mapping = ContactMapping(respondent_id="usager", timestamp="horodatage", channel="canal",
                             channels={"Appel": "phone"})
    report = contact_features(log, mapping, ["R1", "R2"]).report
    words = " ".join(w.localise(lang) for w in report.warnings for lang in ("en", "fr"))
    assert "durand" not in words.lower() and "56 78" not in words and "[nom]" in words
