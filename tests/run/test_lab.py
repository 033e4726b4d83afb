"""JupyterLab as the analyst uses it: a real server, a real headless Chromium.

The shared Lab server (``jupyter_lab`` in tests/conftest.py: token, loopback,
the project's ``jupyter_server_config.py``) serves a temp folder; here it holds
a report notebook executed by papermill. The browser opens it and counts the
charts plotly drew; the REST API saves a notebook with outputs and the file on
disk stays clean.
"""

from __future__ import annotations

import json

import pytest

from analysis import config
from analysis.common.notebooks import code_sha256, is_clean
from analysis.report.charts import PLOTLY_MIME
from analysis.run.parameters import execute_notebook
from analysis.run.pdf import find_chromium
from analysis.run.rendering import prepare_notebook

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (make system-deps)"),
]


@pytest.fixture(scope="module")
def lab(jupyter_lab):
    """The shared JupyterLab (tests/conftest.py) with an executed overview report in its folder."""
    execute_notebook(
        config.NOTEBOOKS_DIR / "program_overview.ipynb", jupyter_lab.root / "overview.ipynb", {}, progress_bar=False
    )
    return jupyter_lab


def test_executed_report_draws_every_chart_in_jupyterlab(lab, lab_page):
    nb = json.loads((lab.root / "overview.ipynb").read_text())
    bundles = [o["data"] for c in nb["cells"] for o in c.get("outputs", []) if PLOTLY_MIME in o.get("data", {})]
    assert len(bundles) >= 2 and all("text/html" in b for b in bundles)
    lab_page.goto(lab.url("overview.ipynb"), timeout=120_000)
    lab_page.wait_for_selector(".jp-Notebook", timeout=120_000)
    lab_page.wait_for_function(
        f"document.querySelectorAll('.jp-OutputArea-child .js-plotly-plot').length >= {len(bundles)}",
        timeout=120_000,
    )
    # A drawn chart has plotly's SVG with at least one trace in it.
    plots = lab_page.eval_on_selector_all(
        ".jp-OutputArea-child .js-plotly-plot",
        "els => els.map(e => e.querySelectorAll('svg.main-svg g.trace').length)",
    )
    assert len(plots) == len(bundles) and all(n > 0 for n in plots), plots


def test_lab_saves_notebooks_without_outputs(lab):
    nb = json.loads((lab.root / "overview.ipynb").read_text())
    assert not is_clean(nb)
    lab.api("/api/contents/saved.ipynb", "PUT", {"type": "notebook", "format": "json", "content": nb})
    saved = json.loads((lab.root / "saved.ipynb").read_text())
    assert is_clean(saved) and all(c.get("outputs", []) == [] for c in saved["cells"])
    assert code_sha256(saved) == code_sha256(nb)  # the report key follows the code, not the outputs


def test_rendering_joins_a_sections_pieces_and_keeps_their_html(lab):
    nb = json.loads((lab.root / "overview.ipynb").read_text())
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
