"""Statuses: mandates, milestones (with disputes) and planned actions past due."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import config
from analysis.dataset.loading import load_dataset
from analysis.measures import (
    MILESTONE_STATUSES,
    action_flags,
    disputed_ids,
    mandate_status,
    milestone_state,
    milestone_status,
)


def d(y, m, day):
    return dt.date(y, m, day)


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


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2006-12-31", {"SPA-C1": "not_yet_due", "OIL-C1": "not_yet_due", "OIL-C2": "undetermined"}),
        ("2007-05-15", {"SPA-C1": "in_progress", "OIL-C1": "in_progress", "OIL-C2": "undetermined"}),
        ("2007-07-01", {"SPA-C1": "past_unreported", "OIL-C1": "in_progress", "OIL-C2": "undetermined"}),
        ("2008-01-01", {"SPA-C1": "past_unreported", "OIL-C1": "past_unreported", "OIL-C2": "undetermined"}),
    ],
)
def test_milestone_status_by_hand(ds, as_of, expected):
    out = milestone_status(ds.milestones, as_of, ds.data_quality)
    assert dict(zip(out["milestone_id"], out["status"])) == expected
    assert not out["disputed"].any()  # the mini fixture's only flag is an odd format, on a figure


def test_milestone_state_rules():
    # met when reported achieved, unless achieved only after as_of
    assert milestone_state(d(2007, 1, 1), d(2007, 3, 31), False, "yes", None, d(2007, 2, 1)) == "met"
    assert milestone_state(d(2007, 1, 1), d(2007, 3, 31), False, "yes", d(2007, 3, 1), d(2007, 2, 1)) == "in_progress"
    assert milestone_state(d(2007, 1, 1), d(2007, 3, 31), False, "yes", d(2007, 5, 1), d(2007, 4, 1)) == (
        "past_unreported"
    )
    # missed only when reported NOT achieved after the end; silence is past_unreported
    assert milestone_state(d(2007, 1, 1), d(2007, 3, 31), False, "no", None, d(2007, 4, 1)) == "missed"
    assert milestone_state(d(2007, 1, 1), d(2007, 3, 31), False, "unknown", None, d(2007, 4, 1)) == "past_unreported"
    # the last day of the period is still inside it, even when reported not achieved
    assert milestone_state(d(2006, 8, 1), d(2007, 3, 31), False, "no", None, d(2007, 3, 31)) == "in_progress"
    assert milestone_state(None, None, False, "unknown", None, d(2007, 2, 1)) == "undetermined"
    assert milestone_state(None, d(2006, 12, 31), False, "unknown", None, d(2007, 2, 1)) == "past_unreported"
    # recurring with a known first occurrence: not yet due before it, undetermined after
    assert milestone_state(d(2008, 1, 1), None, True, "unknown", None, d(2007, 6, 1)) == "not_yet_due"
    assert milestone_state(d(2008, 1, 1), None, True, "unknown", None, d(2009, 6, 1)) == "undetermined"


def test_every_status_code_is_reachable():
    cases = [
        (d(2007, 1, 1), d(2007, 3, 31), False, "yes", None, d(2007, 2, 1)),
        (d(2007, 1, 1), d(2007, 3, 31), False, "no", None, d(2007, 4, 1)),
        (d(2007, 1, 1), d(2007, 3, 31), False, "unknown", None, d(2007, 4, 1)),
        (d(2007, 1, 1), d(2007, 3, 31), False, "unknown", None, d(2007, 2, 1)),
        (d(2007, 1, 1), d(2007, 3, 31), False, "unknown", None, d(2006, 2, 1)),
        (None, None, False, "unknown", None, d(2006, 2, 1)),
    ]
    assert tuple(milestone_state(*c) for c in cases) == MILESTONE_STATUSES


def test_xv_iacml_is_disputed_not_late():
    """DQ-7: the XV IACML in September 2006 (prose) or September 2007 (calendar)."""
    program = load_dataset(config.PROGRAM_DIR)
    out = milestone_status(program.milestones, d(2007, 3, 31), program.data_quality).set_index("milestone_id")
    assert out.loc["DSDE-C2", "status"] == "past_unreported" and out.loc["DSDE-C2", "disputed"]
    assert out.loc["DSDE-C8", "status"] == "not_yet_due" and out.loc["DSDE-C8", "disputed"]
    # only contradictions dispute a date: an ambiguity flag (DQ-21 on SUMMITS-C6) does not
    assert not out.loc["SUMMITS-C6", "disputed"]
    assert set(out.index[out["disputed"]]) == set(disputed_ids(program.data_quality))


def test_disputed_ids_reads_only_disputing_kinds():
    dq = pd.DataFrame(
        {
            "kind": ["contradiction", "ambiguity", "contradiction", "contradiction"],
            "rows": ["actions:A-1;milestones:M-1; milestones:M-2", "milestones:M-3", "", "milestones:M-4"],
            "settled": ["", "", "", "M-4 follows the calendar, because ..."],
        }
    )
    assert sorted(disputed_ids(dq)) == ["M-1", "M-2"]
    assert sorted(disputed_ids(dq, "actions")) == ["A-1"]
    assert disputed_ids(None).empty


def test_planned_past_due(ds):
    out = action_flags(ds.actions, "2007-10-01").set_index("action_id")["planned_past_due"]
    # SPA-P1 (third quarter 2007) has passed; SPA-A1 was carried out; OIL-P1 has no date
    assert out.to_dict() == {"SPA-A1": False, "SPA-P1": True, "OIL-P1": False}
    assert not action_flags(ds.actions, "2007-09-30")["planned_past_due"].any()
    done = ds.actions.assign(lifecycle_status="completed")
    assert not action_flags(done, "2008-01-01")["planned_past_due"].any()


def test_status_functions_do_not_mutate_inputs(ds):
    before = {k: v.copy() for k, v in ds.tables.items()}
    mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    milestone_status(ds.milestones, "2007-05-15", ds.data_quality)
    action_flags(ds.actions, "2007-05-15")
    for k, v in before.items():
        pd.testing.assert_frame_equal(v, ds.tables[k])


def test_empty_milestones_give_empty_status():
    cols = ["milestone_id", "start", "end", "recurring", "achieved", "achieved_on"]
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = milestone_status(empty, "2007-01-01")
    assert out.empty and {"status", "disputed"} <= set(out.columns)
