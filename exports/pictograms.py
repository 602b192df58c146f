"""Pictograms for the persona portraits: one per archetype icon, one neutral; never a face.

A persona with an archetype shows the archetype's icon (from the workshop's typology when it names
one, else from ``personas/archetypes.yaml``); a persona without one keeps its initials. The SVG
files are drawn white on transparent, to sit on the coloured portrait disc. The deck needs PNG
(PowerPoint files from python-pptx take no SVG): ``python -m exports.pictograms`` renders them once
into ``static/pictograms/png`` (WeasyPrint then pdfium, no browser); they are committed.
"""
from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from personas.model import Workshop

FOLDER = Path(__file__).resolve().parent / "static" / "pictograms"
NEUTRAL = "person"
PNG_PIXELS = 192


def available() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in FOLDER.glob("*.svg")))


@lru_cache(maxsize=1)
def _library_icons() -> dict[str, str]:
    try:
        from personas.archetypes import load_archetypes

        return {a.id: a.icon for a in load_archetypes()}
    except Exception:  # noqa: BLE001 - a broken library must not stop an export: initials are shown
        return {}


def icon_for(ws: Workshop, archetype_id: str | None) -> str | None:
    """The icon name of an archetype (None without archetype or with an icon we do not draw)."""
    if not archetype_id:
        return None
    typology = ws.settings.get("typology") or {}
    icons = typology.get("icons") or {} if isinstance(typology, dict) else {}
    icon = icons.get(archetype_id) or _library_icons().get(archetype_id)
    if icon in available():
        return icon
    return NEUTRAL


@lru_cache(maxsize=None)
def svg_data_uri(icon: str) -> str:
    data = (FOLDER / f"{icon}.svg").read_bytes()
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def png_path(icon: str) -> Path:
    return FOLDER / "png" / f"{icon}.png"


def render_pngs() -> list[Path]:
    """Render every SVG pictogram to a transparent PNG for the deck (run by maintainers)."""
    import pypdfium2
    from weasyprint import HTML

    out = []
    (FOLDER / "png").mkdir(exist_ok=True)
    for icon in available():
        html = (f"<style>@page {{ size: 24mm 24mm; margin: 0 }} body {{ margin: 0 }} img {{ width: 24mm; "
                f"height: 24mm; display: block }}</style><img src='{svg_data_uri(icon)}' alt=''>")
        pdf = pypdfium2.PdfDocument(HTML(string=html).write_pdf())
        page = pdf[0]
        bitmap = page.render(scale=PNG_PIXELS / page.get_width(), fill_color=(0, 0, 0, 0))
        path = png_path(icon)
        bitmap.to_pil().save(path, optimize=True)
        out.append(path)
    return out


if __name__ == "__main__":
    for written in render_pngs():
        print(written)
