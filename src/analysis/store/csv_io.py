"""Writing CSV files: the master tables (atomically, with a backup) and exports.

Two kinds of CSV, two rules:

* **Master tables** (``data/program/<table>.csv``) are data this tool reads
  back. They are written exactly as the text the loader reads (no OWASP
  prefix: a description that starts with ``=`` stays ``=...``, because a
  prefix would corrupt the data). They are protected instead by never being
  opened in a spreadsheet by the tool and by the ``export`` command, which is
  what people open.
* **Exported CSVs** meant for spreadsheets go through :func:`spreadsheet_safe`:
  a text cell starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF gets a
  leading ``'`` (OWASP "CSV injection"), while real numbers stay numbers.

>>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> spreadsheet_safe(-5), spreadsheet_safe("plain")
(-5, 'plain')
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analysis.dataset.schema import TABLES
from analysis.store.atomic import atomic_write_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
BACKUP_DIR = ".previous"


def spreadsheet_safe(value):
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table_csv_text(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A text frame as CSV text in the master files' format (LF, minimal quoting)."""
    columns = columns or list(frame.columns)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in frame.reindex(columns=columns, fill_value="").itertuples(index=False):
        w.writerow(["" if v is None else str(v) for v in row])
    return buf.getvalue()


def export_csv(frame: pd.DataFrame, path: Path | str) -> None:
    """Write a typed frame as a CSV for spreadsheets: formula-like text prefixed, atomically."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([spreadsheet_safe(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        w.writerow([_export_cell(v) for v in row])
    atomic_write_text(path, "\ufeff" + buf.getvalue())  # BOM: Excel then reads UTF-8


def _export_cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    return spreadsheet_safe(str(value))


def backup_tables(folder: Path, names: list[str], stamp: str | None = None) -> Path:
    """Copy the current ``<name>.csv`` files to ``folder/.previous/<stamp>/``; return that folder."""
    stamp = stamp or dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = folder / BACKUP_DIR / stamp
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = folder / f"{name}.csv"
        if src.exists():
            shutil.copy2(src, dest / src.name)
    return dest


def write_tables(folder: Path | str, frames: Mapping[str, pd.DataFrame]) -> Path:
    """Replace several master tables as one unit; return the backup folder.

    The current files are first copied to ``.previous/<timestamp>/``. All new
    files are then written to temporary files next to their targets (flushed
    and fsynced) and only then renamed over them. If anything fails before or
    during the renames, the files already replaced are restored from the
    backup, so the master is either all old or all new.
    """
    folder = Path(folder)
    names = list(frames)
    backup = backup_tables(folder, names)
    staged: list[tuple[Path, Path]] = []
    try:
        for name in names:
            target = folder / f"{name}.csv"
            text = table_csv_text(frames[name], TABLES[name].column_names)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((Path(tmp), target))
        done: list[Path] = []
        try:
            for tmp, target in staged:
                os.replace(tmp, target)
                done.append(target)
        except BaseException:
            for target in done:
                saved = backup / target.name
                if saved.exists():
                    shutil.copyfile(saved, target)
            raise
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return backup
