"""The typed snapshot load_dataset keeps: same tables, never stale, never required."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import DataLayout
from analysis.dataset import cache
from analysis.dataset.loading import load_dataset
from analysis.errors import DataError


def snapshots(folder) -> list:
    where = DataLayout.of(folder).cache / "datasets"
    return sorted(p for p in where.iterdir() if not p.name.startswith(".")) if where.exists() else []


def test_second_load_reads_the_snapshot_and_gives_the_same_tables(mini):
    first = load_dataset(mini)
    (entry,) = snapshots(mini)
    assert entry.name.startswith(first.version)
    second = load_dataset(mini)
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(frame, second.tables[name], check_dtype=True, obj=name)
    assert second.version == first.version


def test_snapshot_is_never_stale_after_an_edit_of_the_same_size(mini):
    load_dataset(mini)
    file = mini / "actions.csv"
    text = file.read_text(encoding="utf-8")
    assert "completed" in text
    file.write_text(text.replace("completed", "cancelled", 1), encoding="utf-8")  # same length
    ds = load_dataset(mini)
    assert "cancelled" in ds.actions["lifecycle_status"].tolist()
    assert len(snapshots(mini)) == 2


def test_invalid_data_is_refused_even_when_an_older_snapshot_exists(mini):
    load_dataset(mini)
    file = mini / "actions.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("completed", "finished"), encoding="utf-8")
    with pytest.raises(DataError, match="finished"):
        load_dataset(mini)


def test_unvalidated_loads_leave_no_snapshot(mini):
    load_dataset(mini, validate=False)
    assert snapshots(mini) == []


def test_cache_can_be_turned_off(mini, monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATASET_CACHE", "0")
    load_dataset(mini)
    assert snapshots(mini) == []


def test_a_damaged_snapshot_is_ignored(mini):
    first = load_dataset(mini)
    (entry,) = snapshots(mini)
    (entry / f"actions{cache.SUFFIX}").write_bytes(b"not an Arrow file")
    again = load_dataset(mini)
    pd.testing.assert_frame_equal(first.actions, again.actions)


def test_the_code_fingerprint_is_part_of_the_name(mini):
    load_dataset(mini)
    (entry,) = snapshots(mini)
    assert entry.name.endswith(cache.code_fingerprint())


def test_raw_text_is_read_again_on_demand(mini):
    load_dataset(mini)
    ds = load_dataset(mini)
    assert ds.raw["actions"].frame.loc[0, "action_id"] == ds.actions.loc[0, "action_id"]


def test_repr_html_lists_tables_rows_version_and_source(mini):
    ds = load_dataset(mini)
    html = ds._repr_html_()
    assert f"<code>{ds.version}</code>" in html and str(mini) in html
    assert f"<tr><td><code>actions</code></td><td>{len(ds.actions)}</td>" in html
    assert html.count("<tr>") == 1 + len(ds.tables)


def test_a_run_kernel_reads_the_snapshot_of_the_runs_version(mini, monkeypatch):
    """A meeting run hashes once; its kernels read that version's snapshot, even if the files changed since."""
    run = load_dataset(mini)
    file = mini / "actions.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("completed", "cancelled", 1), encoding="utf-8")
    monkeypatch.setenv(cache.RUN_VERSION, f"{mini.resolve()}\n{run.version}")
    kernel = load_dataset(mini)
    assert kernel.version == run.version
    assert "cancelled" not in kernel.actions["lifecycle_status"].tolist()
    # Other data, or a version without a snapshot: hashed and read as usual.
    monkeypatch.setenv(cache.RUN_VERSION, f"{mini.resolve()}\n000000000000")
    fresh = load_dataset(mini)
    assert fresh.version != run.version
    assert "cancelled" in fresh.actions["lifecycle_status"].tolist()
    monkeypatch.setenv(cache.RUN_VERSION, f"{mini.resolve().parent / 'other'}\n{run.version}")
    assert load_dataset(mini).version == fresh.version


@pytest.mark.parametrize("cached", [True, False])
def test_only_the_columns_asked_for(mini, monkeypatch, cached):
    full = load_dataset(mini)
    if not cached:
        monkeypatch.setenv("ANALYSIS_DATASET_CACHE", "0")
    part = load_dataset(mini, columns={"observations": ["implementer_id", "country"]})
    assert list(part.observations.columns) == ["implementer_id", "country"]
    pd.testing.assert_frame_equal(part.observations, full.observations[["implementer_id", "country"]])
    pd.testing.assert_frame_equal(part.actions, full.actions)


def _settled(monkeypatch) -> list:
    """Stamps count as settled 50 ms after a write (instead of 2 s); returns the list of paths hashed from now."""
    import time

    from analysis.dataset import loading, version

    monkeypatch.setattr(version, "RACY_NS", 50_000_000)
    time.sleep(0.1)
    hashed: list = []
    real = loading.data_version
    monkeypatch.setattr(loading, "data_version", lambda p=None: hashed.append(p) or real(p))
    return hashed


def test_unchanged_stamps_give_the_version_without_hashing(mini, monkeypatch):
    hashed = _settled(monkeypatch)
    first = load_dataset(mini)
    assert len(hashed) == 1
    again = load_dataset(mini)
    assert again.version == first.version and len(hashed) == 1  # the stamps said which version
    pd.testing.assert_frame_equal(first.actions, again.actions)


def test_any_write_is_seen_although_the_stamps_were_remembered(mini, monkeypatch):
    import os

    hashed = _settled(monkeypatch)
    first = load_dataset(mini)
    file = mini / "actions.csv"
    st = file.stat()
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("completed", "cancelled", 1), encoding="utf-8")  # same size
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))  # same times: the change time moves all the same
    second = load_dataset(mini)
    assert second.version != first.version and len(hashed) == 2
    assert "cancelled" in second.actions["lifecycle_status"].tolist()


def test_files_rewritten_with_the_same_content_are_hashed_and_served_from_the_snapshot(mini, monkeypatch):
    from analysis.dataset import loading

    hashed = _settled(monkeypatch)
    first = load_dataset(mini)
    for file in mini.glob("*.csv"):
        file.write_bytes(file.read_bytes())  # new stamps, same bytes
    validated = []
    real = loading.validate_raw
    monkeypatch.setattr(loading, "validate_raw", lambda raw, p=None: validated.append(p) or real(raw, p))
    second = load_dataset(mini)
    assert second.version == first.version and len(hashed) == 2
    assert validated == []  # the snapshot of that version was found: not validated again
    pd.testing.assert_frame_equal(first.observations, second.observations)
    assert len(snapshots(mini)) == 1


def test_a_damaged_record_of_stamps_is_ignored(mini, monkeypatch):
    hashed = _settled(monkeypatch)
    first = load_dataset(mini)
    (record,) = (DataLayout.of(mini).cache / "datasets").glob(".stamps-*.json")
    for bad in ("{", '{"stamps": 1, "version": "x"}', "[]"):
        record.write_text(bad, encoding="utf-8")
        assert load_dataset(mini).version == first.version
    assert len(hashed) == 4  # each bad record: hashed again (and the record mended)


def test_stamps_taken_just_after_a_write_are_not_remembered(mini):
    load_dataset(mini)  # the fixture was copied a moment ago: within the racy window
    assert list((DataLayout.of(mini).cache / "datasets").glob(".stamps-*.json")) == []


def test_tables_read_from_a_snapshot_can_be_edited_in_place(mini):
    load_dataset(mini)
    ds = load_dataset(mini)  # from the snapshot: its files are mapped, not copied
    obs = ds.observations
    assert isinstance(obs["note"].dtype, pd.CategoricalDtype)
    obs.loc[0, "note"] = obs["note"].iloc[-1]
    obs.loc[0, "value"] = 12345.0
    obs.loc[0, "country"] = "Somewhere"
    assert (obs.loc[0, "note"], obs.loc[0, "value"], obs.loc[0, "country"]) == (
        obs["note"].iloc[-1],
        12345.0,
        "Somewhere",
    )
    assert load_dataset(mini).observations.loc[0, "country"] != "Somewhere"  # the snapshot is unchanged


def test_has_snapshot_says_whether_a_load_would_read_one_without_hashing(mini, monkeypatch):
    from analysis.dataset.loading import has_snapshot

    hashed = _settled(monkeypatch)
    assert not has_snapshot(mini)
    load_dataset(mini)
    assert has_snapshot(mini) and len(hashed) == 1  # asked by the stamps, not by hashing
    file = mini / "actions.csv"
    file.write_text(file.read_text(encoding="utf-8").replace("completed", "cancelled", 1), encoding="utf-8")
    assert not has_snapshot(mini) and len(hashed) == 1
    monkeypatch.setenv("ANALYSIS_DATASET_CACHE", "0")
    assert not has_snapshot(mini)
