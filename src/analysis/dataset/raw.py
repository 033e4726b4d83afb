"""Reading the program tables as text, from a folder of CSV files or an .xlsx workbook.

Every cell is read as text, so that validation can report a bad value exactly
as it was written. Typing happens in :mod:`analysis.dataset.loading`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.dataset.schema import TABLE_ORDER
from analysis.errors import DataError, Problem


@dataclass
class RawTable:
    """One table as text, with where it came from."""

    name: str
    frame: pd.DataFrame  # every cell a str; "" for empty
    file: str
    sheet: str | None = None
    header_row: int = 1  # the row number of the header, as a person counts

    def row_number(self, index: int) -> int:
        """Row number a person sees for the frame's positional ``index``."""
        return self.header_row + 1 + index


def read_raw(path: Path | str | None = None) -> dict[str, RawTable]:
    """Read every table of a CSV folder or an .xlsx workbook as text.

    Missing tables are simply absent from the result; validation reports them.
    Raises :class:`DataError` when the path itself cannot be read.
    """
    path = Path(path) if path is not None else config.PROGRAM_DIR
    if path.is_dir():
        return _read_csv_folder(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        return _read_workbook(path)
    if not path.exists():
        raise DataError(Problem("no such file or folder", file=str(path)))
    raise DataError(Problem("expected a folder of CSV files or an .xlsx workbook", file=str(path)))


def _read_csv_folder(folder: Path) -> dict[str, RawTable]:
    out: dict[str, RawTable] = {}
    for name in TABLE_ORDER:
        file = folder / f"{name}.csv"
        if not file.exists():
            continue
        try:
            with file.open(newline="", encoding="utf-8") as fh:
                rows = list(csv.reader(fh))
        except UnicodeDecodeError as exc:
            raise DataError(Problem(f"the file is not UTF-8 text (byte {exc.start})", file=str(file))) from None
        except csv.Error as exc:
            raise DataError(Problem(f"the file is not valid CSV: {exc}", file=str(file))) from None
        out[name] = RawTable(name, _frame(rows), str(file))
    return out


def _read_workbook(path: Path) -> dict[str, RawTable]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

    from analysis.dataset.xlsx_safety import DATA_LIMITS, check_xlsx

    check_xlsx(path, DATA_LIMITS)  # bounded cost: absurd or hostile files refused before calamine reads them
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, PasswordError, XmlError, ZipError, OSError, ValueError) as exc:
        raise DataError(Problem(f"the workbook cannot be read: {exc}", file=str(path))) from None
    out: dict[str, RawTable] = {}
    for name in TABLE_ORDER:
        if name not in wb.sheet_names:
            continue
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = RawTable(name, _frame([[_cell_text(v) for v in r] for r in rows]), str(path), sheet=name)
    return out


def _cell_text(value: object) -> str:
    """Turn a typed spreadsheet cell into the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    rows = [r for r in rows]
    while rows and not any(str(c).strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        return pd.DataFrame()
    header = [str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = [(list(r) + [""] * width)[:width] for r in rows[1:]]
    extra = [r for r in rows[1:] if any(str(c).strip() for c in r[width:])]
    frame = pd.DataFrame(body, columns=header, dtype=object).fillna("")
    frame.attrs["cells_beyond_header"] = len(extra)
    return frame


def data_version(path: Path | str | None = None) -> str:
    """A short SHA-256 over the table files, stable across machines."""
    path = Path(path) if path is not None else config.PROGRAM_DIR
    h = hashlib.sha256()
    files = [path / f"{n}.csv" for n in TABLE_ORDER] if path.is_dir() else [path]
    for f in files:
        if f.exists():
            h.update(f.name.encode())
            h.update(f.read_bytes().replace(b"\r\n", b"\n"))
    return h.hexdigest()[:12]
