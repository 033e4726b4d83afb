"""What changed between two meetings: new actions, status changes, milestones
newly met, newly missed or newly past with completion unreported, new figures.
Pure: datasets in, new frames out.

A milestone is "newly <status>" when it has that status as of the new date
and had another one (or did not exist) as of the old date; statuses are those
of :mod:`analysis.measures.status`. "Newly missed" and "newly past,
completion not reported" replace the former "newly overdue"; like the counts,
they leave out disputed milestones (a data-quality contradiction puts their
date in doubt).

>>> CHANGE_KEYS[2:5]
('milestones_newly_met', 'milestones_newly_missed', 'milestones_newly_past_unreported')
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.status import milestone_status

CHANGE_KEYS = (
    "new_actions",
    "status_changes",
    "milestones_newly_met",
    "milestones_newly_missed",
    "milestones_newly_past_unreported",
    "new_figures",
)
#: Change key -> the milestone status it lists.
NEWLY = {
    "milestones_newly_met": "met",
    "milestones_newly_missed": "missed",
    "milestones_newly_past_unreported": "past_unreported",
}
COLUMNS = {
    "new_actions": ["action_id", "implementer_id", "kind", "description", "period_text", "lifecycle_status"],
    "status_changes": ["action_id", "implementer_id", "kind", "description", "old_status", "new_status"],
    "milestones_newly_met": [
        "milestone_id",
        "implementer_id",
        "description",
        "period_text",
        "achieved_on",
        "old_status",
    ],
    "milestones_newly_missed": ["milestone_id", "implementer_id", "description", "period_text", "end", "old_status"],
    "milestones_newly_past_unreported": [
        "milestone_id",
        "implementer_id",
        "description",
        "period_text",
        "end",
        "old_status",
    ],
    "new_figures": ["observation_id", "indicator_id", "implementer_id", "country", "election", "value", "old_value"],
}


def _empty() -> dict[str, pd.DataFrame]:
    return {k: pd.DataFrame(columns=COLUMNS[k]) for k in CHANGE_KEYS}


def changes_between(old_ds, new_ds, old_as_of, new_as_of, implementer: str | None = None) -> dict[str, pd.DataFrame]:
    """Changes from ``old_ds`` (as of ``old_as_of``) to ``new_ds`` (as of ``new_as_of``).

    Pure: returns new frames keyed by :data:`CHANGE_KEYS`; inputs are not
    modified. ``implementer`` keeps only that implementer's rows.
    """

    def mine(frame):
        return frame if implementer is None else frame[frame["implementer_id"] == implementer]

    out = _empty()
    old_a, new_a = mine(old_ds.actions), mine(new_ds.actions)
    added = new_a[~new_a["action_id"].isin(old_a["action_id"])]
    out["new_actions"] = added.reindex(columns=COLUMNS["new_actions"]).reset_index(drop=True)
    both = new_a.merge(old_a[["action_id", "lifecycle_status"]], on="action_id", suffixes=("", "_old"))
    moved = both[both["lifecycle_status"] != both["lifecycle_status_old"]]
    out["status_changes"] = (
        moved.rename(columns={"lifecycle_status": "new_status", "lifecycle_status_old": "old_status"})
        .reindex(columns=COLUMNS["status_changes"])
        .reset_index(drop=True)
    )

    old_m = milestone_status(mine(old_ds.milestones), old_as_of)[["milestone_id", "status"]]
    new_m = milestone_status(mine(new_ds.milestones), new_as_of, new_ds.data_quality)
    ms = new_m.merge(old_m.rename(columns={"status": "old_status"}), on="milestone_id", how="left")
    ms["old_status"] = ms["old_status"].fillna("")
    for key, state in NEWLY.items():
        hit = ms[(ms["status"] == state) & (ms["old_status"] != state) & ~(ms["disputed"] & (state != "met"))]
        out[key] = hit.reindex(columns=COLUMNS[key]).reset_index(drop=True)

    old_o, new_o = mine(old_ds.observations), mine(new_ds.observations)
    fig = new_o.merge(
        old_o[["observation_id", "value"]].rename(columns={"value": "old_value"}), on="observation_id", how="left"
    )
    fresh = fig[fig["old_value"].isna() | (fig["old_value"] != fig["value"])]
    out["new_figures"] = fresh.reindex(columns=COLUMNS["new_figures"]).reset_index(drop=True)
    return out
