"""Statuses: of mandates (from the actions that serve them) and of milestones (as of a date).

Pure and vectorized: frames in, new frames out, inputs never mutated; no
per-row Python, so the cost is linear in the rows given.

Milestone statuses (:data:`MILESTONE_STATUSES`), as of a date ``as_of``:

``met``
    reported achieved (``achieved = yes``), on or before ``as_of`` when a date
    of achievement is given.
``missed``
    its period ended before ``as_of`` and it is reported NOT achieved
    (``achieved = no``).
``past_unreported``
    its period ended before ``as_of`` and nobody reported whether it was
    achieved (``achieved = unknown``, or achieved only after ``as_of``).
    Silence is not failure: this is kept apart from ``missed``.
``in_progress``
    ``as_of`` falls inside its period (first to last possible day, both
    included), whatever has been reported so far short of ``met``.
``not_yet_due``
    its period starts after ``as_of``.
``undetermined``
    the document gives no usable period: no start and no end, or a recurring
    milestone whose occurrences it does not bound (after its first known start).

Besides the status, the boolean ``disputed`` says that a data-quality flag of a
kind in :data:`DISPUTING_KINDS` (a contradiction between two passages of the
source), not settled in the data (empty ``settled``), names the milestone in
its ``rows``: its date is in doubt. A disputed
milestone keeps its date-based status for display, but counts leave it out of
``missed`` and ``past_unreported`` (see :func:`analysis.measures.counts.implementer_counts`).
Example: the XV IACML is dated September 2006 in prose (DSDE-C2) and September
2007 in the calendar (DSDE-C8); DQ-7 flags both, so neither is counted late.

>>> import datetime as dt
>>> import pandas as pd
>>> m = pd.DataFrame({"milestone_id": ["A"], "start": [pd.Timestamp("2006-09-01")],
...                   "end": [pd.Timestamp("2006-09-30")], "recurring": [False],
...                   "achieved": ["unknown"], "achieved_on": [pd.NaT]})
>>> milestone_status(m, dt.date(2007, 3, 31))[["status", "disputed"]].values.tolist()
[['past_unreported', False]]
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.common.dates import as_date

MANDATE_STATUSES = ("action_reported", "planned_only", "no_action_reported")
MILESTONE_STATUSES = ("met", "missed", "past_unreported", "in_progress", "not_yet_due", "undetermined")
#: Statuses of a milestone whose time has passed without it being met ("late").
LATE_STATUSES = ("missed", "past_unreported")
#: Kinds of data-quality flag that put the dates of the rows they name in doubt.
DISPUTING_KINDS = ("contradiction",)
#: Self-reported lifecycles after which a planned action is no longer awaited.
CLOSED_LIFECYCLES = ("completed", "cancelled")


def mandate_status(mandates: pd.DataFrame, actions: pd.DataFrame, action_mandates: pd.DataFrame) -> pd.DataFrame:
    """Each mandate with the actions that serve it and its status.

    ``action_reported``: at least one linked action was carried out;
    ``planned_only``: linked actions are all planned;
    ``no_action_reported``: no action is linked to it.
    """
    links = action_mandates[["action_id", "mandate_id"]].merge(
        actions[["action_id", "kind"]], on="action_id", how="inner"
    )
    counts = (
        links.assign(carried=links["kind"].eq("carried_out"), planned=links["kind"].eq("planned"))
        .groupby("mandate_id")[["carried", "planned"]]
        .sum()
        .rename(columns={"carried": "n_carried_out", "planned": "n_planned"})
    )
    ids = _joined_ids(links[["mandate_id", "action_id"]])
    out = mandates[["mandate_id", "implementer_id", "seq", "text", "cross_cutting"]].merge(
        counts, left_on="mandate_id", right_index=True, how="left"
    )
    out["n_carried_out"] = out["n_carried_out"].fillna(0).astype(int)
    out["n_planned"] = out["n_planned"].fillna(0).astype(int)
    out["action_ids"] = out["mandate_id"].map(ids).fillna("")
    out["status"] = np.select(
        [out["n_carried_out"] > 0, out["n_planned"] > 0], ["action_reported", "planned_only"], "no_action_reported"
    )
    return out.reset_index(drop=True)


def _joined_ids(pairs: pd.DataFrame) -> pd.Series:
    """``action_id``s per ``mandate_id``, sorted, joined with ";" (one reduceat, no per-group Python call)."""
    pairs = pairs.drop_duplicates().sort_values(["mandate_id", "action_id"])
    if pairs.empty:
        return pd.Series(dtype=object)
    keys = pairs["mandate_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    joined = np.add.reduceat((pairs["action_id"].astype(str) + ";").to_numpy(dtype=object), starts)
    return pd.Series(joined, index=keys[starts]).str.slice(0, -1)


def disputed_ids(data_quality: pd.DataFrame | None, table: str = "milestones") -> pd.Index:
    """Ids of ``table`` rows named by an unsettled data-quality flag of a disputing kind."""
    if data_quality is None or data_quality.empty:
        return pd.Index([], dtype=object)
    disputing = data_quality["kind"].isin(DISPUTING_KINDS)
    if "settled" in data_quality:  # a contradiction settled in the data (how and why given) no longer disputes
        disputing &= data_quality["settled"].fillna("").astype(str).str.strip().eq("")
    flags = data_quality.loc[disputing, "rows"].astype(str)
    refs = flags.str.split(";").explode().str.strip()
    prefix = f"{table}:"
    return pd.Index(refs[refs.str.startswith(prefix)].str.slice(len(prefix)).unique())


def _timestamp(as_of: dt.date | str) -> pd.Timestamp:
    return pd.Timestamp(as_date(as_of) if not isinstance(as_of, dt.date) else as_of)


def milestone_status(
    milestones: pd.DataFrame, as_of: dt.date | str, data_quality: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A copy of ``milestones`` with ``status`` and ``disputed`` columns as of a date.

    The statuses are defined in the module docstring. ``data_quality`` (the
    dataset's ``data_quality`` table) marks disputed milestones; without it
    ``disputed`` is False everywhere.
    """
    day = _timestamp(as_of)
    start, end = pd.to_datetime(milestones["start"]), pd.to_datetime(milestones["end"])
    done_on = pd.to_datetime(milestones["achieved_on"])
    achieved = milestones["achieved"].astype(str)
    recurring = milestones["recurring"].astype("boolean").fillna(False).astype(bool)
    open_recurring = recurring & end.isna()
    ended = end.notna() & (end < day)
    conditions = [
        achieved.eq("yes") & (done_on.isna() | (done_on <= day)),
        open_recurring & start.notna() & (day < start),
        open_recurring | (start.isna() & end.isna()),
        ended & achieved.eq("no"),
        ended,
        start.notna() & (day < start),
    ]
    choices = ["met", "not_yet_due", "undetermined", "missed", "past_unreported", "not_yet_due"]
    out = milestones.copy()
    out["status"] = np.select(conditions, choices, "in_progress") if len(out) else pd.Series(dtype=object)
    out["disputed"] = out["milestone_id"].isin(disputed_ids(data_quality)).astype(bool)
    return out


def milestone_state(start, end, recurring: bool, achieved: str, achieved_on, as_of: dt.date) -> str:
    """Status of one milestone (for examples and checks; frames go through :func:`milestone_status`)."""
    one = pd.DataFrame(
        {
            "milestone_id": [""],
            "start": [pd.Timestamp(as_date(start)) if as_date(start) else pd.NaT],
            "end": [pd.Timestamp(as_date(end)) if as_date(end) else pd.NaT],
            "recurring": [bool(recurring)],
            "achieved": [str(achieved)],
            "achieved_on": [pd.Timestamp(as_date(achieved_on)) if as_date(achieved_on) else pd.NaT],
        }
    )
    return str(milestone_status(one, as_of)["status"].iloc[0])


def action_flags(actions: pd.DataFrame, as_of: dt.date | str) -> pd.DataFrame:
    """A copy of ``actions`` with ``planned_past_due``: a planned action whose date has passed.

    The date of a planned action is the last day of its period (``end``, or
    ``start`` when it gives no end); it has passed when that day is before
    ``as_of`` and its self-reported lifecycle is not ``completed`` or
    ``cancelled``. An undated planned action is never flagged (silence =
    unknown); a carried-out action is never flagged.
    """
    day = _timestamp(as_of)
    last = pd.to_datetime(actions["end"]).fillna(pd.to_datetime(actions["start"]))
    out = actions.copy()
    open_ = ~actions["lifecycle_status"].isin(CLOSED_LIFECYCLES)
    out["planned_past_due"] = (actions["kind"].eq("planned") & open_ & last.notna() & (last < day)).astype(bool)
    return out
