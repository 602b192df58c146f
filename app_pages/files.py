"""The app's working folder: where workshops, the last one opened and the sample live.

Paths come from ``PERSONA_WORKSHOP_HOME`` (default ``~/.local/share/persona-workshop``), never from
the working directory; ``PERSONA_WORKSHOP_SAMPLE`` points tests at a small sample.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import streamlit as st

HOME_ENV = "PERSONA_WORKSHOP_HOME"
SAMPLE_ENV = "PERSONA_WORKSHOP_SAMPLE"
OPEN_ENV = "PERSONA_WORKSHOP_OPEN"   # a folder with survey.csv, codebook.yaml, contacts.csv
LAST_FILE = "last-workshop.txt"


def home() -> Path:
    """The per-user working folder: workshops, copies of uploads, the last workshop opened."""
    base = os.environ.get(HOME_ENV) or str(Path.home() / ".local" / "share" / "persona-workshop")
    path = Path(base).expanduser()
    (path / "workshops").mkdir(parents=True, exist_ok=True)
    (path / "uploads").mkdir(parents=True, exist_ok=True)
    return path


def workshops_folder() -> Path:
    return home() / "workshops"


def sample_workshop_path() -> Path:
    return workshops_folder() / "exemple.yaml"


def saved_workshops() -> list[Path]:
    """Workshop files in the working folder, most recently changed first."""
    files = [p for p in workshops_folder().glob("*.yaml") if p.is_file()]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def remember_last(path: str | Path) -> None:
    (home() / LAST_FILE).write_text(str(Path(path).resolve()), encoding="utf-8")


def last_workshop() -> Path | None:
    marker = home() / LAST_FILE
    if not marker.is_file():
        return None
    path = Path(marker.read_text(encoding="utf-8").strip())
    return path if path.is_file() else None


def new_workshop_path(stem: str) -> Path:
    from datetime import datetime

    safe = re.sub(r"[^\w\-]+", "_", Path(stem).stem)[:40] or "atelier"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = workshops_folder() / f"{safe}-{stamp}.yaml"
    n = 1
    while path.exists():
        n += 1
        path = workshops_folder() / f"{safe}-{stamp}-{n}.yaml"
    return path


def cli_workshop() -> str | None:
    """The workshop to open: ``PERSONA_WORKSHOP_OPEN`` (what ``persona-workshop app WORKSHOP`` sets),
    or ``--workshop PATH`` given after ``--`` to ``streamlit run app.py``."""
    if os.environ.get(OPEN_ENV):
        return os.environ[OPEN_ENV]
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--workshop" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--workshop="):
            return arg.split("=", 1)[1]
    return None


@st.cache_resource(show_spinner=False)
def register_cli_workshop(path: str) -> bool:
    """Once per server process: the workshop named on the command line becomes the last one."""
    if Path(path).is_file():
        remember_last(path)
        return True
    return False


def sample_paths() -> dict[str, Path]:
    """The survey, codebook and contact log of the sample (tests point SAMPLE_ENV at a small one)."""
    folder = os.environ.get(SAMPLE_ENV)
    if folder:
        base = Path(folder)
        names = {"survey": "survey.csv", "codebook": "codebook.yaml", "contacts": "contacts.csv", "truth": "truth.csv"}
        return {role: base / name for role, name in names.items() if (base / name).exists()}
    from workshop_data.sample import sample_paths as bundled

    return {role: Path(p) for role, p in bundled().items()}


def file_key(path: str | Path) -> str:
    p = Path(path)
    stat = p.stat()
    return f"{p.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"

