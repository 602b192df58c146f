"""The workshop access code, without Streamlit: signed passes, and the limit on wrong codes.

A person who typed the right code gets a *pass*: a cookie signed with a key derived from the code
and a secret kept in the working folder, valid ``PASS_HOURS``. The web server
(:mod:`server`) lets through only requests that carry a valid pass (pages, the live connection,
downloads, uploads), so a reload, a restart of the server or a download link keeps working for
that person, and for nobody else; changing the code, or deleting the secret, ends every pass.

Wrong codes are limited per address and per browser, with a delay that grows with each failure
(``FREE_TRIES`` without delay, then 5 s, 10 s, 20 s… up to ``MAX_DELAY_S``), and forgotten after
``FORGET_S`` without a failure. No limit ever applies to a person who already holds a pass: the
facilitator is never locked out by someone else's guesses.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_ENV = "PERSONA_WORKSHOP_ACCESS_CODE"
PASS_COOKIE = "pw_pass"
BROWSER_COOKIE = "pw_browser"
PASS_HOURS = 12
FREE_TRIES = 3
BASE_DELAY_S = 5.0
MAX_DELAY_S = 300.0
FORGET_S = 3600.0
SECRET_FILE = ".access-secret"


def configured_code() -> str | None:
    """The access code from the environment (None: the app is open, as on one's own machine)."""
    code = os.environ.get(ACCESS_ENV, "").strip()
    return code or None


def server_secret(home: Path) -> bytes:
    """The working folder's secret (created once, readable by its owner only)."""
    path = home / SECRET_FILE
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data[:64]
    except FileNotFoundError:
        pass
    data = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return data


def signing_key(code: str, home: Path) -> bytes:
    return hmac.new(server_secret(home), code.encode("utf-8"), hashlib.sha256).digest()


def issue_pass(key: bytes, *, now: float | None = None, hours: float = PASS_HOURS) -> str:
    """A pass valid ``hours``: ``<expiry>.<nonce>.<signature>``."""
    expiry = int((time.time() if now is None else now) + hours * 3600)
    body = f"{expiry}.{secrets.token_urlsafe(12)}"
    return f"{body}.{_sign(key, body)}"


def valid_pass(key: bytes, token: str | None, *, now: float | None = None) -> bool:
    if not token or token.count(".") != 2:
        return False
    body, signature = token.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(key, body)):
        return False
    try:
        expiry = int(body.split(".", 1)[0])
    except ValueError:
        return False
    return (time.time() if now is None else now) < expiry


def _sign(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode("ascii", "replace"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def code_matches(typed: str, code: str) -> bool:
    return hmac.compare_digest(typed.strip().encode("utf-8"), code.encode("utf-8"))


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


@dataclass
class Limiter:
    """Wrong codes by who typed them (an address, a browser): how long each must wait now."""

    entries: dict[str, _Failures] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def delay_after(count: int) -> float:
        if count < FREE_TRIES:
            return 0.0
        return min(BASE_DELAY_S * 2 ** (count - FREE_TRIES), MAX_DELAY_S)

    def wait(self, who: list[str], *, now: float | None = None) -> float:
        """Seconds before any of ``who`` may try again (0: now)."""
        now = time.monotonic() if now is None else now
        with self.lock:
            self._forget(now)
            waits = [self.delay_after(e.count) - (now - e.last) for k in who if (e := self.entries.get(k))]
        return max([0.0, *waits])

    def failed(self, who: list[str], *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self.lock:
            for key in who:
                entry = self.entries.setdefault(key, _Failures())
                entry.count, entry.last = entry.count + 1, now

    def succeeded(self, who: list[str]) -> None:
        with self.lock:
            for key in who:
                self.entries.pop(key, None)

    def _forget(self, now: float) -> None:
        for key in [k for k, e in self.entries.items() if now - e.last > FORGET_S]:
            del self.entries[key]


LIMITER = Limiter()
