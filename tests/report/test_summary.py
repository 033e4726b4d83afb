"""The terminal summary: milestone columns by the honest statuses, and who reported by the one rule."""

from __future__ import annotations

import datetime as dt

from analysis.dataset.loading import load_dataset
from analysis.dataset.meetings import Meeting
from analysis.report.summary import summary_text


def test_summary_names_who_reported_nothing_in_the_period(mini):
    m = Meeting("2007", None, dt.date(2007, 7, 1), "t", "", dt.date(2006, 3, 17), dt.date(2007, 3, 31), "test")
    text = summary_text(load_dataset(mini), m.as_of, m.title_en, m)
    assert "missed" in text and "past unreported" in text and "overdue" not in text
    assert text.splitlines()[-1] == (
        "implementers that reported nothing from 2006-03-17 to 2007-03-31: 1 of 3 (member states included): HND"
    )


def test_summary_without_a_meeting_does_not_guess_who_reported(mini):
    text = summary_text(load_dataset(mini), dt.date(2007, 7, 1))
    assert "not computed without a meeting's reporting period" in text.splitlines()[-1]
