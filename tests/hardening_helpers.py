"""Helpers for the hardening tests: run hostile work in a fresh process under a memory ceiling.

Hostile inputs are fed to a child interpreter whose address space is capped (RLIMIT_AS), so a bomb
that gets through fails that child instead of the test machine, and the child's own peak resident
memory is read back with ``os.wait4`` to assert that refusal happened with bounded memory.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
HOSTILE = TESTS / "data" / "hostile"
DEFAULT_LIMIT_MB = 4096
_MARK = "@@HARDENING-RESULT@@"


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    maxrss_mb: float
    timed_out: bool = False


def _limit(limit_mb: int):
    def apply() -> None:
        cap = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(TESTS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("PERSONA_WORKSHOP_HOME", tempfile.mkdtemp(prefix="pw-home-"))
    env["PYTHONHASHSEED"] = "0"
    env.update(extra or {})
    return env


#: Run first in a ``python -c`` child: at exit, write the child's own peak resident memory (VmHWM).
_PEAK_PRELUDE = """
import atexit as _atexit, os as _os
def _write_peak(path=_os.environ.get("HARDENING_PEAK_FILE")):
    if path:
        with open("/proc/self/status") as status, open(path, "w") as out:
            out.write(next((l.split()[1] for l in status if l.startswith("VmHWM:")), ""))
_atexit.register(_write_peak)
"""


def _own_peak_mb(path: str) -> float | None:
    try:
        text = Path(path).read_text().strip()
    except OSError:
        return None
    return int(text) / 1024 if text.isdigit() else None


def run_measured(argv: list[str], *, limit_mb: int = DEFAULT_LIMIT_MB, timeout: float = 300,
                 env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    """Run ``argv`` under an address-space cap; return its exit code, output and peak RSS.

    The peak is the child's own (``VmHWM`` of its process image, written at exit by a prelude when
    ``argv`` is ``python -c CODE``): the ``ru_maxrss`` that ``wait4`` reports also counts the parent's
    pages the child held between fork and exec, so it grows with the test runner's own size. A
    child killed before it could write its figure falls back to ``ru_maxrss``.
    """
    peak = tempfile.NamedTemporaryFile(prefix="peak-", delete=False)
    peak.close()
    env = {**(env or child_env()), "HARDENING_PEAK_FILE": peak.name}
    if len(argv) > 2 and argv[1] == "-c":
        argv = [argv[0], "-c", _PEAK_PRELUDE + argv[2], *argv[3:]]
    try:
        return _run_capped(argv, limit_mb, timeout, env, cwd, peak.name)
    finally:
        Path(peak.name).unlink(missing_ok=True)


def _run_capped(argv: list[str], limit_mb: int, timeout: float, env: dict[str, str], cwd: Path | None,
                peak: str) -> Measured:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd or ROOT,
                                env=env, preexec_fn=_limit(limit_mb))
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            maxrss_mb=_own_peak_mb(peak) or usage.ru_maxrss / 1024,
            timed_out=killed.is_set(),
        )


_WRAPPER = f"""
import json, sys, traceback
out = {{"outcome": None, "message": "", "traceback": ""}}
code = {{code!r}}
try:
    namespace = {{}}
    exec(compile(code, "<hostile>", "exec"), namespace)
    out["outcome"] = "ok"
    out["result"] = repr(namespace.get("result"))[:2000]
except BaseException as exc:
    from workshop_data.errors import DataError
    out["outcome"] = "DataError" if isinstance(exc, DataError) else type(exc).__name__
    out["message"] = str(exc)[:4000]
    out["traceback"] = traceback.format_exc()[-4000:]
print({_MARK!r} + json.dumps(out))
"""


@dataclass
class Outcome:
    outcome: str            # "ok", "DataError", or the name of another exception ("crash" if none)
    message: str
    traceback: str
    maxrss_mb: float
    result: str = ""
    stderr: str = ""


def run_python(code: str, *, limit_mb: int = DEFAULT_LIMIT_MB, timeout: float = 300,
               env: dict[str, str] | None = None) -> Outcome:
    """Run ``code`` in a fresh interpreter; report whether it raised a DataError, and its peak memory."""
    measured = run_measured([sys.executable, "-c", _WRAPPER.replace("{code!r}", repr(code))],
                            limit_mb=limit_mb, timeout=timeout, env=env)
    for line in measured.stdout.splitlines():
        if line.startswith(_MARK):
            data: dict[str, Any] = json.loads(line[len(_MARK):])
            return Outcome(data["outcome"], data["message"], data["traceback"], measured.maxrss_mb,
                           data.get("result", ""), measured.stderr)
    reason = "timeout" if measured.timed_out else f"crash (exit {measured.returncode})"
    return Outcome(reason, measured.stderr[-2000:], "", measured.maxrss_mb, "", measured.stderr)


def run_cli(*args: str | Path, limit_mb: int = DEFAULT_LIMIT_MB, timeout: float = 300,
            env: dict[str, str] | None = None) -> Measured:
    """``persona-workshop ARGS`` in a fresh, memory-capped process."""
    argv = [sys.executable, "-c", "import sys; from cli import main; sys.argv[0] = 'persona-workshop'; main()"]
    return run_measured(argv + [str(a) for a in args], limit_mb=limit_mb, timeout=timeout, env=env)


def baseline_rss_mb(modules: str = "pandas, workshop_data.readers, personas.store") -> float:
    """Peak RSS of a child that only imports ``modules``: what bounded memory is measured against."""
    return run_python(f"import {modules}").maxrss_mb


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic YAML alias bomb: ``width ** levels`` strings once expanded."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int, flow: bool = True) -> str:
    if flow:
        return "[" * depth + "]" * depth + "\n"
    return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "leaf\n"


def minimal_xlsx(sheet_xml: str, path: Path) -> Path:
    """A workbook zip holding only what openpyxl needs, with ``sheet_xml`` as its one sheet."""
    import zipfile

    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def sheet_xml(rows: list[list[tuple[str, str]]], dimension: str | None = None) -> str:
    """Worksheet XML from rows of (cell reference, inline text)."""
    body = []
    for index, row in enumerate(rows, start=1):
        cells = "".join(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in row)
        row_number = "".join(ch for ch in row[0][0] if ch.isdigit()) if row else str(index)
        body.append(f'<row r="{row_number}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{''.join(body)}</sheetData></worksheet>"
    )
