"""Tests for analysis.dataset.meetings: the meetings file, default and next meeting."""

import datetime as dt

import pytest

from analysis import config
from analysis.dataset.meetings import COLUMNS, OPTIONAL_COLUMNS, load_meetings, resolve_meeting
from analysis.errors import DataError, UsageError

TODAY = dt.date(2026, 11, 29)


def test_shipped_meetings_are_valid_and_cite_the_work_plan():
    ms = load_meetings()
    first = ms[0]
    assert first.meeting_id == "2006" and first.date == dt.date(2006, 3, 16)
    assert "March 16, 2006" in first.basis
    work_plan = config.work_plan_path()
    if work_plan.exists():
        assert "held on March 16, 2006" in work_plan.read_text(encoding="utf-8")
    later = [m for m in ms if m.meeting_id != "2006"]
    assert later and all(m.placeholder and "placeholder" in m.basis.lower() for m in later)
    assert any("August 2006 – March 2007" in m.basis for m in ms)
    assert max(m.as_of for m in ms).year >= 2027


def test_default_is_latest_past_meeting_and_next_is_first_future():
    ms = load_meetings()
    assert resolve_meeting(ms, None, today=TODAY).meeting_id == "2007"  # the latest listed; 2008-2026 are unknown
    assert resolve_meeting(ms, "next", today=TODAY).meeting_id == "2027"
    assert resolve_meeting(ms, "2006", today=TODAY).as_of == dt.date(2006, 3, 16)
    assert resolve_meeting(ms, None, today=dt.date(2006, 3, 16)).meeting_id == "2006"


def test_unknown_meeting_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown meeting"):
        resolve_meeting(load_meetings(), "1999", today=TODAY)
    with pytest.raises(UsageError, match="no meeting after"):
        resolve_meeting(load_meetings(), "next", today=dt.date(2100, 1, 1))


def _write(tmp_path, rows):
    p = tmp_path / "meetings.csv"
    header = [c for c in COLUMNS if c not in OPTIONAL_COLUMNS]  # a file without fr/pt titles still loads
    p.write_text("\n".join([",".join(header), *rows]) + "\n", encoding="utf-8")
    return p


def test_bad_date_names_file_row_column_value(tmp_path):
    p = _write(tmp_path, ["2006,2006-03-16,2006-03-16,T,T,,,b", "2007,,2007-31-03,T,T,,,b"])
    with pytest.raises(DataError) as info:
        load_meetings(p)
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (str(p), 3, "as_of", "2007-31-03")
    assert "meetings.csv, row 3, column as_of" in str(problem)


def test_duplicate_missing_and_hostile_ids_are_reported(tmp_path):
    p = _write(
        tmp_path, ["2006,,2006-03-16,T,T,,,b", "2006,,2006-03-17,T,T,,,b", "../x,,2006-03-18,T,T,,,b", "2009,,,T,T,,,"]
    )
    with pytest.raises(DataError) as info:
        load_meetings(p)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "duplicate meeting id" in text and "row 3" in text
    assert "not a valid meeting id" in text and "'../x'" in text
    assert "row 5, column as_of" in text and "row 5, column basis" in text


def test_missing_column_and_missing_file(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("meeting_id,as_of\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 'title_en' is missing"):
        load_meetings(p)
    with pytest.raises(DataError, match="no such file"):
        load_meetings(tmp_path / "nope.csv")


def test_shipped_meetings_have_titles_in_the_four_languages():
    for m in load_meetings():
        titles = {lang: m.title(lang) for lang in ("en", "es", "fr", "pt")}
        assert len(set(titles.values())) == 4, titles  # none falls back to English
        assert "CAJP" in titles["fr"] and "Programme interaméricain" in titles["fr"]
        assert "Programa Interamericano" in titles["pt"]
