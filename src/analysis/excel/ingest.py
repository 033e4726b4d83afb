"""Ingesting a filled-in report form into the master tables.

Order of work (see ``docs/follow-up.md``):

1. :func:`analysis.dataset.xlsx_safety.check_xlsx` refuses hostile files before any
   parser opens them; the standard XML parsers are then defused.
2. The hidden ``meta`` sheet is read and its fingerprint checked; template
   version, implementer and meeting must match what is expected.
3. Every row is checked with the loader's rules (schema types, vocabularies,
   references, periods) and the form's own: no edited ids, known mandates,
   statuses from the list, periods :func:`~analysis.dataset.periods.parse_period`
   understands. Formulas are read as their text, with a warning.
4. A row whose master row changed after the form was made (fingerprint
   mismatch) *and* that the form changes differently is a conflict. By
   default any conflict refuses the whole submission (``skip_conflicts``
   applies the other rows).
5. With no errors: the file is archived byte for byte, the master CSVs are
   replaced as one unit (:func:`analysis.store.csv_io.write_tables`, previous
   version kept in ``.previous/``), and every change is appended to the log.

The same file twice changes nothing: its SHA-256 is in the log, and rows
equal to the master are not changes anyway. A lock file keeps two ingests
from interleaving.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.common.dates import is_iso_date
from analysis.common.hashing import sha256_file
from analysis.dataset.schema import TABLES
from analysis.errors import AnalysisError, DataError, Problem
from analysis.excel.form import (
    ACTION_FIELDS,
    META_SHEET,
    MILESTONE_FIELDS,
    TEMPLATE_VERSION,
    label_to_code,
    meta_fingerprint,
    presented_action,
    presented_milestone,
    raw_rows,
    row_fingerprint,
    text,
    vocab_labels,
)
from analysis.store.atomic import atomic_copy, atomic_write_bytes
from analysis.store.changelog import LogEntry, append_changes, ingested_at
from analysis.store.csv_io import BACKUP_DIR, write_tables

SUBMISSION_SECTION = "submission:{meeting}:{sha12}"
NEW_ACTION_NOTE = "Reported in the submission {name} ({sheet} row {row})."


class SubmissionError(DataError):
    """The submission has problems; ``report`` is the error report written, if any."""

    def __init__(self, problems, report: Path | None = None):
        super().__init__(problems)
        self.report = report


class IngestBusy(AnalysisError):
    """Another ingest holds the lock."""


@dataclass(frozen=True)
class Change:
    table: str
    key: str
    column: str
    old: str
    new: str


@dataclass
class Marked:
    """A problem with the cell it is about (for the error report)."""

    problem: Problem
    sheet: str | None = None
    row: int | None = None
    col: int | None = None


@dataclass
class IngestResult:
    file: Path
    sha256: str
    implementer: str = ""
    meeting: str = ""
    changes: list[Change] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    already_ingested: str | None = None
    dry_run: bool = False
    archived: Path | None = None
    backup: Path | None = None

    @property
    def new_keys(self) -> list[str]:
        return sorted({c.key for c in self.changes if c.old == "" and c.column == TABLES[c.table].key})


# ---------------------------------------------------------------- reading the form


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


def _load(path: Path):
    from openpyxl import load_workbook

    from analysis.dataset.xlsx_safety import check_xlsx, harden_xml

    check_xlsx(path)
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


def read_meta(wb, path: Path) -> tuple[dict, list[list]]:
    """The form's meta header and row entries; refuse a form this tool did not make or that was altered."""
    if META_SHEET not in wb.sheetnames:
        raise DataError(
            Problem(
                "this is not a report form made by this tool (it has no hidden 'meta' sheet); "
                "fix: make a form with 'python -m analysis template'",
                file=str(path),
            )
        )
    header: dict[str, str] = {}
    rows: list[list] = []
    for values in wb[META_SHEET].iter_rows(values_only=True):
        if not values or values[0] is None:
            continue
        if values[0] == "row":
            rows.append(list(values[:6]))
        else:
            header[str(values[0])] = "" if values[1] is None else str(values[1])
    version = header.get("template_version", "")
    if version != TEMPLATE_VERSION:
        raise DataError(
            Problem(
                f"the form was made with template version {version or '(none)'}, but this tool "
                f"reads version {TEMPLATE_VERSION}; fix: make a new form with 'python -m analysis "
                "template' and copy the answers into it",
                file=str(path),
                sheet=META_SHEET,
                column="template_version",
                value=version,
            )
        )
    if meta_fingerprint(header, rows) != header.get("template_fingerprint"):
        raise DataError(
            Problem(
                "the form's hidden control sheet was altered (its fingerprint does not match); "
                "fix: make a new form with 'python -m analysis template'",
                file=str(path),
                sheet=META_SHEET,
            )
        )
    return header, rows


# ---------------------------------------------------------------- planning


@dataclass
class Plan:
    tables: dict[str, pd.DataFrame]  # text frames to write (only the changed ones)
    changes: list[Change]
    errors: list[Marked]
    warnings: list[Problem]
    conflicts: list[Marked]


def _fix(what: str, how: str) -> str:
    return f"{what}; fix: {how}"


def plan_ingest(
    wb,
    path: Path,
    sha256: str,
    raw: dict,
    meetings_ids: set[str] | None,
    expect_implementer: str | None = None,
    expect_meeting: str | None = None,
    skip_conflicts: bool = False,
) -> tuple[dict, Plan]:
    """Check a loaded form against the master text tables ``raw``; return (meta header, plan)."""
    header, meta_rows = read_meta(wb, path)
    file = path.name
    impl, meeting, lang = header["implementer"], header["meeting"], header.get("lang", "en")
    errors: list[Marked] = []
    warnings: list[Problem] = []
    conflicts: list[Marked] = []

    def err(message, sheet=None, row=None, col=None, column=None, value=None):
        errors.append(
            Marked(Problem(message, file=file, sheet=sheet, row=row, column=column, value=value), sheet, row, col)
        )

    known_impl = set(raw["implementers"].frame["implementer_id"].str.strip())
    if impl not in known_impl:
        err(
            _fix(
                f"the form is for an unknown implementer '{impl}'",
                "make a new form for an implementer in implementers.csv",
            ),
            META_SHEET,
            column="implementer",
            value=impl,
        )
    if expect_implementer and impl != expect_implementer:
        err(
            _fix(
                f"the form is for implementer '{impl}', not '{expect_implementer}'",
                f"ingest the form made for {expect_implementer}, or leave out --implementer",
            ),
            META_SHEET,
            column="implementer",
            value=impl,
        )
    if expect_meeting and meeting != expect_meeting:
        err(
            _fix(
                f"the form is for meeting '{meeting}', not '{expect_meeting}'",
                f"send the form made for meeting {expect_meeting}",
            ),
            META_SHEET,
            column="meeting",
            value=meeting,
        )
    elif meetings_ids is not None and meeting not in meetings_ids:
        err(
            _fix(
                f"the form is for meeting '{meeting}', which meetings.csv does not list",
                "add the meeting to data/meetings.csv or make a new form",
            ),
            META_SHEET,
            column="meeting",
            value=meeting,
        )
    if errors:
        return header, Plan({}, [], errors, warnings, conflicts)

    sheets = json.loads(header["sheets"])
    for k in ("actions", "milestones"):
        if sheets[k] not in wb.sheetnames:
            err(_fix(f"the sheet '{sheets[k]}' is missing", "do not rename or delete the form's sheets"), sheets[k])
    if errors:
        return header, Plan({}, [], errors, warnings, conflicts)

    tables = {n: raw[n].frame.copy() for n in ("actions", "action_mandates", "milestones")}
    acts = raw_rows(raw["actions"], "action_id")
    mils = raw_rows(raw["milestones"], "milestone_id")
    links = tables["action_mandates"]
    linked = set(zip(links["action_id"].str.strip(), links["mandate_id"].str.strip()))
    first_mandate: dict[str, str] = {}
    for a, m in zip(links["action_id"].str.strip(), links["mandate_id"].str.strip()):
        first_mandate.setdefault(a, m)
    mandates = raw["mandates"].frame
    my_mandates = set(mandates.loc[mandates["implementer_id"].str.strip() == impl, "mandate_id"].str.strip())
    kinds = label_to_code("action_kind", lang)
    statuses = label_to_code("lifecycle", lang)
    achieved_codes = label_to_code("achieved", lang)
    changes: list[Change] = []
    section = SUBMISSION_SECTION.format(meeting=meeting, sha12=sha256[:12])
    presented = {
        ("actions", int(r[2])): (str(r[3]), str(r[4]), json.loads(r[5])) for r in meta_rows if r[1] == "actions"
    }
    presented_m = {int(r[2]): (str(r[3]), str(r[4]), json.loads(r[5])) for r in meta_rows if r[1] == "milestones"}
    first_blank = int(header.get("first_blank_row", "2"))

    # ---- actions sheet
    ws = wb[sheets["actions"]]
    labels = [text(f, lang) for f in ACTION_FIELDS]
    got = [cell_text(ws.cell(row=1, column=j), [], {}) for j in range(1, len(labels) + 1)]
    if got != labels:
        err(
            _fix("the columns of the sheet were changed", "do not insert, delete or rename columns; make a new form"),
            sheets["actions"],
            1,
        )
        return header, Plan({}, [], errors, warnings, conflicts)
    new_rows: list[dict] = []
    for r in range(2, ws.max_row + 1):
        where = {"file": file, "sheet": sheets["actions"], "row": r}
        vals = {
            f: cell_text(ws.cell(row=r, column=j), warnings, {**where, "column": labels[j - 1]})
            for j, f in enumerate(ACTION_FIELDS, start=1)
        }
        col_of = {f: j for j, f in enumerate(ACTION_FIELDS, start=1)}

        def bad(f, message, value=None):
            err(message, sheets["actions"], r, col_of[f], labels[col_of[f] - 1], vals[f] if value is None else value)  # noqa: B023 - called within this iteration only

        shown = presented.get(("actions", r))
        if shown is None and not any(vals.values()):
            continue
        if shown is None and r < first_blank:
            continue
        if shown is not None and vals["action_id"] != shown[0]:
            bad(
                "action_id",
                _fix(
                    f"the action id was changed (the form showed '{shown[0]}')",
                    f"put back '{shown[0]}'; to report another action use an empty row",
                ),
            )
            continue
        if shown is None and vals["action_id"]:
            bad(
                "action_id",
                _fix(
                    "an action id was typed in a new row", "leave the id of new rows empty; it is allocated on receipt"
                ),
            )
            continue
        # vocabularies: every cell of the row is checked, so one pass shows every mistake
        row_ok = True
        kind = kinds.get(vals["kind"].lower()) if vals["kind"] else (shown[2]["kind"] if shown else "")
        if not kind:
            row_ok = False
            bad(
                "kind",
                _fix(
                    "the kind is missing or not in the list",
                    "choose the kind from the drop-down list: " + ", ".join(vocab_labels("action_kind", lang).values()),
                ),
            )
        status = statuses.get(vals["status"].lower()) if vals["status"] else ""
        if not status:
            row_ok = False
            bad(
                "status",
                _fix(
                    "the status is missing or not in the list",
                    "choose the status from the drop-down list: " + ", ".join(vocab_labels("lifecycle", lang).values()),
                ),
            )
        mandate = ""
        if vals["mandate"]:
            mandate = vals["mandate"].split(":", 1)[0].strip()
            if mandate not in my_mandates:
                row_ok = False
                bad(
                    "mandate",
                    _fix(
                        f"unknown mandate '{mandate}' for {impl}",
                        "choose the mandate from the drop-down list (sheet of mandates)",
                    ),
                )
        desc_col = TABLES["actions"].column("description")
        why = _check_text(desc_col, vals["description"])
        if why:
            row_ok = False
            bad("description", _fix(f"the description {why}", "describe the action in a few words"))
        year_ctx = acts[shown[0]]["year_context"].strip() if shown else ""
        start = end = ""
        if vals["period"]:
            try:
                from analysis.dataset.periods import PeriodError, parse_period

                p = parse_period(vals["period"], default_year=int(year_ctx) if year_ctx.isdigit() else None)
                start = p.start.isoformat() if p.start else ""
                end = p.end.isoformat() if p.end else ""
            except PeriodError as exc:
                row_ok = False
                bad(
                    "period",
                    _fix(
                        f"the period cannot be understood ({exc})",
                        "write it like 'March 2007', 'first semester of 2007' or 'marzo de 2007'",
                    ),
                )
        if not row_ok:
            continue
        submitted = {
            "action_id": vals["action_id"],
            "kind": kind,
            "description": vals["description"],
            "period": vals["period"],
            "status": status,
            "mandate": mandate,
            "evidence": vals["evidence"],
        }
        if shown is None:
            new_rows.append({**submitted, "start": start, "end": end, "_row": r})
            continue
        key, fingerprint, before = shown
        if key not in acts:
            err(
                _fix(f"the action '{key}' is no longer in the master data", "make a new form"),
                sheets["actions"],
                r,
                1,
                labels[0],
                key,
            )
            continue
        master = acts[key]
        current = presented_action(master, first_mandate.get(key, ""))
        touched = {f for f in submitted if f != "action_id" and submitted[f] != before.get(f, "")}
        if "kind" in touched:
            bad(
                "kind",
                _fix(
                    "the kind of a reported action cannot be changed",
                    f"put back '{vals['kind'] and before['kind']}' and report the other kind as a new row",
                ),
            )
            continue
        if not touched:
            continue
        differs = {f for f in touched if submitted[f] != current.get(f, "")}
        if row_fingerprint(master) != fingerprint and differs:
            conflicts.append(
                Marked(
                    Problem(
                        _fix(
                            f"conflict: the action '{key}' was changed in the master data after this form was made, "
                            f"and the form changes it too ({', '.join(sorted(differs))})",
                            "make a new form, or re-run with --skip-conflicts to apply the other rows",
                        ),
                        file=file,
                        sheet=sheets["actions"],
                        row=r,
                        column=labels[0],
                        value=key,
                    ),
                    sheets["actions"],
                    r,
                    1,
                )
            )
            continue
        row_idx = tables["actions"].index[tables["actions"]["action_id"].str.strip() == key][0]
        columns = {
            "description": ("description",),
            "status": ("lifecycle_status",),
            "evidence": ("evidence",),
            "period": ("period_text", "start", "end"),
        }
        values = {
            "description": submitted["description"],
            "lifecycle_status": status,
            "evidence": submitted["evidence"],
            "period_text": submitted["period"],
            "start": start,
            "end": end,
        }
        for f in sorted(differs & set(columns)):
            for col in columns[f]:
                old = str(tables["actions"].at[row_idx, col])
                if old != values[col]:
                    tables["actions"].at[row_idx, col] = values[col]
                    changes.append(Change("actions", key, col, old, values[col]))
        if "mandate" in differs and mandate and (key, mandate) not in linked:
            changes += _add_link(tables, key, mandate, vals["mandate"], section)
            linked.add((key, mandate))

    # ---- new actions: allocate ids per kind; skip ones already present (same kind, description, period)
    existing = {
        (a["kind"], a["description"].strip(), a["period_text"].strip())
        for a in acts.values()
        if a["implementer_id"].strip() == impl
    }
    for row in new_rows:
        if (row["kind"], row["description"], row["period"]) in existing:
            continue
        prefix = f"{impl}-{'A' if row['kind'] == 'carried_out' else 'P'}"
        used = [
            int(m.group(1))
            for k in tables["actions"]["action_id"]
            if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", str(k).strip()))
        ]
        key = f"{prefix}{max(used, default=0) + 1}"
        new = {c: "" for c in TABLES["actions"].column_names}
        new.update(
            {
                "action_id": key,
                "implementer_id": impl,
                "kind": row["kind"],
                "description": row["description"],
                "period_text": row["period"],
                "start": row["start"],
                "end": row["end"],
                "lifecycle_status": row["status"],
                "evidence": row["evidence"],
                "section": section,
                "excerpt": row["description"],
                "note": NEW_ACTION_NOTE.format(name=file, sheet=sheets["actions"], row=row["_row"]),
            }
        )
        tables["actions"] = pd.concat([tables["actions"], pd.DataFrame([new])], ignore_index=True)
        changes += [Change("actions", key, c, "", v) for c, v in new.items() if v != ""]
        existing.add((row["kind"], row["description"], row["period"]))
        if row["mandate"]:
            label = ws.cell(row=row["_row"], column=ACTION_FIELDS.index("mandate") + 1).value
            changes += _add_link(tables, key, row["mandate"], str(label or row["mandate"]), section)

    # ---- milestones sheet
    wm = wb[sheets["milestones"]]
    mlabels = [text(f, lang) for f in MILESTONE_FIELDS]
    for r in range(2, wm.max_row + 1):
        if r not in presented_m:
            continue
        key, fingerprint, before = presented_m[r]
        where = {"file": file, "sheet": sheets["milestones"], "row": r}
        vals = {
            f: cell_text(wm.cell(row=r, column=j), warnings, {**where, "column": mlabels[j - 1]})
            for j, f in enumerate(MILESTONE_FIELDS, start=1)
        }
        if vals["milestone_id"] != key:
            err(
                _fix(f"the milestone id was changed (the form showed '{key}')", f"put back '{key}'"),
                sheets["milestones"],
                r,
                1,
                mlabels[0],
                vals["milestone_id"],
            )
            continue
        achieved = achieved_codes.get(vals["achieved"].lower()) if vals["achieved"] else "unknown"
        if not achieved:
            err(
                _fix("the answer is not in the list", "choose from the drop-down list"),
                sheets["milestones"],
                r,
                4,
                mlabels[3],
                vals["achieved"],
            )
            continue
        on = vals["achieved_on"]
        if on and (len(on) != 10 or not is_iso_date(on)):
            err(
                _fix("is not a date", "write the date as YYYY-MM-DD, e.g. 2007-03-15"),
                sheets["milestones"],
                r,
                5,
                mlabels[4],
                on,
            )
            continue
        submitted = {"achieved": achieved, "achieved_on": on}
        touched = {f for f in submitted if submitted[f] != before.get(f, "")}
        if not touched or key not in mils:
            continue
        current = presented_milestone(mils[key])
        differs = {f for f in touched if submitted[f] != current[f]}
        if row_fingerprint(mils[key]) != fingerprint and differs:
            conflicts.append(
                Marked(
                    Problem(
                        _fix(
                            f"conflict: the milestone '{key}' was changed in the master data after this form was made, "
                            "and the form changes it too",
                            "make a new form, or re-run with --skip-conflicts",
                        ),
                        file=file,
                        sheet=sheets["milestones"],
                        row=r,
                        column=mlabels[0],
                        value=key,
                    ),
                    sheets["milestones"],
                    r,
                    1,
                )
            )
            continue
        idx = tables["milestones"].index[tables["milestones"]["milestone_id"].str.strip() == key][0]
        for col in sorted(differs):
            old = str(tables["milestones"].at[idx, col])
            tables["milestones"].at[idx, col] = submitted[col]
            changes.append(Change("milestones", key, col, old, submitted[col]))

    changed = {c.table for c in changes}
    plan = Plan({n: tables[n] for n in tables if n in changed}, changes, errors, warnings, conflicts)
    return header, plan


def _check_text(column, value: str) -> str | None:
    from analysis.dataset.validation import check_value

    return check_value(column, value)


def _add_link(tables: dict, action: str, mandate: str, label: str, section: str) -> list[Change]:
    link = {
        "link_id": f"{action}:{mandate}",
        "action_id": action,
        "mandate_id": mandate,
        "basis": "mandate chosen in the submitted report form",
        "section": section,
        "excerpt": label,
    }
    tables["action_mandates"] = pd.concat([tables["action_mandates"], pd.DataFrame([link])], ignore_index=True)
    return [Change("action_mandates", link["link_id"], c, "", v) for c, v in link.items()]


# ---------------------------------------------------------------- applying


@contextlib.contextmanager
def ingest_lock(folder: Path) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder/.previous/ingest.lock`` (released even on a crash)."""
    lock = folder / BACKUP_DIR / "ingest.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    fh = open(lock, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestBusy(
                f"another ingest is running (lock {lock} is held); wait for it to finish and try again"
            ) from None
        yield lock
    finally:
        fh.close()


def safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "submission.xlsx"
    return stem[:80]


def default_paths(data_path: Path) -> tuple[Path, Path, Path]:
    """(change log, submissions folder, meetings file) of a data folder (see :class:`config.DataLayout`)."""
    lay = config.DataLayout.of(data_path)
    return lay.changelog, lay.submissions, lay.meetings


def ingest(
    path: Path | str,
    data_path: Path | str | None = None,
    *,
    dry_run: bool = False,
    errors_path: Path | str | None = None,
    expect_implementer: str | None = None,
    expect_meeting: str | None = None,
    skip_conflicts: bool = False,
    changelog: Path | str | None = None,
    submissions: Path | str | None = None,
    meetings_file: Path | str | None = None,
) -> IngestResult:
    """Check a report form and apply it to the master CSV folder ``data_path``.

    Raises :class:`SubmissionError` (exit 1 in the CLI) listing every problem,
    after writing an error report (a copy of the form with the offending cells
    marked and commented) to ``errors_path`` or ``<form>.errors.xlsx``.
    """
    from analysis.dataset.meetings import load_meetings
    from analysis.dataset.raw import read_raw
    from analysis.dataset.validation import validate_raw

    path = Path(path)
    data_path = Path(data_path) if data_path is not None else config.PROGRAM_DIR
    if not data_path.is_dir():
        raise DataError(Problem("ingest writes to a folder of CSV tables; this is not one", file=str(data_path)))
    log_default, subs_default, meet_default = default_paths(data_path)
    changelog = Path(changelog) if changelog else log_default
    submissions = Path(submissions) if submissions else subs_default
    meetings_file = Path(meetings_file) if meetings_file else meet_default

    wb = _load(path)  # refuses hostile files first
    sha = sha256_file(path)
    result = IngestResult(path, sha, dry_run=dry_run)
    lock = contextlib.nullcontext() if dry_run else ingest_lock(data_path)
    with lock:
        raw = read_raw(data_path)
        before = validate_raw(raw, data_path)
        if before:
            raise DataError(
                [
                    Problem(
                        "the master data has problems; fix them before ingesting (run 'python -m analysis validate')",
                        file=str(data_path),
                    ),
                    *before[:20],
                ]
            )
        meeting_ids = {m.meeting_id for m in load_meetings(meetings_file)} if meetings_file.exists() else None
        header, plan = plan_ingest(wb, path, sha, raw, meeting_ids, expect_implementer, expect_meeting, skip_conflicts)
        result.implementer, result.meeting = header.get("implementer", ""), header.get("meeting", "")
        result.warnings = plan.warnings
        result.conflicts = [m.problem for m in plan.conflicts]
        # The log, written last, is the record of what was applied; an archived
        # copy alone may be left by an ingest that crashed before the master changed.
        when = ingested_at(changelog, sha)
        if when is not None and not plan.errors:
            result.already_ingested = when
            return result
        blocking = plan.errors + ([] if skip_conflicts else plan.conflicts)
        if not blocking and plan.changes:
            proposed = dict(raw)
            for name, frame in plan.tables.items():
                proposed[name] = type(raw[name])(name, frame, raw[name].file)
            after = validate_raw(proposed, data_path)
            blocking += [Marked(p) for p in after]
        if blocking:
            report = write_error_report(wb, path, blocking, errors_path)
            raise SubmissionError([m.problem for m in blocking], report)
        result.changes = plan.changes
        if dry_run or not plan.changes:
            if not dry_run:
                _archive(path, sha, submissions, result)
            return result
        _archive(path, sha, submissions, result)
        result.backup = write_tables(data_path, plan.tables)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        append_changes(
            changelog,
            [
                LogEntry(now, path.name, sha, result.meeting, c.table, c.key, c.column, c.old, c.new)
                for c in plan.changes
            ],
        )
    return result


def _archive(path: Path, sha: str, submissions: Path, result: IngestResult) -> None:
    dest = submissions / result.meeting / f"{sha}-{safe_name(path.name)}"
    if not dest.exists():
        atomic_copy(path, dest)
    result.archived = dest


def write_error_report(wb, path: Path, marked: list[Marked], errors_path: Path | str | None) -> Path | None:
    """A copy of the form with each offending cell filled red and commented; None if it cannot be written."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    out = Path(errors_path) if errors_path else path.with_name(path.stem + ".errors.xlsx")
    fill = PatternFill("solid", start_color="FF9999", end_color="FF9999")
    for m in marked:
        if m.sheet in wb.sheetnames and m.row and m.col:
            cell = wb[m.sheet].cell(row=m.row, column=m.col)
            cell.fill = fill
            note = m.problem.message if cell.comment is None else cell.comment.text + "\n" + m.problem.message
            cell.comment = Comment(note[:2000], "analysis ingest")
    try:
        buf = io.BytesIO()
        wb.save(buf)
        atomic_write_bytes(out, buf.getvalue())
    except OSError:
        return None
    return out
