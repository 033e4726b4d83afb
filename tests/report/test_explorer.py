"""The analyst's explorer: explore.ipynb executed by papermill in a real kernel, and its helpers."""

from __future__ import annotations

import json

import pytest

from analysis import config, load_dataset
from analysis.report.charts import PLOTLY_MIME
from analysis.report.explorer import Explorer, copy_tables, milestone_table, validate_copy
from analysis.run.parameters import execute_notebook


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out = tmp_path_factory.mktemp("explore") / "explore.ipynb"
    # No cell timeout: the views are filled in the kernel (explorer.show_in), so the headless client never
    # sends widget state back while it waits for a cell's reply (the race that hung about one run in three).
    execute_notebook(config.NOTEBOOKS_DIR / "explore.ipynb", out, {}, progress_bar=False, cwd=str(out.parent))
    return json.loads(out.read_text())


def _widget_outputs(nb) -> list[dict]:
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return [o for m in state.values() if m["model_name"] == "OutputModel" for o in m["state"].get("outputs", [])]


def test_explorer_draws_its_views_with_plotly_bundles(executed):
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    outputs = _widget_outputs(executed)
    charts = [o for o in outputs if PLOTLY_MIME in o.get("data", {})]
    assert len(charts) >= 2  # the coverage and timeline views draw charts (Program-wide indicators are a table)
    tables = [o for o in outputs if "itables" in json.dumps(o.get("data", {})).lower()]
    assert tables  # the milestone table is an itables table


@pytest.fixture
def shell():
    """A real IPython shell (as in a kernel, without one), so display() publishes rich outputs."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    yield InteractiveShell.instance(config=config)
    InteractiveShell.clear_instance()


def test_redraw_fills_every_view_in_the_kernel_not_through_a_front_end(shell):
    """The views' outputs are set on the widgets themselves: no front end (or nbclient) has to route them."""
    ex = Explorer(load_dataset())
    ex.implementer.value = "IACHR"  # each change redraws
    outputs = {name: view.outputs for name, view in ex.views.items()}
    assert all(outputs.values()), [name for name, shown in outputs.items() if not shown]
    assert all(view.msg_id == "" for view in ex.views.values())  # never captured through the front end
    assert any(PLOTLY_MIME in o.get("data", {}) for o in outputs["timeline"])
    assert "itables" in json.dumps(outputs["table"]).lower()
    ex.implementer.value = ""  # a redraw replaces what a view shows, it does not add to it
    ex.implementer.value = "IACHR"  # (the whole program's timeline has more parts than one implementer's)
    assert len(ex.views["timeline"].outputs) == len(outputs["timeline"])


def test_explorer_cells_stay_thin():
    nb = json.loads((config.NOTEBOOKS_DIR / "explore.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        code = [line for line in "".join(cell["source"]).splitlines() if line.strip() and not line.startswith("#")]
        assert len(code) <= 5 and not any(line.startswith(("def ", "class ", "for ")) for line in code)


def test_defaults_to_the_default_meetings_as_of_and_follows_the_meeting():
    ex = Explorer(load_dataset())
    first = ex.current_meeting()
    assert ex.as_of.value == first.as_of
    other = next(m for m in ex.meetings if m.meeting_id != first.meeting_id)
    ex.meeting.value = other.meeting_id
    assert ex.as_of.value == other.as_of and ex.report().as_of == other.as_of


def test_widgets_change_the_report_context():
    ex = Explorer(load_dataset())
    ex.implementer.value, ex.lang.value = "IACHR", "es"
    rep = ex.report()
    assert (rep.implementer, rep.lang) == ("IACHR", "es")
    table = milestone_table(ex.ds, rep.as_of, "IACHR")
    assert len(table) and set(table["implementer_id"]) == {"IACHR"} and "status" in table


def test_validate_copy_names_the_broken_cell(tmp_path):
    copy = copy_tables(load_dataset(), tmp_path / "program")
    assert validate_copy(copy.path) == []
    copy.edit("milestones.csv", row=1, column="start", value="2007-02-30")
    problems = validate_copy(copy.path)
    assert len(problems) == 1 and "milestones.csv" in problems[0] and "2007-02-30" in problems[0]
