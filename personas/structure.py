"""The structure verdict of a workshop in plain words, for the command line, the app and the sheets.

``settings["structure"]`` (clear, weak, none) and ``settings["structure_evidence"]`` come from
clustering/selection.py; older workshop files have neither, and then nothing is said.
"""
from __future__ import annotations

from typing import Any

from .i18n import Translator
from .narrative import format_number


def _figure(value: Any, lang: str) -> str:
    return "-" if value is None else format_number(float(value), lang, 2)


def structure_words(settings: dict[str, Any], lang: str = "fr") -> list[str]:
    """The verdict sentence and the figures behind it (empty for a file without a verdict)."""
    verdict = settings.get("structure")
    if verdict not in ("clear", "weak", "none"):
        return []
    t = Translator(lang)
    evidence = settings.get("structure_evidence") or {}
    lines = [t(f"structure.{verdict}", k=settings.get("k", evidence.get("k", "?")))]
    if evidence:
        figures = {key: _figure(evidence.get(key), t.lang)
                   for key in ("validity", "null_validity", "stability", "stability_min")}
        lines.append(t("structure.evidence", validity=figures["validity"], reference=figures["null_validity"],
                       stability=figures["stability"], stability_min=figures["stability_min"]))
    typology = settings.get("typology") or {}
    name = (typology.get("name") or {}).get(t.lang) if isinstance(typology, dict) else None
    if name:
        lines.append(t("structure.typology", name=name))
    return lines
