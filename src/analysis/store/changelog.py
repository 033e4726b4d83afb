"""The append-only change log (``data/changelog.csv``): one line per change.

Columns: ``time`` (UTC, ISO 8601), ``submission`` (file name as received),
``submission_sha256``, ``meeting``, ``table``, ``key``, ``column``, ``old``,
``new``. A new row is logged as one line per non-empty column (old value
empty). The file is only ever appended to; each batch is written with one
``write`` call, flushed and fsynced, and a failed append is cut back.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "changelog.csv"
>>> append_changes(p, [LogEntry("2007-03-01T00:00:00Z", "f.xlsx", "ab" * 32, "2007", "actions", "X-A1", "lifecycle_status", "planned", "completed")])
1
>>> ingested_at(p, "ab" * 32)
'2007-03-01T00:00:00Z'
"""

from __future__ import annotations

import contextlib
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import pandas as pd

from analysis.errors import DataError, Problem
from analysis.store import atomic


@dataclass(frozen=True)
class LogEntry:
    time: str
    submission: str
    submission_sha256: str
    meeting: str
    table: str
    key: str
    column: str
    old: str
    new: str


COLUMNS = tuple(f.name for f in fields(LogEntry))


def log_bytes(path: Path | str, entries: list[LogEntry]) -> bytes:
    """The bytes that append ``entries`` to the log at ``path`` (with the header if the log is new or empty)."""
    from analysis.store.csv_io import csv_line

    path = Path(path)
    lines = [csv_line(COLUMNS)] if not path.exists() or path.stat().st_size == 0 else []
    lines += [csv_line(astuple(e)) for e in entries]
    return "".join(lines).encode("utf-8")


def append_changes(path: Path | str, entries: list[LogEntry]) -> int:
    """Append ``entries`` to the log (creating it with a header); return how many were written.

    One write, flushed and fsynced. If it fails (disk full), the log is cut
    back to its old size, so it never ends in a torn record. Ingest does not
    call this: it appends through the journal (:mod:`analysis.store.journal`).
    """
    path = Path(path)
    data = log_bytes(path, entries)
    if not data:
        return 0
    size = path.stat().st_size if path.exists() else 0
    try:
        atomic.append(path, data)
    except OSError:
        with contextlib.suppress(OSError):
            atomic.truncate(path, size)
        raise
    return len(entries)


def read_changelog(path: Path | str) -> pd.DataFrame:
    """The log as a text frame (empty with the columns when there is no log yet)."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(COLUMNS))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(Problem(f"the change log cannot be read: {exc}", file=str(path))) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(Problem(f"the change log lacks the column '{missing[0]}'", file=str(path)))
    return frame


def ingested_at(path: Path | str, sha256: str) -> str | None:
    """When a submission with this SHA-256 was first logged, or None."""
    log = read_changelog(path)
    hit = log[log["submission_sha256"] == sha256]
    return None if hit.empty else str(hit["time"].iloc[0])
