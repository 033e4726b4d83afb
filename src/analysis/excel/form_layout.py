"""How the report form looks, prompts and prints: widths, wrapping, drop-downs, protection.

Used by :mod:`analysis.excel.form` (which owns the form's content and its
fingerprints). Every visible sheet prints on A4, one page wide, with the
header row repeated; locked cells stay locked while columns and rows can be
resized; drop-downs and the date column prompt in the form's language.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analysis import i18n
from analysis.excel import layout

EDITABLE_FILL = PatternFill("solid", start_color="FFF9E5", end_color="FFF9E5")
LOCKED_FILL = PatternFill("solid", start_color="EDEDED", end_color="EDEDED")


def _instruction_lines(lang: str) -> list[str]:
    from analysis.excel.form import text

    return text("instructions", lang)


ACTION_WIDTHS = {"A": 14, "B": 14, "C": 60, "D": 26, "E": 16, "F": 45, "G": 30}
MILESTONE_WIDTHS = {"A": 16, "B": 60, "C": 30, "D": 14, "E": 16}
MANDATE_WIDTHS = {"A": 14, "B": 100}


def header(ws, labels: list[str]) -> None:
    for j, lab in enumerate(labels, start=1):
        c = ws.cell(row=1, column=j, value=lab)
        c.font = Font(bold=True)
        c.fill = LOCKED_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")


def lock(ws, r: int, editable) -> None:
    ncols = ws.max_column
    for j in range(1, ncols + 1):
        c = ws.cell(row=r, column=j)
        if j in editable:
            c.protection = Protection(locked=False)
            c.fill = EDITABLE_FILL
        else:
            c.protection = Protection(locked=True)
            c.fill = LOCKED_FILL


def validation(ws, ref: str, cells: str, lang: str, what: str) -> None:
    """A drop-down from ``ref`` with an input prompt and an error message in the form's language."""
    title = i18n.t("form.validation.title", lang)
    dv = DataValidation(
        type="list",
        formula1=ref,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=i18n.t("form.validation.error", lang),
        showInputMessage=True,
        promptTitle=title[:32],
        prompt=i18n.t(f"form.prompt.{what}", lang)[:255],
    )
    ws.add_data_validation(dv)
    dv.add(cells)


def date_validation(ws, cells: str, lang: str) -> None:
    """Only dates (2000-2100) in ``cells``, with a prompt; a typed or pasted date cell is accepted."""
    dv = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="DATE(2100,12,31)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=i18n.t("form.prompt.date_title", lang)[:32],
        error=i18n.t("form.date_error", lang),
        showInputMessage=True,
        promptTitle=i18n.t("form.prompt.date_title", lang)[:32],
        prompt=i18n.t("form.prompt.date", lang)[:255],
    )
    ws.add_data_validation(dv)
    dv.add(cells)
    for row in ws[cells]:
        for c in row:
            c.number_format = "yyyy-mm-dd"


def _protect(ws) -> None:
    """Locked cells stay locked; columns and rows can still be resized (no password: a guard rail)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def finish(ws, title: str, lang: str, widths: dict[str, float]) -> None:
    """Widths, wrapped text with fitting row heights, frozen header, page setup and protection."""
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    wrap = {col for col, width in widths.items() if width >= 30}
    order = [widths.get(get_column_letter(j), 10) for j in range(1, ws.max_column + 1)]
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.column_letter in wrap:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        if any(c.value for c in row):
            ws.row_dimensions[row[0].row].height = layout.row_height([c.value for c in row], order)
    ws.freeze_panes = "B2"
    layout.page_setup(ws, f"{title} - {ws.title}", i18n.t("excel.page", lang), title_row=1)
    _protect(ws)


def instructions(ws, title: str, lang: str) -> None:
    """The instructions: one readable, printable column; each step in its own wrapped row, sized to fit."""
    width = 90
    ws.column_dimensions["A"].width = width
    lines = [(title, Font(bold=True, size=13)), (i18n.t("form.instructions.heading", lang), Font(bold=True))]
    lines += [(line, None) for line in _instruction_lines(lang)]
    lines.append((i18n.t("form.legend", lang), Font(italic=True)))
    for i, (line, font) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            c.font = font
        big = i == 1  # the 13 pt title: fewer characters per line
        ws.row_dimensions[i].height = layout.row_height([line], [width * 0.7 if big else width], line=18 if big else 15)
    layout.page_setup(ws, title, i18n.t("excel.page", lang), title_row=None)
    _protect(ws)
