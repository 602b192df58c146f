"""Fixtures shared by the whole suite. Topic helpers live in tests/<topic>_helpers.py."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does lands in the user's real working folder."""
    if "PERSONA_WORKSHOP_HOME" not in os.environ:
        monkeypatch.setenv("PERSONA_WORKSHOP_HOME", str(tmp_path_factory.mktemp("home")))
