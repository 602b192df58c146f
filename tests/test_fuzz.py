"""Fuzzing every reader (one suite per reader, all here): any input gives a result or a DataError,
never another exception; and a positive control per reader: valid variants are accepted, so a reader
that refused everything would fail here.

Bounded for CI (a fixed number of examples per target, derandomized so CI runs are reproducible).
Set HARDENING_FUZZ_EXAMPLES=5000 for a longer, randomized hunt on a workstation.
"""
from __future__ import annotations

import copy
import io
import os
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workshop_data.codebook import Codebook, load_codebook
from workshop_data.errors import DataError

_LONG = int(os.environ.get("HARDENING_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int):
    return settings(
        max_examples=_LONG or examples,
        deadline=None,
        derandomize=not _LONG,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


_TMP = Path(tempfile.mkdtemp(prefix="pw-fuzz-"))


def _file(data: bytes, suffix: str) -> Path:
    path = _TMP / f"input{suffix}"
    path.write_bytes(data)
    return path


def outcome(call, *args, **kwargs):
    """The result, or None when the input was refused with a DataError (anything else propagates)."""
    try:
        return call(*args, **kwargs)
    except DataError as exc:
        assert str(exc)  # a refusal always carries a message
        return None


# --- CSV ----------------------------------------------------------------------------------------

_CSV_CHARS = st.sampled_from(list(',;\t|"\n\r \'abcé€1,5.-@\x00\x1a\ufeff«»') + ["\r\n", "oui", "non", "12,5", ""])
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])


@st.composite
def csv_like(draw) -> bytes:
    """Mostly table-shaped text in a common encoding, sometimes raw bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    width = draw(st.integers(1, 6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    cells = st.lists(_CSV_CHARS, max_size=6).map("".join)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 1), min_size=0, max_size=8))
    text = "\n".join(delimiter.join(r) for r in rows)
    encoding = draw(_ENCODINGS)
    return text.encode(encoding, errors="replace")


def table_or_refusal(data: bytes, suffix: str) -> pd.DataFrame | None:
    """What read_table makes of ``data``: a non-empty frame of unique text columns, or None (refused)."""
    from workshop_data.readers import read_table

    frame = outcome(read_table, _file(data, suffix))
    if frame is not None:
        assert len(frame.columns) >= 1 and len(frame) >= 1 and frame.columns.is_unique
        assert list(frame.columns) == [str(c) for c in frame.columns]
        assert all(isinstance(dtype, pd.StringDtype) for dtype in frame.dtypes)
    return frame


@fuzz(200)
@given(csv_like())
def test_read_table_on_csv_bytes(data: bytes) -> None:
    table_or_refusal(data, ".csv")


@fuzz(100)
@given(st.binary(max_size=300), st.sampled_from([".csv", ".xlsx", ".parquet", ".txt"]))
def test_read_table_on_any_bytes_under_any_name(data: bytes, suffix: str) -> None:
    table_or_refusal(data, suffix)


_WORD = st.text(alphabet=st.sampled_from(list("abcxyzéèàçœ€’ 0123456789-_.")), min_size=1, max_size=8).map(str.strip)


@st.composite
def valid_csv(draw) -> tuple[bytes, list[str], int]:
    """A well-formed table in a common delimiter and encoding, with its header and row count."""
    width = draw(st.integers(1, 5))
    header = draw(st.lists(_WORD.filter(bool), min_size=width, max_size=width, unique_by=str.casefold))
    rows = draw(st.lists(st.lists(_WORD.filter(bool), min_size=width, max_size=width), min_size=1, max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(delimiter.join(r) for r in [header, *rows]) + newline
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding), header, len(rows)


@fuzz(100)
@given(valid_csv())
def test_read_table_accepts_valid_csv_variants(case: tuple[bytes, list[str], int]) -> None:
    data, header, n_rows = case
    frame = table_or_refusal(data, ".csv")
    assert frame is not None, "a well-formed table was refused"
    assert list(frame.columns) == header and len(frame) == n_rows


# --- XLSX ---------------------------------------------------------------------------------------

def _valid_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "q1", "commentaire", "age"])
    for i in range(5):
        sheet.append([f"R{i}", i % 5 + 1, f"texte {i} é", 30.5 + i])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_XLSX = _valid_xlsx()


@st.composite
def mutated_xlsx(draw) -> bytes:
    """A real workbook with bytes flipped, cut or inserted, or with one member rewritten."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        data = bytearray(_XLSX)
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(data) - 1))
            data[pos] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == 1:
        return _XLSX[: draw(st.integers(0, len(_XLSX)))]
    with zipfile.ZipFile(io.BytesIO(_XLSX)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    name = draw(st.sampled_from(sorted(members)))
    original = members[name]
    if kind == 2:
        cut = draw(st.integers(0, len(original)))
        junk = draw(st.binary(max_size=40))
        members[name] = original[:cut] + junk + original[cut + len(junk):]
    else:
        members[name] = draw(st.sampled_from([
            b"", b"<", b"<?xml version='1.0'?><worksheet/>",
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        ]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member, blob in members.items():
            target.writestr(member, blob)
    return buffer.getvalue()


@fuzz(100)
@given(mutated_xlsx())
def test_read_table_on_xlsx_like_bytes(data: bytes) -> None:
    frame = table_or_refusal(data, ".xlsx")
    if frame is not None:
        text = frame.to_csv()
        assert "root:" not in text  # no external entity was resolved


@st.composite
def fuzzed_sheet(draw) -> bytes:
    from hardening_helpers import minimal_xlsx, sheet_xml

    refs = st.sampled_from(["A1", "B1", "A2", "B2", "C3", "Z9", "AA1", "A0", "1A", "", "XFD1"])
    texts = st.text(alphabet=st.sampled_from(list("ab1,;é<&>\"' ")), max_size=6).map(
        lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    rows = draw(st.lists(st.lists(st.tuples(refs, texts), max_size=4), max_size=4))
    rows = [r for r in rows if r]
    dimension = draw(st.sampled_from([None, "A1:B2", "A1", "B2:A1", "A1:XFD1", "junk", "A1:C99"]))
    path = minimal_xlsx(sheet_xml(rows, dimension), _TMP / "sheet.xlsx")
    return path.read_bytes()


@fuzz(100)
@given(fuzzed_sheet())
def test_read_table_on_fuzzed_sheets(data: bytes) -> None:
    table_or_refusal(data, ".xlsx")


@fuzz(30)
@given(st.lists(st.lists(st.one_of(_WORD.filter(bool), st.integers(-999, 999), st.floats(-1e6, 1e6)),
                         min_size=3, max_size=3), min_size=1, max_size=6))
def test_read_table_accepts_valid_workbooks(rows: list[list]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "q1", "note"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    frame = table_or_refusal(buffer.getvalue(), ".xlsx")
    assert frame is not None, "a well-formed workbook was refused"
    assert list(frame.columns) == ["id", "q1", "note"] and len(frame) == len(rows)


# --- Codebook -----------------------------------------------------------------------------------

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True),
                     st.text(max_size=8), st.sampled_from(["likert", "numeric", "categorical", "pii", "trust",
                                                           "phone", "Appel", "id"]))
_PLAIN = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6) | st.integers(0, 3), inner, max_size=4), max_leaves=12)
_VALID_CODEBOOK = yaml.safe_load((Path(__file__).resolve().parent / "data" / "cli" / "codebook.yaml")
                                 .read_text(encoding="utf-8"))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _mutate(base, path, action, value):
    data = copy.deepcopy(base)
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


def mutations_of(base):
    paths = list(_paths(base))
    return st.builds(_mutate, st.just(base), st.sampled_from(paths), st.sampled_from(["replace", "delete"]),
                     _PLAIN)


def _check_codebook(book: Codebook | None) -> None:
    if book is not None:
        assert isinstance(book.respondent_id, str) and book.columns
        Codebook.from_dict(yaml.safe_load(book.to_yaml()))  # whatever is accepted can be saved and reread


@pytest.mark.parametrize("field", ["topic", "online_available"])
@pytest.mark.parametrize("value", [5, float("nan"), ["a"], {"a": 1}, True])
def test_codebook_refuses_non_text_optional_contact_columns(field: str, value) -> None:
    data = copy.deepcopy(_VALID_CODEBOOK)
    data["contacts"][field] = value
    with pytest.raises(DataError):
        Codebook.from_dict(data, file="codebook.yaml")


@fuzz(200)
@given(st.one_of(_PLAIN, mutations_of(_VALID_CODEBOOK)))
def test_codebook_from_arbitrary_structures(data) -> None:
    _check_codebook(outcome(Codebook.from_dict, data, file="codebook.yaml"))


_RENAMES = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz_")), min_size=1, max_size=12)


@fuzz(50)
@given(st.sets(st.sampled_from(["age", "commentaire", "usage_teleservices"]), max_size=2),
       st.sampled_from(["fr", "en"]), _RENAMES, st.booleans())
def test_codebook_accepts_valid_variants(dropped: set, lang: str, label: str, reverse: bool) -> None:
    data = copy.deepcopy(_VALID_CODEBOOK)
    for column in dropped:
        del data["columns"][column]
    data["columns"]["aisance_ordinateur"]["label"] = {lang: label}
    data["columns"]["aisance_ordinateur"]["reverse"] = reverse
    book = outcome(Codebook.from_dict, data, file="codebook.yaml")
    assert book is not None, "a valid codebook was refused"
    _check_codebook(book)
    assert set(book.columns) == set(_VALID_CODEBOOK["columns"]) - dropped


_YAML_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(["respondent_id: id", "columns:", "  q: likert", "  q: {type: likert, scale: [1, 5]}",
                              "- a", "&a x", "*a", "!!python/name:os.system", "!!binary AA==", "? [a]", ": b",
                              "  levels: [a, b]", "'unterminated", "\t", "---", "...", "{", "}", "[", "]",
                              "x: 1e999", "x: 0x1F", "x: .nan", "x: 2026-01-05", "<<: *a"]),
             max_size=12).map("\n".join),
)


@fuzz(150)
@given(_YAML_TEXT)
def test_load_codebook_on_arbitrary_yaml_text(text: str) -> None:
    path = _TMP / "codebook.yaml"
    try:
        path.write_text(text, encoding="utf-8")
    except UnicodeEncodeError:
        assume(False)
    _check_codebook(outcome(load_codebook, path))


# --- Workshop files -----------------------------------------------------------------------------

def _valid_workshop_text() -> str:
    from personas.store import dump_workshop
    from personas_helpers import make_workshop

    return dump_workshop(make_workshop(3, 24, seed=1))


@pytest.fixture(scope="module")
def workshop_text() -> str:
    return _valid_workshop_text()


def _parse_and_check(text: str) -> None:
    from personas.model import invariant_problems
    from personas.store import dump_workshop, parse_workshop

    ws = outcome(parse_workshop, text, file="atelier.yaml")
    if ws is not None:
        assert invariant_problems(ws) == []
        saved = dump_workshop(ws)  # whatever loads can be saved, read back, and saved the same
        assert dump_workshop(parse_workshop(saved)) == saved


@fuzz(150)
@given(st.one_of(_YAML_TEXT, st.text(max_size=300)))
def test_parse_workshop_on_arbitrary_text(text: str) -> None:
    _parse_and_check(text)


@fuzz(150)
@given(st.data())
def test_parse_workshop_on_mutated_text(workshop_text: str, data) -> None:
    text = workshop_text
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        length = data.draw(st.integers(0, 30))
        insert = data.draw(st.sampled_from(["", "x", ":", "- ", "\n", "  ", "'", "&a ", "*a", "null", "-1", "1e308",
                                            "P9", "[]", "{}", "\t", "!!python/none "]))
        text = text[:start] + insert + text[start + length:]
    _parse_and_check(text)


@fuzz(12)
@given(st.integers(2, 6), st.integers(12, 40), st.integers(0, 1000))
def test_parse_workshop_accepts_valid_workshops(k: int, n: int, seed: int) -> None:
    from personas.store import dump_workshop, parse_workshop
    from personas_helpers import make_workshop

    text = dump_workshop(make_workshop(k, max(n, 3 * k), seed=seed))
    ws = outcome(parse_workshop, text, file="atelier.yaml")
    assert ws is not None, "a valid workshop file was refused"
    assert len(ws.personas) == k
    _parse_and_check(text)


@pytest.fixture(scope="module")
def workshop_data(workshop_text: str) -> dict:
    return yaml.load(workshop_text, Loader=_FAST_LOADER)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


_MUTATIONS: dict[int, st.SearchStrategy] = {}


@fuzz(100)
@given(st.data())
def test_parse_workshop_on_mutated_structure(workshop_data: dict, data) -> None:
    strategy = _MUTATIONS.setdefault(id(workshop_data), mutations_of(workshop_data))
    mutated = data.draw(strategy)
    text = yaml.dump(mutated, Dumper=_FAST_DUMPER, allow_unicode=True, sort_keys=False, explicit_end=True)
    _parse_and_check(text)


# --- Survey intake with a codebook --------------------------------------------------------------

_LEVELS = ["Pas du tout d'accord", "Plutôt pas d'accord", "Plutôt d'accord", "Tout à fait d'accord"]
_FUZZ_BOOK = Codebook.from_dict({
    "respondent_id": "id",
    "weight": "poids",
    "columns": {
        "q_levels": {"type": "likert", "levels": _LEVELS, "dimension": "trust"},
        "q_scale": {"type": "likert", "scale": [1, 5], "reverse": True, "dimension": "awareness"},
        "age": {"type": "numeric"},
        "quartier": {"type": "categorical"},
        "internet": {"type": "boolean"},
        "commentaire": {"type": "text"},
        "courriel": {"type": "pii"},
    },
})
_ANY_CELL = st.one_of(
    st.sampled_from(["", "NA", "ne sait pas", "oui", "non", "1", "5", "3,5", "-2", "1e9", "inf", "nan", "x@y.fr",
                     "06 12 34 56 78", "Tout à fait d'accord", "tout a fait d'accord", "Nord", "0"] + _LEVELS),
    st.text(alphabet=st.sampled_from(list("ab1é ,.;-@+\"'")), max_size=8),
)
_VALID_CELL = {
    "q_levels": st.sampled_from(_LEVELS + [""]),
    "q_scale": st.sampled_from(["1", "2", "3", "4", "5", ""]),
    "age": st.sampled_from(["18", "45,5", "80", ""]),
    "quartier": st.sampled_from(["Nord", "Sud", "Centre"]),
    "internet": st.sampled_from(["oui", "non", ""]),
    "commentaire": st.sampled_from(["", "Trop d'attente.", "Écrivez-moi à jean.dupont@mail.fr", "Appelez le 06 12 34 56 78"]),
    "courriel": st.sampled_from(["a@b.fr", "c@d.com"]),
    "poids": st.sampled_from(["1", "0,8", "1,2"]),
}


@st.composite
def survey_csv(draw) -> bytes:
    columns = ["id", *(_VALID_CELL)]
    drop = draw(st.sets(st.sampled_from(columns), max_size=1)) if draw(st.integers(0, 9)) == 0 else set()
    columns = [c for c in columns if c not in drop]
    n = draw(st.integers(18, 24))
    rows = []
    for i in range(n):
        row = []
        for column in columns:
            if column == "id":
                row.append(draw(st.sampled_from([f"R{i}", f"R{i}", f"R{i}", f"R{max(i - 1, 0)}", ""])))
            elif draw(st.integers(0, 7)) == 0:
                row.append(draw(_ANY_CELL))
            else:
                row.append(draw(_VALID_CELL[column]))
        rows.append(row)
    delimiter = draw(st.sampled_from([";", ","]))

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ';,"\n') else value

    text = "\n".join(delimiter.join(cell(v) for v in r) for r in [columns, *rows]) + "\n"
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")


@fuzz(50)
@given(survey_csv(), st.booleans())
def test_load_survey_with_a_codebook(data: bytes, lenient: bool) -> None:
    import numpy as np

    from workshop_data.survey import load_survey

    survey = outcome(load_survey, _file(data, ".csv"), _FUZZ_BOOK, lenient=lenient, min_respondents=20)
    if survey is None:
        return
    frame = survey.data
    assert "courriel" not in frame.columns
    assert frame.index.is_unique and len(frame) >= 20
    levels = frame["q_levels"].dropna().to_numpy(dtype=float)
    assert np.all((levels >= 1) & (levels <= len(_LEVELS)))
    scale = frame["q_scale"].dropna().to_numpy(dtype=float)
    assert np.all((scale >= 1) & (scale <= 5))
    assert np.isfinite(survey.weights.to_numpy(dtype=float)).all()
    text = " ".join(str(v) for v in frame["commentaire"].dropna())
    assert "@mail.fr" not in text and "06 12 34 56 78" not in text


@st.composite
def valid_survey_csv(draw) -> tuple[bytes, int]:
    """A survey that fits the codebook: every cell valid, ids unique."""
    columns = ["id", *(_VALID_CELL)]
    n = draw(st.integers(20, 26))
    rows = [[f"R{i}", *(draw(_VALID_CELL[c]) for c in columns[1:])] for i in range(n)]
    delimiter = draw(st.sampled_from([";", ","]))

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ';,"\n') else value

    text = "\n".join(delimiter.join(cell(v) for v in r) for r in [columns, *rows]) + "\n"
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252"]))), n


@fuzz(20)
@given(valid_survey_csv(), st.booleans())
def test_load_survey_accepts_valid_surveys(case: tuple[bytes, int], lenient: bool) -> None:
    from workshop_data.survey import load_survey

    data, n = case
    survey = outcome(load_survey, _file(data, ".csv"), _FUZZ_BOOK, lenient=lenient, min_respondents=20)
    assert survey is not None, "a survey that fits its codebook was refused"
    assert len(survey.data) == n and "courriel" not in survey.data.columns


# --- Contact logs -------------------------------------------------------------------------------

_MAPPING = None


def _contact_mapping():
    global _MAPPING
    if _MAPPING is None:
        _MAPPING = Codebook.from_dict(_VALID_CODEBOOK).contacts
    return _MAPPING


_LOG_CELLS = {
    "usager": st.sampled_from(["R001", "R002", "R999", "", "r001 ", "NULL"]),
    "horodatage": st.sampled_from(["2025-01-02 09:15:00", "02/01/2025 09:15", "2025-13-40 25:61:00", "", "hier",
                                   "2025-01-02T09:15:00Z", "1735809300", "0000-00-00"]),
    "canal_contact": st.sampled_from(["Appel", "Guichet", "Mail", "Téléservice", "Courrier", "Pigeon", ""]),
    "objet": st.sampled_from(["Déchets", "État civil", "", "a;b", '"quoted"', "x" * 50]),
    "dispo_en_ligne": st.sampled_from(["oui", "non", "", "peut-être", "1", "0", "true"]),
}


@st.composite
def contact_log(draw) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(csv_like())
    columns = [c for c in _LOG_CELLS if draw(st.integers(0, 12)) != 0]
    rows = [[draw(_LOG_CELLS[c]) for c in columns] for _ in range(draw(st.integers(0, 12)))]
    delimiter = draw(st.sampled_from([";", ",", "\t"]))

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ';,"\t\n') else value

    text = "\n".join(delimiter.join(cell(v) for v in r) for r in [columns, *rows]) + "\n"
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), errors="replace")


@fuzz(15)
@given(contact_log())
def test_contact_features_on_arbitrary_logs(data: bytes) -> None:
    from workshop_data.contacts import contact_features

    found = outcome(contact_features, _file(data, ".csv"), _contact_mapping(), ["R001", "R002", "R003"])
    if found is not None:
        table = found.table
        assert len(table) == 3
        assert (table["contacts_total"].to_numpy() >= 0).all()


_VALID_LOG_CELLS = {
    "usager": st.sampled_from(["R001", "R002", "R003"]),
    "horodatage": st.sampled_from(["2025-01-02 09:15:00", "2025-02-11 14:00:00", "2025-03-30 08:05:00"]),
    "canal_contact": st.sampled_from(["Appel", "Guichet", "Mail", "Téléservice", "Courrier"]),
    "objet": st.sampled_from(["Déchets", "État civil", "Écoles"]),
    "dispo_en_ligne": st.sampled_from(["oui", "non"]),
}


@fuzz(8)
@given(st.lists(st.fixed_dictionaries(_VALID_LOG_CELLS), min_size=1, max_size=12), st.sampled_from([";", ","]))
def test_contact_features_accept_valid_logs(rows: list[dict], delimiter: str) -> None:
    from workshop_data.contacts import contact_features

    columns = list(_VALID_LOG_CELLS)
    text = "\n".join(delimiter.join(r[c] for c in columns) for r in [dict(zip(columns, columns)), *rows]) + "\n"
    found = outcome(contact_features, _file(text.encode("utf-8"), ".csv"), _contact_mapping(), ["R001", "R002", "R003"])
    assert found is not None, "a well-formed contact log was refused"
    assert int(found.table["contacts_total"].sum()) == len(rows)
