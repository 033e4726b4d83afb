"""Counts per implementer and program totals, checked by hand against tests/fixtures/mini."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analysis.dataset.loading import load_dataset
from analysis.dataset.meetings import Meeting
from analysis.measures import implementer_counts, program_totals


@pytest.fixture
def ds(mini):
    return load_dataset(mini)


def meeting(mid="2007", start=dt.date(2006, 3, 17), end=dt.date(2007, 3, 31)) -> Meeting:
    return Meeting(mid, None, end, f"meeting {mid}", "", start, end, "test")


def test_implementer_counts_by_hand(ds):
    c = implementer_counts(ds, dt.date(2007, 7, 1)).set_index("implementer_id")
    spa, oil, hnd = c.loc["SPA"], c.loc["OIL"], c.loc["HND"]
    assert (spa.mandates, spa.mandates_action_reported, spa.mandates_no_action_reported) == (2, 1, 1)
    assert (spa.actions_carried_out, spa.actions_planned, spa.milestones, spa.observations) == (1, 1, 1, 2)
    # SPA-C1 (second quarter 2007) ended, nobody reported on it: past, completion not reported
    assert (spa.milestones_past_unreported, spa.milestones_missed, spa.milestones_late) == (1, 0, 1)
    assert spa.share_mandates_with_action == pytest.approx(0.5)
    assert (oil.mandates, oil.mandates_planned_only, oil.milestones) == (1, 1, 2)
    assert (oil.milestones_in_progress, oil.milestones_undetermined) == (1, 1)
    # compatible aliases until every caller has switched
    assert (spa.milestones_overdue, oil.milestones_due) == (spa.milestones_late, oil.milestones_in_progress)
    assert not hnd.has_data and hnd.mandates == 0


def test_share_without_denominator_is_not_applicable(ds):
    c = implementer_counts(ds).set_index("implementer_id")
    assert math.isnan(c.loc["HND", "share_mandates_with_action"])  # no mandates: not applicable, not 0
    assert c.loc["OIL", "share_mandates_with_action"] == 0.0  # one mandate, no action: a real 0
    no_mandates = program_totals(c.reset_index().assign(mandates=0, mandates_action_reported=0))
    assert math.isnan(no_mandates["share_mandates_with_action"])


def test_program_totals_use_the_reported_rule(ds):
    total = program_totals(implementer_counts(ds, dt.date(2007, 7, 1), meeting=meeting()))
    assert total["mandates"] == 3 and total["share_mandates_with_action"] == pytest.approx(1 / 3)
    # SPA and OIL reported in the Work Plan (for the 2007 meeting); Honduras did not
    assert (total["implementers_reported"], total["implementers_without_reports"]) == (2, 1)
    assert "implementers_without_reports" not in program_totals(implementer_counts(ds))


def test_disputed_milestones_are_not_counted_late(ds):
    dq = pd.DataFrame(
        {"issue_id": ["DQ-9"], "kind": ["contradiction"], "implementer_id": ["SPA"], "rows": ["milestones:SPA-C1"]}
    )
    disputed = ds.copy()
    disputed.tables["data_quality"] = pd.concat([ds.data_quality, dq], ignore_index=True)
    c = implementer_counts(disputed, dt.date(2007, 7, 1)).set_index("implementer_id").loc["SPA"]
    assert (c.milestones_past_unreported, c.milestones_late, c.milestones_overdue, c.milestones_disputed) == (
        0,
        0,
        0,
        1,
    )


def test_planned_actions_past_due_are_counted(ds):
    c = implementer_counts(ds, dt.date(2007, 10, 1)).set_index("implementer_id")
    assert (c.loc["SPA", "actions_planned_past_due"], c.loc["OIL", "actions_planned_past_due"]) == (1, 0)


@pytest.mark.parametrize("who", ["SPA", "OIL", "HND"])
def test_one_implementer_slice_gives_its_row_of_the_whole(ds, who):
    whole = implementer_counts(ds, dt.date(2007, 7, 1), meeting=meeting())
    mine = implementer_counts(ds, dt.date(2007, 7, 1), implementer=who, meeting=meeting())
    expected = whole[whole["implementer_id"] == who].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, expected)


def test_counts_do_not_mutate_inputs(ds):
    before = {k: v.copy() for k, v in ds.tables.items()}
    implementer_counts(ds, dt.date(2007, 5, 15), meeting=meeting())
    implementer_counts(ds, dt.date(2007, 5, 15), implementer="SPA")
    for k, v in before.items():
        pd.testing.assert_frame_equal(v, ds.tables[k])
