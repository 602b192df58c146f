"""Surveys with planted profiles, in the shapes and conventions of real exports (families benchmark).

Written apart from the project: this module imports nothing from it and knows nothing of how it
clusters. It plays the part of the world: people belong to profiles (or to none), answer items
that measure latent traits, carry demographics and file bookkeeping, contact the services, and the
file comes out the way survey tools and institutes export it.

The respondent model, shared by every family:

- ``K`` profiles, each a point in a space of ``D`` latent traits (one to eight items each); a
  respondent's traits are their profile's point plus Gaussian spread. Undivided populations have
  no profiles: one general factor, or two correlated factors.
- An item reads its trait with a loading and noise, possibly reverse-keyed, then is cut into the
  scale's steps at thresholds of its own (skewed margins). Response styles shift (acquiescence) or
  stretch (extreme answers) a respondent's raw answers before the cut. Skipped answers are blanks.
- A contact log, when the family has one, draws each respondent's number of contacts (negative
  binomial) and channels from their profile's habits.

Each family (``FAMILIES``) picks K, the traits, the extra columns and the export conventions
(``Dialect``: column naming, labels or codes, separator, encoding, decimal mark) from its own
seeded random stream, so ``make_survey(family, seed, n)`` is the same survey on every machine.
"""
from __future__ import annotations

import json
import string
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

FAMILIES = {
    "a": "trait items only",
    "b": "nuisance columns: demographics, a stray number, random categories, free text",
    "c": "descriptors correlated with the traits",
    "d": "1 to 8 items per trait, and items that measure nothing",
    "e": "response styles, 5/7/11-point scales, 10-30 % skipped",
    "f": "small profiles (3-5 %) and very unequal shares",
    "g": "profiles that differ only by contact habits",
    "h": "no contact log",
    "i": "undivided population (one factor, or two correlated)",
}

# K for seed s of a family is KS[family][s % len]: together they span 2 to 10.
KS = {
    "a": [2, 3, 4, 5, 6, 7, 8, 10],
    "b": [3, 4, 5, 6, 7, 8, 4, 6],
    "c": [3, 4, 5, 6, 7, 5, 4, 6],
    "d": [3, 4, 5, 6, 7, 8, 5, 6],
    "e": [3, 4, 5, 6, 7, 4, 5, 6],
    "f": [4, 5, 6, 7, 8, 9, 5, 6],
    "g": [2, 3, 4, 5, 3, 4, 2, 5],
    "h": [3, 4, 5, 6, 8, 9, 10, 6],
    "i": [1],
}

# Kinds of column, recorded in the truth: what each column is, whatever its name says.
STRUCTURE_KINDS = {"item"}          # carry the planted structure
ANSWER_KINDS = {"item", "noise_item", "category", "stray"}   # what an analyst clusters on
NO_STRUCTURE_KINDS = {"noise_item", "category", "stray", "demographic", "id", "weight", "design"}
# linked_demographic: a demographic that follows a trait (family c); it describes, it is not clustered

SEPARATION = 2.4     # least distance between two profiles' centres, in latent units
WITHIN = 0.45        # spread of a respondent's traits around their profile's centre

CHANNELS = ["phone", "counter", "email", "web", "mail", "chat"]
CHANNEL_WORDS = {
    "fr": {"phone": "Téléphone", "counter": "Accueil physique", "email": "Courriel", "web": "Formulaire en ligne",
           "mail": "Courrier", "chat": "Tchat"},
    "en": {"phone": "Phone", "counter": "Front desk", "email": "E-mail", "web": "Web form", "mail": "Letter",
           "chat": "Chat"},
}
TOPICS = {
    "fr": ["État civil", "Déchets", "Inscription scolaire", "Stationnement", "Aides sociales", "Urbanisme"],
    "en": ["Civil records", "Waste collection", "School enrolment", "Parking", "Benefits", "Planning"],
}

SCALE_WORDS = {
    "fr": [
        ["Pas du tout d'accord", "Plutôt pas d'accord", "Ni d'accord ni pas d'accord", "Plutôt d'accord",
         "Tout à fait d'accord"],
        ["Jamais", "Rarement", "Parfois", "Souvent", "Toujours"],
        ["Très difficile", "Plutôt difficile", "Ni facile ni difficile", "Plutôt facile", "Très facile"],
        ["Pas du tout satisfait", "Peu satisfait", "Moyennement satisfait", "Satisfait", "Très satisfait"],
    ],
    "en": [
        ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
        ["Never", "Rarely", "Sometimes", "Often", "Always"],
        ["Very difficult", "Fairly difficult", "Neither easy nor difficult", "Fairly easy", "Very easy"],
        ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
    ],
}

# Stems for item names, one per trait, in each naming convention.
THEMES = [
    ("num", "digital", "netu"), ("conf", "trust", "trst"), ("info", "aware", "infk"), ("cont", "contact", "pcnt"),
    ("auto", "alone", "indp"), ("acces", "access", "accs"), ("delai", "speed", "wtim"), ("satis", "satisf", "stfs"),
]
FR_WORDS = ["admin", "site", "ordi", "smartph", "formul", "mairie", "caf", "impots", "agent", "tel", "guichet",
            "courrier", "appli", "compte", "docs", "proche", "rdv", "paiem"]
EN_WORDS = ["website", "forms", "phone", "agent", "office", "account", "app", "letters", "help", "online", "data",
            "services", "booking", "payment", "docs", "family"]
ESS_SUFFIXES = ["prl", "plc", "lgl", "web", "ofc", "app", "srv", "hlp", "dgt", "adm", "pay", "doc"]

FREE_TEXT = {
    "fr": ["RAS", "Le site est trop lent.", "Personnel aimable.", "Trop d'attente au téléphone",
           "Je préfère venir sur place", "Formulaire incompréhensible", "Merci", "rien à signaler"],
    "en": ["Nothing to add", "The website is slow.", "Friendly staff.", "Too long on hold",
           "I prefer to come in person", "Confusing form", "Thanks", "n/a"],
}


@dataclass(frozen=True)
class Dialect:
    """How the file is written: the habits of one survey tool or institute."""

    language: str       # fr | en
    naming: str         # qcode | grid | fr_abbrev | en_snake | ess
    coding: str         # labels | numbers
    sep: str
    encoding: str       # utf-8 | utf-8-sig | cp1252
    decimal: str


@dataclass
class Survey:
    """One generated survey: what is written to files, and the truth that is not."""

    family: str
    seed: int
    k: int                                   # planted profiles (1: undivided)
    frame: pd.DataFrame                      # the survey as exported
    truth: np.ndarray                        # profile of each row (all 0 when undivided)
    kinds: dict[str, str]                    # column -> id | weight | design | demographic | item | ...
    scales: dict[str, list]                  # answer column -> its ordered answer values as written
    dialect: Dialect
    contacts: pd.DataFrame | None = None
    contact_columns: dict[str, str] = field(default_factory=dict)   # role -> column name in the log
    channel_words: dict[str, str] = field(default_factory=dict)     # canonical channel -> word in the log
    id_column: str | None = None
    note: str = ""


def family_rng(family: str, seed: int, n: int) -> np.random.Generator:
    return np.random.default_rng([ord(family), seed, n, 18])


def make_survey(family: str, seed: int, n: int = 2000) -> Survey:
    """The survey of ``family`` at ``seed`` with ``n`` respondents: same input, same survey."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; expected one of {', '.join(FAMILIES)}")
    rng = family_rng(family, seed, n)
    k = KS[family][seed % len(KS[family])]
    return _Builder(family, seed, n, k, rng).build()


class _Builder:
    """Assembles one survey; each family is a recipe over the same parts."""

    def __init__(self, family: str, seed: int, n: int, k: int, rng: np.random.Generator) -> None:
        self.family, self.seed, self.n, self.k, self.rng = family, seed, n, k, rng
        self.dialect = _dialect(rng, family)
        self.columns: dict[str, pd.Series | np.ndarray] = {}
        self.kinds: dict[str, str] = {}
        self.scales: dict[str, list] = {}
        self.names = _Namer(self.dialect, rng)

    # ---- the recipe --------------------------------------------------------------------------
    def build(self) -> Survey:
        f, rng = self.family, self.rng
        dims = int(rng.integers(4, 7)) if self.k <= 6 else int(rng.integers(5, 8))
        if f == "g":
            dims = int(rng.integers(3, 6))
        labels = self._labels()
        latent, note = self._latent(labels, dims)
        has_log = f != "h" and not (f == "i" and self.seed % 2 == 1)
        with_id = has_log or rng.random() < 0.7
        if with_id:
            self._id()
        if f in ("b", "c", "f", "h", "i") or (f == "g" and rng.random() < 0.5):
            self._weights()
        if f in ("b", "i"):
            self._design()
        self._items(latent, labels)
        if f == "b" or (f == "i" and self.seed % 4 < 2):
            self._demographics(latent, correlated=False)
            self._stray_number()
            self._random_categories(int(rng.integers(1, 4)))
            self._free_text()
        elif f == "c":
            self._demographics(latent, correlated=True)
        elif f in ("g", "h"):
            self._demographics(latent, correlated=False)
        frame = self._frame()
        survey = Survey(f, self.seed, self.k, frame, labels, dict(self.kinds), dict(self.scales), self.dialect,
                        note=note, id_column=self._id_name if with_id else None)
        if has_log:
            self._contacts(survey, labels, latent)
        return survey

    def _labels(self) -> np.ndarray:
        """Profile of each respondent; shares even, uneven, or with small profiles (family f)."""
        n, k, rng = self.n, self.k, self.rng
        if k == 1:
            return np.zeros(n, dtype=int)
        if self.family == "f":
            small = int(rng.integers(1, 3))
            small_shares = rng.uniform(0.03, 0.05, size=small)
            rest = rng.dirichlet(np.full(k - small, 0.9))
            rest = 0.05 + rest * (1 - small_shares.sum() - 0.05 * (k - small))
            shares = np.concatenate([small_shares, rest])
        else:
            shares = rng.dirichlet(np.full(k, 6.0))
        shares = shares / shares.sum()
        counts = np.floor(shares * n).astype(int)
        counts[np.argmax(counts)] += n - counts.sum()
        labels = np.repeat(np.arange(k), counts)
        return rng.permutation(labels)

    def _latent(self, labels: np.ndarray, dims: int) -> tuple[np.ndarray, str]:
        """Latent trait scores (n x dims), standardised to about unit variance per trait."""
        rng, n = self.rng, self.n
        if self.family == "i":
            if self.seed % 2 == 0:
                general = rng.normal(size=(n, 1))
                loadings = rng.uniform(0.6, 0.9, size=(1, dims))
                latent = general @ loadings + rng.normal(size=(n, dims)) * np.sqrt(1 - loadings**2)
                return latent, "one general factor"
            r = rng.uniform(0.3, 0.6)
            factors = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], size=n)
            which = rng.integers(0, 2, size=dims)
            which[:2] = [0, 1]
            loadings = rng.uniform(0.6, 0.9, size=dims)
            latent = factors[:, which] * loadings + rng.normal(size=(n, dims)) * np.sqrt(1 - loadings**2)
            return latent, f"two factors correlated {r:.2f}"
        if self.family == "g":
            return rng.normal(size=(n, dims)), "items without profiles; habits differ"
        centres = _separated_points(rng, self.k, dims, spread=1.5, min_distance=SEPARATION)
        within = WITHIN
        latent = centres[labels] + rng.normal(scale=within, size=(n, dims))
        return latent / np.sqrt(1.5**2 / 3 + within**2), ""

    # ---- columns -----------------------------------------------------------------------------
    def _add(self, name: str, values, kind: str, scale: list | None = None) -> None:
        self.columns[name] = values
        self.kinds[name] = kind
        if scale is not None:
            self.scales[name] = scale

    def _id(self) -> None:
        rng, n, naming = self.rng, self.n, self.dialect.naming
        style = rng.integers(0, 3)
        if naming == "ess":
            name, values = "idno", np.sort(rng.choice(np.arange(10_000, 99_999), size=n, replace=False))
        elif naming == "grid":
            letters = np.array(list(string.ascii_letters + string.digits))
            name = "ResponseId"
            values = np.array(["R_" + "".join(rng.choice(letters, 15)) for _ in range(n)])
        elif style == 0:
            name, values = self.names.pick(["id", "ID", "numero", "n_quest", "resp_id"]), np.arange(1, n + 1)
        elif style == 1:
            prefix = "Q" if self.dialect.language == "en" else "U"
            name = self.names.pick(["id_repondant", "respondent_id", "identifiant", "case_id"])
            values = np.array([f"{prefix}{i:05d}" for i in rng.permutation(np.arange(1, n + 1))])
        else:
            name = self.names.pick(["numero", "id", "record", "idrep"])
            values = rng.choice(np.arange(100_000, 999_999), size=n, replace=False)
        self._id_name = name
        self._add(name, values, "id")

    def _weights(self) -> None:
        rng, n, naming = self.rng, self.n, self.dialect.naming
        base = np.round(rng.lognormal(0, 0.35, size=n), 4)
        if naming == "ess":
            self._add("dweight", base, "weight")
            self._add("pspwght", np.round(base * rng.lognormal(0, 0.15, size=n), 4), "weight")
            self._add("pweight", np.full(n, 0.8741), "weight")
        else:
            name = {"fr": ["poids", "ponderation", "pond", "poids_redr"],
                    "en": ["weight", "wt", "final_weight", "pweight"]}[self.dialect.language]
            self._add(self.names.pick(name), base, "weight")

    def _design(self) -> None:
        rng, n, naming, lang = self.rng, self.n, self.dialect.naming, self.dialect.language
        strata = rng.integers(1, 13, size=n)
        psu = strata * 100 + rng.integers(1, 20, size=n)
        days = pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 60, size=n), unit="D")
        minutes = np.round(rng.gamma(6, 3.5, size=n), 1)
        if naming == "ess":
            self._add("essround", np.full(n, 11), "design")
            self._add("cntry", np.full(n, "FR"), "design")
            self._add("stratum", strata, "design")
            self._add("psu", psu, "design")
            self._add("inwdds", days.day.to_numpy(), "design")
            self._add("inwmms", days.month.to_numpy(), "design")
            self._add("inwtm", np.round(minutes).astype(int), "design")
            return
        if naming == "grid":
            start = days + pd.to_timedelta(rng.integers(8 * 3600, 20 * 3600, size=n), unit="s")
            self._add("StartDate", start.strftime("%Y-%m-%d %H:%M:%S").to_numpy(), "design")
            self._add("Duration (in seconds)", np.round(minutes * 60).astype(int), "design")
            self._add("Finished", np.ones(n, dtype=int), "design")
            return
        words = {"fr": ["strate", "upp", "prob_sel", "date_enq", "duree_min", "vague"],
                 "en": ["stratum", "psu", "sel_prob", "interview_date", "duration_min", "wave"]}[lang]
        self._add(words[0], strata, "design")
        self._add(words[1], psu, "design")
        self._add(words[2], np.round(rng.uniform(0.0004, 0.003, size=n), 6), "design")
        self._add(words[3], days.strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d").to_numpy(), "design")
        self._add(words[4], minutes, "design")
        self._add(words[5], np.full(n, "2025-1"), "design")

    def _items(self, latent: np.ndarray, labels: np.ndarray) -> None:
        """Items measuring the traits; family d varies their number and adds items measuring nothing."""
        rng, f = self.rng, self.family
        dims = latent.shape[1]
        if f == "d":
            per_dim = rng.integers(1, 9, size=dims)
            per_dim[rng.integers(dims)] = 1
            per_dim[rng.integers(dims)] = 8
        else:
            per_dim = rng.integers(3, 6, size=dims)
        style = _ResponseStyle(rng, self.n, f == "e")
        skip = rng.uniform(0.10, 0.30) if f == "e" else rng.uniform(0.0, 0.03)
        blocks = []
        for d in range(dims):
            points = int(rng.choice([5, 7, 11])) if f == "e" else int(rng.choice([5, 5, 5, 4, 7]))
            words = self._scale_words(points)
            items = []
            for _ in range(per_dim[d]):
                raw = rng.uniform(0.7, 1.0) * latent[:, d] + rng.normal(scale=0.55, size=self.n)
                reverse = rng.random() < 0.25
                items.append((("item", d), -raw if reverse else raw, points, words))
            blocks.append(items)
        if f == "d":
            blocks.append([(("noise_item", None), rng.normal(size=self.n), 5, self._scale_words(5))
                           for _ in range(int(rng.integers(2, 5)))])
        ordered = [item for block in blocks for item in block]
        if rng.random() < 0.3:       # some questionnaires mix the items of different traits
            ordered = [ordered[i] for i in rng.permutation(len(ordered))]
        for (kind, d), raw, points, words in ordered:
            answer = _cut(style.apply(raw), points, rng)
            values = np.array(words, dtype=object)[answer] if words else answer + (0 if points == 11 else 1)
            scale = list(words) if words else list(range(0, 11) if points == 11 else range(1, points + 1))
            mask = rng.random(self.n) < skip
            column = pd.Series(values, dtype=object)
            column[mask] = None
            self._add(self.names.item(d), column, kind, scale)

    def _scale_words(self, points: int) -> list[str] | None:
        if self.dialect.coding != "labels" or points != 5:
            return None
        sets = SCALE_WORDS[self.dialect.language]
        return sets[int(self.rng.integers(len(sets)))]

    def _demographics(self, latent: np.ndarray, correlated: bool) -> None:
        """Age, gender, education, household, place; with ``correlated``, age and education follow trait 0."""
        rng, n, lang, naming = self.rng, self.n, self.dialect.language, self.dialect.naming
        skill = latent[:, 0] / latent[:, 0].std() if correlated else rng.normal(size=n)
        age = np.clip(np.round(48 - (11 if correlated else 0) * skill + rng.normal(0, 16 if not correlated else 11, n)),
                      18, 95).astype(int)
        educ = np.clip(np.round(12.5 + (2.2 if correlated else 0) * skill + rng.normal(0, 2.5, n)), 6, 22).astype(int)
        gender = rng.choice([1, 2], size=n, p=[0.48, 0.52])
        household = np.clip(rng.poisson(1.4, size=n) + 1, 1, 8)
        place = rng.integers(1, 6, size=n)
        linked = "linked_demographic" if correlated else "demographic"
        if naming == "ess":
            self._add("agea", age, linked)
            self._add("gndr", gender, "demographic")
            self._add("eduyrs", educ, linked)
            self._add("hinctnta", np.clip(np.round(5.5 + (1.5 if correlated else 0) * skill + rng.normal(0, 2.3, n)),
                                          1, 10).astype(int), linked)
            self._add("domicil", place, "demographic")
            return
        if naming in ("qcode", "grid") and rng.random() < 0.5:
            prefix = "QD" if naming == "grid" else "qd"
            self._add(f"{prefix}1", age, linked)
            self._add(f"{prefix}2", gender, "demographic")
            self._add(f"{prefix}3", np.digitize(educ, [9, 12, 14, 16, 18]) + 1, linked)
            return
        if lang == "fr":
            sexe = np.where(gender == 1, "Homme", "Femme") if rng.random() < 0.5 else np.where(gender == 1, "H", "F")
            self._add("sexe", sexe, "demographic")
            if rng.random() < 0.5:
                self._add("age", age, linked)
            else:
                bands = np.array(["18-29 ans", "30-44 ans", "45-59 ans", "60-74 ans", "75 ans et +"])
                self._add("tranche_age", bands[np.digitize(age, [30, 45, 60, 75])], linked)
            self._add("dipl", np.digitize(educ, [9, 12, 14, 16, 18]) + 1, linked)
            self._add("nb_personnes_foyer", household, "demographic")
            self._add(self.names.pick(["tu", "commune", "quartier"]), place, "demographic")
        else:
            self._add("gender", np.where(gender == 1, "Male", "Female"), "demographic")
            self._add("age", age, linked)
            levels = np.array(["Primary", "Lower secondary", "Upper secondary", "Vocational", "Bachelor", "Master+"])
            self._add("education", levels[np.digitize(educ, [9, 12, 14, 16, 18])], linked)
            self._add("household_size", household, "demographic")
            self._add("region", np.array(["North", "South", "East", "West", "Centre"])[place - 1], "demographic")

    def _stray_number(self) -> None:
        """One numeric answer that carries nothing: a count, or a score someone computed."""
        rng, n = self.rng, self.n
        if rng.random() < 0.5:
            names = {"fr": ["nb_visites_an", "nbre_enfants_scol", "qte_courriers"],
                     "en": ["n_visits_year", "num_children", "letters_received"]}
            values = rng.poisson(2.0, size=n)
        else:
            names = {"fr": ["score_calc", "indice_synth", "tx_equip"], "en": ["computed_score", "index_total", "pct_score"]}
            values = np.round(rng.normal(50, 15, size=n), 1)
        self._add(self.names.pick(names[self.dialect.language]), values, "stray")

    def _random_categories(self, count: int) -> None:
        rng, n, lang = self.rng, self.n, self.dialect.language
        pool = {"fr": [("transport", ["Voiture", "Bus", "Vélo", "À pied", "Tram"]),
                       ("journal_lu", ["Aucun", "Local", "National", "En ligne"]),
                       ("saison_pref", ["Printemps", "Été", "Automne", "Hiver"]),
                       ("animal_dom", ["Chien", "Chat", "Aucun", "Autre"])],
                "en": [("commute_mode", ["Car", "Bus", "Bike", "Walk", "Tram"]),
                       ("newspaper", ["No paper", "Local", "National", "Online"]),
                       ("fav_season", ["Spring", "Summer", "Autumn", "Winter"]),
                       ("pet", ["Dog", "Cat", "No pet", "Other"])]}[lang]
        for index in rng.choice(len(pool), size=count, replace=False):
            name, levels = pool[index]
            if self.dialect.naming in ("qcode", "grid"):
                name = self.names.item(None)
            self._add(name, np.array(levels, dtype=object)[rng.integers(0, len(levels), size=n)], "category")

    def _free_text(self) -> None:
        rng, n, lang = self.rng, self.n, self.dialect.language
        text = np.array(FREE_TEXT[lang], dtype=object)[rng.integers(0, len(FREE_TEXT[lang]), size=n)]
        column = pd.Series(text, dtype=object)
        column[rng.random(n) < 0.6] = None
        self._add({"fr": "commentaire", "en": "comments"}[lang] if rng.random() < 0.6 else "verbatim", column, "text")

    def _frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({name: pd.Series(values).reset_index(drop=True) for name, values in self.columns.items()})
        return frame

    # ---- contact log -------------------------------------------------------------------------
    def _contacts(self, survey: Survey, labels: np.ndarray, latent: np.ndarray) -> None:
        """Each respondent's contacts over a year, by their profile's habits (or continuous in traits)."""
        rng, n, lang = self.rng, self.n, self.dialect.language
        if self.family == "i":
            rate = 3.0 * np.exp(0.3 * latent[:, 0])
            probs = np.tile(rng.dirichlet(np.full(len(CHANNELS), 3.0)), (n, 1))
        else:
            strong = self.family == "g"
            rates = _separated_rates(rng, self.k) if strong else rng.uniform(2.0, 6.0, size=self.k)
            habits = _separated_habits(rng, self.k, strong)
            rate, probs = rates[labels], habits[labels]
        counts = rng.negative_binomial(8, 8 / (8 + rate))
        owner = np.repeat(np.arange(n), counts)
        cumulative = np.cumsum(probs[owner], axis=1)
        draw = rng.random(len(owner))[:, None]
        channel = np.minimum((draw > cumulative).sum(axis=1), len(CHANNELS) - 1)
        words = CHANNEL_WORDS[lang]
        topics = TOPICS[lang]
        minutes = rng.integers(0, 365 * 24 * 60, size=len(owner))
        stamps = pd.Timestamp("2025-01-01") + pd.to_timedelta(minutes, unit="min")
        topic = rng.integers(0, len(topics), size=len(owner))
        online = rng.random(len(owner)) < np.array([0.8, 0.2, 0.6, 0.3, 0.7, 0.5])[topic]
        names = {"fr": {"respondent_id": "usager", "timestamp": "horodatage", "channel": "canal",
                        "topic": "motif", "online_available": "dispo_en_ligne"},
                 "en": {"respondent_id": "respondent", "timestamp": "timestamp", "channel": "channel",
                        "topic": "topic", "online_available": "available_online"}}[lang]
        ids = survey.frame[survey.id_column].to_numpy()
        yes, no = ("oui", "non") if lang == "fr" else ("yes", "no")
        fmt = "%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M:%S"
        log = pd.DataFrame({
            names["respondent_id"]: ids[owner],
            names["timestamp"]: stamps.strftime(fmt).to_numpy(),
            names["channel"]: np.array([words[CHANNELS[c]] for c in channel], dtype=object),
            names["topic"]: np.array(topics, dtype=object)[topic],
            names["online_available"]: np.where(online, yes, no),
        })
        survey.contacts = log.iloc[np.argsort(minutes, kind="stable")].reset_index(drop=True)
        survey.contact_columns = names
        survey.channel_words = words


class _ResponseStyle:
    """Acquiescence (a shift towards agreeing) and extreme answering (a stretch), per respondent."""

    def __init__(self, rng: np.random.Generator, n: int, active: bool) -> None:
        self.shift = rng.normal(0, 0.45, size=n) if active else np.zeros(n)
        extreme = rng.random(n) < (rng.uniform(0.15, 0.3) if active else 0.0)
        self.stretch = np.where(extreme, 2.0, 1.0)

    def apply(self, raw: np.ndarray) -> np.ndarray:
        return raw * self.stretch + self.shift


class _Namer:
    """Column names in the dialect's convention, unique within the survey."""

    def __init__(self, dialect: Dialect, rng: np.random.Generator) -> None:
        self.dialect, self.rng = dialect, rng
        self.used: set[str] = set()
        self.counter = 0
        self.block = int(rng.integers(2, 6))
        self.block_of: dict[int | None, int] = {}
        self.in_block: dict[int, int] = {}
        self.theme = rng.permutation(len(THEMES))

    def pick(self, options: list[str]) -> str:
        for name in self.rng.permutation(options):
            if name not in self.used:
                self.used.add(str(name))
                return str(name)
        raise ValueError(f"no free name among {options}")

    def item(self, dim: int | None) -> str:
        naming, rng = self.dialect.naming, self.rng
        if naming == "qcode":
            self.counter += 1
            return self._claim(f"{'q' if self.dialect.language == 'fr' else 'Q'}{self.counter}")
        if naming == "grid":
            key = dim if dim is not None else -1 - len(self.block_of)
            if key not in self.block_of:
                self.block += int(rng.integers(1, 4))
                self.block_of[key] = self.block
            block = self.block_of[key]
            self.in_block[block] = self.in_block.get(block, 0) + 1
            return self._claim(f"Q{block}_{self.in_block[block]}")
        theme = THEMES[self.theme[dim % len(THEMES)]] if dim is not None else ("div", "misc", "misc")
        for _ in range(200):
            if naming == "fr_abbrev":
                name = f"{theme[0]}_{rng.choice(FR_WORDS)}"
            elif naming == "en_snake":
                name = f"{theme[1]}_{rng.choice(EN_WORDS)}"
            else:
                name = f"{theme[2]}{rng.choice(ESS_SUFFIXES)}"
            if name not in self.used:
                return self._claim(name)
        self.counter += 1
        return self._claim(f"{theme[0]}_{self.counter}")

    def _claim(self, name: str) -> str:
        self.used.add(name)
        return name


def _dialect(rng: np.random.Generator, family: str) -> Dialect:
    naming = str(rng.choice(["qcode", "grid", "fr_abbrev", "en_snake", "ess"]))
    language = {"fr_abbrev": "fr", "en_snake": "en", "ess": "en"}.get(naming) or str(rng.choice(["fr", "en"]))
    coding = "numbers" if naming == "ess" else str(rng.choice(["labels", "numbers"]))
    if language == "fr" and rng.random() < 0.8:
        sep, decimal = ";", ","
    else:
        sep, decimal = ",", "."
    encoding = str(rng.choice(["cp1252", "utf-8-sig"])) if language == "fr" else str(rng.choice(["utf-8", "cp1252"]))
    return Dialect(language, naming, coding, sep, encoding, decimal)


def _cut(raw: np.ndarray, points: int, rng: np.random.Generator) -> np.ndarray:
    """Steps 0..points-1 at thresholds of this item's own: margins skewed one way or the other."""
    centre = rng.normal(0, 0.35)
    spread = raw.std() * rng.uniform(0.75, 1.05)
    cuts = centre + spread * np.linspace(-1.6, 1.6, points - 1)
    return np.digitize(raw, cuts)


def _separated_points(rng: np.random.Generator, k: int, dims: int, spread: float, min_distance: float) -> np.ndarray:
    """k points in [-spread, spread]^dims at least ``min_distance`` apart (relaxed if it cannot be met)."""
    distance = min_distance
    while True:
        for _ in range(400):
            points = [rng.uniform(-spread, spread, size=dims)]
            for _ in range(4000):
                if len(points) == k:
                    break
                candidate = rng.uniform(-spread, spread, size=dims)
                if min(np.linalg.norm(candidate - p) for p in points) >= distance:
                    points.append(candidate)
            if len(points) == k:
                return np.array(points)
        distance *= 0.95


def _separated_rates(rng: np.random.Generator, k: int) -> np.ndarray:
    return rng.permutation(np.geomspace(5.0, 20.0, k) * rng.uniform(0.9, 1.1, size=k))


def _separated_habits(rng: np.random.Generator, k: int, strong: bool) -> np.ndarray:
    """Channel probabilities per profile: distinct mixes (strong) or mild variations on one mix."""
    if not strong:
        base = rng.dirichlet(np.full(len(CHANNELS), 4.0))
        return np.array([rng.dirichlet(base * 25) for _ in range(k)])
    habits = []
    while len(habits) < k:
        candidate = rng.dirichlet(np.full(len(CHANNELS), 0.5))
        if all(np.abs(candidate - h).sum() > 1.0 for h in habits):
            habits.append(candidate)
    return np.array(habits)


# ---- files ---------------------------------------------------------------------------------------

def write_survey(survey: Survey, folder: Path) -> dict[str, Path]:
    """Write the survey (and its contact log) as the dialect says, the truth and a meta file beside."""
    folder.mkdir(parents=True, exist_ok=True)
    d = survey.dialect
    paths = {"survey": folder / "survey.csv", "truth": folder / "truth.csv", "meta": folder / "meta.json"}
    text = survey.frame.to_csv(index=False, sep=d.sep, decimal=d.decimal)
    paths["survey"].write_bytes(text.encode(d.encoding))
    pd.DataFrame({"row": np.arange(len(survey.truth)), "profile": survey.truth}).to_csv(paths["truth"], index=False)
    if survey.contacts is not None:
        paths["contacts"] = folder / "contacts.csv"
        paths["contacts"].write_bytes(survey.contacts.to_csv(index=False, sep=d.sep).encode(d.encoding))
    meta = {
        "family": survey.family, "seed": survey.seed, "k": survey.k, "n": len(survey.frame), "note": survey.note,
        "dialect": asdict(d), "kinds": survey.kinds, "scales": {c: [_plain(v) for v in s] for c, s in
                                                                survey.scales.items()},
        "id_column": survey.id_column, "contact_columns": survey.contact_columns,
        "channel_words": survey.channel_words,
    }
    paths["meta"].write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def read_meta(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def read_written_survey(folder: Path, meta: dict) -> pd.DataFrame:
    """The survey as an analyst reads it back, knowing its separator, encoding and decimal mark."""
    d = meta["dialect"]
    return pd.read_csv(folder / "survey.csv", sep=d["sep"], encoding=d["encoding"], decimal=d["decimal"],
                       dtype=str, keep_default_na=False, na_values=[""])


def read_written_contacts(folder: Path, meta: dict) -> pd.DataFrame | None:
    path = folder / "contacts.csv"
    if not path.exists():
        return None
    d = meta["dialect"]
    return pd.read_csv(path, sep=d["sep"], encoding=d["encoding"], dtype=str, keep_default_na=False)
