"""The one "reported" rule, by hand on tests/fixtures/mini and on the shipped data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import config
from analysis.dataset.loading import load_dataset
from analysis.dataset.meetings import load_meetings
from analysis.measures.reporting import REPORTED_RULE, WORK_PLAN_MEETING, reported_for_meeting, reported_in_period

P2007 = (dt.date(2006, 3, 17), dt.date(2007, 3, 31))


@pytest.fixture
def ds(mini):
    return load_dataset(mini)


def who(frame: pd.DataFrame) -> list[str]:
    return sorted(frame.loc[frame["reported"], "implementer_id"])


def test_dated_rows_alone(ds):
    # SPA-A1 was carried out in November 2006; OIL has only an undated plan; Honduras nothing
    out = reported_in_period(ds, *P2007).set_index("implementer_id")
    assert who(out.reset_index()) == ["SPA"]
    assert out.loc["SPA", ["actions_reported", "figures_reported", "milestone_updates_reported"]].tolist() == [1, 0, 0]
    # the 2005 figures (OBS-1, OBS-2) date SPA's report in 2005
    assert (
        reported_in_period(ds, dt.date(2005, 1, 1), dt.date(2005, 12, 31))
        .set_index("implementer_id")
        .loc["SPA", "figures_reported"]
        == 2
    )


def test_plans_are_not_dated_by_their_plan(ds):
    # SPA-P1 is planned for the third quarter of 2007: not a report made then
    assert who(reported_in_period(ds, dt.date(2007, 4, 1), dt.date(2027, 3, 31))) == []


def test_rows_count_for_the_meeting_they_were_reported_for(ds):
    assert who(reported_in_period(ds, *P2007, meeting_id=WORK_PLAN_MEETING)) == ["OIL", "SPA"]
    moved = ds.copy()
    moved.tables["actions"]["section"] = moved.actions["section"].astype(str)  # held once if repeated: plain text
    moved.tables["actions"].loc[moved.actions["action_id"] == "OIL-P1", "section"] = "submission:2027:0123456789ab"
    assert who(reported_in_period(moved, dt.date(2007, 4, 1), dt.date(2027, 3, 31), meeting_id="2027")) == ["OIL"]


def test_a_group_reports_through_its_members(ds):
    grouped = ds.copy()
    t = grouped.tables
    t["implementers"] = pd.concat(
        [t["implementers"], t["implementers"].iloc[[0]].assign(implementer_id="ALL", kind="oas_group")],
        ignore_index=True,
    )
    t["mandates"] = pd.concat(
        [t["mandates"], t["mandates"].iloc[[0]].assign(mandate_id="ALL-M1", implementer_id="ALL")], ignore_index=True
    )
    t["action_mandates"] = pd.concat(
        [t["action_mandates"], t["action_mandates"].iloc[[0]].assign(link_id="x", mandate_id="ALL-M1")],
        ignore_index=True,
    )
    out = reported_in_period(grouped, *P2007).set_index("implementer_id")
    assert out.loc["ALL", "reported"] and out.loc["ALL", "actions_reported"] == 1  # SPA-A1 serves ALL-M1
    assert out.loc["SPA", "actions_reported"] == 1  # still SPA's own, once


def test_one_implementer_costs_its_slice(ds):
    whole = reported_in_period(ds, *P2007, meeting_id="2007")
    for imp in whole["implementer_id"]:
        mine = reported_in_period(ds, *P2007, meeting_id="2007", implementer=imp)
        pd.testing.assert_frame_equal(mine, whole[whole["implementer_id"] == imp].reset_index(drop=True))


def test_shipped_2007_report_agrees_with_the_issue():
    """DPD supplied the voting-abroad figures; SG has figures; ALL_ORGANS has covered mandates."""
    program = load_dataset(config.PROGRAM_DIR)
    meetings = {m.meeting_id: m for m in load_meetings()}
    out = reported_for_meeting(program, meetings["2007"]).set_index("implementer_id")
    assert out.loc[["DPD", "SG", "ALL_ORGANS", "IACHR"], "reported"].all()
    assert not out.loc[["IACD", "PAHO", "HND"], "reported"].any()
    # nothing is dated after the Work Plan, so nobody has reported for the next meeting yet
    assert not reported_for_meeting(program, meetings["2027"])["reported"].any()


def test_the_rule_is_stated_once_for_the_reports():
    assert "actions, figures or milestone updates" in REPORTED_RULE and WORK_PLAN_MEETING in REPORTED_RULE
