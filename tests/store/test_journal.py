"""The redo journal: a commit is all old or all new; recovery rolls forward or discards."""

from __future__ import annotations

import json
import os

import pytest

from analysis.config import DataLayout
from analysis.store import atomic, journal
from analysis.store.changelog import COLUMNS


@pytest.fixture
def lay(tmp_path) -> DataLayout:
    (tmp_path / "program").mkdir()
    for name in ("a", "b"):
        (tmp_path / "program" / f"{name}.csv").write_text(f"x\nold {name}\n")
    (tmp_path / "changelog.csv").write_text(",".join(COLUMNS) + "\n")
    return DataLayout.of(tmp_path / "program")


def files(lay: DataLayout) -> dict[str, str]:
    return {p.name: p.read_text() for p in (*sorted(lay.tables.glob("*.csv")), lay.changelog)}


NEW = {"a.csv": b"x\nnew a\n", "b.csv": b"x\nnew b\n"}
LINE = b"t,f.xlsx,sha,2007,actions,K,c,old,new\n"


def test_commit_replaces_the_tables_and_appends_the_log_then_removes_the_journal(lay):
    journal.commit(lay, {lay.tables / n: d for n, d in NEW.items()}, LINE)
    got = files(lay)
    assert got["a.csv"] == "x\nnew a\n" and got["b.csv"] == "x\nnew b\n"
    assert got["changelog.csv"].endswith(LINE.decode()) and got["changelog.csv"].count("\n") == 2
    assert not lay.journal.exists()


def stage_only(lay: DataLayout, with_marker: bool) -> None:
    """Leave the journal as a crash would: staged files, with or without the commit marker."""
    real_apply = journal._apply

    def crash(*_):
        raise KeyboardInterrupt  # stands for the process dying right after the marker

    journal._apply = crash
    try:
        with pytest.raises(KeyboardInterrupt):
            journal.commit(lay, {lay.tables / n: d for n, d in NEW.items()}, LINE)
    finally:
        journal._apply = real_apply
    if not with_marker:
        (lay.journal / journal.MARKER).unlink()


def test_recovery_rolls_a_committed_journal_forward(lay):
    before = files(lay)
    stage_only(lay, with_marker=True)
    assert files(lay) == before and journal.pending(lay)
    assert journal.recover(lay) == "rolled forward"
    assert files(lay)["a.csv"] == "x\nnew a\n" and files(lay)["changelog.csv"].endswith(LINE.decode())
    assert journal.recover(lay) is None  # nothing left to do


def test_recovery_discards_a_journal_without_its_marker(lay):
    before = files(lay)
    stage_only(lay, with_marker=False)
    assert journal.recover(lay) == "discarded"
    assert files(lay) == before and not lay.journal.exists()


def test_rolling_forward_twice_appends_the_log_once(lay):
    stage_only(lay, with_marker=True)
    marker = json.loads((lay.journal / journal.MARKER).read_bytes())["commit"]
    journal._apply(lay, marker)  # a crash after applying, before the clean-up
    atomic.append(lay.changelog, b"torn half of a rec")  # and a torn tail from an earlier attempt
    assert journal.recover(lay) == "rolled forward"
    assert files(lay)["changelog.csv"].count(LINE.decode()) == 1
    assert files(lay)["changelog.csv"].endswith(LINE.decode())


def test_a_damaged_marker_is_one_line_not_a_guess(lay):
    stage_only(lay, with_marker=True)
    (lay.journal / journal.MARKER).write_text('{"commit": {}, "sha256": "0"}')
    with pytest.raises(journal.JournalError, match="is damaged"):
        journal.recover(lay)


def test_the_lock_refuses_a_second_writer(lay):
    with journal.data_lock(lay):
        with pytest.raises(journal.DataBusy, match="another command is writing this data"):
            with journal.data_lock(lay):
                pass
    with journal.data_lock(lay):  # released
        pass


def test_recover_pending_is_free_when_there_is_no_journal(lay):
    assert journal.recover_pending(lay.tables) is None
    stage_only(lay, with_marker=True)
    assert journal.recover_pending(lay.tables) == "rolled forward"


def test_replaced_tables_keep_their_mode(lay):
    os.chmod(lay.tables / "a.csv", 0o640)
    journal.commit(lay, {lay.tables / n: d for n, d in NEW.items()}, LINE)
    assert (lay.tables / "a.csv").stat().st_mode & 0o777 == 0o640
    assert (lay.tables / "b.csv").stat().st_mode & 0o777 == 0o666 & ~atomic.current_umask()
