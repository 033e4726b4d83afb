"""The validation helpers' fast paths agree with the plain Python rules they replace."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dataset.checks import arrow, has_edge_space, isin, stripped
from analysis.dataset.raw import TEXT

# edge characters str.strip() removes (ASCII, Latin-1, and wide Unicode spaces) and some it keeps
CHARS = st.sampled_from(
    ["a", "é", "Z", "-", " ", "\t", "\n", "\x0b", "\x1c", "\x85", "\xa0", "\u2003", "\u3000", "\x01"]
)
TEXTS = st.lists(st.text(CHARS, max_size=4), max_size=12)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.booleans())
def test_edge_space_is_what_strip_removes(values, large):
    kind = pa.large_string() if large else pa.string()
    expected = any(v != v.strip() for v in values)
    assert has_edge_space(pa.chunked_array([pa.array(values, kind)], kind)) == expected
    assert stripped(pd.Series(values, dtype=TEXT)).tolist() == [v.strip() for v in values]


def test_edge_space_reads_slices_and_nulls():
    sliced = pa.array(["x ", "y", "zz", " q"], pa.large_string()).slice(1, 2)  # the buffers hold the spaces
    assert not has_edge_space(pa.chunked_array([sliced]))
    assert has_edge_space(pa.chunked_array([pa.array(["a", None, "b "])]))
    assert not has_edge_space(arrow(pd.Series(["", ""], dtype=TEXT)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "", "é", " x"]), max_size=8), TEXTS)
def test_isin_is_pandas_isin_either_way_round(short, long):
    left, right = pd.Series(short, dtype=TEXT), pd.Series(long, dtype=TEXT)
    assert isin(left, right).tolist() == [v in set(long) for v in short]
    assert isin(right, left).tolist() == [v in set(short) for v in long]
    assert isin(left, ["a", "é"]).tolist() == [v in ("a", "é") for v in short]
