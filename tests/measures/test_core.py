"""Measures, checked against expectations computed by hand from tests/fixtures/mini."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.dataset.loading import load_dataset
from analysis.measures import (
    derived_indicators,
    evaluate_formula,
    formula_inputs,
    implementer_counts,
    mandate_status,
    milestone_state,
    milestone_status,
    program_totals,
)


@pytest.fixture
def ds(mini):
    return load_dataset(mini)


def test_mandate_status_by_hand(ds):
    out = mandate_status(ds.mandates, ds.actions, ds.action_mandates).set_index("mandate_id")
    # SPA-M1 <- SPA-A1 (carried out); OIL-M1 <- OIL-P1 (planned); SPA-M2 has no link.
    assert out.loc["SPA-M1", "status"] == "action_reported"
    assert out.loc["OIL-M1", "status"] == "planned_only"
    assert out.loc["SPA-M2", "status"] == "no_action_reported"
    assert out.loc["SPA-M1", "action_ids"] == "SPA-A1"
    assert (out.loc["OIL-M1", "n_carried_out"], out.loc["OIL-M1", "n_planned"]) == (0, 1)


def test_measures_do_not_mutate_inputs(ds):
    before = {k: v.copy() for k, v in ds.tables.items()}
    mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    milestone_status(ds.milestones, "2007-05-15")
    implementer_counts(ds, dt.date(2007, 5, 15))
    derived_indicators(ds.indicators, ds.observations)
    for k, v in before.items():
        pd.testing.assert_frame_equal(v, ds.tables[k])


@pytest.mark.parametrize(
    "as_of, expected",
    [
        # SPA-C1 is Q2 2007 (Apr 1 - Jun 30), OIL-C1 all of 2007, OIL-C2 "Each year".
        ("2006-12-31", {"SPA-C1": "not_yet_due", "OIL-C1": "not_yet_due", "OIL-C2": "undetermined"}),
        ("2007-05-15", {"SPA-C1": "due", "OIL-C1": "due", "OIL-C2": "undetermined"}),
        ("2007-07-01", {"SPA-C1": "overdue", "OIL-C1": "due", "OIL-C2": "undetermined"}),
        ("2008-01-01", {"SPA-C1": "overdue", "OIL-C1": "overdue", "OIL-C2": "undetermined"}),
    ],
)
def test_milestone_status_by_hand(ds, as_of, expected):
    out = milestone_status(ds.milestones, as_of)
    assert dict(zip(out["milestone_id"], out["status"])) == expected


def test_milestone_state_rules():
    d = dt.date
    assert milestone_state(d(2007, 1, 1), d(2007, 3, 31), False, "yes", None, d(2007, 2, 1)) == "met"
    # reported met, but only after the as-of date: not met yet on that date
    assert milestone_state(d(2007, 1, 1), d(2007, 3, 31), False, "yes", d(2007, 3, 1), d(2007, 2, 1)) == "due"
    assert milestone_state(None, None, False, "unknown", None, d(2007, 2, 1)) == "undetermined"
    assert milestone_state(None, d(2006, 12, 31), False, "unknown", None, d(2007, 2, 1)) == "overdue"
    # recurring with a known first occurrence: not yet due before it, undetermined after
    assert milestone_state(d(2008, 1, 1), None, True, "unknown", None, d(2007, 6, 1)) == "not_yet_due"
    assert milestone_state(d(2008, 1, 1), None, True, "unknown", None, d(2009, 6, 1)) == "undetermined"
    assert milestone_state(d(2006, 8, 1), d(2007, 3, 31), False, "no", None, d(2007, 3, 31)) == "due"


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


def test_implementer_counts_by_hand(ds):
    c = implementer_counts(ds, dt.date(2007, 7, 1)).set_index("implementer_id")
    spa, oil, hnd = c.loc["SPA"], c.loc["OIL"], c.loc["HND"]
    assert (spa.mandates, spa.mandates_action_reported, spa.mandates_no_action_reported) == (2, 1, 1)
    assert (spa.actions_carried_out, spa.actions_planned, spa.milestones, spa.observations) == (1, 1, 1, 2)
    assert spa.milestones_overdue == 1 and spa.share_mandates_with_action == pytest.approx(0.5)
    assert (
        oil.mandates,
        oil.mandates_planned_only,
        oil.milestones,
        oil.milestones_due,
        oil.milestones_undetermined,
    ) == (1, 1, 2, 1, 1)
    assert not hnd.has_data and hnd.mandates == 0
    total = program_totals(c.reset_index())
    assert total["mandates"] == 3 and total["share_mandates_with_action"] == pytest.approx(1 / 3)
    assert total["implementers_without_reports"] == 1  # Honduras
