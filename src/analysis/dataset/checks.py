"""Helpers shared by the validation modules: stripped text columns and located problems."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.dataset.categories import categories_text, decoded, is_categorical, recoded
from analysis.dataset.raw import TEXT, RawTable
from analysis.errors import Problem

# Stripped columns, kept only for the duration of one validation (see ``stripped_columns``).
_STRIPPED: dict[tuple[int, str], tuple[pd.DataFrame, pd.Series]] = {}
_ACTIVE = [0]


@contextmanager
def stripped_columns() -> Iterator[None]:
    """Within this block, :func:`text` strips each column once; the copies are dropped after."""
    _ACTIVE[0] += 1
    try:
        yield
    finally:
        _ACTIVE[0] -= 1
        if not _ACTIVE[0]:
            _STRIPPED.clear()


def text(t: RawTable, column: str) -> pd.Series | None:
    """Column ``column`` of ``t`` as stripped Arrow text with positional index; None if absent or doubled."""
    hit = _STRIPPED.get((id(t.frame), column))
    if hit is not None and hit[0] is t.frame:
        return hit[1]
    if column not in t.frame.columns or isinstance(t.frame[column], pd.DataFrame):
        return None
    s = stripped(t.frame[column])
    if _ACTIVE[0]:
        _STRIPPED[(id(t.frame), column)] = (t.frame, s)
    return s


_EDGE_SPACE = r"^[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]|[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]$"


def stripped(s: pd.Series) -> pd.Series:
    """``s`` as Arrow text without leading/trailing whitespace, positional index; no copy when none has any.

    A categorical stays one (each distinct text stripped once).
    """
    if is_categorical(s):
        s = s.reset_index(drop=True)
        if has_edge_space(pa.chunked_array([categories_text(s)])):
            s = recoded(s, lambda text: arrow(pd.Series(pd.array(text, dtype=TEXT)).str.strip()))
        return s
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        s = s.fillna("").astype(str).astype(TEXT)
    s = s.reset_index(drop=True)
    if len(s) and has_edge_space(arrow(s)):
        s = s.str.strip()
    return s


def has_edge_space(values: pa.ChunkedArray) -> bool:
    """True if some value starts or ends with a character ``str.strip()`` removes.

    Only the first and last bytes are read (in NumPy, from the Arrow buffers);
    the few values whose edge byte is a control, a space or non-ASCII are then
    checked exactly.
    """
    for chunk in values.chunks:
        if chunk.null_count:
            chunk = pc.fill_null(chunk, "")
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8) if chunk.buffers()[2] else np.zeros(0, np.uint8)
        filled = np.flatnonzero(offsets[1:] > offsets[:-1])
        first, last = data[offsets[filled]], data[offsets[filled + 1] - 1]
        maybe = filled[(first <= 32) | (first >= 0x80) | (last <= 32) | (last >= 0x80)]
        if len(maybe) and pc.any(pc.match_substring_regex(chunk.take(pa.array(maybe)), _EDGE_SPACE)).as_py():
            return True
    return False


def p_at(t: RawTable, message: str, index: int | None = None, column: str | None = None, value=None) -> Problem:
    """A problem located in ``t`` at positional row ``index``."""
    row = t.row_number(int(index)) if index is not None else None
    return Problem(message, file=t.file, sheet=t.sheet, row=row, column=column, value=value)


def problems_at(t: RawTable, mask: np.ndarray, message: str, column: str, values: pd.Series) -> list[Problem]:
    """One problem per True in ``mask``, showing ``values`` at that row."""
    return [p_at(t, message, int(i), column, values.iat[i]) for i in np.flatnonzero(mask)]


_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$"


def arrow(s: pd.Series) -> pa.ChunkedArray:
    """The Arrow array behind a text column (converted if it is not Arrow-backed; a categorical decoded)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return s.array.__arrow_array__()
    if is_categorical(s):
        return decoded(s)
    return pa.chunked_array([pa.array(s.fillna("").astype(str).to_numpy(dtype=object), pa.string())])


def from_arrow(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A text column (``string[pyarrow]``) holding Arrow string ``values``."""
    return pd.Series(pd.array(values.cast(pa.string()), dtype=TEXT))


def matches(s: pd.Series, pattern: str) -> np.ndarray:
    """Where the text column ``s`` matches the RE2 ``pattern`` (a categorical's texts matched once each)."""
    if is_categorical(s):
        hit = pc.match_substring_regex(categories_text(s), pattern).to_numpy(zero_copy_only=False)
        return hit[s.cat.codes.to_numpy()] if len(hit) else np.zeros(len(s), dtype=bool)
    return pc.match_substring_regex(arrow(s), pattern).to_numpy(zero_copy_only=False)


def numbers(strings: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Floats for plain decimal numbers, NaN for anything else (vectorized in Arrow)."""
    ok = pc.match_substring_regex(strings, _NUMBER)
    kept = pc.if_else(ok, strings, pa.scalar(None, strings.type))
    return pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False).astype(float)


def isin(s: pd.Series, values: pd.Series | list[str]) -> np.ndarray:
    """``s.isin(values)`` for text columns, in Arrow (pandas walks ``values`` in Python).

    When ``values`` is much longer than ``s`` (ids named in one table looked up
    among a million keys), the long side is only scanned against the short
    side's distinct values, never hashed as a whole.
    """
    probe = arrow(s)
    if not isinstance(values, pd.Series):
        value_set = pa.array(list(values), pa.string())
    elif len(values) > 4 * len(s):
        long = arrow(values)
        wanted = pc.unique(probe)
        value_set = pc.unique(pc.filter(long, pc.is_in(long, value_set=wanted.cast(long.type))))
    else:
        value_set = pc.unique(arrow(values))
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.is_in(probe, value_set=value_set.cast(probe.type))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def lookup(s: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """``s.map(mapping)`` for text columns, in Arrow; "" where ``s`` is not a key."""
    values = arrow(s)
    keys = pa.array(list(mapping), values.type)
    where = pc.index_in(values, value_set=keys)
    found = pc.take(pa.array(list(mapping.values()), pa.string()), where)
    return pd.Series(pc.fill_null(found, "").to_pandas(types_mapper={pa.string(): TEXT}.get).array, index=s.index)
