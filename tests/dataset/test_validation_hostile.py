"""Validation catches what would crash or lie later (issue 9, point 5): one fixture per case.

Each file in tests/fixtures/hostile is ``<case>__<table>.csv`` and replaces that
table in a copy of the valid mini fixture.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, run_cli

from analysis.dataset.loading import load_dataset
from analysis.dataset.raw import read_raw
from analysis.dataset.schema import TABLES
from analysis.dataset.validation import validate_raw
from analysis.errors import DataError

HOSTILE = FIXTURES / "hostile"


def with_case(mini, case: str):
    (fixture,) = HOSTILE.glob(f"{case}__*.csv")
    table = fixture.stem.split("__")[1]
    shutil.copy(fixture, mini / f"{table}.csv")
    return mini / f"{table}.csv"


def problems(folder) -> list[str]:
    return [str(p) for p in validate_raw(read_raw(folder), folder)]


def test_byte_order_mark_is_accepted(mini):
    with_case(mini, "bom")
    assert problems(mini) == []
    assert load_dataset(mini, use_cache=False).actions.columns[0] == "action_id"


def test_semicolon_file_is_one_line_naming_the_fix(mini):
    file = with_case(mini, "semicolon")
    msgs = problems(mini)
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(f"{file}: the columns are separated by semicolons, not commas")
    assert "CSV UTF-8 (Comma delimited)" in msgs[0]


def test_latin1_file_is_one_line_naming_the_fix(mini):
    file = with_case(mini, "latin1")
    result = run_cli("validate", "--no-sources", str(mini))
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len([line for line in lines if line.startswith("error")]) == 1, result.stderr
    assert f"{file}: the file is not UTF-8 text" in result.stderr and "Latin-1" in result.stderr
    assert "CSV UTF-8" in result.stderr


def test_empty_file_is_one_line(mini):
    file = with_case(mini, "empty")
    msgs = problems(mini)
    columns = ", ".join(TABLES["mandates"].column_names)
    assert msgs == [f"{file}: the file is empty: expected a header row with the columns {columns}"]


def test_missing_table_that_others_refer_to_is_one_line(mini):
    (mini / "implementers.csv").unlink()
    msgs = problems(mini)
    assert len(msgs) == 1 and "the table 'implementers' is missing" in msgs[0]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("formula_unbalanced", "the formula cannot be computed: 'absentee_voted / (absentee_registered' is not"),
        ("formula_call", "the formula cannot be computed: '__import__(\"os\").getcwd()' uses Call"),
        ("formula_unknown", "the formula uses indicator(s) that do not exist: absentee_enrolled"),
    ],
)
def test_bad_formula_is_caught_at_validation(mini, case, reason):
    file = with_case(mini, case)
    msgs = problems(mini)
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(f"{file}, row 4, column formula: {reason}")


def test_integer_beyond_64_bits(mini):
    file = with_case(mini, "seq_20_digits")
    assert problems(mini) == [
        f"{file}, row 3, column seq: is too large: whole numbers must lie between "
        "-9223372036854775807 and 9223372036854775807 (value: '12345678901234567890')"
    ]


def test_spanish_thousands_read_as_decimal_is_caught(mini):
    file = with_case(mini, "spanish_thousands_as_decimal")
    msgs = problems(mini)
    assert len(msgs) == 2, msgs  # and, read as 10.26, fewer registered than voted
    assert "impossible figure: absentee_voted (4541) is more than absentee_registered (10.26)" in msgs[1]
    assert msgs[0].startswith(f"{file}, row 2, column value: a count must be a whole number (absentee_registered")
    assert "write 141407 for '141.407'" in msgs[0] and msgs[0].endswith("(value: '10.26')")


def test_spanish_thousands_read_right_is_accepted(mini):
    with_case(mini, "spanish_thousands_read_right")
    assert problems(mini) == []


def test_value_disagreeing_with_the_text(mini):
    file = with_case(mini, "value_disagrees")
    assert problems(mini) == [
        f"{file}, row 2, column value: the value does not agree with value_as_written '10, 260' read with "
        "either English (1,234.5) or Spanish (1.234,5) separators (value: '10620')"
    ]


def test_fractional_count_of_persons(mini):
    file = with_case(mini, "fractional_persons")
    msgs = problems(mini)
    assert len(msgs) == 1 and msgs[0].startswith(f"{file}, row 3, column value: a count must be a whole number")


def test_nan_is_not_a_number(mini):
    file = with_case(mini, "nan_value")
    assert problems(mini) == [
        f"{file}, row 3, column value: is not a number (write digits with a '.' for decimals and no "
        "thousands separators) (value: 'nan')"
    ]


def test_load_refuses_every_hostile_case_with_a_data_error(mini, tmp_path):
    for case in ("semicolon", "empty", "formula_call", "seq_20_digits", "fractional_persons"):
        folder = tmp_path / case
        shutil.copytree(mini, folder)
        with_case(folder, case)
        with pytest.raises(DataError):
            load_dataset(folder)
