"""How the workbooks look and print: page setup, header rows, widths, properties.

Shared by the export (:mod:`analysis.excel.export`) and the report form
(:mod:`analysis.excel.form`), so both print the way the secretariat's own
workbooks do: A4 landscape, the header row repeated on every page, the title
in the page header and "page n of m" in the footer. The form fits one page wide;
the export's data sheets print at a fixed readable scale (:func:`print_columns`).

Everything here works on openpyxl's normal and write-only (streaming)
worksheets alike.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

PAPER_A4 = "9"  # the paperSize code of A4 in SpreadsheetML
MIN_WIDTH, MAX_WIDTH = 8, 36
# Printing the export readably. LibreOffice prints about 111 column-width units across
# an A4 landscape page at 100 % (measured). A data sheet prints at the scale that fits its
# printed columns to the page width, kept between 50 % (11 pt text prints at 5.5 pt, a
# pdftotext word box 7.15 pt high) and 55 % (6 pt, box 7.8 pt), instead of fitting any width
# to one page (which printed the widest sheets at 2-3 pt). 55 %, not more, keeps the Spanish
# export of the shipped data within 30 pages. A sheet wider than the page at 50 % prints on
# more pages across, its first (id) column repeated on each.
PAGE_UNITS = 111
MIN_SCALE, MAX_SCALE = 50, 55
MIN_WRAP = 20  # the narrowest a wrapping column gets to keep a wide sheet one page across
WRAP_WIDTH = MIN_WRAP  # columns this wide wrap (text longer than the cap wraps instead of growing)
# Trailing columns kept on screen but left out of the print area: the sources (evidence,
# section, verbatim excerpt) and notes. Every row still carries its id for a reader to look them up.
SCREEN_ONLY = ("evidence", "has_section", "section", "excerpt", "note", "section_b", "excerpt_b")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DCE6F1", end_color="DCE6F1")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGN = Alignment(wrap_text=True, vertical="top")
TOP_ALIGN = Alignment(vertical="top")
WIDTH_SAMPLE = 2000  # rows sampled to size a column (exact for the shipped data)
CHARS_PER_WIDTH = 1.2  # characters of wrapped text a unit of column width holds (measured in LibreOffice)
LINE_POINTS = 13.0  # a wrapped line of 11 pt text (LibreOffice 12.8 pt; Excel shows about 14)
# A data row shows up to 31 wrapped lines: 403 pt, within the 409 pt Excel allows a row. Longer
# text (a few data-quality notes of the shipped data at most) is cut in print and says so in
# the page footer (see print_columns); it is whole in the cell.
MAX_LINES = 31
WRAP_LOSS = 3  # characters a wrapped line loses on average where a word does not fit (about half a word)
BOLD_WIDTH = 1.1  # a bold header character is about this much wider than a plain one


def page_setup(
    ws, title: str, page_label: str, title_row: int | None = 1, landscape: bool = True, note: str = ""
) -> None:
    """A4, one page wide, ``title_row`` repeated on each page, title in the header, page n of m below.

    ``page_label`` is the footer in the workbook's language with ``{page}`` and
    ``{pages}`` placeholders (e.g. "Page {page} of {pages}"); ``note`` goes in
    the footer's left part.
    """
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = False
    if title_row:
        ws.print_title_rows = f"{title_row}:{title_row}"
    ws.oddHeader.center.text = header_text(title)
    ws.oddHeader.center.size = 9
    ws.oddFooter.right.text = page_label.replace("{page}", "&P").replace("{pages}", "&N")
    ws.oddFooter.right.size = 9
    if note:  # e.g. that long text is cut in print
        ws.oddFooter.left.text = header_text(note)
        ws.oddFooter.left.size = 9


def print_columns(ws, codes: list[str], widths: list[float], last_row: int, frame: pd.DataFrame | None = None) -> None:
    """Print ``ws`` readably: trailing screen-only columns out of the print area, a fixed readable scale.

    The print area stops before the trailing run of :data:`SCREEN_ONLY` columns
    (the verbatim excerpts and notes stay in the workbook and on screen) and of
    columns empty in ``frame``. The
    scale fits the printed columns to the page width within
    [:data:`MIN_SCALE`, :data:`MAX_SCALE`]; wider sheets go on more pages
    across with their first (id) column repeated.
    """
    n = print_count(codes, frame)
    if n < len(codes):
        ws.print_area = f"A1:{get_column_letter(n)}{max(last_row, 1)}"
    width = max(sum(widths[:n]), 1.0)
    scale = int(min(max(100 * PAGE_UNITS // width, MIN_SCALE), MAX_SCALE))
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)  # LibreOffice ignores the scale otherwise
    ws.page_setup.scale = scale
    if width * scale / 100 > PAGE_UNITS:
        ws.print_title_cols = "A:A"


def header_text(text: str) -> str:
    """``text`` safe for a page header: ``&`` is a control character there."""
    return " ".join(str(text).split()).replace("&", "&&")[:250]


def set_properties(wb, title: str, subject: str, creator: str, keywords: str = "", language: str = "") -> None:
    """Workbook properties (File > Properties): never openpyxl's defaults."""
    props = wb.properties
    props.title = title[:255]
    props.subject = subject[:255]
    props.creator = creator
    props.lastModifiedBy = creator
    props.keywords = keywords
    props.language = language
    props.description = subject[:255]


def text_width(values: pd.Series) -> int:
    """Characters needed by the longest of ``values`` (sampled), dates counted as 10."""
    sample = values.head(WIDTH_SAMPLE)
    if pd.api.types.is_datetime64_any_dtype(sample):
        return 10
    lengths = sample.dropna().astype(str).str.split("\n").str[0].str.len()
    return int(lengths.max()) if len(lengths) else 0


def column_widths(frame: pd.DataFrame, labels: list[str]) -> list[float]:
    """A width per column: the longest value or label word, within [MIN_WIDTH, MAX_WIDTH].

    On a sheet narrower than a printed page at :data:`MAX_SCALE`, the capped
    (wrapping) columns share the width left over, so long text takes fewer lines;
    on one wider than a page at :data:`MIN_SCALE`, they give up width (down to
    :data:`MIN_WRAP`) so the sheet prints one page across when it can.
    """
    out, needed = [], []
    for name, lab in zip(frame.columns, labels):
        longest_word = max((len(w) for w in str(lab).split()), default=0)
        n = max(text_width(frame[name]), longest_word, min(len(str(lab)), 10))  # the header wraps
        needed.append(float(n + 2))
        out.append(float(min(max(n + 2, MIN_WIDTH), MAX_WIDTH)))
    printed = print_count([str(c) for c in frame.columns], frame)
    wrapped = [j for j in range(printed) if needed[j] > MAX_WIDTH]
    spare = PAGE_UNITS * 100 / MAX_SCALE - sum(out[:printed])
    if wrapped and spare > 0:
        share = spare / len(wrapped)
        for j in wrapped:
            out[j] = float(int(min(out[j] + share, needed[j], 2 * PAGE_UNITS)))
    over = sum(out[:printed]) - PAGE_UNITS * 100 / MIN_SCALE
    if wrapped and over > 0:
        cut = -(-over // len(wrapped))
        for j in wrapped:
            out[j] = float(max(out[j] - cut, MIN_WRAP))
    return out


def print_count(codes: list[str], frame: pd.DataFrame | None = None) -> int:
    """How many leading columns print: all but the trailing run of :data:`SCREEN_ONLY` ones.

    Given the ``frame``, columns with nothing in them within or after that run
    are left out too (they would print only a header); an empty column before
    the run still prints, as a blank that says nothing was reported. A frame
    may name further screen-only columns in ``frame.attrs["screen_only"]`` (the
    export's translations into other languages).
    """
    screen = set(SCREEN_ONLY) | set(frame.attrs.get("screen_only", ()) if frame is not None else ())
    n = len(codes)
    while n > 1 and (codes[n - 1] in screen or (frame is not None and _blank(frame.iloc[:, n - 1]))):
        n -= 1
    while n < len(codes) and codes[n] not in screen:
        n += 1  # empty columns before the first screen-only one print
    return n


def _blank(values: pd.Series) -> bool:
    """Nothing but missing values and blank text (checked without a Python string per cell)."""
    present = values.dropna()
    if present.empty:
        return True
    if not (isinstance(present.dtype, pd.StringDtype) or present.dtype == object):
        return False
    try:
        return bool((present.astype("string[pyarrow]").str.strip() == "").all())
    except (TypeError, ValueError):
        return False


def set_widths(ws, widths: list[float]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


def label_lines(label: str, width: float) -> int:
    """Lines a (bold) header ``label`` wraps to in a column ``width`` wide, word by word."""
    per_line = max(int(width * CHARS_PER_WIDTH / BOLD_WIDTH), 1)
    lines, used = 1, 0
    for word in str(label).split():
        n = len(word)
        if used and used + 1 + n <= per_line:
            used += 1 + n
            continue
        if used:
            lines += 1
        lines += (n - 1) // per_line  # a word longer than the line breaks inside
        used = n - (n - 1) // per_line * per_line
    return lines


def header_height(labels: list[str], widths: list[float]) -> float | None:
    """The header row's height (points) when a label wraps, so wrapped labels do not overlap the rows."""
    lines = max((label_lines(lab, w) for lab, w in zip(labels, widths)), default=1)
    return lines * LINE_POINTS + 2 if lines > 1 else None


def text_lines(values: pd.Series, width: float) -> np.ndarray:
    """Lines each value takes wrapped in a column ``width`` wide (1 for a missing or non-text value).

    Vectorized with Arrow (no Python call per cell); a line holds
    :data:`CHARS_PER_WIDTH` characters per unit of width less :data:`WRAP_LOSS`.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (isinstance(values.dtype, pd.StringDtype) or pd.api.types.is_string_dtype(values.dtype)):
        return np.ones(len(values), dtype=np.int64)
    try:
        text = pa.array(values.array, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return np.ones(len(values), dtype=np.int64)
    per_line = max(int(width * CHARS_PER_WIDTH) - WRAP_LOSS, 1)
    lengths = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    breaks = pc.fill_null(pc.count_substring(text, "\n"), 0).to_numpy(zero_copy_only=False)
    return np.maximum(-(-lengths // per_line) + breaks, 1)


def cut_in_print(frame: pd.DataFrame, widths: list[float]) -> bool:
    """Whether a printed wrapping column of ``frame`` holds text longer than :data:`MAX_LINES` lines."""
    printed = print_count([str(c) for c in frame.columns], frame)
    return any(
        int(text_lines(frame.iloc[:, j], w).max(initial=1)) > MAX_LINES
        for j, w in enumerate(widths[:printed])
        if w >= WRAP_WIDTH
    )


def wrapped_columns(widths: list[float]) -> set[int]:
    """1-based columns that wrap (their text is longer than the width allows)."""
    return {j for j, w in enumerate(widths, start=1) if w >= WRAP_WIDTH}


def row_height(texts, widths: list[float], line: float = 15.0, cap: int = 12) -> float:
    """A row height (points) that shows wrapped ``texts`` in columns of ``widths`` whole, up to ``cap`` lines."""
    lines = 1
    for text, width in zip(texts, widths):
        if text is None or isinstance(text, (int, float, dt.date)):
            continue
        per_line = max(int(width * CHARS_PER_WIDTH), 1)
        n = sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))
        lines = max(lines, n)
    return line * min(lines, cap)
