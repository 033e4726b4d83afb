"""Repeated texts held as categoricals: the same values, the same problems, less memory."""

from __future__ import annotations

import csv
import importlib.util
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import ROOT

from analysis import config
from analysis.dataset.categories import CATEGORICAL_TEXT, TEXT, categorical_text, from_codes
from analysis.dataset.checks import stripped
from analysis.dataset.loading import load_dataset, to_typed
from analysis.dataset.raw import read_raw
from analysis.dataset.schema import TABLES
from analysis.dataset.validation import validate_raw


def _synthetic(folder):
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module
    spec.loader.exec_module(module)
    return module.generate(folder / "synthetic-x2", 2, observations=300)


@pytest.fixture(scope="module")
def x2(tmp_path_factory):
    return _synthetic(tmp_path_factory.mktemp("gen"))


def test_categories_are_the_distinct_texts_sorted():
    c = categorical_text(
        pa.chunked_array([pa.array(["b", "a"]).dictionary_encode(), pa.array(["c", "b", ""]).dictionary_encode()])
    )
    assert list(c) == ["b", "a", "c", "b", ""]
    assert list(c.categories) == ["", "a", "b", "c"]
    assert c.categories.dtype == TEXT and c.codes.dtype == np.int8


def test_equal_texts_become_one_category_and_unused_ones_go():
    c = from_codes(np.array([0, 2, 2]), pa.array(["x", "unused", "x", "a"]))
    assert list(c) == ["x", "x", "x"] and list(c.categories) == ["x"]


def test_stripping_a_categorical_strips_each_text_once():
    s = pd.Series(categorical_text(pa.array([" a", "a", "b\u00a0", "b"])))
    out = stripped(s)
    assert isinstance(out.dtype, pd.CategoricalDtype)
    assert list(out) == ["a", "a", "b", "b"] and list(out.cat.categories) == ["a", "b"]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with categoricals as ``string[pyarrow]`` (what the loader gave before)."""
    return frame.apply(lambda s: s.astype(str).astype(TEXT) if isinstance(s.dtype, pd.CategoricalDtype) else s)


@pytest.mark.parametrize("where", ["shipped", "synthetic"])
def test_loaded_tables_hold_source_texts_as_categoricals_with_the_same_values(where, x2):
    path = config.PROGRAM_DIR if where == "shipped" else x2
    ds = load_dataset(path, use_cache=False)
    plain = to_typed(read_raw(path))  # the text read column by column as string[pyarrow], typed
    held = 0
    for name, table in TABLES.items():
        for col in table.column_names:
            s = ds.tables[name][col]
            if col in CATEGORICAL_TEXT and 2 * s.astype(str).nunique() <= len(s):
                assert isinstance(s.dtype, pd.CategoricalDtype), (name, col)
                assert s.cat.categories.dtype == TEXT and s.cat.categories.is_monotonic_increasing
                assert not s.isna().any()
                held += 1
            elif table.column(col).type in ("id", "ids", "text", "enum"):
                assert s.dtype == TEXT, (name, col)
        pd.testing.assert_frame_equal(_plain(ds.tables[name]), _plain(plain[name]), check_dtype=True, obj=name)
    assert held >= 8
    raw = read_raw(path)
    assert ds.observations["excerpt"].astype(str).tolist() == stripped(raw["observations"].frame["excerpt"]).tolist()


def test_text_columns_are_one_contiguous_array(x2):
    frame = read_raw(x2, compact=True)["observations"].frame
    assert frame["observation_id"].array._pa_array.num_chunks == 1  # taking rows copies no whole column
    assert isinstance(frame["excerpt"].dtype, pd.CategoricalDtype)
    assert frame["excerpt"].tolist() == read_raw(x2)["observations"].frame["excerpt"].tolist()


def test_compact_reading_finds_the_same_problems(mini):
    """A note naming a missing row, and an excerpt of spaces only (required), in every row."""
    obs = mini / "observations.csv"
    with obs.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    rows = [[*cells] for _ in range(3) for cells in rows]  # six rows: repeated texts are read as categoricals
    for n, cells in enumerate(rows):
        cells[header.index("observation_id")] += f"-{n}"
        cells[header.index("note")] = "Names DQ-999, which is not there. "
        cells[header.index("excerpt")] = "  "
    with obs.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    assert isinstance(read_raw(mini, compact=True)["observations"].frame["note"].dtype, pd.CategoricalDtype)
    plain, compact = validate_raw(read_raw(mini), mini), validate_raw(read_raw(mini, compact=True), mini)
    assert len(plain) >= 2 * len(rows)
    assert [str(p) for p in compact] == [str(p) for p in plain]


def test_a_column_of_different_texts_stays_plain_text(mini):
    obs = mini / "observations.csv"
    with obs.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    for n, cells in enumerate(rows):
        cells[header.index("note")] = f"a note of its own, number {n}"
        cells[header.index("section")] = "IV.F.2"
    with obs.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    ds = load_dataset(mini)
    assert ds.observations["note"].dtype == TEXT
    assert ds.observations["note"].tolist() == [f"a note of its own, number {n}" for n in range(len(rows))]
    assert isinstance(ds.observations["section"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(load_dataset(mini).observations, ds.observations)  # from the snapshot


def test_a_long_column_of_different_texts_is_judged_on_a_sample(monkeypatch):
    from analysis.dataset import categories

    counted = []
    real = categories.pc.count_distinct

    def count(values, *args, **kwargs):
        counted.append(len(values))
        return real(values, *args, **kwargs)

    monkeypatch.setattr(categories.pc, "count_distinct", count)
    n = 5 * categories.SAMPLE
    different = pa.array([f"a note of its own, number {i}" for i in range(n)])
    assert not categories.texts_repeat(different)
    assert len(counted) == 1 and counted[0] <= categories.SAMPLE + 1  # only the sample was hashed
    counted.clear()
    repeating = pa.array([f"one of a few notes, number {i % 1000}" for i in range(n)])
    assert categories.texts_repeat(repeating)
    assert len(counted) == 2 and counted[0] <= categories.SAMPLE + 1 and counted[1] == n  # then the whole column
    half = pa.array([f"text {i // 3}" for i in range(3000)])  # short: counted exactly, each text on three rows
    assert categories.texts_repeat(half) and not categories.texts_repeat(pa.array([str(i) for i in range(3000)]))
