"""JupyterLab as the analyst uses it: a real server, a real headless Chromium.

One Lab server (token, loopback, ``--allow-root``, the project's
``jupyter_server_config.py``) serves a temp folder holding a report notebook
executed by papermill. The browser opens it and counts the charts plotly drew;
the REST API saves a notebook with outputs and the file on disk stays clean.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from analysis import config
from analysis.common.notebooks import code_sha256, is_clean
from analysis.report.charts import PLOTLY_MIME
from analysis.run.parameters import execute_notebook
from analysis.run.pdf import find_chromium
from analysis.run.rendering import prepare_notebook

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (make system-deps)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    req = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"{}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab over a folder with an executed overview report; yields (base URL, token, folder)."""
    root = tmp_path_factory.mktemp("lab")
    execute_notebook(config.NOTEBOOKS_DIR / "program_overview.ipynb", root / "overview.ipynb", {}, progress_bar=False)
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
        f"--config={config.PROJ_ROOT / 'jupyter_server_config.py'}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log = open(root / "lab.log", "w")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError((root / "lab.log").read_text()) from None
                time.sleep(0.5)
        yield base, token, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_executed_report_draws_every_chart_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    base, token, root = lab
    nb = json.loads((root / "overview.ipynb").read_text())
    bundles = [o["data"] for c in nb["cells"] for o in c.get("outputs", []) if PLOTLY_MIME in o.get("data", {})]
    assert len(bundles) >= 2 and all("text/html" in b for b in bundles)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/overview.ipynb?token={token}", timeout=120_000)
            page.wait_for_selector(".jp-Notebook", timeout=120_000)
            page.wait_for_function(
                f"document.querySelectorAll('.jp-OutputArea-child .js-plotly-plot').length >= {len(bundles)}",
                timeout=120_000,
            )
            # A drawn chart has plotly's SVG with at least one trace in it.
            plots = page.eval_on_selector_all(
                ".jp-OutputArea-child .js-plotly-plot",
                "els => els.map(e => e.querySelectorAll('svg.main-svg g.trace').length)",
            )
        finally:
            browser.close()
    assert len(plots) == len(bundles) and all(n > 0 for n in plots), plots


def test_lab_saves_notebooks_without_outputs(lab):
    base, token, root = lab
    nb = json.loads((root / "overview.ipynb").read_text())
    assert not is_clean(nb)
    _api(base, token, "/api/contents/saved.ipynb", "PUT", {"type": "notebook", "format": "json", "content": nb})
    saved = json.loads((root / "saved.ipynb").read_text())
    assert is_clean(saved) and all(c.get("outputs", []) == [] for c in saved["cells"])
    assert code_sha256(saved) == code_sha256(nb)  # the report key follows the code, not the outputs


def test_rendering_joins_a_sections_pieces_and_keeps_their_html(lab):
    _base, _token, root = lab
    nb = json.loads((root / "overview.ipynb").read_text())
    charts_sent = [
        "".join(o["data"]["text/html"]) for c in nb["cells"] for o in c.get("outputs", []) if PLOTLY_MIME in o["data"]
    ]
    prepared = prepare_notebook(nb)
    for cell, before in zip(prepared.cells, nb["cells"]):
        pieces = [o for o in before.get("outputs", []) if o.get("metadata", {}).get("analysis", {}).get("part")]
        if not pieces:
            continue
        html = ["".join(o["data"]["text/html"]) for o in cell.outputs if "data" in o]
        assert len(html) == 1  # one section, one output again: the same markup as before the split
        assert html[0] == "".join("".join(o["data"]["text/html"]) for o in pieces)
    kept = "".join(
        "".join(o["data"].get("text/html", "")) for c in prepared.cells for o in c.get("outputs", []) if "data" in o
    )
    assert charts_sent and all(chart in kept for chart in charts_sent)
    assert PLOTLY_MIME not in json.dumps(prepared)
