"""A trait's name in words, in one place for the drafted texts, the sheets and the app.

A codebook may declare any trait dimension (``dimensions:``, with its label in each language), or
none, in which case every Likert item is a trait of its own. The words come, in this order, from
the catalogue (the seven built-in dimensions), the codebook's ``dimensions:`` block, the codebook
column of an item-level trait, the label a persona's distinguishing features or the encoder state
saved with the workshop give it, and last the name itself made readable: never a bare key.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .i18n import Translator

if TYPE_CHECKING:
    from workshop_data.codebook import Codebook

    from .model import Persona, Workshop


def _words(label: Any, lang: str) -> str:
    if isinstance(label, dict):
        label = label.get(lang) or label.get("fr") or label.get("en") or next(iter(label.values()), "")
    return " ".join(str(label or "").split())


def _codebook_labels(codebook: "Codebook | Mapping[str, Any] | None") -> tuple[dict[str, Any], dict[str, Any]]:
    """(dimension -> label, column -> label) of a codebook, parsed or as saved in a workshop file."""
    from workshop_data.codebook import Codebook

    if isinstance(codebook, Codebook):
        return ({name: codebook.dimension_label(name) for name in codebook.dimensions},
                {name: spec.label for name, spec in codebook.columns.items()})
    if not isinstance(codebook, Mapping):
        return {}, {}
    def labels(block: Any) -> dict[str, Any]:
        return {str(k): v.get("label") for k, v in block.items() if isinstance(v, dict)} if isinstance(block, dict) else {}
    return labels(codebook.get("dimensions")), labels(codebook.get("columns"))


def readable(name: str) -> str:
    """``sans_papier`` -> "Sans papier": the last resort, a name made readable."""
    return str(name).replace("_", " ").replace("-", " ").strip().capitalize()


def trait_name(dim: str, t: Translator, codebook: "Codebook | Mapping[str, Any] | None" = None,
               others: Iterable[Any] = ()) -> str:
    """The words for trait ``dim`` in ``t``'s language; ``others`` are further labels (a persona's
    distinguishing feature, the saved encoder's), tried after the codebook's."""
    if t.has(f"trait.{dim}"):
        return t(f"trait.{dim}")
    dimensions, columns = _codebook_labels(codebook)
    for label in (dimensions.get(dim), columns.get(dim), *others):
        words = _words(label, t.lang)
        if words:
            return words
    return readable(dim)


def _persona_label(persona: "Persona", dim: str) -> Any:
    for item in persona.distinguishing:
        if item.get("feature") == f"trait:{dim}":
            return item.get("label")
    return None


def persona_trait_name(persona: "Persona", dim: str, t: Translator,
                       codebook: "Codebook | Mapping[str, Any] | None" = None) -> str:
    """:func:`trait_name` with the persona's own distinguishing labels as a further source."""
    return trait_name(dim, t, codebook, [_persona_label(persona, dim)])


def trait_names(ws: "Workshop", lang: str, t: Translator | None = None) -> dict[str, str]:
    """Trait name -> its words in ``lang``, for every trait some persona of ``ws`` has."""
    t = t or Translator(lang)
    encoder = (ws.model.get("encoder") or {}) if isinstance(ws.model, dict) else {}
    learnt = encoder.get("traits") if isinstance(encoder, dict) and isinstance(encoder.get("traits"), dict) else {}
    names = {}
    for persona in ws.personas:
        for dim in persona.traits:
            if dim not in names:
                saved = learnt.get(dim) if isinstance(learnt.get(dim), dict) else {}
                names[dim] = trait_name(dim, t, ws.codebook, [_persona_label(persona, dim), saved.get("label")])
    return names
