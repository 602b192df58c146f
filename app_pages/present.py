"""Presentation step: the shared screen of the room, one persona at a time, in large type, read-only.

The facilitator steps through the personas with previous/next; nothing here edits the workshop
(editing stays on Refine, in each participant's own browser). It follows the others' edits like
every page. Every item of every list is shown (the type shrinks a step for long lists rather than
cutting what the workgroup wrote), with the services' reservations; the sidebar is hidden, a
button leads back to Refine. User text is escaped before it reaches the HTML.
"""
from __future__ import annotations

import html
from typing import Any

import streamlit as st

from app_pages import loaders, number, page_header, percent, state
from personas.model import NARRATIVE_LIST_FIELDS, VALIDATION_STATUSES

DENSE_ITEMS = 14  # bullets on the slide beyond which the type is a step smaller (still all shown)

STYLE = """<style>
[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none}
[data-testid='stMainBlockContainer']{padding-top:1.6rem;max-width:none}
.pw-present{font-size:clamp(1.05rem,1.3vw,1.55rem);line-height:1.35;color:#1b1f24}
.pw-present .pw-count{font-size:clamp(.9rem,.9vw,1.1rem);color:#5c677d;letter-spacing:.04em;text-transform:uppercase}
.pw-present h2{font-size:clamp(2.4rem,3.4vw,3.6rem);line-height:1.1;margin:.1em 0 .15em;padding:0}
.pw-present .pw-arch{font-size:clamp(1.1rem,1.3vw,1.5rem);color:#1f5fa8;font-weight:600}
.pw-present blockquote{font-size:clamp(1.4rem,1.9vw,2.1rem);font-style:italic;border-left:.3rem solid #1f5fa8;
  margin:.5em 0;padding:.1em 0 .1em .8em;color:#26313d}
.pw-present .pw-facts{font-size:clamp(1rem,1.2vw,1.35rem);color:#3d4653;margin-bottom:.5em}
.pw-present .pw-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.3em 1.8em}
.pw-present h3{font-size:clamp(1.3rem,1.6vw,1.9rem);margin:.4em 0 .2em;padding:0;color:#1f5fa8}
.pw-present ul{margin:0;padding-left:1.1em}
.pw-present li{margin:.15em 0;font-size:clamp(1rem,1.25vw,1.5rem);line-height:1.3}
.pw-present.pw-dense li{font-size:clamp(.95rem,1.05vw,1.25rem)}.pw-present.pw-dense h3{font-size:clamp(1.2rem,1.35vw,1.5rem)}
.pw-present .pw-services{font-size:clamp(1rem,1.1vw,1.25rem);color:#2e5e3e;margin-top:.7em}
.pw-present .pw-reserve{font-size:clamp(1rem,1.1vw,1.25rem);color:#8a4b00;margin-top:.3em}
</style>"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _section(title: str, items: list[str]) -> str:
    if not items:
        return ""
    bullets = "".join(f"<li>{_e(item)}</li>" for item in items)
    return f"<div><h3>{_e(title)}</h3><ul>{bullets}</ul></div>"


def slide(ws: Any, index: int) -> str:
    """The HTML of persona ``index`` for the shared screen (pure: text escaped, no script)."""
    t = state.translator()
    persona = ws.personas[index]
    archetypes = loaders.archetype_names(state.get().lang)
    dense = sum(len(getattr(persona, field)) for field in NARRATIVE_LIST_FIELDS) > DENSE_ITEMS
    parts = [f"<div class='pw-present{' pw-dense' if dense else ''}'><div class='pw-count'>{_e(t('present.count', i=index + 1, n=len(ws.personas)))}</div>",
             f"<h2>{_e(persona.name)}</h2>"]
    if persona.archetype in archetypes and archetypes[persona.archetype] != persona.name:
        parts.append(f"<div class='pw-arch'>{_e(archetypes[persona.archetype])}</div>")
    if persona.quote:
        parts.append(f"<blockquote>« {_e(persona.quote)} »</blockquote>" if state.get().lang == "fr"
                     else f"<blockquote>“{_e(persona.quote)}”</blockquote>")
    if persona.size >= ws.min_group_size:
        facts = t("present.facts", n=number(persona.size, 0), share=percent(100 * persona.share, 0))
        parts.append(f"<div class='pw-facts'>{_e(facts)}</div>")
    sections = [_section(t(f"refine.{field}"), getattr(persona, field)) for field in NARRATIVE_LIST_FIELDS]
    parts.append(f"<div class='pw-grid'>{''.join(sections)}</div>")
    recognised = [s for s, v in persona.validations.items() if v.get("status") == VALIDATION_STATUSES[0]]
    if recognised:
        parts.append(f"<div class='pw-services'>{_e(t('present.recognised', services=', '.join(recognised)))}</div>")
    for service, said in persona.validations.items():
        if said.get("status") == "reservation":
            line = t("present.reservation", service=service, text=said.get("text") or "—")
            parts.append(f"<div class='pw-reserve'>{_e(line)}</div>")
    parts.append("</div>")
    return "".join(parts)


def _step(delta: int, count: int) -> None:
    st.session_state["w_slide"] = (int(st.session_state.get("w_slide", 0)) + delta) % count


def render() -> None:
    t = state.translator()
    ws = page_header("present", titled=False)
    if ws is None or not ws.personas:
        return
    count = len(ws.personas)
    index = int(st.session_state.get("w_slide", 0)) % count
    cols = st.columns([1, 1, 4, 1], vertical_alignment="center")
    cols[0].button(t("present.previous"), key="w_prev", on_click=_step, args=(-1, count),
                   icon=":material/arrow_back:", width="stretch")
    cols[1].button(t("present.next"), key="w_next", on_click=_step, args=(1, count),
                   icon=":material/arrow_forward:", width="stretch")
    cols[2].caption(t("present.intro"))
    cols[3].page_link("app_pages/refine.py", label=t("present.leave"), icon=":material/close_fullscreen:")
    st.html(STYLE + slide(ws, index))


if __name__ == "__main__":
    render()
