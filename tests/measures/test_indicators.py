"""Derived indicators, checked against values computed by hand from tests/fixtures/mini."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.dataset.loading import load_dataset
from analysis.measures import derived_indicators, evaluate_formula, formula_inputs, indicator_table


@pytest.fixture
def ds(mini):
    return load_dataset(mini)


def test_derived_turnout_computed_not_typed(ds):
    out = derived_indicators(ds.indicators, ds.observations)
    assert list(out["indicator_id"]) == ["absentee_turnout"]
    row = out.iloc[0]
    assert row["country"] == "HND"
    assert row["value"] == pytest.approx(4541 / 10260)
    assert row["inputs"] == "OBS-1;OBS-2"


def test_derived_needs_all_inputs(ds):
    obs = ds.observations[ds.observations["indicator_id"] != "absentee_voted"]
    assert derived_indicators(ds.indicators, obs).empty


def test_formula_rejects_code():
    with pytest.raises(ValueError):
        formula_inputs("__import__('os').system('true')")
    assert formula_inputs("(a + b) / c") == ["a", "b", "c"]
    assert evaluate_formula("a / b", {"a": 1, "b": 0}) != evaluate_formula("a / b", {"a": 1, "b": 0})  # NaN


def test_indicator_table_puts_observed_and_derived_side_by_side(ds):
    table = indicator_table(ds.indicators, ds.observations).set_index("country")
    assert table.loc["HND", "absentee_registered"] == 10260
    assert table.loc["HND", "absentee_turnout"] == pytest.approx(4541 / 10260)


def test_derived_indicators_do_not_mutate_inputs(ds):
    before = ds.observations.copy(), ds.indicators.copy()
    derived_indicators(ds.indicators, ds.observations)
    pd.testing.assert_frame_equal(before[0], ds.observations)
    pd.testing.assert_frame_equal(before[1], ds.indicators)
