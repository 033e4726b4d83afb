"""Impossible pairs of figures, checked against a per-row reference on generated tables."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dataset.checks import arrow, numbers, stripped_columns, text
from analysis.dataset.figures import AT_MOST, _at_most
from analysis.dataset.raw import TEXT, RawTable

ROWS = st.lists(
    st.tuples(
        st.sampled_from(["absentee_voted", "absentee_registered", "other"]),
        st.sampled_from(["HND", "", "Érica"]),
        st.sampled_from(["2006", ""]),
        st.sampled_from(["1", "5", "10", "", "n/a", "7.5"]),
    ),
    max_size=30,
)


def reference(rows: list[tuple]) -> list[tuple[int, str]]:
    """(row position, message) of every impossible pair, the last figure of each place and indicator counting."""
    last = {}
    for pos, (ind, country, election, value) in enumerate(rows):
        number = float(value) if value not in ("", "n/a") else math.nan
        if ind in (*AT_MOST, *AT_MOST.values()) and not math.isnan(number):
            last[(country, election, ind)] = (number, pos)
    found = []
    for part, whole in AT_MOST.items():
        for (country, election, ind), (number, pos) in last.items():
            other = last.get((country, election, whole))
            if ind == part and other and number > other[0]:
                where = f"{country or 'the same country'} {election}".rstrip()
                found.append(
                    (pos, f"impossible figure: {part} ({number:g}) is more than {whole} ({other[0]:g}) for {where}")
                )
    return sorted(found)


@settings(max_examples=200, deadline=None)
@given(ROWS)
def test_impossible_pairs_match_the_per_row_rule(rows):
    columns = ["indicator_id", "country", "election", "value"]
    frame = pd.DataFrame({c: pd.array([r[i] for r in rows], dtype=TEXT) for i, c in enumerate(columns)})
    table = RawTable("observations", frame, "observations.csv")
    with stripped_columns():
        problems = _at_most(table, text(table, "indicator_id"), pd.Series(numbers(arrow(text(table, "value")))))
    assert [(p.row - 2, p.message) for p in problems] == reference(rows)
    assert all(p.column == "value" and p.value == rows[p.row - 2][3] for p in problems)
