"""Cross-references: ids named in free text exist, and contradictions keep both sides.

Each check is shown to fail on a copy of the shipped data broken in one place.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import config
from analysis.dataset.crossrefs import check_crossrefs, ids_in
from analysis.dataset.raw import read_raw
from analysis.dataset.schema import TABLES
from analysis.dataset.validation import validate_raw
from analysis.store.csv_io import table_csv_text


@pytest.fixture
def data(tmp_path):
    """A copy of the shipped tables."""
    dst = tmp_path / "program"
    shutil.copytree(config.PROGRAM_DIR, dst)
    return dst


def set_cell(folder, table, key, column, value):
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    hit = frame[TABLES[table].key] == key
    assert hit.sum() == 1
    frame.loc[hit, column] = value
    path.write_text(table_csv_text(frame, TABLES[table].column_names), encoding="utf-8")


def test_the_shipped_data_has_no_cross_reference_problem():
    raw = read_raw(config.PROGRAM_DIR)
    assert [str(p) for p in check_crossrefs(raw)] == []
    # and there is something to check: notes do name rows
    notes = " ".join(raw["actions"].frame["note"]) + " ".join(raw["milestones"].frame["note"])
    assert len(ids_in(notes)) > 20


def test_a_dangling_reference_in_a_note_is_one_line_with_file_row_column_value(data):
    set_cell(data, "milestones", "DSDE-C2", "note", "Contradicts the Calendar (DSDE-C8); both kept (DQ-100).")
    problems = validate_raw(read_raw(data), data)
    assert len(problems) == 1
    p = problems[0]
    assert (p.column, p.value) == ("note", "DQ-100") and p.file.endswith("milestones.csv") and p.row > 1
    assert "\n" not in str(p) and "does not exist" in str(p)


def test_a_dangling_reference_in_a_flag_description_is_caught(data):
    set_cell(data, "data_quality", "DQ-7", "description", "See SPA-P99.")
    problems = check_crossrefs(read_raw(data))
    assert [(p.column, p.value) for p in problems] == [("description", "SPA-P99")]


def test_a_settled_contradiction_is_an_error_unless_the_flag_says_how_and_why(data):
    set_cell(data, "milestones", "DSDE-C8", "achieved", "yes")
    problems = check_crossrefs(read_raw(data))
    assert [(p.column, p.value) for p in problems] == [("achieved", "yes")]
    assert "DQ-7" in str(problems[0])
    set_cell(data, "data_quality", "DQ-7", "settled", "The DSDE reported the XV IACML held in September 2007.")
    assert check_crossrefs(read_raw(data)) == []


def test_a_contradiction_without_its_second_passage_is_caught(data):
    set_cell(data, "data_quality", "DQ-7", "excerpt_b", "")
    problems = check_crossrefs(read_raw(data))
    assert [p.column for p in problems] == ["excerpt_b"]


def test_ids_in_text_are_whole_ids_only():
    assert ids_in("OBS-21, IIN-M1..M2, DECST-P3/P4 and CP/CAJP-2083/03") == ["OBS-21", "IIN-M1", "DECST-P3"]


def test_political_affairs_work_has_one_owner():
    """data/README.md: the SPA holds what IV.F.1 assigns; what IV.F.2-4 report as done, planned or counted is the DPD's."""
    raw = read_raw(config.PROGRAM_DIR)
    assigned, reported = set(), set()
    for name in ("mandates", "actions", "milestones", "observations", "data_quality"):
        f = raw[name].frame
        assigned |= set(f.loc[f["section"] == "IV.F.1", "implementer_id"]) - {""}
        reported |= set(f.loc[f["section"].str.match(r"IV\.F\.[234]"), "implementer_id"]) - {""}
    assert assigned == {"SPA"}
    assert reported == {"DPD"}
