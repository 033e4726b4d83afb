"""Data rows made column by column (analysis.excel.rows)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from analysis.dataset.categories import TEXT, categorical_text
from analysis.excel.rows import column_xml


def test_the_export_writes_a_categorical_as_its_text():
    refs = pa.array(["A2", "A3", "A4"], pa.large_string())
    texts = ["=1+1", "plain", ""]
    as_text = column_xml(pd.Series(texts, dtype=TEXT), refs, "1", "2")
    as_categorical = column_xml(pd.Series(categorical_text(pa.array(texts))), refs, "1", "2")
    assert as_categorical.to_pylist() == as_text.to_pylist()
    assert 's="2"' in as_text.to_pylist()[0]  # formula-like text keeps its quote prefix
