"""How strongly the workshop's personas stand as groups, in plain words: for the command line, the
app and every document, from the personas as they are now.

Clustering (clustering/selection.py) judges the partition it found: ``settings["structure"]``
(clear, weak, none) and ``settings["structure_evidence"]``. Once the workgroup merges, splits or
moves respondents, that judgement is about groups that no longer exist: the verdict is then made
again from the edited personas' own stability (recomputed by the edit when it had the source
data), with the same thresholds, and says that their separation was measured before the edits
only. Without the source data an edit cannot measure stability, and the words say so rather than
repeat the old verdict. Older workshop files have no verdict: then only what the personas hold is said.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .i18n import Translator
from .model import Workshop
from .narrative import format_number

#: Edits that change who belongs to which persona: after one, the clustering's verdict is stale.
MEMBERSHIP_EDITS = ("merge", "split", "move")
#: Hennig's reading of bootstrap Jaccard, as clustering.selection.reproduces applies it.
STABLE_MEAN, STABLE_MIN = 0.75, 0.5
VERDICTS = ("clear", "weak", "none", "edited", "edited_none", "unmeasured")


@dataclass
class Structure:
    """The verdict on the personas as they are now, and the figures behind it."""

    verdict: str | None                  # one of VERDICTS; None for a file without a verdict
    k: int                               # personas now
    k_found: int | None                  # personas the clustering made
    imposed: bool                        # the number of profiles was asked for, not chosen
    edited: bool                         # a merge, split or move changed the groups since
    evidence: dict[str, Any] = field(default_factory=dict)   # validity, null_validity, stability, stability_min
    requested: int | None = None         # the number asked for (a small group may have been merged since)


def _edited(ws: Workshop) -> bool:
    return any(isinstance(e, dict) and e.get("op") in MEMBERSHIP_EDITS for e in ws.history)


def workshop_structure(ws: Workshop) -> Structure:
    """The structure verdict of ``ws`` now (see the module docstring)."""
    settings = ws.settings or {}
    built = settings.get("structure") if settings.get("structure") in ("clear", "weak", "none") else None
    evidence = dict(settings.get("structure_evidence") or {})
    found = settings.get("k", evidence.get("k"))
    found = int(found) if isinstance(found, (int, float)) and not isinstance(found, bool) else None
    requested = settings.get("k_requested")
    imposed = isinstance(requested, int) and not isinstance(requested, bool)
    requested = requested if imposed else None
    edited = _edited(ws)
    out = Structure(verdict=built, k=len(ws.personas), k_found=found, imposed=imposed, requested=requested,
                    edited=edited,
                    evidence={k: evidence.get(k) for k in ("validity", "null_validity", "stability", "stability_min")})
    if not edited or built is None:
        return out
    values = [p.stability for p in ws.personas]
    if any(v is None for v in values) or not values:
        out.verdict = "unmeasured"
        out.evidence.update(stability=None, stability_min=None)
        return out
    mean, low = sum(values) / len(values), min(values)
    out.evidence.update(stability=mean, stability_min=low)
    out.verdict = "edited" if mean >= STABLE_MEAN and low >= STABLE_MIN else "edited_none"
    return out


def _figure(value: Any, lang: str) -> str:
    return "-" if value is None else format_number(float(value), lang, 2)


def structure_words(source: Workshop | dict[str, Any], lang: str = "fr", *, typology: bool = True) -> list[str]:
    """The verdict sentence and the figures behind it, in ``lang`` (empty for a file without a verdict).

    ``source`` is the workshop (the verdict on its personas now) or, for a workshop just built, its
    settings. ``typology=False`` leaves out which typology named the personas (a page that says it
    elsewhere).
    """
    ws = source if isinstance(source, Workshop) else Workshop(title="", personas=[], assignments={},
                                                               settings=dict(source or {}))
    found = workshop_structure(ws)
    if isinstance(source, dict):
        found.k = found.k_found or 0
    if found.verdict is None:
        return []
    t = Translator(lang)
    figures = {key: _figure(found.evidence.get(key), t.lang) for key in found.evidence}
    k = found.k if found.edited else (found.k_found or found.k)
    lines = [t(f"structure.{found.verdict}", k=k, found=found.k_found or "?")]
    if found.verdict in ("clear", "weak", "none"):
        lines.append(t("structure.evidence", validity=figures["validity"], reference=figures["null_validity"],
                       stability=figures["stability"], stability_min=figures["stability_min"]))
    elif found.verdict in ("edited", "edited_none"):
        lines.append(t("structure.evidence_edited", stability=figures["stability"],
                       stability_min=figures["stability_min"], validity=figures["validity"],
                       reference=figures["null_validity"], found=found.k_found or "?"))
    if found.imposed:
        lines.append(t("structure.imposed", k=found.requested))
    return lines + (typology_words(ws, t) if typology else [])


def typology_words(ws: Workshop, t: Translator) -> list[str]:
    """Which typology named the personas, or that none of them took a name from it."""
    typology = (ws.settings or {}).get("typology") or {}
    name = (typology.get("name") or {}).get(t.lang) if isinstance(typology, dict) else None
    if not name:
        return []
    if ws.personas and not any(p.archetype for p in ws.personas):
        return [t("structure.typology_unused", name=name)]
    return [t("structure.typology", name=name)]
