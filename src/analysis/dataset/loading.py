"""Loading the program dataset from a folder of CSV files or an .xlsx workbook.

Reading happens in two steps. :func:`analysis.dataset.raw.read_raw` reads every
cell as text, so that validation can report a bad value exactly as it was
written. :func:`load_dataset` validates and then converts the columns to their types.

>>> from analysis.dataset.loading import load_dataset
>>> ds = load_dataset()
>>> ds.mandates.loc[0, "mandate_id"]
'IACHR-M1'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.dataset.raw import RawTable, data_version, read_raw
from analysis.dataset.schema import TABLE_ORDER, TABLES
from analysis.dataset.validation import validate_raw
from analysis.errors import DataError


@dataclass
class Dataset:
    """The typed tables, plus where they came from and a content hash."""

    tables: dict[str, pd.DataFrame]
    source: Path
    version: str
    raw: dict[str, RawTable] = field(default_factory=dict, repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def copy(self) -> Dataset:
        return Dataset({k: v.copy() for k, v in self.tables.items()}, self.source, self.version, self.raw)


def to_typed(raw: dict[str, RawTable]) -> dict[str, pd.DataFrame]:
    """Convert validated text tables to typed frames (dates, ints, bools...)."""
    out = {}
    for name in TABLE_ORDER:
        table = TABLES[name]
        frame = raw[name].frame if name in raw else pd.DataFrame(columns=table.column_names)
        frame = frame.reindex(columns=table.column_names, fill_value="").copy()
        for col in table.columns:
            s = frame[col.name].astype(str).str.strip()
            if col.type == "date":
                frame[col.name] = pd.to_datetime(s.replace("", None), format="%Y-%m-%d", errors="coerce")
            elif col.type == "int":
                frame[col.name] = pd.to_numeric(s.replace("", None), errors="coerce").astype("Int64")
            elif col.type == "number":
                frame[col.name] = pd.to_numeric(s.replace("", None), errors="coerce").astype("float64")
            elif col.type == "bool":
                frame[col.name] = s.str.lower().map({"true": True, "false": False}).astype("boolean")
            else:
                frame[col.name] = s
        out[name] = frame.reset_index(drop=True)
    return out


def load_dataset(path: Path | str | None = None, *, validate: bool = True) -> Dataset:
    """Load, validate and type the program dataset.

    Parameters
    ----------
    path
        A folder of ``<table>.csv`` files or an ``.xlsx`` workbook with one
        sheet per table. Defaults to ``data/program/``.
    validate
        Raise :class:`DataError` listing every problem (the default).
    """
    path = Path(path) if path is not None else config.PROGRAM_DIR
    raw = read_raw(path)
    if validate:
        problems = validate_raw(raw, path)
        if problems:
            raise DataError(problems)
    return Dataset(to_typed(raw), path, data_version(path), raw)
