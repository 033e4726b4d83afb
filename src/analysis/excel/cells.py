"""Cells and sheets as the workbooks write them: real types, safe text, streamed rows.

:func:`write_sheet` streams a frame into a write-only sheet (hidden key row of
column codes, a labelled header with comments, typed rows, filters, status
colours, page setup from :mod:`analysis.excel.layout`). :func:`set_value` is the
same rule for a single cell of a normal worksheet (the report form).

Text never becomes a formula: control characters XML forbids are removed, and
text a spreadsheet would run (``=``, ``+``, ``-``, ``@``, tab, CR, LF first) is
stored as a string with Excel's quote prefix.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.excel import layout
from analysis.store.csv_io import FORMULA_PREFIXES

DATE_FORMAT = "yyyy-mm-dd"
CREATOR = "OAS General Secretariat (analysis)"
FILLS = {
    "good": PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE"),
    "warn": PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C"),
    "bad": PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
    "none": PatternFill("solid", start_color="EDEDED", end_color="EDEDED"),
}


def clean_text(text: str) -> str:
    """``text`` without the control characters XML (and so .xlsx) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_value(cell, value) -> None:
    """Put a Python/pandas value in ``cell`` with its real type; text never becomes a formula."""
    if value is None or value is pd.NA or value is pd.NaT:
        cell.value = None
        return
    if isinstance(value, float) and math.isnan(value):
        cell.value = None
        return
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        cell.value = value.date() if value.time() == dt.time() else value
        cell.number_format = DATE_FORMAT if value.time() == dt.time() else "yyyy-mm-dd hh:mm:ss"
        return
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, (bool, int, float)):
        cell.value = value
        return
    text = clean_text(str(value))
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True


def fit_widths(ws: Worksheet, cap: int = layout.MAX_WIDTH) -> None:
    """Column widths from the values of a (normal, not write-only) worksheet."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            n = 10 if isinstance(c.value, (dt.date, dt.datetime)) else len(str(c.value))
            widths[c.column] = max(widths.get(c.column, 0), n)
    for col, n in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(n + 2, 8), cap)


def colour_status(ws, ref: str, colours: dict[str, str]) -> None:
    """Conditional formatting on ``ref``: each status value (code or label) gets its fill."""
    for value, fill in colours.items():
        quoted = str(value).replace('"', '""')
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{quoted}"'], fill=FILLS[fill]))


# ---------------------------------------------------------------- streamed sheets


class StreamedWorkbook:
    """A write-only workbook whose data rows are streamed in at :meth:`save`.

    openpyxl writes each sheet's frame of fixed parts (widths, panes, page
    setup, the key row, the labelled header with its comments, filters,
    colours) plus two prototype rows whose cells carry each column's styles;
    :mod:`analysis.excel.rows` then replaces the prototypes with the frame's
    rows, made column by column with vectorized string operations. The
    openpyxl cell-by-cell path took 97 s of CPU for the 1000x synthetic data;
    see benchmarks/bench_export.py for the streamed path.
    """

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self.sheets: list[tuple[pd.DataFrame, int]] = []  # (frame, header row) in sheet order

    @property
    def properties(self):
        return self.wb.properties

    def save(self, path) -> None:
        from analysis.excel.rows import fill_rows

        self.wb.save(path)
        fill_rows(path, self.sheets)


def _header_cells(ws, labels: list[str], notes: list[str]) -> list:
    cells = []
    for lab, note in zip(labels, notes, strict=True):
        c = WriteOnlyCell(ws, clean_text(lab))
        c.font, c.fill, c.alignment = layout.HEADER_FONT, layout.HEADER_FILL, layout.HEADER_ALIGN
        if note:
            c.comment = Comment(clean_text(note), CREATOR, width=320, height=160)
        cells.append(c)
    return cells


def _holds_dates(series: pd.Series) -> bool:
    """An object column with date values in it (a small mixed sheet such as About)."""
    return series.dtype == object and any(isinstance(v, dt.date) for v in series.head(50))


def _prototype_rows(ws, frame: pd.DataFrame, wrapped: set[int], formats: dict[str, str]) -> list[list]:
    """Two rows of styled cells: each column's style, then the same with Excel's quote prefix."""
    rows: list[list] = [[], []]
    for j, name in enumerate(frame.columns):
        for quoted, row in ((False, rows[0]), (True, rows[1])):
            c = WriteOnlyCell(ws, "x")
            c.alignment = layout.WRAP_ALIGN if j in wrapped else layout.TOP_ALIGN
            if name in formats:
                c.number_format = formats[name]
            elif pd.api.types.is_datetime64_any_dtype(frame[name]) or _holds_dates(frame[name]):
                c.number_format = DATE_FORMAT
            c.quotePrefix = quoted
            row.append(c)
    return rows


def write_sheet(
    book: StreamedWorkbook,
    title: str,
    frame: pd.DataFrame,
    *,
    labels: list[str],
    notes: list[str] | None = None,
    key_row: bool = True,
    page: tuple[str, str] = ("", "Page {page} of {pages}"),
    colours: dict[str, dict[str, str]] | None = None,
    formats: dict[str, str] | None = None,
    cut_note: str = "",
) -> None:
    """Add a sheet for ``frame``: hidden key row of column codes, labelled header, then its rows.

    ``page`` is (page-header title, footer with {page}/{pages}); ``colours``
    maps a column to {value: fill name}; ``formats`` a column to a number format;
    ``cut_note`` is printed in the footer when some text is longer than a row shows.
    Everything that must precede the rows (widths, panes, page setup) is set
    first, as write-only sheets require; the rows themselves are streamed in
    when the workbook is saved.
    """
    ws = book.wb.create_sheet(title)
    codes = [str(c) for c in frame.columns]
    widths = layout.column_widths(frame, labels)
    layout.set_widths(ws, widths)
    head = 2 if key_row else 1
    ws.freeze_panes = f"A{head + 1}"
    cut = bool(cut_note) and layout.cut_in_print(frame, widths)
    layout.page_setup(ws, page[0], page[1], title_row=head, note=cut_note if cut else "")
    layout.print_columns(ws, codes, widths, head + len(frame), frame)  # readable scale; before the first row is written
    if key_row:
        ws.row_dimensions[1].hidden = True
        ws.append(codes)
    height = layout.header_height(labels, widths)
    if height:
        ws.row_dimensions[head].height = height
    ws.append(_header_cells(ws, labels, notes or [""] * len(labels)))
    for row in _prototype_rows(ws, frame, {j - 1 for j in layout.wrapped_columns(widths)}, formats or {}):
        ws.append(row)
    plain = isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1
    book.sheets.append((frame if plain else frame.reset_index(drop=True), head))  # no copy of a whole table
    last = head + len(frame)
    if codes:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(codes))}{max(last, head)}"
    for name, colour in (colours or {}).items():
        if name in codes and len(frame):
            col = get_column_letter(codes.index(name) + 1)
            colour_status(ws, f"{col}{head + 1}:{col}{last}", colour)
