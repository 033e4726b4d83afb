"""Output paths: never an input, a master file or a file of another kind; one line for each refusal."""

from __future__ import annotations

import pytest
from conftest import copy_excel_fixture

from analysis.config import DataLayout
from analysis.store.outputs import OutputPathError, check_output


@pytest.fixture
def lay(tmp_path) -> DataLayout:
    program = copy_excel_fixture(tmp_path)
    (program.parent / "changelog.csv").write_text("time\n")
    return DataLayout.of(program)


def refused(path, suffix, **kwargs) -> str:
    with pytest.raises(OutputPathError) as info:
        check_output(path, suffix, **kwargs)
    line = str(info.value)
    assert "\n" not in line and str(path) in line
    return line


def test_master_files_the_log_and_inputs_are_never_overwritten(lay, tmp_path):
    form = tmp_path / "form.xlsx"
    form.write_bytes(b"PK\x03\x04rest")
    assert "would overwrite" in refused(form, ".xlsx", inputs=[form], layout=lay)
    assert "would overwrite" in refused(lay.tables / "actions.csv", ".csv", layout=lay)
    assert "would overwrite" in refused(lay.changelog, ".csv", layout=lay)
    assert "would overwrite" in refused(lay.meetings, ".csv", layout=lay)
    assert "data folder itself" in refused(lay.tables, None, layout=lay)


def test_the_extension_must_match_the_format(tmp_path):
    line = refused(tmp_path / "x.csv", ".xlsx", hint="for CSV files use --format csv and a folder")
    assert "must end in .xlsx" in line and "--format csv" in line


def test_folders_missing_parents_and_files_of_another_kind(tmp_path):
    (tmp_path / "dir.xlsx").mkdir()
    assert "existing folder" in refused(tmp_path / "dir.xlsx", ".xlsx")
    assert "does not exist" in refused(tmp_path / "nope" / "x.xlsx", ".xlsx")
    (tmp_path / "notes.xlsx").write_text("my notes, not a workbook")
    assert "another kind" in refused(tmp_path / "notes.xlsx", ".xlsx")
    (tmp_path / "file").write_text("x")
    assert "not a folder" in refused(tmp_path / "file", None)


def test_a_new_file_or_an_old_one_of_the_same_kind_is_fine(tmp_path):
    assert check_output(tmp_path / "new.xlsx", ".xlsx") == tmp_path / "new.xlsx"
    (tmp_path / "old.xlsx").write_bytes(b"PK\x03\x04...")
    assert check_output(tmp_path / "old.xlsx", ".xlsx") == tmp_path / "old.xlsx"
    assert check_output(tmp_path / "csv-out", None) == tmp_path / "csv-out"
