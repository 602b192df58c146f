"""CSV assignments, YAML export, write_export (atomic, every format), and no PII in any export."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
import yaml

import exports
from exports_helpers import HOSTILE_NAME, ten_persona_workshop
from workshop_data.errors import DataError


def test_csv_header_rows_and_encoding():
    ws = ten_persona_workshop()
    data = exports.render_csv(ws)
    assert data.startswith(b"\xef\xbb\xbf")           # UTF-8 BOM, for Excel
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "respondent_id;persona_id;persona_name;archetype;archetype_label"
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == len(ws.assignments)
    first = rows[0]
    assert first == {"respondent_id": "Rp1-0000", "persona_id": "p1", "persona_name": HOSTILE_NAME,
                     "archetype": "agile", "archetype_label": "Agile"}
    assert {r["archetype_label"] for r in rows if r["persona_id"] == "p2"} == {"Mal informé·e"}
    assert {(r["archetype"], r["archetype_label"]) for r in rows if r["persona_id"] == "p8"} == {("", "")}


def test_csv_separator_is_the_one_the_reader_s_spreadsheet_splits_on():
    """French Excel reads a comma as the decimal mark: a French document is semicolon-separated."""
    ws = ten_persona_workshop()
    assert exports.render_csv(ws).decode("utf-8-sig").splitlines()[0].count(";") == 4
    assert exports.render_csv(ws, lang="en").decode("utf-8-sig").splitlines()[0].count(",") == 4
    assert exports.render_csv(ws, sep=",").decode("utf-8-sig").splitlines()[0].count(",") == 4
    assert exports.render_csv(ws, sep="tab").decode("utf-8-sig").splitlines()[0].count("\t") == 4
    with pytest.raises(DataError):
        exports.render_csv(ws, sep="|")


def test_csv_headers_in_words_on_request_and_the_contract_by_default():
    ws = ten_persona_workshop()
    words = exports.render_csv(ws, headers="words").decode("utf-8-sig").splitlines()[0]
    assert words == "identifiant_repondant;identifiant_profil;nom_profil;archetype;libelle_archetype"
    keys = exports.render_csv(ws, lang="en").decode("utf-8-sig").splitlines()[0]
    assert keys == "respondent_id,persona_id,persona_name,archetype,archetype_label"


def test_csv_in_english_redrafts_drafted_names_and_labels():
    from personas.archetypes import load_archetypes

    ws = ten_persona_workshop()
    library = {a.id: a for a in load_archetypes()}
    ws.personas[1].name = library["poorly_informed"].name["fr"]          # the name the build gave
    rows = list(csv.DictReader(io.StringIO(exports.render_csv(ws, lang="en").decode("utf-8-sig"))))
    second = {(r["persona_name"], r["archetype_label"]) for r in rows if r["persona_id"] == "p2"}
    assert second == {("Poorly informed", "Poorly informed")}
    assert {r["persona_name"] for r in rows if r["persona_id"] == "p1"} == {HOSTILE_NAME}      # typed: kept


def test_csv_label_in_the_workshops_language_and_from_its_typology():
    ws = ten_persona_workshop(lang="en")
    rows = list(csv.DictReader(io.StringIO(exports.render_csv(ws).decode("utf-8-sig"))))
    assert {r["archetype_label"] for r in rows if r["persona_id"] == "p2"} == {"Poorly informed"}
    assert {r["archetype"] for r in rows if r["persona_id"] == "p2"} == {"poorly_informed"}
    ws.settings["typology"] = {"id": "ville", "name": {"fr": "Ville", "en": "City"}, "source": "ville.yaml",
                               "sha256": None, "labels": {"poorly_informed": {"fr": "Perdu·e", "en": "Lost"}},
                               "icons": {}}
    rows = list(csv.DictReader(io.StringIO(exports.render_csv(ws).decode("utf-8-sig"))))
    assert {r["archetype_label"] for r in rows if r["persona_id"] == "p2"} == {"Lost"}


def test_csv_reads_back_with_pandas():
    frame = pd.read_csv(io.BytesIO(exports.render_csv(ten_persona_workshop())), sep=";", dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns) == ["respondent_id", "persona_id", "persona_name", "archetype", "archetype_label"]
    assert frame.loc[0, "persona_name"] == HOSTILE_NAME


def test_formula_like_names_stay_text():
    ws = ten_persona_workshop()
    ws.personas[0].name = "=HYPERLINK(\"http://x\")"
    rows = list(csv.reader(io.StringIO(exports.render_csv(ws).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"


def test_yaml_export_round_trips():
    ws = ten_persona_workshop()
    data = yaml.safe_load(exports.render_yaml(ws))
    assert data["title"] == ws.title
    assert [p["name"] for p in data["personas"]] == [p.name for p in ws.personas]


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "yaml"])
def test_write_export_writes_each_format(tmp_path, fmt):
    [path] = exports.write_export(ten_persona_workshop(), fmt, tmp_path / f"out.{fmt}")
    assert path.exists() and path.stat().st_size > 100
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]


def test_write_export_refuses_unknown_format(tmp_path):
    with pytest.raises(DataError) as info:
        exports.write_export(ten_persona_workshop(), "docx", tmp_path / "out.docx")
    assert "pdf | html | md | csv | yaml | pptx | png" in str(info.value)
    assert not list(tmp_path.iterdir())


def test_failed_export_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "sheets.html"
    target.write_text("previous", encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(exports, "render_html", broken)
    with pytest.raises(RuntimeError):
        exports.write_export(ten_persona_workshop(), "html", target)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sheets.html"]


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE = re.compile(r"(?<!\d)0[1-9](?:[ .-]?\d{2}){4}(?!\d)")


@pytest.fixture(scope="module")
def workshop_from_data_with_pii(tmp_path_factory):
    """A workshop built by the real intake and clustering from demo data that holds e-mails and phones."""
    from click.testing import CliRunner

    import cli

    from personas.store import load_workshop

    folder = tmp_path_factory.mktemp("pii")
    runner = CliRunner()
    demo = runner.invoke(cli.main, ["demo", str(folder), "--respondents", "200", "--seed", "5"])
    assert demo.exit_code == 0, demo.output[-400:]
    survey = (folder / "survey.csv").read_text(encoding="utf-8-sig")
    planted = set(EMAIL.findall(survey)) | set(PHONE.findall(survey))
    assert planted, "the demo survey should carry e-mails and phone numbers for this test to mean anything"
    out = folder / "ws.yaml"
    built = runner.invoke(cli.main, ["cluster", str(folder / "survey.csv"), "--codebook", str(folder / "codebook.yaml"),
                                     "--contacts", str(folder / "contacts.csv"), "--k", "4", "--bootstrap", "0",
                                     "--out", str(out)])
    assert built.exit_code == 0, built.output[-400:]
    return load_workshop(out), planted


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "yaml"])
def test_no_email_or_phone_in_any_export(workshop_from_data_with_pii, fmt):
    """The PDF is printed from the HTML checked here (its text is the HTML's), so it is not re-rendered."""
    ws, planted = workshop_from_data_with_pii
    text = exports.render_bytes(ws, fmt).decode("utf-8-sig")
    assert not EMAIL.findall(text)
    assert not PHONE.findall(text)
    assert not [value for value in planted if value in text]
