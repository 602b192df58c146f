"""``persona-workshop app``: stopping the command stops its server, whatever stops it, and says so."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app_helpers import fake_workshop, put_workshop
from test_browser import _free_port

FREED_WITHIN_S = 5.0


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _port_free(port: int) -> bool:
    """A new server could listen on ``port`` (as servers do, ignoring connections left in TIME_WAIT)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _start(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    workshop = put_workshop(tmp_path / "home", fake_workshop(3, 30))
    env = {**os.environ, "PERSONA_WORKSHOP_HOME": str(tmp_path / "home"), "LANG": "fr_FR.UTF-8", "LC_ALL": ""}
    process = subprocess.Popen(
        [sys.executable, "-c", "import cli; cli.main()", "app", str(workshop), "--port", str(port)],
        env=env, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not _healthy(port):
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.3)
    return process, port


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL],
                         ids=["TERM", "INT", "HUP", "KILL"])
def test_stopping_the_app_command_frees_its_port(tmp_path, sig):
    process, port = _start(tmp_path)
    stopped_at = time.monotonic()
    os.kill(process.pid, sig)
    while not _port_free(port) and time.monotonic() - stopped_at < 10:
        time.sleep(0.1)
    freed_after = time.monotonic() - stopped_at
    out = process.communicate(timeout=30)[0]
    assert _port_free(port), f"port {port} still taken {freed_after:.1f} s after {sig.name}: {out}"
    assert freed_after < FREED_WITHIN_S, freed_after
    if sig != signal.SIGKILL:  # a process killed outright says nothing; its server still stops
        assert f"Atelier arrêté : le port {port} est libre." in out, out
