"""Repeated text held once: the columns of :data:`CATEGORICAL_TEXT` as pandas categoricals.

Where a row comes from (``section``, ``excerpt``, and ``section_b``/``excerpt_b``
for a contradiction's second passage) and its ``note`` are long texts repeated
from row to row: every figure taken from one passage cites that passage. As
``string[pyarrow]`` a column holds its full text on every row (at 1M synthetic
observations, 290 of the 470 MB the table takes); as a categorical each
distinct text is held once and each row holds a small integer code. A column
is held so only where its texts repeat (:func:`worth_holding_once`: on average
each on two rows or more; :func:`texts_repeat` judges a long column on a sample
first); a column of different texts (a note per row) stays ``string[pyarrow]``,
which costs less for it.

The categories are ``string[pyarrow]``, distinct and sorted, so sorting by such
a column sorts by its text, and the same data gives the same column whether it
was read from CSV, from a workbook or from a snapshot. These are the columns
the Excel export keeps off the printed page (:data:`analysis.excel.layout.SCREEN_ONLY`):
reports only show them, a row at a time.

Writing into such a column: a text that is not yet a category must be added
first (``s.cat.add_categories([text])``), or the column replaced as a whole
(``frame["note"] = frame["note"].astype(str)`` gives plain text again).

>>> import pyarrow as pa
>>> c = categorical_text(pa.array(["b", "a", "b", ""]))
>>> list(c), list(c.categories), c.codes.tolist()
(['b', 'a', 'b', ''], ['', 'a', 'b'], [2, 1, 2, 0])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pd.StringDtype("pyarrow")
#: Text columns held as categoricals in the raw (when asked) and typed tables, whatever the table.
CATEGORICAL_TEXT = frozenset({"section", "excerpt", "section_b", "excerpt_b", "note"})


def is_categorical(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.CategoricalDtype)


def worth_holding_once(distinct: int, rows: int) -> bool:
    """Whether a column of ``rows`` texts, ``distinct`` of them different, is held as a categorical.

    Only when a text is on two rows or more on average: a column of different
    texts (a note per row) costs less as plain text, and costs no hashing and
    sorting of every text.
    """
    return 2 * distinct <= rows


#: Rows of the evenly spaced sample that :func:`texts_repeat` hashes before a whole column.
SAMPLE = 1 << 16


def texts_repeat(values: pa.Array | pa.ChunkedArray) -> bool:
    """:func:`worth_holding_once` for a whole column, without hashing every text of a column of different texts.

    Counting the distinct texts of 1M different notes takes a hash table of about
    400 MB, more than the column. A column longer than four samples is first
    judged on an evenly spaced sample of :data:`SAMPLE` rows: if the sample's texts
    do not repeat, neither are the column's held once (a text on two rows far
    apart may go unseen: the column then stays plain text, which holds the same
    values). Otherwise the whole column is counted.
    """
    n = len(values)
    if n > 4 * SAMPLE:
        sample = values.take(pa.array(np.arange(0, n, n // SAMPLE)))
        if not worth_holding_once(pc.count_distinct(sample).as_py(), len(sample)):
            return False
    distinct = pc.count_distinct(values).as_py() if n else 0
    pa.default_memory_pool().release_unused()  # the count's hash table
    return worth_holding_once(distinct, n)


def repeated(values: pa.ChunkedArray) -> bool:
    """For text as Arrow's CSV reader dictionary-encodes it (a dictionary per chunk): clearly worth holding once.

    The chunks' dictionaries add up to at least the number of distinct texts,
    so this never says yes wrongly; the typed table decides exactly
    (:func:`analysis.dataset.loading.to_typed`).
    """
    return worth_holding_once(sum(len(chunk.dictionary) for chunk in values.chunks), len(values))


def categorical_text(values: pa.Array | pa.ChunkedArray) -> pd.Categorical:
    """Arrow text (plain or dictionary-encoded; nulls read as "") as a categorical of sorted distinct texts."""
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values], values.type)
    if not pa.types.is_dictionary(values.type):
        if values.null_count:
            values = pc.fill_null(values, "")
        values = pc.dictionary_encode(values)
    if not values.num_chunks:
        return from_codes(np.zeros(0, np.int32), pa.array([], pa.large_string()))
    values = values.unify_dictionaries()
    codes = np.concatenate([_codes(chunk) for chunk in values.chunks])
    return from_codes(codes, values.chunk(0).dictionary)


def _codes(chunk: pa.DictionaryArray) -> np.ndarray:
    indices = chunk.indices
    if indices.null_count:
        raise ValueError("a null in dictionary-encoded text")  # the readers give "" for an empty cell, never null
    return indices.to_numpy(zero_copy_only=False)


def from_codes(codes: np.ndarray, dictionary: pa.Array | pa.ChunkedArray) -> pd.Categorical:
    """The categorical whose row ``i`` is ``dictionary[codes[i]]``: categories distinct, used and sorted."""
    if isinstance(dictionary, pa.ChunkedArray):
        dictionary = dictionary.combine_chunks()
    dictionary = dictionary.cast(pa.large_string())
    merged = pc.dictionary_encode(dictionary)  # equal texts (after stripping, say) become one category
    codes = merged.indices.to_numpy(zero_copy_only=False)[codes] if len(codes) else codes
    distinct = merged.dictionary
    used = np.flatnonzero(np.bincount(codes, minlength=len(distinct))) if len(codes) else np.zeros(0, np.int64)
    kept = distinct.take(pa.array(used, pa.int64()))
    order = pc.array_sort_indices(kept).to_numpy(zero_copy_only=False)
    rank = np.zeros(len(distinct), dtype=np.int64)
    rank[used[order]] = np.arange(len(order))
    categories = pd.Index(pd.array(kept.take(pa.array(order, pa.int64())), dtype=TEXT))
    width = np.int8 if len(categories) < 2**7 else np.int16 if len(categories) < 2**15 else np.int32
    return pd.Categorical.from_codes(rank[codes].astype(width), dtype=pd.CategoricalDtype(categories))


def categories_text(s: pd.Series) -> pa.Array:
    """The categories of a categorical text column, as Arrow text."""
    categories = s.cat.categories
    if isinstance(categories.dtype, pd.StringDtype) and categories.dtype.storage == "pyarrow":
        return categories.array._pa_array.combine_chunks().cast(pa.large_string())
    return pa.array(categories.astype(str).to_numpy(dtype=object), pa.large_string())


def decoded(s: pd.Series) -> pa.ChunkedArray:
    """The text of each row of a categorical text column (a missing value reads as "")."""
    codes = s.cat.codes.to_numpy()
    text = pc.take(categories_text(s), pa.array(codes, mask=codes < 0))
    return pa.chunked_array([pc.fill_null(text, "") if text.null_count else text])


def recoded(s: pd.Series, fn) -> pd.Series:
    """A categorical text column with ``fn`` (Arrow text -> Arrow text) applied to each distinct text once."""
    return pd.Series(from_codes(s.cat.codes.to_numpy(), fn(categories_text(s))))


def per_row(s: pd.Series, values: pa.Array | np.ndarray) -> np.ndarray:
    """``values`` (one per category of ``s``) spread to its rows."""
    values = values.to_numpy(zero_copy_only=False) if isinstance(values, pa.Array) else values
    return values[s.cat.codes.to_numpy()]
