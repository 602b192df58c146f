"""Codebook drafting from data alone: a French export comes back typed, scales in order, PII found."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from intake_helpers import EXPECTED, codebook_score, contact_log_frame, write_french_export
from workshop_data.codebook import Codebook
from workshop_data.errors import DataError
from workshop_data.infer import (
    ROW_NUMBER_ID,
    canonical_channel,
    infer_codebook,
    infer_column,
    infer_contact_mapping,
    match_scale,
)
from workshop_data.readers import read_table


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_french_export(tmp_path_factory.mktemp("intake") / "export.csv", n=240, seed=3)


@pytest.fixture(scope="module")
def drafted(export: Path) -> Codebook:
    return infer_codebook(read_table(export))


def test_french_export_types_and_level_order(drafted: Codebook) -> None:
    score, wrong = codebook_score(drafted)
    assert score >= 0.9, wrong


def test_french_export_id_pii_and_text_found(drafted: Codebook) -> None:
    assert drafted.respondent_id == "ID de la réponse"
    assert drafted.weight == "Pondération"
    pii = {spec.name for spec in drafted.of_type("pii")}
    assert {"Adresse e-mail", "Téléphone", "Nom"} <= pii
    assert [spec.name for spec in drafted.of_type("text")] == ["Commentaires"]


def test_draft_round_trips_through_yaml(drafted: Codebook) -> None:
    from workshop_data.yaml_safe import safe_load_text

    again = Codebook.from_dict(safe_load_text(drafted.to_yaml()))
    assert again.to_dict() == drafted.to_dict()
    spec = again.columns["Q1. Je me sens à l'aise avec un ordinateur"]
    assert spec.label == {"fr": "Q1. Je me sens à l'aise avec un ordinateur",
                          "en": "Q1. Je me sens à l'aise avec un ordinateur"}


def test_other_seeds_and_utf8_comma_export_score_as_well(tmp_path: Path) -> None:
    for seed, encoding, sep in ((11, "utf-8", ","), (12, "cp1252", ";")):
        path = write_french_export(tmp_path / f"e{seed}.csv", n=150, seed=seed, encoding=encoding, sep=sep)
        score, wrong = codebook_score(infer_codebook(read_table(path)))
        assert score >= 0.9, (seed, wrong)


def _text(values: list) -> pd.Series:
    return pd.Series(values, dtype="string")


@pytest.mark.parametrize(
    ("values", "levels"),
    [
        (["plutôt d’accord", "PAS DU TOUT D'ACCORD", "Tout à fait d'accord", "Plutot pas d'accord"],
         ["PAS DU TOUT D'ACCORD", "Plutot pas d'accord", "plutôt d’accord", "Tout à fait d'accord"]),
        (["Souvent", "Jamais", "Parfois", "Rarement", "Toujours", "Ne sait pas"],
         ["Jamais", "Rarement", "Parfois", "Souvent", "Toujours"]),
        (["Very satisfied", "Dissatisfied", "Satisfied", "Very dissatisfied", "Neutral"],
         ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]),
        (["Très facile", "Facile", "Difficile", "Très difficile"],
         ["Très difficile", "Difficile", "Facile", "Très facile"]),
        (["1 - Pas du tout d'accord", "5 - Tout à fait d'accord", "3 - Ni d'accord ni pas d'accord"],
         ["1 - Pas du tout d'accord", "Plutôt pas d'accord", "3 - Ni d'accord ni pas d'accord", "Plutôt d'accord",
          "5 - Tout à fait d'accord"]),
    ],
)
def test_text_scales_put_in_order(values: list[str], levels: list[str]) -> None:
    spec = infer_column("item", _text(values * 5))
    assert spec.type == "likert"
    assert spec.levels == levels


@pytest.mark.parametrize(
    ("values", "scale"),
    [
        ([1, 2, 3, 4, 5], (1.0, 5.0)),
        ([2, 3, 4, 5], (1.0, 5.0)),
        ([0, 3, 7, 9], (0.0, 10.0)),
        ([1, 4, 6, 7], (1.0, 7.0)),
    ],
)
def test_integer_scales_use_the_nominal_range(values: list[int], scale: tuple[float, float]) -> None:
    spec = infer_column("Q5", _text([str(v) for v in values] * 4))
    assert (spec.type, spec.scale) == ("likert", scale)


@pytest.mark.parametrize(
    ("header", "values", "kind"),
    [
        ("Nombre d'enfants", ["0", "1", "2", "3", "4"], "numeric"),
        ("revenu", ["1 200,50", "2 300", "950,25", "3 100"], "numeric"),
        ("internet", ["Oui", "Non", "oui", "NON"], "boolean"),
        ("uses_web", ["yes", "no", "Yes"], "boolean"),
        ("Possédez-vous un smartphone ?", ["1", "0", "1"], "boolean"),
        ("code", ["1", "0", "1"], "numeric"),
        ("Quartier", ["Centre", "Gare", "Neudorf", "Centre"], "categorical"),
        ("Statut", ["fini", "fini", "fini"], "ignore"),
        ("lastpage", ["3", "4", "5", "2"], "ignore"),
        ("seed", ["123", "456", "789", "101"], "ignore"),
        ("Horodateur", ["2024/03/01 10:00:00", "2024/03/02 11:00:00", "2024/03/03 12:00:00"], "ignore"),
        ("vide", [None, None, None], "ignore"),
    ],
)
def test_column_kinds(header: str, values: list, kind: str) -> None:
    assert infer_column(header, _text(values * 3)).type == kind


def test_free_text_is_text() -> None:
    comments = [f"Commentaire numéro {i} : le service était {'lent' if i % 2 else 'rapide'} ce jour-là." for i in range(40)]
    assert infer_column("Vos remarques", _text(comments)).type == "text"


def test_no_id_column_numbers_rows() -> None:
    frame = pd.DataFrame({"a": ["1", "2", "1"], "b": ["x y", "x y", "z z"]}, dtype="string")
    assert infer_codebook(frame).respondent_id == ROW_NUMBER_ID


def test_id_found_by_header_not_by_position() -> None:
    frame = pd.DataFrame({
        "Date de soumission": ["2024-01-01 10:00", "2024-01-02 10:00", "2024-01-03 10:00"],
        "N° répondant": ["R1", "R2", "R3"],
        "poids": ["1,2", "0,8", "1,0"],
        "q": ["Oui", "Non", "Oui"],
    }, dtype="string")
    book = infer_codebook(frame)
    assert (book.respondent_id, book.weight) == ("N° répondant", "poids")


def test_match_scale_refuses_unknown_labels() -> None:
    assert match_scale(["Rouge", "Vert", "Bleu"]) is None
    assert match_scale(["Jamais"]) is None


@pytest.mark.parametrize(
    ("label", "channel"),
    [
        ("Appel", "phone"), ("Téléphone", "phone"), ("Guichet", "counter"), ("Accueil", "counter"),
        ("Mail", "email"), ("Courriel", "email"), ("E-mail", "email"), ("Téléservice", "web"),
        ("Formulaire en ligne", "web"), ("Courrier", "mail"), ("Lettre", "mail"), ("Tchat", "chat"),
        ("Facebook", "social"), ("Pigeon voyageur", "other"), ("appel entrant", "phone"), ("web", "web"),
        ("Front desk", "counter"), ("Reception desk", "counter"), ("Town hall counter", "counter"),
        ("Phone call", "phone"), ("Online form", "web"), ("Letter", "mail"),
    ],
)
def test_canonical_channels(label: str, channel: str) -> None:
    assert canonical_channel(label) == channel


def test_contact_mapping_from_a_log() -> None:
    log = contact_log_frame([f"R{i}" for i in range(50)])
    mapping = infer_contact_mapping(log)
    assert (mapping.respondent_id, mapping.timestamp, mapping.channel) == ("usager", "horodatage", "canal_contact")
    assert (mapping.topic, mapping.online_available) == ("objet", "dispo_en_ligne")
    assert mapping.channels == {
        "Appel": "phone", "Courriel": "email", "Courrier": "mail", "Facebook": "social", "Guichet": "counter",
        "Pigeon voyageur": "other", "Tchat": "chat", "Téléservice": "web",
    }


def test_contact_mapping_with_english_headers_and_iso_dates() -> None:
    log = pd.DataFrame({
        "contact_id": ["1", "2", "3", "4"],
        "respondent": ["a", "b", "a", "c"],
        "created_at": ["2024-01-02T10:00:00", "2024-01-03T11:00:00", "2024-02-01T09:00:00", "2024-03-01T08:00:00"],
        "channel": ["phone", "web", "Counter", "email"],
        "subject": ["tax", "waste", "tax", "school"],
    }, dtype="string")
    mapping = infer_contact_mapping(log)
    assert (mapping.respondent_id, mapping.timestamp, mapping.channel, mapping.topic) == (
        "respondent", "created_at", "channel", "subject")
    assert mapping.online_available is None
    assert mapping.channels["Counter"] == "counter"


def test_contact_mapping_of_an_english_tool_s_camel_case_export() -> None:
    log = pd.DataFrame({
        "CaseNo": ["C1", "C2", "C3", "C4", "C5"],
        "ResidentRef": ["17.0", "18.0", "17.0", "21.0", "19.0"],
        "OpenedAt": ["2024-01-02 10:00", "2024-01-03 11:00", "2024-02-01 09:00", "2024-03-01 08:00", "2024-03-02 08:00"],
        "ContactMode": ["Phone", "Web form", "Walk-in", "Email", "Phone"],
        "ReasonCode": ["tax", "waste", "tax", "school", "tax"],
    }, dtype="string")
    mapping = infer_contact_mapping(log)
    assert (mapping.respondent_id, mapping.timestamp, mapping.channel, mapping.topic) == (
        "ResidentRef", "OpenedAt", "ContactMode", "ReasonCode")
    assert mapping.channels["Walk-in"] == "counter"


def test_contact_mapping_finds_the_log_s_id_column_by_the_survey_s_ids_the_survey_s_ids_whatever_its_name() -> None:
    log = pd.DataFrame({
        "row": ["1", "2", "3", "4"],
        "key": ["0017", "18", "17", "21"],
        "ref": ["X9", "X8", "X7", "X6"],
        "when": ["2024-01-02", "2024-01-03", "2024-02-01", "2024-03-01"],
        "canal": ["Appel", "Guichet", "Courriel", "Appel"],
    }, dtype="string")
    mapping = infer_contact_mapping(log, ["17", "18", "19", "20", "21"])
    assert mapping.respondent_id == "key"
    by_name = infer_contact_mapping(log.drop(columns=["key"]), ["17", "18"])  # no column holds them: by name
    assert by_name.respondent_id == "ref"  # (then refused by intake, with the ids on both sides)


def test_contact_log_without_channel_is_refused() -> None:
    log = pd.DataFrame({"usager": ["a", "b"], "horodatage": ["01/02/2024 10:00", "02/02/2024 11:00"]}, dtype="string")
    with pytest.raises(DataError) as info:
        infer_contact_mapping(log)
    assert "channel" in info.value.message


def test_codebook_with_contacts(drafted: Codebook, export: Path) -> None:
    frame = read_table(export)
    log = contact_log_frame(frame["ID de la réponse"].tolist()[:20], rows=100)
    book = infer_codebook(frame, contacts=log)
    assert book.contacts is not None and book.contacts.channel == "canal_contact"
    assert EXPECTED  # the export's expectations are shared with the survey tests


@pytest.mark.parametrize(
    ("header", "dimension", "reverse"),
    [
        ("Q1. Je me sens à l'aise avec un ordinateur", "digital_skill", False),
        ("Je fais mes démarches administratives en ligne", "online_use", False),
        ("Je connais les services en ligne de la ville", "awareness", False),
        ("Je n'ai pas confiance dans les sites publics", "trust", True),
        ("Je préfère parler à une personne", "human_contact", False),
        ("J'ai besoin d'aide pour remplir un formulaire", "autonomy", True),
        ("Avez-vous un accès à internet à domicile ?", "access", False),
        ("L'agent était aimable", None, False),
        ("L'aide en ligne est claire", None, False),
    ],
)
def test_dimension_guessed_only_when_the_header_names_it(header: str, dimension: str | None, reverse: bool) -> None:
    spec = infer_column(header, _text(AGREE * 4))
    assert (spec.dimension, spec.reverse) == (dimension, reverse)


AGREE = ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord"]


@pytest.mark.parametrize(
    ("values", "is_id"),
    [(["17", "18", "19"], True), (["R-042", "R-043", "R-044"], True), (["216.67", "12.5", "3"], False),
     (["a b", "c", "d"], False)],
)
def test_first_column_of_codes_is_the_id(values: list[str], is_id: bool) -> None:
    frame = pd.DataFrame({"x": values, "y": ["1", "1", "2"]}, dtype="string")
    assert (infer_codebook(frame).respondent_id == "x") is is_id


def test_microsoft_forms_xlsx_export(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom",
                  "Heure de la dernière modification", "Comment jugez-vous l'accueil ?",
                  "Utilisez-vous internet ?", "Votre âge", "Vos suggestions"])
    scale = ["Très difficile", "Plutôt difficile", "Plutôt facile", "Très facile"]
    for i in range(30):
        sheet.append([i + 1, f"3/{i % 28 + 1}/24 10:15:32", f"3/{i % 28 + 1}/24 10:19:02", "anonymous", None, None,
                      scale[i % 4], "Oui" if i % 3 else "Non", 20 + i, f"Proposition {i} : ouvrir le samedi matin"])
    path = tmp_path / "forms.xlsx"
    book.save(path)
    drafted = infer_codebook(read_table(path))
    assert drafted.respondent_id == "ID"
    types = {name: spec.type for name, spec in drafted.columns.items()}
    # "Adresse de messagerie" holds "anonymous" on every row: no personal data, left out as constant
    # (issue 18: a column dropped as personal data is one that holds personal data).
    assert types == {
        "Heure de début": "ignore", "Heure de fin": "ignore", "Adresse de messagerie": "ignore", "Nom": "pii",
        "Heure de la dernière modification": "ignore", "Comment jugez-vous l'accueil ?": "likert",
        "Utilisez-vous internet ?": "boolean", "Votre âge": "numeric", "Vos suggestions": "text",
    }
    assert drafted.columns["Comment jugez-vous l'accueil ?"].levels == scale


@pytest.mark.parametrize(
    ("values", "first", "last"),
    [
        (["Oui, plutôt", "Non, pas du tout", "Oui, tout à fait", "Non, plutôt pas"], "Non, pas du tout", "Oui, tout à fait"),
        (["Un peu", "Beaucoup", "Pas du tout", "Assez"], "Pas du tout", "Beaucoup"),
        (["Bien", "Très bien", "Moyen", "Mal", "Très mal"], "Très mal", "Très bien"),
        (["Très satisfaite", "Peu satisfaite", "Satisfaite", "Pas du tout satisfaite"], "Pas du tout satisfaite",
         "Très satisfaite"),
        (["Plutôt confiance", "Pas du tout confiance", "Tout à fait confiance"], "Pas du tout confiance",
         "Tout à fait confiance"),
    ],
)
def test_more_french_scales(values: list[str], first: str, last: str) -> None:
    spec = infer_column("item", _text(values * 4))
    assert spec.type == "likert"
    assert (spec.levels[0], spec.levels[-1]) == (first, last)


def test_unknown_scale_numbered_by_the_tool_is_ordered_by_its_numbers() -> None:
    values = ["3 - Assez utile", "1 - Inutile", "4 - Indispensable", "2 - Peu utile", "Ne sait pas"]
    spec = infer_column("Utilité du portail", _text(values * 3))
    assert spec.type == "likert"
    assert spec.levels == ["1 - Inutile", "2 - Peu utile", "3 - Assez utile", "4 - Indispensable"]
    forms = ["1 (Jamais utilisé)", "5 (Tous les jours)", "3 (Parfois)"]
    assert infer_column("Usage", _text(forms * 3)).levels == ["1 (Jamais utilisé)", "3 (Parfois)", "5 (Tous les jours)"]


def test_numbered_categories_stay_categories() -> None:
    values = ["1 - Agriculteurs exploitants", "2 - Artisans, commerçants", "3 - Cadres", "5 - Employés", "6 - Ouvriers"]
    assert infer_column("PCS", _text(values * 4)).type == "categorical"


# --- roles and dimensions in the draft ------------------------------------------------------------

AGREE_FR = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
            "Tout à fait d'accord"]
SORTING = ["Je trie mes déchets chaque semaine", "Le tri des déchets est utile",
           "Je composte mes déchets de cuisine"]
SORTING_REVERSED = "Trier ses déchets ne sert à rien"
OUTINGS = ["Les sorties culturelles me plaisent", "Je fais des sorties culturelles en famille",
           "Les sorties culturelles du week-end sont un plaisir"]
UNRELATED = ["Je prends le bus pour aller travailler", "J'ai un jardin"]


def two_factor_survey(n: int = 500, seed: int = 7) -> pd.DataFrame:
    """Two latent attitudes (waste sorting: 4 items, one reversed; cultural outings: 3 items), two
    unrelated items and two demographics. Written here, not by the demo generator."""
    rng = np.random.default_rng(seed)
    sorting, outings = rng.standard_normal(n), rng.standard_normal(n)

    def item(latent: np.ndarray, loading: float = 0.8) -> np.ndarray:
        value = loading * latent + np.sqrt(1 - loading ** 2) * rng.standard_normal(n)
        answers = np.asarray(AGREE_FR, dtype=object)[np.digitize(value, [-1.2, -0.4, 0.4, 1.2])]
        answers[rng.random(n) < 0.03] = None
        return answers

    frame = pd.DataFrame({"Identifiant": [f"R{i:04d}" for i in range(n)],
                          "Sexe": rng.choice(["Femme", "Homme"], n),
                          "Tranche d'âge": rng.choice(["18-29 ans", "30-44 ans", "45-59 ans", "60 ans et plus"], n)})
    for label in SORTING:
        frame[label] = item(sorting)
    frame[SORTING_REVERSED] = item(-sorting)
    for label in OUTINGS:
        frame[label] = item(outings)
    for label in UNRELATED:
        frame[label] = item(rng.standard_normal(n))
    frame["J'ai confiance dans les services en ligne"] = item(rng.standard_normal(n))
    return frame


@pytest.fixture(scope="module")
def two_factor_draft() -> Codebook:
    return infer_codebook(two_factor_survey().astype("string"))


def test_draft_proposes_the_two_latent_dimensions_with_reverse_flags_and_alpha(two_factor_draft: Codebook) -> None:
    dims = two_factor_draft.dimensions
    proposed = {name: dim for name, dim in dims.items() if name != "trust"}
    by_items = {frozenset(dim.items): dim for dim in proposed.values()}
    assert set(by_items) == {frozenset([*SORTING, SORTING_REVERSED]), frozenset(OUTINGS)}, dims
    for dim in proposed.values():
        assert dim.alpha is not None and dim.alpha > 0.7, (dim.name, dim.alpha)
    reversed_items = {name for name, spec in two_factor_draft.columns.items() if spec.reverse}
    assert reversed_items == {SORTING_REVERSED}
    for label in UNRELATED:
        assert two_factor_draft.columns[label].dimension is None


def test_proposed_dimensions_are_named_from_their_items_words(two_factor_draft: Codebook) -> None:
    names = {frozenset(dim.items): dim for dim in two_factor_draft.dimensions.values()}
    sorting = names[frozenset([*SORTING, SORTING_REVERSED])]
    outings = names[frozenset(OUTINGS)]
    assert "déchets" in sorting.label["fr"].lower() and sorting.label["fr"] == sorting.label["en"]
    assert outings.label["fr"].lower().startswith("sorties culturelles")
    assert sorting.name.isascii() and sorting.name.replace("_", "").isalnum()
    assert outings.name.startswith("sorties_culturelles")


def test_plainly_named_dimension_is_kept_and_demographics_are_descriptors(two_factor_draft: Codebook) -> None:
    assert two_factor_draft.columns["J'ai confiance dans les services en ligne"].dimension == "trust"
    assert two_factor_draft.columns["Sexe"].role == "descriptor"
    assert two_factor_draft.columns["Tranche d'âge"].role == "descriptor"
    assert {s.role for s in two_factor_draft.of_type("likert")} == {"basis"}


def test_draft_with_dimensions_round_trips_and_is_deterministic(two_factor_draft: Codebook) -> None:
    from workshop_data.yaml_safe import safe_load_text

    again = Codebook.from_dict(safe_load_text(two_factor_draft.to_yaml()))
    assert again.to_dict() == two_factor_draft.to_dict()
    assert infer_codebook(two_factor_survey().astype("string")).to_dict() == two_factor_draft.to_dict()


def test_items_without_common_factor_get_no_proposed_dimension() -> None:
    """Parallel analysis finds no factor in noise, where Kaiser's eigenvalue > 1 rule finds several."""
    from workshop_data.factors import item_scales, kaiser_factors, standardised

    rng = np.random.default_rng(3)
    noise = rng.integers(1, 6, size=(400, 8)).astype(float)
    assert item_scales(noise) == []
    assert kaiser_factors(standardised(noise)) >= 2
    frame = pd.DataFrame({f"Avis {i}": np.asarray(AGREE_FR, dtype=object)[noise[:, i].astype(int) - 1]
                          for i in range(8)})
    assert infer_codebook(frame.astype("string")).dimensions == {}


@pytest.mark.parametrize("header", ["Sexe", "Genre", "Quel est votre âge ?", "Dans quelle tranche d'âge êtes-vous ?",
                                    "Année de naissance", "Diplôme le plus élevé", "Niveau d'études", "Quartier",
                                    "Code postal", "Commune", "Nombre de personnes dans le foyer", "CSP",
                                    "Situation professionnelle", "Revenu mensuel du foyer", "Gender", "Age group",
                                    "Education level", "Household size", "Occupation", "Q3. Income"])
def test_demographic_headers_are_descriptors(header: str) -> None:
    values = pd.Series(["a", "b", "c", "a", "b"] * 4, dtype="string")
    assert infer_column(header, values).role == "descriptor"


@pytest.mark.parametrize("header", ["Connaissez-vous le site de la ville ?", "Avez-vous un ordinateur au foyer ?",
                                    "Je cherche un emploi en ligne", "Satisfaction", "Canal préféré"])
def test_other_headers_are_basis(header: str) -> None:
    values = pd.Series(["a", "b", "c", "a", "b"] * 4, dtype="string")
    assert infer_column(header, values).role == "basis"


def test_attitude_about_age_stays_basis() -> None:
    values = pd.Series(AGREE_FR * 4, dtype="string")
    assert infer_column("Mon âge me freine", values).role == "basis"
