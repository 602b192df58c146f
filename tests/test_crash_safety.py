"""Crash safety: SIGKILL during a save leaves the previous file intact and loadable, and the
temporary files of killed saves do not pile up (the next save removes them)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from hardening_helpers import child_env

KILLS = 4

_SAVE_LOOP = """
import sys
from dataclasses import replace
from personas.store import save_workshop
from personas_helpers import make_workshop

path = sys.argv[1]
base = make_workshop(8, 4000, seed=3)
n = 0
while True:
    n += 1
    save_workshop(replace(base, title=f"version {n}"), path)
    if n == 1:
        print("ready", flush=True)
"""

_WRITE_LOOP = """
import sys
from workshop_data.files import atomic_write_bytes

path = sys.argv[1]
n = 0
while True:
    n += 1
    atomic_write_bytes(path, f"{n:012d}\\n".encode() + b"x" * 40_000_000)
    if n == 1:
        print("ready", flush=True)
"""


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(f".{name}.") and p.name.endswith(".tmp"))


def _start(code: str, target: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env(), text=True)
    line = proc.stdout.readline()
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


def _kill_during_write(proc: subprocess.Popen, folder: Path, name: str, rng: random.Random) -> bool:
    """SIGKILL the writer the moment a temporary file of ``name`` exists (after a random pause, so
    the kill lands at different points of the write); True when the kill left one behind, i.e. it
    landed during a write and not between two."""
    time.sleep(rng.uniform(0.0, 0.5))
    deadline = time.monotonic() + 30
    while not _temps(folder, name) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.001)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    return bool(_temps(folder, name))


def test_sigkill_while_saving_a_workshop_never_breaks_the_file(tmp_path: Path) -> None:
    from personas.store import load_workshop, save_workshop

    target = tmp_path / "atelier.yaml"
    rng = random.Random(7)
    interrupted = 0
    for _ in range(KILLS):
        proc = _start(_SAVE_LOOP, target)
        interrupted += _kill_during_write(proc, tmp_path, target.name, rng)
        ws = load_workshop(target)  # intact: parses, validates, ends with its end marker
        assert ws.title.startswith("version ")
        assert len(ws.assignments) == 4000
        assert len(_temps(tmp_path, target.name)) <= 1
    assert interrupted >= 1, "no kill landed during a save: the test did not reach the dangerous moment"
    save_workshop(ws, target)  # the next save cleans what killed saves left behind
    assert _temps(tmp_path, target.name) == []
    assert load_workshop(target).revision == ws.revision + 1


def test_sigkill_during_the_write_itself_leaves_old_or_new_bytes(tmp_path: Path) -> None:
    from workshop_data.files import atomic_write_bytes

    target = tmp_path / "big.bin"
    rng = random.Random(11)
    seen = set()
    interrupted = 0
    for _ in range(KILLS):
        proc = _start(_WRITE_LOOP, target)
        landed = _kill_during_write(proc, tmp_path, target.name, rng)
        data = target.read_bytes()
        assert len(data) == 13 + 40_000_000
        assert data[12:13] == b"\n" and data[:12].isdigit()
        assert data.count(b"x") == 40_000_000
        seen.add(data[:12])
        left = _temps(tmp_path, target.name)
        assert len(left) <= 1
        interrupted += landed
    assert interrupted >= 1, "no kill landed during a write: the test did not reach the dangerous moment"
    atomic_write_bytes(target, b"done")
    assert _temps(tmp_path, target.name) == []
    assert target.read_bytes() == b"done"


def test_a_live_writers_temp_file_is_left_alone(tmp_path: Path) -> None:
    from workshop_data.files import atomic_write_bytes, remove_stale_temps

    target = tmp_path / "atelier.yaml"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".atelier.yaml.{sleeper.pid}-abc.tmp"
        live.write_bytes(b"half")
        dead = tmp_path / ".atelier.yaml.999999999-abc.tmp"
        dead.write_bytes(b"half")
        other = tmp_path / ".other.yaml.999999999-abc.tmp"
        other.write_bytes(b"half")
        atomic_write_bytes(target, b"ok")
        assert live.exists() and not dead.exists() and other.exists()
        assert remove_stale_temps(target) == []
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_stale_temps(target) == [live]
    assert (target.stat().st_mode & 0o077) == 0  # survey-derived files are private to their owner
