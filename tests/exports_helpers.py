"""Hand-made workshops for the export tests: realistic, deterministic, with hostile names.

Built directly from personas.model (no clustering), so the export tests run alone and fast.
"""
from __future__ import annotations

from personas.model import Note, Persona, Workshop

HOSTILE_NAME = "« Léa & Œdipe <b> »"
ARCHETYPES = ("agile", "poorly_informed", "distrustful", "needs_support", "disconnected", "human_contact")
NAMES = (
    HOSTILE_NAME, "Karim, pressé et exigeant", "Odile ne se fie qu'au papier", "Jean-Michel & sa fille",
    "Maëlle, loin du numérique", "Gérard <i>au guichet</i>", "Sœur Anne", "Chloé l'autonome",
    "Yusuf, 3 démarches/an", "Bérénice & Co",
)
MIN_GROUP = 10
#: One quote a persona: documents print no quote twice.
QUOTES = (
    "Je préfère qu'on m'explique au téléphone, en ligne je ne sais jamais si c'est bien parti.",
    "Quand je sais où chercher, je règle tout en cinq minutes.",
    "On ne sait jamais ce que deviennent les papiers qu'on envoie.",
    "Les formulaires sont écrits pour des spécialistes, pas pour nous.",
    "J'aimerais qu'on me prévienne avant que le dossier expire.",
    "Le plus dur, c'est de savoir à quelle porte frapper.",
    "Une réponse claire dès la première fois, c'est tout ce que je demande.",
    "Je fais les choses à mon rythme, le soir, quand les enfants dorment.",
    "Trois démarches par an, et à chaque fois tout a changé.",
    "Je ne savais pas que cette démarche existait aussi en ligne.",
)


def _persona(i: int, name: str) -> Persona:
    base = 15 + (i * 37) % 70
    traits = {dim: float((base + 11 * j * (i + 1)) % 101) for j, dim in enumerate(
        ("digital_skill", "online_use", "awareness", "trust", "human_contact", "autonomy", "access"))}
    mix_raw = {"phone": 3 + i % 4, "counter": 1 + (i * 3) % 5, "email": 2, "web": 1 + (i * 7) % 9, "mail": i % 2}
    total = sum(mix_raw.values())
    size = 40 + i * 23
    return Persona(
        id=f"p{i + 1}",
        name=name,
        archetype=ARCHETYPES[i] if i < len(ARCHETYPES) else None,
        archetype_fit=round(0.9 - i * 0.05, 2) if i < len(ARCHETYPES) else None,
        size=size,
        share=round(size / 1500, 4),
        stability=(0.42, 0.63, 0.81, 0.92, 0.55, 0.77, None, 0.88, 0.49, 0.7)[i % 10],
        traits=traits,
        channel_mix={c: round(v / total, 4) for c, v in mix_raw.items()},
        contacts_per_person=2.5 + i / 4,
        digital_share=0.3,
        avoidable_share=round(0.1 + 0.05 * i, 3),
        avoidable_per_year=120.0 * (i + 1),
        repeat_rate=0.1,
        defining_traits=["awareness:low", "human_contact:high", "access:fair"],
        prevalence=size // 2 + 3,
        prevalence_share=0.55,
        representatives=[f"R-SECRET-{i}-1", f"R-SECRET-{i}-2"],
        centroid=[0.1, 0.2],
        quote=QUOTES[i % len(QUOTES)],
        quote_candidates=["Autre réponse <script>alert(1)</script>"],
        story="Vit seule dans le quartier nord, se déplace au guichet pour les démarches de l'état civil "
              "et les inscriptions scolaires de ses petits-enfants.",
        goals=["Obtenir une réponse du premier coup", "Savoir où en est sa demande"],
        frustrations=["Les sites changent tout le temps", "Attendre 20 minutes au téléphone"],
        needs=["Un interlocuteur identifié", "Un récapitulatif papier"],
        levers=["Mentionner le téléservice sur le message d'attente", "Envoyer le lien par SMS après l'appel"],
        notes=[Note(id=f"n{i}", service="Accueil", text="Vient souvent le lundi matin.",
                    created="2026-11-02T09:00:00Z")],
        validated=i % 3 == 0,
    )


def ten_persona_workshop(lang: str = "fr") -> Workshop:
    personas = [_persona(i, name) for i, name in enumerate(NAMES)]
    assignments = {}
    for persona in personas:
        for j in range(persona.size):
            assignments[f"R{persona.id}-{j:04d}"] = persona.id
    return Workshop(
        title="Atelier personas — Ville de Saint-Exemple",
        personas=personas,
        assignments=assignments,
        lang=lang,
        created="2026-10-01T08:00:00Z",
        updated="2026-11-20T16:30:00Z",
        sources=[
            {"role": "survey", "name": "enquete_usagers_2026.csv", "sha256": "ab12" * 16, "rows": 1500},
            {"role": "contacts", "name": "journal_contacts.parquet", "sha256": "cd34" * 16, "rows": 48210},
        ],
        settings={"method": "famd_kmeans", "k": 10, "seed": 42,
                  "features": [f"q{i}" for i in range(24)], "weights": {"traits": 1.0, "contacts": 1.0},
                  "bootstrap": 20, "min_size": MIN_GROUP},
        k_table=[{"k": k, "validity": round(0.2 + k / 50, 3), "stability": round(0.9 - k / 30, 3),
                  "archetypes": min(k, 6), "recommended": k == 6} for k in range(2, 11)],
        privacy={"removed_columns": [{"column": "courriel", "reason": "email"},
                                     {"column": "telephone", "reason": "phone"}],
                 "scrubbed": {"email": 12, "phone": 7}},
        min_group_size=MIN_GROUP,
    )


LONG = ("Cette personne raconte très longuement son parcours administratif, ses allers-retours entre "
        "le guichet et le téléphone, ses doutes sur la sécurité des données et ses difficultés. ")


def long_text_workshop() -> Workshop:
    """Ten personas whose every text field is far too long for a page; the last one is small."""
    ws = small_group_workshop()
    for persona in ws.personas:
        persona.quote = LONG * 4
        persona.story = LONG * 20
        for key in ("goals", "frustrations", "needs", "levers"):
            setattr(persona, key, [f"{key} {n} : " + LONG * 3 for n in range(12)])
        persona.notes = [Note(id=f"x{n}", service=f"Service n°{n} de la direction des usagers",
                              text=LONG * 5, created="2026-11-02T09:00:00Z") for n in range(10)]
        persona.defining_traits = ["awareness:low"] * 9
    worst = ws.personas[1]
    worst.name = "Karim, pressé et exigeant, qui veut tout faire en ligne sans jamais se déplacer ni appeler"
    worst.channel_mix = {c: 0.125 for c in ("phone", "counter", "email", "web", "mail", "chat", "social", "other")}
    return ws


def small_group_workshop() -> Workshop:
    """Ten personas, the last one under the minimum group size."""
    ws = ten_persona_workshop()
    ws.personas[-1].size = MIN_GROUP - 3
    ws.personas[-1].share = 0.004
    return ws


SERVICE_SCRIPT = "<script>window.__pwned=1</script>Zoé"
REASON_HOSTILE = '<img src=x onerror="window.__pwned=3"> *gras* | [clic](javascript:window.__pwned=5)'
RESERVATION = "Les aidants familiaux n'apparaissent pas assez ; à revoir avec le CCAS."


def validated_workshop(lang: str = "fr") -> Workshop:
    """Ten personas; services said something about the first two only, one of them in hostile words."""
    ws = ten_persona_workshop(lang)
    ws.personas[0].validations = {
        "Accueil": {"status": "recognised", "text": "", "date": "2026-11-24"},
        "Action sociale": {"status": "reservation", "text": RESERVATION, "date": "2026-11-25"},
        "État civil": {"status": "recognised", "text": "", "date": "2026-11-24"},
    }
    ws.personas[1].validations = {
        SERVICE_SCRIPT: {"status": "reservation", "text": REASON_HOSTILE, "date": "2026-11-26"},
        "Centre d'appels": {"status": "recognised", "text": "", "date": "2026-11-26"},
    }
    return ws


#: Six dimensions of a town's own codebook (thirteen traits with the built-in seven), one of them
#: with a long name and one with typed markup.
CUSTOM_DIMENSIONS = {
    "sans_papier": {"fr": "Habitudes sans papier", "en": "Paperless habits"},
    "anticipation": {"fr": "Anticipation des démarches", "en": "Planning ahead"},
    "serenite": {"fr": "Sérénité face au risque de se tromper dans une démarche en ligne",
                 "en": "Calm about making a mistake in an online procedure"},
    "entourage": {"fr": "Aide de l'entourage <b>proche</b>", "en": "Help from <b>relatives</b>"},
    "connexion": {"fr": "Qualité de la connexion", "en": "Connection quality"},
    "formulaires": {"fr": "Aisance avec les formulaires", "en": "Ease with forms"},
}


def custom_dimension_workshop(lang: str = "fr", base: Workshop | None = None) -> Workshop:
    """Ten personas measured on the seven built-in dimensions and the codebook's six own ones."""
    ws = base or ten_persona_workshop(lang)
    ws.codebook = {"respondent_id": "id", "columns": {}, "dimensions": {
        name: {"label": dict(label), "items": [f"q_{name}"]} for name, label in CUSTOM_DIMENSIONS.items()}}
    for i, persona in enumerate(ws.personas):
        persona.traits.update({name: float((7 + 13 * j + 29 * i) % 101) for j, name in enumerate(CUSTOM_DIMENSIONS)})
        persona.defining_traits = ["serenite:low", "awareness:high", "sans_papier:high"]
    ws.settings["features"] = ["trait:serenite", "trait:trust", "contacts_total"]
    return ws


def item_trait_workshop() -> Workshop:
    """A codebook without dimensions: each Likert item is a trait, named by its column's label."""
    ws = ten_persona_workshop()
    ws.codebook = {"respondent_id": "id", "columns": {
        "q_papier": {"type": "likert", "label": {"fr": "Je préfère le papier", "en": "I prefer paper"}},
        "q_agent": {"type": "likert", "label": "Parler à un agent"}}}
    for persona in ws.personas:
        persona.traits = {"q_papier": 72.0, "q_agent": 31.0, "q_sans_libelle": 55.0}
        persona.defining_traits = ["q_papier:high", "quartier=Nord"]
    return ws


#: A name of 120 characters, as a workgroup may type one.
NAME_120 = ("Martine, qui jongle entre son travail de nuit à l'hôpital, ses deux enfants et la mairie, "
            "et veut tout régler le samedi.")
NOTE = ("Au guichet de l'état civil, cette personne revient souvent avec les mêmes questions sur les pièces "
        "à fournir ; il faudrait lui remettre une fiche claire et lui indiquer la démarche en ligne. ")


def long_notes_workshop(lang: str = "fr") -> Workshop:
    """Six personas; the second has a 120-character name, eight long notes and long list items."""
    ws = ten_persona_workshop(lang)
    keep = {p.id for p in ws.personas[:6]}
    ws.personas = ws.personas[:6]
    ws.assignments = {r: p for r, p in ws.assignments.items() if p in keep}
    persona = ws.personas[1]
    persona.name = NAME_120
    persona.notes = [Note(id=f"L{n}", service=f"Service n°{n} — accueil des familles et état civil",
                          text=f"Note {n}. " + NOTE * 3, created="2026-11-02T09:00:00Z") for n in range(8)]
    for key in ("goals", "frustrations", "needs", "levers"):
        setattr(persona, key, [f"{key} {n} : " + NOTE for n in range(5)])
    persona.owner = "Direction de la relation aux usagers — pôle accueil"
    return ws


def twelve_persona_workshop(lang: str = "fr") -> Workshop:
    """Ten personas, and two more of the same kind (the overview's hardest case)."""
    ws = ten_persona_workshop(lang)
    for i, name in ((10, "Paulette, 82 ans, sans ordinateur"), (11, "Lucas, étudiant pressé")):
        persona = _persona(i, name)
        persona.quote = ""
        ws.personas.append(persona)
        for j in range(persona.size):
            ws.assignments[f"R{persona.id}-{j:04d}"] = persona.id
    return ws


TOPICS = ("État civil", "Déchets", "Inscription scolaire", "Stationnement", "Aides sociales", "Urbanisme")


def with_journeys(ws: Workshop) -> Workshop:
    """Each persona's contacts by topic and channel, as the build counts them from the log."""
    for i, persona in enumerate(ws.personas):
        persona.journey = [{"topic": topic, "channel": channel, "contacts": (7 * (i + 1) + 3 * t + 5 * c) % 40 + 1}
                           for t, topic in enumerate(TOPICS)
                           for c, channel in enumerate(("phone", "counter", "web"))]
        persona.journey.append({"topic": "", "channel": "mail", "contacts": 4})
    return ws
