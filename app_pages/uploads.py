"""Uploaded files, kept in the working folder so a workshop's data survive a restart, and deleted on request."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from app_pages.files import home


def save_upload(name: str, data: bytes) -> Path:
    """Keep an uploaded file in the working folder, under its own name (made safe) in a folder named
    by its content hash: the name the person knows stays in the workshop's sources, and nothing can
    be written outside the working folder."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    safe = re.sub(r"[^\w.\-]+", "_", Path(name).name).lstrip(".")[-80:] or "upload"
    path = home() / "uploads" / digest / safe
    if not path.exists():
        from workshop_data.files import atomic_write_bytes

        atomic_write_bytes(path, data)
    return path


def discard_upload(path: str | Path | None) -> bool:
    """Remove one kept upload (a refused file must not stay on the machine); False if not an upload."""
    import shutil

    if not path:
        return False
    folder = (home() / "uploads").resolve()
    target = Path(path).resolve()
    if target.parent.parent != folder:
        return False
    shutil.rmtree(target.parent, ignore_errors=True)
    return True


def uploaded_files() -> list[Path]:
    return sorted(p for p in (home() / "uploads").glob("*/*") if p.is_file())


def delete_uploads() -> int:
    """Remove the kept copies of uploaded files (raw data, personal data included); returns how many.

    Workshops keep working without them; only split, move and exact merge statistics need the data
    again (upload it once more, or keep it next to the workshop file on the command line).
    """
    import shutil

    files = uploaded_files()
    shutil.rmtree(home() / "uploads", ignore_errors=True)
    (home() / "uploads").mkdir(parents=True, exist_ok=True)
    return len(files)

