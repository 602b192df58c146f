"""Data-layer messages in the reader's language: a key, its parameters, and one catalogue per language.

An error is raised deep in the data layer, long before anyone knows whether a French facilitator in
the app or an English script on the command line will read it. So the message is kept as a key and
its parameters (:class:`Text`), English by default (its ``str``), and each edge renders it in its
own language with :func:`localise`. The catalogues are ``locales/<lang>.yaml`` next to this file;
an entry may be written per plural category (``{one: …, other: …}``, CLDR rules through Babel),
chosen by the parameter ``n``. Numbers in parameters are formatted for the language.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .formats import format_number, is_plural_entry, plural_text

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "en"  # data-layer messages name files and columns; English unless told otherwise
_LOCALES = Path(__file__).resolve().with_name("locales")


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and not is_plural_entry(value):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, Any]:
    """The flattened catalogue of one language (plural entries kept as mappings)."""
    import yaml  # the package's own catalogue: trusted data, read with the plain safe loader

    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _flatten(yaml.load((_LOCALES / f"{lang}.yaml").read_text(encoding="utf-8"), Loader=loader) or {})


def render(key: str, params: Mapping[str, Any], lang: str) -> str:
    """The message ``key`` in ``lang`` with its parameters (the raw key if no catalogue has it: a bug)."""
    entry = catalogue(lang).get(key, catalogue(DEFAULT_LANGUAGE).get(key))
    if entry is None:
        return key
    if is_plural_entry(entry):
        entry = plural_text(entry, params.get("n"), lang)
    return str(entry).format(**{name: localise(value, lang) for name, value in params.items()})


def localise(value: Any, lang: str) -> str:
    """Anything a message carries, in ``lang``: texts rendered, numbers with the language's separators."""
    if hasattr(value, "localise"):
        return value.localise(lang)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return format_number(value, lang)
    if isinstance(value, float):
        return format_number(value, lang, 0 if value.is_integer() else 2)
    if isinstance(value, (list, tuple)):
        return ", ".join(localise(v, lang) for v in value)
    return str(value)


def _rebuild(key: str, params: dict[str, Any]) -> "Text":
    return Text(key, **params)


class Text(str):
    """A message that reads as English where a plain string is expected, and knows its key.

    ``Text("survey.too_few", n=3, minimum=20)`` is ``"only 3 respondents; ..."``; ``.localise("fr")``
    renders it in French. Edges that only know strings keep working unchanged.
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> "Text":
        text = super().__new__(cls, render(key, params, DEFAULT_LANGUAGE))
        text.key = key
        text.params = params
        return text

    def localise(self, lang: str) -> str:
        return render(self.key, self.params, lang)

    def __reduce__(self):  # Streamlit and multiprocessing pickle errors; keep the key across
        return _rebuild, (self.key, self.params)


def msg(key: str, /, **params: Any) -> Text:
    """Shorthand for :class:`Text`: ``raise DataError(msg("file.empty"), file=name)``."""
    return Text(key, **params)


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language of the user's locale (LC_ALL, then LC_MESSAGES, then LANG), French or English."""
    environ = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
