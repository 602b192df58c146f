"""A French survey export and a contact log as real tools write them, for the intake tests.

Deliberately independent of the toolkit's own sample generator: other column names, LimeSurvey
style headers, text Likert labels with typographic apostrophes and case variants, a 0-10 and a 1-7
item, PII columns and comments holding e-mails and phone numbers, ';' separated, cp1252, decimal
commas. ``EXPECTED`` says what a person would write in the codebook for each column.
"""
from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

AGREE5 = ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
          "Tout à fait d'accord"]
AGREE4 = ["Pas du tout d’accord", "Plutôt pas d’accord", "Plutôt d’accord", "Tout à fait d’accord"]
FREQ5 = ["Jamais", "Rarement", "Parfois", "Souvent", "Toujours"]
SATIS5 = ["Très insatisfait(e)", "Plutôt insatisfait(e)", "Ni satisfait(e) ni insatisfait(e)",
          "Plutôt satisfait(e)", "Très satisfait(e)"]
EASE5 = ["Très difficile", "Plutôt difficile", "Ni facile ni difficile", "Plutôt facile", "Très facile"]
AGREE_EN = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
AGES = ["18-24 ans", "25-34 ans", "35-49 ans", "50-64 ans", "65-74 ans", "75 ans et plus"]
QUARTIERS = ["Centre-ville", "Gare", "Les Coteaux", "Hautepierre", "Neudorf", "Cronenbourg", "Port du Rhin",
             "Robertsau"]
FIRST = ["Marie", "Jean", "Nathalie", "Pierre", "Sophie", "Michel", "Isabelle", "Philippe", "Catherine", "Éloïse"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Lefèvre", "Garnier", "Rousseau", "Faure", "Mercier"]
COMMENTS = [
    "Le site de la mairie est difficile à utiliser, je préfère venir au guichet.",
    "Très bon accueil au service état civil, merci à l’équipe !",
    "Je ne savais pas qu'on pouvait faire la demande de carte d'identité en ligne.",
    "Trop d'attente au téléphone, j'ai rappelé trois fois pour la même chose.",
    "Mon fils m'aide pour les démarches sur internet, seul je n'y arrive pas.",
    "Je n'ai pas confiance dans les sites pour donner mes papiers, je préfère le courrier.",
    "Il faudrait des horaires d'ouverture plus larges le samedi matin, c'est œuvre utile.",
    "Pas d'ordinateur à la maison, et le smartphone je m'en sers peu.",
    "Tout est simple sur le portail, j'ai payé la cantine en deux minutes.",
    "On m’a demandé des pièces justificatives que j’avais déjà envoyées, coût 25 € de photocopies.",
]
PII_IN_COMMENTS = [
    "Rappelez-moi au 06 12 34 56 78 svp, la démarche est bloquée.",
    "Vous pouvez m'écrire à jeanne.martin@example.fr pour la suite.",
    "Mon numéro : +33 7 98 76 54 32, je suis joignable le matin.",
    "Contact : p.durand@mail.example.com ou 01.45.67.89.10",
    "Je m’appelle Sophie Garnier et j’attends toujours ma réponse.",
]

# What a person would put in the codebook: type, and levels (in order) or scale.
EXPECTED: dict[str, dict] = {
    "ID de la réponse": {"type": "id"},
    "Date de soumission": {"type": "ignore"},
    "Dernière page": {"type": "ignore"},
    "Langue de départ": {"type": "ignore"},
    "Q1. Je me sens à l'aise avec un ordinateur": {"type": "likert", "levels": AGREE5},
    "Q2. Je fais mes démarches administratives en ligne": {"type": "likert", "levels": FREQ5},
    "Q3. Je connais les services en ligne de la ville": {"type": "likert", "levels": AGREE4},
    "Q4. J'ai confiance dans la sécurité des sites publics": {"type": "likert", "levels": AGREE5},
    "Q5. Je préfère parler à une personne plutôt qu'à une machine": {"type": "likert", "levels": AGREE5},
    "Q6. Votre satisfaction à l'égard de l'accueil": {"type": "likert", "levels": SATIS5},
    "Q7. Trouver l'information sur le site est...": {"type": "likert", "levels": EASE5},
    "Q8. Sur une échelle de 0 à 10, recommanderiez-vous le portail ?": {"type": "likert", "scale": [0, 10]},
    "Q9. De 1 à 7, je me débrouille seul(e) pour mes démarches": {"type": "likert", "scale": [1, 7]},
    "Q10. J'ai besoin d'aide pour remplir un formulaire en ligne": {"type": "likert", "levels": FREQ5},
    "Q11. I find public websites easy to trust": {"type": "likert", "levels": AGREE_EN},
    "Q12. Avez-vous un accès à internet à domicile ?": {"type": "boolean"},
    "Tranche d'âge": {"type": "categorical"},
    "Nombre de personnes dans le foyer": {"type": "numeric"},
    "Revenu mensuel du foyer (€)": {"type": "numeric"},
    "Quartier": {"type": "categorical"},
    "Adresse e-mail": {"type": "pii"},
    "Téléphone": {"type": "pii"},
    "Nom": {"type": "pii"},
    "Commentaires": {"type": "text"},
    "Pondération": {"type": "weight"},
}


def _variant(label: str, rng: random.Random) -> str:
    """Spell a label as exports do: sometimes lower case, typographic apostrophe, trailing space."""
    roll = rng.random()
    if roll < 0.08:
        return label.lower()
    if roll < 0.16:
        return label.replace("'", "’")
    if roll < 0.2:
        return label + " "
    return label


def _phone(rng: random.Random) -> str:
    digits = [rng.randint(10, 99) for _ in range(4)]
    style = rng.randrange(3)
    first = rng.choice(["06", "07", "01", "03"])
    if style == 0:
        return first + " " + " ".join(f"{d:02d}" for d in digits)
    if style == 1:
        return first + "." + ".".join(f"{d:02d}" for d in digits)
    return "+33 " + first[1] + " " + " ".join(f"{d:02d}" for d in digits)


def french_survey_rows(n: int = 240, seed: int = 0) -> list[dict[str, str]]:
    """Rows of a realistic export, as the text a survey tool writes."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        level = rng.random()  # one latent attitude drives several items, like real answers

        def pick(levels: list[str], skip: float = 0.04, dont_know: bool = False) -> str:
            if rng.random() < skip:
                return "Ne sait pas" if dont_know and rng.random() < 0.5 else ""
            pos = min(len(levels) - 1, max(0, int(rng.gauss(level * len(levels), 1.0))))
            return _variant(levels[pos], rng)

        first, last = rng.choice(FIRST), rng.choice(LAST)
        comment = ""
        roll = rng.random()
        if roll < 0.12:
            comment = rng.choice(PII_IN_COMMENTS)
        elif roll < 0.75:
            comment = rng.choice(COMMENTS)
            if rng.random() < 0.5:
                comment += " " + rng.choice(COMMENTS)
        income = rng.randint(900, 6000) + rng.choice([0, 0.5, 0.25])
        rows.append({
            "ID de la réponse": str(1000 + i * 3),
            "Date de soumission": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                                  f"{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
            "Dernière page": str(rng.choice([4, 5, 5, 5])),
            "Langue de départ": "fr",
            "Q1. Je me sens à l'aise avec un ordinateur": pick(AGREE5),
            "Q2. Je fais mes démarches administratives en ligne": pick(FREQ5),
            "Q3. Je connais les services en ligne de la ville": pick(AGREE4),
            "Q4. J'ai confiance dans la sécurité des sites publics": pick(AGREE5, dont_know=True, skip=0.1),
            "Q5. Je préfère parler à une personne plutôt qu'à une machine": pick(AGREE5[::-1]),
            "Q6. Votre satisfaction à l'égard de l'accueil": pick(SATIS5),
            "Q7. Trouver l'information sur le site est...": pick(EASE5),
            "Q8. Sur une échelle de 0 à 10, recommanderiez-vous le portail ?": pick([str(k) for k in range(11)]),
            "Q9. De 1 à 7, je me débrouille seul(e) pour mes démarches": pick([str(k) for k in range(1, 8)]),
            "Q10. J'ai besoin d'aide pour remplir un formulaire en ligne": pick(FREQ5[::-1]),
            "Q11. I find public websites easy to trust": pick(AGREE_EN),
            "Q12. Avez-vous un accès à internet à domicile ?": "Oui" if rng.random() < 0.85 else "Non",
            "Tranche d'âge": rng.choice(AGES),
            "Nombre de personnes dans le foyer": str(rng.choice([1, 1, 2, 2, 2, 3, 4, 5, 6])),
            "Revenu mensuel du foyer (€)": f"{income:,.2f}".replace(",", "\u00a0").replace(".", ","),
            "Quartier": rng.choice(QUARTIERS),
            "Adresse e-mail": "" if rng.random() < 0.3 else f"{first.lower()}.{last.lower()}{i}@example.fr"
                              .replace("é", "e").replace("ï", "i").replace("è", "e"),
            "Téléphone": "" if rng.random() < 0.4 else _phone(rng),
            "Nom": last if rng.random() < 0.8 else f"{first} {last}",
            "Commentaires": comment,
            "Pondération": f"{rng.uniform(0.4, 2.2):.4f}".replace(".", ","),
        })
    return rows


def write_french_export(path: Path, n: int = 240, seed: int = 0, *, encoding: str = "cp1252",
                        sep: str = ";") -> Path:
    """Write the export as a French spreadsheet saves it: ';', cp1252, CRLF, quoted where needed."""
    frame = pd.DataFrame(french_survey_rows(n, seed))
    path.write_bytes(frame.to_csv(sep=sep, index=False, lineterminator="\r\n").encode(encoding))
    return path


def contact_log_frame(ids: list[str], seed: int = 0, rows: int = 600) -> pd.DataFrame:
    """A contact log as a relationship-service tool exports it, all text."""
    rng = random.Random(seed)
    channels = ["Appel", "Guichet", "Courriel", "Téléservice", "Courrier", "Tchat", "Facebook", "Pigeon voyageur"]
    topics = ["État civil", "Déchets", "Inscription scolaire", "Stationnement", "Cantine"]
    out = []
    for _ in range(rows):
        out.append({
            "n_ticket": str(rng.randint(10_000, 99_999)),
            "usager": rng.choice(ids),
            "horodatage": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024 {rng.randint(8, 18):02d}:"
                          f"{rng.randint(0, 59):02d}",
            "canal_contact": rng.choice(channels),
            "objet": rng.choice(topics),
            "dispo_en_ligne": rng.choice(["oui", "non"]),
        })
    return pd.DataFrame(out).astype("string")


def codebook_score(book, expected: dict[str, dict] = EXPECTED) -> tuple[float, list[str]]:
    """Share of columns whose inferred type (and level order, or scale) is right, and the wrong ones."""
    from workshop_data.infer import fold_label

    wrong = []
    for column, want in expected.items():
        kind = want["type"]
        if kind == "id":
            ok = book.respondent_id == column
        elif kind == "weight":
            ok = book.weight == column
        else:
            spec = book.columns.get(column)
            ok = spec is not None and spec.type == kind
            if ok and "levels" in want:
                ok = [fold_label(v) for v in spec.levels or []] == [fold_label(v) for v in want["levels"]]
            if ok and "scale" in want:
                ok = spec.scale is not None and list(spec.scale) == [float(v) for v in want["scale"]]
        if not ok:
            wrong.append(column)
    return 1 - len(wrong) / len(expected), wrong
