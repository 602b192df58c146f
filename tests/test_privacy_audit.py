"""Privacy audit: PII planted in every input field never reaches any output, message or log.

One realistic run of the whole command line (codebook, features, cluster, show, edit, export in
every format) on a demo survey and contact log into which e-mails, phone numbers and names were
planted: in declared and undeclared personal columns, inside free-text comments (with beneficiary,
file, customer and tax numbers introduced by a word, in several forms and lengths), inside
categorical answers, and inside the contact log's topic column. Every file written, the command line's stdout
and stderr, and Python's log output are scanned. Also: no statistic about fewer people than the
minimum group size in any export.
"""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import main

N = 240
EMAIL_DOMAIN = "audit-prive.example"
PHONES = ["06 48 27 19 53", "+33 7 61 45 28 90", "01.72.38.46.15", "0745982163"]
NAMES = ["Adèle Chevallier", "Adrien Deschamps", "Agathe Carpentier"]


def _name_column(n: int) -> list[str]:
    """Distinct, realistic full names (a name column does not repeat like a category)."""
    from workshop_data import pii

    vocab = Path(pii.__file__).with_name("vocab")
    firsts, lasts = ([line.strip() for line in (vocab / f"{kind}_names.txt").read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#")] for kind in ("first", "last"))
    return [f"{firsts[(7 * i) % len(firsts)]} {lasts[(11 * i + 3) % len(lasts)]}" for i in range(n)]


COLUMN_NAMES = _name_column(N)
INTRODUCED = "Bouvier"
COMMENT_EVERY = 20  # few enough that the comment column stays free text (scrubbed, not dropped)
QUARTIER_EVERY = 7  # only ever written as "je m'appelle Adam Bouvier"


IDENTIFIERS = [  # (answer as typed, the identifier in it): some answers are nothing but the number
    ("n° allocataire CAF 7315942", "7315942"),
    ("Numéro de dossier : 80417, toujours pas de réponse du service.", "80417"),
    ("Mon numéro fiscal 31 74 925 806 153 est faux sur le courrier reçu", "31 74 925 806 153"),
    ("réf. 2024-66813-09", "2024-66813-09"),
    ("client n° 58.903.117, j'attends depuis des semaines", "58.903.117"),
    ("Matricule 692847", "692847"),
    ("N°CAF 60 39 271", "60 39 271"),
]
IDENTIFIER_EVERY = 20  # on rows 10, 30, 50...: never the rows of the comments above


def _identifier_pattern(number: str) -> re.Pattern[str]:
    """The identifier's digits in any spacing (separators removed or changed), not inside a decimal."""
    digits = re.sub(r"\D", "", number)
    return re.compile(r"(?<![\d.,])" + r"[\s.\-/]?".join(digits) + r"(?!\d)")


IDENTIFIER_PATTERNS = [_identifier_pattern(number) for _, number in IDENTIFIERS]


def _digits(text: str) -> str:
    return re.sub(r"[\s.\-+()]", "", text)


PHONE_DIGITS = [_digits(p)[-9:] for p in PHONES]  # national number without the leading 0 / +33


def plant(folder: Path) -> dict[str, Path]:
    from workshop_data.sample import generate_demo, write_demo

    demo = generate_demo(N, seed=5, lang="fr")
    survey = demo.survey.copy()
    ids = survey["id_repondant"].tolist()
    survey["courriel"] = [f"usager.{i}@{EMAIL_DOMAIN}" for i in range(N)]           # declared pii
    survey["telephone"] = [PHONES[i % len(PHONES)] for i in range(N)]               # detected by content
    survey["nom_prenom"] = COLUMN_NAMES                                              # detected as names
    comments = survey["commentaire"].astype("object").tolist()
    for i in range(0, N, COMMENT_EVERY):
        comments[i] = (f"Écrivez-moi à relance.{i}@{EMAIL_DOMAIN} ou au {PHONES[i % len(PHONES)]}, "
                       f"je m'appelle Adam {INTRODUCED}. Madame Chevallier m'a aidé.")
    for n, i in enumerate(range(IDENTIFIER_EVERY // 2, N, IDENTIFIER_EVERY)):
        comments[i] = IDENTIFIERS[n % len(IDENTIFIERS)][0]
    survey["commentaire"] = comments
    quartiers = survey["quartier"].astype("object").tolist()
    for i in range(1, N, QUARTIER_EVERY):
        quartiers[i] = f"{quartiers[i]} - rappel au {PHONES[0]} ou quartier.{i}@{EMAIL_DOMAIN}"
    survey["quartier"] = quartiers
    contacts = demo.contacts.copy()
    topics = contacts["objet"].astype("object").tolist()
    for i in range(0, len(topics), 5):
        topics[i] = f"{topics[i]} (réponse à envoyer à objet.{i}@{EMAIL_DOMAIN}, tél {PHONES[1]})"
    contacts["objet"] = topics
    demo.survey, demo.contacts = survey, contacts
    demo.codebook.columns = {k: v for k, v in demo.codebook.columns.items() if k not in ("telephone", "nom_prenom")}
    paths = write_demo(demo, folder, lang="fr")
    assert len(ids) == N
    return paths


def leaks(text: str) -> list[str]:
    """Every planted personal value found in ``text``."""
    found = []
    if EMAIL_DOMAIN in text:
        found.append(EMAIL_DOMAIN)
    squeezed = _digits(text)
    found += [p for p in PHONE_DIGITS if p in squeezed]
    found += [n for n in NAMES if n in text or n.split()[1] in text]
    found += [n for n in COLUMN_NAMES if n in text]
    if INTRODUCED in text:
        found.append(INTRODUCED)
    found += [number for (_, number), pattern in zip(IDENTIFIERS, IDENTIFIER_PATTERNS) if pattern.search(text)]
    return found


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if shutil.which("pdftotext"):
        text += subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    return text


def file_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv()
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


class Run:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.outputs = folder / "out"
        self.outputs.mkdir()
        self.streams: list[tuple[str, str]] = []

    def __call__(self, *args: str | Path, expect: int = 0):
        result = CliRunner().invoke(main, [str(a) for a in args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        self.streams.append((" ".join(map(str, args[:2])), result.stdout + "\n" + result.stderr))
        assert result.exit_code == expect, (args, result.stdout, result.stderr)
        return result


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("audit")
    inputs = plant(folder)
    # the planted values really are in the inputs, so the audit would see a leak
    assert EMAIL_DOMAIN in file_text(inputs["survey"]) and EMAIL_DOMAIN in file_text(inputs["contacts"])
    handler = _Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    run = Run(folder)
    out = run.outputs
    try:
        survey, codebook, contacts = inputs["survey"], inputs["codebook"], inputs["contacts"]
        run("codebook", survey, "--contacts", contacts, "--out", out / "draft_codebook.yaml")
        run("features", survey, "--codebook", codebook, "--contacts", contacts, "--out", out / "features.csv")
        run("features", survey, "--codebook", codebook, "--contacts", contacts, "--out", out / "features.parquet")
        shutil.copy(survey, out / "survey.csv")  # the workshop's sources sit next to it
        shutil.copy(contacts, out / "contacts.csv")
        workshop = out / "atelier.yaml"
        run("cluster", survey, "--codebook", codebook, "--contacts", contacts, "--k", "4", "--bootstrap", "0",
            "--seed", "1", "--out", workshop)
        run("cluster", survey, "--contacts", contacts, "--k", "3", "--bootstrap", "0", "--out",
            out / "atelier_sans_codebook.yaml")
        run("show", workshop)
        run("edit", workshop, "note", "P1", "Accueil", "Revoir les horaires du guichet.")
        run("edit", workshop, "split", "P1")
        run("edit", workshop, "undo")
        run("show", workshop)
        for fmt, suffix in (("pdf", "pdf"), ("html", "html"), ("md", "md"), ("csv", "csv"), ("yaml", "yaml")):
            run("export", workshop, "--format", fmt, "--out", out / f"export.{suffix}")
        run("export", workshop, "--format", "md", "--lang", "en", "--out", out / "export_en.md")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    os_outputs = sorted(p for p in out.iterdir() if p.is_file() and p.name not in ("survey.csv", "contacts.csv"))
    return {"files": os_outputs, "streams": run.streams, "log": handler.text(), "workshop": workshop}


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append(self.format(record))
        except Exception:  # a record that cannot be formatted cannot leak either
            pass

    def text(self) -> str:
        return "\n".join(self.records)


EXPECTED_FILES = {"draft_codebook.yaml", "features.csv", "features.parquet", "atelier.yaml",
                  "atelier_sans_codebook.yaml", "export.pdf", "export.html", "export.md", "export.csv",
                  "export.yaml", "export_en.md"}


def test_every_output_was_written(audit) -> None:
    names = {p.name for p in audit["files"]}
    assert EXPECTED_FILES <= names, EXPECTED_FILES - names


@pytest.mark.parametrize("name", sorted(EXPECTED_FILES))
def test_no_planted_pii_in_any_file_written(audit, name: str) -> None:
    path = next(p for p in audit["files"] if p.name == name)
    text = file_text(path)
    assert text.strip()
    assert leaks(text) == [], (name, leaks(text))


def test_no_planted_pii_in_command_line_output(audit) -> None:
    for command, text in audit["streams"]:
        assert leaks(text) == [], (command, leaks(text))


def test_no_planted_pii_in_log_output(audit) -> None:
    assert leaks(audit["log"]) == []


def test_the_privacy_report_says_what_was_removed_and_why(audit) -> None:
    from personas.store import load_workshop

    ws = load_workshop(audit["workshop"])
    removed = {item["column"]: item["reason"] for item in ws.privacy["removed_columns"]}
    assert {"courriel", "telephone", "nom_prenom"} <= set(removed), removed
    assert all(reason for reason in removed.values())
    assert "commentaire" not in removed and "quartier" not in removed  # scrubbed, not dropped
    planted = len(range(0, N, COMMENT_EVERY)) + len(range(1, N, QUARTIER_EVERY))
    assert ws.privacy["scrubbed"].get("email", 0) >= planted
    assert ws.privacy["scrubbed"].get("phone", 0) >= planted
    assert ws.privacy["scrubbed"].get("name", 0) >= len(range(0, N, COMMENT_EVERY))
    cluster_messages = "\n".join(text for command, text in audit["streams"] if command.startswith("cluster"))
    for column in ("courriel", "telephone", "nom_prenom"):
        assert column in cluster_messages


def test_the_planted_identifiers_would_be_seen() -> None:
    """The leak check finds each identifier as typed and with its separators changed or removed."""
    for (answer, number), pattern in zip(IDENTIFIERS, IDENTIFIER_PATTERNS):
        assert leaks(answer) == [number]
        assert leaks(re.sub(r"\D", "", number)) == [number]
    assert leaks("0.80417 and 1.7315942") == []


def test_identifiers_were_scrubbed_and_no_quote_is_an_identifier_or_a_placeholder(audit) -> None:
    from personas.store import load_workshop

    ws = load_workshop(audit["workshop"])
    planted = len(range(IDENTIFIER_EVERY // 2, N, IDENTIFIER_EVERY))
    assert ws.privacy["scrubbed"].get("id_number", 0) >= planted
    quotes = [p.quote for p in ws.personas if p.quote]
    assert quotes, "the personas should have quotes for this test to mean anything"
    for quote in quotes:
        assert not re.search(r"\[[^\]]*\]", quote), quote
        assert not re.search(r"\d(?:[\s.\-/]?\d){4,}", quote), quote
        assert sum(ch.isalpha() for ch in quote) > len(quote) / 2, quote


def test_a_refusal_does_not_quote_personal_values(tmp_path: Path) -> None:
    """A value outside its scale is reported by column and row, without echoing what a citizen typed."""
    paths = plant(tmp_path)
    survey = pd.read_csv(paths["survey"], sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    survey.loc[3, "aisance_ordinateur"] = f"voir avec moi: intrus@{EMAIL_DOMAIN} 06 48 27 19 53"
    survey.to_csv(paths["survey"], sep=";", index=False, encoding="utf-8-sig")
    result = CliRunner().invoke(main, ["features", str(paths["survey"]), "--codebook", str(paths["codebook"]),
                                       "--out", str(tmp_path / "f.csv")])
    assert result.exit_code == 2, result.stderr
    assert "aisance_ordinateur" in result.stderr
    assert leaks(result.stdout + result.stderr) == [], result.stderr


# --- minimum group size -----------------------------------------------------------------------

SMALL_NAME = "Petit groupe témoin"


@pytest.fixture(scope="module")
def small_workshop():
    from personas_helpers import make_workshop

    ws = make_workshop(4, 60, seed=2)
    ws.min_group_size = 10
    small = min(ws.personas, key=lambda p: p.size)
    big = [p for p in ws.personas if p is not small]
    assert small.size < 10, [p.size for p in ws.personas]
    small.name = SMALL_NAME
    small.share = 0.0371
    small.avoidable_share = 0.4321
    small.avoidable_per_year = 987.0
    small.contacts_per_person = 6.54
    small.repeat_rate = 0.2468
    small.stability = 0.8765
    small.traits = {k: 11.11 for k in small.traits}
    return ws, small, big


def _small_sheet_markdown(ws, lang: str) -> str:
    from exports import render_markdown

    text = render_markdown(ws, lang=lang)
    start = text.index(f"## {SMALL_NAME}")
    end = text.find("\n## ", start + 3)
    return text[start: end if end > 0 else len(text)]


def _without_min_size(text: str, ws) -> str:
    """The text without the minimum size, and without the sheet's version line (its number and date
    say when the workgroup last changed the persona, nothing of its members)."""
    lines = [line for line in text.splitlines() if not line.startswith("Version ")]
    return "\n".join(lines).replace(str(ws.min_group_size), "")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_persona_under_the_minimum_size_shows_no_numbers_in_markdown(small_workshop, lang: str) -> None:
    from exports import render_markdown

    ws, small, big = small_workshop
    sheet = _small_sheet_markdown(ws, lang)
    body = "\n".join(line for line in sheet.splitlines() if not line.startswith("**Arch"))
    assert not re.search(r"\d", _without_min_size(body, ws)), body
    overview = [line for line in render_markdown(ws, lang=lang).splitlines() if line.startswith(f"| {SMALL_NAME}")]
    assert overview and not re.search(r"\d", overview[0]), overview
    control = render_markdown(ws.__class__(**{**ws.__dict__, "min_group_size": 1}), lang=lang)
    assert "987" in control  # the same persona over the minimum does show its numbers


def test_a_persona_under_the_minimum_size_shows_no_archetype_fit(small_workshop) -> None:
    ws, small, big = small_workshop
    sheet = _small_sheet_markdown(ws, "fr")
    assert not re.search(r"\d", _without_min_size(sheet, ws)), sheet


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_persona_under_the_minimum_size_shows_no_numbers_in_html_and_pdf(small_workshop, lang: str,
                                                                           tmp_path: Path) -> None:
    from pypdf import PdfReader

    from exports import render_html, render_pdf

    ws, small, big = small_workshop
    html = render_html(ws, lang=lang)
    rows = re.findall(r"<tr\b(?:(?!</tr>).)*</tr>", html, flags=re.S)
    small_rows = [re.sub(r"<[^>]+>", " ", r) for r in rows if SMALL_NAME in r]
    assert small_rows
    for row in small_rows:
        assert not re.search(r"\d", _without_min_size(row, ws)), row
    pdf = tmp_path / "sheets.pdf"
    pdf.write_bytes(render_pdf(html))
    pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    sheet_pages = [p for p in pages if SMALL_NAME in p and not any(b.name in p for b in big)]
    assert sheet_pages, "the small persona has its own sheet"
    for page in sheet_pages:
        squeezed = page.replace("\u202f", " ").replace("\xa0", " ")
        for number in ("987", "43 %", "43%", "0,88", "0.88", "6,5", "6.5", "25 %", "25%"):
            assert number not in squeezed, (number, page)
