"""Branding of the exported documents: organisation name, two colours and an optional logo.

A user's theme is a small YAML file validated here, once, so that the templates can trust it:
colours go into CSS as they are, and the logo is embedded as a data URI (the PDF step fetches
nothing from disk or network). A logo is decoded here: a file that is not the image its name
says (a corrupt PNG, a text file named .svg) is refused with a message, by every export alike,
instead of passing the PDF (which shows nothing) and failing the deck (which must decode it).
"""
from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path

from workshop_data.errors import DataError
from workshop_data.files import read_bytes
from workshop_data.messages import msg
from workshop_data.yaml_safe import read_yaml_file

from .formatting import printable

DEFAULT_THEME_PATH = Path(__file__).resolve().parent / "theme.yaml"
MAX_LOGO_BYTES = 1024 * 1024
MAX_ORGANISATION_CHARS = 120
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
_KEYS = ("organisation", "primary", "accent", "logo")


@dataclass(frozen=True)
class Theme:
    organisation: str = ""
    primary: str = "#1f3a5f"
    accent: str = "#b5462f"
    logo_data_uri: str | None = None

    @property
    def on_primary(self) -> str:
        """Text colour readable on the primary colour (WCAG relative luminance)."""
        return "#000000" if _luminance(self.primary) > 0.35 else "#ffffff"


def _luminance(colour: str) -> float:
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = []
    for i in (0, 2, 4):
        c = int(digits[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _colour(data: dict, key: str, default: str, file: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not _HEX.match(value.strip()):
        raise DataError(msg("theme.not_a_colour", key=key), file=file, expected=msg("theme.expected_colour"),
                        found=value if isinstance(value, (str, int, float)) else None)
    return value.strip().lower()


def _checked_image(data: bytes, media: str, file: str, found: str) -> None:
    """Refuse a logo that does not decode as the image its extension says."""
    if media == "image/svg+xml":
        from xml.etree import ElementTree

        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError:
            root = None
        if root is None or root.tag.rsplit("}", 1)[-1] != "svg":
            raise DataError(msg("theme.logo_not_svg"), file=file, expected=msg("theme.expected_svg"), found=found)
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind not in ("PNG", "JPEG"):
        raise DataError(msg("theme.logo_not_image"), file=file, expected=msg("theme.expected_png_jpeg"), found=found)


def _logo(value: object, folder: Path, file: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise DataError(msg("theme.logo_not_a_path"), file=file, expected=msg("theme.expected_logo_path"))
    path = (folder / value).resolve()
    media = _LOGO_TYPES.get(path.suffix.lower())
    if media is None:
        raise DataError(msg("theme.logo_format"), file=file, expected=msg("theme.expected_logo_format"), found=value)
    data = read_bytes(path, MAX_LOGO_BYTES)  # a regular file of bounded size, or refused naming the logo
    _checked_image(data, media, file, value)
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def load_theme(path: str | Path | None = None) -> Theme:
    """The default theme, or the user's branding file validated (bad file -> DataError)."""
    defaults = Theme()
    if path is None:
        path = DEFAULT_THEME_PATH
    path = Path(path)
    name = str(path)
    data = read_yaml_file(path) or {}
    if not isinstance(data, dict):
        raise DataError(msg("theme.not_mapping"), file=name, expected=msg("theme.expected_keys", keys=", ".join(_KEYS)))
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise DataError(msg("theme.unknown_keys"), file=name, expected=msg("theme.expected_keys", keys=", ".join(_KEYS)),
                        found=unknown)
    organisation = data.get("organisation") or ""
    if isinstance(organisation, str):
        organisation = printable(organisation)
    if not isinstance(organisation, str) or len(organisation) > MAX_ORGANISATION_CHARS:
        raise DataError(msg("theme.organisation"), file=name,
                        expected=msg("theme.expected_short_text", limit=MAX_ORGANISATION_CHARS))
    return Theme(
        organisation=organisation.strip(),
        primary=_colour(data, "primary", defaults.primary, name),
        accent=_colour(data, "accent", defaults.accent, name),
        logo_data_uri=_logo(data.get("logo"), path.resolve().parent, name),
    )
