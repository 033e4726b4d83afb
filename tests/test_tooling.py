"""The tree is lint-clean, formatted, and its stages import downwards only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import config

BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_check_is_clean():
    result = _run(str(BIN / "ruff"), "check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _run(str(BIN / "ruff"), "format", "--check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_layers_contract_is_kept():
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


# ---------------------------------------------------------------- the contract bites


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """Run lint-imports with the project's own contract on the package copied into ``tree``."""
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache", str(tree / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def package_copy(tmp_path) -> Path:
    shutil.copytree(config.PROJ_ROOT / "src" / "analysis", tmp_path / "src" / "analysis", ignore=_NOT_SOURCE)
    shutil.copy(config.PROJ_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


_NOT_SOURCE = shutil.ignore_patterns("__pycache__", "*.pyc")


def test_the_copied_package_keeps_the_contract(package_copy):
    """The control for the test below: the copy itself, unchanged, passes."""
    result = _lint_imports(package_copy)
    assert result.returncode == 0 and "1 kept, 0 broken" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("dataset", "analysis.cli"),  # a low stage importing the top
        ("common", "analysis.dataset"),  # one layer up
        ("excel", "analysis.run"),  # siblings on one layer stay independent
        ("report", "analysis.commands"),
    ],
)
def test_the_contract_fails_when_an_upward_import_is_added(package_copy, importer, imported):
    module = package_copy / "src" / "analysis" / importer / "__init__.py"
    module.write_text(
        module.read_text(encoding="utf-8") + f"\nimport {imported}  # noqa: E402, F401\n", encoding="utf-8"
    )
    result = _lint_imports(package_copy)
    assert result.returncode != 0, result.stdout
    assert "0 kept, 1 broken" in result.stdout
    assert f"analysis.{importer} -> {imported}" in result.stdout
