"""The workshop room in real browsers, each participant in their own browser context on Debian's chromium.

- A renames a persona: B sees the new name without reloading (the delay is printed; the 3 s
  promise is measured by benchmarks/app_speed.py).
- A reload, and a restart of the server, bring the person back to the page and persona they were on.
- With an access code: nothing of the workshop (page, live connection, download link) without it;
  the facilitator, already in, keeps working while a visitor's wrong codes are delayed; a
  download works for the facilitator and its link answers nobody else.
- The shared screen at 1920×1080.

Screenshots go to ``tests/artifacts/room-*.png`` (gitignored).
"""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from room_helpers import Participant, one

from app_helpers import built_workshop_file, fake_workshop, put_workshop, small_sample_dir  # noqa: F401  (fixture)
from test_browser import CHROMIUM, CHROMIUM_ARGS, _shot, _wait_idle, running_app

pytestmark = pytest.mark.browser

LIVE_WITHIN_MS = 3000  # the promise; printed here, measured by benchmarks/app_speed.py
LIVE_LIMIT_MS = 10_000  # what this test holds: seen live, without a reload, even on a loaded machine
CODE = "salle-42"


@pytest.fixture
def room(tmp_path: Path, small_sample_dir: Path):  # noqa: F811
    path = put_workshop(tmp_path / "home", fake_workshop(4, 60), name="exemple.yaml")
    with running_app(tmp_path / "home", small_sample_dir, tmp_path / "streamlit.log") as url:
        yield url, path


def test_a_rename_is_seen_live_and_a_reload_or_restart_keeps_page_and_persona(tmp_path, small_sample_dir) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from personas.store import load_workshop

    home = tmp_path / "home"
    path = put_workshop(home, fake_workshop(4, 60), name="exemple.yaml")
    expect.set_options(timeout=60_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with running_app(home, small_sample_dir, tmp_path / "first.log") as url:
            a = Participant(browser, url, "Accueil")
            b = Participant(browser, url, "État civil")
            for person in (a, b):  # both live checks running: each sees the other connected
                expect(person.page.get_by_text("Connectés à cet atelier : 2", exact=True)).to_be_visible()
            b.pick("P3")
            a.pick("P3")
            a.write("P3", "name", "Renommé par A")
            started = time.monotonic()
            while load_workshop(path).persona("P3").name != "Renommé par A" and time.monotonic() - started < 30:
                time.sleep(0.02)
            saved_after = time.monotonic() - started
            b.page.wait_for_function(
                "() => [...document.querySelectorAll('h3')].some(e => e.textContent.trim() === 'Renommé par A')",
                timeout=LIVE_LIMIT_MS)
            seen_after = time.monotonic() - started
            print(f"A's rename seen by B {seen_after:.2f} s after A pressed Enter, {seen_after - saved_after:.2f} s "
                  f"after the save (promise: {LIVE_WITHIN_MS / 1000:.0f} s)")
            _shot(b.page, "room-B-sees-rename")
            b.page.reload()
            expect(b.card("P3")).to_be_visible()
            assert "/affiner" in b.page.url and "persona=P3" in b.page.url
        # The server stops: the box Streamlit opens says so in the page's language.
        expect(b.page.get_by_role("dialog")).to_contain_text("Connexion au serveur perdue", timeout=30_000)
        _shot(b.page, "room-B-server-stopped")
        with running_app(home, small_sample_dir, tmp_path / "second.log") as url:  # a restart, same folder
            b.page.goto(b.page.url.replace(b.page.url.split("/affiner")[0], url))
            expect(b.card("P3")).to_be_visible()
            expect(b.page.get_by_text("Vous signez : État civil", exact=False)).to_be_visible()
            _shot(b.page, "room-B-after-restart")
        browser.close()
    assert seen_after - saved_after < LIVE_LIMIT_MS / 1000


def _status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _websocket_status(url: str, cookie: str | None = None) -> int:
    """The HTTP status of a websocket handshake on Streamlit's live connection."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", "/_stcore/stream", headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_with_an_access_code_nothing_leaves_without_it_and_the_facilitator_is_never_locked_out(
        tmp_path, small_sample_dir, built_workshop_file) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    home = tmp_path / "home"
    put_workshop(home, built_workshop_file, name="atelier.yaml")
    expect.set_options(timeout=60_000)
    with running_app(home, small_sample_dir, tmp_path / "gate.log", env={"PERSONA_WORKSHOP_ACCESS_CODE": CODE}) as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        facilitator = browser.new_context(locale="fr-FR", accept_downloads=True,
                                          viewport={"width": 1400, "height": 1000}).new_page()
        facilitator.goto(f"{url}/affiner?persona=P2&service=Accueil")
        expect(facilitator.get_by_role("heading", name="Atelier personas : accès")).to_be_visible()
        assert "Affiner" not in facilitator.content()
        facilitator.get_by_label("Code d'accès de l'atelier").fill(CODE)
        facilitator.get_by_role("button", name="Entrer").click()
        expect(facilitator.locator(".st-key-w_card_P2")).to_be_visible()  # where they asked to go

        # A visitor guesses: delayed, told how long; the facilitator keeps working meanwhile.
        visitor = browser.new_context(locale="fr-FR").new_page()
        visitor.goto(f"{url}/affiner")
        for guess in range(5):
            visitor.get_by_label("Code d'accès de l'atelier").fill(f"faux-{guess}")
            visitor.get_by_role("button", name="Entrer").click()
            expect(visitor.get_by_role("alert")).to_be_visible()
        expect(visitor.get_by_role("alert")).to_contain_text("réessayez dans")
        _shot(visitor, "room-visitor-delayed")
        visitor.get_by_label("Code d'accès de l'atelier").fill(CODE)  # even the right code waits its turn
        visitor.get_by_role("button", name="Entrer").click()
        expect(visitor.get_by_role("alert")).to_contain_text("réessayez dans")
        facilitator.reload()
        expect(facilitator.locator(".st-key-w_card_P2")).to_be_visible()  # a reload keeps page and persona

        # A download reaches the facilitator; its link answers nobody else.
        _wait_idle(facilitator)
        facilitator.get_by_role("link", name="Exporter", exact=True).click()
        button = facilitator.get_by_role("button", name="Télécharger (CSV)", exact=True)
        with facilitator.expect_download() as download:
            one(button).click()
        assert Path(download.value.path()).read_text(encoding="utf-8-sig").startswith("respondent_id")
        link = download.value.url
        assert "/media/" in link
        pass_cookie = "; ".join(f"{c['name']}={c['value']}" for c in facilitator.context.cookies())
        assert _status(link, pass_cookie) == 200
        assert _status(link) == 403
        assert _status(f"{url}/_stcore/host-config") == 403
        assert _websocket_status(url) == 403
        assert _websocket_status(url, pass_cookie) == 101  # the live connection opens with the pass
        _shot(facilitator, "room-facilitator-export")
        browser.close()


def test_the_presentation_on_a_1920x1080_screen(room) -> None:
    """One persona, large type, nothing to type into, no sidebar; next goes to the second persona."""
    from playwright.sync_api import expect, sync_playwright

    from personas.store import load_workshop

    url, path = room
    names = [p.name for p in load_workshop(path).personas]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="fr-FR", viewport={"width": 1920, "height": 1080}).new_page()
        page.goto(f"{url}/presenter")
        heading = page.get_by_role("heading", name=names[0], exact=True)
        expect(heading).to_be_visible(timeout=60_000)
        _wait_idle(page)
        assert float(heading.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48
        main = page.locator("[data-testid='stMain']")
        assert main.locator("input, textarea").count() == 0
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        page.screenshot(path=str(Path(__file__).parent / "artifacts" / "room-present-1920.png"))
        page.get_by_role("button", name="Suivant", exact=True).click()
        expect(page.get_by_role("heading", name=names[1], exact=True)).to_be_visible()
        browser.close()
