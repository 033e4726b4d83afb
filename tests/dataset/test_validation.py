"""Validation: one test per kind of error, each on a small fixture holding that bad input."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import run_cli

from analysis.dataset.raw import read_raw
from analysis.dataset.validation import validate_raw


def rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, data: list[dict], columns: list[str] | None = None) -> None:
    columns = columns or list(data[0])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(data)


def edit(folder: Path, table: str, index: int, **changes) -> None:
    data = rows(folder / f"{table}.csv")
    data[index].update(changes)
    write(folder / f"{table}.csv", data)


def problems(folder: Path) -> list[str]:
    return [str(p) for p in validate_raw(read_raw(folder), folder)]


def test_fixture_is_valid(mini):
    assert problems(mini) == []


def test_cli_valid_fixture_exits_0(mini):
    result = run_cli("validate", str(mini))
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_missing_table(mini):
    (mini / "milestones.csv").unlink()
    msgs = problems(mini)
    assert len(msgs) == 1
    assert "the table 'milestones' is missing" in msgs[0] and "milestones.csv" in msgs[0]


def test_missing_column(mini):
    data = rows(mini / "actions.csv")
    cols = [c for c in data[0] if c != "kind"]
    write(mini / "actions.csv", data, cols)
    msgs = problems(mini)
    assert msgs == [f"{mini / 'actions.csv'}, column kind: the column 'kind' is missing from the table 'actions'"]


def test_unexpected_column(mini):
    data = rows(mini / "mandates.csv")
    for r in data:
        r["colour"] = "red"
    write(mini / "mandates.csv", data)
    msgs = problems(mini)
    assert len(msgs) == 1 and "unexpected column 'colour'" in msgs[0]


def test_wrong_type_int(mini):
    edit(mini, "mandates", 1, seq="two")
    assert problems(mini) == [f"{mini / 'mandates.csv'}, row 3, column seq: is not a whole number (value: 'two')"]


def test_wrong_type_date(mini):
    edit(mini, "milestones", 0, start="01/04/2007")
    msgs = problems(mini)
    assert any("row 2, column start: is not a date in the form YYYY-MM-DD (value: '01/04/2007')" in m for m in msgs)


def test_wrong_type_number(mini):
    edit(mini, "observations", 0, value="10, 260")
    msgs = problems(mini)
    assert msgs == [
        f"{mini / 'observations.csv'}, row 2, column value: is not a number (write digits with a '.' "
        "for decimals and no thousands separators) (value: '10, 260')"
    ]


def test_required_value_empty(mini):
    edit(mini, "actions", 2, description="  ")
    msgs = problems(mini)
    assert len(msgs) == 1 and "row 4, column description: this value is required but the cell is empty" in msgs[0]


def test_unknown_implementer(mini):
    edit(mini, "mandates", 0, implementer_id="NOPE")
    msgs = problems(mini)
    assert msgs == [
        f"{mini / 'mandates.csv'}, row 2, column implementer_id: refers to an unknown implementer: "
        "no row of 'implementers' has this implementer_id (value: 'NOPE')"
    ]


def test_unknown_mandate_in_link(mini):
    edit(mini, "action_mandates", 0, mandate_id="SPA-M9")
    msgs = problems(mini)
    assert len(msgs) == 1 and "refers to an unknown mandate" in msgs[0] and "'SPA-M9'" in msgs[0]


def test_duplicate_id(mini):
    edit(mini, "actions", 2, action_id="SPA-A1")
    msgs = problems(mini)
    dup = [m for m in msgs if "duplicate id" in m]
    assert dup == [
        f"{mini / 'actions.csv'}, row 4, column action_id: duplicate id: the same action_id "
        "is already used in row 2 (value: 'SPA-A1')"
    ]


def test_value_outside_vocabulary(mini):
    edit(mini, "actions", 0, lifecycle_status="done")
    msgs = problems(mini)
    assert len(msgs) == 1
    assert "column lifecycle_status: is not one of the allowed values: planned, in_progress" in msgs[0]
    assert "(value: 'done')" in msgs[0]


def test_more_voted_than_registered(mini):
    edit(mini, "observations", 1, value="20000", value_as_written="20,000")
    msgs = problems(mini)
    assert len(msgs) == 1
    assert "impossible figure: absentee_voted (20000) is more than absentee_registered (10260)" in msgs[0]
    assert "row 3, column value" in msgs[0]


def test_negative_count(mini):
    edit(mini, "observations", 0, value="-5")
    msgs = problems(mini)
    assert any("a count cannot be negative" in m and "(value: '-5')" in m for m in msgs)


def test_garbled_period(mini):
    edit(mini, "milestones", 0, period_text="secnod quartre 2007")
    msgs = problems(mini)
    assert len(msgs) == 1
    assert "row 2, column period_text: the period cannot be understood" in msgs[0]
    assert "'secnod quartre 2007'" in msgs[0]


def test_end_before_start(mini):
    edit(mini, "actions", 2, start="2007-05-01", end="2007-02-01")
    msgs = problems(mini)
    assert msgs == [
        f"{mini / 'actions.csv'}, row 4, column end: the period ends (2007-02-01) before it starts "
        "(2007-05-01) (value: '2007-02-01')"
    ]


def test_dates_disagree_with_period(mini):
    edit(mini, "milestones", 0, end="2007-07-31")
    msgs = problems(mini)
    assert msgs == [
        f"{mini / 'milestones.csv'}, row 2, column end: the end does not match the period "
        "'second quarter 2007', which gives 2007-06-30 (value: '2007-07-31')"
    ]


def test_precision_disagrees_with_period(mini):
    edit(mini, "milestones", 0, precision="month")
    msgs = problems(mini)
    assert msgs == [
        f"{mini / 'milestones.csv'}, row 2, column precision: the precision does not match the period "
        "'second quarter 2007', which is of precision 'quarter' (value: 'month')"
    ]


def test_not_utf8(mini):
    (mini / "implementers.csv").write_bytes("implementer_id\nJOSÉ\n".encode("latin-1"))
    result = run_cli("validate", str(mini))
    assert result.returncode == 1
    assert "implementers.csv: the file is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr


def test_acceptance_four_problems_one_line_each(mini):
    """The issue's check: removed column, unknown implementer, duplicated id, garbled period."""
    data = rows(mini / "indicators.csv")
    write(mini / "indicators.csv", data, [c for c in data[0] if c != "unit"])
    edit(mini, "mandates", 2, implementer_id="ATLANTIS")
    edit(mini, "observations", 1, observation_id="OBS-1")
    edit(mini, "milestones", 1, period_text="Marchuary 2007")
    result = run_cli("validate", "--no-sources", str(mini))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith("error: ")]
    assert len(lines) == 4, result.stderr
    assert any("column 'unit' is missing" in l for l in lines)
    assert any("unknown implementer" in l and "ATLANTIS" in l for l in lines)
    assert any("duplicate id" in l and "OBS-1" in l for l in lines)
    assert any("period cannot be understood" in l and "Marchuary 2007" in l for l in lines)
    assert "4 problems found." in result.stderr


def test_xlsx_workbook_problems_name_the_sheet(mini, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for f in sorted(mini.glob("*.csv")):
        ws = wb.create_sheet(f.stem)
        with f.open(newline="", encoding="utf-8") as fh:
            for r in csv.reader(fh):
                ws.append(r)
    from openpyxl.utils import get_column_letter

    from analysis.dataset.schema import TABLES

    col = get_column_letter(TABLES["actions"].column_names.index("lifecycle_status") + 1)
    wb["actions"][f"{col}2"] = "finished"
    out = tmp_path / "data.xlsx"
    wb.save(out)
    msgs = problems(out)
    assert msgs == [
        f"{out}, sheet actions, row 2, column lifecycle_status: is not one of the allowed values: "
        "planned, in_progress, completed, suspended, cancelled, no_information (value: 'finished')"
    ]


def test_data_quality_row_reference_must_exist(mini):
    edit(mini, "data_quality", 0, rows="observations:OBS-1;actions:NOPE-A9")
    msgs = problems(mini)
    assert msgs == [
        f"{mini / 'data_quality.csv'}, row 2, column rows: 'actions:NOPE-A9' names a row that does "
        "not exist in 'actions' (value: 'observations:OBS-1;actions:NOPE-A9')"
    ]
