"""Recovery on a survey from another generator: is the engine tuned to our own demo only?

An independent generator (written for this check; it shares no code or parameters with
workshop_data/sample.py): another questionnaire with other column names and French labels, a
7-point agreement item, 4-point satisfaction and 5-point frequency items, 0-10 ratings, reversed
items, a survey weight, skipped answers, a cp1252 ';' CSV, and a contact log with its own column
names and channel labels. Its codebook declares the trait dimensions. The files are read back
through intake (load_inputs), then clustered at k=6 and with k auto.

Target: ARI >= 0.90 at k=6, at least 5 of 6 archetypes named right, auto gives 5 to 7.

    python benchmarks/other_survey.py [--quick] [--seeds 3] [--respondents 2000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from clustering.pipeline import cluster  # noqa: E402
from personas.archetypes import count_archetype_fits, match_archetypes  # noqa: E402
from workshop_data.codebook import Codebook, ColumnSpec, ContactMapping, save_codebook  # noqa: E402
from workshop_data.intake import load_inputs  # noqa: E402

DIMS = ("digital_skill", "online_use", "awareness", "trust", "human_contact", "autonomy", "access")
# Latent level of each dimension (0-1) per planted profile, and its share of the population.
PROFILES = {
    "agile": ((0.85, 0.80, 0.78, 0.70, 0.22, 0.85, 0.92), 0.24),
    "poorly_informed": ((0.72, 0.30, 0.18, 0.62, 0.50, 0.70, 0.82), 0.20),
    "distrustful": ((0.60, 0.22, 0.58, 0.12, 0.58, 0.66, 0.72), 0.15),
    "needs_support": ((0.25, 0.28, 0.40, 0.60, 0.72, 0.18, 0.50), 0.15),
    "disconnected": ((0.08, 0.06, 0.25, 0.50, 0.75, 0.35, 0.08), 0.11),
    "human_contact": ((0.55, 0.38, 0.58, 0.66, 0.93, 0.56, 0.70), 0.15),
}
# contacts per year, channel mix (phone, counter, email, web, mail), share about online procedures, repeat probability
CONTACTS = {
    "agile": (2.0, (0.10, 0.04, 0.30, 0.56, 0.00), 0.20, 0.03),
    "poorly_informed": (9.0, (0.52, 0.34, 0.07, 0.05, 0.02), 0.80, 0.30),
    "distrustful": (4.5, (0.15, 0.48, 0.02, 0.01, 0.34), 0.50, 0.08),
    "needs_support": (7.0, (0.38, 0.55, 0.04, 0.01, 0.02), 0.45, 0.18),
    "disconnected": (4.5, (0.30, 0.52, 0.00, 0.00, 0.18), 0.35, 0.10),
    "human_contact": (6.0, (0.56, 0.40, 0.03, 0.01, 0.00), 0.45, 0.08),
}
CHANNEL_LABELS = {"phone": "Appel téléphonique", "counter": "Accueil mairie", "email": "Courriel",
                  "web": "Formulaire site", "mail": "Courrier postal"}
AGREE7 = ["1 - Pas du tout d'accord", "2", "3", "4 - Ni l'un ni l'autre", "5", "6", "7 - Tout à fait d'accord"]
SATISF4 = ["Pas du tout satisfait", "Peu satisfait", "Assez satisfait", "Très satisfait"]
FREQ5 = ["Jamais", "Rarement", "De temps en temps", "Souvent", "Très souvent"]
AGREE5 = ["Pas du tout d'accord", "Pas d'accord", "Neutre", "D'accord", "Tout à fait d'accord"]
# name: (dimension, scale kind, reversed, label)
ITEMS = {
    "q_internet_facile": ("digital_skill", "agree7", False, "Utiliser internet est facile pour moi"),
    "q_niveau_info": ("digital_skill", "note10", False, "Mon niveau en informatique (0 à 10)"),
    "q_frequence_teleservices": ("online_use", "freq5", False, "J'utilise les téléservices de la commune"),
    "q_satisf_site": ("online_use", "satisf4", False, "Satisfaction envers le site de la commune"),
    "q_courrier_plutot": ("online_use", "freq5", True, "Je préfère envoyer un courrier"),
    "q_sait_en_ligne": ("awareness", "agree5", False, "Je sais quelles démarches se font en ligne"),
    "q_ignore_offre": ("awareness", "agree5", True, "J'ignore ce que propose le site"),
    "q_confiance_site": ("trust", "agree5", False, "Je fais confiance au site de la commune"),
    "q_securite": ("trust", "note10", False, "Sécurité perçue des démarches en ligne (0 à 10)"),
    "q_besoin_agent": ("human_contact", "agree5", False, "J'ai besoin de parler à un agent"),
    "q_prefere_ecran": ("human_contact", "agree5", True, "Je préfère un écran à un guichet"),
    "q_seul": ("autonomy", "freq5", False, "Je m'en sors seul pour mes démarches"),
    "q_aide_famille": ("autonomy", "freq5", True, "Ma famille fait mes démarches à ma place"),
    "q_connexion": ("access", "satisf4", False, "Satisfaction envers ma connexion internet"),
    "q_materiel": ("access", "note10", False, "Équipement (ordinateur, tablette) à la maison (0 à 10)"),
}
SCALES = {"agree7": AGREE7, "satisf4": SATISF4, "freq5": FREQ5, "agree5": AGREE5}


def generate(n: int, seed: int, *, skip: float = 0.05, noise: float = 0.13) -> tuple[pd.DataFrame, pd.DataFrame, Codebook, pd.Series]:
    """(survey frame, contact log, codebook, truth) of a fresh survey."""
    rng = np.random.default_rng(10_000 + seed)
    names = list(PROFILES)
    shares = np.array([PROFILES[p][1] for p in names])
    who = rng.choice(len(names), size=n, p=shares / shares.sum())
    ids = np.array([f"U-{seed}-{i:06d}" for i in range(n)], dtype=object)
    means = np.array([PROFILES[p][0] for p in names])
    latent = np.clip(means[who] + rng.normal(0, noise, (n, len(DIMS))), 0, 1)
    survey = {"num_questionnaire": ids}
    for name, (dim, kind, reverse, _) in ITEMS.items():
        value = np.clip(latent[:, DIMS.index(dim)] + rng.normal(0, noise, n), 0, 1)
        if reverse:
            value = 1 - value
        if kind == "note10":
            answers = np.round(value * 10).astype(object)
        else:
            levels = SCALES[kind]
            answers = np.array(levels, dtype=object)[np.minimum((value * len(levels)).astype(int), len(levels) - 1)]
        answers[rng.random(n) < skip] = None
        survey[name] = answers
    survey["commune_residence"] = rng.choice(["Centre", "Nord", "Est", "Ouest", "Sud", "Périphérie"], n)
    survey["sexe"] = rng.choice(["Femme", "Homme"], n)
    survey["enfants_a_charge"] = rng.poisson(1.1, n)
    survey["poids_redressement"] = np.round(rng.uniform(0.5, 2.0, n), 3)
    frame = pd.DataFrame(survey)

    rows = []
    start = np.datetime64("2024-09-01T08:00")
    for i in range(n):
        rate, mix, online, repeat = CONTACTS[names[who[i]]]
        count = rng.poisson(rate * rng.gamma(5.0, 1 / 5.0))
        for _ in range(count):
            channel = list(CHANNEL_LABELS)[rng.choice(5, p=np.array(mix) / sum(mix))]
            topic = f"motif_{rng.integers(0, 12)}"
            is_online = rng.random() < online
            when = start + np.timedelta64(int(rng.integers(0, 365 * 24 * 60)), "m")
            rows.append((ids[i], str(when).replace("T", " "), CHANNEL_LABELS[channel], topic, "oui" if is_online else "non"))
            if rng.random() < repeat:
                later = when + np.timedelta64(int(rng.integers(60, 6 * 24 * 60)), "m")
                rows.append((ids[i], str(later).replace("T", " "), CHANNEL_LABELS[channel], topic, "oui" if is_online else "non"))
    contacts = pd.DataFrame(rows, columns=["identifiant", "date_heure", "mode", "motif", "faisable_en_ligne"])

    columns = {}
    for name, (dim, kind, reverse, label) in ITEMS.items():
        spec = ColumnSpec(name, "likert", reverse=reverse, dimension=dim, label={"fr": label, "en": label})
        if kind == "note10":
            spec.scale = (0.0, 10.0)
        else:
            spec.levels = list(SCALES[kind])
        columns[name] = spec
    columns["commune_residence"] = ColumnSpec("commune_residence", "categorical", label={"fr": "Secteur", "en": "Area"})
    columns["sexe"] = ColumnSpec("sexe", "categorical", label={"fr": "Sexe", "en": "Sex"})
    columns["enfants_a_charge"] = ColumnSpec("enfants_a_charge", "numeric", label={"fr": "Enfants à charge", "en": "Children"})
    mapping = ContactMapping(respondent_id="identifiant", timestamp="date_heure", channel="mode", topic="motif",
                             online_available="faisable_en_ligne",
                             channels={label: channel for channel, label in CHANNEL_LABELS.items()})
    codebook = Codebook(respondent_id="num_questionnaire", columns=columns, weight="poids_redressement",
                        contacts=mapping)
    truth = pd.Series(np.array(names, dtype=object)[who], index=pd.Index(ids.astype(str), name="respondent_id"))
    return frame, contacts, codebook, truth


def load(n: int, seed: int):
    frame, log, codebook, truth = generate(n, seed)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        frame.to_csv(folder / "enquete.csv", sep=";", index=False, encoding="cp1252")
        log.to_csv(folder / "contacts.csv", sep=";", index=False, encoding="cp1252")
        save_codebook(codebook, folder / "dictionnaire.yaml")
        inputs = load_inputs(folder / "enquete.csv", folder / "dictionnaire.yaml", folder / "contacts.csv")
    return inputs.survey, inputs.contact_table, inputs.period_days, truth.reindex(inputs.survey.data.index)


def run(seed: int, n: int) -> dict:
    survey, contacts, period, truth = load(n, seed)
    row = {"seed": seed, "n": len(truth)}
    start = time.perf_counter()
    six = cluster(survey, contacts, k=6, seed=seed, bootstrap=20, period_days=period)
    row["time_k6_s"] = round(time.perf_counter() - start, 1)
    row["ari_k6"] = round(adjusted_rand_score(truth, six.labels), 3)
    right = 0
    for profile, match in zip(six.profiles, match_archetypes(six.profiles)):
        right += int(match.archetype == truth[six.labels == profile.cluster].value_counts().idxmax())
    row["named_right"] = f"{right}/6"
    auto = cluster(survey, contacts, k="auto", seed=seed, bootstrap=20, period_days=period,
                   archetype_fit=count_archetype_fits)
    row["k_auto"] = auto.settings["k"]
    row["ari_auto"] = round(adjusted_rand_score(truth, auto.labels), 3)
    row["ari_kmeans_onehot"] = round(adjusted_rand_score(
        truth, cluster(survey, contacts, k=6, method="kmeans_onehot", seed=seed, bootstrap=0).labels), 3)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--respondents", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = []
    for seed in range(1 if args.quick else args.seeds):
        rows.append(run(seed, args.respondents))
        print(pd.DataFrame(rows[-1:]).to_string(index=False, header=len(rows) == 1), flush=True)
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False))
    ok = ((table["ari_k6"] >= 0.90).all()
          and table["named_right"].map(lambda s: int(s.split("/")[0]) >= 5).all()
          and table["k_auto"].between(5, 7).all())
    print(f"\ntarget (ARI >= 0.90 at k=6, >= 5/6 archetypes named right, auto in 5-7): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
