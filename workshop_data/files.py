"""Writing files so that a crash or a failed command never leaves a partial file behind.

A save writes a temporary file next to the target, flushes it to disk, renames it over the target
and flushes the folder, so that after a crash (even SIGKILL or a power cut) the target holds either
the old bytes or the new ones. A process killed mid-save leaves its temporary file behind: the
temporary name carries the writer's process id, and the next save of the same target removes the
ones whose writer is gone. Files are created readable by their owner only: they hold survey data.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

#: A temporary file older than this is removed even when its writer's process id is in use again.
STALE_TEMP_SECONDS = 24 * 3600


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove temporary files left next to ``path`` by saves that were killed; return them."""
    path = Path(path)
    pattern = re.compile(re.escape(_temp_prefix(path)) + r"(\d+)-[^/]*\.tmp\Z")
    removed: list[Path] = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return removed
    now = time.time()
    for candidate in candidates:
        match = pattern.match(candidate.name)
        if not match:
            continue
        try:
            old = now - candidate.stat().st_mtime > STALE_TEMP_SECONDS
            if old or not _writer_alive(int(match.group(1))):
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, rename over ``path``, fsync the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
