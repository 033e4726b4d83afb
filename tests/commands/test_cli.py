"""The CLI: every command has --help and is in the README; validate on the shipped data exits 0."""

from __future__ import annotations

import pytest
from conftest import run_cli

from analysis import config
from analysis.cli import _COMMANDS, build_parser


def command_names() -> list[str]:
    from analysis import commands  # noqa: F401

    build_parser()
    return [name for name, *_ in _COMMANDS]


def test_there_are_commands():
    assert {"validate", "summary"} <= set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help(name):
    result = run_cli(name, "--help")
    assert result.returncode == 0
    assert f"python -m analysis {name}" in result.stdout
    assert len(result.stdout.splitlines()) >= 3


@pytest.mark.parametrize("name", command_names())
def test_every_command_is_in_the_readme(name):
    readme = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"python -m analysis {name}" in readme


def test_validate_shipped_data_exits_0():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_summary_counts_by_implementer():
    result = run_cli("summary")
    assert result.returncode == 0, result.stderr
    assert "IACHR" in result.stdout and "total" in result.stdout


def test_no_command_prints_usage():
    result = run_cli()
    assert result.returncode == 2 and "validate" in result.stdout
