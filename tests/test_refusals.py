"""Errors that must be messages: devices and pipes where a file should be, a full disk, seeds out
of range, a Latin-1 argument, Click's own option errors, all refused with exit code 2 and one
message in the asked language that names the file or the option (issue 20)."""
from __future__ import annotations

import errno
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from hardening_helpers import run_cli

_CLASS_NAME = re.compile(r"\b(?:[A-Z][a-z]+){1,4}(?:Error|Exception|Invalid|Warning)\b|Errno")


def run(*args: str | Path, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def refused(result, *fragments: str) -> str:
    """The one message of a refusal (exit 2, no traceback, no exception class name)."""
    stderr = result.stderr if hasattr(result, "stderr") else ""
    assert result.exit_code == 2, (result.exit_code, result.output, stderr)
    assert "Traceback" not in stderr and not _CLASS_NAME.search(stderr), stderr
    for fragment in fragments:
        assert fragment.lower() in stderr.lower(), (fragment, stderr)
    return stderr


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("refusals")
    assert run("demo", folder, "--respondents", "200", "--seed", "3").exit_code == 0
    built = run("cluster", folder / "survey.csv", "--codebook", folder / "codebook.yaml", "--contacts",
                folder / "contacts.csv", "--k", "4", "--bootstrap", "0", "--out", folder / "ws.yaml")
    assert built.exit_code == 0, built.output
    return folder


@pytest.fixture()
def ws(flow: Path, tmp_path: Path) -> Path:
    for name in ("survey.csv", "codebook.yaml", "contacts.csv", "ws.yaml"):
        shutil.copy(flow / name, tmp_path / name)
    return tmp_path / "ws.yaml"


# --------------------------------------------------------------------------------------------
# Devices, links to devices and pipes: refused by name, never read without end, never replaced


def _linked(tmp_path: Path, name: str, target: str = "/dev/zero") -> Path:
    link = tmp_path / name
    link.symlink_to(target)
    return link


@pytest.mark.parametrize("role", ["survey", "codebook", "workshop", "typology", "theme", "contacts"])
def test_an_input_linked_to_dev_zero_is_refused_at_once_with_bounded_memory(flow: Path, tmp_path: Path,
                                                                             role: str) -> None:
    zero = _linked(tmp_path, {"survey": "s.csv", "contacts": "c.csv"}.get(role, f"{role}.yaml"))
    survey, book, contacts = flow / "survey.csv", flow / "codebook.yaml", flow / "contacts.csv"
    commands = {
        "survey": ["codebook", zero, "--out", tmp_path / "out.yaml"],
        "codebook": ["cluster", survey, "--codebook", zero, "--out", tmp_path / "out.yaml"],
        "workshop": ["show", zero],
        "typology": ["cluster", survey, "--codebook", book, "--typology", zero, "--out", tmp_path / "out.yaml"],
        "theme": ["export", flow / "ws.yaml", "--format", "html", "--theme", zero, "--out", tmp_path / "o.html"],
        "contacts": ["features", survey, "--codebook", book, "--contacts", zero, "--out", tmp_path / "f.csv"],
    }
    result = run_cli("--lang", "en", *commands[role], limit_mb=2048, timeout=120)
    assert not result.timed_out and result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "not a regular file: a device" in result.stderr and zero.name in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.yaml").exists() and contacts.exists()


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "survey.csv"
    os.mkfifo(pipe)
    result = run_cli("codebook", pipe, "--out", tmp_path / "c.yaml", timeout=60)
    assert not result.timed_out and result.returncode == 2
    assert "not a regular file: a named pipe" in result.stderr


@pytest.mark.parametrize("target", ["/dev/full", "link"])
@pytest.mark.parametrize("command", ["export", "cluster", "codebook", "features", "assign", "demo-file"])
def test_out_on_a_device_is_refused_and_the_device_stays_a_device(ws: Path, tmp_path: Path, command: str,
                                                                  target: str) -> None:
    out = Path("/dev/full") if target == "/dev/full" else _linked(tmp_path, "out.any", "/dev/full")
    folder = ws.parent
    commands = {
        "export": ["export", ws, "--format", "csv", "--out", out],
        "cluster": ["cluster", folder / "survey.csv", "--codebook", folder / "codebook.yaml", "--out", out],
        "codebook": ["codebook", folder / "survey.csv", "--out", out],
        "features": ["features", folder / "survey.csv", "--out", out],
        "assign": ["assign", ws, folder / "survey.csv", "--out", out],
        "demo-file": ["demo", out],
    }
    result = run("--lang", "en", *commands[command])
    message = refused(result, "/dev/full" if target == "/dev/full" else "out.any")
    assert "device" in message or "not a folder" in message
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # even as root: never replaced by a file
    assert not Path("/dev/full.lock").exists()


def test_the_file_helpers_refuse_devices_and_read_with_a_bound(tmp_path: Path) -> None:
    from workshop_data.errors import DataError
    from workshop_data.files import atomic_write_bytes, read_bytes, sha256_of

    for path in (Path("/dev/zero"), _linked(tmp_path, "z"), tmp_path):
        with pytest.raises(DataError, match="not a regular file"):
            read_bytes(path, 10)
        with pytest.raises(DataError, match="not a regular file"):
            sha256_of(path)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 1000)
    with pytest.raises(DataError, match="file too large"):
        read_bytes(big, 999)
    assert read_bytes(big, 1000) == b"x" * 1000
    with pytest.raises(DataError, match="cannot write here: a device"):
        atomic_write_bytes(_linked(tmp_path, "full", "/dev/full"), b"data")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# --------------------------------------------------------------------------------------------
# A full disk: every writing command says so, the workshop stays as it was


@pytest.fixture()
def full_disk(monkeypatch: pytest.MonkeyPatch):
    """The disk fills up while a file is being written (ENOSPC when the data are flushed)."""
    import workshop_data.files as files

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", no_space)


@pytest.mark.parametrize("command", [
    "demo", "codebook", "features", "cluster", "assign", "export-csv", "export-md", "export-png",
    "edit-rename", "edit-note", "edit-set",
])
def test_a_full_disk_is_a_message_and_the_workshop_is_intact(ws: Path, full_disk, command: str) -> None:
    folder = ws.parent
    before = ws.read_bytes()
    commands = {
        "demo": ["demo", folder / "new"],
        "codebook": ["codebook", folder / "survey.csv", "--out", folder / "c2.yaml"],
        "features": ["features", folder / "survey.csv", "--out", folder / "f.csv"],
        "cluster": ["cluster", folder / "survey.csv", "--codebook", folder / "codebook.yaml", "--k", "3",
                    "--bootstrap", "0", "--out", ws],
        "assign": ["assign", ws, folder / "survey.csv", "--contacts", folder / "contacts.csv", "--out", ws],
        "export-csv": ["export", ws, "--format", "csv", "--out", folder / "a.csv"],
        "export-md": ["export", ws, "--format", "md", "--out", folder / "a.md"],
        "export-png": ["export", ws, "--format", "png", "--out", folder / "a.png"],
        "edit-rename": ["edit", ws, "rename", "P1", "Nouveau nom"],
        "edit-note": ["edit", ws, "note", "P1", "Accueil", "Une note"],
        "edit-set": ["edit", ws, "set", "P1", "quote", "Je préfère venir au guichet."],
    }
    for lang, words in (("en", "no space left on the disk"), ("fr", "plus de place sur le disque")):
        refused(run("--lang", lang, *commands[command]), words)
    assert ws.read_bytes() == before
    leftovers = [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert not (folder / "a.csv").exists() and not (folder / "f.csv").exists()


# --------------------------------------------------------------------------------------------
# Options: seeds, text that is not UTF-8, Click's own errors in the asked language


@pytest.mark.parametrize("seed", ["-1", "4294967296", "1e3", "douze"])
@pytest.mark.parametrize("command", ["demo", "cluster", "split"])
def test_a_seed_out_of_range_names_the_option(ws: Path, command: str, seed: str) -> None:
    folder = ws.parent
    commands = {
        "demo": ["demo", folder / "d", "--seed", seed],
        "cluster": ["cluster", folder / "survey.csv", "--seed", seed, "--out", folder / "x.yaml"],
        "split": ["edit", ws, "split", "P1", "--seed", seed],
    }
    refused(run("--lang", "en", *commands[command]), "'--seed'", f"{seed} is not a seed", "0 to 4294967295")
    refused(run("--lang", "fr", *commands[command]), "'--seed'", f"{seed} n'est pas une graine")
    assert not (folder / "x.yaml").exists()


def test_seed_at_the_bounds_is_accepted(flow: Path, tmp_path: Path) -> None:
    for seed in ("0", "4294967295"):
        assert run("demo", tmp_path / seed, "--respondents", "20", "--seed", seed).exit_code == 0


def test_a_latin1_argument_is_a_message_not_an_encoding_crash(ws: Path) -> None:
    latin1 = os.fsdecode(b"H\xe9l\xe8ne")  # what Python makes of a name typed in a Latin-1 terminal
    before = ws.read_bytes()
    for args in (["rename", "P1", latin1], ["note", "P1", latin1, "texte"], ["set", "P1", "quote", latin1]):
        message = refused(run("--lang", "fr", "edit", ws, *args), "pas du texte UTF-8", "octet 0xE9")
        assert "'NAME'" in message or "'SERVICE'" in message or "'VALUE'" in message
    refused(run("--lang", "en", "cluster", ws.parent / "survey.csv", "--title", latin1, "--out", ws),
            "'--title'", "not UTF-8 text (byte 0xE9)")
    assert ws.read_bytes() == before


def test_a_survey_named_in_latin1_is_read_and_its_name_kept_escaped(ws: Path) -> None:
    folder = ws.parent
    latin1 = folder / os.fsdecode(b"enqu\xeate.csv")
    shutil.copy(folder / "survey.csv", latin1)
    result = run("cluster", latin1, "--codebook", folder / "codebook.yaml", "--k", "3", "--bootstrap", "0",
                 "--out", folder / "w2.yaml")
    assert result.exit_code == 0, result.output
    assert "name: enqu\\xeate.csv" in (folder / "w2.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, english, french", [
    (["export", "{ws}", "--format", "csv"], "Missing option '--out'", "Option manquante '--out'"),
    (["export", "{ws}", "--format", "docx", "--out", "x"], "'docx' is not one of",
     "'docx' n'est pas l'une des valeurs"),
    (["export", "{ws}", "--formt", "csv"], "No such option", "Option inconnue"),
    (["nosuch"], "No such command 'nosuch'", "Commande inconnue : 'nosuch'"),
    (["demo", "{dir}/d", "--respondents", "5"], "5 is not in the range", "5 n'est pas dans l'intervalle"),
    (["cluster", "{dir}/survey.csv", "--k", "1", "--out", "x"], "expected 'auto' or a whole number",
     "attendu « auto » ou un nombre entier"),
    (["cluster", "{dir}/survey.csv", "--k-range", "6", "3", "--out", "x"], "2 <= MIN <= MAX <= 20, got 6 3",
     "2 <= MIN <= MAX <= 20, trouvé 6 3"),
    (["cluster", "{dir}/survey.csv", "--method", "magic", "--out", "x"], "magic is not one of",
     "magic ne fait pas partie de"),
    (["edit", "{ws}", "set", "P1", "colour", "x"], "'colour' is not one of", "'colour' n'est pas l'une des valeurs"),
    (["features", "{dir}/survey.csv", "--out", "{dir}/f.txt"], "unknown output format", "format de sortie inconnu"),
    (["export", "{ws}", "--format", "csv", "--out", "{dir}"], "cannot write here: a folder",
     "impossible d'écrire ici : un dossier"),
])
def test_option_errors_in_the_asked_language(ws: Path, args: list[str], english: str, french: str) -> None:
    args = [a.format(ws=ws, dir=ws.parent) for a in args]
    refused(run("--lang", "en", *args), english, "Error:")
    message = refused(run("--lang", "fr", *args), french, "Erreur :")
    assert "Try '" not in message and "Invalid value" not in message and "Missing" not in message
    # the language of a subcommand's own --lang and of the locale count too
    if args[0] in ("export", "cluster"):
        refused(run(*args, "--lang", "fr"), french)
    refused(run(*args, env={"LANGUAGE": "", "LC_ALL": "fr_FR.UTF-8"}), french)


def test_help_stays_available_and_the_environment_is_put_back() -> None:
    before = os.environ.get("LANGUAGE")
    result = run("--lang", "fr", "export", "--help")
    assert result.exit_code == 0 and "Usage :" in result.output and "--format" in result.output
    assert os.environ.get("LANGUAGE") == before


def test_the_compiled_click_catalogue_matches_its_source() -> None:
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).resolve().parents[1] / "workshop_data" / "locales" / "click" / "fr" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    def entries(catalogue) -> dict:
        plain = (lambda v: tuple(v) if isinstance(v, (list, tuple)) else v)
        return {plain(m.id): plain(m.string) for m in catalogue if m.id}

    assert entries(source) == entries(compiled), "run: pybabel compile -d workshop_data/locales/click -D messages"
    assert len(entries(source)) > 40


# --------------------------------------------------------------------------------------------
# "file not found" and workshop validation, in French


@pytest.mark.parametrize("command", [["show"], ["edit", "{f}", "rename", "P1", "x"], ["export"], ["app"]])
def test_file_not_found_in_french_and_no_lock_file_left(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "absent.yaml"
    args = [a.format(f=missing) for a in command]
    if args[0] != "edit":
        args.append(str(missing))
    if args[0] == "export":
        args += ["--format", "csv", "--out", str(tmp_path / "a.csv")]
    refused(run("--lang", "fr", *args), "absent.yaml : fichier introuvable")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("edit, english, french", [
    (("min_group_size: 10", "min_group_size: -5"), "field 'min_group_size' is out of range",
     "le champ « min_group_size » sort des valeurs possibles"),
    (("lang: fr", "lang: de"), "the workshop's language is not one the toolkit speaks", "la langue de l'atelier"),
    (("updated: ", "updated: 2026-02-30T10:00:00Z #"), "'updated' is not a real date",
     "« updated » n'est pas une date et heure réelle"),
    (("created: ", "created: hier #"), "'created' is not a real date", "« created » n'est pas une date"),
    (("revision: ", "revision: -1 #"), "field 'revision' is out of range", "« revision » sort des valeurs"),
    (("  share: ", "  share: 3.5 #"), "field 'share' is out of range", "« share » sort des valeurs"),
    (("schema_version: 1", "schema_version: 1\ncouleur: bleu"), "unknown field couleur", "champ inconnu couleur"),
    (("  size: ", "  size: beaucoup #"), "'size' has the wrong type", "« size » n'a pas le bon type"),
])
def test_hand_edited_workshop_values_are_refused_in_the_asked_language(ws: Path, edit: tuple[str, str],
                                                                       english: str, french: str) -> None:
    text = ws.read_text(encoding="utf-8")
    assert edit[0] in text
    ws.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    refused(run("--lang", "en", "show", ws), english, "ws.yaml")
    message = refused(run("--lang", "fr", "show", ws), french, "ws.yaml")
    assert " is " not in message and "expected" not in message


def test_an_inconsistent_workshop_is_refused_in_french(ws: Path) -> None:
    text = ws.read_text(encoding="utf-8")
    first = re.search(r"^  (\S+): P1$", text, re.M).group(0)
    ws.write_text(text.replace(first, first.replace("P1", "P9"), 1), encoding="utf-8")
    refused(run("--lang", "fr", "show", ws), "l'atelier est incohérent", "répondants rattachés à des personas inconnus : P9")


@pytest.mark.parametrize("theme, french", [
    ("primary: rouge\n", "« primary » n'est pas une couleur"),
    ("couleur: '#ffffff'\n", "clés de thème inconnues"),
    ("logo: logo.gif\n", "format de logo non pris en charge"),
    ("logo: absent.png\n", "fichier introuvable"),
    ("- a\n- b\n", "un thème est un dictionnaire"),
])
def test_theme_errors_in_french(ws: Path, theme: str, french: str) -> None:
    path = ws.parent / "theme.yaml"
    path.write_text(theme, encoding="utf-8")
    refused(run("--lang", "fr", "export", ws, "--format", "html", "--theme", path, "--out", ws.parent / "o.html"),
            french)


# --------------------------------------------------------------------------------------------
# Survey files whose old messages misled: each kind of file says what is really wrong


def _survey_rows(n: int = 30) -> list[str]:
    return ["id;q1;q2;remarque"] + [f"R{i};{i % 5 + 1};{(i * 3) % 5 + 1};réponse numéro {i}" for i in range(1, n + 1)]


def test_cr_only_line_ends_are_read(tmp_path: Path) -> None:
    from workshop_data.readers import read_table

    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(_survey_rows(3000)).encode("cp1252") + b"\r")
    frame = read_table(path)
    assert frame.shape == (3000, 4) and frame["remarque"].iloc[-1] == "réponse numéro 3000"


def test_a_stray_quote_is_named_with_its_line(tmp_path: Path) -> None:
    from workshop_data.errors import DataError
    from workshop_data.readers import read_table

    rows = _survey_rows()
    rows[4] = 'R4;2;"3;une remarque'
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_table(path)
    assert caught.value.line == 5
    assert 'quote.csv, line 5: a quote (") opens a cell here and is never closed' in str(caught.value)
    assert "ligne 5 : un guillemet" in caught.value.localise("fr")
    assert "une remarque" not in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(tmp_path: Path, encoding: str) -> None:
    from workshop_data.readers import read_table

    path = tmp_path / "u16.csv"
    path.write_bytes("\n".join(_survey_rows()).encode(encoding))
    frame = read_table(path)
    assert frame.shape == (30, 4) and frame.attrs["encoding"] == encoding
    assert frame["remarque"].iloc[0] == "réponse numéro 1"


def test_a_contact_log_in_utf16_without_bom_is_named(tmp_path: Path) -> None:
    from workshop_data.contacts import read_contacts
    from workshop_data.errors import DataError

    path = tmp_path / "log.csv"
    path.write_bytes("usager;horodatage;canal\nR1;2025-01-02 10:00;Appel\n".encode("utf-16-le"))
    with pytest.raises(DataError, match="UTF-16 text without a byte-order mark"):
        read_contacts(path)


def test_a_workbook_named_csv_is_read_for_what_it_is(tmp_path: Path) -> None:
    import pandas as pd

    from workshop_data.readers import read_table

    workbook = tmp_path / "export.xlsx"
    pd.DataFrame([r.split(";") for r in _survey_rows()[1:]], columns=_survey_rows()[0].split(";")).to_excel(
        workbook, index=False)
    named_csv = tmp_path / "export.csv"
    workbook.rename(named_csv)
    frame = read_table(named_csv)
    assert frame.shape == (30, 4) and frame.attrs["format"] == "xlsx"


def test_a_zip_that_is_no_workbook_and_damaged_files_say_so_in_words(tmp_path: Path) -> None:
    import zipfile

    from workshop_data.errors import DataError
    from workshop_data.readers import read_table

    archive = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("survey.csv", "id;q1\n1;2\n")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as handle:
        handle.writestr("xl/workbook.xml", "<workbook>")
    parquet = tmp_path / "cut.parquet"
    parquet.write_bytes(b"PAR1" + b"\0" * 100)
    expected = {archive: "a zip archive, not an Excel workbook", damaged: "the workbook is damaged or incomplete",
                parquet: "the Parquet file is damaged or truncated"}
    for path, words in expected.items():
        with pytest.raises(DataError) as caught:
            read_table(path)
        assert words in str(caught.value) and not _CLASS_NAME.search(str(caught.value))
        assert not _CLASS_NAME.search(caught.value.localise("fr"))


def test_a_contact_log_without_line_breaks_is_refused_not_read_as_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    with open(path, "wb") as handle:
        handle.write(b"usager;horodatage;canal_contact;objet;")
        for _ in range(8):
            handle.write(b"x" * (1 << 20))
    from workshop_data.contacts import read_contacts
    from workshop_data.errors import DataError

    with pytest.raises(DataError) as caught:
        read_contacts(path)
    assert "no line break in the first 65,536 bytes" in str(caught.value)
    assert "aucun saut de ligne" in caught.value.localise("fr")


@pytest.mark.parametrize("args, french", [
    (["undo"], "rien à annuler"),
    (["redo"], "rien à rétablir"),
    (["rename", "P9", "x"], "persona inconnu : « P9 »"),
    (["rename", "P1", "   "], "le nom du persona est vide"),
    (["note", "P1", "Accueil", " "], "la note est vide"),
    (["merge", "P1", "P1"], "impossible de fusionner un persona avec lui-même"),
])
def test_edit_refusals_in_french(ws: Path, args: list[str], french: str) -> None:
    before = ws.read_bytes()
    refused(run("--lang", "fr", "edit", ws, *args), french)
    assert ws.read_bytes() == before


def test_split_without_its_sources_is_refused_in_french(ws: Path) -> None:
    (ws.parent / "survey.csv").rename(ws.parent / "elsewhere.csv")
    refused(run("--lang", "fr", "edit", ws, "split", "P1"), "le fichier d'enquête d'où vient cet atelier est introuvable",
            "--survey")
