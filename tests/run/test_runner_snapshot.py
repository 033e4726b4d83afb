"""A meeting run keeps a snapshot of the master tables, the base of the next meeting's "what changed"."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from analysis import config
from analysis.dataset.meetings import Meeting
from analysis.run import runner as running
from analysis.store import snapshots as changes

MEETING = Meeting("2007", None, dt.date(2007, 3, 31), "t", "t", None, None, "test")


def test_snapshot_of_the_master_only_when_it_changed(tmp_path, monkeypatch, mini):
    program = tmp_path / "data" / "program"
    shutil.copytree(mini, program)
    monkeypatch.setattr(config, "PROGRAM_DIR", program)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path / "data")
    said = []
    running.keep_snapshot(MEETING, None, "v1", said.append)
    info = tmp_path / "data" / "snapshots" / "2007" / "snapshot.json"
    assert info.exists() and len(said) == 1
    assert (tmp_path / "data" / "snapshots" / "2007" / "actions.csv").read_bytes() == (
        program / "actions.csv"
    ).read_bytes()
    recorded = json.loads(info.read_text())["data_version"]
    running.keep_snapshot(MEETING, None, recorded, said.append)  # unchanged data: nothing rewritten
    assert len(said) == 1
    assert changes.has_snapshot("2007", tmp_path / "data" / "snapshots")


def test_no_snapshot_of_another_folder(tmp_path, mini):
    said = []
    running.keep_snapshot(MEETING, mini, "v1", said.append)
    assert said == [] and not (mini.parent / "snapshots").exists()
