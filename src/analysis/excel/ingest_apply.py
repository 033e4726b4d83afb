"""Ingest, step 5: applying a checked plan, or writing the error report.

Applying archives the form byte for byte, then replaces the changed master
tables and appends the log lines as one journaled commit
(:func:`analysis.store.csv_io.write_tables`), under the data folder's lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

from analysis.config import DataLayout
from analysis.excel.ingest_read import Marked
from analysis.store.atomic import WriteError, atomic_copy, atomic_write_bytes
from analysis.store.changelog import LogEntry, log_bytes
from analysis.store.csv_io import write_tables
from analysis.store.journal import data_lock


@contextlib.contextmanager
def ingest_lock(folder: Path) -> Iterator[Path]:
    """Hold the write lock of the data folder whose tables are ``folder`` (see :func:`data_lock`)."""
    with data_lock(DataLayout.of(folder)) as lock:
        yield lock


def safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "submission.xlsx"
    return stem[:80]


def archive(path: Path, sha: str, submissions: Path, meeting: str) -> Path:
    """Keep the form byte for byte as ``submissions/<meeting>/<sha256>-<name>``; return where."""
    dest = submissions / safe_name(meeting) / f"{sha}-{safe_name(path.name)}"
    if not dest.exists():
        atomic_copy(path, dest)
    return dest


def apply_plan(data_path: Path, plan, path: Path, sha: str, meeting: str, changelog: Path) -> Path:
    """Write the plan's tables and its log lines as one commit; return the backup folder."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    entries = [LogEntry(now, path.name, sha, meeting, c.table, c.key, c.column, c.old, c.new) for c in plan.changes]
    return write_tables(data_path, plan.tables, log_bytes(changelog, entries), changelog)


def write_error_report(wb, path: Path, marked: list[Marked], errors_path: Path | str | None) -> Path | None:
    """A copy of the form with each offending cell filled red and commented.

    None when the default report (next to the form) cannot be written; an
    explicit ``errors_path`` was checked before (:func:`analysis.store.outputs.check_output`).
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    out = Path(errors_path) if errors_path else path.with_name(path.stem + ".errors.xlsx")
    fill = PatternFill("solid", start_color="FF9999", end_color="FF9999")
    for m in marked:
        if m.sheet in wb.sheetnames and m.row and m.col:
            cell = wb[m.sheet].cell(row=m.row, column=m.col)
            cell.fill = fill
            note = m.problem.message if cell.comment is None else cell.comment.text + "\n" + m.problem.message
            cell.comment = Comment(note[:2000], "analysis ingest")
    buf = io.BytesIO()
    wb.save(buf)
    try:
        atomic_write_bytes(out, buf.getvalue())
    except WriteError:
        if errors_path:
            raise
        return None
    return out
