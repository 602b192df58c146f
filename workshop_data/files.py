"""Every read and write of a file a person names goes through here: bounded, regular files only, atomic.

Reading: a path can be a link to ``/dev/zero``, a named pipe or a terminal, whose size on disk says
0 and whose content never ends. So a file is opened without blocking, checked to be a regular file
on the open descriptor (no window for a swap between the check and the read), and read up to a
limit: a caller never holds more than it asked for, whatever the path is.

Writing: a save writes a temporary file next to the target, flushes it to disk, renames it over the
target and flushes the folder, so that after a crash (even SIGKILL or a power cut) the target holds
either the old bytes or the new ones. A target that exists and is not a regular file (``--out
/dev/full``, a link to a device, a pipe) is refused: renaming over it would replace the device by a
file, which root is allowed to do. A process killed mid-save leaves its temporary file behind: the
temporary name carries the writer's process id, and the next save of the same target removes the
ones whose writer is gone. Files are created readable by their owner only: they hold survey data.

Failures are :class:`~workshop_data.errors.DataError` naming the file and what went wrong in words
(a full disk, no permission), never an exception class name, and the target is left as it was.
"""
from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import DataError
from .messages import Text, msg

#: A temporary file older than this is removed even when its writer's process id is in use again.
STALE_TEMP_SECONDS = 24 * 3600
_CHUNK = 1 << 20
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM}


def _kind(mode: int) -> Text:
    """What a non-regular path is, in words a person knows."""
    if stat.S_ISDIR(mode):
        return msg("file.kind.folder")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg("file.kind.device")
    if stat.S_ISFIFO(mode):
        return msg("file.kind.pipe")
    if stat.S_ISSOCK(mode):
        return msg("file.kind.socket")
    return msg("file.kind.other")


def os_reason(exc: OSError) -> Text:
    """Why an operating-system call failed, in words (a full disk, no permission...), never a class name."""
    if exc.errno in _FULL:
        return msg("file.reason.full")
    if exc.errno in _DENIED:
        return msg("file.reason.denied")
    if exc.errno == errno.EROFS:
        return msg("file.reason.read_only")
    if exc.errno == errno.ENOENT:
        return msg("file.reason.missing")
    if exc.errno in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST):  # EEXIST: a file where a folder should be made
        return msg("file.reason.not_a_folder")
    if exc.errno == errno.ELOOP:
        return msg("file.reason.loop")
    if exc.errno == errno.ENAMETOOLONG:
        return msg("file.reason.name_too_long")
    return msg("file.reason.other", reason=exc.strerror or msg("file.reason.unknown"))


def _refuse(error: type[DataError], path: Path, exc: OSError) -> DataError:
    if exc.errno == errno.ENOENT:
        return error(msg("file.not_found"), file=str(path))
    return error(msg("file.unreadable", reason=os_reason(exc)), file=str(path))


def check_regular(path: str | Path, *, error: type[DataError] = DataError) -> os.stat_result:
    """The status of ``path`` (links followed) when it is an existing regular file, else ``error``.

    For readers that take a path (openpyxl, pyarrow, DuckDB): checked just before they open it.
    """
    path = Path(path)
    try:
        status = os.stat(path)
    except OSError as exc:
        raise _refuse(error, path, exc) from None
    if not stat.S_ISREG(status.st_mode):
        raise error(msg("file.not_regular", kind=_kind(status.st_mode)), file=str(path),
                    expected=msg("file.expected_regular"))
    return status


@contextmanager
def open_regular(path: str | Path, *, error: type[DataError] = DataError) -> Iterator[tuple[BinaryIO, int]]:
    """``(handle, size)`` of a regular file opened for reading; anything else refused before a byte is read.

    The descriptor is opened without blocking (a named pipe with no writer does not hang the open)
    and checked with ``fstat``: what is read is what was checked. ``size`` is the size at opening;
    a reader that stops there reads a bounded amount even from a file that keeps growing.
    """
    path = Path(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _refuse(error, path, exc) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise error(msg("file.not_regular", kind=_kind(status.st_mode)), file=str(path),
                        expected=msg("file.expected_regular"))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle, status.st_size


def read_bytes(path: str | Path, limit: int, *, error: type[DataError] = DataError) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; a larger one refused, never read whole."""
    path = Path(path)
    with open_regular(path, error=error) as (handle, size):
        if size > limit:
            raise too_large(path, size, limit, error)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _refuse(error, path, exc) from None
    if len(data) > limit:  # grew while being read
        raise too_large(path, len(data), limit, error)
    return data


def too_large(path: Path, size: int, limit: int, error: type[DataError] = DataError) -> DataError:
    return error(msg("file.too_large", size=size), file=str(path), expected=msg("file.at_most_bytes", limit=limit))


def read_chunks(path: str | Path, *, error: type[DataError] = DataError, chunk: int = _CHUNK) -> Iterator[bytes]:
    """The file's bytes in chunks, up to its size when opened: a stream with an end, whatever the path."""
    path = Path(path)
    with open_regular(path, error=error) as (handle, size):
        left = size
        while left > 0:
            try:
                block = handle.read(min(chunk, left))
            except OSError as exc:
                raise _refuse(error, path, exc) from None
            if not block:
                break
            left -= len(block)
            yield block


def sha256_of(path: str | Path, chunk: int = _CHUNK) -> str:
    import hashlib

    digest = hashlib.sha256()
    for block in read_chunks(path, chunk=chunk):
        digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Writing


def check_target(path: str | Path, *, error: type[DataError] = DataError) -> None:
    """Refuse an output path that exists and is not a regular file (a device, a pipe, a folder),
    links followed: writing there would replace it, or never end."""
    path = Path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise error(msg("file.unwritable", reason=os_reason(exc)), file=str(path)) from None
        return  # the write itself will say what is wrong (a dangling link, a loop)
    if not stat.S_ISREG(status.st_mode):
        raise error(msg("file.target_not_regular", kind=_kind(status.st_mode)), file=str(path),
                    expected=msg("file.expected_target"))


def unwritable(path: Path, exc: OSError, error: type[DataError] = DataError) -> DataError:
    """A failed write as a message: which file, and why in words (a full disk, no permission)."""
    return error(msg("file.unwritable", reason=os_reason(exc)), file=str(path))


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


def atomic_write_bytes(path: Path, data: bytes, *, error: type[DataError] = DataError) -> None:
    """Write to a temporary file in the same folder, fsync, rename over ``path``, fsync the folder.

    A target that is not a regular file is refused; a failure (a full disk) leaves the target as it
    was and no temporary file behind, and is raised as ``error`` naming the file.
    """
    path = Path(path)
    check_target(path, error=error)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path)
        fd, tmp = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise unwritable(path, exc, error) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, *, error: type[DataError] = DataError) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), error=error)
