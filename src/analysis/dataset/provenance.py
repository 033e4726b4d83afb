"""Provenance: every excerpt lies verbatim inside the section its row cites.

Comparison is whitespace-normalized (runs of spaces, tabs and newlines count
as one space), nothing else: quotes, typos and odd number formats must match.
The section paths and their spans come from :mod:`analysis.dataset.sections`;
``excerpt`` is looked for in the span of ``section``, ``excerpt_b`` in that of
``section_b``, and a mandate's verbatim ``text`` in that of its ``section``.

Rows added from an implementer's submission (``analysis.excel.ingest``) cite that
submission instead: their ``section`` is ``submission:<meeting>:<sha256[:12]>``
and their excerpt is verbatim from the archived file
``data/submissions/<meeting>/<sha256>-<name>.xlsx``, so they are not looked
for in the Work Plan.

A row's date (``period_text``) must be in its own excerpt, or its ``note``
must quote where it comes from (a neighbouring line, the calendar).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from analysis.dataset.raw import RawTable
from analysis.dataset.sections import document_sections
from analysis.errors import Problem

# (text column, the section column it is checked against)
EXCERPT_COLUMNS = (("excerpt", "section"), ("excerpt_b", "section_b"))
VERBATIM_COLUMNS = {"mandates": (("text", "section"),)}
SUBMISSION_PREFIX = "submission:"
DATED_TABLES = ("actions", "milestones", "observations")
LEADING_IN = re.compile(r"^in\s+", re.IGNORECASE)


def cites_submission(section: object) -> bool:
    """True when a row's ``section`` cites a submission rather than the Work Plan."""
    return str(section).strip().startswith(SUBMISSION_PREFIX)


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=4)
def _document(path: str) -> str:
    return normalize(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _spans(path: str) -> dict[str, str]:
    return {k: normalize(v) for k, v in document_sections(path).items()}


def source_missing(work_plan: Path | str) -> Problem | None:
    """A one-line warning when the Work Plan text is not at ``work_plan``, else None."""
    path = Path(work_plan)
    if path.is_file():
        return None
    return Problem(
        f"excerpts were not checked: the Work Plan text was not found at {path} "
        "(set WORK_PLAN_PATH, or see data/README.md for how to get it)"
    )


def _where(text: str, spans: dict[str, str]) -> str | None:
    """The deepest section whose span holds ``text`` (the longest path wins ties of size)."""
    holding = [k for k, span in spans.items() if text in span]
    return min(holding, key=lambda k: (len(spans[k]), -len(k))) if holding else None


def _check(text: str, section: str, doc: str, spans: dict[str, str], name: str) -> str | None:
    """Why ``text`` does not belong to ``section``, or None when it does."""
    if text not in doc:
        return f"this text is not found verbatim in the Work Plan ({name})"
    if not section:
        return None  # a required section is checked by validation; an empty section_b cites nothing
    if section not in spans:
        return f"the section '{section}' does not exist in the Work Plan (the text is in {_where(text, spans)})"
    if text not in spans[section]:
        return f"this text is in the Work Plan but not inside section {section} (it is in {_where(text, spans)})"
    return None


def _folded(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def check_dates_cited(raw: dict[str, RawTable]) -> list[Problem]:
    """Problems for dates found neither in the row's excerpt nor quoted in its note."""
    out = []
    for name in DATED_TABLES:
        t = raw.get(name)
        if t is None or not {"period_text", "section", "excerpt", "note"} <= set(t.frame.columns):
            continue
        f = t.frame
        rows = zip(f["period_text"], f["section"], f["excerpt"], f["note"], strict=True)
        for i, (period, section, excerpt, note) in enumerate(rows):
            core = LEADING_IN.sub("", _folded(period))
            if cites_submission(section) or not core or core == "unknown":
                continue
            if core not in _folded(excerpt) and core not in _folded(note):
                message = "this date is not in the row's excerpt; quote in the note where it comes from"
                where = {"file": t.file, "sheet": t.sheet, "row": t.row_number(i)}
                out.append(Problem(message, **where, column="period_text", value=period))
    return out


def check_excerpts(raw: dict[str, RawTable], work_plan: Path | str) -> list[Problem]:
    """Problems for every excerpt (and verbatim column) not inside the section its row cites."""
    doc, spans, name = _document(str(work_plan)), _spans(str(work_plan)), Path(work_plan).name
    out = []
    for table, t in raw.items():
        pairs = [(c, s) for c, s in (*EXCERPT_COLUMNS, *VERBATIM_COLUMNS.get(table, ())) if c in t.frame.columns]
        for col, section_col in pairs:
            sections = list(t.frame[section_col]) if section_col in t.frame.columns else [""] * len(t.frame)
            for i, value in enumerate(t.frame[col]):
                section = str(sections[i]).strip()
                text = normalize(str(value))
                if not text or cites_submission(section) or cites_submission(t.frame["section"].iloc[i]):
                    continue
                why = _check(text, section, doc, spans, name)
                if why:
                    out.append(Problem(why, file=t.file, sheet=t.sheet, row=t.row_number(i), column=col, value=value))
    return out + check_dates_cited(raw)
