"""The append-only change log (``data/changelog.csv``): one line per change.

Columns: ``time`` (UTC, ISO 8601), ``submission`` (file name as received),
``submission_sha256``, ``meeting``, ``table``, ``key``, ``column``, ``old``,
``new``. A new row is logged as one line per non-empty column (old value
empty). The file is only ever opened in append mode; each batch is written
with one ``write`` call, flushed and fsynced.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "changelog.csv"
>>> append_changes(p, [LogEntry("2007-03-01T00:00:00Z", "f.xlsx", "ab" * 32, "2007", "actions", "X-A1", "lifecycle_status", "planned", "completed")])
1
>>> ingested_at(p, "ab" * 32)
'2007-03-01T00:00:00Z'
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import pandas as pd

from analysis.errors import DataError, Problem


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


def append_changes(path: Path | str, entries: list[LogEntry]) -> int:
    """Append ``entries`` to the log (creating it with a header); return how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    new_file = not path.exists() or path.stat().st_size == 0
    if new_file:
        w.writerow(COLUMNS)
    for e in entries:
        w.writerow(astuple(e))
    if not entries and not new_file:
        return 0
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
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
