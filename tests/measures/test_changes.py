"""Changes between meetings with the honest statuses, on tests/fixtures/mini."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.dataset.loading import load_dataset
from analysis.measures.changes import CHANGE_KEYS, changes_between


@pytest.fixture
def ds(mini):
    return load_dataset(mini)


def test_nothing_changes_between_a_dataset_and_itself_on_one_day(ds):
    ch = changes_between(ds, ds, dt.date(2007, 7, 1), dt.date(2007, 7, 1))
    assert set(ch) == set(CHANGE_KEYS) and all(frame.empty for frame in ch.values())


def test_time_alone_makes_milestones_past_unreported_not_missed(ds):
    ch = changes_between(ds, ds, dt.date(2007, 5, 15), dt.date(2007, 7, 1))
    assert ch["milestones_newly_past_unreported"][["milestone_id", "old_status"]].values.tolist() == [
        ["SPA-C1", "in_progress"]
    ]
    assert ch["milestones_newly_missed"].empty


def test_a_milestone_reported_not_achieved_is_newly_missed_unless_disputed(ds):
    new = ds.copy()
    new.tables["milestones"].loc[new.milestones["milestone_id"] == "SPA-C1", "achieved"] = "no"
    ch = changes_between(ds, new, dt.date(2007, 5, 15), dt.date(2007, 7, 1))
    assert list(ch["milestones_newly_missed"]["milestone_id"]) == ["SPA-C1"]
    flag = pd.DataFrame({"issue_id": ["DQ-9"], "kind": ["contradiction"], "rows": ["milestones:SPA-C1"]})
    new.tables["data_quality"] = pd.concat([new.data_quality, flag], ignore_index=True)
    assert changes_between(ds, new, dt.date(2007, 5, 15), dt.date(2007, 7, 1))["milestones_newly_missed"].empty


def test_status_changes_and_new_figures_carry_the_old_values(ds):
    new = ds.copy()
    new.tables["actions"].loc[new.actions["action_id"] == "SPA-P1", "lifecycle_status"] = "in_progress"
    new.tables["observations"].loc[new.observations["observation_id"] == "OBS-2", "value"] = 4542.0
    ch = changes_between(ds, new, dt.date(2007, 7, 1), dt.date(2007, 7, 1))
    assert ch["status_changes"][["action_id", "old_status", "new_status"]].values.tolist() == [
        ["SPA-P1", "planned", "in_progress"]
    ]
    assert ch["new_figures"][["observation_id", "value", "old_value"]].values.tolist() == [["OBS-2", 4542.0, 4541.0]]
    assert ch["new_actions"].empty
