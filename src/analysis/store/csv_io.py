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

import csv
import datetime as dt
import io
import shutil
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
    """A text frame as CSV text in the master files' format (LF, minimal quoting).

    A field is quoted when it holds a comma, a quote, LF *or CR*: the csv
    module leaves a bare CR unquoted when the line ends in LF, and a reader
    then takes it for the end of a line (found by the property tests).
    """
    columns = columns or list(frame.columns)
    lines = [csv_line(columns)]
    for row in frame.reindex(columns=columns, fill_value="").itertuples(index=False):
        lines.append(csv_line(["" if v is None else str(v) for v in row]))
    return "".join(lines)


def csv_line(values) -> str:
    """One CSV record of text values, LF-terminated, quoted as :func:`table_csv_text` says."""
    return ",".join(_field(str(v)) for v in values) + "\n"


def _field(text: str) -> str:
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


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


def write_tables(
    folder: Path | str,
    frames: Mapping[str, pd.DataFrame],
    log_append: bytes = b"",
    log_path: Path | str | None = None,
) -> Path:
    """Replace several master tables and append to the change log, as one unit; return the backup folder.

    The current files are first copied to ``.previous/<timestamp>/`` (for
    people; recovery does not need them). The new tables and the log lines
    then go through the redo journal (:func:`analysis.store.journal.commit`):
    the master and the log are all old or all new, even after a crash. The
    caller holds :func:`analysis.store.journal.data_lock`.
    """
    from analysis.config import DataLayout
    from analysis.store import journal

    folder = Path(folder)
    backup = backup_tables(folder, list(frames))
    new = {
        folder / f"{name}.csv": table_csv_text(frame, TABLES[name].column_names).encode("utf-8")
        for name, frame in frames.items()
    }
    journal.commit(DataLayout.of(folder), new, log_append, Path(log_path) if log_path else None)
    return backup
