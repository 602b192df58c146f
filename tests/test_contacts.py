"""Contact features: exact counts on a hand-computed log, whatever the file format, and refusals."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workshop_data.codebook import CHANNELS, ContactMapping
from workshop_data.contacts import FEATURE_COLUMNS, contact_features, features_expr, read_contacts
from workshop_data.errors import DataError
from workshop_data.sample import generate_demo

DATA = Path(__file__).resolve().parent / "data" / "contacts"
LOG = DATA / "contacts_cp1252.csv"
MAPPING = ContactMapping(
    respondent_id="usager",
    timestamp="horodatage",
    channel="canal_contact",
    topic="objet",
    online_available="dispo_en_ligne",
    channels={"Appel": "phone", "Guichet": "counter", "Mail": "email", "Téléservice": "web",
              "Courrier": "mail", "Tchat": "chat"},
)
RESPONDENTS = ["A", "B", "C"]

# Worked by hand from tests/data/contacts/contacts_cp1252.csv:
# A: État civil at 03-01 10:00, 03-08 10:00 (exactly 7x24 h later: a repeat), 03-15 10:00:01
#    (7x24 h + 1 s after the previous: not a repeat); Déchets by e-mail then web 17 days apart.
# B: Œuvres sociales on 14/03 (French date) and 15/03 (repeat); Stationnement by chat 05-01 08:00
#    then by fax (unmapped: other) on 02/05 10:00 (repeat); one row with an unreadable date.
# C: no contact. X and Y: ids that match no respondent.
EXPECTED = pd.DataFrame(
    {
        "contacts_total": [5, 4, 0],
        "contacts_phone": [2, 0, 0],
        "contacts_counter": [1, 1, 0],
        "contacts_email": [1, 0, 0],
        "contacts_web": [1, 0, 0],
        "contacts_mail": [0, 1, 0],
        "contacts_chat": [0, 1, 0],
        "contacts_social": [0, 0, 0],
        "contacts_other": [0, 1, 0],
        "digital_share": [0.4, 0.25, 0.0],
        "avoidable_share": [0.8, 0.5, 0.0],
        "avoidable_contacts": [4, 2, 0],
        "repeat_contacts": [1, 2, 0],
        "distinct_topics": [2, 2, 0],
        "active_months": [2, 2, 0],
    },
    index=pd.Index(RESPONDENTS, name="respondent_id", dtype="str"),
)


def log_frame() -> pd.DataFrame:
    return pd.read_csv(LOG, sep=";", encoding="cp1252", dtype=str)


def check_expected(features) -> None:
    assert list(features.table.columns) == list(FEATURE_COLUMNS)
    pd.testing.assert_frame_equal(features.table, EXPECTED, check_index_type=False)
    report = features.report
    assert (report.rows, report.matched_rows, report.unmatched_rows, report.unmatched_ids) == (12, 10, 2, 2)
    assert report.bad_timestamps == 1


def test_hand_computed_log_cp1252_semicolon():
    features = contact_features(LOG, MAPPING, RESPONDENTS)
    check_expected(features)
    report = features.report
    assert report.source["role"] == "contacts" and report.source["name"] == LOG.name
    assert report.source["rows"] == 12 and len(report.source["sha256"]) == 64
    assert 90 < report.period_days < 93  # 2025-03-01 10:00 to 2025-06-01 10:00
    messages = " | ".join(str(w) for w in report.warnings)
    assert "match no respondent" in messages and "timestamp cannot be read" in messages
    assert report.to_dict()["unmatched_ids"] == 2


def test_zeros_not_missing_for_people_without_contacts():
    table = contact_features(LOG, MAPPING, ["C", "Z", "A"]).table
    assert list(table.index) == ["C", "Z", "A"]
    assert not table.isna().any().any()
    assert (table.loc[["C", "Z"]] == 0).all().all()
    assert table.loc["A", "contacts_total"] == 5


def test_parquet_and_glob_of_two_files_give_identical_results(tmp_path):
    frame = log_frame()
    parquet = frame.copy()
    parquet["horodatage"] = [
        pd.to_datetime(v, format="%d/%m/%Y %H:%M" if "/" in v else "%Y-%m-%d %H:%M:%S", errors="coerce")
        for v in frame["horodatage"]
    ]
    parquet.to_parquet(tmp_path / "log.parquet")
    check_expected(contact_features(tmp_path / "log.parquet", MAPPING, RESPONDENTS))

    parts = tmp_path / "parts"
    parts.mkdir()
    frame.iloc[:6].to_csv(parts / "part1.csv", index=False, encoding="utf-8-sig")            # ',' UTF-8 BOM
    frame.iloc[6:].to_csv(parts / "part2.csv", index=False, sep=";", encoding="cp1252")      # ';' cp1252
    check_expected(contact_features(str(parts / "part*.csv"), MAPPING, RESPONDENTS))
    check_expected(contact_features([parts / "part1.csv", parts / "part2.csv"], MAPPING, RESPONDENTS))


def test_utf16_and_tab_separated(tmp_path):
    path = tmp_path / "log.tsv"
    log_frame().to_csv(path, index=False, sep="\t", encoding="utf-16")
    check_expected(contact_features(path, MAPPING, RESPONDENTS))


def test_cp1252_characters_come_back_as_text():
    table = read_contacts(LOG)
    topics = set(table.select("objet").distinct().to_pandas()["objet"])
    assert "Œuvres sociales" in topics and "État civil" in topics


def test_features_expr_is_one_lazy_ibis_expression():
    import ibis.expr.types as ir

    expr = features_expr(read_contacts(LOG), MAPPING)
    assert isinstance(expr, ir.Table)
    assert set(FEATURE_COLUMNS) <= set(expr.columns)


def test_too_many_bad_timestamps_refused():
    with pytest.raises(DataError) as caught:
        contact_features(LOG, MAPPING, RESPONDENTS, max_bad_timestamp_share=0.05)
    assert caught.value.column == "horodatage"
    assert "1 of 12" in str(caught.value)


@pytest.mark.parametrize("field", ["respondent_id", "channel"])
def test_missing_id_or_channel_column_refused(field):
    mapping = ContactMapping(**{**MAPPING.to_dict(), field: "absente"})
    with pytest.raises(DataError) as caught:
        contact_features(LOG, mapping, RESPONDENTS)
    assert caught.value.column == "absente"
    assert caught.value.file == LOG.name
    assert "usager" in caught.value.expected


def test_missing_unreadable_or_empty_files_refused(tmp_path):
    with pytest.raises(DataError, match="not found"):
        contact_features(tmp_path / "nowhere.csv", MAPPING, RESPONDENTS)
    with pytest.raises(DataError, match="no file matches"):
        contact_features(str(tmp_path / "none*.csv"), MAPPING, RESPONDENTS)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        contact_features(empty, MAPPING, RESPONDENTS)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(DataError):
        contact_features(binary, MAPPING, RESPONDENTS)
    fake = tmp_path / "fake.parquet"
    fake.write_text("usager;horodatage\n")
    with pytest.raises(DataError, match="Parquet"):
        contact_features(fake, MAPPING, RESPONDENTS)


def test_header_only_gives_zeros(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("usager;horodatage;canal_contact;objet;dispo_en_ligne\n", encoding="utf-8")
    features = contact_features(path, MAPPING, RESPONDENTS)
    assert (features.table == 0).all().all()
    assert features.report.rows == 0


def reference_features(log: pd.DataFrame, mapping: ContactMapping, ids: list[str]) -> pd.DataFrame:
    """The same features in plain pandas, written from the definitions, to cross-check the expression."""
    frame = pd.DataFrame({
        "rid": log[mapping.respondent_id].astype(str),
        "channel": log[mapping.channel].map(lambda v: mapping.canonical_channel(v)),
        "topic": log[mapping.topic],
        "online": log[mapping.online_available].str.lower().isin(["oui", "yes"]),
        "ts": pd.to_datetime(log[mapping.timestamp], format="%Y-%m-%d %H:%M:%S"),
    })
    frame = frame.sort_values(["rid", "topic", "ts"])
    gap = frame.groupby(["rid", "topic"])["ts"].diff()
    frame["repeat"] = gap <= pd.Timedelta(days=7)
    frame["month"] = frame["ts"].dt.to_period("M")
    grouped = frame.groupby("rid")
    out = pd.DataFrame({"contacts_total": grouped.size()})
    for channel in CHANNELS:
        out[f"contacts_{channel}"] = (frame["channel"] == channel).groupby(frame["rid"]).sum()
    out["avoidable_contacts"] = grouped["online"].sum()
    out["repeat_contacts"] = grouped["repeat"].sum()
    out["distinct_topics"] = grouped["topic"].nunique()
    out["active_months"] = grouped["month"].nunique()
    return out.reindex(ids, fill_value=0).astype("int64")


def test_matches_a_pandas_reference_on_demo_data(tmp_path):
    demo = generate_demo(300, seed=5)
    path = tmp_path / "contacts.csv"
    demo.contacts.to_csv(path, index=False, sep=";", encoding="cp1252")
    mapping = demo.codebook.contacts
    ids = demo.truth["respondent_id"].tolist()
    features = contact_features(path, mapping, ids)
    expected = reference_features(demo.contacts, mapping, ids)
    got = features.table[expected.columns]
    pd.testing.assert_frame_equal(got, expected, check_names=False, check_index_type=False)
    assert features.table["repeat_contacts"].sum() > 50
    share = features.table["avoidable_contacts"] / features.table["contacts_total"].replace(0, np.nan)
    np.testing.assert_allclose(features.table["avoidable_share"], share.fillna(0.0))
    assert features.report.unmatched_rows == (~demo.contacts[mapping.respondent_id].isin(ids)).sum()


def test_ragged_rows_refused_with_the_file_named(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("usager;horodatage;canal_contact;objet;dispo_en_ligne\n"
                    "A;2025-03-01 10:00:00;Appel;Déchets;oui;en trop;encore\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        contact_features(path, MAPPING, RESPONDENTS)
    assert caught.value.file == "ragged.csv"


def test_channel_labels_the_mapping_does_not_list_are_reported():
    features = contact_features(LOG, MAPPING, RESPONDENTS)
    unmapped = [w for w in features.report.warnings if "channel" in str(w) and "'other'" in str(w)]
    assert len(unmapped) == 1 and unmapped[0].column == "canal_contact"
    assert str(unmapped[0]).endswith("'other': Fax, Réseaux") and unmapped[0].count == 2
    listed = ContactMapping(**{**MAPPING.__dict__, "channels": {**MAPPING.channels, "Fax": "other", "Réseaux": "social"}})
    assert not any("'other'" in str(w) for w in contact_features(LOG, listed, RESPONDENTS).report.warnings)


@pytest.mark.parametrize("stamp", ["14/03/25 09:32", "14/03/25", "14.03.2025 09:32", "14/03/2025 09h32"])
def test_french_timestamp_variants_are_read(tmp_path, stamp):
    path = tmp_path / "log.csv"
    path.write_text(f"u;t;c\nA;{stamp};Appel\nA;2025-03-01 10:00:00;Appel\n", encoding="utf-8")
    features = contact_features(path, ContactMapping(respondent_id="u", timestamp="t", channel="c"), ["A"])
    assert features.report.bad_timestamps == 0
    assert features.table.loc["A", "contacts_total"] == 2 and features.table.loc["A", "active_months"] == 1
    assert 12 < features.report.period_days < 14


def test_a_year_out_of_range_is_an_unreadable_timestamp_not_a_crash(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("u;t;c\nA;0025-03-14 09:32:00;Appel\n" + "A;2025-03-01 10:00:00;Appel\n" * 3, encoding="utf-8")
    features = contact_features(path, ContactMapping(respondent_id="u", timestamp="t", channel="c"), ["A"])
    assert features.report.bad_timestamps == 1 and features.table.loc["A", "contacts_total"] == 3


STAMPS = {
    "2025-03-02 23:40": 20250302234000, "2025-03-02T23:40:15": 20250302234015, "2025-03-02": 20250302000000,
    "2025-03-02 23:40:15.250": 20250302234015, " 2025-03-02 23:40 ": 20250302234000, "2/3/2025 9:05": 20250302090500,
    "02/03/25": 20250302000000, "02.03.1999 23h40": 19990302234000, "29/02/2024 10:00": 20240229100000,
    "29/02/2025 10:00": None, "2025-02-31 10:00": None, "2025-03-02 24:00": None, "1899-12-31": None,
    "n/a": None, "": None, "2025-3-2": 20250302000000,
}


@pytest.mark.parametrize("sample", [["2025-01-01 10:00"] * 5, ["01/01/2025 10:00"] * 5, []])
def test_timestamps_read_the_same_whatever_shape_the_sample_shows(sample):
    """The sampled shape only makes reading faster: every value reads the same with or without it."""
    import ibis

    from workshop_data import timestamps

    import calendar
    from datetime import datetime

    table = ibis.memtable(pd.DataFrame({"t": list(STAMPS), "n": range(len(STAMPS))}))
    stamped = table.select("n", stamp=timestamps.text_stamp(table.t, timestamps.detect_shapes(sample),
                                                            trimmed=table.t.strip()))
    moments = timestamps.with_moments(stamped, ibis.memtable(timestamps.calendar_table()), ["n"])
    found = moments.order_by("n").to_pyarrow().column("seconds").to_pylist()
    expected = [None if s is None else calendar.timegm(datetime.strptime(str(s), "%Y%m%d%H%M%S").timetuple())
                for s in STAMPS.values()]
    assert dict(zip(STAMPS, found)) == dict(zip(STAMPS, expected))


def test_the_sampled_shape_of_an_iso_export_without_seconds():
    from workshop_data.timestamps import detect_shapes

    iso, french = detect_shapes(["2025-03-02 23:40"] * 3 + ["14/03/2025 09:32"] + ["n/a"] * 2)
    assert iso.text == "9999-99-99 99:99" and iso.in_order and iso.spans[-1] is None
    assert french.text == "99/99/9999 99:99" and not french.in_order
