"""Shared fixtures: a small valid dataset copied to a temp folder per test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
MINI = FIXTURES / "mini"


@pytest.fixture
def mini(tmp_path) -> Path:
    """A copy of the small, valid fixture dataset (tests/fixtures/mini) to break."""
    dst = tmp_path / "mini"
    shutil.copytree(MINI, dst)
    return dst


def copy_excel_fixture(tmp_path: Path) -> Path:
    """Copy tests/fixtures/excel (tables and meetings) to ``tmp_path/data``; return its ``program`` folder."""
    program = tmp_path / "data" / "program"
    shutil.copytree(FIXTURES / "excel" / "program", program)
    shutil.copy(FIXTURES / "excel" / "meetings.csv", tmp_path / "data" / "meetings.csv")
    return program


def fill_form(form: Path, out: Path, edits: dict[str, dict[str, object]]) -> Path:
    """Fill cells of a report form as an implementer would: ``{sheet: {cell: value}}``."""
    import openpyxl

    wb = openpyxl.load_workbook(form)
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    wb.save(out)
    return out


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m analysis ARGS`` as a user would, capturing output."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=600,
    )


def kernel_evaluate(km, expression: str, code: str = ""):
    """Run ``code`` in the kernel and return the value of ``expression`` (a Python literal)."""
    import ast

    from jupyter_client import BlockingKernelClient

    kc = BlockingKernelClient()
    kc.load_connection_info(km.get_connection_info())
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        msg_id = kc.execute(code, user_expressions={"value": expression})
        while True:
            reply = kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        result = reply["content"]["user_expressions"]["value"]
        assert result["status"] == "ok", result
        return ast.literal_eval(result["data"]["text/plain"])
    finally:
        kc.stop_channels()
