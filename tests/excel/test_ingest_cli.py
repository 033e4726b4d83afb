"""Through the command line: output paths, a disk that fails, an interrupted commit.

Each case is one line on stderr, exit 1, no traceback, and the master and the
log unchanged (or all new and consistent). Most run ``analysis.cli.main``
in-process; the disk failures run a real ``python`` child whose writes fail.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_excel_fixture, fill_form

from analysis.cli import main
from analysis.config import DataLayout
from analysis.dataset.loading import load_dataset
from analysis.excel.form import write_template
from analysis.store import journal

EDITS = {"Actions": {"E2": "in progress"}}


@pytest.fixture
def data(tmp_path) -> Path:
    return copy_excel_fixture(tmp_path)


@pytest.fixture
def form(data, tmp_path) -> Path:
    made = write_template(tmp_path / "form.xlsx", load_dataset(data), "IACHR", "2007", "en")
    return fill_form(made, tmp_path / "filled.xlsx", EDITS)


def everything(data: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(data.parent.rglob("*")) if p.is_file()}


def master(data: Path) -> dict[str, bytes]:
    files = [*sorted(data.glob("*.csv")), data.parent / "changelog.csv"]
    return {p.name: p.read_bytes() for p in files if p.exists()}


def one_line(capsys, argv: list, expect: str, exit_code: int = 1) -> str:
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err.strip()
    assert code == exit_code, err
    assert "Traceback" not in err and len(err.splitlines()) == 1 and expect in err, err
    return err


@pytest.mark.parametrize("target", ["actions.csv", "../changelog.csv", "../meetings.csv", "FORM"])
def test_errors_never_overwrites_an_input_or_the_master_even_in_a_dry_run(data, form, capsys, target):
    (data.parent / "changelog.csv").write_text("time\n")
    path = form if target == "FORM" else data / target
    before = everything(data) | {str(form): form.read_bytes()}
    bad = fill_form(form, form.with_name("bad.xlsx"), {"Actions": {"E2": "almost done"}})
    if target == "FORM":
        path = bad
    one_line(capsys, ["ingest", bad, "--dry-run", "--errors", path, "--data", data], "would overwrite")
    assert everything(data) | {str(form): form.read_bytes()} == before


def test_errors_into_a_folder_or_a_missing_one_is_one_line(data, form, tmp_path, capsys):
    (tmp_path / "reports.xlsx").mkdir()
    one_line(capsys, ["ingest", form, "--errors", tmp_path / "reports.xlsx", "--data", data], "existing folder")
    one_line(capsys, ["ingest", form, "--errors", tmp_path / "no" / "e.xlsx", "--data", data], "does not exist")


def test_template_and_export_outputs_are_checked_first(data, tmp_path, capsys):
    (tmp_path / "dir.xlsx").mkdir()
    base = ["--data", data]
    one_line(
        capsys,
        ["template", "--implementer", "IACHR", "--meeting", "2007", "--out", tmp_path / "dir.xlsx", *base],
        "existing folder",
    )
    one_line(
        capsys,
        ["template", "--implementer", "IACHR", "--meeting", "2007", "--out", data / "actions.csv", *base],
        "would overwrite",
    )
    line = one_line(capsys, ["export", "--meeting", "2007", "--out", tmp_path / "x.csv", *base], "must end in .xlsx", 2)
    assert "--format csv" in line
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    one_line(capsys, ["export", "--meeting", "2007", "--out", tmp_path / "notes.xlsx", *base], "another kind")


FAILING_DISK = """
import errno, os, sys
from analysis.store import atomic
real = atomic.write_temp
def failing(target, data, mode=None):
    if target.suffix == ".csv" or target.parent.name == ".journal":
        with atomic._as_write_error(target):
            raise OSError(errno.{code}, os.strerror(errno.{code}))
    return real(target, data, mode)
atomic.write_temp = failing
from analysis.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("code, words", [("EROFS", "Read-only file system"), ("ENOSPC", "No space left on device")])
def test_ingest_into_data_that_cannot_be_written_is_one_line(data, form, code, words):
    before = master(data)
    run = subprocess.run(
        [sys.executable, "-c", FAILING_DISK.format(code=code), "ingest", str(form), "--data", str(data)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert len(lines) == 1 and words in lines[0] and "nothing was changed there" in lines[0]
    assert master(data) == before


def test_every_command_first_finishes_an_interrupted_commit(data, form, capsys, monkeypatch):
    def die(*_):
        raise KeyboardInterrupt  # stands for a crash right after the commit marker

    monkeypatch.setattr(journal, "_apply", die)
    assert main(["ingest", str(form), "--data", str(data)]) == 130
    monkeypatch.undo()
    assert journal.pending(DataLayout.of(data))
    capsys.readouterr()
    assert main(["validate", str(data), "--no-sources"]) in (0, 1)
    assert "was found and rolled forward" in capsys.readouterr().err
    assert not journal.pending(DataLayout.of(data))
    assert "in_progress" in (data / "actions.csv").read_text()
    assert "in_progress" in (data.parent / "changelog.csv").read_text()
