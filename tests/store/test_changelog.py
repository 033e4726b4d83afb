"""The change log is append-only and records each change once."""

from __future__ import annotations

from analysis.store.changelog import COLUMNS, LogEntry, append_changes, ingested_at, read_changelog


def entry(key="IACHR-A1", new="completed", sha="a" * 64):
    return LogEntry(
        "2007-03-01T10:00:00Z", "form.xlsx", sha, "2007", "actions", key, "lifecycle_status", "planned", new
    )


def test_first_append_writes_the_header(tmp_path):
    p = tmp_path / "changelog.csv"
    assert append_changes(p, [entry()]) == 1
    assert p.read_text().splitlines()[0] == ",".join(COLUMNS)


def test_appending_keeps_earlier_lines_byte_for_byte(tmp_path):
    p = tmp_path / "changelog.csv"
    append_changes(p, [entry("IACHR-A1")])
    first = p.read_bytes()
    append_changes(p, [entry("IACHR-A2", sha="b" * 64), entry("IACHR-A3", sha="b" * 64)])
    assert p.read_bytes().startswith(first)
    log = read_changelog(p)
    assert list(log["key"]) == ["IACHR-A1", "IACHR-A2", "IACHR-A3"]


def test_text_with_commas_quotes_and_newlines_round_trips(tmp_path):
    p = tmp_path / "changelog.csv"
    tricky = 'a, "quoted"\nsecond line =1+1'
    append_changes(p, [entry(new=tricky)])
    assert read_changelog(p)["new"].iloc[0] == tricky


def test_ingested_at_finds_a_submission_by_hash(tmp_path):
    p = tmp_path / "changelog.csv"
    assert ingested_at(p, "a" * 64) is None  # no log yet
    append_changes(p, [entry()])
    assert ingested_at(p, "a" * 64) == "2007-03-01T10:00:00Z"
    assert ingested_at(p, "c" * 64) is None


def test_an_empty_batch_writes_only_the_header(tmp_path):
    p = tmp_path / "changelog.csv"
    assert append_changes(p, []) == 0
    assert read_changelog(p).empty and p.read_text().strip() == ",".join(COLUMNS)
