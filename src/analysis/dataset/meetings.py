"""The CAJP special meetings the reports are prepared for (data/meetings.csv).

A meeting's ``as_of`` is the date the reports measure progress at. The
default meeting is the latest one whose ``as_of`` (or date) is on or before
today; ``next`` is the earliest one whose ``as_of`` is after today.

>>> import datetime as dt
>>> ms = load_meetings()
>>> resolve_meeting(ms, "next", today=dt.date(2026, 11, 29)).meeting_id
'2027'
>>> resolve_meeting(ms, None, today=dt.date(2026, 11, 29)).meeting_id
'2007'
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import config
from analysis.common.dates import as_date
from analysis.errors import DataError, Problem, UsageError

COLUMNS = (
    "meeting_id",
    "date",
    "as_of",
    "title_en",
    "title_es",
    "title_fr",
    "title_pt",
    "reporting_period_start",
    "reporting_period_end",
    "basis",
)
OPTIONAL_COLUMNS = ("title_fr", "title_pt")  # older meeting files have no French or Portuguese titles
REQUIRED = ("meeting_id", "as_of", "title_en", "basis")
DATE_COLUMNS = ("date", "as_of", "reporting_period_start", "reporting_period_end")
MEETING_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Meeting:
    """One meeting; ``date`` is None when the date is not known yet."""

    meeting_id: str
    date: dt.date | None
    as_of: dt.date
    title_en: str
    title_es: str
    reporting_period_start: dt.date | None
    reporting_period_end: dt.date | None
    basis: str
    title_fr: str = ""
    title_pt: str = ""

    def title(self, lang: str) -> str:
        """The title in ``lang`` ("en", "es", "fr" or "pt"), falling back to English."""
        return {"es": self.title_es, "fr": self.title_fr, "pt": self.title_pt}.get(lang) or self.title_en

    @property
    def placeholder(self) -> bool:
        return self.date is None


def _date(text: str) -> dt.date | None:
    return as_date(text)  # ValueError for anything but YYYY-MM-DD


def _read_rows(path: Path, file: str) -> list[list[str]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise DataError(Problem("no such file", file=file)) from None
    except UnicodeDecodeError as exc:
        raise DataError(Problem(f"the file is not UTF-8 text (byte {exc.start})", file=file)) from None
    except csv.Error as exc:
        raise DataError(Problem(f"the file is not valid CSV: {exc}", file=file)) from None
    if not rows:
        raise DataError(Problem("the file is empty: expected a header row", file=file))
    return rows


def _check_header(header: list[str], file: str) -> None:
    problems = [
        Problem(f"the column '{c}' is missing", file=file, row=1)
        for c in COLUMNS
        if c not in header and c not in OPTIONAL_COLUMNS
    ]
    problems += [
        Problem("unknown column", file=file, row=1, column=c or "(empty)", value=c) for c in header if c not in COLUMNS
    ]
    if problems:
        raise DataError(problems)


def _id_problems(mid: str, line: int, file: str, seen: dict[str, int]) -> list[Problem]:
    problems = []
    if mid and not MEETING_ID_RE.match(mid):
        problems.append(
            Problem(
                "is not a valid meeting id: use letters, digits, '-', '_' or '.'",
                file=file,
                row=line,
                column="meeting_id",
                value=mid,
            )
        )
    if mid in seen:
        problems.append(
            Problem(
                f"duplicate meeting id (first on row {seen[mid]})", file=file, row=line, column="meeting_id", value=mid
            )
        )
    seen.setdefault(mid, line)
    return problems


def _meeting(cells: dict[str, str], line: int, file: str, seen: dict[str, int]) -> tuple[Meeting | None, list[Problem]]:
    """One row as a meeting, or None with the problems that stop it."""
    problems = [
        Problem("this value is required but the cell is empty", file=file, row=line, column=col)
        for col in REQUIRED
        if not cells[col]
    ]
    problems += _id_problems(cells["meeting_id"], line, file, seen)
    dates = {}
    for col in DATE_COLUMNS:
        try:
            dates[col] = _date(cells[col])
        except ValueError:
            problems.append(
                Problem("is not a date in the form YYYY-MM-DD", file=file, row=line, column=col, value=cells[col])
            )
    if problems:
        return None, problems
    start, end = dates["reporting_period_start"], dates["reporting_period_end"]
    if start and end and start > end:
        problem = Problem(
            f"the reporting period ends before it starts ({start})",
            file=file,
            row=line,
            column="reporting_period_end",
            value=cells["reporting_period_end"],
        )
        return None, [problem]
    meeting = Meeting(
        cells["meeting_id"],
        dates["date"],
        dates["as_of"],
        cells["title_en"],
        cells["title_es"],
        start,
        end,
        cells["basis"],
        title_fr=cells["title_fr"],
        title_pt=cells["title_pt"],
    )
    return meeting, []


def load_meetings(path: Path | str | None = None) -> list[Meeting]:
    """Read and validate the meetings file; raise :class:`DataError` listing every problem.

    Meetings come back sorted by ``as_of``.
    """
    path = Path(path) if path is not None else config.MEETINGS_FILE
    file = str(path)
    rows = _read_rows(path, file)
    header = [h.strip() for h in rows[0]]
    _check_header(header, file)
    meetings, seen, problems = [], {}, []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = dict.fromkeys(OPTIONAL_COLUMNS, "")
        cells.update(zip(header, [c.strip() for c in row] + [""] * (len(header) - len(row))))
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            problems.append(Problem("this row has more cells than the header", file=file, row=line))
        meeting, found = _meeting(cells, line, file, seen)
        problems += found
        if meeting is not None:
            meetings.append(meeting)
    if problems:
        raise DataError(problems)
    if not meetings:
        raise DataError(Problem("the file lists no meetings", file=file))
    return sorted(meetings, key=lambda m: (m.as_of, m.meeting_id))


def resolve_meeting(meetings: list[Meeting], choice: str | None = None, today: dt.date | None = None) -> Meeting:
    """The meeting ``choice`` names: an id, ``"next"``, or None for the default.

    Default: the latest meeting held (``date``, else ``as_of``) on or before
    ``today``. ``next``: the earliest meeting whose ``as_of`` is after ``today``.
    Raises :class:`UsageError` when there is no such meeting.
    """
    today = today or dt.date.today()
    ordered = sorted(meetings, key=lambda m: (m.as_of, m.meeting_id))
    if choice is None or choice == "latest":
        past = [m for m in ordered if (m.date or m.as_of) <= today]
        if not past:
            raise UsageError(f"no meeting is on or before {today}: give --meeting")
        return past[-1]
    if choice == "next":
        future = [m for m in ordered if m.as_of > today]
        if not future:
            raise UsageError(f"no meeting after {today} is listed in {config.MEETINGS_FILE.name}: add one")
        return future[0]
    for m in ordered:
        if m.meeting_id == choice:
            return m
    known = ", ".join(m.meeting_id for m in ordered[-5:])
    raise UsageError(f"unknown meeting {choice!r}: use 'next' or an id from meetings.csv (latest: {known})")
