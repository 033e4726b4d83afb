"""Changes between meetings: pure comparison and meeting snapshots."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_excel_fixture

from analysis.dataset.loading import load_dataset
from analysis.dataset.version import data_version
from analysis.measures.changes import CHANGE_KEYS, changes_between
from analysis.store.snapshots import changes_for_meeting, save_snapshot

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "excel"


@pytest.fixture
def data(tmp_path) -> Path:
    return copy_excel_fixture(tmp_path)


def evolved(ds):
    """The fixture a year later: one new action, one status change, one milestone met, one new figure."""
    new = ds.copy()
    a = new.actions
    a.loc[a["action_id"] == "IACHR-P2", "lifecycle_status"] = "in_progress"
    extra = a.iloc[[0]].assign(action_id="IACHR-A3", description="Seminar", lifecycle_status="completed")
    new.tables["actions"] = pd.concat([a, extra], ignore_index=True)
    m = new.milestones
    m.loc[m["milestone_id"] == "IACHR-C1", ["achieved", "achieved_on"]] = ["yes", pd.Timestamp("2007-03-15")]
    o = new.observations
    new.tables["observations"] = pd.concat(
        [o, o.iloc[[0]].assign(observation_id="OBS-NEW", value=7.0)], ignore_index=True
    )
    return new


def test_changes_between_finds_each_kind_of_change():
    old = load_dataset(FIX / "program")
    new = evolved(old)
    ch = changes_between(old, new, dt.date(2006, 3, 16), dt.date(2007, 3, 31))
    assert set(ch) == set(CHANGE_KEYS)
    assert list(ch["new_actions"]["action_id"]) == ["IACHR-A3"]
    assert ch["status_changes"][["action_id", "old_status", "new_status"]].values.tolist() == [
        ["IACHR-P2", "planned", "in_progress"]
    ]
    assert ch["milestones_newly_met"][["milestone_id", "old_status"]].values.tolist() == [["IACHR-C1", "not_yet_due"]]
    assert list(ch["new_figures"]["observation_id"]) == ["OBS-NEW"]
    assert ch["milestones_newly_missed"].empty and ch["milestones_newly_past_unreported"].empty


def test_milestones_become_past_unreported_with_time_alone():
    ds = load_dataset(FIX / "program")
    ch = changes_between(ds, ds, dt.date(2007, 3, 31), dt.date(2007, 12, 31))
    # C1 (first semester 2007) and C2 (February and March 2007) ended before the end of 2007
    # nobody reported on them: past, completion not reported (not "missed")
    assert sorted(ch["milestones_newly_past_unreported"]["milestone_id"]) == ["IACHR-C1", "IACHR-C2"]
    assert ch["milestones_newly_missed"].empty
    assert all(ch[k].empty for k in ("new_actions", "status_changes", "new_figures"))


def test_changes_between_is_pure_and_filters_by_implementer():
    old = load_dataset(FIX / "program")
    new = evolved(old)
    before = new.actions.copy()
    ch = changes_between(old, new, "2006-03-16", "2007-03-31", implementer="CIM")
    assert all(frame.empty for frame in ch.values())
    pd.testing.assert_frame_equal(new.actions, before)


def test_snapshot_copies_the_tables_and_records_the_version(data, tmp_path):
    dest = save_snapshot("2006", data)
    assert dest == data.parent / "snapshots" / "2006"
    assert (dest / "actions.csv").read_bytes() == (data / "actions.csv").read_bytes()
    info = json.loads((dest / "snapshot.json").read_text())
    assert info["data_version"] == data_version(data) and info["meeting_id"] == "2006"


def test_changes_for_meeting_needs_an_earlier_snapshot(data):
    assert changes_for_meeting("2007", data) is None
    save_snapshot("2007", data)  # a snapshot of the same meeting is not an earlier one
    assert changes_for_meeting("2007", data) is None


def test_changes_for_meeting_compares_with_the_latest_earlier_snapshot(data):
    save_snapshot("2006", data)
    text = (data / "actions.csv").read_text(encoding="utf-8")
    (data / "actions.csv").write_text(
        text.replace(",planned,,,IV.A.3,Updating", ",in_progress,,,IV.A.3,Updating"), encoding="utf-8"
    )
    ch = changes_for_meeting("2007", data)
    assert ch["status_changes"]["action_id"].tolist() == ["IACHR-P2"]
    assert ch["new_actions"].empty
    assert ch["status_changes"].attrs["previous_meeting"] == "2006"
    only_cim = changes_for_meeting("2007", data, implementer="CIM")
    assert all(frame.empty for frame in only_cim.values())
