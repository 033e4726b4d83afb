"""Derived indicators and the indicator table agree with simple per-row references on generated data.

The references below are written the slow, obvious way (a dict of the last
exact figure per place and input, built row by row; ``pivot_table`` for the
side-by-side table), so that the vectorized code in
:mod:`analysis.measures.indicators` is checked against the rule, not against itself.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dataset.raw import TEXT
from analysis.measures import derived_indicators, evaluate_formula, formula_inputs, indicator_table

OBSERVED = ["a", "b", "c", "d_1"]
SHAPES = ["{0} / {1}", "1 - {0} / {1}", "({0} + {1}) * {2}", "{0} - {0} * 2", "-{0}", "{1} / {0} + 0.5"]
PLACES = ["", "HND", "MEX", "Érica", "a"]
VALUES = st.sampled_from([0.0, 1.0, -2.5, 3.0, 10260.0, 4541.0, float("nan")])


@st.composite
def tables(draw):
    derived = []
    for k in range(draw(st.integers(0, 6))):
        shape = draw(st.sampled_from(SHAPES))
        ids = draw(st.permutations(OBSERVED))
        derived.append((f"der{k}", shape.format(*ids)))
    indicators = pd.DataFrame(
        {
            "indicator_id": OBSERVED + [d for d, _ in derived],
            "kind": ["observed"] * len(OBSERVED) + ["derived"] * len(derived),
            "formula": [""] * len(OBSERVED) + [f for _, f in derived],
            "unit": ["persons"] * len(OBSERVED) + ["share"] * len(derived),
        },
        dtype=TEXT,
    )
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(OBSERVED + ["unused"]),
                st.sampled_from(PLACES),
                st.sampled_from(PLACES[:3]),
                st.sampled_from(["=", "", ">", "~"]),
                VALUES,
            ),
            max_size=40,
        )
    )
    observations = pd.DataFrame(
        {
            "observation_id": pd.array([f"OBS-{i}" for i in range(len(rows))], dtype=TEXT),
            "indicator_id": pd.array([r[0] for r in rows], dtype=TEXT),
            "country": pd.array([r[1] for r in rows], dtype=TEXT),
            "election": pd.array([r[2] for r in rows], dtype=TEXT),
            "comparator": pd.array([r[3] for r in rows], dtype=TEXT),
            "value": np.array([r[4] for r in rows], dtype=float),
        }
    )
    return indicators, observations


def reference_derived(indicators: pd.DataFrame, observations: pd.DataFrame) -> list[tuple]:
    last = {}
    for pos, row in enumerate(observations.to_dict("records")):
        if row["comparator"] in ("=", ""):
            last[(row["country"], row["election"], row["indicator_id"])] = (row["value"], row["observation_id"], pos)
    out = []
    for d in indicators[indicators["kind"] == "derived"].to_dict("records"):
        names = formula_inputs(d["formula"])
        places = sorted({(c, e) for (c, e, i) in last if i in names})
        for place in places:
            got = [last.get((*place, name)) for name in names]
            if any(g is None or math.isnan(g[0]) for g in got):
                continue
            value = evaluate_formula(d["formula"], {n: g[0] for n, g in zip(names, got, strict=True)})
            inputs = ";".join(g[1] for g in sorted(got, key=lambda g: g[2]))
            out.append((d["indicator_id"], *place, value, d["formula"], d["unit"], inputs))
    return out


def same(a, b) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


@settings(max_examples=200, deadline=None)
@given(tables())
def test_derived_matches_the_per_row_rule(data):
    indicators, observations = data
    got = derived_indicators(indicators, observations)
    want = reference_derived(indicators, observations)
    rows = [tuple(r) for r in got[["indicator_id", "country", "election", "value", "formula", "unit", "inputs"]].values]
    assert len(rows) == len(want)
    for g, w in zip(rows, want, strict=True):
        assert all(same(x, y) for x, y in zip(g, w, strict=True)), (g, w)


def reference_table(indicators: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    obs = observations[["indicator_id", "country", "election", "value"]]
    der = derived_indicators(indicators, observations)[["indicator_id", "country", "election", "value"]]
    parts = [obs] if der.empty else [obs, der]  # no concat with an empty frame
    both = pd.concat([p.astype({"value": float}) for p in parts], ignore_index=True)
    both = both[both["country"].astype(str) != ""].astype({c: object for c in ["indicator_id", "country", "election"]})
    if both.empty or both["value"].isna().all():
        return pd.DataFrame(columns=["country", "election"])
    table = both.pivot_table(index=["country", "election"], columns="indicator_id", values="value", aggfunc="first")
    # sorted again: pivot_table misorders the rows when a place had only empty values (its unstack keeps
    # the unused level values); the rule is "sorted by country and election"
    return table.sort_index().reset_index()


@settings(max_examples=200, deadline=None)
@given(tables())
def test_indicator_table_matches_pivot_table(data):
    indicators, observations = data
    got = indicator_table(indicators, observations)
    want = reference_table(indicators, observations)
    assert list(got.columns) == list(want.columns)
    assert all(isinstance(got[c].dtype, pd.SparseDtype) for c in got.columns[2:])
    dense = got.assign(**{c: got[c].sparse.to_dense() for c in got.columns[2:]})
    if len(want):
        pd.testing.assert_frame_equal(dense.astype(object), want.astype(object), check_column_type=False)


def test_indicator_table_takes_the_derived_frame_it_is_given():
    indicators = pd.DataFrame(
        {"indicator_id": ["a", "b", "r"], "kind": ["observed", "observed", "derived"], "formula": ["", "", "a / b"]}
    ).assign(unit="")
    observations = pd.DataFrame(
        {
            "observation_id": ["O1", "O2"],
            "indicator_id": ["a", "b"],
            "country": ["HND", "HND"],
            "election": ["2006", "2006"],
            "comparator": ["=", "="],
            "value": [1.0, 4.0],
        }
    )
    derived = derived_indicators(indicators, observations)
    assert derived["value"].tolist() == [0.25]
    given_frame = derived.assign(value=[0.5])  # a caller's frame is used as given, not computed again
    assert indicator_table(indicators, observations, given_frame)["r"].tolist() == [0.5]


def test_each_formula_shape_is_evaluated_once(monkeypatch):
    """Many derived indicators of two shapes: two evaluations over all their rows, not one per indicator."""
    from analysis.measures import indicators as module

    copies = 40
    ids = [f"{x}_{i}" for i in range(copies) for x in ("v", "r")]
    derived = [(f"t_{i}", f"v_{i} / r_{i}") for i in range(copies)] + [
        (f"a_{i}", f"1 - v_{i} / r_{i}") for i in range(copies)
    ]
    indicators = pd.DataFrame(
        {
            "indicator_id": ids + [d for d, _ in derived],
            "kind": ["observed"] * len(ids) + ["derived"] * len(derived),
            "formula": [""] * len(ids) + [f for _, f in derived],
            "unit": "",
        }
    )
    observations = pd.DataFrame(
        {
            "observation_id": [f"O{n}" for n in range(len(ids))],
            "indicator_id": ids,
            "country": "HND",
            "election": "2006",
            "comparator": "=",
            "value": [4.0 if i.startswith("v") else 8.0 for i in ids],
        }
    )
    calls = []
    real = module._evaluate
    monkeypatch.setattr(module, "_evaluate", lambda *args: calls.append(len(args[1])) or real(*args))
    out = derived_indicators(indicators, observations)
    assert len(calls) == 2
    assert out["value"].tolist() == [0.5] * copies + [0.5] * copies
    assert out["indicator_id"].tolist() == [d for d, _ in derived]
