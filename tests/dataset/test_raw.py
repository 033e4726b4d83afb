"""Reading tables as text: one contiguous Arrow array per column, whatever the reader's chunks."""

from __future__ import annotations

import pyarrow as pa

from analysis.dataset.raw import one_array


def test_chunks_become_one_array_with_the_same_texts():
    plain = pa.array(["header", "a", "", "ñandú – «texte»", "b"], pa.large_string()).slice(
        1
    )  # the reader drops the header
    encoded = pa.array(["x", "y", "x", ""], pa.large_string()).dictionary_encode()
    small = pa.array(["plain string, not large"], pa.string())
    chunks = [plain, encoded, small]
    expected = pa.chunked_array([c.cast(pa.large_string()) for c in chunks]).combine_chunks()
    out = one_array(chunks)
    assert chunks == []  # each chunk let go once copied
    assert isinstance(out, pa.LargeStringArray)
    assert out.equals(expected)
    assert out.to_pylist() == ["a", "", "ñandú – «texte»", "b", "x", "y", "x", "", "plain string, not large"]


def test_empty_and_null_chunks():
    assert one_array([]).to_pylist() == []
    assert one_array([pa.array([], pa.large_string())]).to_pylist() == []
    assert one_array([pa.array(["a", None], pa.large_string())]).to_pylist() == ["a", None]  # nulls: the plain way
