"""The CLI shell: help, groups, version, verbosity, "did you mean", and one exit code per kind of error.

Most cases use click's CliRunner (in-process, fast); the entry points
(``python -m analysis`` and the ``analysis`` console script) and shell
completion run as real subprocesses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import run_cli

from analysis import __version__, config
from analysis.cli import AnalysisGroup, cli
from analysis.errors import AnalysisError, UsageError

PROG = "python -m analysis"
CONSOLE_SCRIPT = Path(sys.executable).parent / "analysis"


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name=PROG)


def command_names() -> list[str]:
    return cli.list_commands(None)


def test_every_existing_command_is_there():
    expected = {"validate", "summary", "schema-doc", "run", "export", "template", "ingest", "changes", "snapshot"}
    assert expected | {"serve"} == set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example(name):
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert f"Usage: {PROG} {name}" in result.output
    examples = result.output.split("Examples:", 1)[1]
    assert f"{PROG} {name}" in examples


@pytest.mark.parametrize("name", command_names())
def test_every_command_is_in_the_readme(name):
    readme = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"python -m analysis {name}" in readme


def test_help_lists_commands_in_groups():
    out = invoke("--help").output
    data, reports, cycle = (out.index(h) for h in ("Data commands:", "Report commands:", "Follow-up cycle commands:"))
    assert data < out.index("  validate ") < reports < out.index("  run ") < out.index("  serve ") < cycle
    assert cycle < out.index("  ingest ")


def test_version():
    for flag in ("--version", "-V"):
        result = invoke(flag)
        assert result.exit_code == 0 and result.output.strip() == f"analysis {__version__}"


def test_no_command_prints_help_and_is_a_usage_error():
    result = invoke()
    assert result.exit_code == 2 and "validate" in result.output and "Usage:" in result.output


def test_unknown_command_suggests_the_closest():
    result = invoke("valdate")
    assert result.exit_code == 2
    assert "No such command 'valdate'" in result.output and "Did you mean 'validate'?" in result.output


def test_unknown_option_suggests_the_closest():
    result = invoke("summary", "--meetng", "2007")
    assert result.exit_code == 2 and "No such option '--meetng'" in result.output and "--meeting" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("summary", "--as-of", "2007-13-01"), "does not match the format"),
        (("summary", "--meeting", "1999"), "error: unknown meeting '1999'"),
        (("validate", "no/such/folder"), "does not exist"),
        (("run", "--jobs", "-1"), "--jobs"),
        (("run", "--lang", "xx"), "unknown language 'xx'"),
        (("export", "--out", "x.xlsx", "--lang", "xx"), "unknown language 'xx'"),
        (("template", "--meeting", "2007", "--out", "x.xlsx"), "Missing option '--implementer'"),
        (("-q", "validate", "-v"), "cannot be used together"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, message):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_bad_data_is_one_line_per_problem_and_exit_1(mini):
    table = mini / "implementers.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(lines + lines[1:3]), encoding="utf-8")  # two ids used twice
    result = invoke("validate", mini, "--no-sources")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) >= 2 and all("implementers.csv, row " in line for line in errors), result.output
    assert result.output.rstrip().endswith(f"{len(errors)} problems found.")
    assert "Traceback" not in result.output


def test_export_to_a_file_as_folder_is_one_line_and_exit_1(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = invoke("export", "--format", "csv", "--out", blocker)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {blocker}: ") and len(result.stderr.splitlines()) == 1
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def _group_raising(exc: BaseException) -> click.Group:
    group = AnalysisGroup()

    @group.command("boom")
    def boom():
        raise exc

    group.sections.append(("Test commands", ["boom"]))
    return group


@pytest.mark.parametrize(
    "exc, code, line",
    [
        (
            FileNotFoundError(2, "No such file or directory", "/x/y.csv"),
            1,
            "error: /x/y.csv: No such file or directory",
        ),
        (PermissionError(13, "Permission denied", "/ro/out.xlsx"), 1, "error: /ro/out.xlsx: Permission denied"),
        (AnalysisError("the browser did not answer"), 1, "error: the browser did not answer"),
        (UsageError("unknown meeting 'x'"), 2, "error: unknown meeting 'x'"),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
)
def test_each_error_type_is_one_line_and_its_exit_code(exc, code, line):
    result = CliRunner().invoke(_group_raising(exc), ["boom"])
    assert result.exit_code == code and result.stderr == line + "\n"


def test_a_bug_is_not_hidden():
    result = CliRunner().invoke(_group_raising(ZeroDivisionError("bug")), ["boom"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_quiet_and_verbose():
    normal = invoke("validate", "--no-sources")
    quiet = invoke("-q", "validate", "--no-sources")
    verbose = invoke("validate", "--no-sources", "--verbose")
    assert normal.exit_code == quiet.exit_code == verbose.exit_code == 0
    assert "are valid" in normal.stdout and quiet.stdout == ""
    assert "excerpts not checked (--no-sources)" in verbose.output and "are valid" in verbose.output
    assert re.search(r"^validate: \d+\.\d s$", verbose.stderr, flags=re.M)


def test_quiet_keeps_the_result():
    result = invoke("summary", "-q")
    assert result.exit_code == 0 and "IACHR" in result.output and "total" in result.output


# ---------------------------------------------------------------- real processes


def test_validate_shipped_data_exits_0():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_summary_counts_by_implementer():
    result = run_cli("summary")
    assert result.returncode == 0, result.stderr
    assert "IACHR" in result.stdout and "total" in result.stdout


def test_python_m_usage_error_exits_2():
    result = run_cli("summary", "--as-of", "someday")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Usage: {PROG} summary")


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the package is not installed (pip install -e .)")
def test_console_script():
    env = {**os.environ, "PYTHONPATH": str(config.PROJ_ROOT / "src")}
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "--version"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0 and result.stdout.strip() == f"analysis {__version__}"
    helped = subprocess.run(
        [str(CONSOLE_SCRIPT), "validate", "--help"], capture_output=True, text=True, env=env, timeout=120
    )
    assert helped.returncode == 0 and helped.stdout.startswith("Usage: analysis validate")


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the package is not installed (pip install -e .)")
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed to try the completion")
def test_bash_completion(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(config.PROJ_ROOT / "src"), "_ANALYSIS_COMPLETE": "bash_source"}
    script = subprocess.run([str(CONSOLE_SCRIPT)], capture_output=True, text=True, env=env, timeout=120)
    assert script.returncode == 0 and "complete -o nosort -F _analysis_completion analysis" in script.stdout
    # What bash asks when a user types "analysis val<TAB>":
    env.update(_ANALYSIS_COMPLETE="bash_complete", COMP_WORDS="analysis val", COMP_CWORD="1")
    answer = subprocess.run([str(CONSOLE_SCRIPT)], capture_output=True, text=True, env=env, timeout=120)
    assert answer.returncode == 0 and "plain,validate" in answer.stdout.splitlines()
    # ... and "analysis run --meeting 20<TAB>": the meeting ids of data/meetings.csv
    env.update(COMP_WORDS="analysis run --meeting 20", COMP_CWORD="3")
    answer = subprocess.run([str(CONSOLE_SCRIPT)], capture_output=True, text=True, env=env, timeout=120)
    assert {"plain,2006", "plain,2007"} <= set(answer.stdout.splitlines())


def test_completion_of_ids_follows_the_data_folder(tmp_path):
    from analysis.commands import options

    (tmp_path / "program").mkdir()
    (tmp_path / "program" / "implementers.csv").write_text("implementer_id,name_en\nZZA,A\nZZB,B\n", encoding="utf-8")
    (tmp_path / "meetings.csv").write_text("meeting_id,as_of\nm1,2030-01-01\n", encoding="utf-8")
    ctx = click.Context(cli, obj=None)
    ctx.params["data"] = tmp_path / "program"
    assert options.complete_implementer(ctx, None, "ZZ") == ["ZZA", "ZZB"]
    assert options.complete_meeting(ctx, None, "") == ["m1", "next"]
    ctx.params["data"] = tmp_path / "none"
    assert options.complete_implementer(ctx, None, "") == []
