"""Which services of the workgroup recognise their users in each persona, or have a reservation.

A service marks a persona "recognised" or leaves a reservation with its reason
(:func:`personas.operations.set_validation`). The sheet shows it on one compact line under the
archetype ("Reconnu par : Accueil, État civil · Réserve : Action sociale — « texte »"), the method
page one row per persona with the dates. Nothing is shown for a persona no service spoke about.
Service names and reasons are what people typed: the renderers escape them like any other text.
"""
from __future__ import annotations

from typing import Any

from personas.i18n import Translator
from personas.model import Persona, Workshop

from .view import clamp, fmt_date, fmt_int, one_line

MAX_SERVICE = 40
MAX_SERVICE_TABLE = 80
MAX_REASON_TABLE = 300
FULL = 10**6
#: The printed sheet: services named per kind, reservations given with their reason, and the
#: characters those reasons share.
MAX_NAMES = 6
MAX_REASONS = 2
SHEET_REASONS = 160


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


def _reservation_text(item: dict[str, str], t: Translator, service_limit: int, reason_limit: int,
                      date: str = "") -> str:
    service = clamp(item["service"], service_limit)
    if date:
        service = f"{service} ({date})"
    reason = clamp(item["text"], reason_limit)
    return f"{service} — {t('quote.open')}{reason}{t('quote.close')}" if reason else service


def _names(services: list[str], t: Translator, clamp_texts: bool) -> str:
    if not clamp_texts:
        return ", ".join(services)
    shown = ", ".join(clamp(s, MAX_SERVICE) for s in services[:MAX_NAMES])
    return f"{shown} {t('sheet.more', n=len(services) - MAX_NAMES)}" if len(services) > MAX_NAMES else shown


def validation_parts(persona: Persona, t: Translator, clamp_texts: bool) -> list[dict[str, str]]:
    """The sheet's line as labelled parts: [{"label": "Reconnu par", "text": "Accueil, État civil"}, ...].

    Empty when no service said anything. ``clamp_texts`` (the printed sheet) keeps the line to a
    few lines, visibly: names shortened (…), at most :data:`MAX_NAMES` of each kind ("+n more"),
    the reasons of at most :data:`MAX_REASONS` reservations, sharing :data:`SHEET_REASONS`
    characters; beyond that the sheet names the services and the method page gives their reasons.
    """
    recognised, reservations = _said(persona)
    parts = []
    if recognised:
        parts.append({"kind": "recognised", "label": t("validation.recognised"),
                      "text": _names(recognised, t, clamp_texts)})
    if reservations:
        key = "validation.reservation" if len(reservations) == 1 else "validation.reservations"
        if not clamp_texts:
            text = t("punct.list_sep").join(_reservation_text(r, t, FULL, FULL) for r in reservations)
        elif len(reservations) <= MAX_REASONS:
            text = t("punct.list_sep").join(_reservation_text(r, t, MAX_SERVICE, SHEET_REASONS // len(reservations))
                                            for r in reservations)
        else:
            text = _names([r["service"] for r in reservations], t, clamp_texts)
        parts.append({"kind": "reservation", "label": t(key), "text": text})
    return parts


def validation_line(parts: list[dict[str, str]], t: Translator) -> str:
    """The parts as one plain line: the deck's, and what the sheet's header height is reckoned from."""
    return " · ".join(f"{p['label']}{t('punct.colon')} {p['text']}" for p in parts)


def validation_rows(ws: Workshop, lang: str, t: Translator) -> list[dict[str, str]]:
    """The method page: one row per persona some service spoke about, reservations dated."""
    rows = []
    for persona in ws.personas:
        recognised, reservations = _said(persona)
        if not recognised and not reservations:
            continue
        rows.append({
            "id": persona.id, "persona": persona.name,
            "recognised": ", ".join(recognised) or "—",
            "reserving": ", ".join(r["service"] for r in reservations),
            "reservations": t("punct.list_sep").join(
                _reservation_text(r, t, MAX_SERVICE_TABLE, MAX_REASON_TABLE, fmt_date(r["date"], lang)) for r in reservations) or "—",
        })
    return rows


def validation_view(ws: Workshop, lang: str, t: Translator) -> dict[str, Any]:
    """The method page's table and the sentence above it (how many personas a service recognised)."""
    rows = validation_rows(ws, lang, t)
    recognised = sum(1 for p in ws.personas if _said(p)[0])
    summary = t("validation.summary", n=fmt_int(recognised, lang), total=fmt_int(len(ws.personas), lang))
    return {"rows": rows, "summary": summary if rows else ""}
