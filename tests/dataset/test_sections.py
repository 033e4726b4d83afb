"""The Work Plan's section tree: every path the data may cite, with its span."""

from __future__ import annotations

import os

import pytest

from analysis import config
from analysis.dataset.sections import document_sections, section_tree

WORK_PLAN = config.work_plan_path()


def test_a_repeated_number_becomes_bis_and_spans_stop_at_the_next_heading():
    tree = section_tree("IV.\nGeneral\nA.\nOne\n1.\nx\n2.\ncarried\n2.\nplanned\n3.\ncal\nB.\nTwo")
    assert list(tree) == ["IV", "IV.A", "IV.A.1", "IV.A.2", "IV.A.2bis", "IV.A.3", "IV.B"]
    assert "carried" in tree["IV.A.2"] and "planned" not in tree["IV.A.2"]
    assert "planned" in tree["IV.A.2bis"] and "cal" not in tree["IV.A.2bis"]
    assert "Two" in tree["IV"] and "Two" not in tree["IV.A"]


def test_the_work_plan_tree_has_the_readme_paths():
    if not WORK_PLAN.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the Work Plan text is not at {WORK_PLAN} (CI=true: a missing source fails)")
        pytest.skip(f"the Work Plan is not at {WORK_PLAN}")
    tree = document_sections(str(WORK_PLAN))
    for path in ("IV(Follow-up).B", "IV.D(DECST).2", "IV.D(DSDE).2", "IV.D(DSDE).2bis", "IV.D(DSDE).3", "footnote 1"):
        assert path in tree
    assert "The XV IACML will take place" in tree["IV.D(DSDE).2bis"]
    assert "The XV IACML will take place" not in tree["IV.D(DSDE).2"]
    assert "Executive Order No. 05-13" in tree["footnote 1"] and "Executive Order" not in tree["VI"]
