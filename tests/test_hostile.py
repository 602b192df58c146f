"""Hostile inputs: each refused with a message (a DataError; exit 2 on the command line), never run,
and refused with bounded memory (measured in a memory-capped child process)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hardening_helpers import (
    HOSTILE,
    billion_laughs,
    deep_yaml,
    minimal_xlsx,
    run_cli,
    run_python,
    sheet_xml,
)
from workshop_data.errors import CodebookError, DataError, WorkshopFileError
from workshop_data.files import sha256_of
from workshop_data.yaml_safe import MAX_DEPTH, safe_load_text

CLI_DATA = Path(__file__).resolve().parent / "data" / "cli"
#: Peak resident memory a refusal may cost, on top of the interpreter with pandas loaded (~110 MB).
BOUND_MB = 600


def assert_refused_cli(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error:"), result.stderr[-2000:]
    for fragment in fragments:
        assert fragment.lower() in result.stderr.lower(), (fragment, result.stderr[-2000:])


def workshop_text() -> str:
    from personas.store import dump_workshop
    from personas_helpers import make_workshop

    return dump_workshop(make_workshop(3, 30))


# --- YAML: the loader itself --------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, fragment",
    [
        (billion_laughs(), "alias bomb"),
        (billion_laughs(levels=30, width=2), "alias bomb"),
        ("a: &a [x, *a]\n", "refers to itself"),
        ("a: &a {b: *a}\n", "refers to itself"),
        (deep_yaml(MAX_DEPTH + 5), "nesting"),
        (deep_yaml(MAX_DEPTH + 5, flow=False), "nesting"),
        (deep_yaml(200_000), ""),
        ("a: !!python/object/apply:os.system ['echo pwned']\n", "not allowed"),
        ("a: !!python/name:os.system\n", "not allowed"),
        ("!!python/object/new:subprocess.Popen [['true']]\n", "not allowed"),
        ("a: !!binary aGVsbG8=\n", "not allowed"),
        ("a: !!set {x, y}\n", "not allowed"),
        ("a: !custom 1\n", "not allowed"),
        ("a: " + "9" * 5000 + "\n", "cannot be read (exceeds the limit (4300 digits)"),
        ("a: *nowhere\n", "no anchor"),
        ("a: 1\n---\nb: 2\n", ""),
        ("a: \x00\n", ""),
    ],
    ids=["laughs", "chain", "recursive-list", "recursive-map", "deep-flow", "deep-block", "very-deep",
         "apply", "name", "new", "binary", "set", "custom", "huge-int", "undefined-alias", "two-docs", "nul"],
)
def test_hostile_yaml_is_refused_with_a_message(text: str, fragment: str) -> None:
    with pytest.raises(DataError) as caught:
        safe_load_text(text, file="x.yaml")
    assert "x.yaml" in str(caught.value)
    assert fragment.lower() in str(caught.value).lower()


def test_aliases_within_bounds_still_load_and_timestamps_stay_text() -> None:
    text = "levels: &agree [non, bof, oui]\nq1: {levels: *agree}\nq2: {levels: *agree}\nwhen: 2026-01-05\n"
    data = safe_load_text(text)
    assert data["q1"]["levels"] == ["non", "bof", "oui"] == data["q2"]["levels"]
    assert data["when"] == "2026-01-05"


def test_alias_bomb_is_refused_with_bounded_memory() -> None:
    code = (
        "from workshop_data.yaml_safe import safe_load_text\n"
        f"data = safe_load_text({billion_laughs(levels=12, width=10)!r})\n"
        "import json; result = len(json.dumps(data))\n"
    )
    outcome = run_python(code, limit_mb=2048, timeout=120)
    assert outcome.outcome == "DataError", outcome
    assert "alias bomb" in outcome.message
    assert outcome.maxrss_mb < BOUND_MB, outcome.maxrss_mb


def test_large_flat_yaml_is_refused_before_it_is_built() -> None:
    code = (
        "from workshop_data import yaml_safe\n"
        "yaml_safe.MAX_NODES = 100_000\n"
        "text = '[' + ','.join(['0'] * 5_000_000) + ']'\n"
        "yaml_safe.safe_load_text(text)\n"
    )
    outcome = run_python(code, limit_mb=3072, timeout=300)
    assert outcome.outcome == "DataError", outcome
    assert "values" in outcome.message
    assert outcome.maxrss_mb < BOUND_MB, outcome.maxrss_mb


# --- Codebook and workshop files ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["billion_laughs.yaml", "recursive_alias.yaml", "python_tag.yaml",
                                  "deep_nesting.yaml"])
def test_hostile_codebook_files_are_refused(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workshop_data.codebook import load_codebook

    monkeypatch.chdir(tmp_path)
    with pytest.raises(CodebookError) as caught:
        load_codebook(HOSTILE / name)
    assert name in str(caught.value)
    assert not (tmp_path / "pwned.txt").exists()


@pytest.mark.parametrize(
    "inject",
    [
        lambda text: billion_laughs() + text,
        lambda text: text.replace("title: ", "title: !!python/object/apply:os.system ['echo pwned > pwned.txt'] #", 1),
        lambda text: text.replace("model: {}", "model: " + deep_yaml(MAX_DEPTH + 2).strip(), 1),
        lambda text: text.replace("model: {}", "model: &m {loop: *m}", 1),
    ],
    ids=["alias-bomb", "python-tag", "deep", "recursive"],
)
def test_hostile_workshop_files_are_refused(inject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from personas.store import load_workshop

    text = workshop_text()
    hostile = inject(text)
    assert hostile != text
    path = tmp_path / "atelier.yaml"
    path.write_text(hostile, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkshopFileError) as caught:
        load_workshop(path)
    assert "atelier.yaml" in str(caught.value)
    assert not (tmp_path / "pwned.txt").exists()
    assert path.read_text(encoding="utf-8") == hostile  # nothing overwritten


def test_cli_refuses_hostile_workshop_and_codebook_with_exit_2(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(billion_laughs(levels=12, width=10), encoding="utf-8")
    tagged = tmp_path / "tagged.yaml"
    shutil.copy(HOSTILE / "python_tag.yaml", tagged)

    shown = run_cli("show", bomb, limit_mb=2048, timeout=120)
    assert_refused_cli(shown, "bomb.yaml", "alias bomb")
    assert shown.maxrss_mb < BOUND_MB

    out = tmp_path / "features.csv"
    read = run_cli("features", CLI_DATA / "survey.csv", "--codebook", tagged, "--out", out, timeout=120)
    assert_refused_cli(read, "tagged.yaml", "not allowed")
    assert not out.exists()
    assert not (Path.cwd() / "pwned.txt").exists()


# --- Survey tables ------------------------------------------------------------------------------

def _read(path: Path, limit_mb: int = 3072):
    return run_python(f"from workshop_data.readers import read_table\nresult = read_table({str(path)!r}).shape",
                      limit_mb=limit_mb, timeout=300)


def test_csv_header_with_a_million_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ";".join(f"q{i}" for i in range(1_000_000))
    path.write_text(header + "\n" + ";".join("1" for _ in range(1_000_000)) + "\n", encoding="utf-8")
    outcome = _read(path)
    assert outcome.outcome == "DataError", outcome
    assert "too many columns" in outcome.message and "wide.csv" in outcome.message
    assert outcome.maxrss_mb < BOUND_MB, outcome.maxrss_mb


@pytest.mark.parametrize("quoted", [True, False], ids=["quoted", "bare"])
def test_csv_with_a_50_mb_cell_is_refused(tmp_path: Path, quoted: bool) -> None:
    path = tmp_path / "cell.csv"
    cell = "a" * 50_000_000
    path.write_text("id,commentaire\n1," + (f'"{cell}"' if quoted else cell) + "\n", encoding="utf-8")
    del cell
    outcome = _read(path)
    assert outcome.outcome == "DataError", outcome
    assert "cell.csv" in outcome.message and "line 2" in outcome.message
    assert outcome.maxrss_mb < 1024, outcome.maxrss_mb


def test_xlsx_declaring_enormous_dimensions_is_refused() -> None:
    outcome = _read(HOSTILE / "huge_dimensions.xlsx")
    assert outcome.outcome == "DataError", outcome
    assert "16,384 columns" in outcome.message
    assert outcome.maxrss_mb < BOUND_MB, outcome.maxrss_mb


@pytest.mark.parametrize(
    "rows, dimension",
    [
        ([[("A1", "id"), ("XFD1", "q")], [("A2", "1"), ("XFD2", "x")]], None),
        ([[("A1", "id"), ("B1", "q")], [("A1048576", "1"), ("B1048576", "x")]], None),
        ([[("A1", "id"), ("B1", "q")], [("A2", "1"), ("B2", "x")]], "A1:B9999999"),
    ],
    ids=["far-column", "far-row", "rows-beyond-excel"],
)
def test_xlsx_with_cells_far_away_is_refused_or_read_with_bounded_memory(tmp_path: Path, rows, dimension) -> None:
    path = minimal_xlsx(sheet_xml(rows, dimension), tmp_path / "far.xlsx")
    outcome = _read(path)
    assert outcome.outcome in ("DataError", "ok"), outcome
    assert outcome.maxrss_mb < BOUND_MB, outcome.maxrss_mb


def test_xlsx_cell_longer_than_a_spreadsheet_allows_is_refused(tmp_path: Path) -> None:
    path = minimal_xlsx(sheet_xml([[("A1", "id"), ("B1", "commentaire")],
                                   [("A2", "1"), ("B2", "a" * 5_000_000)]]), tmp_path / "cell.xlsx")
    outcome = _read(path)
    assert outcome.outcome == "DataError", outcome
    assert outcome.maxrss_mb < BOUND_MB, outcome.maxrss_mb


def test_cli_refuses_a_million_column_survey_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"q{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    out = tmp_path / "features.csv"
    result = run_cli("features", path, "--out", out, timeout=200)
    assert_refused_cli(result, "wide.csv", "too many columns")
    assert result.maxrss_mb < BOUND_MB
    assert not out.exists()


# --- Source paths in a workshop file --------------------------------------------------------------

_OUTSIDE = ["../../etc/passwd", "/etc/passwd", "sub/../../secret.csv", "..\\..\\secret.csv", "C:\\Windows\\win.ini",
            "\\\\server\\share\\survey.csv", "", "survey.csv\x00.txt", "~/secret.csv"]


@pytest.mark.parametrize("role", ["survey", "contacts"])
@pytest.mark.parametrize("name", _OUTSIDE, ids=lambda n: repr(n)[1:-1][:24] or "empty")
def test_source_paths_outside_the_workshop_folder_are_refused(tmp_path: Path, role: str, name: str) -> None:
    from personas.build import load_features
    from personas_helpers import make_workshop

    folder = tmp_path / "atelier"
    folder.mkdir()
    (tmp_path / "secret.csv").write_text("id;nom\n1;Jean Dupont\n", encoding="utf-8")
    (folder / "survey.csv").write_text("id;q1\n1;2\n", encoding="utf-8")
    ws = make_workshop(3, 30)
    ws.sources = [{"role": "survey", "name": "survey.csv", "sha256": sha256_of(folder / "survey.csv"), "rows": 1}]
    if role == "survey":
        ws.sources = [{"role": "survey", "name": name, "sha256": "0" * 64, "rows": 30}]
    else:
        ws.sources.append({"role": "contacts", "name": name, "sha256": "0" * 64, "rows": 10})
    with pytest.raises(DataError) as caught:
        load_features(ws, folder)
    if name not in ("survey.csv\x00.txt", "~/secret.csv"):
        assert "outside" in str(caught.value)
    assert "Jean Dupont" not in str(caught.value)


def test_a_symlink_out_of_the_workshop_folder_is_refused(tmp_path: Path) -> None:
    from personas.build import load_features
    from personas_helpers import make_workshop

    folder = tmp_path / "atelier"
    folder.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("id;nom\n1;Jean Dupont\n", encoding="utf-8")
    (folder / "survey.csv").symlink_to(secret)
    ws = make_workshop(3, 30)
    with pytest.raises(DataError, match="outside"):
        load_features(ws, folder)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd"])
def test_cli_split_refuses_a_workshop_whose_survey_lies_outside_its_folder(tmp_path: Path, name: str) -> None:
    from personas.store import save_workshop
    from personas_helpers import make_workshop

    ws = make_workshop(3, 30)
    ws.sources = [{"role": "survey", "name": name, "sha256": "0" * 64, "rows": 30}]
    path = tmp_path / "atelier.yaml"
    save_workshop(ws, path)
    before = path.read_bytes()
    result = run_cli("edit", path, "split", "P1", timeout=120)
    assert_refused_cli(result, "outside", name)
    assert "root:" not in result.stderr + result.stdout
    assert path.read_bytes() == before


# --- The app: hostile files are refused with a message, the pages still open ----------------------

@pytest.mark.parametrize(
    "inject",
    [lambda text: billion_laughs() + text,
     lambda text: text.replace("title: ", "title: !!python/object/apply:os.system ['echo pwned > pwned.txt'] #", 1)],
    ids=["alias-bomb", "python-tag"],
)
def test_app_refuses_a_hostile_workshop_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       inject) -> None:
    from app_helpers import shown, start

    home = tmp_path / "home"
    path = home / "workshops" / "exemple.yaml"
    path.parent.mkdir(parents=True)
    hostile = inject(workshop_text())
    path.write_text(hostile, encoding="utf-8")
    (home / "last-workshop.txt").write_text(str(path), encoding="utf-8")
    monkeypatch.setenv("PERSONA_WORKSHOP_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    at = start("data")
    assert not at.exception, [e.value for e in at.exception]
    assert "exemple.yaml" in shown(at)
    assert at.session_state["app"].workshop is None
    assert path.read_text(encoding="utf-8") == hostile
    assert not (tmp_path / "pwned.txt").exists()


@pytest.mark.parametrize("kind", ["wide", "cell"])
def test_app_refuses_a_hostile_survey_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     kind: str) -> None:
    from app_helpers import fake_workshop, put_workshop, shown, start

    home = tmp_path / "home"
    put_workshop(home, fake_workshop(), name="exemple.yaml")
    monkeypatch.setenv("PERSONA_WORKSHOP_HOME", str(home))
    survey = tmp_path / f"{kind}.csv"
    if kind == "wide":
        survey.write_text(";".join(f"q{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    else:
        survey.write_text('id;commentaire\n1;"' + "a" * 5_000_000 + '"\n', encoding="utf-8")
    at = start("data")
    at.session_state["app"].survey_path = str(survey)
    at.session_state["app"].codebook = None
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = shown(at)
    assert "Fichier refusé" in text and f"{kind}.csv" in text, text[-2000:]


# --- Files far too large to read -----------------------------------------------------------------

def _sparse(path: Path, size: int = 1_200_000_000) -> Path:
    """A file of ``size`` bytes that takes no disk space (a hole after a first line)."""
    with open(path, "wb") as handle:
        handle.write(b"respondent_id: id\n")
        handle.truncate(size)
    return path


def test_read_yaml_file_refuses_a_huge_file_before_reading_it(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "huge.yaml")
    outcome = run_python(f"from workshop_data.yaml_safe import read_yaml_file\nread_yaml_file({str(path)!r})",
                         limit_mb=1024, timeout=120)
    assert outcome.outcome == "DataError", outcome
    assert "too large" in outcome.message


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("from personas.store import load_workshop as load", id="workshop"),
        pytest.param("from workshop_data.codebook import load_codebook as load", id="codebook"),
    ],
)
def test_a_huge_workshop_or_codebook_file_is_refused_with_bounded_memory(tmp_path: Path, call: str) -> None:
    path = _sparse(tmp_path / "huge.yaml")
    outcome = run_python(f"{call}\nload({str(path)!r})", limit_mb=1024, timeout=120)
    assert outcome.outcome == "DataError", outcome
    assert "too large" in outcome.message


@pytest.mark.parametrize(
    "args, fragments",
    [
        (lambda tmp: ["features", HOSTILE / "huge_dimensions.xlsx", "--out", tmp / "f.csv"],
         ("huge_dimensions.xlsx", "16,384 columns")),
        (lambda tmp: ["features", CLI_DATA / "survey.csv", "--codebook", HOSTILE / "deep_nesting.yaml",
                      "--out", tmp / "f.csv"], ("deep_nesting.yaml", "nesting")),
        (lambda tmp: ["features", CLI_DATA / "survey.csv", "--codebook", HOSTILE / "recursive_alias.yaml",
                      "--out", tmp / "f.csv"], ("recursive_alias.yaml", "refers to itself")),
    ],
    ids=["xlsx-dimensions", "deep-codebook", "recursive-codebook"],
)
def test_cli_refuses_other_hostile_inputs_with_exit_2(tmp_path: Path, args, fragments) -> None:
    result = run_cli(*args(tmp_path), timeout=120)
    assert_refused_cli(result, *fragments)
    assert result.maxrss_mb < BOUND_MB
    assert not (tmp_path / "f.csv").exists()
