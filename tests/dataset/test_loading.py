"""Loading from CSV folders and .xlsx workbooks."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from analysis.dataset.loading import load_dataset
from analysis.dataset.raw import read_raw
from analysis.dataset.version import data_version
from analysis.errors import DataError


def test_types(mini):
    ds = load_dataset(mini)
    assert pd.api.types.is_datetime64_any_dtype(ds.milestones["start"])
    assert ds.milestones.loc[0, "start"] == pd.Timestamp("2007-04-01")
    assert str(ds.mandates["seq"].dtype) == "Int64"
    assert ds.observations["value"].tolist() == [10260.0, 4541.0]
    assert ds.milestones["recurring"].tolist() == [False, False, True]
    assert ds.version == data_version(mini) and len(ds.version) == 12


def test_version_changes_with_data(mini):
    before = data_version(mini)
    with (mini / "actions.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert data_version(mini) != before


def test_invalid_data_raises_with_every_problem(mini):
    text = (mini / "actions.csv").read_text(encoding="utf-8").replace("completed", "finished")
    (mini / "actions.csv").write_text(text.replace("SPA-P1,SPA", "SPA-A1,SPA"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(mini)
    assert len(info.value.problems) == 2


def test_xlsx_reads_like_csv(mini, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for f in sorted(mini.glob("*.csv")):
        ws = wb.create_sheet(f.stem)
        with f.open(newline="", encoding="utf-8") as fh:
            for i, r in enumerate(csv.reader(fh)):
                # as a person would type them: real numbers and booleans, not text
                ws.append([float(v) if f.stem == "observations" and i and v.isdigit() else v for v in r])
    out = tmp_path / "data.xlsx"
    wb.save(out)
    from_xlsx, from_csv = load_dataset(out), load_dataset(mini)
    for name, frame in from_csv.tables.items():
        pd.testing.assert_frame_equal(frame, from_xlsx.tables[name], check_dtype=True, obj=name)


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="no such file or folder"):
        read_raw(tmp_path / "nope")


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(DataError, match="not an .xlsx workbook|the workbook cannot be read"):
        read_raw(bad)
