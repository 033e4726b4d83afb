"""Checking an output path (``--out``, ``--errors``) before anything is written.

One helper, :func:`check_output`, used by ``export``, ``template`` and
``ingest``. It refuses, with one line (exit 1 in the CLI; exit 2 for a wrong
extension, which is a usage error), an output that:

* would overwrite one of the command's inputs, a master table, the change log,
  the meetings file or the form secret;
* is an existing folder (for a file), or an existing file (for a folder);
* is an existing file of another kind (an ``.xlsx`` that is not a workbook);
* has the wrong extension for its format (``export --out x.csv`` without
  ``--format csv``);
* sits in a folder that does not exist, or that cannot be written.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> check_output(d / "form.xlsx", ".xlsx").name
'form.xlsx'
>>> try:
...     check_output(d / "form.csv", ".xlsx", hint="for CSV files use --format csv")
... except OutputPathError as exc:
...     print(str(exc).split(": ", 1)[1])
the file name must end in .xlsx (for CSV files use --format csv)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from analysis.config import DataLayout
from analysis.errors import AnalysisError, UsageError

ZIP_MAGIC = b"PK\x03\x04"


class OutputPathError(AnalysisError):
    """An output path that must not or cannot be written; one line naming it."""

    def __init__(self, path: Path | str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = Path(path)


class OutputNameError(OutputPathError, UsageError):
    """An output whose extension does not match the asked format: a usage error (exit 2)."""


def protected_files(layout: DataLayout) -> list[Path]:
    """The files of a data folder no output may overwrite."""
    from analysis.dataset.schema import TABLE_ORDER
    from analysis.store.secret import secret_path

    tables = [layout.tables / f"{n}.csv" for n in TABLE_ORDER] if layout.tables.is_dir() else [layout.tables]
    return [*tables, layout.changelog, layout.meetings, secret_path(layout), layout.lock]


def check_output(
    path: Path | str,
    suffix: str | None,
    *,
    inputs: Iterable[Path | str] = (),
    layout: DataLayout | None = None,
    hint: str = "",
) -> Path:
    """``path`` if it may be written as an output with ``suffix`` (None: a folder); else :class:`OutputPathError`."""
    path = Path(path)
    guarded = [Path(p) for p in inputs] + (protected_files(layout) if layout else [])
    for other in guarded:
        if _same(path, other):
            raise OutputPathError(path, f"refused: writing there would overwrite {other}; choose another name")
    if suffix is not None and path.suffix.lower() != suffix:
        raise OutputNameError(path, f"the file name must end in {suffix}" + (f" ({hint})" if hint else ""))
    if layout and suffix is None and any(_same(path, p) for p in (layout.tables, layout.root)):
        raise OutputPathError(path, "refused: this is the data folder itself; choose another folder")
    _check_kind(path, suffix)
    parent = path.parent if suffix is not None or not path.exists() else path
    if not parent.is_dir():
        raise OutputPathError(path, f"the folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(path, f"the folder {parent} cannot be written (read-only or no permission)")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputPathError(path, "the file cannot be overwritten (read-only or no permission)")
    return path


def _check_kind(path: Path, suffix: str | None) -> None:
    if suffix is None:
        if path.exists() and not path.is_dir():
            raise OutputPathError(path, "this is an existing file, not a folder; choose a folder")
        return
    if path.is_dir():
        raise OutputPathError(path, "this is an existing folder; give a file name")
    if path.exists() and not path.is_file():
        raise OutputPathError(path, "this is not a regular file; choose another name")
    if path.is_file() and suffix == ".xlsx" and path.stat().st_size:
        with path.open("rb") as fh:
            if fh.read(4) != ZIP_MAGIC:
                raise OutputPathError(path, "an existing file of another kind has this name; choose another name")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False
