"""Truth in data: every excerpt in the shipped tables occurs verbatim in the Work Plan."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.dataset.provenance import check_excerpts, normalize
from analysis.dataset.raw import read_raw

WORK_PLAN = config.work_plan_path()
pytestmark = pytest.mark.skipif(not WORK_PLAN.exists(), reason=f"the Work Plan is not at {WORK_PLAN}")


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
