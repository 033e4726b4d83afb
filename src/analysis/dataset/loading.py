"""Loading the program dataset from a folder of CSV files or an .xlsx workbook.

Reading happens in two steps. :func:`analysis.dataset.raw.read_raw` reads every
cell as text, so that validation can report a bad value exactly as it was
written. :func:`load_dataset` validates and then converts the columns to their
types, column by column. A validated load is kept as a typed snapshot (see
:mod:`analysis.dataset.cache`), so the next load of the same data, in this
process, in a report's kernel or in an analyst's notebook, reads the snapshot
instead of reading and validating the CSV files again.

>>> from analysis.dataset.loading import load_dataset
>>> ds = load_dataset()
>>> ds.mandates.loc[0, "mandate_id"]
'IACHR-M1'
"""

from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import config
from analysis.dataset import cache
from analysis.dataset.categories import CATEGORICAL_TEXT, categorical_text, is_categorical, texts_repeat
from analysis.dataset.checks import arrow, numbers, stripped_columns, text
from analysis.dataset.raw import TEXT, RawTable, read_raw
from analysis.dataset.schema import TABLE_ORDER, TABLES
from analysis.dataset.validation import validate_raw
from analysis.dataset.version import data_version, file_stamps, settled, unchanged_since
from analysis.errors import DataError


class Dataset:
    """The typed tables, plus where they came from and a content hash.

    ``raw`` (the tables as text, as :func:`read_raw` gives them) is read again
    from ``source`` on first use, so a loaded dataset does not hold two copies.
    """

    def __init__(
        self, tables: dict[str, pd.DataFrame], source: Path, version: str, raw: dict[str, RawTable] | None = None
    ):
        self.tables = tables
        self.source = Path(source)
        self.version = version
        self._raw = raw

    @property
    def raw(self) -> dict[str, RawTable]:
        if self._raw is None:
            self._raw = read_raw(self.source)
        return self._raw

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"Dataset({self.source}, version {self.version}: {sizes})"

    def _repr_html_(self) -> str:
        """A compact summary for notebooks: each table's rows and columns, the data version and source."""
        rows = "".join(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{len(frame):,}</td><td>{len(frame.columns)}</td></tr>"
            for name, frame in self.tables.items()
        )
        return (
            '<div class="analysis-dataset"><table>'
            f"<caption>Dataset <code>{html.escape(self.version)}</code> from "
            f"<code>{html.escape(str(self.source))}</code></caption>"
            "<thead><tr><th>table</th><th>rows</th><th>columns</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

    def copy(self) -> Dataset:
        return Dataset({k: v.copy() for k, v in self.tables.items()}, self.source, self.version, self._raw)


def to_typed(raw: dict[str, RawTable]) -> dict[str, pd.DataFrame]:
    """Convert validated text tables to typed frames (dates, ints, bools...), a column at a time.

    Text stays ``string[pyarrow]``, except the columns of
    :data:`~analysis.dataset.categories.CATEGORICAL_TEXT` whose texts repeat
    (:func:`~analysis.dataset.categories.texts_repeat`), which are categoricals.
    """
    out = {}
    for name in TABLE_ORDER:
        table = TABLES[name]
        rows = len(raw[name].frame) if name in raw else 0
        columns = {}
        for col in table.columns:
            s = text(raw[name], col.name) if name in raw else None
            s = pd.Series([""] * rows, dtype=TEXT) if s is None else s
            columns[col.name] = _typed(s, "categorical" if col.name in CATEGORICAL_TEXT else col.type)
        out[name] = pd.DataFrame(columns)
    return out


def _typed(s: pd.Series, kind: str) -> pd.Series:
    if kind == "categorical":  # held once where texts repeat; a column of different texts stays plain
        if is_categorical(s):
            return s  # the reader kept it so because it pays (categories.repeated)
        return pd.Series(categorical_text(arrow(s))) if texts_repeat(arrow(s)) else s
    if kind == "date":
        return pd.to_datetime(s.where(s != "", None), format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    if kind == "int":
        ints = pc.if_else(pc.match_substring_regex(arrow(s), r"^[+-]?[0-9]{1,18}$"), arrow(s), None)
        return pd.Series(pc.cast(ints, pa.int64()).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
    if kind == "number":
        return pd.Series(numbers(arrow(s)), dtype="float64")
    if kind == "bool":
        low = s.str.lower().to_numpy(dtype=object)
        values = np.where(low == "true", True, np.where(low == "false", False, None))
        return pd.Series(pd.array(values, dtype="boolean"))
    return s


def load_dataset(
    path: Path | str | None = None,
    *,
    validate: bool = True,
    use_cache: bool = True,
    columns: dict[str, list[str]] | None = None,
) -> Dataset:
    """Load, validate and type the program dataset.

    Parameters
    ----------
    path
        A folder of ``<table>.csv`` files or an ``.xlsx`` workbook with one
        sheet per table. Defaults to ``data/program/``.
    validate
        Raise :class:`DataError` listing every problem (the default).
    use_cache
        Read the typed snapshot of this exact data if an earlier validated
        load left one, and leave one after a validated load (see
        :mod:`analysis.dataset.cache`). Any change of the data changes its
        version, so a snapshot of other data is never served.
    columns
        Only these columns of the tables named (``{"observations": ["implementer_id"]}``),
        for a caller that reads no others: a snapshot reads just them. The
        data is validated whole all the same, and its snapshot keeps every column.
    """
    path = Path(path) if path is not None else config.PROGRAM_DIR
    if not path.exists():
        read_raw(path)  # raises the one-line error
    where = cache.folder(path) if use_cache else None
    given = cache.run_version(path) if where is not None else None
    if given is not None:  # in a meeting run's kernel: the snapshot of the run's version, not hashed again
        tables = _cached(where, given, columns)
        if tables is not None:
            return Dataset(tables, path, given)
    stamps = file_stamps(path)
    known = cache.known_version(where, path, stamps) if where is not None else None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="data-version") as threads:
        # The files are hashed while they are read (hashlib lets go of the GIL), unless their stamps say how.
        versioning = threads.submit(lambda: known or data_version(path))
        tables, from_files = _load(path, where, versioning, validate, columns)
    version = versioning.result()
    keep = from_files and validate  # a validated read of the files is kept as a snapshot
    if where is not None and (keep or (known is None and settled(stamps))) and unchanged_since(path, stamps, version):
        if keep:  # the files did not change while they were read
            cache.write(where, version, tables)
        cache.remember_version(where, path, stamps, version)
    for name, cols in (columns or {}).items():
        tables[name] = tables[name][cols]
    return Dataset(tables, path, version)


def has_snapshot(path: Path | str | None = None) -> bool:
    """Whether :func:`load_dataset` of ``path`` would now read a stored snapshot, without hashing the files."""
    path = Path(path) if path is not None else config.PROGRAM_DIR
    where = cache.folder(path) if path.exists() else None
    if where is None:
        return False
    version = cache.run_version(path) or cache.known_version(where, path, file_stamps(path))
    return version is not None and cache.has(where, version)


def _load(path: Path, where: Path | None, versioning, validate: bool, columns) -> tuple[dict, bool]:
    """``(tables, read from the files)``: the snapshot's tables (only ``columns``) when one of the version
    ``versioning`` gives is stored, else every table read from the files, validated and typed. Reading the
    files stops as soon as the version is known and its snapshot found."""

    def stored() -> bool:
        return where is not None and versioning.done() and cache.has(where, versioning.result())

    raw = read_raw(path, compact=True, stop=stored)
    if where is not None and (raw is None or cache.has(where, versioning.result())):
        tables = _cached(where, versioning.result(), columns)
        if tables is not None:
            return tables, False
    raw = raw if raw is not None else read_raw(path, compact=True)  # the snapshot could not be read
    with stripped_columns():  # each column stripped once, for validation and typing
        if validate:
            problems = validate_raw(raw, path)
            if problems:
                raise DataError(problems)
        tables = to_typed(raw)
    del raw
    pa.default_memory_pool().release_unused()  # the text read but not kept, back to the system
    return tables, True


def _cached(where: Path, version: str, columns: dict[str, list[str]] | None) -> dict[str, pd.DataFrame] | None:
    tables = cache.read(where, version, columns)
    if tables is not None:
        pa.default_memory_pool().release_unused()  # the categoricals' decoding buffers
    return tables
