"""Which data a folder holds: its version (a hash of the table files) and the files' stamps.

:func:`data_version` is what reports, manifests and the dataset cache name
the data by. :func:`file_stamps` and :func:`settled` let a caller know the
files did not change without hashing them again (git's index rule).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from analysis import config
from analysis.dataset.schema import TABLE_ORDER


def data_version(path: Path | str | None = None) -> str:
    """A short SHA-256 over the table files, stable across machines."""
    h = hashlib.sha256()
    for f in _table_files(path):
        if f.exists():
            h.update(f.name.encode())
            _hash_lf(h, f)
    return h.hexdigest()[:12]


def _table_files(path: Path | str | None) -> list[Path]:
    """The files a data version covers: each table's CSV in a folder, or the one workbook."""
    path = Path(path) if path is not None else config.PROGRAM_DIR
    return [path / f"{n}.csv" for n in TABLE_ORDER] if path.is_dir() else [path]


def _hash_lf(h, file: Path, block: int = 1 << 22) -> None:
    """Feed ``file`` to ``h`` with CRLF read as LF, a block at a time (no copy of the whole file)."""
    carry = b""
    with file.open("rb") as fh:
        while chunk := fh.read(block):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            chunk = chunk[:-1] if carry else chunk
            # `in` is a memchr; replace() would scan again, slower, to find nothing in an LF-only file.
            h.update(chunk.replace(b"\r\n", b"\n") if b"\r" in chunk else chunk)
    h.update(carry)


RACY_NS = 2_000_000_000  # a file written this close to its stamp may change again without a new stamp


def file_stamps(path: Path | str | None = None) -> tuple:
    """When they were taken, and each table file's size, modification and change times and inode.

    Writing a file changes its stamp, so equal stamps mean unchanged content,
    except within one tick of the coarse clock the kernel stamps writes with:
    see :func:`unchanged_since`.
    """
    taken = time.time_ns()
    stamps = []
    for f in _table_files(path):
        try:
            st = f.stat()
        except FileNotFoundError:
            stamps.append((f.name, None))
            continue
        stamps.append((f.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return taken, tuple(stamps)


def unchanged_since(path: Path | str | None, stamps: tuple, version: str) -> bool:
    """Whether the table files still hold the data of ``version``, stamped ``stamps`` before it was hashed.

    Equal stamps suffice unless a file was written within :data:`RACY_NS` of
    the stamps being taken (git's "racy" rule): then the files are hashed again.
    """
    taken, before = stamps
    if file_stamps(path)[1] != before:
        return False
    if settled(stamps):
        return True
    return data_version(path) == version


def settled(stamps: tuple) -> bool:
    """Whether no file was written within :data:`RACY_NS` before ``stamps`` were taken: equal stamps later
    then mean equal content."""
    taken, files = stamps
    return all(s[1] is None or taken - max(s[2], s[3]) > RACY_NS for s in files)
