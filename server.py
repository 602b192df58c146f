"""The web server of the workshop app: Streamlit's, behind the workshop's access code.

``persona-workshop app`` (and ``make run``) start ``streamlit run server.py``, which serves
``app.py`` through :data:`app`. When an access code is configured (see :mod:`app_pages.gate`),
every request but the code page and the health check must carry a valid pass: the pages, the live
connection (websocket), downloads (``/media/…``), uploads. A person without one is sent to
``/acces``, a small page of its own that asks for the code, limits wrong codes with growing
delays, and sets the pass. Without a code, nothing changes.
"""
from __future__ import annotations

import functools
import html
import secrets
from pathlib import Path
from urllib.parse import parse_qs, quote

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app_pages import gate

APP_SCRIPT = Path(__file__).resolve().with_name("app.py")
CODE_PAGE = "/acces"
OPEN_PATHS = (CODE_PAGE, "/_stcore/health")
WORDS = {
    "fr": {"title": "Atelier personas : accès", "code": "Code d'accès de l'atelier", "enter": "Entrer",
           "wrong": "Code incorrect.", "wait": "Trop d'essais depuis cet appareil : réessayez dans {s} s.",
           "help": "Demandez le code à l'animateur de l'atelier."},
    "en": {"title": "Persona workshop: access", "code": "Workshop access code", "enter": "Enter",
           "wrong": "Wrong code.", "wait": "Too many attempts from this device: try again in {s} s.",
           "help": "Ask the workshop's facilitator for the code."},
}


def _code() -> str | None:
    from app_pages.access import configured_code

    return configured_code()


def _key(code: str) -> bytes:
    from app_pages.files import home

    return _signing_key(code, str(home()))


@functools.lru_cache(maxsize=4)
def _signing_key(code: str, folder: str) -> bytes:
    return gate.signing_key(code, Path(folder))


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang") or ""
    if asked in WORDS:
        return asked
    accept = request.headers.get("accept-language", "fr").lower()
    return "en" if accept.startswith("en") else "fr"


def _safe_next(target: str | None) -> str:
    """Where to go after the code: a path of this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _page(lang: str, target: str, message: str = "", status: int = 200) -> HTMLResponse:
    w = WORDS[lang]
    e = html.escape
    note = f"<p class='msg' role='alert'>{e(message)}</p>" if message else ""
    body = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{e(w['title'])}</title>
<style>body{{font-family:"Source Sans Pro",system-ui,sans-serif;background:#f6f7f9;color:#1b1f24;display:flex;
justify-content:center;padding-top:12vh}}main{{background:#fff;border:1px solid #d8dce3;border-radius:.6rem;
padding:2rem 2.4rem;min-width:20rem}}h1{{font-size:1.6rem;margin:0 0 1rem}}label{{display:block;margin:.4rem 0}}
input{{font-size:1.1rem;padding:.45rem;width:100%;box-sizing:border-box}}button{{margin-top:1rem;font-size:1.05rem;
padding:.5rem 1.4rem;background:#c8102e;color:#fff;border:0;border-radius:.4rem}}.msg{{color:#9b1c1c}}
.help{{color:#5c677d;font-size:.95rem}}</style></head><body><main><h1>{e(w['title'])}</h1>{note}
<form method="post" action="{CODE_PAGE}?next={quote(target, safe='')}&lang={lang}">
<label for="code">{e(w['code'])}</label><input id="code" name="code" type="password" autocomplete="off"
maxlength="200" required autofocus><button type="submit">{e(w['enter'])}</button></form>
<p class="help">{e(w['help'])}</p></main></body></html>"""
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _who(request: Request) -> tuple[list[str], str]:
    """Who typed the code: their address and their browser (a random cookie set on the code page)."""
    browser = request.cookies.get(gate.BROWSER_COOKIE) or secrets.token_urlsafe(16)
    address = request.client.host if request.client else "?"
    return [f"address:{address}", f"browser:{browser}"], browser


async def code_page(request: Request) -> Response:
    code = _code()
    target = _safe_next(request.query_params.get("next"))
    if code is None:
        return RedirectResponse(target, status_code=303)
    lang = _lang(request)
    who, browser = _who(request)
    response: Response
    if request.method == "POST":
        wait = gate.LIMITER.wait(who)
        if wait > 0:
            response = _page(lang, target, WORDS[lang]["wait"].format(s=int(wait + 0.999)), status=429)
        else:
            form = parse_qs((await request.body()).decode("utf-8", "replace"))
            if gate.code_matches((form.get("code") or [""])[0], code):
                gate.LIMITER.succeeded([w for w in who if w.startswith("browser:")])
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(gate.PASS_COOKIE, gate.issue_pass(_key(code)), max_age=gate.PASS_HOURS * 3600,
                                    httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
            else:
                gate.LIMITER.failed(who)
                wait = gate.LIMITER.wait(who)
                message = WORDS[lang]["wrong"] + (" " + WORDS[lang]["wait"].format(s=int(wait + 0.999)) if wait else "")
                response = _page(lang, target, message, status=401)
    else:
        response = _page(lang, target)
    response.set_cookie(gate.BROWSER_COOKIE, browser, max_age=365 * 86400, httponly=True, samesite="strict",
                        path="/")
    return response


class AccessGate:
    """ASGI middleware: with an access code configured, only requests carrying a valid pass reach the app."""

    def __init__(self, app) -> None:  # noqa: ANN001 (an ASGI app)
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        code = _code() if scope["type"] in ("http", "websocket") else None
        if code is None or scope.get("path", "") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        cookies = Request(scope).cookies if scope["type"] == "http" else _ws_cookies(scope)
        if gate.valid_pass(_key(code), cookies.get(gate.PASS_COOKIE)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4403})
            return
        path = scope.get("path", "/")
        wants_page = scope.get("method") == "GET" and not path.startswith(("/_stcore", "/media", "/static", "/component"))
        if wants_page:
            query = scope.get("query_string", b"").decode("latin-1")
            target = path + (f"?{query}" if query else "")
            response: Response = RedirectResponse(f"{CODE_PAGE}?next={quote(target, safe='')}", status_code=303)
        else:
            response = Response(status_code=403)
        await response(scope, receive, send)


def _ws_cookies(scope) -> dict[str, str]:  # noqa: ANN001
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: no pass
                return {}
    return {k: v.value for k, v in jar.items()}


app = st.App(str(APP_SCRIPT), middleware=[Middleware(AccessGate)],
             routes=[Route(CODE_PAGE, code_page, methods=["GET", "POST"])])
