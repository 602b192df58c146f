"""read_table: encodings, delimiters, formats, and every bad file refused with where and what."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from workshop_data.errors import DataError
from workshop_data.readers import parse_number, read_table

DATA = Path(__file__).parent / "data" / "intake"
FRENCH = "id;ville;montant;remarque\r\n1;Épinal;1 234,50;œuvre à 12 €\r\n2;Saint-Étienne;3,5;l’accueil\r\n"


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("cp1252", b"", "cp1252"),
    ],
)
def test_encodings_read_right(tmp_path: Path, encoding: str, bom: bytes, expected: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(bom + FRENCH.encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == ["id", "ville", "montant", "remarque"]
    assert frame.attrs["encoding"] == expected
    assert frame.attrs["delimiter"] == ";"
    assert frame.attrs["format"] == "csv"
    assert frame.loc[0, "ville"] == "Épinal"
    assert frame.loc[0, "remarque"] == "œuvre à 12 €"
    assert frame.loc[1, "remarque"] == "l’accueil"
    assert parse_number(frame.loc[0, "montant"]) == 1234.5


def test_values_are_text_with_na_and_stripped(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id , q1 ,q2\n 007 ,  oui ,\n8,,  \n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["id", "q1", "q2"]
    assert all(isinstance(dtype, pd.StringDtype) for dtype in frame.dtypes)
    assert frame.loc[0, "id"] == "007"
    assert frame.loc[0, "q1"] == "oui"
    assert frame["q2"].isna().all()
    assert pd.isna(frame.loc[1, "q1"])


def test_tab_and_pipe_delimiters() -> None:
    tab = read_table(DATA / "tab.tsv")
    assert tab.attrs["delimiter"] == "\t"
    assert tab["nom"].tolist() == ["Éloïse", "Œdipe"]
    assert [parse_number(v) for v in tab["score"]] == [1.5, 2.25]
    pipe = read_table(DATA / "pipe.txt")
    assert pipe.attrs["delimiter"] == "|"
    assert pipe["q1"].tolist() == ["a", "b"]


def test_semicolon_with_decimal_commas_not_mistaken_for_commas(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id;poids;note\n1;1,25;3,5\n2;0,75;4,0\n3;1,00;2,5\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.attrs["delimiter"] == ";"
    assert frame["poids"].tolist() == ["1,25", "0,75", "1,00"]


def test_quoted_fields_with_delimiters_and_newlines() -> None:
    frame = read_table(DATA / "out_of_scale.csv")
    assert frame.loc[0, "Remarque"] == "Très bien, merci"
    assert frame.loc[1, "Remarque"] == "Sur\ndeux lignes"
    assert len(frame) == 4


def test_xlsx_read_with_types_as_text(tmp_path: Path) -> None:
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "Q1", "montant", "quand", "commentaire"])
    sheet.append([1, "Tout à fait d’accord", 12.5, datetime.datetime(2024, 3, 1, 9, 30), "œuvre €"])
    sheet.append([2, "Plutôt d'accord", 3.0, None, None])
    path = tmp_path / "s.xlsx"
    book.save(path)
    frame = read_table(path)
    assert frame.attrs["format"] == "xlsx"
    assert frame["id"].tolist() == ["1", "2"]
    assert frame["Q1"].tolist() == ["Tout à fait d’accord", "Plutôt d'accord"]
    assert frame["montant"].tolist() == ["12.5", "3"]
    assert frame.loc[0, "quand"].startswith("2024-03-01")
    assert pd.isna(frame.loc[1, "commentaire"])


def test_xlsx_table_found_past_a_read_me_sheet_and_title_rows(tmp_path: Path) -> None:
    from workbook_helpers import workbook_from_csv

    path = workbook_from_csv(Path(__file__).parent / "data" / "cli" / "survey.csv", tmp_path / "book.xlsx")
    frame = read_table(path)
    assert frame.attrs["sheet"] == "Réponses"
    assert frame.attrs["header_row"] == 3
    assert frame.attrs["sheets"] == ["Lisez-moi", "Réponses", "Notes"]
    assert list(frame.columns)[:2] == ["id_repondant", "aisance_ordinateur"]
    assert len(frame) == 30 and frame.loc[0, "id_repondant"] == "R001"
    with pytest.raises(DataError, match="sheet 'Lisez-moi' holds no table"):
        read_table(path, sheet="Lisez-moi")


def test_xlsx_merged_group_header_names_each_column_after_group_and_item(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Baromètre de l'accueil"])
    sheet.append(["id", "Satisfaction", None, None, "âge"])
    sheet.append([None, "Accueil", "Délai", "Clarté", None])
    for cells in ("A1:E1", "B2:D2", "A2:A3", "E2:E3"):
        sheet.merge_cells(cells)
    for i in range(4):
        sheet.append([i + 1, 3, 4, 5, 40 + i])
    book.save(tmp_path / "m.xlsx")
    frame = read_table(tmp_path / "m.xlsx")
    assert list(frame.columns) == ["id", "Satisfaction – Accueil", "Satisfaction – Délai", "Satisfaction – Clarté",
                                   "âge"]
    assert frame.attrs["header_row"] == 2
    assert frame["id"].tolist() == ["1", "2", "3", "4"]


def test_xlsx_unknown_sheet_is_refused_with_the_sheet_names(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Données"
    book.active.append(["id", "q"])
    book.active.append([1, 2])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(DataError) as info:
        read_table(tmp_path / "s.xlsx", sheet="Feuil2")
    assert "Feuil2" in info.value.message and info.value.expected == "one of: Données"


def test_xlsx_with_absurd_declared_dimensions_is_refused(tmp_path: Path) -> None:
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "q"])
    book.active.append([1, 2])
    good = tmp_path / "good.xlsx"
    book.save(good)
    bad = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', data)
                assert b"XFD1048576" in data
            dst.writestr(item, data)
    with pytest.raises(DataError) as info:
        read_table(bad)
    assert "columns" in info.value.message
    assert info.value.file == "huge.xlsx"


def test_not_really_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a zip at all")
    with pytest.raises(DataError, match="XLSX"):
        read_table(path)


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    pd.DataFrame({"id": ["a", "b"], "score": [1.0, 2.5], "n": [3, None]}).to_parquet(path)
    frame = read_table(path)
    assert frame.attrs["format"] == "parquet"
    assert frame["score"].tolist() == ["1", "2.5"]
    assert frame["n"].tolist()[0] == "3"
    assert pd.isna(frame["n"].tolist()[1])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_table(tmp_path / "nope.csv")
    assert info.value.message == "file not found"
    assert info.value.file.endswith("nope.csv")
    assert "nope.csv: file not found" in str(info.value)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="folder"):
        read_table(tmp_path)


@pytest.mark.parametrize(("name", "message"), [
    ("empty.csv", "the file is empty"), ("header_only.csv", "no data rows"), ("binary.csv", "binary"),
])
def test_unusable_file_is_refused_by_name(name: str, message: str) -> None:
    with pytest.raises(DataError) as info:
        read_table(DATA / name)
    assert message in info.value.message
    assert info.value.file == name


def test_blank_lines_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(DataError, match="empty"):
        read_table(path)


def test_ragged_rows_name_the_lines() -> None:
    with pytest.raises(DataError) as info:
        read_table(DATA / "ragged.csv")
    err = info.value
    assert err.line == 4
    assert "lines 4, 6" in err.message
    assert err.expected == "3 fields separated by ','"
    assert "line 4" in str(err)


def test_too_many_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(50)) + "\n" + ",".join("1" * 50) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="too many columns"):
        read_table(path, max_columns=10)


def test_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("id,q\n" + "1,2\n" * 100, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path, max_bytes=50)
    assert "too large" in info.value.message
    assert info.value.expected == "at most 50 bytes"


def test_duplicate_and_empty_header_names(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,q,q\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="more than once: q"):
        read_table(path)
    path.write_text("id,,q\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 2 has no name"):
        read_table(path)


def test_trailing_empty_column_and_rows_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("id;q;\n1;a;\n2;b;\n;;\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["id", "q"]
    assert len(frame) == 2


def test_huge_cell_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text('id,q\n1,"' + "x" * 1_100_000 + '"\n', encoding="utf-8")
    with pytest.raises(DataError, match="not a readable CSV"):
        read_table(path)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,5", 1234.5),
        ("1\u202f234,5", 1234.5),
        ("1\u00a0234", 1234.0),
        ("12,5 %", 12.5),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("-3", -3.0),
        ("\u22123,5", -3.5),
        ("0,75", 0.75),
        ("abc", None),
        ("", None),
        ("1,2,3", None),
        ("nan", None),
        ("inf", None),
        ("12/03/2024", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("sep=;\nid;note\n1;2,5\n2;3\n", encoding="cp1252")
    frame = read_table(path)
    assert list(frame.columns) == ["id", "note"]
    assert frame.attrs["delimiter"] == ";"


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    import workshop_data.readers as readers

    monkeypatch.setattr(readers, "ZIP_BOMB_BYTES", 5_000_000)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
            block = b"A" * (1 << 20)
            for _ in range(6):
                handle.write(block)
    assert path.stat().st_size < 30_000
    with pytest.raises(DataError, match="too large once unzipped"):
        read_table(path)


def test_header_with_a_million_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(";".join(f"c{i}" for i in range(1_000_000)) + "\n1;2\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert "too many columns (1,000,000)" in info.value.message
    assert info.value.line == 1


def test_trailing_separators_on_data_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id;q\n1;a;\n2;b;;\n", encoding="utf-8")
    assert read_table(path)["q"].tolist() == ["a", "b"]


def test_format_follows_the_bytes_not_the_name(tmp_path: Path) -> None:
    path = tmp_path / "really_parquet.csv"
    pd.DataFrame({"id": ["a", "b"]}).to_parquet(path)
    assert read_table(path).attrs["format"] == "parquet"
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(DataError, match="old Excel"):
        read_table(old)
