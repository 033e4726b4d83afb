"""A redo journal for writing several master files as one unit (SQLite's atomic commit, redo style).

One commit replaces some master tables and appends lines to the change log.
It goes in four steps (see ``docs/follow-up.md``):

1. **Stage.** The new tables and the log lines are written to the journal
   folder (:attr:`analysis.config.DataLayout.journal`), each fsynced.
2. **Commit.** One file, ``commit.json``, is written atomically (temporary
   file, fsync, rename, fsync of the folder). It names every staged file with
   its SHA-256, and the change log's size before the append. Its presence is
   the commit point: before it, the commit never happened; after it, it did.
3. **Apply.** Each table is copied over its target atomically; the log is cut
   back to its recorded size (dropping a torn tail) and the lines appended.
   Every step can be repeated, so a crash here is finished by the next run.
4. **Clean up.** ``commit.json`` is removed first, then the staged files.

:func:`recover` runs before anything reads or writes the data: with a
``commit.json``, it rolls the commit forward (apply, clean up); without one,
it discards whatever was staged. The master and the log are therefore all old
or all new, and the log always matches the master.

The journal, the lock and the data are one folder's business; the lock
(:func:`data_lock`) keeps two writers apart, with ``filelock``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from analysis.common.hashing import sha256_bytes
from analysis.config import DataLayout
from analysis.errors import AnalysisError
from analysis.store import atomic

MARKER = "commit.json"
LOG_STAGED = "changelog.append"


class DataBusy(AnalysisError):
    """Another process is writing this data folder."""


class JournalError(AnalysisError):
    """A committed journal cannot be applied (a staged file is missing or damaged)."""


@contextlib.contextmanager
def data_lock(layout: DataLayout, timeout: float = 0) -> Iterator[Path]:
    """Hold the data folder's write lock (``DataLayout.lock``); refuse if it is still held after ``timeout`` s."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(layout.lock), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise DataBusy(
            f"another command is writing this data (lock {layout.lock} is held); wait for it to finish and try again"
        ) from None
    except OSError as exc:  # read-only data folder, no permission
        raise atomic.WriteError(layout.lock, exc) from None
    try:
        yield layout.lock
    finally:
        lock.release()


def commit(
    layout: DataLayout, tables: Mapping[Path, bytes], log_append: bytes = b"", log_path: Path | None = None
) -> None:
    """Replace the files ``tables`` (path -> new bytes) and append ``log_append`` to the log, as one unit.

    The caller holds :func:`data_lock`. Paths are stored relative to
    ``layout.root`` so a data folder can be moved between crash and recovery.
    ``log_path`` defaults to the layout's change log.
    """
    journal = layout.journal
    log_path = Path(log_path) if log_path is not None else layout.changelog
    recover(layout)
    journal.mkdir(parents=True, exist_ok=True)
    files = []
    for i, (target, data) in enumerate(tables.items()):
        staged = journal / f"{i:02d}-{Path(target).name}"
        atomic.write_file(staged, data)
        files.append({"staged": staged.name, "target": _rel(layout, target), "sha256": sha256_bytes(data)})
    log = {"target": _rel(layout, log_path), "size_before": _size(log_path)}
    if log_append:
        atomic.write_file(journal / LOG_STAGED, log_append)
        log.update({"staged": LOG_STAGED, "sha256": sha256_bytes(log_append)})
    marker = {"files": files, "log": log}
    body = json.dumps(marker, sort_keys=True)
    atomic.write_file(journal / MARKER, json.dumps({"commit": marker, "sha256": sha256_bytes(body.encode())}).encode())
    _apply(layout, marker)
    _discard(journal)


def recover(layout: DataLayout) -> str | None:
    """Finish or undo an interrupted commit; return 'rolled forward', 'discarded' or None (nothing to do)."""
    journal = layout.journal
    if not journal.is_dir():
        return None
    marker = _read_marker(journal)
    if marker is not None:
        _apply(layout, marker)
    _discard(journal)
    _remove_stray_temporaries(layout)
    return "discarded" if marker is None else "rolled forward"


def pending(layout: DataLayout) -> bool:
    """True when an interrupted commit waits in the journal folder."""
    return layout.journal.is_dir()


def recover_pending(data_path: Path | str | None = None, wait: float = 30) -> str | None:
    """What every command that touches a data folder does first: finish or undo an interrupted commit.

    Cheap when there is nothing to do (one ``stat``); otherwise it takes the
    lock (waiting up to ``wait`` s for a writer to finish) and calls :func:`recover`.
    """
    layout = DataLayout.of(data_path)
    if not layout.tables.is_dir() or not pending(layout):
        return None
    with data_lock(layout, timeout=wait):
        return recover(layout)


def _read_marker(journal: Path) -> dict | None:
    path = journal / MARKER
    if not path.exists():
        return None
    try:
        outer = json.loads(path.read_bytes())
        marker = outer["commit"]
        ok = sha256_bytes(json.dumps(marker, sort_keys=True).encode()) == outer["sha256"]
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:  # written by rename, so never torn; a damaged one was not written by this module
        raise JournalError(f"the commit record {path} is damaged; restore the data folder from its backup")
    return marker


def _apply(layout: DataLayout, marker: dict) -> None:
    journal = layout.journal
    for entry in marker["files"]:
        target = layout.root / entry["target"]
        data = _staged(journal / entry["staged"], entry["sha256"])
        if not target.exists() or sha256_bytes(target.read_bytes()) != entry["sha256"]:
            atomic.write_file(target, data)
    log = marker["log"]
    target = layout.root / log["target"]
    if "staged" in log:
        data = _staged(journal / log["staged"], log["sha256"])
        atomic.truncate(target, log["size_before"])
        atomic.append(target, data)


def _staged(path: Path, sha256: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    if sha256_bytes(data) != sha256:
        raise JournalError(f"the staged file {path} is missing or damaged; restore the data folder from its backup")
    return data


def _discard(journal: Path) -> None:
    """Remove the journal: the marker first (the commit is then over), then the rest."""
    if not journal.exists():
        return
    atomic.remove(journal / MARKER)
    for path in sorted(journal.iterdir()):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            atomic.remove(path)
    with contextlib.suppress(OSError):
        os.rmdir(journal)


def _remove_stray_temporaries(layout: DataLayout) -> None:
    """Temporary files a crashed atomic write left beside the tables (under the lock, none is in use)."""
    if layout.tables.is_dir():
        for tmp in layout.tables.glob(".*.csv.*.tmp"):
            atomic.remove(tmp)


def _rel(layout: DataLayout, path: Path | str) -> str:
    return os.path.relpath(Path(path).resolve(), layout.root.resolve())


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
