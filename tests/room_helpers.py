"""Driving the Refine page in a real browser, as a participant does, and what the workshop file must hold.

A :class:`Participant` is one browser context (own cookies, own Streamlit session) on one service.
Its methods are what a person does on the page (pick a persona, open a field, type, save, add a
note, merge, undo…); none of them waits for the save to land: the test checks the file itself,
through :class:`Expected`, the history it must hold, entry by entry.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app_pages.drafts import slug

SETTLE_S = 30.0


def signature(entry: dict[str, Any]) -> tuple:
    """What a history entry says was done: by whom, which operation, on which persona and field, what value."""
    args = entry.get("args") or {}
    op = entry.get("op")
    if op == "merge":
        return entry.get("by"), op, args.get("keep"), args.get("other"), None
    if op == "split":
        return entry.get("by"), op, args.get("persona"), None, None
    if op == "move":
        return entry.get("by"), op, args.get("to"), (args.get("rule") or {}).get("from"), None
    field_name = {"rename": "name", "archetype": "archetype", "validate": "validated", "note": "note:new",
                  "edit_note": f"note:{args.get('note')}", "remove_note": f"note:{args.get('note')}",
                  "validation": f"validation:{args.get('service')}"}.get(op, args.get("field"))
    value = {"rename": args.get("name"), "archetype": args.get("archetype"), "validate": args.get("validated"),
             "note": args.get("text"), "edit_note": args.get("text"), "remove_note": None,
             "validation": args.get("status")}.get(op, args.get("value"))
    if isinstance(value, list):
        value = tuple(value)
    return entry.get("by"), op, args.get("persona"), field_name, value


@dataclass
class Expected:
    """The edits the participants made, as the workshop file must record them, and nothing else."""

    path: Path
    history: list[tuple] = field(default_factory=list)
    redo: list[tuple] = field(default_factory=list)

    def made(self, *sig: Any) -> None:
        self.history.append(tuple(sig))
        self.redo.clear()

    def undone(self) -> None:
        self.redo.append(self.history.pop())

    def redone(self) -> None:
        self.history.append(self.redo.pop())

    def load(self) -> Any:
        from personas.store import load_workshop

        return load_workshop(self.path)

    def check(self, step: str, timeout: float = SETTLE_S) -> Any:
        """Within ``timeout``, the file holds exactly the expected history and redo list (an edit
        nobody made would show at this check or the next: every step is checked)."""
        deadline = time.monotonic() + timeout
        while True:
            ws = self.load()
            got = [signature(e) for e in ws.history], [signature(e) for e in ws.redo]
            if got == (self.history, self.redo):
                return ws
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"after {step!r}: the file's history is not the edits made\n"
                    f"  expected: {self.history[-4:]} (+redo {self.redo[-2:]})\n"
                    f"  on file:  {got[0][-4:]} (+redo {got[1][-2:]})\n"
                    f"  last entries: {[{k: v for k, v in e.items() if k not in ('before', 'after', 'moved')} for e in ws.history[-2:]]}")
            time.sleep(0.1)


def one(locator: Any, timeout_ms: int = 30_000) -> Any:
    """``locator`` once the page has settled on exactly one such element (during a rerun Streamlit
    briefly shows an element's old copy beside the new one): what a person would act on."""
    from playwright.sync_api import expect

    expect(locator).to_have_count(1, timeout=timeout_ms)
    return locator


class Participant:
    """One person in the room, in their own browser context."""

    def __init__(self, browser: Any, url: str, service: str, *, path: str = "affiner",
                 viewport: dict[str, int] | None = None, lang: str = "fr") -> None:
        self.service = service
        context = browser.new_context(locale="fr-FR" if lang == "fr" else "en-GB",
                                      viewport=viewport or {"width": 1400, "height": 1000})
        self.page = context.new_page()
        self.page.set_default_timeout(60_000)
        from urllib.parse import quote

        self.page.goto(f"{url}/{path}?service={quote(service)}&lang={lang}")
        self.idle()

    # --- waiting -------------------------------------------------------------------------------
    def idle(self) -> None:
        self.page.wait_for_timeout(200)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-stale=\"true\"]')", timeout=90_000)

    # --- where things are ----------------------------------------------------------------------
    def box(self, pid: str, field_name: str) -> Any:
        return self.page.locator(f".st-key-w_field_{slug(pid)}_{slug(field_name)}")

    def typing_box(self, pid: str, field_name: str, timeout_ms: int = 30_000) -> Any:
        """The box a person types in for this field, once the page shows exactly one."""
        return one(self.box(pid, field_name).locator("textarea:visible, input[type=text]:visible"), timeout_ms)

    def card(self, pid: str) -> Any:
        return self.page.locator(f".st-key-w_card_{slug(pid)}")

    # --- what a person does --------------------------------------------------------------------
    def pick(self, pid: str) -> None:
        self.idle()
        one(self.page.locator(f".st-key-w_pick_{slug(pid)} button[data-testid^=stBaseButton]:visible")).click()
        self.card(pid).wait_for()

    def open(self, pid: str, field_name: str) -> None:
        self.idle()
        box = self.box(pid, field_name)
        one(box.get_by_role("button", name="Modifier", exact=True)).click()
        try:
            self.typing_box(pid, field_name, 20_000)
        except Exception:
            self.page.screenshot(path=f"/tmp/room/fail-{self.service[:3]}.png", full_page=True)
            raise

    def type(self, pid: str, field_name: str, text: str) -> None:
        self.typing_box(pid, field_name).fill(text)

    def save(self, pid: str, field_name: str) -> None:
        one(self.box(pid, field_name).get_by_role("button", name="Enregistrer", exact=True)).click()

    def write(self, pid: str, field_name: str, text: str) -> None:
        """Open a field, type, save: one edit, without waiting for it to land."""
        self.open(pid, field_name)
        self.type(pid, field_name, text)
        if field_name == "name":
            self.typing_box(pid, field_name).press("Enter")
        else:
            self.save(pid, field_name)

    def add_note(self, pid: str, text: str) -> None:
        self.idle()
        form = self.page.locator(f".st-key-w_note_form_{slug(pid)}")
        one(form.locator("textarea:visible")).fill(text)
        one(form.get_by_role("button", name="Ajouter la note", exact=True)).click()

    def remove_note(self, pid: str, note_id: str) -> None:
        self.idle()
        one(self.page.locator(f".st-key-w_rm_{slug(pid)}_{slug(note_id)} button[data-testid^=stBaseButton]:visible")).click()

    def sees(self, revision: int) -> None:
        """The person's page shows the workshop at ``revision`` (what they see before undoing)."""
        from playwright.sync_api import expect

        expect(self.page.get_by_text(f"Enregistré (version {revision})", exact=False)).to_be_visible()

    def toolbar(self, key: str) -> None:
        self.idle()
        one(self.page.locator(f".st-key-{key} button[data-testid^=stBaseButton]:visible")).click()

    def choose(self, key: str, option: str) -> None:
        """Pick ``option`` (its exact text) in the selectbox keyed ``key`` (a key ending in ``_r`` is
        a choice widget keyed by the revision it shows: whichever revision is on screen)."""
        self.idle()
        for attempt in range(3):  # another person's save reruns the page, which closes an open list
            where = f"[class*='st-key-{key}']" if key.endswith("_r") else f".st-key-{key}"
            one(self.page.locator(f"{where} button[aria-haspopup=listbox]:visible")).click()
            try:
                one(self.page.get_by_role("option", name=option, exact=True), 5_000).click()
                return
            except AssertionError:
                if attempt == 2:
                    raise
                self.idle()

    def press(self, key: str) -> None:
        """Click the button keyed ``key`` (a choice: validate, a service's say)."""
        self.idle()
        one(self.page.locator(f".st-key-{key} button[data-testid^=stBaseButton]:visible")).click()

    def archetype(self, pid: str, archetype: str | None) -> None:
        """Open the persona's reference-type chooser and pick one (None: no reference type)."""
        for attempt in range(3):  # another person's save reruns the page, which closes an open chooser
            self.idle()
            one(self.page.locator(f".st-key-w_arch_{slug(pid)} button:visible").first).click()
            option = self.page.locator(f".st-key-w_arch_{slug(pid)}_{slug(archetype or 'none')} button:visible")
            try:
                one(option, 5_000).click()
                return
            except AssertionError:
                if attempt == 2:
                    raise

    def open_section(self, key: str) -> None:
        self.idle()
        section = one(self.page.locator(f".st-key-{key} details"))
        if section.get_attribute("open") is None:
            section.locator("summary").click()

    def confirm(self, label: str) -> None:
        self.idle()
        one(self.page.get_by_role("button", name=label, exact=True)).click()

    def click_in(self, pid: str, field_name: str, label: str) -> None:
        """A button of a field's box (Abandonner) or of the notice beside it (Garder mon texte…)."""
        self.idle()
        one(self.page.locator(f".st-key-w_field_{slug(pid)}_{slug(field_name)}").get_by_role(
            "button", name=label, exact=True)).click()

    def click_until(self, pid: str, field_name: str, label: str, done: Any, *, tries: int = 3) -> int:
        """Click a button of a field's box until ``done()`` holds (a person clicks again when nothing
        happened); returns the clicks it took (printed when more than one, so a run shows them)."""
        for attempt in range(1, tries + 1):
            self.click_in(pid, field_name, label)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if done():
                    if attempt > 1:
                        print(f"{self.service}: '{label}' took {attempt} clicks")
                    return attempt
                self.page.wait_for_timeout(100)
        raise AssertionError(f"{self.service}: '{label}' had no effect after {tries} clicks")

    def notice(self, pid: str, field_name: str) -> Any:
        return self.page.locator(f".st-key-w_incoming_{slug(pid)}_{slug(field_name)}")
