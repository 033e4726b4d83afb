"""Tests for analysis.dataset.periods: every period phrase of the Work Plan, in English and Spanish."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest

from analysis.dataset.periods import Period, PeriodError, is_period, parse_period

# text, default_year, start, end, precision, recurring, edtf
ENGLISH = [
    ("March 2007", None, "2007-03-01", "2007-03-31", "month", False, "2007-03"),
    ("September, 2006", None, "2006-09-01", "2006-09-30", "month", False, "2006-09"),
    ("March or April 2007", None, "2007-03-01", "2007-04-30", "months", False, "[2007-03,2007-04]"),
    ("February and March 2007", None, "2007-02-01", "2007-03-31", "months", False, "2007-02/2007-03"),
    ("March and May 2007", None, "2007-03-01", "2007-05-31", "months", False, "{2007-03,2007-05}"),
    ("May 2007", None, "2007-05-01", "2007-05-31", "month", False, "2007-05"),
    ("July-October 2006", None, "2006-07-01", "2006-10-31", "months", False, "2006-07/2006-10"),
    ("second quarter 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34"),
    ("third quarter 2007", None, "2007-07-01", "2007-09-30", "quarter", False, "2007-35"),
    ("in second quarter 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34"),
    ("by third quarter 2007", None, None, "2007-09-30", "range", False, "/2007-35"),
    ("last quarter of the year", 2007, "2007-10-01", "2007-12-31", "quarter", False, "2007-36"),
    ("in the last quarter of the year", 2007, "2007-10-01", "2007-12-31", "quarter", False, "2007-36"),
    ("the last quarter of 2007", None, "2007-10-01", "2007-12-31", "quarter", False, "2007-36"),
    ("1st quarter 2007", None, "2007-01-01", "2007-03-31", "quarter", False, "2007-33"),
    ("Q2 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34"),
    ("first semester 2007", None, "2007-01-01", "2007-06-30", "semester", False, "2007-40"),
    ("2nd semester 2007", None, "2007-07-01", "2007-12-31", "semester", False, "2007-41"),
    ("first semester of subsequent years", 2007, "2008-01-01", None, "recurring", True, "R/2008-40/P1Y"),
    ("during the first semester of subsequent years", 2007, "2008-01-01", None, "recurring", True, "R/2008-40/P1Y"),
    ("first semester of subsequent years", None, None, None, "recurring", True, "R/P1Y"),
    ("second half of 2007", None, "2007-07-01", "2007-12-31", "half", False, "2007-41"),
    ("late spring 2007", None, "2007-05-01", "2007-06-20", "season", False, "2007-05-01/2007-06-20"),
    ("spring 2007", None, "2007-03-20", "2007-06-20", "season", False, "2007-21"),
    ("August 2006 – March 2007", None, "2006-08-01", "2007-03-31", "months", False, "2006-08/2007-03"),
    ("August 2006 - March 2007", None, "2006-08-01", "2007-03-31", "months", False, "2006-08/2007-03"),
    ("August 2006 to March 2007", None, "2006-08-01", "2007-03-31", "months", False, "2006-08/2007-03"),
    ("January to December, 2007", None, "2007-01-01", "2007-12-31", "months", False, "2007-01/2007-12"),
    ("Each year", None, None, None, "recurring", True, "R/P1Y"),
    ("Every year", None, None, None, "recurring", True, "R/P1Y"),
    ("Each year", 2007, "2007-01-01", None, "recurring", True, "R/2007/P1Y"),
    ("2007", None, "2007-01-01", "2007-12-31", "year", False, "2007"),
    ("in 2006", None, "2006-01-01", "2006-12-31", "year", False, "2006"),
    ("October 3-5, 2006", None, "2006-10-03", "2006-10-05", "days", False, "2006-10-03/2006-10-05"),
    ("July 4-7, 2006", None, "2006-07-04", "2006-07-07", "days", False, "2006-07-04/2006-07-07"),
    ("November 28-29, 2006", None, "2006-11-28", "2006-11-29", "days", False, "2006-11-28/2006-11-29"),
    ("March 16 and 17, 2006", None, "2006-03-16", "2006-03-17", "days", False, "2006-03-16/2006-03-17"),
    ("March 3 - April 5, 2007", None, "2007-03-03", "2007-04-05", "days", False, "2007-03-03/2007-04-05"),
    ("March 16, 2006", None, "2006-03-16", "2006-03-16", "day", False, "2006-03-16"),
    ("on May 25, 2006", None, "2006-05-25", "2006-05-25", "day", False, "2006-05-25"),
    ("June 7, 2005", None, "2005-06-07", "2005-06-07", "day", False, "2005-06-07"),
    ("April 17-19", 2006, "2006-04-17", "2006-04-19", "days", False, "2006-04-17/2006-04-19"),
    ("June", 2007, "2007-06-01", "2007-06-30", "month", False, "2007-06"),
    ("October 2005", None, "2005-10-01", "2005-10-31", "month", False, "2005-10"),
    ("From August 2005 to end-2006", None, "2005-08-01", "2006-12-31", "range", False, "2005-08/2006"),
    ("end-2006", None, None, "2006-12-31", "range", False, "/2006"),
    ("toward the end of November, 2006", None, "2006-11-01", "2006-11-30", "month", False, "2006-11"),
    ("toward the end of 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007"),
    ("Towards the end of 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007"),
    ("end of 2007", None, None, "2007-12-31", "range", False, "/2007"),
    ("Since 2005", None, "2005-01-01", None, "range", False, "2005/.."),
    ("since September, 2006", None, "2006-09-01", None, "range", False, "2006-09/.."),
    ("from March 2007", None, "2007-03-01", None, "range", False, "2007-03/.."),
    ("during 2006", None, "2006-01-01", "2006-12-31", "year", False, "2006"),
    ("2006-2007", None, "2006-01-01", "2007-12-31", "range", False, "2006/2007"),
    ("2006-2008", None, "2006-01-01", "2008-12-31", "range", False, "2006/2008"),
    ("2005-2006", None, "2005-01-01", "2006-12-31", "range", False, "2005/2006"),
    ("Between 2005 and 2006", None, "2005-01-01", "2006-12-31", "range", False, "2005/2006"),
]
SPANISH = [
    ("marzo de 2007", None, "2007-03-01", "2007-03-31", "month", False, "2007-03"),
    ("setiembre de 2006", None, "2006-09-01", "2006-09-30", "month", False, "2006-09"),
    ("septiembre de 2006", None, "2006-09-01", "2006-09-30", "month", False, "2006-09"),
    ("marzo o abril de 2007", None, "2007-03-01", "2007-04-30", "months", False, "[2007-03,2007-04]"),
    ("febrero y marzo de 2007", None, "2007-02-01", "2007-03-31", "months", False, "2007-02/2007-03"),
    ("segundo trimestre de 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34"),
    ("último trimestre de 2007", None, "2007-10-01", "2007-12-31", "quarter", False, "2007-36"),
    ("último trimestre del año", 2007, "2007-10-01", "2007-12-31", "quarter", False, "2007-36"),
    ("primer semestre de 2007", None, "2007-01-01", "2007-06-30", "semester", False, "2007-40"),
    ("primer semestre de los años siguientes", 2007, "2008-01-01", None, "recurring", True, "R/2008-40/P1Y"),
    ("segunda mitad de 2007", None, "2007-07-01", "2007-12-31", "half", False, "2007-41"),
    ("segundo semestre de 2007", None, "2007-07-01", "2007-12-31", "semester", False, "2007-41"),
    ("finales de la primavera de 2007", None, "2007-05-01", "2007-06-20", "season", False, "2007-05-01/2007-06-20"),
    ("agosto de 2006 – marzo de 2007", None, "2006-08-01", "2007-03-31", "months", False, "2006-08/2007-03"),
    ("enero a diciembre de 2007", None, "2007-01-01", "2007-12-31", "months", False, "2007-01/2007-12"),
    ("de enero a diciembre de 2007", None, "2007-01-01", "2007-12-31", "months", False, "2007-01/2007-12"),
    ("cada año", None, None, None, "recurring", True, "R/P1Y"),
    ("todos los años", 2007, "2007-01-01", None, "recurring", True, "R/2007/P1Y"),
    ("16 de marzo de 2006", None, "2006-03-16", "2006-03-16", "day", False, "2006-03-16"),
    ("16 y 17 de marzo de 2006", None, "2006-03-16", "2006-03-17", "days", False, "2006-03-16/2006-03-17"),
    ("3-5 de octubre de 2006", None, "2006-10-03", "2006-10-05", "days", False, "2006-10-03/2006-10-05"),
    ("del 28 al 29 de noviembre de 2006", None, "2006-11-28", "2006-11-29", "days", False, "2006-11-28/2006-11-29"),
    ("hacia finales de noviembre de 2006", None, "2006-11-01", "2006-11-30", "month", False, "2006-11"),
    ("hacia finales de 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007"),
    ("a fines de 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007"),
    ("finales de 2007", None, None, "2007-12-31", "range", False, "/2007"),
    ("desde agosto de 2005 hasta finales de 2006", None, "2005-08-01", "2006-12-31", "range", False, "2005-08/2006"),
    ("desde 2005", None, "2005-01-01", None, "range", False, "2005/.."),
    ("entre 2005 y 2006", None, "2005-01-01", "2006-12-31", "range", False, "2005/2006"),
    ("en el segundo trimestre de 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34"),
    ("2007", None, "2007-01-01", "2007-12-31", "year", False, "2007"),
]

# French and Portuguese (issue 8): the same bounds as the English phrase.
FRENCH_PORTUGUESE = [
    ("deuxième trimestre 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34", "fr"),
    ("mars ou avril 2007", None, "2007-03-01", "2007-04-30", "months", False, "[2007-03,2007-04]", "fr"),
    ("premier semestre 2007", None, "2007-01-01", "2007-06-30", "semester", False, "2007-40", "fr"),
    ("printemps 2007", None, "2007-03-20", "2007-06-20", "season", False, "2007-21", "fr"),
    ("fin du printemps 2007", None, "2007-05-01", "2007-06-20", "season", False, "2007-05-01/2007-06-20", "fr"),
    ("du 3 au 5 mars 2007", None, "2007-03-03", "2007-03-05", "days", False, "2007-03-03/2007-03-05", "fr"),
    ("jusqu'à juin 2007", None, None, "2007-06-30", "range", False, "/2007-06", "fr"),
    ("depuis 2005", None, "2005-01-01", None, "range", False, "2005/..", "fr"),
    ("chaque année", 2007, "2007-01-01", None, "recurring", True, "R/2007/P1Y", "fr"),
    ("dernier trimestre de l'année", 2007, "2007-10-01", "2007-12-31", "quarter", False, "2007-36", "fr"),
    ("segundo trimestre de 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34", "es"),
    ("março ou abril de 2007", None, "2007-03-01", "2007-04-30", "months", False, "[2007-03,2007-04]", "pt"),
    ("primeiro semestre de 2007", None, "2007-01-01", "2007-06-30", "semester", False, "2007-40", "pt"),
    ("no segundo trimestre de 2007", None, "2007-04-01", "2007-06-30", "quarter", False, "2007-34", "pt"),
    ("de 3 a 5 de março de 2007", None, "2007-03-03", "2007-03-05", "days", False, "2007-03-03/2007-03-05", "pt"),
    ("verão de 2007", None, "2007-06-21", "2007-09-22", "season", False, "2007-22", "pt"),
    ("até junho de 2007", None, None, "2007-06-30", "range", False, "/2007-06", "pt"),
    ("fim de 2006", None, None, "2006-12-31", "range", False, "/2006", "pt"),
    ("vers la fin de 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007", "fr"),
    ("vers la fin 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007", "fr"),
    ("fin 2007", None, None, "2007-12-31", "range", False, "/2007", "fr"),
    ("no final de 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007", "pt"),
    ("para o fim de 2007", None, "2007-01-01", "2007-12-31", "year", False, "2007", "pt"),
    ("no final de novembro de 2006", None, "2006-11-01", "2006-11-30", "month", False, "2006-11", "pt"),
    ("todos os anos", 2007, "2007-01-01", None, "recurring", True, "R/2007/P1Y", "pt"),
]


@pytest.mark.parametrize(
    "text, default_year, start, end, precision, recurring, edtf, language",
    FRENCH_PORTUGUESE,
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_french_and_portuguese_phrase(text, default_year, start, end, precision, recurring, edtf, language):
    p = parse_period(text, default_year=default_year)
    assert p == Period(text, _date(start), _date(end), precision, recurring, edtf, language)


@pytest.mark.parametrize(
    "toward, bare",
    [
        ("toward the end of 2007", "end-2007"),
        ("hacia finales de 2007", "finales de 2007"),
        ("vers la fin de 2007", "fin 2007"),
        ("no final de 2007", "fim de 2007"),
    ],
)
def test_toward_the_end_of_a_year_is_that_year_and_never_narrower(toward, bare):
    """Read as the year it names, as "toward the end of November" is November: no invented months."""
    p, end = parse_period(toward), parse_period(bare)
    assert (p.start, p.end, p.precision, p.edtf) == (dt.date(2007, 1, 1), dt.date(2007, 12, 31), "year", "2007")
    assert (end.start, end.end, end.edtf) == (None, dt.date(2007, 12, 31), "/2007")  # a bare "end of" gives no start
    assert p.language == end.language


def _date(iso):
    return None if iso is None else dt.date.fromisoformat(iso)


@pytest.mark.parametrize(
    "text, default_year, start, end, precision, recurring, edtf, language",
    [(*row, "en") for row in ENGLISH] + [(*row, "en" if row[0] == "2007" else "es") for row in SPANISH],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_phrase(text, default_year, start, end, precision, recurring, edtf, language):
    p = parse_period(text, default_year=default_year)
    assert p == Period(text, _date(start), _date(end), precision, recurring, edtf, language)
    assert p.start is None or p.end is None or p.start <= p.end
    assert is_period(text)


@pytest.mark.parametrize(
    "variant",
    [
        "  MARCH   2007 ",
        "march 2007",
        "March\t2007",
        "MARZO DE 2007",
        "Marzo  de 2007",
    ],
)
def test_case_and_whitespace(variant):
    assert parse_period(variant).edtf == "2007-03"


@pytest.mark.parametrize(
    "variant",
    [
        "August 2006 – March 2007",
        "August 2006 — March 2007",
        "August 2006-March 2007",
        "August 2006 -March 2007",
        "agosto de 2006 - marzo de 2007",
        "agosto de 2006—marzo de 2007",
    ],
)
def test_dashes(variant):
    assert parse_period(variant).edtf == "2006-08/2007-03"


@pytest.mark.parametrize("variant", ["ultimo trimestre de 2007", "ÚLTIMO TRIMESTRE DE 2007"])
def test_accents_are_optional(variant):
    assert parse_period(variant).edtf == "2007-36"


def test_default_year_is_ignored_when_the_phrase_has_a_year():
    assert parse_period("March 2007", default_year=1999).edtf == "2007-03"


def test_left_side_of_a_range_takes_the_right_sides_year():
    assert parse_period("August - October 2006", default_year=1999).edtf == "2006-08/2006-10"


def test_period_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_period("2007").start = None


BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("Q5 2007", "'Q5 2007' is not a period phrase this tool knows"),
    ("5th quarter 2007", "not a period phrase this tool knows"),
    ("Marchember 2007", "not a period phrase this tool knows"),
    ("soon", "'soon' is not a period phrase this tool knows"),
    ("2007-13", "not a period phrase this tool knows"),
    ("2007-03", "not a period phrase this tool knows"),  # ISO dates are not phrases of the document
    ("0000", "not a period phrase this tool knows"),
    ("31 February 2007", "February 2007 has no day 31"),
    ("February 30, 2007", "February 2007 has no day 30"),
    ("February 29, 2007", "February 2007 has no day 29"),
    ("March 2007 – January 2007", "the end (2007-01) is before the start (2007-03)"),
    ("2008-2006", "the end (2006) is before the start (2008)"),
    ("April or March 2007", "should come after"),
    ("April 17-19", "gives no year"),
    ("last quarter of the year", "gives no year"),
    ("June", "gives no year"),
    ("winter 2007", "winter straddles two calendar years"),
    ("March de 2007", "mixes English and Spanish"),
    ("since each year", "not a period phrase this tool knows"),
    ("del del primavera", "not a period phrase this tool knows"),
    ("x" * 300, "too long"),
]


@pytest.mark.parametrize("text, message", BAD)
def test_bad_input(text, message):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert message in str(info.value)
    assert info.value.text == text
    assert isinstance(info.value, ValueError)
    assert not is_period(text) or message == "gives no year"


@pytest.mark.parametrize("value", [None, 2007, 3.5, b"March 2007", ["March 2007"]])
def test_non_text_input(value):
    with pytest.raises(PeriodError, match="expected text"):
        parse_period(value)
    assert not is_period(value)


@pytest.mark.parametrize("default_year", ["2007", 2007.0, True, 0])
def test_bad_default_year(default_year):
    with pytest.raises(PeriodError, match="default_year"):
        parse_period("June", default_year=default_year)


def test_is_period_accepts_phrases_that_only_lack_a_year():
    assert is_period("April 17-19") and is_period("last quarter of the year")
    assert not is_period("soon")


# ---------------------------------------------------------- tied to the document

# Verbatim phrases under the document's "Calendar" headings.
CALENDAR_PHRASES = [
    "first semester 2007",
    "November 2006",
    "March or April 2007",
    "May 2007",
    "July 2007",
    "first semester of subsequent years",
    "September 2007",
    "February 2007",
    "March 2007",
    "June 2007",
    "second quarter 2007",
    "third quarter 2007",
    "last quarter of the year",
    "August 2006 – March 2007",
    "January to December, 2007",
    "Each year",
]
# Verbatim phrases elsewhere in the document.
OTHER_PHRASES = [
    "May 2005",
    "June 7, 2005",
    "Since 2005",
    "October 2005",
    "March 2006",
    "July 2006",
    "From August 2005 to end-2006",
    "toward the end of November, 2006",
    "February and March 2007",
    "March 16, 2006",
    "2006-2008",
    "October 3-5, 2006",
    "July-October 2006",
    "July 17-19, 2006",
    "May 25, 2006",
    "April 17-19",
    "July 4-7, 2006",
    "late spring 2007",
    "second half of 2007",
    "2006-2007",
    "March 16 and 17, 2006",
    "November 7, 2006",
    "November 28-29, 2006",
    "April 4-6, 2006",
    "September, 2006",
    "Between 2005 and 2006",
    "Every year",
    "in 2006",
    "December 15, 2005",
]
PLAN_YEAR = 2007  # the Work Plan was written early 2007


def _document() -> str:
    default = Path(__file__).resolve().parents[3] / "shared" / "source" / "work-plan.txt"
    path = Path(os.environ.get("WORK_PLAN_PATH", default))
    if not path.is_file():
        pytest.skip(f"Work Plan text not found at {path} (set WORK_PLAN_PATH)")
    return path.read_text(encoding="utf-8")


def _calendar_sections(text: str) -> list[str]:
    """The text under each "Calendar" heading, up to the next numbered or lettered heading."""
    sections, current = [], None
    for line in text.splitlines():
        if line.strip() == "Calendar":
            current = []
            sections.append(current)
        elif re.fullmatch(r"(?:[A-Z]{1,4}|\d+)\.", line.strip()):
            current = None
        elif current is not None and line.strip():
            current.append(line.strip())
    return ["\n".join(lines) for lines in sections]


def test_document_calendar_phrases_occur_and_parse():
    sections = _calendar_sections(_document())
    assert len(sections) >= 5
    calendars = "\n".join(sections)
    for phrase in CALENDAR_PHRASES:
        assert phrase in calendars, phrase
        assert parse_period(phrase, default_year=PLAN_YEAR).start is not None, phrase


def test_every_dated_calendar_line_is_covered():
    """Each calendar line that mentions a year (or 'each year') contains a listed phrase."""
    for section in _calendar_sections(_document()):
        for line in section.splitlines():
            if re.search(r"\b(?:19|20)\d\d\b|\beach year\b", line, re.IGNORECASE):
                assert any(p in line for p in CALENDAR_PHRASES), line


def test_document_other_phrases_occur_and_parse():
    document = _document()
    for phrase in OTHER_PHRASES:
        assert phrase in document, phrase
        assert is_period(phrase) and parse_period(phrase, default_year=PLAN_YEAR), phrase


def test_parenthetical_asides_are_ignored():
    p = parse_period("October (first round) and November (second round) 2006")
    assert (p.start, p.end, p.precision) == (dt.date(2006, 10, 1), dt.date(2006, 11, 30), "months")
