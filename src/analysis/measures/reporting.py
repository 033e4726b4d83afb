"""Who reported in a period: ONE rule, used by every count, report, index and export.

:data:`REPORTED_RULE` states it in words (reports quote it). In short: an
implementer reported in a period if at least one of its actions, figures or
milestone updates is dated in that period or was reported for the meeting that
closes it.

- Dated: an action carried out, by its first day (``start``, else ``end``); a
  figure, by the first day of its period phrase (each distinct phrase parsed
  once); a milestone update (reported achieved or not achieved), by the day it
  was achieved (``achieved_on``). A planned action or a scheduled milestone is
  not dated by its plan: a plan is not a report of what was done.
- Reported for a meeting: a row from an implementer's submission names its
  meeting (its ``section`` is ``submission:<meeting>:<sha256>``); the rows of
  the Work Plan itself were reported for :data:`WORK_PLAN_MEETING`, the 2007
  special meeting (the Work Plan gives no date; the secretariat placed it
  there, see the ``basis`` column of data/meetings.csv). This is how undated
  rows (most actions, figures such as the Secretary General's counts) count.
- A group of implementers (``kind = oas_group``, e.g. ALL_ORGANS) reports
  through its members: an action linked to one of the group's mandates counts
  for the group as well.

Vectorized: masks over whole columns, no per-row Python; period phrases are
parsed once per distinct phrase.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.dataset.periods import PeriodError, parse_period
from analysis.dataset.provenance import SUBMISSION_PREFIX

#: The meeting the Work Plan's own rows were reported for (data/meetings.csv, ``basis`` of meeting 2007).
WORK_PLAN_MEETING = "2007"
#: Implementer kinds that report through their members' actions on their mandates.
GROUP_KINDS = ("oas_group",)
REPORTED_RULE = (
    "An implementer reported in a period if at least one of its actions, figures or milestone updates is dated "
    "in that period, or was reported for the meeting that closes it. An action carried out is dated by its first "
    "day, a figure by its period, a milestone update by the day the milestone was achieved; plans are not dated "
    "by their plans. Undated rows count for the meeting their report was made for (the Work Plan's for the 2007 "
    "special meeting). A group of implementers reports through its members' actions on its mandates."
)
COLUMNS = ["implementer_id", "actions_reported", "figures_reported", "milestone_updates_reported", "reported"]
#: What the rule reads of an action (the rest, long texts, is never copied here).
ACTION_COLUMNS = ["action_id", "implementer_id", "kind", "start", "end", "section"]


@lru_cache(maxsize=4096)
def _phrase_start(text: str) -> np.datetime64:
    try:
        start = parse_period(text).start
    except PeriodError:
        return np.datetime64("NaT")
    return np.datetime64(start) if start is not None else np.datetime64("NaT")


def per_distinct(values: pd.Series, fn, dtype=object) -> pd.Series:
    """``fn`` applied once per distinct value of ``values`` (cost grows with distinct values, not rows)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.array([fn(u) for u in uniques], dtype=dtype)
    return pd.Series(mapped[codes] if len(uniques) else np.array([], dtype=dtype), index=values.index)


def figure_dates(observations: pd.DataFrame) -> pd.Series:
    """The first day of each figure's period phrase (NaT when it has none or gives no year)."""
    return per_distinct(observations["period_text"], lambda p: _phrase_start(str(p)), "datetime64[ns]")


def _meeting_of(section: object) -> str:
    text = str(section).strip()
    if text.startswith(SUBMISSION_PREFIX):
        return text[len(SUBMISSION_PREFIX) :].split(":", 1)[0]
    return WORK_PLAN_MEETING


def report_meeting(frame: pd.DataFrame) -> pd.Series:
    """The meeting each row was reported for: its submission's, else :data:`WORK_PLAN_MEETING`."""
    return per_distinct(frame["section"], _meeting_of)


def _in(dates: pd.Series, start, end) -> pd.Series:
    inside = dates.notna()
    if start is not None:
        inside &= dates >= pd.Timestamp(start)
    if end is not None:
        inside &= dates <= pd.Timestamp(end)
    return inside


def _counted(frame: pd.DataFrame, dates: pd.Series, start, end, meeting_id, name: str) -> pd.Series:
    hit = _in(dates, start, end)
    if meeting_id is not None:
        hit |= report_meeting(frame).eq(str(meeting_id))
    return frame.loc[hit, "implementer_id"].value_counts().rename(name)


def _group_actions(ds, implementers: pd.DataFrame) -> pd.DataFrame:
    """Actions linked to the mandates of the groups among ``implementers``, relabelled as the group's."""
    groups = implementers.loc[implementers["kind"].isin(GROUP_KINDS), "implementer_id"]
    mandates = ds.mandates.loc[ds.mandates["implementer_id"].isin(groups), ["mandate_id", "implementer_id"]]
    links = ds.action_mandates.loc[ds.action_mandates["mandate_id"].isin(mandates["mandate_id"])]
    links = links[["action_id", "mandate_id"]].merge(mandates, on="mandate_id")
    actions = ds.actions.loc[ds.actions["action_id"].isin(links["action_id"]), ACTION_COLUMNS]
    linked = actions.drop(columns="implementer_id").merge(links[["action_id", "implementer_id"]], on="action_id")
    return linked.drop_duplicates(["action_id", "implementer_id"])


def reported_in_period(
    ds,
    start: dt.date | None,
    end: dt.date | None,
    meeting_id: str | None = None,
    implementer: str | None = None,
) -> pd.DataFrame:
    """Whether each implementer reported in ``[start, end]``, by the rule of :data:`REPORTED_RULE`.

    ``start``/``end`` None leave that side open; ``meeting_id`` (the meeting
    that closes the period) also counts the rows reported for it, dated or not;
    without it only dated rows count. ``implementer`` keeps one implementer
    (sliced before computing). Returns one row per implementer with
    ``actions_reported``, ``figures_reported``, ``milestone_updates_reported``
    (how many rows count) and the boolean ``reported``.
    """
    implementers = ds.implementers[["implementer_id", "kind"]]
    actions, observations, milestones = ds.actions[ACTION_COLUMNS], ds.observations, ds.milestones
    if implementer is not None:
        implementers = implementers[implementers["implementer_id"] == implementer]
        actions = actions[actions["implementer_id"] == implementer]
        observations = observations[observations["implementer_id"] == implementer]
        milestones = milestones[milestones["implementer_id"] == implementer]
    actions = pd.concat([actions, _group_actions(ds, implementers)], ignore_index=True)
    carried = actions["kind"].eq("carried_out")
    action_day = pd.to_datetime(actions["start"]).fillna(pd.to_datetime(actions["end"])).where(carried)
    updates = milestones[milestones["achieved"].isin(["yes", "no"])]
    parts = [
        _counted(actions, action_day, start, end, meeting_id, "actions_reported"),
        _counted(observations, figure_dates(observations), start, end, meeting_id, "figures_reported"),
        _counted(updates, pd.to_datetime(updates["achieved_on"]), start, end, meeting_id, "milestone_updates_reported"),
    ]
    counted = pd.concat(parts, axis=1).reindex(implementers["implementer_id"]).fillna(0).astype(int)
    out = counted.reset_index().rename(columns={"index": "implementer_id"})
    out["reported"] = out[COLUMNS[1:4]].sum(axis=1).gt(0)
    return out[COLUMNS].reset_index(drop=True)


def reported_for_meeting(ds, meeting, implementer: str | None = None) -> pd.DataFrame:
    """:func:`reported_in_period` for a :class:`analysis.dataset.meetings.Meeting`'s reporting period."""
    return reported_in_period(
        ds, meeting.reporting_period_start, meeting.reporting_period_end, meeting.meeting_id, implementer
    )
