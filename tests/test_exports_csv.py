"""CSV assignments, YAML export and write_export (atomic, every format)."""
from __future__ import annotations

import csv
import io

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
    assert text.splitlines()[0] == "respondent_id,persona_id,persona_name,archetype"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(ws.assignments)
    first = rows[0]
    assert first == {"respondent_id": "Rp1-0000", "persona_id": "p1", "persona_name": HOSTILE_NAME,
                     "archetype": "agile"}
    assert {r["archetype"] for r in rows if r["persona_id"] == "p8"} == {""}


def test_csv_reads_back_with_pandas():
    frame = pd.read_csv(io.BytesIO(exports.render_csv(ten_persona_workshop())), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["respondent_id", "persona_id", "persona_name", "archetype"]
    assert frame.loc[0, "persona_name"] == HOSTILE_NAME


def test_formula_like_names_stay_text():
    ws = ten_persona_workshop()
    ws.personas[0].name = "=HYPERLINK(\"http://x\")"
    rows = list(csv.reader(io.StringIO(exports.render_csv(ws).decode("utf-8-sig"))))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"


def test_yaml_export_round_trips():
    ws = ten_persona_workshop()
    data = yaml.safe_load(exports.render_yaml(ws))
    assert data["title"] == ws.title
    assert [p["name"] for p in data["personas"]] == [p.name for p in ws.personas]


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "yaml"])
def test_write_export_writes_each_format(tmp_path, fmt):
    path = exports.write_export(ten_persona_workshop(), fmt, tmp_path / f"out.{fmt}")
    assert path.exists() and path.stat().st_size > 100
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]


def test_write_export_refuses_unknown_format(tmp_path):
    with pytest.raises(DataError) as info:
        exports.write_export(ten_persona_workshop(), "docx", tmp_path / "out.docx")
    assert "pdf | html | md | csv | yaml" in str(info.value)
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
