"""One expression, every engine: the same log gives the same features on DuckDB, Spark and PostgreSQL.

Real engines, no mocks: a local Spark session (one for the module: it takes seconds to start) and a
PostgreSQL server started in a temporary folder. The log (tests/engines_helpers.py) has repeats
exactly at the 7×24 h edge, unreadable timestamps, unmatched ids, every channel and a topic missing.
"""
from __future__ import annotations

import ibis
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from cli import main
from engines_helpers import BAD_TIMESTAMPS, MAPPING, RESPONDENTS, log_table, postgres_server, write_csv_cp1252
from workshop_data import engines
from workshop_data.contacts import contact_features
from workshop_data.errors import DataError
from workshop_data.sample import generate_demo, write_demo


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    table = log_table()
    pq.write_table(table, folder / "log.parquet")
    return {"csv": write_csv_cp1252(table, folder / "log.csv"), "parquet": folder / "log.parquet"}


@pytest.fixture(scope="module")
def spark():
    engine = engines.connect("spark")
    yield engine
    engine.session.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo survey with its codebook, and its contact log as Parquet."""
    folder = tmp_path_factory.mktemp("demo")
    paths = write_demo(generate_demo(200, seed=3), folder)
    contacts = pd.read_csv(paths["contacts"], sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    contacts.to_parquet(folder / "contacts.parquet", index=False)
    return {**paths, "parquet": folder / "contacts.parquet", "frame": contacts}


@pytest.fixture(scope="module")
def postgres(demo):
    """A PostgreSQL server holding the test log and the demo log as tables of text."""
    with postgres_server() as url:
        con = ibis.connect(url)
        con.create_table("contacts", log_table())
        con.create_table("demo_contacts", ibis.memtable(demo["frame"]))
        con.disconnect()
        yield url


def test_hand_checked_features_on_duckdb(files):
    found = contact_features(files["csv"], MAPPING, RESPONDENTS)
    table = found.table
    assert table.loc["A", "repeat_contacts"] == 4      # exactly 7x24 h is a repeat, one minute more is not
    assert table.loc["B", "repeat_contacts"] == 1      # summer time ends in the week; a missing topic never repeats
    channels = ("phone", "counter", "email", "web", "mail", "chat", "social", "other")
    assert table.loc["A"][[f"contacts_{c}" for c in channels]].tolist() == [1, 1, 1, 2, 1, 1, 1, 1]
    assert table.loc["A", "digital_share"] == pytest.approx(4 / 9)
    assert table.loc["B", "active_months"] == 4 and table.loc["B", "distinct_topics"] == 1
    assert table.loc["C", "contacts_total"] == 1 and (table.loc["D"] == 0).all()
    report = found.report
    counts = (report.rows, report.bad_timestamps, report.unmatched_rows, report.unmatched_ids)
    assert counts == (24, BAD_TIMESTAMPS, 3, 2)


def _same(found, reference) -> None:
    pd.testing.assert_frame_equal(found.table, reference.table)
    mine, theirs = found.report.to_dict(), reference.report.to_dict()
    for key in ("source", "warnings"):
        mine.pop(key), theirs.pop(key)
    assert mine == theirs
    assert [w.count for w in found.report.warnings] == [w.count for w in reference.report.warnings]


def test_spark_reads_csv_and_parquet_as_duckdb_does(files, spark):
    reference = contact_features(files["csv"], MAPPING, RESPONDENTS)
    for kind in ("csv", "parquet"):
        found = contact_features(files[kind], MAPPING, RESPONDENTS, engine=spark)
        _same(found, reference)
        on_duckdb = contact_features(files[kind], MAPPING, RESPONDENTS)
        assert found.report.source["sha256"] == on_duckdb.report.source["sha256"]
    assert "Fax" in str(found.report.warnings)


def test_postgres_table_gives_the_features_duckdb_gives(files, postgres):
    found = contact_features(None, MAPPING, RESPONDENTS, engine=postgres, table="contacts")
    _same(found, contact_features(files["parquet"], MAPPING, RESPONDENTS))
    assert found.report.source["sha256"] is None and "contacts" in found.report.source["name"]


def _features(demo, tmp_path, name, *extra) -> pd.DataFrame:
    out = tmp_path / f"{name}.parquet"
    result = CliRunner().invoke(main, ["features", str(demo["survey"]), "--codebook", str(demo["codebook"]),
                                       *extra, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return pd.read_parquet(out)


def test_cli_features_on_spark_equal_duckdb(demo, spark, tmp_path):
    duck = _features(demo, tmp_path, "duckdb", "--contacts", str(demo["parquet"]), "--engine", "duckdb")
    on_spark = _features(demo, tmp_path, "spark", "--contacts", str(demo["parquet"]), "--engine", "spark")
    assert duck["contacts_total"].sum() > 100
    pd.testing.assert_frame_equal(on_spark, duck)


def test_cli_features_from_a_postgres_table_equal_duckdb(demo, postgres, tmp_path):
    duck = _features(demo, tmp_path, "duckdb", "--contacts", str(demo["parquet"]))
    on_pg = _features(demo, tmp_path, "pg", "--engine", postgres, "--contacts-table", "demo_contacts")
    assert duck["repeat_contacts"].sum() > 10
    pd.testing.assert_frame_equal(on_pg, duck)


def test_unknown_engine_missing_table_and_files_on_a_database_are_refused(demo, postgres, tmp_path):
    out = tmp_path / "f.parquet"
    base = ["features", str(demo["survey"]), "--codebook", str(demo["codebook"]), "--out", str(out)]
    for extra, message in [
        (["--contacts", str(demo["parquet"]), "--engine", "oracle"], "unknown engine"),
        (["--engine", postgres, "--contacts-table", "absent"], "no table 'absent'"),
        (["--contacts", str(demo["parquet"]), "--engine", postgres], "--contacts-table"),
    ]:
        result = CliRunner().invoke(main, base + extra)
        assert result.exit_code == 2 and message in result.output, result.output
        assert not out.exists()


def test_a_password_never_shows():
    shown = engines.safe_name("postgresql://agent:s3cret@db.example:5432/crm")
    assert shown == "postgresql://agent@db.example:5432/crm"
    with pytest.raises(DataError) as caught:
        engines.connect("postgresql://agent:s3cret@127.0.0.1:1/crm")
    assert "s3cret" not in str(caught.value)
