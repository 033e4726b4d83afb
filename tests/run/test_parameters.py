"""The report notebooks' papermill parameters: typed, documented, and a misspelled name refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import config
from analysis.errors import UsageError
from analysis.run.parameters import check_parameters, notebook_parameters

REPORTS = ("implementer_report", "program_overview", "absentee_voting")
NAMES = ["implementer", "meeting", "as_of", "lang", "data_path", "meetings_file"]


@pytest.mark.parametrize("name", REPORTS)
def test_every_parameter_has_a_type_and_help(name):
    params = notebook_parameters(config.NOTEBOOKS_DIR / f"{name}.ipynb")
    assert list(params) == NAMES
    assert all(p["type"] == "str" and len(p["help"]) > 10 for p in params.values()), params


def test_help_notebook_shows_type_and_help():
    out = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(config.NOTEBOOKS_DIR / "implementer_report.ipynb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and "Unknown type" not in out.stdout
    assert 'implementer: str (default "IACHR")' in out.stdout and "report language" in out.stdout


def test_misspelled_parameter_names_the_closest_valid_one():
    nb = config.NOTEBOOKS_DIR / "implementer_report.ipynb"
    check_parameters(nb, ["implementer", "lang"])
    with pytest.raises(UsageError, match=r"unknown parameter 'implemnter' \(did you mean 'implementer'\?\)"):
        check_parameters(nb, ["lang", "implemnter"])


def test_a_run_with_a_misspelled_parameter_fails_in_one_line(tmp_path):
    out = subprocess.run(
        [
            sys.executable, "-m", "analysis.run.parameters",
            str(config.NOTEBOOKS_DIR / "implementer_report.ipynb"), str(tmp_path / "out.ipynb"),
            "-p", "implemnter", "IACHR",
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2 and not (tmp_path / "out.ipynb").exists()
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "'implemnter'" in lines[0] and "did you mean 'implementer'" in lines[0]
