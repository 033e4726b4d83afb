"""What changed between two meetings: new actions, status changes, milestones
newly met or newly overdue, new figures.

The data as it stood for a meeting is kept as a snapshot: a copy of the
master CSVs in ``data/snapshots/<meeting>/`` plus ``snapshot.json`` (data
version, time). The report runner calls :func:`save_snapshot` at the start
of each meeting's run; :func:`changes_for_meeting` compares a meeting's data
with the latest earlier meeting that has a snapshot. :func:`changes_between`
is the pure comparison of two datasets.

>>> import pandas as pd
>>> sorted(CHANGE_KEYS)
['milestones_newly_met', 'milestones_newly_overdue', 'new_actions', 'new_figures', 'status_changes']
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.store.atomic import atomic_copy, atomic_write_text
from analysis.dataset.schema import TABLE_ORDER

CHANGE_KEYS = ("new_actions", "status_changes", "milestones_newly_met", "milestones_newly_overdue", "new_figures")
SNAPSHOT_INFO = "snapshot.json"
COLUMNS = {
    "new_actions": ["action_id", "implementer_id", "kind", "description", "period_text", "lifecycle_status"],
    "status_changes": ["action_id", "implementer_id", "kind", "description", "old_status", "new_status"],
    "milestones_newly_met": ["milestone_id", "implementer_id", "description", "period_text", "achieved_on", "old_status"],
    "milestones_newly_overdue": ["milestone_id", "implementer_id", "description", "period_text", "end", "old_status"],
    "new_figures": ["observation_id", "indicator_id", "implementer_id", "country", "election", "value", "old_value"],
}


def snapshot_root(data_path: Path | str | None = None) -> Path:
    """``data/snapshots`` for the master folder; ``<parent>/snapshots`` for another ``.../program`` folder."""
    if data_path is None or Path(data_path).resolve() == config.PROGRAM_DIR.resolve():
        return config.DATA_DIR / "snapshots"
    return Path(data_path).parent / "snapshots"


def save_snapshot(meeting_id: str, source: Path | str | None = None, root: Path | str | None = None) -> Path:
    """Copy the master CSVs of ``source`` to ``root/<meeting_id>/`` (each file atomically).

    The data version and the time are recorded in ``snapshot.json``, written
    last, so a snapshot without it is incomplete and is ignored.
    """
    from analysis.dataset.loading import data_version

    source = Path(source) if source is not None else config.PROGRAM_DIR
    root = Path(root) if root is not None else snapshot_root(source)
    dest = root / str(meeting_id)
    dest.mkdir(parents=True, exist_ok=True)
    info = dest / SNAPSHOT_INFO
    if info.exists():
        info.unlink()  # incomplete until rewritten below
    for name in TABLE_ORDER:
        src = source / f"{name}.csv"
        if src.exists():
            atomic_copy(src, dest / src.name)
    meta = {"meeting_id": str(meeting_id), "data_version": data_version(source),
            "saved_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "source": str(source)}
    atomic_write_text(info, json.dumps(meta, indent=2) + "\n")
    return dest


def has_snapshot(meeting_id: str, root: Path) -> bool:
    return (Path(root) / str(meeting_id) / SNAPSHOT_INFO).exists()


def _empty() -> dict[str, pd.DataFrame]:
    return {k: pd.DataFrame(columns=COLUMNS[k]) for k in CHANGE_KEYS}


def changes_between(old_ds, new_ds, old_as_of, new_as_of, implementer: str | None = None) -> dict[str, pd.DataFrame]:
    """Changes from ``old_ds`` (as of ``old_as_of``) to ``new_ds`` (as of ``new_as_of``).

    Pure: returns new frames keyed by :data:`CHANGE_KEYS`; inputs are not
    modified. ``implementer`` keeps only that implementer's rows.
    """
    from analysis.measures import milestone_status

    def mine(frame):
        return frame if implementer is None else frame[frame["implementer_id"] == implementer]

    out = _empty()
    old_a, new_a = mine(old_ds.actions), mine(new_ds.actions)
    added = new_a[~new_a["action_id"].isin(old_a["action_id"])]
    out["new_actions"] = added.reindex(columns=COLUMNS["new_actions"]).reset_index(drop=True)
    both = new_a.merge(old_a[["action_id", "lifecycle_status"]], on="action_id", suffixes=("", "_old"))
    moved = both[both["lifecycle_status"] != both["lifecycle_status_old"]]
    out["status_changes"] = moved.rename(columns={"lifecycle_status": "new_status", "lifecycle_status_old": "old_status"}) \
        .reindex(columns=COLUMNS["status_changes"]).reset_index(drop=True)

    old_m = milestone_status(mine(old_ds.milestones), old_as_of)[["milestone_id", "status"]]
    new_m = milestone_status(mine(new_ds.milestones), new_as_of)
    ms = new_m.merge(old_m.rename(columns={"status": "old_status"}), on="milestone_id", how="left")
    ms["old_status"] = ms["old_status"].fillna("")
    for key, state in (("milestones_newly_met", "met"), ("milestones_newly_overdue", "overdue")):
        hit = ms[(ms["status"] == state) & (ms["old_status"] != state)]
        out[key] = hit.reindex(columns=COLUMNS[key]).reset_index(drop=True)

    old_o, new_o = mine(old_ds.observations), mine(new_ds.observations)
    fig = new_o.merge(old_o[["observation_id", "value"]].rename(columns={"value": "old_value"}),
                      on="observation_id", how="left")
    fresh = fig[fig["old_value"].isna() | (fig["old_value"] != fig["value"])]
    out["new_figures"] = fresh.reindex(columns=COLUMNS["new_figures"]).reset_index(drop=True)
    return out


def _meetings_file(data_path: Path | str | None) -> Path:
    if data_path is not None:
        candidate = Path(data_path).parent / "meetings.csv"
        if candidate.exists():
            return candidate
    return config.MEETINGS_FILE


def changes_for_meeting(meeting_id: str, data_path: str | Path | None = None,
                        implementer: str | None = None, root: str | Path | None = None
                        ) -> dict[str, pd.DataFrame] | None:
    """Changes since the latest earlier meeting that has a snapshot; None when there is none.

    The meeting's own data is ``data_path`` when given, else its snapshot if
    one exists, else ``data/program``.
    """
    from analysis.dataset.loading import load_dataset
    from analysis.dataset.meetings import load_meetings, resolve_meeting

    meetings = load_meetings(_meetings_file(data_path))
    meeting = resolve_meeting(meetings, meeting_id)
    root = Path(root) if root is not None else snapshot_root(data_path)
    earlier = [m for m in meetings if m.as_of < meeting.as_of and has_snapshot(m.meeting_id, root)]
    if not earlier:
        return None
    previous = max(earlier, key=lambda m: m.as_of)
    old_ds = load_dataset(root / previous.meeting_id, validate=False)
    if data_path is None and has_snapshot(meeting.meeting_id, root):
        new_ds = load_dataset(root / meeting.meeting_id, validate=False)
    else:
        new_ds = load_dataset(data_path)
    result = changes_between(old_ds, new_ds, previous.as_of, meeting.as_of, implementer)
    for frame in result.values():
        frame.attrs.update({"previous_meeting": previous.meeting_id, "meeting": meeting.meeting_id})
    return result


def changes_text(changes: dict[str, pd.DataFrame] | None) -> str:
    """Plain-text listing of :func:`changes_between` output, for the CLI."""
    if changes is None:
        return "No earlier meeting has a snapshot: nothing to compare with."
    lines = []
    for key in CHANGE_KEYS:
        frame = changes[key]
        lines.append(f"{key.replace('_', ' ')}: {len(frame)}")
        for row in frame.itertuples(index=False):
            lines.append("  " + " | ".join(_show(v) for v in row))
    return "\n".join(lines)


def _show(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)[:80]
