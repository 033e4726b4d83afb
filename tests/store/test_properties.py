"""Property tests (Hypothesis): master tables survive writing and reading back, whatever their text."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.dataset.raw import read_raw
from analysis.dataset.schema import TABLES
from analysis.store.changelog import LogEntry, append_changes, read_changelog
from analysis.store.csv_io import write_tables

# Any text a person can type, including commas, quotes, newlines and formula-like starts;
# not NUL (no CSV can hold it) and not lone surrogates (not text).
CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
KEY = st.from_regex(r"[A-Z]{2,5}-[A-Z][0-9]{1,3}", fullmatch=True)


@st.composite
def milestone_tables(draw) -> pd.DataFrame:
    columns = TABLES["milestones"].column_names
    keys = draw(st.lists(KEY, min_size=1, max_size=6, unique=True))
    rows = [{c: (k if c == "milestone_id" else draw(CELL)) for c in columns} for k in keys]
    return pd.DataFrame(rows, columns=columns, dtype=object)


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(frame=milestone_tables())
def test_a_master_table_reads_back_exactly_as_written(frame):
    root = Path(tempfile.mkdtemp())
    try:
        (root / "program").mkdir()
        write_tables(root / "program", {"milestones": frame})
        got = read_raw(root / "program")["milestones"].frame
        assert list(got.columns) == list(frame.columns)
        assert got.values.tolist() == frame.values.tolist()
        assert not (root / ".journal").exists()
    finally:
        shutil.rmtree(root)


@SETTINGS
@given(values=st.lists(CELL, min_size=1, max_size=5))
def test_the_change_log_reads_back_exactly_as_appended(values):
    root = Path(tempfile.mkdtemp())
    try:
        log = root / "changelog.csv"
        entries = [
            LogEntry("2007-03-01T00:00:00Z", "f.xlsx", "a" * 64, "2007", "actions", "K", "c", v, v) for v in values
        ]
        append_changes(log, entries[:1])
        append_changes(log, entries[1:])
        assert read_changelog(log)["new"].tolist() == values
    finally:
        shutil.rmtree(root)
