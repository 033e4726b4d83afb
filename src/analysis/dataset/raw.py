"""Reading the program tables as text, from a folder of CSV files or an .xlsx workbook.

Every cell is read as text, so that validation can report a bad value exactly
as it was written. Typing happens in :mod:`analysis.dataset.loading`.

The text columns are Arrow-backed strings (``string[pyarrow]``): a third of
the memory of Python ``str`` objects, and vectorized string operations; each
is one contiguous Arrow array (taking rows from a column of many chunks copies
the whole column first). With ``compact=True`` (what :func:`load_dataset`
asks), the repeated texts of :data:`~analysis.dataset.categories.CATEGORICAL_TEXT`
are dictionary-encoded as Arrow parses them and become categoricals: each
distinct text is held once. A well-formed CSV is parsed by Arrow's reader (one
thread: on two shared cores its worker threads cost more CPU than they save);
anything it refuses (ragged rows, blank lines, bad UTF-8) is read again by the
``csv`` module, which reports the problem exactly as before.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.dataset.categories import CATEGORICAL_TEXT, TEXT, categorical_text, repeated
from analysis.dataset.schema import TABLE_ORDER
from analysis.errors import DataError, Problem

_SAVE_AS = "save it from Excel as 'CSV UTF-8 (Comma delimited)' and try again"

# A hidden sheet of the Excel export (analysis.excel.export): for each table sheet, how
# many rows of translated labels sit between the key row (the column codes, row 1) and the data.
LAYOUT_SHEET = "_layout"


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


def read_raw(
    path: Path | str | None = None, *, compact: bool = False, stop: Callable[[], bool] | None = None
) -> dict[str, RawTable] | None:
    """Read every table of a CSV folder or an .xlsx workbook as text.

    Missing tables are simply absent from the result; validation reports them.
    Raises :class:`DataError` when the path itself cannot be read. ``compact``
    reads the columns of :data:`CATEGORICAL_TEXT` of a CSV folder as
    categoricals (the same texts, each distinct one held once). ``stop``,
    asked before each file of a folder, ends the reading early: None is returned.
    """
    path = Path(path) if path is not None else config.PROGRAM_DIR
    if path.is_dir():
        return _read_csv_folder(path, CATEGORICAL_TEXT if compact else frozenset(), stop)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        return _read_workbook(path)
    if not path.exists():
        raise DataError(Problem("no such file or folder", file=str(path)))
    raise DataError(Problem("expected a folder of CSV files or an .xlsx workbook", file=str(path)))


def _read_csv_folder(
    folder: Path, categorical: frozenset[str], stop: Callable[[], bool] | None = None
) -> dict[str, RawTable] | None:
    out: dict[str, RawTable] = {}
    for name in TABLE_ORDER:
        if stop is not None and stop():
            return None
        file = folder / f"{name}.csv"
        if file.exists():
            out[name] = RawTable(name, read_csv_text(file, categorical), str(file))
    return out


def read_csv_text(file: Path, categorical: frozenset[str] = frozenset()) -> pd.DataFrame:
    """One CSV file as a frame of text (header stripped, trailing empty rows dropped).

    The columns named in ``categorical`` are categoricals when Arrow parses the file.
    """
    frame = _arrow_csv(file, categorical)
    if frame is not None:
        return frame
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            Problem(
                f"the file is not UTF-8 text (byte {exc.start}; it may be Latin-1 or Windows-1252): {_SAVE_AS}",
                file=str(file),
            )
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataError(Problem(f"the file is not valid CSV: {exc}", file=str(file))) from None
    return _frame(rows)


def _arrow_csv(file: Path, categorical: frozenset[str] = frozenset()) -> pd.DataFrame | None:
    """Parse with Arrow when the file is plain, rectangular UTF-8 CSV; None to fall back."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if file.stat().st_size < 4096 and not file.read_bytes().strip():
        return None
    encoded = _header_positions(file, categorical) if categorical else set()
    try:
        table = pacsv.read_csv(
            file,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 22, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={  # large_string is what pandas keeps: no copy
                    f"f{i}": pa.dictionary(pa.int32(), pa.large_string()) if i in encoded else pa.large_string()
                    for i in range(1024)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    header = [str(v).strip() for v in table.slice(0, 1).to_pylist()[0].values()]
    if not header or header[-1] == "" or table.num_columns >= 1024:
        return None  # trailing empty header cells: the csv path trims them
    body = table.slice(1)
    del table
    columns = []
    for name in header:
        col, body = body.column(0), body.remove_column(0)  # each column's parsed chunks freed once copied
        if pa.types.is_dictionary(col.type) and name in categorical and repeated(col):
            values = categorical_text(col)
        else:  # one contiguous array: taking rows from a chunked one copies the whole column first
            chunks = col.chunks
            del col
            values = pd.arrays.ArrowStringArray(pa.chunked_array([one_array(chunks)], pa.large_string()))
        columns.append(pd.Series(values))
        pa.default_memory_pool().release_unused()
    frame = pd.concat(columns, axis=1, keys=header)
    frame.columns = header
    keep = len(frame)
    while keep and all(str(v).strip() == "" for v in frame.iloc[keep - 1]):
        keep -= 1  # trailing rows of empty cells (",,,," from a spreadsheet) are not rows
    if keep < len(frame):
        frame = frame.iloc[:keep].reset_index(drop=True)
    frame.attrs["cells_beyond_header"] = 0
    pa.default_memory_pool().release_unused()  # the parser's buffers, so that the next file reuses less
    return frame


def one_array(chunks: list):
    """Text chunks (plain or dictionary-encoded, no nulls) as one ``pa.LargeStringArray``.

    Each chunk is copied into place and let go at once (``chunks`` is emptied),
    so the column is held about once, not twice as by ``combine_chunks``: at 1M
    rows of different notes that is 130 MB less at the reader's peak.
    """
    import pyarrow as pa

    if any(c.null_count for c in chunks):
        return pa.chunked_array(chunks).cast(pa.large_string()).combine_chunks()
    rows = sum(len(c) for c in chunks)
    size = sum(_text_bytes(c) for c in chunks)
    offsets, data = np.empty(rows + 1, dtype=np.int64), np.empty(size, dtype=np.uint8)
    offsets[0], row, pos = 0, 0, 0
    while chunks:
        chunk = chunks.pop(0)
        text = chunk if chunk.type == pa.large_string() else chunk.cast(pa.large_string())
        del chunk
        ends = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset : text.offset + len(text) + 1]
        n, first = len(text), int(ends[0])
        data[pos : pos + int(ends[-1]) - first] = np.frombuffer(text.buffers()[2], dtype=np.uint8)[first : ends[-1]]
        offsets[row + 1 : row + n + 1] = ends[1:] - first + pos
        row, pos = row + n, pos + int(ends[-1]) - first
        del text, ends
    return pa.LargeStringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data))


def _text_bytes(chunk) -> int:
    """Bytes of text in a chunk, without decoding a dictionary-encoded one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(chunk.type):
        lengths = pc.binary_length(chunk.dictionary)
        return int(pc.sum(pc.take(lengths, chunk.indices)).as_py() or 0)
    return int(pc.sum(pc.binary_length(chunk)).as_py() or 0)


def _header_positions(file: Path, names: frozenset[str]) -> set[int]:
    """Positions of the columns called ``names`` in the file's header row (none when it cannot be told)."""
    with file.open("rb") as fh:
        head = fh.read(1 << 16)
    try:
        first = next(csv.reader(io.StringIO(head.decode("utf-8-sig"), newline="")), [])
    except (UnicodeDecodeError, csv.Error):
        return set()
    return {i for i, name in enumerate(first) if name.strip() in names}


def _read_workbook(path: Path) -> dict[str, RawTable]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

    from analysis.dataset.xlsx_safety import DATA_LIMITS, check_xlsx

    check_xlsx(path, DATA_LIMITS)  # bounded cost: absurd or hostile files refused before calamine reads them
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, PasswordError, XmlError, ZipError, OSError, ValueError) as exc:
        raise DataError(Problem(f"the workbook cannot be read: {exc}", file=str(path))) from None
    out: dict[str, RawTable] = {}
    labels = _label_rows(wb)
    for name in TABLE_ORDER:
        if name not in wb.sheet_names:
            continue
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        skip = labels.get(name, 0)  # the export's labelled header rows under the key row
        rows = rows[:1] + rows[1 + skip :]
        out[name] = RawTable(name, _sheet_frame(rows), str(path), sheet=name, header_row=1 + skip)
    return out


def _label_rows(wb) -> dict[str, int]:
    """Table -> number of label rows under its key row, from the export's :data:`LAYOUT_SHEET`."""
    if LAYOUT_SHEET not in wb.sheet_names:
        return {}
    rows = wb.get_sheet_by_name(LAYOUT_SHEET).to_python()
    return {str(r[0]): int(r[1]) for r in rows[1:] if len(r) > 1 and isinstance(r[1], (int, float)) and 0 <= r[1] < 10}


def _sheet_frame(rows: list[list]) -> pd.DataFrame:
    """A sheet's typed cells as text, converted column by column (not cell by cell)."""
    end = len(rows)
    while end and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[end - 1]):
        end -= 1  # trailing empty rows are not rows
    if not end:
        return pd.DataFrame()
    header = [_cell_text(v).strip() for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = rows[1:end]
    if any(len(r) != len(rows[0]) for r in body):
        body = [(list(r) + [None] * width)[: max(width, len(r))] for r in body]
    extra = sum(1 for r in body if any(_cell_text(v).strip() for v in r[width:])) if len(rows[0]) > width else 0
    columns = list(zip(*body, strict=True)) if body else [()] * width
    frame = pd.concat([pd.Series(_column_text(col)) for col in columns[:width]], axis=1, keys=header)
    frame.columns = header
    frame.attrs["cells_beyond_header"] = extra
    return frame


def _column_text(values: tuple) -> pd.arrays.ArrowStringArray:
    """Text of one column of spreadsheet cells, as a CSV would hold it (see :func:`_cell_text`)."""
    import pyarrow as pa

    try:
        return pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(values, type=pa.large_string())]))
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass  # numbers, dates or booleans among the text: convert those cells only
    cells = pd.Series(values, dtype=object)
    kinds = cells.map(type)
    texts = cells.where(kinds.isin([str]).to_numpy(), "")
    floats = kinds.isin([float]).to_numpy()
    if floats.any():  # the usual non-text cells: numbers, converted as a block
        f = cells[floats].to_numpy(dtype=float)
        whole = np.isfinite(f) & (f == np.floor(f)) & (np.abs(f) < 1e15)
        texts[np.flatnonzero(floats)[whole]] = f[whole].astype(np.int64).astype(str)
        floats[np.flatnonzero(floats)[whole]] = False
    rest = ~kinds.isin([str, type(None)]).to_numpy() & (floats | ~kinds.isin([float]).to_numpy())
    if rest.any():  # fractions, dates, booleans, integers: a cell at a time, exactly as _cell_text says
        texts[rest] = [_cell_text(v) for v in cells[rest]]
    return pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(texts.tolist(), type=pa.large_string())]))


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
    return _grid_frame(pd.DataFrame(rows, dtype=object))


def _grid_frame(grid: pd.DataFrame) -> pd.DataFrame:
    """Header, body and overflow of a grid of text cells (ragged rows padded with None)."""
    grid = grid.fillna("")
    blank = (grid.apply(lambda s: s.astype(str).str.strip()) == "").all(axis=1) if len(grid) else grid
    last = int(blank[~blank].index.max()) + 1 if len(grid) and (~blank).any() else 0
    if last == 0:
        return pd.DataFrame()
    grid = grid.iloc[:last]
    header = [str(h).strip() for h in grid.iloc[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    beyond = grid.iloc[1:, width:]
    extra = int((beyond.apply(lambda s: s.astype(str).str.strip()) != "").any(axis=1).sum()) if beyond.size else 0
    frame = grid.iloc[1:, :width].reset_index(drop=True).astype(str)
    frame.columns = header
    frame = frame.astype(TEXT)
    frame.attrs["cells_beyond_header"] = extra
    return frame
