"""The Excel export: the whole dataset as one formatted workbook.

Sheets: a Summary per implementer as of the meeting's date, one sheet per
table (named like the table, so :func:`analysis.dataset.loading.load_dataset` reads
the workbook back), ``mandate_status``, ``milestone_status`` and
``derived_indicators`` (computed values, never formulas), and About (data
version, meeting, generation time, Work Plan file and its SHA-256).

Cells carry real types: dates are Excel dates, numbers are numbers, booleans
are booleans. Text is written as text: control characters that XML forbids are
removed, and text a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@``, tab, CR, LF first) is stored as a string with Excel's quote prefix.
Status cells are coloured by conditional formatting, so the colours follow
the values if someone edits them.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from analysis import config, i18n
from analysis.common.hashing import sha256_file
from analysis.dataset.schema import TABLE_ORDER
from analysis.store.atomic import atomic_write_bytes
from analysis.store.csv_io import FORMULA_PREFIXES

MAX_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)
FILLS = {
    "good": PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE"),
    "warn": PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C"),
    "bad": PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
    "none": PatternFill("solid", start_color="EDEDED", end_color="EDEDED"),
}
STATUS_COLOURS = {
    # milestone status
    "met": "good",
    "missed": "bad",
    "past_unreported": "warn",
    # "in_progress" (warn) is shared with the lifecycle below
    "not_yet_due": "none",
    "undetermined": "none",
    # mandate status
    "action_reported": "good",
    "planned_only": "warn",
    "no_action_reported": "bad",
    # lifecycle
    "completed": "good",
    "in_progress": "warn",
    "planned": "none",
    "suspended": "bad",
    "cancelled": "bad",
    "no_information": "none",
}
STATUS_COLUMNS = {"status", "lifecycle_status"}

SUMMARY_COLUMNS = (
    "implementer_id",
    "name",
    "mandates",
    "mandates_action_reported",
    "mandates_planned_only",
    "mandates_no_action_reported",
    "actions_carried_out",
    "actions_planned",
    "milestones",
    "milestones_met",
    "milestones_overdue",
    "share_mandates_with_action",
)


# Summary headers that analysis.i18n (shared with the reports) also names.
I18N_KEYS = {
    "implementer_id": "label.implementer",
    "mandates": "label.mandates",
    "actions_carried_out": "label.actions_carried_out",
    "actions_planned": "label.actions_planned",
    "milestones": "label.milestones",
    "milestones_met": "label.milestones_met",
    "milestones_overdue": "label.milestones_overdue",
    "share_mandates_with_action": "label.share_mandates_with_action",
}


def label(key: str, lang: str) -> str:
    """Label ``key`` in ``lang``: the report's label where one is shared, else the ``excel.`` catalogue entry."""
    return i18n.t(I18N_KEYS.get(key, f"excel.{key}"), lang)


def clean_text(text: str) -> str:
    """``text`` without the control characters XML (and so .xlsx) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_value(cell, value) -> None:
    """Put a Python/pandas value in ``cell`` with its real type; text never becomes a formula."""
    if value is None or value is pd.NA or value is pd.NaT:
        cell.value = None
        return
    if isinstance(value, float) and math.isnan(value):
        cell.value = None
        return
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        cell.value = value.date() if value.time() == dt.time() else value
        cell.number_format = DATE_FORMAT if value.time() == dt.time() else "yyyy-mm-dd hh:mm:ss"
        return
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, (bool, int, float)):
        cell.value = value
        return
    text = clean_text(str(value))
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True


def write_frame(
    ws: Worksheet, frame: pd.DataFrame, headers: list[str] | None = None, colour_columns: set[str] = STATUS_COLUMNS
) -> None:
    """Write ``frame`` from A1: bold frozen header, autofilter, fitted widths, coloured statuses."""
    headers = headers or [str(c) for c in frame.columns]
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=1, column=j)
        set_value(c, h)
        c.font = BOLD
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, v in enumerate(row, start=1):
            set_value(ws.cell(row=i, column=j), v)
    ncols, nrows = max(len(headers), 1), len(frame) + 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{nrows}"
    fit_widths(ws)
    for j, name in enumerate(frame.columns, start=1):
        if name in colour_columns and len(frame):
            colour_status(ws, f"{get_column_letter(j)}2:{get_column_letter(j)}{nrows}")


def fit_widths(ws: Worksheet, cap: int = MAX_WIDTH) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            n = 10 if isinstance(c.value, (dt.date, dt.datetime)) else len(str(c.value))
            widths[c.column] = max(widths.get(c.column, 0), n)
    for col, n in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(n + 2, 8), cap)


def colour_status(ws: Worksheet, ref: str, colours: dict[str, str] = STATUS_COLOURS) -> None:
    """Conditional formatting on ``ref``: each status value gets its fill."""
    for value, fill in colours.items():
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{value}"'], fill=FILLS[fill]))


def summary_frame(ds, as_of: dt.date | None) -> pd.DataFrame:
    """Per implementer with data: mandate coverage and milestones met/overdue as of ``as_of``."""
    from analysis.measures import implementer_counts

    counts = implementer_counts(ds, as_of or dt.date.today())
    counts = counts[counts["has_data"]].rename(columns={"name_en": "name"})
    return counts.reindex(columns=list(SUMMARY_COLUMNS)).reset_index(drop=True)


def build_workbook(
    ds,
    meeting=None,
    as_of: dt.date | None = None,
    lang: str = "en",
    work_plan: Path | str | None = None,
    generated: dt.datetime | None = None,
) -> Workbook:
    """The export workbook for dataset ``ds`` (a :class:`~analysis.dataset.loading.Dataset`).

    ``meeting`` is a :class:`analysis.dataset.meetings.Meeting` or None; ``as_of``
    defaults to the meeting's ``as_of`` (else today).
    """
    from analysis.measures import derived_indicators, mandate_status, milestone_status

    as_of = as_of or (meeting.as_of if meeting is not None else dt.date.today())
    generated = generated or dt.datetime.now(dt.UTC).replace(microsecond=0)
    wb = Workbook()
    ws = wb.active
    ws.title = label("sheet.summary", lang)
    summary = summary_frame(ds, as_of)
    write_frame(ws, summary, [label(c, lang) for c in summary.columns])
    share_col = get_column_letter(len(SUMMARY_COLUMNS))
    for row in ws.iter_rows(min_row=2, min_col=len(SUMMARY_COLUMNS), max_col=len(SUMMARY_COLUMNS)):
        for c in row:
            c.number_format = "0.0%"
    overdue_col = get_column_letter(SUMMARY_COLUMNS.index("milestones_overdue") + 1)
    if len(summary):
        last = len(summary) + 1
        ws.conditional_formatting.add(
            f"{overdue_col}2:{overdue_col}{last}", CellIsRule(operator="greaterThan", formula=["0"], fill=FILLS["bad"])
        )
        ws.conditional_formatting.add(
            f"{share_col}2:{share_col}{last}", CellIsRule(operator="equal", formula=["0"], fill=FILLS["bad"])
        )

    for name in TABLE_ORDER:
        write_frame(wb.create_sheet(name), ds.tables[name])
    write_frame(wb.create_sheet("mandate_status"), mandate_status(ds.mandates, ds.actions, ds.action_mandates))
    ms = milestone_status(ds.milestones, as_of, ds.data_quality)
    write_frame(
        wb.create_sheet("milestone_status"),
        ms[
            [
                "milestone_id",
                "implementer_id",
                "description",
                "period_text",
                "start",
                "end",
                "achieved",
                "status",
                "disputed",
            ]
        ],
    )
    write_frame(wb.create_sheet("derived_indicators"), derived_indicators(ds.indicators, ds.observations))

    about = wb.create_sheet(label("sheet.about", lang))
    wp = Path(work_plan) if work_plan is not None else config.work_plan_path()
    none = label("about.none", lang)
    rows = [
        (
            "about.title",
            "Inter-American Program for the Promotion and Protection of the Human Rights of Migrants, "
            "Including Migrant Workers and Their Families",
        ),
        ("about.meeting", f"{meeting.meeting_id}: {meeting.title(lang)}" if meeting is not None else none),
        ("about.as_of", as_of),
        ("about.data_version", ds.version),
        ("about.data_source", Path(ds.source).name),
        ("about.generated", generated.replace(tzinfo=None)),
        ("about.work_plan", wp.name if wp.exists() else none),
        ("about.work_plan_sha256", sha256_file(wp) if wp.exists() else none),
        ("about.language", lang),
        ("about.note", label("about.note_text", lang)),
    ]
    write_frame(
        about,
        pd.DataFrame([(label(k, lang), v) for k, v in rows]),
        [label("about.item", lang), label("about.value", lang)],
    )
    return wb


def export_workbook(
    out: Path | str,
    ds,
    meeting=None,
    as_of: dt.date | None = None,
    lang: str = "en",
    work_plan: Path | str | None = None,
) -> Path:
    """Build the export workbook and write it to ``out`` atomically (``out`` checked first)."""
    from analysis.config import DataLayout
    from analysis.store.outputs import check_output

    hint = "for CSV files use --format csv and a folder"
    check_output(out, ".xlsx", layout=DataLayout.of(ds.source), hint=hint)
    wb = build_workbook(ds, meeting, as_of, lang, work_plan)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(out, buf.getvalue())
    return Path(out)


__all__ = ["build_workbook", "export_workbook", "set_value", "write_frame", "clean_text", "quote_sheetname"]
