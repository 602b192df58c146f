"""The whole workshop in a real browser: upload, cluster, rename, reload, export, a PDF downloaded.

Starts ``streamlit run app.py`` on a free local port with its working folder in ``tmp_path``, and
drives Debian's chromium with Playwright (no browser download). A screenshot of each step goes to
``tests/artifacts/`` (gitignored) so a person can look at what the test saw.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from app_helpers import ROOT, built_workshop_file, put_workshop, small_sample_dir  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Several participants are several pages of one browser: none of them may be throttled as a
# background tab (the room's live refresh is a timer in each page).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]
NEW_NAME = "Léa, pressée & connectée"


def require_chromium() -> None:
    """Skip without Debian's chromium on a developer's machine; under CI (``CI=true``) fail instead,
    so a machine without the browser can never pass the run by skipping the browser tests."""
    if Path(CHROMIUM).exists():
        return
    message = f"Debian's chromium is not installed ({CHROMIUM}): apt-get install chromium (.ci/run does)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@contextlib.contextmanager
def running_app(home: Path, sample_dir: Path, log_path: Path, *, env: dict[str, str] | None = None) -> Iterator[str]:
    """The app's server (``streamlit run server.py``: the app behind its access code, as
    ``persona-workshop app`` runs it) on a free local port with its working folder at ``home``;
    yields the URL."""
    require_chromium()
    port = _free_port()
    env = {**os.environ, "PERSONA_WORKSHOP_HOME": str(home), "PERSONA_WORKSHOP_SAMPLE": str(sample_dir), **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_missing_chromium_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        require_chromium()


@pytest.fixture
def server(tmp_path: Path, small_sample_dir: Path, built_workshop_file: Path):
    """The app on a free port; its working folder already holds a small workshop (the first-open
    clustering of the sample is covered by the AppTest tests)."""
    put_workshop(tmp_path / "home", built_workshop_file, name="exemple.yaml")
    with running_app(tmp_path / "home", small_sample_dir, tmp_path / "streamlit.log") as url:
        yield url


def _shot(page, name: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {name}")
    """The whole page: Streamlit scrolls inside its main section, so the window is made as tall."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight,"
        " ...[...document.querySelectorAll('[data-testid=stMain], section')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(size)


def _wait_idle(page) -> None:
    """Until Streamlit has finished the current run: no running indicator, no stale element."""
    page.wait_for_timeout(400)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')", timeout=90_000)
    page.wait_for_timeout(300)


def _nav(page, label: str) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    _wait_idle(page)


def _pick(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``. A click that lands while the expander
    above it is still opening (slow machines) leaves the list closed: open it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label)
    for attempt in range(4):
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
            _wait_idle(page)


def test_whole_workshop_in_the_browser(server: str, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    from workshop_data.sample import sample_paths

    bundled = sample_paths()
    expect.set_options(timeout=90_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fr-FR", accept_downloads=True, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(server)
        expect(page.get_by_role("heading", name="Données de l'atelier")).to_be_visible()
        _wait_idle(page)
        _shot(page, "01-data")

        # Upload the bundled sample's survey and contact log through the file chooser.
        for index, path in enumerate((bundled["survey"], bundled["contacts"])):
            with page.expect_file_chooser() as chooser:
                page.locator("[data-testid='stFileUploaderDropzone']").nth(index).click()
            chooser.value.set_files(str(path))
            expect(page.get_by_text(Path(path).name, exact=True)).to_be_visible()
        _wait_idle(page)
        page.get_by_role("button", name="Lire les fichiers", exact=True).click()
        expect(page.get_by_text("Enquête en cours : survey.csv", exact=True)).to_be_visible()
        _wait_idle(page)
        _shot(page, "02-uploaded")

        # Cluster into four personas (k=auto is timed by benchmarks/app_speed.py), progress shown.
        _nav(page, "Profils")
        page.get_by_text("Réglages du regroupement", exact=True).click()
        _pick(page, "Nombre de profils", "4")
        _wait_idle(page)
        page.get_by_role("button", name="Lancer le regroupement", exact=True).click()
        expect(page.get_by_text("Regroupement terminé", exact=False).first).to_be_visible(timeout=90_000)
        _wait_idle(page)
        _shot(page, "03-profiles")

        # Rename the first persona; the edit is saved at once.
        _nav(page, "Affiner")
        name = page.locator(".st-key-w_field_P1_name")
        name.get_by_role("button", name="Modifier", exact=True).click()
        name.locator("input:visible").fill(NEW_NAME)
        name.locator("input:visible").press("Enter")
        expect(page.get_by_text("Persona renommé.", exact=True)).to_be_visible()
        _wait_idle(page)
        _shot(page, "04-renamed")

        # A browser reload opens a fresh session: the rename is still there.
        page.reload()
        _wait_idle(page)
        expect(page.get_by_role("heading", name=NEW_NAME, exact=True)).to_be_visible()
        _shot(page, "05-reloaded")

        _nav(page, "Fiches")
        expect(page.frame_locator("iframe").first.get_by_text(NEW_NAME).first).to_be_visible()
        _shot(page, "06-sheets")

        # Export: prepare the PDF, download it.
        _nav(page, "Exporter")
        page.get_by_role("button", name="Préparer le PDF", exact=True).click()
        button = page.get_by_role("button", name="Télécharger (PDF)", exact=True)
        expect(button).to_be_visible(timeout=90_000)
        _wait_idle(page)
        _shot(page, "07-export")
        with page.expect_download() as download:
            button.click()
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        assert download.value.suggested_filename.endswith(".pdf")
        browser.close()
