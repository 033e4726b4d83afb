"""Typed snapshots of validated datasets, so the same data is read and validated once.

A snapshot is a folder of Arrow IPC files (one per table, uncompressed) named by the data
version (a SHA-256 over the table files, see :func:`analysis.dataset.version.data_version`)
and by a fingerprint of the code that reads, validates and types the data
(this sub-package's source files and the pandas and pyarrow versions). A change
of any byte of the data, or of that code, gives another name: a snapshot of
other data or of older rules is never served.

Snapshots live in the data folder's ``.cache/datasets`` (see
:attr:`analysis.config.DataLayout.cache`), which git ignores. They are written
to a temporary folder and renamed into place, so a reader never sees half a
snapshot, and two processes writing the same snapshot do not collide. Only
the newest few snapshots are kept.

A snapshot is read by memory-mapping its files: text columns are used where
they lie, without decoding or copying, so a load costs milliseconds and the
report kernels of a run share one copy of the data in the page cache (at 1M
observations, 2.3 s and 1.2 GB per kernel with Parquet). The price is disk: a
snapshot takes about as much as the tables in memory. Set ``ANALYSIS_DATASET_CACHE=0`` to turn
the cache off (it is also silently skipped where the folder is read-only).

The cache also remembers, per data folder, the files' stamps (size,
modification and change times, inode) with the version they were hashed to,
as git's index does: while the stamps stay the same the version is known
without hashing (at 1M observations, 0.8 s per load). Stamps taken within
two seconds of a write are never trusted (:func:`analysis.dataset.version.settled`).

A meeting run hashes the data once and gives its report kernels the version
(:data:`RUN_VERSION`, set in the run's worker processes only), so a kernel
reads the snapshot of the run's version without hashing every file again; its
report then shows the data the run's pages and manifest name. Where that
snapshot is missing, the load hashes and reads the files as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.config import DataLayout
from analysis.dataset.categories import categorical_text
from analysis.dataset.raw import TEXT
from analysis.dataset.schema import TABLE_ORDER
from analysis.dataset.version import settled

SUFFIX = ".arrow"  # Arrow IPC file format (Feather v2), uncompressed so that it can be mapped
KEEP = 4  # snapshots kept per data folder: the current data and a few recent versions


RUN_VERSION = "ANALYSIS_RUN_DATA_VERSION"  # "<resolved data path>\n<version>", set by a meeting run's workers


def run_version(path: Path) -> str | None:
    """The data version a meeting run computed for the data at ``path`` (None outside a run, or other data)."""
    given = os.environ.get(RUN_VERSION, "")
    where, _, version = given.partition("\n")
    return version if version and where == str(Path(path).resolve()) else None


def enabled() -> bool:
    return os.environ.get("ANALYSIS_DATASET_CACHE", "1").strip().lower() not in ("0", "false", "no", "off")


def folder(path: Path) -> Path | None:
    """Where snapshots of the data at ``path`` go, or None when the cache is off."""
    return DataLayout.of(path).cache / "datasets" if enabled() else None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code that turns the files into typed tables."""
    import pyarrow

    h = hashlib.sha256(f"pandas {pd.__version__} pyarrow {pyarrow.__version__}".encode())
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _entry(where: Path, version: str) -> Path:
    return where / f"{version}-{code_fingerprint()}"


def read(where: Path, version: str, columns: dict[str, list[str]] | None = None) -> dict[str, pd.DataFrame] | None:
    """The typed tables of ``version`` (only ``columns[table]`` of a table named there), or None when there
    is no complete snapshot."""
    entry = _entry(where, version)
    files = [entry / f"{name}{SUFFIX}" for name in TABLE_ORDER]
    if not all(f.is_file() for f in files):
        return None
    try:
        tables = {name: _read_table(f, (columns or {}).get(name)) for name, f in zip(TABLE_ORDER, files, strict=True)}
    except (OSError, ValueError):
        return None  # unreadable (disk trouble, partial copy): load from the files instead
    os.utime(entry)  # recently used: kept by the pruning below
    return tables


def _read_table(file: Path, columns: list[str] | None = None) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    text = {pa.string(): TEXT, pa.large_string(): TEXT}  # Arrow-backed text, as the loader gives it
    with pa.memory_map(str(file)) as source:  # the buffers keep the mapping alive after the file is closed
        table = ipc.open_file(source).read_all()
    table.validate()  # buffer sizes against the schema: a cut or damaged file is refused, not read past its end
    if columns is not None:
        table = table.select(columns)
    encoded = [i for i, field in enumerate(table.schema) if pa.types.is_dictionary(field.type)]
    frame = table.drop_columns([table.column_names[i] for i in encoded]).to_pandas(types_mapper=text.get)
    for i in encoded:  # categoricals of sorted text, as the loader gives them
        frame.insert(i, table.column_names[i], _categorical(table.column(i)))
    return frame


def _categorical(column) -> pd.Categorical:
    """A stored categorical column: its categories as written (sorted and distinct) and its codes where they lie."""
    import pyarrow as pa

    chunk = column.chunk(0) if column.num_chunks == 1 else None
    if chunk is not None and not chunk.indices.null_count:
        categories = pd.Index(pd.array(chunk.dictionary.cast(pa.large_string()), dtype=TEXT))
        if categories.is_unique and categories.is_monotonic_increasing:
            codes = chunk.indices.to_numpy(zero_copy_only=False).copy()  # writable: a frame may be edited in place
            return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories))  # checks each code
    return categorical_text(column)  # written otherwise: decoded and sorted again


def write(where: Path, version: str, tables: dict[str, pd.DataFrame]) -> Path | None:
    """Store a snapshot atomically; None when the folder cannot be written (read-only data)."""
    entry = _entry(where, version)
    if entry.is_dir():
        return entry
    try:
        where.mkdir(parents=True, exist_ok=True)
        tmp = where / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()  # mode 0o777 & ~umask, like any folder the user makes
    except OSError:
        return None
    try:
        for name in TABLE_ORDER:
            _write_table(tables[name], tmp / f"{name}{SUFFIX}")
        os.replace(tmp, entry)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process stored it first, or the disk is full
        return entry if entry.is_dir() else None
    _prune(where)
    return entry


def _write_table(frame: pd.DataFrame, file: Path) -> None:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(str(file), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def has(where: Path, version: str) -> bool:
    """Whether a complete snapshot of ``version`` is stored."""
    entry = _entry(where, version)
    return all((entry / f"{name}{SUFFIX}").is_file() for name in TABLE_ORDER)


def _stamps_file(where: Path, path: Path) -> Path:
    return where / f".stamps-{hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:16]}.json"


def known_version(where: Path, path: Path, stamps: tuple) -> str | None:
    """The version remembered for the files at ``path`` if they still have the stamps it was hashed with."""
    try:
        record = json.loads(_stamps_file(where, path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("stamps") != json.loads(json.dumps(stamps[1])):
        return None
    version = record.get("version")
    return version if isinstance(version, str) and version else None


def remember_version(where: Path, path: Path, stamps: tuple, version: str) -> None:
    """Remember that the files at ``path``, stamped ``stamps``, hold ``version`` (not if a stamp is too recent)."""
    if not settled(stamps):
        return
    file = _stamps_file(where, path)
    tmp = file.with_name(f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}.json")
    try:
        where.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"path": str(Path(path).resolve()), "stamps": stamps[1], "version": version}))
        os.replace(tmp, file)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only or full disk: the version is hashed next time


def _prune(where: Path) -> None:
    entries = sorted(
        (p for p in where.iterdir() if p.is_dir() and not p.name.startswith(".tmp-")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
