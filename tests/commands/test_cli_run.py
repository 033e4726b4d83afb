"""End-to-end tests of `python -m analysis run` as a person types it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "run"


def run(*args, env=None, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "analysis", "run", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


FIXTURE_ARGS = ("--meeting", "2006", "--notebooks", str(FIXTURES / "notebooks"), "--data", str(FIXTURES / "data"))


@pytest.mark.slow
def test_run_html_for_one_implementer(tmp_path):
    res = run(
        *FIXTURE_ARGS, "--implementer", "ECU", "--lang", "es", "--format", "html", "--jobs", "2", "--out", str(tmp_path)
    )
    assert res.returncode == 0, res.stderr
    assert "3 reports: 3 ok, 0 failed, 0 skipped" in res.stdout
    assert "Traceback" not in res.stderr
    # Not a terminal: plain progress lines, no bar.
    assert "[1/3] ok" in res.stderr and "\r" not in res.stderr
    d = tmp_path / "2006"
    names = sorted(p.name for p in (d / "es").iterdir())
    assert names == ["absentee-voting.html", "ecu.html", "index.html", "program-overview.html"]  # index: landing page
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run"]["formats"] == ["html"] and manifest["meeting"]["meeting_id"] == "2006"
    again = run(*FIXTURE_ARGS, "--implementer", "ECU", "--lang", "es", "--format", "html", "--out", str(tmp_path))
    assert "3 reports: 0 ok, 0 failed, 3 skipped" in again.stdout
    forced = run(
        *FIXTURE_ARGS, "--implementer", "ECU", "--lang", "es", "--format", "html", "--out", str(tmp_path), "--force"
    )
    assert "3 reports: 3 ok" in forced.stdout


def test_pdf_without_browser_is_a_clear_error(tmp_path):
    res = run(*FIXTURE_ARGS, "--format", "pdf", "--out", str(tmp_path), env={"OAS_CHROMIUM": str(tmp_path / "none")})
    assert res.returncode == 2
    assert res.stderr.startswith("error: --format pdf needs Chromium") and "OAS_CHROMIUM" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "2006").exists()


@pytest.mark.slow
def test_default_format_without_browser_renders_html_and_says_why(tmp_path):
    res = run(
        *FIXTURE_ARGS,
        "--implementer",
        "IACHR",
        "--lang",
        "en",
        "--out",
        str(tmp_path),
        env={"OAS_CHROMIUM": str(tmp_path / "none")},
    )
    assert res.returncode == 0, res.stderr
    assert "PDF skipped: Chromium was not found" in res.stderr
    assert (tmp_path / "2006" / "en" / "iachr.html").exists()
    assert not list((tmp_path / "2006").rglob("*.pdf"))


@pytest.mark.parametrize(
    "args, message",
    [
        (("--meeting", "1999"), "unknown meeting '1999'"),
        (("--lang", "en,xx"), "unknown language 'xx'"),
        (("--format", "docx"), "unknown format 'docx'"),
        (("--implementer", "NOPE", "--format", "html"), "unknown implementer 'NOPE'"),
        (("--jobs", "-1"), "--jobs"),
        (("--notebooks", "/no/such/folder"), "does not exist"),
    ],
)
def test_bad_options_are_usage_errors_and_write_nothing(tmp_path, args, message):
    base = dict(zip(FIXTURE_ARGS[::2], FIXTURE_ARGS[1::2]))
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    out = tmp_path / "out"
    res = run(*[x for kv in base.items() for x in kv], "--out", str(out))
    assert res.returncode == 2, res.stderr
    assert message in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()


def test_out_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "reports"
    blocker.write_text("a file", encoding="utf-8")
    res = run(*FIXTURE_ARGS, "--format", "html", "--out", str(blocker))
    assert res.returncode == 2 and "is a file" in res.stderr and "Traceback" not in res.stderr
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_out_that_is_the_data_folder_is_refused():
    data = FIXTURES / "data"
    before = sorted(p.name for p in data.iterdir())
    res = run(*FIXTURE_ARGS, "--format", "html", "--out", str(data))
    assert res.returncode == 1 and res.stderr.startswith(f"error: {data}: refused") and "Traceback" not in res.stderr
    assert sorted(p.name for p in data.iterdir()) == before


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the loader's cache (``.cache/``: derived, git-ignored, rebuilt at will)."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(folder).parts)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.mark.parametrize("bad", [("--implementer", "NOPE"), ("--lang", "xx"), ("--format", "pdf,docx")])
def test_run_on_the_master_data_writes_no_snapshot_before_checking_its_options(tmp_path, bad):
    """A copy of the project, so that its data/program is the master the run would snapshot."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "src" / "analysis", project / "src" / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "data", project / "data", ignore=shutil.ignore_patterns("snapshots", "submissions"))
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    before = _tree(project / "data")
    res = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--meeting", "2006", *bad],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        timeout=600,
    )
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert _tree(project / "data") == before
    assert not (project / "reports").exists()


def test_bad_data_is_reported_without_traceback(tmp_path):
    bad = tmp_path / "data"
    bad.mkdir()
    (bad / "implementers.csv").write_text("implementer_id\n", encoding="utf-8")
    res = run("--meeting", "2006", "--data", str(bad), "--format", "html", "--out", str(tmp_path / "out"))
    assert res.returncode == 1 and "Traceback" not in res.stderr and "error:" in res.stderr


def test_run_is_documented():
    doc = (ROOT / "docs" / "reports-run.md").read_text(encoding="utf-8")
    for flag in (
        "--meeting",
        "--implementer",
        "--lang",
        "--format",
        "--jobs",
        "--out",
        "--force",
        "--data",
        "--notebooks",
        "OAS_CHROMIUM",
        "next",
        "cron",
        "schedule",
    ):
        assert flag in doc, flag
    help_text = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--help"], capture_output=True, text=True, cwd=ROOT
    ).stdout
    assert "--meeting" in help_text
