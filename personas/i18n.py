"""Translations: catalogues are YAML files, one per language, in a ``locales/`` folder per layer.

Each layer keeps the words it owns (personas: traits, channels, archetype vocabulary; exports: sheet
labels; the app: its pages) and chains the catalogues below it, so a word is translated once.
Keys are dotted paths (``trait.awareness``). A missing key is returned as itself, which tests look
for: a raw key on screen is a bug. An entry written per plural category (``{one: …, other: …}``)
is chosen by the ``n`` parameter with CLDR's rules (French: 0 and 1 are singular).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from workshop_data.formats import is_plural_entry, plural_text

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_HERE = Path(__file__).resolve().parent / "locales"


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and is_plural_entry(value):
            out[name] = {form: str(text) for form, text in value.items()}  # chosen by {n} (CLDR rules)
        elif isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=None)
def load_catalogue(folder: str, lang: str) -> dict[str, Any]:
    """Flattened catalogue of ``folder/<lang>.yaml`` (cached: catalogues are read-only data)."""
    path = Path(folder) / f"{lang}.yaml"
    with open(path, encoding="utf-8") as handle:
        return _flatten(yaml.safe_load(handle) or {})


class Translator:
    """``t("trait.awareness")`` -> "Connaissance de l'offre en ligne"; ``t("x", n=3)`` formats."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE, *folders: str | Path) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        merged: dict[str, str] = {}
        for folder in (_HERE, *folders):
            merged.update(load_catalogue(str(Path(folder).resolve()), self.lang))
        self._messages = merged

    def __call__(self, key: str, **values: Any) -> str:
        text = self._messages.get(key, key)
        if isinstance(text, dict):
            text = plural_text(text, values.get("n"), self.lang)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._messages


def normalise_language(value: str | None) -> str:
    """Map a browser or user language tag (``fr-FR``, ``en_GB``) to a supported language."""
    if not value:
        return DEFAULT_LANGUAGE
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE
