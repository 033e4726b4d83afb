"""The explorer as the analyst sees it: explore.ipynb run in a real JupyterLab, shown in headless Chromium.

The shared Lab (``jupyter_lab`` in tests/conftest.py) serves a copy of the
notebook (the committed one stays without outputs). The page runs every cell
through the Run menu in the real kernel, as an analyst would, and the tests
read what Lab drew: no errors, the ipywidgets controls as widgets (not their
``VBox(...)`` text, which is what Lab shows when the widget front end is
missing), itables' interactive tables, and views that redraw when the
implementer changes.
"""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import chromium_page
from playwright.sync_api import expect

from analysis import config
from analysis.run.pdf import find_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (make system-deps)"),
]

WAIT_MS = 180_000  # generous: CI has 2 cores, and the kernel imports pandas, plotly and the data first
# The status bar reads "Python 3 (ipykernel) | Idle" once the notebook's kernel is connected; before
# that, Run All Cells would ask which kernel to use instead of running.
KERNEL_IDLE = r"""() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .some(e => /^(?!No Kernel).+ \| Idle$/.test(e.textContent.trim()))"""
PROMPTS = "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim())"
# Done: nothing queued or running ("[*]:") and something ran. A cell that fails stops the rest, which keep "[ ]:".
RUN_FINISHED = f"() => {{ const p = {PROMPTS}; return p.some(t => /^\\[\\d+\\]:$/.test(t)) && !p.includes('[*]:'); }}"
EXPLORER = ".jp-OutputArea-output > .widget-vbox"  # the box explorer() returns, drawn by the widget manager
DRAWN = f"{EXPLORER}, .jp-OutputArea-output:has-text('VBox(')"  # the box, or its text when widgets are missing
IMPLEMENTER = f"{EXPLORER} .widget-dropdown:has(> label:text-is('Implementer')) select"
TAB_VIEWS = f"{EXPLORER} .widget-tab-contents > .widget-output"  # coverage, timeline, indicators, table
# A traceback as Lab shows it: error outputs are drawn as stderr text.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b.*:", re.MULTILINE)


def _wait_for(page, selector: str, count: int) -> None:
    """Wait until ``count`` elements match the CSS ``selector`` (plotly and itables draw after a cell ends)."""
    page.wait_for_function("([s, n]) => document.querySelectorAll(s).length >= n", arg=[selector, count])


def _table_rows(page, view: str) -> dict:
    """The DataTables table in ``view``: its id and each body row's cells by column name."""
    return page.eval_on_selector(
        view,
        """v => { const t = v.querySelector('table.dataTable');
            if (!t) return null;
            const names = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const rows = [...t.querySelectorAll('tbody tr')].map(tr =>
                Object.fromEntries([...tr.children].map((td, i) => [names[i], td.textContent.trim()])));
            return {id: t.id, rows}; }""",
    )


@pytest.fixture(scope="module")
def explore(jupyter_lab):
    """A page with explore.ipynb open in Lab after Run > Run All Cells has finished."""
    shutil.copy(config.NOTEBOOKS_DIR / "explore.ipynb", jupyter_lab.root / "explore.ipynb")
    with chromium_page() as page:
        page.set_default_timeout(WAIT_MS)
        page.goto(jupyter_lab.url("explore.ipynb"))
        page.wait_for_function(KERNEL_IDLE)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        page.wait_for_function(RUN_FINISHED)
        page.wait_for_selector(DRAWN)
        yield page


def test_every_cell_runs_without_an_error_in_the_real_kernel(explore):
    stderr = explore.eval_on_selector_all(
        ".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']", "els => els.map(e => e.textContent)"
    )
    assert not [text for text in stderr if TRACEBACK.search(text)], stderr
    prompts = explore.evaluate(PROMPTS)  # "[ ]:" for a cell that never ran
    assert len(prompts) >= 9 and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), prompts


def test_the_controls_are_drawn_as_widgets_not_as_text(explore):
    texts = explore.eval_on_selector_all(".jp-Notebook .jp-OutputArea-output", "els => els.map(e => e.innerText)")
    assert not [t for t in texts if t.startswith(("VBox(", "Error displaying widget"))]
    labels = explore.eval_on_selector_all(
        f"{EXPLORER} .widget-hbox .widget-label", "els => els.map(e => e.textContent.trim())"
    )
    assert labels == ["Implementer", "Meeting", "As of", "Language"]
    assert explore.locator(f"{EXPLORER} .widget-dropdown select").count() == 3
    assert explore.locator(f"{EXPLORER} .widget-datepicker input[type=date]").input_value()  # the meeting's as-of
    tabs = explore.eval_on_selector_all(f"{EXPLORER} .lm-TabBar-tab", "els => els.map(e => e.textContent.trim())")
    assert tabs == ["Coverage", "Timeline", "Indicators", "Table"]
    _wait_for(explore, f"{TAB_VIEWS} .js-plotly-plot", 2)  # the coverage and timeline charts


def test_tables_are_interactive_datatables(explore):
    # The explorer's table view and the two show_table cells (actions, milestones newly met).
    _wait_for(explore, ".jp-Notebook table.dataTable", 3)
    assert explore.locator(".jp-Notebook .dt-container .dt-search input").count() >= 2  # long tables get a search box
    fallbacks = explore.eval_on_selector_all(
        ".jp-Notebook [id^=itables_][id$=_fallback]", "els => els.map(e => e.hidden)"
    )
    assert fallbacks and all(fallbacks)  # the static copy shown when the script does not run is hidden
    before = _table_rows(explore, f"{TAB_VIEWS} >> nth=3")
    assert len({row["implementer_id"] for row in before["rows"]}) > 1


def test_choosing_an_implementer_redraws_the_views(explore):
    assert explore.locator(EXPLORER).count() == 1
    _wait_for(explore, f"{TAB_VIEWS} table.dataTable", 1)
    coverage, table = f"{TAB_VIEWS} >> nth=0", f"{TAB_VIEWS} >> nth=3"
    coverage_before = explore.text_content(coverage)
    table_before = _table_rows(explore, table)
    explore.select_option(IMPLEMENTER, label="IACHR - Inter-American Commission on Human Rights")
    # The kernel redraws every view and sends new outputs; a new itables table gets a new id.
    explore.wait_for_function(
        """([view, old]) => { const t = document.querySelectorAll(view)[3]?.querySelector('table.dataTable');
            return t && t.id !== old; }""",
        arg=[TAB_VIEWS, table_before["id"]],
    )
    explore.click(f"{EXPLORER} .lm-TabBar-tab:has-text('Table')")
    expect(explore.locator(f"{table} >> table.dataTable")).to_be_visible(timeout=WAIT_MS)
    rows = _table_rows(explore, table)["rows"]
    assert rows and {row["implementer_id"] for row in rows} == {"IACHR"}
    assert explore.text_content(coverage) != coverage_before  # one implementer's mandates, not the Program's coverage
