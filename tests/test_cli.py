"""The command-line contract: exit 0 on success, exit 2 with one clear message on bad input,
no traceback, and no partial output file left behind."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from workshop_data.codebook import COLUMN_TYPES

DATA = Path(__file__).resolve().parent / "data" / "cli"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    for name in ("survey.csv", "codebook.yaml", "contacts.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def run(*args: str | Path):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def assert_refused(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.lower()
    for fragment in fragments:
        assert fragment.lower() in message, (fragment, result.stderr)


def features(data: Path, survey: str = "survey.csv", *extra: str | Path):
    out = data / "features.csv"
    result = run("features", data / survey, "--codebook", data / "codebook.yaml", "--out", out, *extra)
    return result, out


def rewrite(path: Path, transform) -> None:
    path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")


# --- what works ---------------------------------------------------------------------------------

def test_features_writes_one_row_per_respondent_with_contact_features(data: Path) -> None:
    result, out = features(data, "survey.csv", "--contacts", data / "contacts.csv")
    assert result.exit_code == 0, result.stderr
    import pandas as pd

    frame = pd.read_csv(out)
    assert len(frame) == 30
    for column in ("respondent_id", "contacts_total", "contacts_phone", "contacts_web", "avoidable_share",
                   "repeat_contacts"):
        assert column in frame.columns
    assert frame["contacts_total"].sum() == 76  # four contacts belong to no respondent
    assert "match no respondent" in result.stderr


def test_features_without_a_contact_log_keep_the_contract_columns_empty(data: Path) -> None:
    import pandas as pd

    from workshop_data.codebook import CHANNELS

    result, out = features(data)
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(out)
    for column in ("contacts_total", *(f"contacts_{c}" for c in CHANNELS), "avoidable_share", "repeat_contacts"):
        assert frame[column].isna().all(), column
    assert frame.filter(like="enc_").notna().any().any()


def test_codebook_names_the_contact_log_it_cannot_map(data: Path) -> None:
    result = run("codebook", data / "survey.csv", "--contacts", data / "survey.csv", "--out", data / "draft.yaml")
    assert_refused(result, "survey.csv:", "timestamp")
    assert not (data / "draft.yaml").exists()


def test_codebook_drafts_a_codebook_that_reads_back(data: Path) -> None:
    out = data / "draft.yaml"
    result = run("codebook", data / "survey.csv", "--contacts", data / "contacts.csv", "--out", out)
    assert result.exit_code == 0, result.stderr
    from workshop_data.codebook import load_codebook

    book = load_codebook(out)
    assert book.respondent_id == "id_repondant"
    assert book.columns["commentaire"].type == "text"
    assert book.contacts is not None and book.contacts.channel == "canal_contact"


def test_cluster_reads_the_data_sheet_of_a_workbook_below_its_title_rows(data: Path) -> None:
    from workbook_helpers import workbook_from_csv

    book = workbook_from_csv(data / "survey.csv", data / "book.xlsx")
    out = data / "workshop.yaml"
    result = run("cluster", book, "--codebook", data / "codebook.yaml", "--k", "2", "--bootstrap", "0",
                 "--min-size", "1", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "from 30 respondents" in result.stdout
    assert "Read: sheet 'Réponses', header on row 3, 30 respondents" in result.stderr
    assert out.exists()


def test_sheet_option_chooses_the_sheet_and_names_the_sheets_when_absent(data: Path) -> None:
    from workbook_helpers import workbook_from_csv

    book = workbook_from_csv(data / "survey.csv", data / "book.xlsx")
    result, out = features(data, "book.xlsx", "--sheet", "réponses")
    assert result.exit_code == 0, result.stderr
    assert "sheet 'Réponses'" in result.stderr
    out.unlink()
    result, out = features(data, "book.xlsx", "--sheet", "Données")
    assert_refused(result, "book.xlsx", "Données", "Lisez-moi, Réponses, Notes")
    assert book.exists() and not out.exists()


# --- bad inputs: each refused with exit 2 and a message -----------------------------------------

def test_missing_file(data: Path) -> None:
    result, out = features(data, "nowhere.csv")
    assert_refused(result, "nowhere.csv")
    assert not out.exists()


def test_empty_file(data: Path) -> None:
    (data / "empty.csv").write_bytes(b"")
    result, out = features(data, "empty.csv")
    assert_refused(result, "empty.csv", "empty")
    assert not out.exists()


def test_header_only(data: Path) -> None:
    header = (data / "survey.csv").read_text(encoding="utf-8").splitlines()[0]
    (data / "header.csv").write_text(header + "\n", encoding="utf-8")
    result, out = features(data, "header.csv")
    assert_refused(result, "header.csv")
    assert not out.exists()


def test_binary_file(data: Path) -> None:
    (data / "binary.csv").write_bytes(bytes(range(256)) * 40)
    result, out = features(data, "binary.csv")
    assert_refused(result, "binary.csv")
    assert not out.exists()


def test_ragged_rows(data: Path) -> None:
    rewrite(data / "survey.csv", lambda text: text.replace("R005;", "R005;extra;cells;", 1))
    result, out = features(data)
    assert_refused(result, "survey.csv")
    assert "line" in result.stderr or "row" in result.stderr
    assert not out.exists()


def test_duplicate_respondent_ids(data: Path) -> None:
    rewrite(data / "survey.csv", lambda text: text.replace("R007;", "R006;", 1))
    result, out = features(data)
    assert_refused(result, "id_repondant", "R006")
    assert not out.exists()


def test_codebook_naming_absent_columns(data: Path) -> None:
    rewrite(data / "codebook.yaml", lambda text: text.replace("  age: {type: categorical}",
                                                              "  age: {type: categorical}\n  revenu: {type: numeric}"))
    result, out = features(data)
    assert_refused(result, "revenu")
    assert not out.exists()


def _answer_out_of_scale(data: Path) -> None:
    """Line 3 of the survey answers 9 on the 1-5 scale of aisance_ordinateur."""
    lines = (data / "survey.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(";")
    cells[1] = "9"
    lines[3] = ";".join(cells)
    (data / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_value_outside_declared_scale_names_column_and_rows(data: Path) -> None:
    _answer_out_of_scale(data)
    result, out = features(data)
    assert_refused(result, "aisance_ordinateur", "3")
    assert not out.exists()


def test_value_outside_scale_is_missing_when_lenient(data: Path) -> None:
    _answer_out_of_scale(data)
    result, out = features(data, "survey.csv", "--lenient")
    assert result.exit_code == 0, result.stderr
    assert "aisance_ordinateur" in result.stderr
    assert out.exists()


def test_column_entirely_missing_is_a_warning(data: Path) -> None:
    lines = (data / "survey.csv").read_text(encoding="utf-8").splitlines()
    out_lines = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        cells[5] = ""
        out_lines.append(";".join(cells))
    (data / "survey.csv").write_text("\n".join(out_lines) + "\n", encoding="utf-8")
    result, out = features(data)
    assert result.exit_code == 0, result.stderr
    assert "commentaire" in result.stderr
    assert out.exists()


def test_fewer_respondents_than_the_analysis_needs(data: Path) -> None:
    lines = (data / "survey.csv").read_text(encoding="utf-8").splitlines()
    (data / "survey.csv").write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")
    result, out = features(data)
    assert_refused(result, "respondents")
    assert not out.exists()


@pytest.mark.parametrize("column", ["usager", "canal_contact"])
def test_contact_log_without_id_or_channel_column(data: Path, column: str) -> None:
    rewrite(data / "contacts.csv", lambda text: text.replace(column, "autre_colonne", 1))
    result, out = features(data, "survey.csv", "--contacts", data / "contacts.csv")
    assert_refused(result, column)
    assert not out.exists()


def test_some_unparseable_timestamps_are_counted_and_reported(data: Path) -> None:
    lines = (data / "contacts.csv").read_text(encoding="utf-8").splitlines()
    for i in (1, 2, 3):
        cells = lines[i].split(";")
        cells[1] = "pas une date"
        lines[i] = ";".join(cells)
    (data / "contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, out = features(data, "survey.csv", "--contacts", data / "contacts.csv")
    assert result.exit_code == 0, result.stderr
    assert "3" in result.stderr and "timestamp" in result.stderr.lower()
    assert out.exists()


def test_mostly_unparseable_timestamps_are_refused(data: Path) -> None:
    lines = (data / "contacts.csv").read_text(encoding="utf-8").splitlines()
    for i in range(1, len(lines) - 5):
        cells = lines[i].split(";")
        cells[1] = "31/31/31 99h"
        lines[i] = ";".join(cells)
    (data / "contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, out = features(data, "survey.csv", "--contacts", data / "contacts.csv")
    assert_refused(result, "horodatage")
    assert not out.exists()


def test_bad_k_is_a_usage_error(data: Path) -> None:
    out = data / "w.yaml"
    result = run("cluster", data / "survey.csv", "--k", "many", "--out", out)
    assert_refused(result, "--k")
    assert not out.exists()


def test_unknown_export_format_is_a_usage_error(data: Path) -> None:
    result = run("export", data / "w.yaml", "--format", "docx", "--out", data / "x.docx")
    assert_refused(result, "docx")


def test_show_withholds_figures_of_personas_under_the_minimum_size(tmp_path: Path) -> None:
    from dataclasses import replace

    from personas.store import save_workshop
    from personas_helpers import make_workshop

    ws = make_workshop(4, 60, seed=1)
    smallest = min(ws.personas, key=lambda p: p.size)
    ws = replace(ws, min_group_size=smallest.size + 1)
    path = tmp_path / "w.yaml"
    save_workshop(ws, path)
    result = run("show", path)
    assert result.exit_code == 0, result.stderr
    line = next(row for row in result.output.splitlines() if row.strip().startswith(smallest.id + " "))
    assert f"< {smallest.size + 1}" in line
    assert "%" not in line
    big = max(ws.personas, key=lambda p: p.size)
    big_line = next(row for row in result.output.splitlines() if row.strip().startswith(big.id + " "))
    assert f"{round(big.share * 100)}%" in big_line


# --- the bad-input matrix in French ---------------------------------------------------------------

def _edit_survey_cell(data: Path, line: int, column: int, value: str) -> None:
    lines = (data / "survey.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[line].split(";")
    cells[column] = value
    lines[line] = ";".join(cells)
    (data / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _blank_column(data: Path, column: int) -> None:
    for line in range(1, 31):
        _edit_survey_cell(data, line, column, "")


def _bad_timestamps(data: Path, count: int) -> None:
    lines = (data / "contacts.csv").read_text(encoding="utf-8").splitlines()
    for i in range(1, count + 1):
        cells = lines[i].split(";")
        cells[1] = "pas une date"
        lines[i] = ";".join(cells)
    (data / "contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _survey_lines(data: Path, keep: int) -> None:
    lines = (data / "survey.csv").read_text(encoding="utf-8").splitlines()
    (data / "survey.csv").write_text("\n".join(lines[:keep]) + "\n", encoding="utf-8")


FEATURES = ["--codebook", "codebook.yaml", "--out", "features.csv"]
BAD_INPUTS = {  # name: (what is done to the inputs, the command's arguments)
    "missing file": (lambda d: None, ["features", "nowhere.csv", *FEATURES]),
    "empty file": (lambda d: (d / "survey.csv").write_bytes(b""), ["features", "survey.csv", *FEATURES]),
    "header only": (lambda d: _survey_lines(d, 1), ["features", "survey.csv", *FEATURES]),
    "binary file": (lambda d: (d / "survey.csv").write_bytes(bytes(range(256)) * 40),
                    ["features", "survey.csv", *FEATURES]),
    "ragged rows": (lambda d: rewrite(d / "survey.csv", lambda t: t.replace("R005;", "R005;x;y;", 1)),
                    ["features", "survey.csv", *FEATURES]),
    "duplicate ids": (lambda d: rewrite(d / "survey.csv", lambda t: t.replace("R007;", "R006;", 1)),
                      ["features", "survey.csv", *FEATURES]),
    "absent columns": (lambda d: rewrite(d / "codebook.yaml", lambda t: t.replace(
        "  age: {type: categorical}", "  age: {type: categorical}\n  revenu: {type: numeric}")),
        ["features", "survey.csv", *FEATURES]),
    "value outside scale": (lambda d: _edit_survey_cell(d, 3, 1, "9"), ["features", "survey.csv", *FEATURES]),
    "lenient reading": (lambda d: _edit_survey_cell(d, 3, 1, "9"),
                        ["features", "survey.csv", "--lenient", *FEATURES]),
    "empty column": (lambda d: _blank_column(d, 5), ["features", "survey.csv", *FEATURES]),
    "too few respondents": (lambda d: _survey_lines(d, 6), ["features", "survey.csv", *FEATURES]),
    "contact log without id column": (
        lambda d: rewrite(d / "contacts.csv", lambda t: t.replace("usager", "autre_colonne", 1)),
        ["features", "survey.csv", "--contacts", "contacts.csv", *FEATURES]),
    "some unreadable timestamps": (lambda d: _bad_timestamps(d, 3),
                                   ["features", "survey.csv", "--contacts", "contacts.csv", *FEATURES]),
    "mostly unreadable timestamps": (lambda d: _bad_timestamps(d, 70),
                                     ["features", "survey.csv", "--contacts", "contacts.csv", *FEATURES]),
    "unknown sheet": (lambda d: _workbook(d), ["features", "book.xlsx", "--sheet", "Données", *FEATURES]),
    "unknown column type in the codebook": (
        lambda d: rewrite(d / "codebook.yaml", lambda t: t.replace("age: {type: categorical}", "age: {type: nominal}")),
        ["features", "survey.csv", *FEATURES]),
}
# Words spelled the same in both languages: formats, "type", "dates", "plausible", and the
# codebook's own keywords (its column types are YAML values, and "contacts.period" a key, written
# the same whatever the reader's language).
SAME_IN_FRENCH = {"csv", "tsv", "xlsx", "parquet", "utf", "bom", "spss", "stata", "windows", "type", "dates",
                  "plausible", "period", *COLUMN_TYPES}


def _workbook(data: Path) -> None:
    from workbook_helpers import workbook_from_csv

    workbook_from_csv(data / "survey.csv", data / "book.xlsx")


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_every_data_message_of_the_bad_input_matrix_reads_in_french(data: Path, case: str, monkeypatch) -> None:
    prepare, args = BAD_INPUTS[case]
    prepare(data)
    monkeypatch.chdir(data)
    english = run("--lang", "en", *args).stderr
    french = run("--lang", "fr", *args).stderr
    assert english.strip() and french.strip() and english != french
    from_data = set().union(*(_words(p.name + " " + p.read_text(encoding="utf-8", errors="ignore"))
                              for p in data.iterdir()), _words("nowhere.csv Données Lisez-moi Notes"))
    english_only = _words(english) - from_data - SAME_IN_FRENCH
    left = {w for w in english_only if re.search(rf"\b{w}\b", french, re.IGNORECASE)}
    assert not left, (case, left, french)


def test_messages_follow_the_locale_without_lang(data: Path, monkeypatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    result = run("features", data / "nowhere.csv", "--out", data / "f.csv")
    assert result.exit_code == 2 and result.stderr.startswith("Erreur : ") and "fichier introuvable" in result.stderr
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert run("features", data / "nowhere.csv", "--out", data / "f.csv").stderr.startswith("Error: ")
