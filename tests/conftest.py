"""Shared fixtures: a small valid dataset copied to a temp folder per test; a real JupyterLab and Chromium."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis import config
from analysis.run.pdf import find_chromium

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


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its address, its token and the folder it serves."""

    base: str
    token: str
    root: Path

    def api(self, path: str, method: str = "GET", body: dict | None = None) -> dict:
        """Call the server's REST API (``path`` like ``/api/status``) with the token; the JSON reply."""
        req = urllib.request.Request(
            f"{self.base}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    def url(self, notebook: str) -> str:
        """The Lab page with ``notebook`` (relative to the root) open, in a workspace of its own."""
        return f"{self.base}/lab/workspaces/{Path(notebook).stem}/tree/{notebook}?token={self.token}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_state(folder: Path) -> dict[str, str]:
    """Workspaces, settings and temp files of a test Lab in ``folder``; returns the server's environment.

    Lab's news notification is off (it would cover part of the page), and the kernel's temp files
    (``copy_tables`` in explore.ipynb) land in ``folder``, cleaned up with pytest's other temp folders.
    """
    notification = folder / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))
    (folder / "tmp").mkdir()
    return {**os.environ, "TMPDIR": str(folder / "tmp")}


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory) -> Iterator[Lab]:
    """JupyterLab as ``make lab`` starts it (token, loopback, the project's ``jupyter_server_config.py``).

    One server for the session over an empty temp folder: a test copies its notebooks into ``Lab.root``.
    Workspaces and settings live in a temp folder too, so no test's open tabs reach another's page.
    """
    root, state = tmp_path_factory.mktemp("lab"), tmp_path_factory.mktemp("lab-state")
    env = _lab_state(state)
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
        f"--config={config.PROJ_ROOT / 'jupyter_server_config.py'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}", f"--LabApp.user_settings_dir={state / 'settings'}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log_path = state / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root, env=env)
        lab = Lab(f"http://127.0.0.1:{port}", token, root)
        try:
            for _ in range(240):
                try:
                    lab.api("/api/status")
                    break
                except OSError:
                    if proc.poll() is not None:
                        raise AssertionError(log_path.read_text()) from None
                    time.sleep(0.5)
            else:
                raise AssertionError(f"JupyterLab did not answer in 120 s:\n{log_path.read_text()}")
            yield lab
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def chromium_page():
    """A page in a headless Chromium (playwright) the size of an analyst's screen; the browser closes after.

    Skips the test when there is no Chromium (``make system-deps`` installs it).
    """
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium not installed (make system-deps)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


@pytest.fixture
def lab_page():
    """A fresh :func:`chromium_page` for one test."""
    with chromium_page() as page:
        yield page
