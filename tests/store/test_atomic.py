"""Atomic writes: whole files, the right mode, one plain line when the disk refuses."""

from __future__ import annotations

import errno
import os

import pytest

from analysis.store import atomic
from analysis.store.changelog import COLUMNS, LogEntry, append_changes, read_changelog


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path):
    old = os.umask(0o027)
    try:
        atomic.atomic_write_text(tmp_path / "new.txt", "x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640
        assert atomic.current_umask() == 0o027
    finally:
        os.umask(old)
    atomic.atomic_write_bytes(tmp_path / "other.bin", b"x")
    assert (tmp_path / "other.bin").stat().st_mode & 0o777 == 0o666 & ~old


def test_a_replaced_file_keeps_its_mode(tmp_path):
    p = tmp_path / "kept.csv"
    p.write_text("old")
    os.chmod(p, 0o664)
    with atomic.atomic_write(p) as fh:
        fh.write("new")
    assert p.read_text() == "new" and p.stat().st_mode & 0o777 == 0o664


def test_nothing_is_left_readable_by_its_owner_only(tmp_path):
    atomic.atomic_copy(__file__, tmp_path / "copy.py")
    atomic.append(tmp_path / "log.csv", b"a\n")
    for p in tmp_path.iterdir():
        assert p.stat().st_mode & 0o044, p  # group and others can read (umask 022 or 027)


def test_a_failed_write_is_one_line_naming_the_file(tmp_path, monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(atomic.WriteError) as info:
        atomic.atomic_write_text(tmp_path / "out.txt", "x")
    assert str(info.value) == f"cannot write {tmp_path / 'out.txt'}: No space left on device; nothing was changed there"
    assert isinstance(info.value, OSError) and info.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []  # no temporary file left


def test_disk_full_while_appending_to_the_log_leaves_no_torn_record(tmp_path, monkeypatch):
    p = tmp_path / "changelog.csv"
    entry = LogEntry("2007-03-01T10:00:00Z", "f.xlsx", "a" * 64, "2007", "actions", "K", "c", "", "x" * 5000)
    append_changes(p, [entry])
    before = p.read_bytes()
    real_append = atomic.append

    def half_then_full(path, data):
        real_append(path, data[: len(data) // 2])  # the disk took half the record
        raise atomic.WriteError(path, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))

    monkeypatch.setattr(atomic, "append", half_then_full)
    with pytest.raises(atomic.WriteError, match="No space left on device"):
        append_changes(p, [entry, entry])
    assert p.read_bytes() == before
    assert len(read_changelog(p)) == 1 and list(read_changelog(p).columns) == list(COLUMNS)
