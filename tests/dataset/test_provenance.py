"""Truth in data: every excerpt in the shipped tables lies verbatim inside the section its row cites.

Without the Work Plan text these tests skip, except under CI (``CI=true``),
where a missing source is a failure: the check must not silently not run.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest
from conftest import run_cli

from analysis import config
from analysis.dataset.provenance import check_excerpts, normalize, source_missing
from analysis.dataset.raw import read_raw

WORK_PLAN = config.work_plan_path()


@pytest.fixture(autouse=True)
def _work_plan_present():
    if WORK_PLAN.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the Work Plan text is not at {WORK_PLAN} (CI=true: a missing source fails)")
    pytest.skip(f"the Work Plan is not at {WORK_PLAN}")


def test_every_excerpt_is_verbatim():
    raw = read_raw(config.PROGRAM_DIR)
    problems = check_excerpts(raw, WORK_PLAN)
    assert [str(p) for p in problems] == []
    # and there is something to check: every table cites rows
    assert all(len(t.frame) > 0 for t in raw.values())


def test_every_row_cites_a_section_and_excerpt():
    raw = read_raw(config.PROGRAM_DIR)
    for name, t in raw.items():
        for col in ("section", "excerpt"):
            empty = t.frame.index[t.frame[col].astype(str).str.strip() == ""].tolist()
            assert empty == [], f"{name}: rows {[t.row_number(i) for i in empty]} have no {col}"


def test_an_invented_excerpt_is_caught(mini):
    text = (mini / "mandates.csv").read_text(encoding="utf-8")
    (mini / "mandates.csv").write_text(
        text.replace("democratic processes.", "democratic processes!", 2), encoding="utf-8"
    )
    problems = check_excerpts(read_raw(mini), WORK_PLAN)
    assert problems and all("not found verbatim" in str(p) for p in problems)
    assert {p.column for p in problems} == {"text", "excerpt"}


def test_whitespace_is_normalized_but_nothing_else():
    assert normalize("a \n\t b ") == "a b"
    assert normalize("“quoted”") == "“quoted”"


def test_an_excerpt_under_the_wrong_section_is_caught(mini):
    text = (mini / "mandates.csv").read_text(encoding="utf-8")
    assert ",IV.F.1," in text
    (mini / "mandates.csv").write_text(text.replace(",IV.F.1,", ",IV.F.2,", 1), encoding="utf-8")
    problems = check_excerpts(read_raw(mini), WORK_PLAN)
    assert problems and all("not inside section IV.F.2 (it is in IV.F.1)" in str(p) for p in problems)


def test_a_section_that_does_not_exist_is_caught(mini):
    text = (mini / "mandates.csv").read_text(encoding="utf-8")
    (mini / "mandates.csv").write_text(text.replace(",IV.F.1,", ",IV.F.9,", 1), encoding="utf-8")
    problems = check_excerpts(read_raw(mini), WORK_PLAN)
    assert problems and all("the section 'IV.F.9' does not exist" in str(p) for p in problems)


def test_a_missing_source_is_one_line_naming_where_it_looked(tmp_path):
    missing = source_missing(tmp_path / "nowhere.txt")
    assert missing is not None and str(tmp_path / "nowhere.txt") in str(missing) and "\n" not in str(missing)
    assert source_missing(WORK_PLAN) is None


def test_a_date_taken_from_outside_the_excerpt_needs_a_note_saying_where(mini):
    raw = read_raw(mini)
    assert [p for p in check_excerpts(raw, WORK_PLAN) if p.column == "period_text"] == []
    text = (mini / "observations.csv").read_text(encoding="utf-8")
    (mini / "observations.csv").write_text(text.replace(",2005,=,4541,", ",2004,=,4541,"), encoding="utf-8")
    problems = check_excerpts(read_raw(mini), WORK_PLAN)
    assert [(p.column, p.value) for p in problems] == [("period_text", "2004")]
    assert "not in the row's excerpt" in str(problems[0])


def test_validate_says_in_one_line_that_it_could_not_check_excerpts(tmp_path):
    nowhere = tmp_path / "work-plan.txt"
    done = run_cli("validate", env={"WORK_PLAN_PATH": str(nowhere)})
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "excerpts were not checked" in line]
    assert len(lines) == 1 and str(nowhere) in lines[0]


def test_sources_held_once_are_checked_the_same(tmp_path):
    """``validate`` reads section and excerpt as categoricals where they repeat: the same problems."""
    data = tmp_path / "program"
    shutil.copytree(config.PROGRAM_DIR, data)
    text = (data / "mandates.csv").read_text(encoding="utf-8")
    assert ",IV.F.1," in text and "democratic processes." in text
    text = text.replace("democratic processes.", "democratic processes!", 2).replace(",IV.F.1,", ",IV.F.2,", 1)
    (data / "mandates.csv").write_text(text, encoding="utf-8")
    compact = read_raw(data, compact=True)
    assert isinstance(compact["mandates"].frame["section"].dtype, pd.CategoricalDtype)
    problems = [str(p) for p in check_excerpts(compact, WORK_PLAN)]
    assert len(problems) >= 2
    assert problems == [str(p) for p in check_excerpts(read_raw(data), WORK_PLAN)]
