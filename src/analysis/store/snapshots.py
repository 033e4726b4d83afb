"""Meeting snapshots: the master tables as they stood for a meeting.

The data as it stood for a meeting is kept as a snapshot: a copy of the
master CSVs in ``data/snapshots/<meeting>/`` plus ``snapshot.json`` (data
version, time). The report runner calls :func:`save_snapshot` at the start
of each meeting's run; :func:`changes_for_meeting` compares a meeting's data
with the latest earlier meeting that has a snapshot. The comparison itself
is :func:`analysis.measures.changes.changes_between`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.dataset.schema import TABLE_ORDER
from analysis.measures.changes import changes_between
from analysis.store.atomic import atomic_copy, atomic_write_text

SNAPSHOT_INFO = "snapshot.json"


def snapshot_root(data_path: Path | str | None = None) -> Path:
    """Where the snapshots of this data folder live (see :class:`analysis.config.DataLayout`)."""
    return config.DataLayout.of(data_path).snapshots


def save_snapshot(meeting_id: str, source: Path | str | None = None, root: Path | str | None = None) -> Path:
    """Copy the master CSVs of ``source`` to ``root/<meeting_id>/`` (each file atomically).

    The data version and the time are recorded in ``snapshot.json``, written
    last, so a snapshot without it is incomplete and is ignored.
    """
    from analysis.dataset.version import data_version

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
    meta = {
        "meeting_id": str(meeting_id),
        "data_version": data_version(source),
        "saved_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "source": str(source),
    }
    atomic_write_text(info, json.dumps(meta, indent=2) + "\n")
    return dest


def has_snapshot(meeting_id: str, root: Path) -> bool:
    return (Path(root) / str(meeting_id) / SNAPSHOT_INFO).exists()


def changes_for_meeting(
    meeting_id: str,
    data_path: str | Path | None = None,
    implementer: str | None = None,
    root: str | Path | None = None,
    meetings_file: str | Path | None = None,
) -> dict[str, pd.DataFrame] | None:
    """Changes since the latest earlier meeting that has a snapshot; None when there is none.

    The meeting's own data is ``data_path`` when given, else its snapshot if
    one exists, else ``data/program``.
    """
    from analysis.dataset.loading import load_dataset
    from analysis.dataset.meetings import load_meetings, resolve_meeting

    meetings = load_meetings(config.DataLayout.of(data_path, meetings_file).meetings)
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
