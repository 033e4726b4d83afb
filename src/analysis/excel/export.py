"""The Excel export: the whole dataset as one workbook that reads and prints well.

Sheets: a Summary per implementer as of the meeting's date, one sheet per
table (named like the table, so :func:`analysis.dataset.loading.load_dataset`
reads the workbook back), the mandate and milestone statuses and the derived
indicators (computed values, never formulas), and About (Program, meeting,
data version, generation time, Work Plan file and its SHA-256).

In the chosen language: sheet names of the computed sheets, header labels
(each with a comment giving the column's description from the schema),
implementer names, status labels, and the About sheet. Table sheets keep the
stored codes as values and carry the column codes in a hidden first row (the
key row), so ``validate`` and ``load_dataset`` still read them; the labelled
header is the second row, frozen, filtered and repeated on every printed page.

Every sheet prints A4 landscape, one page wide, with the title in the page
header and "page n of m" in the footer (:mod:`analysis.excel.layout`). The
workbook's properties name the Program and the meeting.

Written in openpyxl's write-only (streaming) mode: rows go to disk as they are
made, so the export of a large dataset needs little memory. Cells carry real
types (dates, numbers, booleans). Text never becomes a formula: control
characters XML forbids are removed, and text a spreadsheet would run
(``=``, ``+``, ``-``, ``@``, tab, CR, LF first) is stored as a string with
Excel's quote prefix. Status cells are coloured by conditional formatting.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
from openpyxl.utils import quote_sheetname

from analysis import config, i18n
from analysis.common.hashing import sha256_file
from analysis.dataset.raw import LAYOUT_SHEET
from analysis.dataset.schema import TABLE_ORDER, TABLES
from analysis.excel import layout
from analysis.excel.cells import (
    CREATOR,
    StreamedWorkbook,
    clean_text,
    colour_status,
    fit_widths,
    set_value,
    write_sheet,
)
from analysis.store.atomic import replace, write_temp

STATUS_COLOURS = {
    # milestone status (analysis.measures.status)
    "met": "good",
    "missed": "bad",
    "past_unreported": "warn",
    "in_progress": "warn",
    "not_yet_due": "none",
    "undetermined": "none",
    # mandate status
    "action_reported": "good",
    "planned_only": "warn",
    "no_action_reported": "bad",
    # lifecycle
    "completed": "good",
    "planned": "none",
    "suspended": "bad",
    "cancelled": "bad",
    "no_information": "none",
}
# Which vocabulary the status column of each computed sheet holds (for its labels).
STATUS_VOCABULARY = {"mandate_status": "mandate_status", "milestone_status": "milestone_status"}
MILESTONE_STATUS_COLUMNS = ["milestone_id", "implementer_id", "description", "period_text", "start", "end", "achieved"]
MANDATE_STATUS_COLUMNS = ["mandate_id", "implementer_id", "seq", "text", "n_carried_out", "n_planned", "action_ids"]
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
    "milestones_missed",
    "milestones_past_unreported",
    "milestones_disputed",
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


# ---------------------------------------------------------------- labels


def column_label(code: str, lang: str) -> str:
    """A column's header in ``lang`` (the ``excel.column.<code>`` catalogue entry, else the code in words)."""
    key = f"excel.column.{code}"
    if i18n.has(key, lang):
        return i18n.t(key, lang)
    return code.replace("_", " ").capitalize()


def column_note(table: str | None, code: str, lang: str) -> str:
    """The header comment: the column's description (the schema's, from the catalogue in ``lang``), code and type.

    The description is ``excel.note.<table>.<code>``, else ``excel.note.<code>`` (one text for a column
    every table describes alike); outside English it is marked as an unofficial translation.
    """
    col = None
    if table in TABLES and code in TABLES[table].column_names:
        col = TABLES[table].column(code)
    parts = [f"{column_label(code, lang)} [{code}]"]
    if col is not None:
        if col.doc:
            key = f"excel.note.{table}.{code}" if i18n.has(f"excel.note.{table}.{code}") else f"excel.note.{code}"
            parts.append(i18n.t("excel.note.description", lang, text=i18n.t(key, lang)))
        kind = label(f"type.{col.type}", lang)
        parts.append(kind + (" " + label("required", lang) if col.required else ""))
        if col.vocabulary:
            parts.append(", ".join(col.vocabulary))
    return "\n".join(parts)


def page_footer(lang: str) -> str:
    return label("page", lang)


def implementer_names(ds, lang: str) -> dict[str, str]:
    """Implementer id -> name in ``lang`` (the data's translation where it has one, else English)."""
    impl = ds.implementers
    column = f"name_{lang}" if f"name_{lang}" in impl.columns else "name_en"
    names = impl[column].astype(str).where(impl[column].astype(str).str.strip() != "", impl["name_en"].astype(str))
    return dict(zip(impl["implementer_id"], names, strict=True))


def status_labels(vocabulary: str, codes, lang: str) -> dict[str, str]:
    return {code: i18n.label(vocabulary, code, lang) for code in codes}


# ---------------------------------------------------------------- sheets


def summary_frame(ds, as_of: dt.date, lang: str = "en") -> pd.DataFrame:
    """Per implementer with data: mandate coverage and milestone statuses as of ``as_of``."""
    from analysis.measures import implementer_counts

    counts = implementer_counts(ds, as_of)
    counts = counts[counts["has_data"]].copy()
    counts["name"] = counts["implementer_id"].map(implementer_names(ds, lang))
    return counts.reindex(columns=list(SUMMARY_COLUMNS)).reset_index(drop=True)


def _write_summary(wb, ds, as_of, lang, page) -> None:
    frame = summary_frame(ds, as_of, lang)
    labels = [label(c, lang) for c in frame.columns]
    share = {"share_mandates_with_action": "0.0%"}
    write_sheet(wb, label("sheet.summary", lang), frame, labels=labels, key_row=False, page=page, formats=share)


def elsewhere(name: str, lang: str) -> list[str]:
    """The table's translation columns into languages other than ``lang`` (all of them for English)."""
    return [c.name for c in TABLES[name].columns if c.translation_of and lang not in c.name.split("_")[1:]]


def _write_tables(wb, ds, lang, page) -> None:
    for name in TABLE_ORDER:
        frame = ds.tables[name]
        later = [c for c in elsewhere(name, lang) if c in frame.columns]  # kept, after the sources, not printed
        frame = frame[[c for c in frame.columns if c not in later] + later]
        frame.attrs["screen_only"] = later
        codes = [str(c) for c in frame.columns]
        write_sheet(
            wb,
            name,
            frame,
            labels=[column_label(c, lang) for c in codes],
            notes=[column_note(name, c, lang) for c in codes],
            page=(f"{page[0]} - {name}", page[1]),
            colours={"lifecycle_status": STATUS_COLOURS},
            cut_note=label("cut_in_print", lang),
            formats={c: yes_no_format(lang) for c in codes if pd.api.types.is_bool_dtype(frame[c])},
        )


def yes_no_format(lang: str) -> str:
    """Number format that shows a true/false cell as yes/no in ``lang`` where the reader applies formats
    to booleans (LibreOffice: without it a false cell prints as 0); Excel shows its own TRUE/FALSE."""
    yes, no = (i18n.t(k, lang).replace('"', "") for k in ("label.yes", "label.no"))
    return f'"{yes}";"{yes}";"{no}"'


def _status_sheet(wb, key: str, frame: pd.DataFrame, vocabulary: str, lang: str, page) -> None:
    """A computed sheet whose ``status`` column shows labels in ``lang`` (codes stay in the key row's column)."""
    from analysis.measures import MANDATE_STATUSES, MILESTONE_STATUSES

    codes = {"mandate_status": MANDATE_STATUSES, "milestone_status": MILESTONE_STATUSES}[vocabulary]
    labels_of = status_labels(vocabulary, [*codes, *frame["status"].dropna().unique()], lang)
    frame = frame.assign(status=frame["status"].map(labels_of))
    colours = {labels_of[c]: fill for c, fill in STATUS_COLOURS.items() if c in labels_of}
    codes = [str(c) for c in frame.columns]
    title = label(f"sheet.{key}", lang)
    write_sheet(
        wb,
        title,
        frame,
        labels=[column_label(c, lang) for c in codes],
        notes=[column_note(None, c, lang) for c in codes],
        page=(f"{page[0]} - {title}", page[1]),
        colours={"status": colours},
        cut_note=label("cut_in_print", lang),
    )


def _write_computed(wb, ds, as_of, lang, page) -> None:
    from analysis.measures import derived_indicators, mandate_status, milestone_status

    mandates = mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    _status_sheet(wb, "mandate_status", mandates[[*MANDATE_STATUS_COLUMNS, "status"]], "mandate_status", lang, page)
    ms = milestone_status(ds.milestones, as_of, ds.tables.get("data_quality"))
    cols = [*MILESTONE_STATUS_COLUMNS, "status", *(["disputed"] if "disputed" in ms.columns else [])]
    _status_sheet(wb, "milestone_status", ms[cols], "milestone_status", lang, page)
    derived = derived_indicators(ds.indicators, ds.observations)
    codes = [str(c) for c in derived.columns]
    title = label("sheet.derived_indicators", lang)
    write_sheet(
        wb,
        title,
        derived,
        labels=[column_label(c, lang) for c in codes],
        page=(f"{page[0]} - {title}", page[1]),
        cut_note=label("cut_in_print", lang),
    )


def _write_about(wb, ds, meeting, as_of, lang, work_plan, generated, page) -> None:
    wp = Path(work_plan) if work_plan is not None else config.work_plan_path()
    none = label("about.none", lang)
    rows = [
        ("about.title", i18n.t("program.title", lang)),
        ("about.meeting", f"{meeting.meeting_id}: {meeting.title(lang)}" if meeting is not None else none),
        ("about.as_of", as_of),
        ("about.data_version", ds.version),
        ("about.data_source", Path(ds.source).name),
        ("about.generated", generated.replace(tzinfo=None)),
        ("about.work_plan", wp.name if wp.exists() else none),
        ("about.work_plan_sha256", sha256_file(wp) if wp.exists() else none),
        ("about.language", i18n.t(f"language.{lang}", lang) if i18n.has(f"language.{lang}", lang) else lang),
        ("about.note", label("about.note_text", lang)),
    ]
    frame = pd.DataFrame([(label(k, lang), v) for k, v in rows], columns=["item", "value"])
    labels = [label("about.item", lang), label("about.value", lang)]
    write_sheet(wb, label("sheet.about", lang), frame, labels=labels, key_row=False, page=page)


def build_workbook(
    ds,
    meeting=None,
    as_of: dt.date | None = None,
    lang: str = "en",
    work_plan: Path | str | None = None,
    generated: dt.datetime | None = None,
) -> StreamedWorkbook:
    """The export workbook (streamed: save it once) for dataset ``ds``.

    ``meeting`` is a :class:`analysis.dataset.meetings.Meeting` or None; ``as_of``
    defaults to the meeting's ``as_of`` (else today).
    """
    lang = i18n.check_lang(lang)
    as_of = as_of or (meeting.as_of if meeting is not None else dt.date.today())
    generated = generated or dt.datetime.now(dt.UTC).replace(microsecond=0)
    title = label("title", lang)
    where = f"{meeting.meeting_id}: {meeting.title(lang)}" if meeting is not None else ""
    wb = StreamedWorkbook()
    layout.set_properties(
        wb,
        title=f"{title} - {where}" if where else title,
        subject=f"{i18n.t('program.title', lang)}. {where}".strip(),
        creator=CREATOR,
        keywords=f"OAS; CAJP; migrants; {ds.version}",
        language=lang,
    )
    page = (f"{title} - {where}" if where else title, page_footer(lang))
    _write_summary(wb, ds, as_of, lang, page)
    _write_tables(wb, ds, lang, page)
    _write_computed(wb, ds, as_of, lang, page)
    _write_about(wb, ds, meeting, as_of, lang, work_plan, generated, page)
    _write_layout(wb)
    return wb


def _write_layout(wb: StreamedWorkbook) -> None:
    """The hidden sheet telling the loader that one label row sits under each table's key row."""
    ws = wb.wb.create_sheet(LAYOUT_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append(["table", "label_rows"])
    for name in TABLE_ORDER:
        ws.append([name, 1])


def save_workbook(wb: StreamedWorkbook, out: Path | str) -> Path:
    """Save ``wb`` to ``out`` atomically, streaming to a temporary file beside it."""
    out = Path(out)
    tmp = write_temp(out, b"")
    try:
        wb.save(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


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
    return save_workbook(build_workbook(ds, meeting, as_of, lang, work_plan), out)


def export_frame(frame: pd.DataFrame, out: Path | str, title: str = "", lang: str = "en") -> Path:
    """One frame as a workbook formatted like the export (labelled header, filters, print setup)."""
    wb = StreamedWorkbook()
    layout.set_properties(
        wb, title=title or label("title", lang), subject=i18n.t("program.title", lang), creator=CREATOR
    )
    codes = [str(c) for c in frame.columns]
    write_sheet(
        wb,
        (title or "data")[:31],
        frame.reset_index(drop=True),
        labels=[column_label(c, lang) for c in codes],
        key_row=False,
        page=(title or label("title", lang), page_footer(lang)),
    )
    return save_workbook(wb, out)


__all__ = [
    "build_workbook",
    "clean_text",
    "colour_status",
    "export_frame",
    "export_workbook",
    "fit_widths",
    "quote_sheetname",
    "set_value",
    "write_sheet",
]
