"""A report's parameters, resolved once: data, language, dates, meeting, citations.

:func:`open_report` turns the notebook's plain-string parameters into a
:class:`Report` that every section takes. The report also carries the
citations (``[n]`` links to the sources annex; :meth:`Report.cite` is O(1):
a dict from (section, excerpt) to its number) and the helpers that pick the
text the secretariat wrote in the report's language (``description_es``,
``name_fr`` ...), falling back to the English text where none exists.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config, i18n
from analysis.common.dates import as_date
from analysis.dataset.loading import Dataset, load_dataset
from analysis.dataset.schema import TABLE_ORDER
from analysis.errors import AnalysisError
from analysis.report.tables import Html, heading


class UnknownImplementerError(AnalysisError):
    """A report was asked for an implementer id the data does not have."""


class ReportParameterError(AnalysisError):
    """A report parameter (date, meeting) that cannot be used."""


@dataclass
class Report:
    """Everything a report's sections share: data, language, date, citations."""

    ds: Dataset
    lang: str = "en"
    as_of: dt.date = field(default_factory=dt.date.today)
    meeting: object | None = None  # analysis.dataset.meetings.Meeting
    implementer: str | None = None
    data_path: Path | None = None
    meetings_file: Path | None = None
    sources: dict[tuple[str, str], int] = field(default_factory=dict)
    numbers: list[int] = field(default_factory=lambda: [0, 0, 0])  # heading counters for levels 2, 3, 4

    def cite(self, section: str, excerpt: str) -> int:
        """The reference number of a (section, excerpt) pair, adding it if new (O(1))."""
        key = (str(section), str(excerpt))
        number = self.sources.get(key)
        if number is None:
            number = self.sources[key] = len(self.sources) + 1
        return number

    def ref(self, section: str, excerpt: str) -> Html:
        n = self.cite(section, excerpt)
        return Html(f'<a class="oas-ref" href="#source-{n}">[{n}]</a>')

    def heading(self, text: str, level: int = 2, id: str | None = None, annex: bool = False) -> Html:
        """A numbered heading ("2.", "2.1") for the table of contents; annexes get letters ("Annex A")."""
        i = level - 2
        self.numbers[i] += 1
        self.numbers[i + 1 :] = [0] * (len(self.numbers) - i - 1)
        if annex and level == 2:
            prefix = self.t("label.annex", letter=chr(ord("A") + self.numbers[0] - self._body_sections - 1))
        else:
            prefix = ".".join(str(n) for n in self.numbers[: i + 1]) + "."
        if not annex and level == 2:
            self._body_sections = self.numbers[0]
        return heading(f"{prefix} {text}", level, id=id or text)

    _body_sections: int = 0

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    @property
    def meeting_id(self) -> str | None:
        return getattr(self.meeting, "meeting_id", None)

    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The reporting period (the meeting's), or (None, None) without a meeting."""
        if self.meeting is None:
            return None, None
        return self.meeting.reporting_period_start, self.meeting.reporting_period_end

    def text(self, frame: pd.DataFrame, column: str) -> list[str]:
        """``column`` of ``frame`` in the report's language: ``<column>_<lang>`` where filled, else English."""
        return localized(frame, column, self.lang)


def localized(frame: pd.DataFrame, column: str, lang: str) -> list[str]:
    """The secretariat's text in ``lang`` where the data has it (``description_es``), else the English."""
    english = _texts(frame[column])
    for name in (f"{column}_{lang}", f"{column}_{lang}_unofficial"):
        if lang != "en" and name in frame:
            other = _texts(frame[name])
            return [o if o.strip() else e for o, e in zip(other, english)]
    return english


def _texts(s: pd.Series) -> list[str]:
    """The cells as str, a missing one "". Arrow text is listed as it is: ``astype(str)`` first builds a
    fixed-width NumPy array as wide as the longest text (36,000 notes at 1M: 0.37 s, ~0.1 s this way)."""
    if isinstance(s.dtype, pd.StringDtype):
        return s.fillna("").tolist()
    return s.fillna("").astype(str).tolist()


def check_implementer(ds: Dataset, implementer: str) -> str:
    """Return ``implementer`` if the data has it, else raise :class:`UnknownImplementerError`."""
    known = ds.implementers["implementer_id"].astype(str).tolist()
    if implementer not in known:
        shown = ", ".join(known[:20]) + (f" ... ({len(known)} in all)" if len(known) > 20 else "")
        raise UnknownImplementerError(f"unknown implementer {implementer!r}; known: {shown}")
    return implementer


def parse_as_of(text: str) -> dt.date:
    """An ISO date parameter, or :class:`ReportParameterError`."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ReportParameterError(f"as_of must be an ISO date YYYY-MM-DD, got {text!r}") from None


def resolve_meeting(meeting: str = "", meetings_file: Path | str | None = None, today: dt.date | None = None):
    """The meeting a parameter names ("" = the latest held, "next", or an id); None if none is listed."""
    from analysis.dataset.meetings import load_meetings
    from analysis.dataset.meetings import resolve_meeting as _resolve

    file = Path(meetings_file) if meetings_file else config.MEETINGS_FILE  # resolved by open_report
    if not file.exists():
        if meeting:
            raise ReportParameterError(f"meeting {meeting!r} asked for, but {file} does not exist")
        return None
    meetings = load_meetings(file)
    if not meeting:
        try:
            return _resolve(meetings, None, today=today)
        except AnalysisError:
            return None
    return _resolve(meetings, meeting, today=today)


def open_report(
    implementer: str | None = None,
    meeting: str = "",
    as_of: str = "",
    lang: str = "en",
    data_path: str = "",
    meetings_file: Path | str | None = None,
    today: dt.date | None = None,
) -> Report:
    """Load the data and resolve the notebook parameters into a :class:`Report`.

    Parameters are plain strings as papermill passes them ("" = default):
    ``as_of`` defaults to the meeting's as-of date, else today; ``data_path``
    to ``data/program``. Raises :class:`UnknownImplementerError` for an id
    the data does not have.
    """
    lang = i18n.check_lang(str(lang))
    path = Path(data_path) if data_path else None
    ds = load_dataset(path)
    if implementer is not None:
        check_implementer(ds, str(implementer))
    meetings = config.DataLayout.of(path, meetings_file or None).meetings
    m = resolve_meeting(str(meeting or ""), meetings, today)
    if as_of:
        day = parse_as_of(str(as_of))
    elif m is not None:
        day = m.as_of
    else:
        day = today or dt.date.today()
    return Report(ds, lang, day, m, implementer, path, meetings)


def implementer_name(ds: Dataset, implementer: str, lang: str = "en") -> str:
    """The implementer's name in ``lang`` (``name_es``, ``name_fr``, ``name_pt`` where the data has it)."""
    return implementer_names(ds, lang).get(implementer, implementer)


def implementer_names(ds: Dataset, lang: str) -> dict[str, str]:
    """Implementer id -> name in ``lang`` (built once per dataset and language)."""

    def build():
        imp = ds.implementers.rename(columns={"name_en": "name"})
        return dict(zip(imp["implementer_id"].tolist(), localized(imp, "name", lang)))

    return per_dataset(ds, ("implementer_names", lang), build)


_LOOKUPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")`` (a missing text is None), a column at a time: iterating Arrow-backed text
    cell by cell costs about 1 s per million cells, ``tolist`` a tenth of that."""
    columns = [
        s.to_numpy(dtype=object, na_value=None).tolist() if isinstance(s.dtype, pd.StringDtype) else s.tolist()
        for _, s in frame.items()
    ]
    return [dict(zip(frame.columns, row)) for row in zip(*columns)]


def counts_of(ds: Dataset, as_of=None, implementer: str | None = None, meeting=None) -> pd.DataFrame:
    """:func:`analysis.measures.implementer_counts`, once per dataset and arguments (the executive summary and
    the reporting section of the overview ask for the same program-wide counts). Read it; do not change it."""
    from analysis.measures import implementer_counts

    key = ("implementer_counts", as_of, implementer, meeting)
    return per_dataset(ds, key, lambda: implementer_counts(ds, as_of, implementer, meeting=meeting))


def per_dataset(ds: Dataset, key: tuple, build):
    """``build()`` once per dataset and ``key``: lookups that sections call per row stay O(1), not a scan per call."""
    cache = _LOOKUPS.setdefault(ds, {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def period_label(start, end, precision: str, lang: str) -> str:
    """A period in ``lang`` from its bounds and precision: "octubre de 2005", "2005", "desde 2005"."""
    s, e = as_date(start), as_date(end)
    if s is None and e is None:
        return ""
    if s is None or e is None or precision in ("range", "recurring"):
        key, day = ("text.period_since", s) if s is not None else ("text.period_by", e)
        return i18n.t(key, lang, date=_period_point(day, precision, lang))
    if precision in ("day", "days"):
        return i18n.fmt_date(s, lang) if s == e else f"{i18n.fmt_date(s, lang)} – {i18n.fmt_date(e, lang)}"
    if precision == "year" or (s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31):
        return str(s.year) if s.year == e.year else f"{s.year} – {e.year}"
    if (s.year, s.month) == (e.year, e.month):
        return i18n.fmt_month(s, lang)
    return f"{i18n.fmt_month(s, lang)} – {i18n.fmt_month(e, lang)}"


def _period_point(day, precision: str, lang: str) -> str:
    if day.month == 1 and day.day == 1 or day.month == 12 and day.day == 31:
        return str(day.year)
    return i18n.fmt_month(day, lang)


def period_labels(rep: Report, frame: pd.DataFrame) -> list[str]:
    """The rows' periods: as written in English reports; rebuilt from the dates in the others."""
    if rep.lang == "en":
        return frame["period_text"].fillna("").astype(str).tolist()
    precision = frame["precision"] if "precision" in frame else pd.Series([""] * len(frame), index=frame.index)
    return [
        period_label(s, e, str(p or ""), rep.lang)
        for s, e, p in zip(frame["start"], frame["end"], precision.fillna(""))
    ]


#: Rows a report table shows at most; a longer one is cut, with a pointer to the Excel export.
MAX_TABLE_ROWS = 100
#: Rows of a ranked table (implementers by count) before the rest are summed as "Others".
MAX_RANKED_ROWS = 25
#: Charts one section draws at most (the indicators with the most figures).
MAX_CHARTS = 6
#: Bars one chart draws at most; the rest are summed as "Others" where the values add up.
MAX_BARS = 15


#: Characters of a description a table cell shows; a longer one ends in "…" (a row taller than a page
#: cannot break in print and left most of the page before it blank).
MAX_CELL_CHARS = 600


def shortened(rep: Report, texts: list[str], sheet: str, limit: int = MAX_CELL_CHARS) -> tuple[list[str], str]:
    """``texts`` cut at a word to at most ``limit`` characters with "…", and the sentence saying where the full
    text is ("" when none was cut)."""
    out = [t if len(t) <= limit else textwrap.shorten(t, limit, placeholder=" …") for t in texts]
    if all(len(t) <= limit for t in texts):
        return out, ""
    return out, rep.t("text.shortened", chars=limit, sheet=sheet_name(rep, sheet))


def sheet_name(rep: Report, key: str) -> str:
    """The Excel export's sheet holding a table's full list: a data table keeps its name
    (``observations``), a computed sheet has a name in the report's language ("Milestone status")."""
    return key if key in TABLE_ORDER else rep.t(f"excel.sheet.{key}")


def capped(
    rep: Report, frame: pd.DataFrame, limit: int = MAX_TABLE_ROWS, sheet: str = "observations"
) -> tuple[pd.DataFrame, str]:
    """The first ``limit`` rows of ``frame`` and the sentence saying which export sheet has them all ("" when nothing is cut)."""
    if len(frame) <= limit:
        return frame, ""
    return frame.head(limit), rep.t("text.capped", shown=limit, total=len(frame), sheet=sheet_name(rep, sheet))


def ranked(
    rep: Report,
    frame: pd.DataFrame,
    by: list[str],
    label_col: str,
    limit: int = MAX_RANKED_ROWS,
    sheet: str = "summary",
) -> tuple[pd.DataFrame, str]:
    """``frame`` (one row per implementer) cut to the ``limit`` rows with the largest sum of ``by``, in their
    original order, plus one "Others (n)" row summing every count column of the rest; and the sentence saying so."""
    if len(frame) <= limit:
        return frame, ""
    total = frame[by].sum(axis=1)
    keep = total.sort_values(ascending=False, kind="stable").index[:limit]
    top, rest = frame.loc[frame.index.isin(keep)], frame.loc[~frame.index.isin(keep)]
    counts = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and c != label_col]
    others = {c: "" for c in frame.columns} | {c: int(rest[c].sum()) for c in counts}
    others[label_col] = rep.t("label.others", count=len(rest))
    out = pd.concat([top, pd.DataFrame([others])], ignore_index=True)
    note = rep.t("text.capped_top", shown=limit, total=len(frame), sheet=sheet_name(rep, sheet))
    return out, note
