"""Tests for analysis.run.plan: file names, titles, and arguments checked before any write."""

from pathlib import Path

import pytest

from analysis.dataset.loading import load_dataset
from analysis.dataset.meetings import load_meetings, resolve_meeting
from analysis.errors import UsageError
from analysis.run.plan import LANGS, RunOptions, check_options, file_name, plan_reports
from analysis.run.runner import run_meeting

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "run"
MEETING = resolve_meeting(load_meetings(), "2006")


def test_readable_file_names():
    assert file_name("ALL_ORGANS") == "all-organs"
    assert file_name("IACHR") == "iachr"
    assert file_name("../../etc/passwd") == "etc-passwd"


def test_every_language_by_default_and_all_organs_named_for_readers():
    ds = load_dataset()
    reports = plan_reports(ds, resolve_meeting(load_meetings(), "2007"), FIXTURES / "notebooks")
    assert {r.lang for r in reports} == set(LANGS)
    organs = next(r for r in reports if r.implementer == "ALL_ORGANS" and r.lang == "en")
    assert organs.paths["html"] == "en/all-organs.html"
    assert organs.title == "All Program implementers"  # the data's name, capitalised
    first = [r.slug for r in reports if r.lang == "en"][:2]
    assert first == ["program-overview", "absentee-voting"]
    assert organs.counts["mandates"] >= 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"langs": ("xx",)}, "unknown language 'xx'"),
        ({"formats": ("docx",)}, "unknown format 'docx'"),
        ({"jobs": -1}, "--jobs"),
        ({"notebooks_dir": Path("/nonexistent/notebooks")}, "notebooks folder not found"),
        ({"data_path": Path("/nonexistent/data")}, "data not found"),
    ],
)
def test_bad_arguments_are_refused_before_any_write(tmp_path, change, message):
    out = tmp_path / "out"
    base = {"out_dir": out, "notebooks_dir": FIXTURES / "notebooks", "data_path": FIXTURES / "data"}
    opts = RunOptions(MEETING, **{**base, **change})
    with pytest.raises(UsageError, match=message):
        check_options(opts)
    with pytest.raises(UsageError, match=message):
        run_meeting(opts)
    assert not out.exists()


def test_out_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "file"
    out.write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        run_meeting(RunOptions(MEETING, out_dir=out, notebooks_dir=FIXTURES / "notebooks", data_path=FIXTURES / "data"))
    assert out.read_text() == "x"


def test_unknown_implementer_is_refused_before_any_write(tmp_path):
    out = tmp_path / "out"
    opts = RunOptions(
        MEETING, out_dir=out, notebooks_dir=FIXTURES / "notebooks", data_path=FIXTURES / "data", implementers=("XYZ",)
    )
    with pytest.raises(UsageError, match="unknown implementer 'XYZ'"):
        run_meeting(opts)
    assert not out.exists()


def test_report_key_follows_the_notebook_code_not_its_outputs(tmp_path):
    import json
    import shutil

    from analysis.run.plan import key_reports

    nbdir = tmp_path / "notebooks"
    shutil.copytree(FIXTURES / "notebooks", nbdir)
    ds = load_dataset()
    meeting = resolve_meeting(load_meetings(), "2007")

    def keys():
        reports = plan_reports(ds, meeting, nbdir, langs=("en",), implementers=("IACHR",))
        key_reports(reports, ds.version, "pkg", meeting)
        return {r.report_id: r.key for r in reports}

    before = keys()
    path = nbdir / "implementer_report.ipynb"
    nb = json.loads(path.read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["saved by Lab\n"]}]
    code["execution_count"] = 7
    path.write_text(json.dumps(nb))
    assert keys() == before  # outputs saved into the notebook change nothing
    code["source"] = ["# a change of code\n", *code["source"]]
    path.write_text(json.dumps(nb))
    after = keys()
    assert after["en/iachr"] != before["en/iachr"]  # a change of code re-renders
    assert after["en/program-overview"] == before["en/program-overview"]
