"""Property tests (Hypothesis): random answers typed into a real form.

A form is made from the fixture data; Hypothesis fills it as an implementer
might (statuses and answers from the drop-down lists in either language, new
descriptions, new rows). For every such form: the master stays valid, nothing
is lost (every row still there, every typed answer in the master and in the
log, one log line per change), and ingesting it again changes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import openpyxl
from conftest import copy_excel_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.dataset.loading import load_dataset
from analysis.dataset.raw import read_raw
from analysis.dataset.validation import validate_raw
from analysis.excel.form import vocab_labels, write_template
from analysis.excel.ingest import ingest
from analysis.store.changelog import read_changelog

WORDS = (
    st.text("abcdefghijklmnopqrstuvwxyzáéíñ ,.;:'()-0123456789", min_size=3, max_size=60)
    .map(str.strip)
    .filter(lambda s: len(s) >= 3 and not s.startswith(("-", "'")))
)
PERIODS = st.sampled_from(["March 2007", "first semester of 2007", "marzo de 2007", "2007", "April 2007"])


@st.composite
def answers(draw) -> dict:
    lang = draw(st.sampled_from(["en", "es"]))
    statuses = list(vocab_labels("lifecycle", lang).values())
    achieved = list(vocab_labels("achieved", lang).values())
    kinds = list(vocab_labels("action_kind", lang).values())
    edits: dict[str, object] = {}
    for r in draw(st.sets(st.integers(2, 5), max_size=4)):  # the four actions the form shows
        edits[f"E{r}"] = draw(st.sampled_from(statuses))
        if draw(st.booleans()):
            edits[f"C{r}"] = draw(WORDS)
    for i in range(draw(st.integers(0, 2))):  # new rows
        r = 6 + i
        edits.update({f"B{r}": draw(st.sampled_from(kinds)), f"C{r}": draw(WORDS), f"D{r}": draw(PERIODS)})
        edits[f"E{r}"] = draw(st.sampled_from(statuses))
    milestones = {f"D{r}": draw(st.sampled_from(achieved)) for r in draw(st.sets(st.integers(2, 3), max_size=2))}
    return {"lang": lang, "actions": edits, "milestones": milestones}


def keys(data: Path, table: str, key: str) -> set[str]:
    return set(read_raw(data)[table].frame[key])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filled=answers())
def test_random_answers_in_a_real_form_are_all_kept_once(filled):
    work = Path(tempfile.mkdtemp())
    try:
        data = copy_excel_fixture(work)
        form = write_template(work / "form.xlsx", load_dataset(data), "IACHR", "2007", filled["lang"])
        wb = openpyxl.load_workbook(form)
        names = wb.sheetnames
        for ref, value in filled["actions"].items():
            wb[names[2]][ref] = value
        for ref, value in filled["milestones"].items():
            wb[names[3]][ref] = value
        wb.save(work / "filled.xlsx")
        before = {t: keys(data, t, k) for t, k in (("actions", "action_id"), ("milestones", "milestone_id"))}

        result = ingest(work / "filled.xlsx", data)

        raw = read_raw(data)
        assert validate_raw(raw, data) == []  # the master is valid
        assert before["actions"] <= keys(data, "actions", "action_id")  # nothing lost
        assert before["milestones"] == keys(data, "milestones", "milestone_id")
        descriptions = set(raw["actions"].frame["description"])
        for ref, value in filled["actions"].items():
            if ref.startswith("C"):
                assert value in descriptions  # every typed answer is in the master
        log = read_changelog(data.parent / "changelog.csv")
        assert len(log) == len(result.changes)  # one log line per change
        again = ingest(work / "filled.xlsx", data)  # idempotent
        assert again.changes == [] and (again.already_ingested or not result.changes)
        assert len(read_changelog(data.parent / "changelog.csv")) == len(log)
    finally:
        shutil.rmtree(work)
