"""Which services of the workgroup recognise their users in each persona, or have a reservation.

A service marks a persona "recognised" or leaves a reservation with its reason
(:func:`personas.operations.set_validation`). The sheet shows it under the archetype ("Reconnu
par : Accueil, État civil · Réserve : Action sociale — « texte »"), whole, the method page one row
per persona with the dates. Nothing is shown for a persona no service spoke about.
Service names and reasons are what people typed: the renderers escape them like any other text.
"""
from __future__ import annotations

from typing import Any

from personas.i18n import Translator
from personas.model import Persona, Workshop

from .formatting import fmt_date, fmt_int, one_line

def _said(persona: Persona) -> tuple[list[str], list[dict[str, str]]]:
    """The services that recognise the persona, and the reservations, both in service order."""
    recognised, reservations = [], []
    for service, said in sorted(persona.validations.items()):
        if not isinstance(said, dict) or not one_line(service):
            continue
        if said.get("status") == "recognised":
            recognised.append(one_line(service))
        elif said.get("status") == "reservation":
            reservations.append({"service": one_line(service), "text": one_line(said.get("text")),
                                 "date": str(said.get("date") or "")})
    return recognised, reservations


def _reservation_text(item: dict[str, str], t: Translator, date: str = "") -> str:
    service = f"{item['service']} ({date})" if date else item["service"]
    reason = item["text"]
    return f"{service} — {t('quote.open')}{reason}{t('quote.close')}" if reason else service


def validation_parts(persona: Persona, t: Translator) -> list[dict[str, str]]:
    """The sheet's line as labelled parts: [{"label": "Reconnu par", "text": "Accueil, État civil"}, ...].

    Empty when no service said anything. Every service and every reason is given whole: what a
    service wrote is never shortened (a long reservation makes the sheet's header taller, and
    the method page repeats it with its date).
    """
    recognised, reservations = _said(persona)
    parts = []
    if recognised:
        parts.append({"kind": "recognised", "label": t("validation.recognised"), "text": ", ".join(recognised)})
    if reservations:
        key = "validation.reservation" if len(reservations) == 1 else "validation.reservations"
        parts.append({"kind": "reservation", "label": t(key),
                      "text": t("punct.list_sep").join(_reservation_text(r, t) for r in reservations)})
    return parts


def validation_line(parts: list[dict[str, str]], t: Translator) -> str:
    """The parts as one plain line: the deck's, and what the sheet's header height is reckoned from."""
    return " · ".join(f"{p['label']}{t('punct.colon')} {p['text']}" for p in parts)


def validation_rows(ws: Workshop, lang: str, t: Translator, shown: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The method page: one row per persona some service spoke about, reservations dated; the
    persona named as the document names it (``shown``: id -> name)."""
    rows = []
    for persona in ws.personas:
        recognised, reservations = _said(persona)
        if not recognised and not reservations:
            continue
        rows.append({
            "id": persona.id, "persona": (shown or {}).get(persona.id, persona.name),
            "recognised": ", ".join(recognised) or "—",
            "reserving": ", ".join(r["service"] for r in reservations),
            "reservations": t("punct.list_sep").join(
                _reservation_text(r, t, fmt_date(r["date"], lang)) for r in reservations) or "—",
        })
    return rows


def validation_view(ws: Workshop, lang: str, t: Translator, shown: dict[str, str] | None = None) -> dict[str, Any]:
    """The method page's table and the sentence above it (how many personas a service recognised)."""
    rows = validation_rows(ws, lang, t, shown)
    recognised = sum(1 for p in ws.personas if _said(p)[0])
    summary = t("validation.summary", n=fmt_int(recognised, lang), total=fmt_int(len(ws.personas), lang))
    return {"rows": rows, "summary": summary if rows else ""}
