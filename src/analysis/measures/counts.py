"""Counts and shares per implementer, and program totals.

Pure and vectorized (group-bys over whole columns, no per-row Python). Every
function that counts for implementers takes an optional ``implementer`` and
slices the tables to it BEFORE computing, so one implementer's figures cost
what that implementer's rows cost.

Shares: a share whose denominator is zero is NaN ("not applicable"), never 0.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.measures.reporting import reported_for_meeting
from analysis.measures.status import (
    LATE_STATUSES,
    MANDATE_STATUSES,
    MILESTONE_STATUSES,
    action_flags,
    mandate_status,
    milestone_status,
)


def implementer_slice(ds, implementer: str | None) -> dict[str, pd.DataFrame]:
    """The tables a count needs, cut to one implementer (all of them for None).

    ``action_mandates`` and the actions it needs are kept for every mandate of
    the slice, including actions of other implementers that serve them.
    """
    names = ("implementers", "mandates", "actions", "action_mandates", "milestones", "observations", "data_quality")
    tables = {name: ds[name] for name in names}
    if implementer is None:
        return tables

    def mine(frame):
        return frame[frame["implementer_id"] == implementer]

    out = {name: mine(tables[name]) for name in ("implementers", "mandates", "milestones", "observations")}
    links = tables["action_mandates"]
    links = links[links["mandate_id"].isin(out["mandates"]["mandate_id"])]
    actions = tables["actions"]
    out["action_mandates"] = links
    out["actions"] = actions[actions["action_id"].isin(links["action_id"]) | (actions["implementer_id"] == implementer)]
    out["own_actions"] = mine(actions)
    out["data_quality"] = tables["data_quality"]
    return out


def share(part, whole):
    """``part / whole``, NaN (not applicable) where ``whole`` is 0 or missing. Works on numbers and Series."""
    if isinstance(whole, pd.Series):
        return (part / whole.where(whole > 0)).astype("float64")
    return float(part) / float(whole) if whole else float("nan")


def _count(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame.groupby("implementer_id", observed=True).size().rename(name)


def _milestone_counts(milestones: pd.DataFrame, as_of, data_quality: pd.DataFrame) -> list[pd.Series]:
    st = milestone_status(milestones, as_of, data_quality)
    counted = st[~(st["disputed"] & st["status"].isin(LATE_STATUSES))]
    parts = [_count(counted[counted["status"] == s], f"milestones_{s}") for s in MILESTONE_STATUSES]
    late = _count(counted[counted["status"].isin(LATE_STATUSES)], "milestones_late")
    return [
        *parts,
        late,
        late.rename("milestones_overdue"),  # compatible alias of milestones_late, until callers switch
        _count(counted[counted["status"] == "in_progress"], "milestones_due"),  # alias of milestones_in_progress
        _count(st[st["disputed"]], "milestones_disputed"),
    ]


def implementer_counts(
    ds, as_of: dt.date | str | None = None, implementer: str | None = None, meeting=None
) -> pd.DataFrame:
    """Counts and shares per implementer (one row per implementer; one row only with ``implementer``).

    Columns: ``mandates`` and ``mandates_<status>`` for each of
    :data:`MANDATE_STATUSES`; ``actions_carried_out``, ``actions_planned``;
    ``milestones``; ``observations``; ``share_mandates_with_action`` (NaN, not
    applicable, for an implementer without mandates); ``has_data``.

    With ``as_of`` also: ``milestones_<status>`` for each of
    :data:`MILESTONE_STATUSES`, where ``missed`` and ``past_unreported`` leave
    out disputed milestones; ``milestones_late`` (their sum);
    ``milestones_disputed`` (disputed milestones of any status);
    ``actions_planned_past_due``. ``milestones_overdue`` and
    ``milestones_due`` are compatible aliases of ``milestones_late`` and
    ``milestones_in_progress``.

    With ``meeting`` (an :class:`analysis.dataset.meetings.Meeting`) also the
    columns of :func:`analysis.measures.reporting.reported_in_period` for its
    reporting period: ``actions_reported``, ``figures_reported``,
    ``milestone_updates_reported`` and ``reported``.
    """
    t = implementer_slice(ds, implementer)
    own_actions = t.get("own_actions", t["actions"])
    ms = mandate_status(t["mandates"], t["actions"], t["action_mandates"])
    doers = own_actions[["implementer_id"]]  # counted by kind without copying the actions' texts
    parts = [
        _count(ms, "mandates"),
        *[_count(ms[ms["status"] == s], f"mandates_{s}") for s in MANDATE_STATUSES],
        _count(doers[own_actions["kind"] == "carried_out"], "actions_carried_out"),
        _count(doers[own_actions["kind"] == "planned"], "actions_planned"),
        _count(t["milestones"], "milestones"),
        _count(t["observations"], "observations"),
    ]
    if as_of is not None:
        flagged = action_flags(own_actions, as_of)
        parts.append(_count(flagged[flagged["planned_past_due"]], "actions_planned_past_due"))
        parts += _milestone_counts(t["milestones"], as_of, t["data_quality"])
    rows = t["implementers"][["implementer_id", "kind", "name_en"]].reset_index(drop=True)
    counted = pd.concat(parts, axis=1)
    out = rows.join(counted.reindex(rows["implementer_id"]).reset_index(drop=True))
    num = list(counted.columns)
    out[num] = out[num].fillna(0).astype(int)
    out = out[["implementer_id", *num, "kind", "name_en"]]
    out.insert(len(num) + 1, "share_mandates_with_action", share(out["mandates_action_reported"], out["mandates"]))
    out["has_data"] = (
        out[["mandates", "actions_carried_out", "actions_planned", "milestones", "observations"]].sum(axis=1).gt(0)
    )
    if meeting is not None:
        out = out.merge(reported_for_meeting(ds, meeting, implementer), on="implementer_id", how="left")
    return out


def program_totals(counts: pd.DataFrame) -> pd.Series:
    """Program-wide sums of :func:`implementer_counts`, with shares recomputed (NaN when not applicable).

    When the counts were made for a meeting, ``implementers_reported`` and
    ``implementers_without_reports`` count implementers by the one
    "reported" rule (:data:`analysis.measures.reporting.REPORTED_RULE`);
    without a meeting there is no period, and these two are left out.
    """
    num = counts.select_dtypes("number").drop(columns=["share_mandates_with_action"], errors="ignore")
    total = num.sum()
    total["share_mandates_with_action"] = share(total["mandates_action_reported"], total["mandates"])
    total["implementers_with_data"] = int(counts["has_data"].sum())
    if "reported" in counts:
        total["implementers_reported"] = int(counts["reported"].sum())
        total["implementers_without_reports"] = int((~counts["reported"].astype(bool)).sum())
    return total
