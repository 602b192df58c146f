"""Helpers for the app tests: a working folder per test, a small sample, and driving AppTest.

Import the fixtures into a test module (``from app_helpers import app_home, small_sample``) so
pytest sees them. AppTest runs the real ``app.py``; ``PERSONA_WORKSHOP_HOME`` points its working
folder at ``tmp_path`` and ``PERSONA_WORKSHOP_SAMPLE`` at a 240-respondent sample, so each run
stays small.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SMALL_RESPONDENTS = 240
PAGES = {
    "data": "app_pages/data.py",
    "profiles": "app_pages/profiles.py",
    "refine": "app_pages/refine.py",
    "present": "app_pages/present.py",
    "sheets": "app_pages/sheets.py",
    "export": "app_pages/export.py",
}


@pytest.fixture(scope="session")
def small_sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small French demo (survey, codebook, contacts, truth), written once per test session."""
    from workshop_data.sample import generate_demo, write_demo

    folder = tmp_path_factory.mktemp("small-sample")
    write_demo(generate_demo(SMALL_RESPONDENTS, seed=3, lang="fr"), folder, lang="fr")
    return folder


@pytest.fixture
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder for the app."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("PERSONA_WORKSHOP_HOME", str(home))
    return home


@pytest.fixture
def small_sample(small_sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERSONA_WORKSHOP_SAMPLE", str(small_sample_dir))
    return small_sample_dir


@pytest.fixture(scope="session")
def built_workshop_file(small_sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sample clustered into four personas once per session (tests copy it)."""
    from personas.build import build_workshop
    from personas.store import save_workshop
    from workshop_data.intake import load_inputs

    inputs = load_inputs(small_sample_dir / "survey.csv", small_sample_dir / "codebook.yaml",
                         small_sample_dir / "contacts.csv")
    ws = build_workshop(inputs.survey, inputs.contacts, k=4, seed=0, lang="fr", bootstrap=4)
    path = tmp_path_factory.mktemp("built") / "atelier.yaml"
    save_workshop(ws, path)
    return path


@pytest.fixture
def workshop_file(app_home: Path, small_sample: Path) -> Path:
    """A four-persona workshop (no clustering needed) that a fresh session opens."""
    return put_workshop(app_home, fake_workshop(4, 60))


def load_saved(path: Path) -> Any:
    """The workshop as saved in its file (what every other session and the exports see)."""
    from personas.store import load_workshop

    return load_workshop(path)


def put_workshop(home: Path, workshop: Any | Path, name: str = "atelier.yaml") -> Path:
    """Place a workshop in the working folder and make it the one a fresh session reopens."""
    from personas.store import save_workshop

    path = home / "workshops" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(workshop, Path):
        path.write_bytes(workshop.read_bytes())
    else:
        save_workshop(workshop, path)
    (home / "last-workshop.txt").write_text(str(path), encoding="utf-8")
    return path


def fake_workshop(n_personas: int = 4, n_respondents: int = 60) -> Any:
    from personas_helpers import make_workshop

    return make_workshop(n_personas, n_respondents, seed=1)


def start(page: str | None = None, *, lang: str = "fr", timeout: float = 60) -> Any:
    """A fresh browser session on ``page`` (a key of PAGES), already run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.context = {"locale": "fr-FR" if lang == "fr" else "en-GB"}
    at.run()
    if page and page != "data":
        at.switch_page(PAGES[page]).run()
    return at


def go(at: Any, page: str) -> Any:
    return at.switch_page(PAGES[page]).run()


def shown(at: Any) -> str:
    """Every piece of text on screen, one per line (titles, text, messages, captions, labels)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "success", "info",
                 "warning", "error", "toast"):
        parts.extend(str(getattr(el, "value", "")) for el in at.get(kind))
    for kind in ("button", "text_input", "text_area", "selectbox", "radio", "checkbox", "toggle",
                 "download_button", "file_uploader", "number_input", "slider"):
        parts.extend(str(getattr(el, "label", "")) for el in at.get(kind))
    import re

    return re.sub(r"\\(.)", r"\1", "\n".join(parts))  # markdown escapes of user text, as read


def assert_clean(at: Any) -> None:
    """No exception on screen and no raw translation key (``section.word``) left in the text."""
    import re

    assert not at.exception, [e.value for e in at.exception]
    raw = re.findall(r"\b(?:app|nav|data|type|profiles|chart|refine|sheets|export|service)\.[a-z_]+\b", shown(at))
    assert not raw, raw


def button(at: Any, label: str) -> Any:
    for el in at.button:
        if el.label == label:
            return el
    raise AssertionError(f"no button {label!r} among {[b.label for b in at.button]}")


def widget(at: Any, kind: str, label: str) -> Any:
    for el in at.get(kind):
        if el.label == label:
            return el
    raise AssertionError(f"no {kind} {label!r} among {[e.label for e in at.get(kind)]}")


def open_workshop_of(at: Any) -> Any:
    return at.session_state["app"].workshop


# --- Refine: what a person does on the card (see app_pages/refine.py and drafts.py) ----------------


def pick(at: Any, persona_id: str) -> Any:
    """Show ``persona_id`` on the card (the picker's button)."""
    return at.button(key=f"w_pick_{persona_id}").click().run()


def _slug(text: str) -> str:
    from app_pages.drafts import slug

    return slug(text)


def draft_box(at: Any, persona_id: str, field: str) -> Any:
    """The box of this person's draft of ``field`` (its key names the draft's generation)."""
    prefix = f"w_draft_{_slug(persona_id)}_{_slug(field)}_"
    boxes = [el for kind in ("text_area", "text_input") for el in at.get(kind) if str(el.key).startswith(prefix)]
    assert len(boxes) == 1, (prefix, [el.key for kind in ("text_area", "text_input") for el in at.get(kind)])
    return boxes[0]


def draft_button(at: Any, persona_id: str, field: str, what: str) -> Any:
    """A button of the draft's form: ``save`` or ``discard``."""
    prefix = f"w_{what}_{_slug(persona_id)}_{_slug(field)}_"
    found = [b for b in at.button if str(b.key).startswith(prefix)]
    assert len(found) == 1, (prefix, [b.key for b in at.button])
    return found[0]


def open_field(at: Any, persona_id: str, field: str) -> Any:
    return at.button(key=f"w_open_{_slug(persona_id)}_{_slug(field)}").click().run()


def edit_field(at: Any, persona_id: str, field: str, text: str) -> Any:
    """Open ``field``, type ``text``, save: one edit."""
    open_field(at, persona_id, field)
    draft_box(at, persona_id, field).set_value(text)
    return draft_button(at, persona_id, field, "save").click().run()
