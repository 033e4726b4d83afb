"""Ingest, step 1: reading a submitted form (the workbook, its hidden sheet, its answer cells).

Nothing here judges the answers; it turns the file into plain values, and
refuses, with one line each, what cannot be read safely: a hostile or absurd
file (:func:`analysis.dataset.xlsx_safety.check_xlsx`), a hidden sheet that
was altered (keyed fingerprint) or crafted (bad JSON, missing keys).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import DataError, Problem
from analysis.excel.form import CELL_LIMIT, META_SHEET, TEMPLATE_VERSION, meta_fingerprint, meta_join

META_KEYS = ("template_version", "implementer", "meeting", "sheets", "template_fingerprint")
NEW_FORM = "fix: make a new form with 'python -m analysis template'"


@dataclass
class Marked:
    """A problem with the cell it is about (for the error report)."""

    problem: Problem
    sheet: str | None = None
    row: int | None = None
    col: int | None = None


@dataclass
class Meta:
    """What the hidden sheet says the form is, and what each row showed when it was made."""

    header: dict[str, str]
    sheets: dict[str, str]
    actions: dict[int, tuple[str, str, dict]] = field(default_factory=dict)  # row -> (key, fingerprint, shown)
    milestones: dict[int, tuple[str, str, dict]] = field(default_factory=dict)

    @property
    def implementer(self) -> str:
        return self.header["implementer"]

    @property
    def meeting(self) -> str:
        return self.header["meeting"]

    @property
    def lang(self) -> str:
        return self.header.get("lang", "en")

    @property
    def first_blank(self) -> int:
        value = self.header.get("first_blank_row", "2")
        return int(value) if value.isdigit() else 2


def load_form(path: Path):
    """The form as an openpyxl workbook, after the safety and size checks; formulas kept as text."""
    from openpyxl import load_workbook

    from analysis.dataset.xlsx_safety import FORM_LIMITS, check_xlsx, harden_xml

    check_xlsx(path, FORM_LIMITS)
    harden_xml()
    try:
        return load_workbook(path, data_only=False, keep_vba=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - third-party parser of a hostile file; openpyxl raises many types
        raise DataError(
            Problem(
                f"the workbook cannot be read ({type(exc).__name__}: {str(exc)[:100]}); "
                "save it again as 'Excel Workbook (.xlsx)'",
                file=str(path),
            )
        ) from None


def cell_text(cell, warnings: list[Problem], where: dict) -> str:
    """A submitted cell as text; a formula is kept as its text (with a warning), never evaluated."""
    from openpyxl.worksheet.formula import ArrayFormula

    v = cell.value
    if v is None:
        return ""
    if isinstance(v, ArrayFormula):
        v = v.text or ""
    if cell.data_type == "f" or isinstance(cell.value, ArrayFormula):
        warnings.append(
            Problem(
                "this cell holds a formula; it was taken as its text, not evaluated "
                "(type the value itself to avoid this warning)",
                value=str(v),
                **where,
            )
        )
        return str(v).strip()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def _meta_problem(path: Path, message: str, column: str | None = None, value=None) -> DataError:
    return DataError(Problem(message, file=str(path), sheet=META_SHEET, column=column, value=value))


def _meta_cells(wb, path: Path) -> tuple[dict[str, str], list[list]]:
    if META_SHEET not in wb.sheetnames:
        raise DataError(
            Problem(
                "this is not a report form made by this tool (it has no hidden 'meta' sheet); " + NEW_FORM,
                file=str(path),
            )
        )
    header: dict[str, str] = {}
    rows: list[list] = []
    for values in wb[META_SHEET].iter_rows(values_only=True):
        values = list(values or ())
        while values and values[-1] is None:
            values.pop()
        if not values or values[0] is None:
            continue
        if values[0] == "row":
            rows.append(values)
        else:
            header[str(values[0])] = "" if len(values) < 2 or values[1] is None else str(values[1])
    return header, rows


def read_meta(wb, path: Path, secret: bytes) -> Meta:
    """The form's hidden sheet; refuse a form this tool did not make, or one that was altered or crafted."""
    header, rows = _meta_cells(wb, path)
    version = header.get("template_version", "")
    if version != TEMPLATE_VERSION:
        raise _meta_problem(
            path,
            f"the form was made with template version {version or '(none)'}, but this tool "
            f"reads version {TEMPLATE_VERSION}; fix: make a new form with 'python -m analysis "
            "template' and copy the answers into it",
            "template_version",
            version,
        )
    from analysis.store.secret import same_digest

    if not same_digest(meta_fingerprint(header, rows, secret), header.get("template_fingerprint", "")):
        raise _meta_problem(
            path,
            "the form's hidden control sheet was altered, or the form was made from other data "
            "(its keyed fingerprint does not match); " + NEW_FORM,
        )
    missing = [k for k in META_KEYS if not header.get(k)]
    if missing:
        raise _meta_problem(path, f"the form's hidden control sheet lacks '{missing[0]}'; " + NEW_FORM, missing[0])
    meta = Meta(header, _json_object(path, "sheets", header["sheets"]))
    for row in rows:
        _meta_row(path, meta, row)
    if not all(isinstance(meta.sheets.get(k), str) for k in ("actions", "milestones")):
        raise _meta_problem(path, "the form's hidden control sheet does not name its sheets; " + NEW_FORM, "sheets")
    return meta


def _json_object(path: Path, column: str, text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise _meta_problem(
            path, "the form's hidden control sheet holds a value that is not valid; " + NEW_FORM, column
        )
    return value


def _meta_row(path: Path, meta: Meta, row: list) -> None:
    if len(row) < 6 or row[1] not in ("actions", "milestones") or not isinstance(row[2], int):
        raise _meta_problem(path, "the form's hidden control sheet has a damaged row entry; " + NEW_FORM, value=row[:3])
    shown = _json_object(path, f"row {row[2]}", meta_join(row[5:]))
    target = meta.actions if row[1] == "actions" else meta.milestones
    target[row[2]] = (str(row[3]), str(row[4]), {str(k): "" if v is None else str(v) for k, v in shown.items()})


def read_rows(ws, fields: tuple[str, ...], labels: list[str], file: str, warnings: list[Problem]) -> list[tuple]:
    """``(row number, {field: text})`` for every row under the header of an answer sheet."""
    out = []
    for r, cells in enumerate(ws.iter_rows(min_row=2, max_col=len(fields)), start=2):
        where = {"file": file, "sheet": ws.title, "row": r}
        vals = {}
        for j, f in enumerate(fields):
            cell = cells[j] if j < len(cells) else None
            vals[f] = "" if cell is None else cell_text(cell, warnings, {**where, "column": labels[j]})
        out.append((r, vals))
    return out


def header_labels(ws, width: int) -> list[str]:
    return [cell_text(ws.cell(row=1, column=j), [], {}) for j in range(1, width + 1)]


def layout_problems(ws, width: int, file: str) -> list[Marked]:
    """Merged cells, hidden rows and hidden columns in the answer area, each reported, never applied."""
    from openpyxl.utils import get_column_letter

    found: list[Marked] = []
    for rng in ws.merged_cells.ranges:
        if rng.min_col <= width:
            message = f"cells {rng.coord} are merged, which hides all but one value; fix: unmerge them"
            found.append(Marked(Problem(message, file=file, sheet=ws.title, row=rng.min_row), ws.title, rng.min_row))
    for r, dim in ws.row_dimensions.items():
        if dim.hidden and r <= ws.max_row:
            message = "this row is hidden; fix: unhide it and check its answers"
            found.append(Marked(Problem(message, file=file, sheet=ws.title, row=r), ws.title, r, 1))
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min is not None and dim.min <= width:
            letter = get_column_letter(dim.min)
            message = "this column is hidden; fix: unhide it and check its answers"
            found.append(Marked(Problem(message, file=file, sheet=ws.title, column=letter), ws.title, 1, dim.min))
    return found


def too_long(vals: dict[str, str]) -> str | None:
    """The first field whose text is over Excel's cell limit, if any."""
    return next((f for f, v in vals.items() if len(v) > CELL_LIMIT), None)
