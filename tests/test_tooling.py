"""The tree is lint-clean, formatted, and its stages import downwards only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
