"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Write to a temporary file in the same folder, flush and fsync it, give it the
right mode, then ``os.replace`` it over the target (atomic on POSIX) and fsync
the folder. An interrupted write leaves at most a stray ``.tmp`` file, never a
truncated target.

File modes (one helper, :func:`file_mode`): a replaced file keeps the mode of
the file it replaces; a new file gets ``0o666 & ~umask``, as ``open()`` would
give it. (``tempfile.mkstemp`` alone would leave every file readable by its
owner only.)

Every step that changes the disk goes through the small primitives below
(:func:`write_temp`, :func:`replace`, :func:`append`, :func:`truncate`,
:func:`remove`, :func:`fsync_dir`), so the crash tests can stop a process at
each of them. A failing write raises :class:`WriteError`: one plain line that
names the file (still an ``OSError`` for code that catches those).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(d / "a.txt") as fh:
...     _ = fh.write("hello")
>>> (d / "a.txt").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from analysis.errors import AnalysisError


class WriteError(AnalysisError, OSError):
    """A file could not be written (disk full, read-only, no permission); one line naming it."""

    def __init__(self, path: Path | str, exc: OSError):
        reason = exc.strerror or str(exc) or type(exc).__name__
        OSError.__init__(self, exc.errno, f"cannot write {path}: {reason}; nothing was changed there")
        self.path = Path(path)

    def __str__(self) -> str:
        return self.strerror or ""


def current_umask() -> int:
    """The process umask (read without changing it where /proc allows)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode(target: Path | str) -> int:
    """The mode a file written at ``target`` gets: the old file's, else ``0o666 & ~umask``."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~current_umask()


@contextlib.contextmanager
def _as_write_error(path: Path | str) -> Iterator[None]:
    try:
        yield
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(path, exc) from None


def write_temp(target: Path, data: bytes, mode: int | None = None) -> Path:
    """Write ``data`` to a new fsynced temporary file beside ``target``; return its path."""
    with _as_write_error(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fchmod(fh.fileno(), file_mode(target) if mode is None else mode)
                os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    return Path(tmp)


def replace(src: Path, dst: Path) -> None:
    """Rename ``src`` over ``dst`` (atomic), then fsync the folder so the rename is durable."""
    with _as_write_error(dst):
        os.replace(src, dst)
        fsync_dir(dst.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append(path: Path, data: bytes) -> None:
    """Append ``data`` with one write, flushed and fsynced (new file: mode as :func:`file_mode`)."""
    with _as_write_error(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, file_mode(path))
        with os.fdopen(fd, "ab") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def truncate(path: Path, size: int) -> None:
    """Cut ``path`` back to ``size`` bytes (no-op when it is already that short), fsynced."""
    with _as_write_error(path):
        if not path.exists() or path.stat().st_size <= size:
            return
        with open(path, "r+b") as fh:
            fh.truncate(size)
            fh.flush()
            os.fsync(fh.fileno())


def remove(path: Path) -> None:
    with _as_write_error(path), contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def write_file(path: Path | str, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    tmp = write_temp(path, data, mode)
    try:
        replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_write(
    path: Path | str, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO]:
    """Collect what is written to the yielded file; on success, write it to ``path`` atomically."""
    import io

    buf = io.BytesIO()
    if "b" in mode:
        yield buf
    else:
        text = io.TextIOWrapper(buf, encoding=encoding, newline=newline, write_through=True)
        yield text
        text.flush()
        text.detach()
    write_file(path, buf.getvalue())


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    write_file(path, data)


def atomic_write_text(path: Path | str, text: str) -> None:
    write_file(path, text.encode("utf-8"))


def atomic_copy(src: Path | str, dst: Path | str) -> None:
    """Copy ``src`` to ``dst`` so that ``dst`` is never partly written."""
    write_file(dst, Path(src).read_bytes())
