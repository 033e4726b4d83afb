"""Fuzzy period phrases of the Work Plan ("March or April 2007") as date bounds.

English, Spanish, Portuguese and French phrases are parsed into a :class:`Period`: the earliest day
the period can begin, the last day it can end, a precision word and an EDTF
(ISO 8601-2 / Library of Congress EDTF) string. Anything not recognised raises
:class:`PeriodError`; the parser never guesses.

Conventions
-----------
* Intervals are ``a/b`` ("2006-08/2007-03", "2006-07-04/2006-07-07"); "X or Y"
  is a one-of set ``[a,b]``; "X and Y" is ``a/b`` when Y directly follows X,
  otherwise an all-of set ``{a,b}``. Two or more days/months (span, "and",
  "or") have precision "days"/"months"; other two-sided spans "range".
* Leading words accepted: in, during, on, toward(s) the end of, the (ignored);
  since/from X (open end), from X to Y, between X and Y, by X (see below).
* Sub-year groupings: quarters ``-33``..``-36``; semesters *and* halves
  ``-40``/``-41``; seasons ``-21`` spring, ``-22`` summer, ``-23`` autumn.
* Seasons are northern-hemisphere, fixed days: spring Mar 20 - Jun 20, summer
  Jun 21 - Sep 22, autumn Sep 23 - Dec 20. "early"/"late" split a season on the
  1st of its third month (late spring = May 1 - Jun 20) and are written as day
  intervals ("2007-05-01/2007-06-20"). Winter straddles two years: refused.
* Open-ended phrases have precision "range": "since/from X" -> ``X/..``
  (end None); "by X" -> ``/X`` (start None, end = end of X); "end-2006" ->
  ``/2006`` (start None, end 2006-12-31); year spans "2006-2008" -> ``2006/2008``.
* "toward the end of X" is read as X (bounds are not narrowed): "toward the end of
  2007" is the year 2007, not ``/2007`` as "end-2007" (a bare "end of" a year, which
  gives no start). Prepositions do the same in the other languages: "hacia/a finales
  de 2007", "vers la fin (de) 2007", "no/ao/em/para o final de 2007" are 2007, while
  "finales de 2007", "fin 2007" and "fim de 2007" are ``/2007``.
* Recurring phrases ("each year", "first semester of subsequent years") have
  ``recurring=True``, precision "recurring", end None, and the repeat form
  ``R/<first occurrence>/P1Y`` ("R/2007/P1Y", "R/2008-40/P1Y") whose start is
  the first occurrence's first day, counted from ``default_year`` ("subsequent
  years" starts the year after). Without ``default_year``: start None, ``R/P1Y``.
* Phrases with no year use ``default_year``; without it they raise PeriodError
  (except recurring ones). In "March 3 - April 5, 2007" the left side takes the
  right side's year. Phrases without words (e.g. "2007") count as English.
* Other languages are translated word by word into the English above
  (:mod:`analysis.dataset.period_words`); a phrase mixing English with
  another language is refused.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from analysis.dataset.period_words import EN_VOCAB, LANGUAGES, language_of

PRECISIONS = ("day", "days", "month", "months", "quarter", "semester", "half", "season", "year", "range", "recurring")
_SINGLE = {"day", "month", "year", "quarter", "semester", "half", "season"}


class PeriodError(ValueError):
    """A text that is not a (valid) period phrase; ``.text`` holds the input."""

    def __init__(self, text: str, message: str):
        super().__init__(message)
        self.text = text


@dataclass(frozen=True)
class Period:
    """Bounds of a period phrase (see the module docstring for conventions)."""

    text: str
    start: dt.date | None
    end: dt.date | None
    precision: str
    recurring: bool
    edtf: str
    language: str

    def __post_init__(self):
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")


_MONTH_NAMES = (
    "january february march april may june july august september october november december"
).split()  # not calendar.month_name: that follows the locale
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS |= {name[:3]: i for name, i in _MONTHS.items()} | {"sept": 9}
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "1er": 1,
    "2do": 2,
    "3er": 3,
    "3ro": 3,
    "4to": 4,
}
_UNITS = {"quarter": (4, 33), "semester": (2, 40), "half": (2, 40)}  # per year, EDTF code
# season -> (EDTF code, first day, last day, first day of its "late" part)
_SEASONS = {
    "spring": (21, (3, 20), (6, 20), (5, 1)),
    "summer": (22, (6, 21), (9, 22), (8, 1)),
    "autumn": (23, (9, 23), (12, 20), (11, 1)),
}
_SEASONS["fall"] = _SEASONS["autumn"]

_YR = r"([12][0-9]{3})"
_OYR = r"(?: (?:of )?([12][0-9]{3}|the year))?"  # optional year
_MON = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_ORD = "(" + "|".join([*_ORDINALS, "last", "final"]) + ")"
_UNIT = "(" + "|".join(_UNITS) + ")"
_D, _SEP = r"([0-9]{1,2})", r" (-|to|and|or) "


def _p(start, end, precision, edtf, recurring=False) -> Period:
    return Period("", start, end, precision, recurring, edtf, "")


def _unknown(text) -> PeriodError:
    return PeriodError(text, f"{text!r} is not a period phrase this tool knows")


def _year(token, dy, text) -> int:
    if token and token != "the year":
        return int(token)
    if dy is None:
        raise PeriodError(text, f"{text!r} gives no year; pass default_year to parse it")
    return dy


def _month(y, mo) -> Period:
    last = calendar.monthrange(y, mo)[1]
    return _p(dt.date(y, mo, 1), dt.date(y, mo, last), "month", f"{y:04d}-{mo:02d}")


def _day(y, mo, d, text) -> Period:
    try:
        day = dt.date(y, mo, int(d))
    except ValueError:
        raise PeriodError(
            text, f"{text!r} names a day that does not exist: {_MONTH_NAMES[mo - 1].title()} {y} has no day {int(d)}"
        ) from None
    return _p(day, day, "day", day.isoformat())


def _sub_year(y, unit, n) -> Period:
    per_year, code = _UNITS[unit]
    months = 12 // per_year
    first = (n - 1) * months + 1
    return _p(dt.date(y, first, 1), _month(y, first + months - 1).end, unit, f"{y:04d}-{code + n - 1}")


def _ordinal(word, unit) -> int:
    return _UNITS[unit][0] if word in ("last", "final") else _ORDINALS[word]


def _season(m, dy, text) -> Period:
    part, name, y = m[1], m[2], _year(m[3], dy, text)
    if name == "winter":
        raise PeriodError(text, f"{text!r}: winter straddles two calendar years and this tool does not guess which")
    code, first, last, late = _SEASONS[name]
    start, end = dt.date(y, *first), dt.date(y, *last)
    if part == "late":
        start = dt.date(y, *late)
    elif part == "early":
        end = dt.date(y, *late) - dt.timedelta(days=1)
    return _p(start, end, "season", f"{start}/{end}" if part else f"{y:04d}-{code}")


def _pair(text, a, b, sep) -> Period:
    """Combine two same-unit periods joined by "-", "to", "and" or "or"."""
    plural = a.precision + "s"
    if sep in ("-", "to"):
        if b.start < a.start or b.end < a.end:
            raise PeriodError(text, f"{text!r}: the end ({b.edtf}) is before the start ({a.edtf})")
        return _p(a.start, b.end, plural, f"{a.edtf}/{b.edtf}")
    if b.start <= a.end:
        raise PeriodError(text, f"{text!r}: {b.edtf} should come after {a.edtf}")
    if sep == "or":
        edtf = f"[{a.edtf},{b.edtf}]"
    else:
        adjacent = b.start == a.end + dt.timedelta(days=1)
        edtf = f"{a.edtf}/{b.edtf}" if adjacent else f"{{{a.edtf},{b.edtf}}}"
    return _p(a.start, b.end, plural, edtf)


def _days(text, y, month, d1, d2, sep) -> Period:
    mo = _MONTHS[month]
    return _pair(text, _day(y, mo, d1, text), _day(y, mo, d2, text), sep)


def _end_year(m, dy, text) -> Period:
    y = int(m[1])
    return _p(None, dt.date(y, 12, 31), "range", f"/{y:04d}")


def _whole_year(y) -> Period:
    return _p(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", f"{y:04d}")


_ATOMS = [
    (re.compile(p), f)
    for p, f in (
        (_YR, lambda m, dy, t: _whole_year(int(m[1]))),
        (rf"end {_YR}", _end_year),
        (rf"{_MON}{_OYR}", lambda m, dy, t: _month(_year(m[2], dy, t), _MONTHS[m[1]])),
        (rf"{_MON} {_D}{_OYR}", lambda m, dy, t: _day(_year(m[3], dy, t), _MONTHS[m[1]], m[2], t)),
        (rf"{_D} {_MON}{_OYR}", lambda m, dy, t: _day(_year(m[3], dy, t), _MONTHS[m[2]], m[1], t)),
        (rf"{_MON} {_D}{_SEP}{_D}{_OYR}", lambda m, dy, t: _days(t, _year(m[5], dy, t), m[1], m[2], m[4], m[3])),
        (rf"{_D}{_SEP}{_D} {_MON}{_OYR}", lambda m, dy, t: _days(t, _year(m[5], dy, t), m[4], m[1], m[3], m[2])),
        (
            rf"{_MON}{_SEP}{_MON}{_OYR}",
            lambda m, dy, t: _pair(
                t, _month(_year(m[4], dy, t), _MONTHS[m[1]]), _month(_year(m[4], dy, t), _MONTHS[m[3]]), m[2]
            ),
        ),
        (rf"{_ORD} {_UNIT}{_OYR}", lambda m, dy, t: _sub_year(_year(m[3], dy, t), m[2], _ordinal(m[1], m[2]))),
        (rf"q([1-4])(?: {_YR})?", lambda m, dy, t: _sub_year(_year(m[2], dy, t), "quarter", int(m[1]))),
        (rf"(?:(early|late) )?(spring|summer|autumn|fall|winter){_OYR}", _season),
    )
]
_RECURRING = re.compile(
    rf"(?:{_ORD} {_UNIT} (?:of )?)?(?:(?:each|every) year|annually|yearly"
    r"|(subsequent|following) years)"
)
_PREFIX = re.compile(r"^(?:in|during|on|towards? the end of) ")


def _atom(s, dy, text) -> Period | None:
    for pattern, build in _ATOMS:
        if m := pattern.fullmatch(s):
            return build(m, dy, text)
    return None


def _single(p) -> bool:
    return p.precision in _SINGLE and "/" not in p.edtf


def _range(s, dy, text, seps=r"-|to") -> Period | None:
    """Split "A - B" / "A to B" into two single periods; A may borrow B's year."""
    for m in re.finditer(rf" (?:{seps}) ", s):
        left, right = s[: m.start()], s[m.end() :]
        b = _atom(right, dy, text)
        if b is None or not (_single(b) or b.edtf.startswith("/")):
            continue
        right_year = re.search(r"\b[12][0-9]{3}\b", right)
        a = _atom(left, int(right_year[0]) if right_year else dy, text)
        if a is None or not _single(a):
            continue
        if b.end < a.end or (b.start is not None and b.start < a.start):
            raise PeriodError(text, f"{text!r}: the end ({b.edtf.lstrip('/')}) is before the start ({a.edtf})")
        same = a.precision == b.precision and a.precision in ("day", "month")
        return _p(a.start, b.end, a.precision + "s" if same else "range", f"{a.edtf}/{b.edtf.lstrip('/')}")
    return None


def _core(s, dy, text) -> Period:
    s = s.removeprefix("the ")
    if m := _RECURRING.fullmatch(s):
        ordinal, unit, subsequent = m.groups()
        if dy is None:
            return _p(None, None, "recurring", "R/P1Y", True)
        y = dy + 1 if subsequent else dy
        first = _sub_year(y, unit, _ordinal(ordinal, unit)) if unit else _whole_year(y)
        return _p(first.start, None, "recurring", f"R/{first.edtf}/P1Y", True)
    p = _atom(s, dy, text) or _range(s, dy, text)
    if p is None:
        raise _unknown(text)
    return p


def _normalize(text) -> tuple[str, str]:
    # Parenthetical asides carry no date: "October (first round) and November (second round) 2006".
    text = re.sub(r"\s*\([^()]*\)", "", text)
    s = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s.lower())
    s = " ".join(re.sub(r"\s*-\s*", " - ", re.sub(r"[,.]", " ", s)).split())
    s = re.sub(r"[\u2019']", " ", s)  # French elisions: "jusqu'à", "l'année", "d'avril"
    words = {w for w in s.split() if w.isalpha()}
    language = language_of(words)
    if language != "en":
        if words & (EN_VOCAB - LANGUAGES[language].vocab):
            raise PeriodError(text, f"{text!r} mixes English and {LANGUAGES[language].name} words")
        s = LANGUAGES[language].to_english(s)
    # "end-2006", "end of 2006" -> "end 2006" (open start); not "toward the end of 2007", which is the year.
    s = re.sub(r"(?<!toward the )(?<!towards the )\bend (?:- |of )(?=[12][0-9]{3}\b)", "end ", s)
    return s, language


def parse_period(text: str, *, default_year: int | None = None) -> Period:
    """Parse an English, Spanish, Portuguese or French period phrase into a :class:`Period`.

    Parameters
    ----------
    text : str
        The phrase, e.g. "March or April 2007", "primer semestre de 2007".
    default_year : int, optional
        Year for phrases that give none ("April 17-19", "each year").

    Returns
    -------
    Period

    Raises
    ------
    PeriodError
        For anything not recognised, impossible days, reversed ranges, or a
        phrase that gives no year when ``default_year`` is None.

    Examples
    --------
    >>> p = parse_period("March or April 2007")
    >>> (p.start.isoformat(), p.end.isoformat(), p.precision, p.edtf)
    ('2007-03-01', '2007-04-30', 'months', '[2007-03,2007-04]')
    """
    if not isinstance(text, str):
        raise PeriodError(repr(text), f"expected text, got {type(text).__name__} {text!r}")
    if default_year is not None and (type(default_year) is not int or not 1 <= default_year < 9999):
        raise PeriodError(text, f"default_year must be a year such as 2007, got {default_year!r}")
    if not text.strip():
        raise PeriodError(text, "empty text is not a period phrase")
    if len(text) > 200:
        raise PeriodError(text, f"{text[:40]!r}... is too long to be a period phrase")
    s, language = _normalize(text)
    if m := re.fullmatch(r"(since|from|by|between) (.+)", s):
        keyword, rest = m.groups()
        if keyword == "between":
            p = _range(rest.removeprefix("the "), default_year, text, seps="and")
        elif keyword == "from" and re.search(r" (?:-|to) ", rest):
            p = _core(rest, default_year, text)
        else:
            x = _core(rest, default_year, text)
            if not _single(x):
                raise _unknown(text)
            p = (
                _p(None, x.end, "range", f"/{x.edtf}")
                if keyword == "by"
                else _p(x.start, None, "range", f"{x.edtf}/..")
            )
        if p is None:
            raise _unknown(text)
    else:
        p = _core(_PREFIX.sub("", s, count=1), default_year, text)
    return dataclasses.replace(p, text=text, language=language)


def is_period(text) -> bool:
    """True if ``text`` is a phrase :func:`parse_period` knows (a year may be missing)."""
    try:
        parse_period(text, default_year=2000)  # a leap year: "February 29" needs no year check
    except PeriodError:
        return False
    return True
