"""Data rows streamed into a saved workbook, made column by column.

openpyxl's write-only mode still builds one cell object per value (about
10 µs each), so the 1000x synthetic export spent most of its time there.
Here each column becomes its SpreadsheetML in a few vectorized pandas string
operations, and the rows are written into the sheet's XML in chunks.

:class:`analysis.excel.cells.StreamedWorkbook` saves the fixed parts of every
sheet with openpyxl, including two prototype rows under the header whose cells
carry each column's styles (normal, and with the quote prefix). :func:`fill_rows`
reads the style ids of those cells, then replaces the two prototype rows with
the frame's rows:

* text: inline strings, XML-escaped, without the control characters XML
  forbids; text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
  tab, CR, LF first) gets the quote-prefix style, so it stays text;
* numbers as numbers, booleans as booleans, dates as Excel serial dates with
  a date format; a missing value is an empty cell;
* rows holding wrapped text get a height that shows it (up to 12 lines); the
  screen-only columns left out of the print area (excerpts, notes) do not count.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from analysis.excel.layout import CHARS_PER_WIDTH, SCREEN_ONLY, WRAP_WIDTH
from analysis.store.csv_io import FORMULA_PREFIXES

CHUNK = 20_000  # rows made and written at a time
EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (1900 date system)
LINE_POINTS = 13.0  # a wrapped line of 11 pt text (LibreOffice 12.8 pt; Excel shows about 14)
MAX_LINES = 12
_ROW_RE = r'<row r="{n}"[^>]*>(.*?)</row>'
_CELL_STYLE_RE = re.compile(r'<c r="[A-Z]+\d+"(?: s="(\d+)")?')
_WORKSHEET_RE = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cells(values: list, refs: list[str], style: str, quoted_style: str) -> list[str]:
    texts = ["" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v) for v in values]
    if ILLEGAL_CHARACTERS_RE.search("".join(texts)):  # rare: clean only when some value needs it
        texts = [ILLEGAL_CHARACTERS_RE.sub("", t) for t in texts]
    return [
        f'<c r="{r}" s="{quoted_style if t.startswith(FORMULA_PREFIXES) else style}" t="inlineStr">'
        f'<is><t xml:space="preserve">{_escape(t)}</t></is></c>'
        if t
        else ""
        for t, r in zip(texts, refs, strict=True)
    ]


def _value_cells(values: list, refs: list[str], style: str, kind: str = "n") -> list[str]:
    return [
        "" if v is None else f'<c r="{r}" s="{style}" t="{kind}"><v>{v}</v></c>'
        for v, r in zip(values, refs, strict=True)
    ]


def column_xml(series: pd.Series, refs: list[str], style: str, quoted_style: str) -> list[str]:
    """The ``<c>`` element of each value of ``series`` ("" for a missing value)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        days = ((series - EPOCH) / pd.Timedelta(days=1)).round(8).to_numpy(dtype="float64", na_value=np.nan)
        serial = [None if d != d else (str(int(d)) if d.is_integer() else repr(d)) for d in days.tolist()]
        return _value_cells(serial, refs, style)
    if pd.api.types.is_bool_dtype(series):
        flags = [None if v is None or v is pd.NA else ("1" if v else "0") for v in series.astype(object).tolist()]
        return _value_cells(flags, refs, style, "b")
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan).tolist()
        shown = [
            None if not math.isfinite(v) else (str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v))
            for v in numbers
        ]
        return _value_cells(shown, refs, style)
    values = series.tolist()
    if any(not isinstance(v, str) and v is not None and v is not pd.NA for v in values):
        return [_typed_cell(v, r, style, quoted_style) for v, r in zip(values, refs, strict=True)]
    return _text_cells(values, refs, style, quoted_style)


def _typed_cell(value, ref: str, style: str, quoted_style: str) -> str:
    """One cell of a column of mixed types (small sheets such as About): each value keeps its type."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return _value_cells(["1" if value else "0"], [ref], style, "b")[0]
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        return _value_cells([repr(round((stamp - EPOCH) / pd.Timedelta(days=1), 8))], [ref], style)[0]
    if isinstance(value, (int, float)):
        return _value_cells([repr(value)], [ref], style)[0]
    return _text_cells([value], [ref], style, quoted_style)[0]


def _line_counts(values: list, width: float) -> np.ndarray:
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    lengths = np.array([len(v) if isinstance(v, str) else 0 for v in values])
    breaks = np.array([v.count("\n") if isinstance(v, str) else 0 for v in values])
    return np.clip(-(-lengths // per_line) + breaks, 1, MAX_LINES)


def rows_xml(
    frame: pd.DataFrame, first_row: int, styles: list[tuple[str, str]], wrapped: dict[int, float]
) -> Iterator[str]:
    """SpreadsheetML ``<row>`` elements for ``frame`` from row ``first_row``, in chunks.

    ``styles`` holds each column's (style id, quote-prefix style id);
    ``wrapped`` maps a wrapping column's position to its width.
    """
    letters = [get_column_letter(j + 1) for j in range(len(frame.columns))]
    for start in range(0, len(frame), CHUNK):
        part = frame.iloc[start : start + CHUNK]
        numbers = [str(n) for n in range(first_row + start, first_row + start + len(part))]
        cells = [
            column_xml(part.iloc[:, j], [letter + n for n in numbers], *styles[j]) for j, letter in enumerate(letters)
        ]
        heights = [""] * len(part)
        if wrapped:
            lines = np.max([_line_counts(part.iloc[:, j].tolist(), w) for j, w in wrapped.items()], axis=0)
            heights = [f' ht="{n * LINE_POINTS}" customHeight="1"' if n > 1 else "" for n in lines.tolist()]
        yield "".join(
            f'<row r="{n}"{h}>{"".join(row)}</row>' for n, h, row in zip(numbers, heights, zip(*cells), strict=True)
        )


def _split_prototypes(xml: str, head: int) -> tuple[str, list[tuple[str, str]], str]:
    """The sheet XML before and after the two prototype rows, and each column's two style ids."""
    first = re.search(_ROW_RE.format(n=head + 1), xml, re.S)
    second = re.search(_ROW_RE.format(n=head + 2), xml, re.S)
    if first is None or second is None:
        raise RuntimeError(f"prototype rows {head + 1}-{head + 2} not found in the sheet written by openpyxl")
    normal = [m.group(1) or "0" for m in _CELL_STYLE_RE.finditer(first.group(1))]
    quoted = [m.group(1) or "0" for m in _CELL_STYLE_RE.finditer(second.group(1))]
    return xml[: first.start()], list(zip(normal, quoted, strict=True)), xml[second.end() :]


def _widths(xml: str) -> dict[int, float]:
    out = {}
    for m in re.finditer(r'<col width="([\d.]+)"[^>]*min="(\d+)" max="(\d+)"', xml):
        for j in range(int(m.group(2)), int(m.group(3)) + 1):
            out[j - 1] = float(m.group(1))
    return out


def fill_rows(path: Path | str, sheets: list[tuple[pd.DataFrame, int]], wrap_width: float = WRAP_WIDTH) -> None:
    """Replace the prototype rows of each sheet of the workbook at ``path`` with its frame's rows."""
    path = Path(path)
    tmp = path.with_name(path.name + ".rows")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            m = _WORKSHEET_RE.fullmatch(info.filename)
            if m is None or int(m.group(1)) > len(sheets):
                dst.writestr(info, src.read(info.filename))
                continue
            frame, head = sheets[int(m.group(1)) - 1]
            xml = src.read(info.filename).decode("utf-8")
            before, styles, after = _split_prototypes(xml, head)
            names = [str(c) for c in frame.columns]
            # row heights follow the printed columns: screen-only excerpts and notes wrap within them
            wrapped = {
                j: w
                for j, w in _widths(before).items()
                if w >= wrap_width and j < len(names) and names[j] not in SCREEN_ONLY
            }
            with dst.open(info.filename, "w", force_zip64=True) as out:
                out.write(before.encode("utf-8"))
                for chunk in rows_xml(frame, head + 1, styles, wrapped):
                    out.write(chunk.encode("utf-8"))
                out.write(after.encode("utf-8"))
    os.chmod(tmp, path.stat().st_mode & 0o7777)
    os.replace(tmp, path)
