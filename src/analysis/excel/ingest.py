"""Ingesting a filled-in report form into the master tables.

Order of work (see ``docs/follow-up.md``), one module per step:

1. Reading (:mod:`~analysis.excel.ingest_read`): hostile or absurd files are
   refused before any parser opens them; the hidden ``meta`` sheet is read and
   its keyed fingerprint (HMAC, :mod:`analysis.store.secret`) checked.
2. Checking (:mod:`~analysis.excel.ingest_check`): every row with the loader's
   rules and the form's own (no edited ids, rows of this implementer only,
   known mandates, statuses from the list, understood periods, no text over
   the cell limit, no merged cells or hidden rows or columns). Formulas are
   read as their text, with a warning.
3. Conflicts and planning (:mod:`~analysis.excel.ingest_plan`): a row changed
   in the master after the form was made *and* changed differently by the
   form is a conflict; by default any conflict refuses the whole submission
   (``skip_conflicts`` applies the other rows).
4. Applying (:mod:`~analysis.excel.ingest_apply`): the file is archived byte
   for byte, and the master CSVs and the change log are written as one
   journaled commit (:mod:`analysis.store.journal`): all old or all new.

The same file twice changes nothing: its SHA-256 is in the log, and rows
equal to the master are not changes anyway. The data folder's lock keeps two
writers from interleaving, and an interrupted commit is finished (or undone)
before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.common.hashing import sha256_file
from analysis.dataset.schema import TABLES
from analysis.errors import DataError, Problem
from analysis.excel.ingest_apply import apply_plan, archive, ingest_lock, safe_name, write_error_report
from analysis.excel.ingest_plan import NEW_ACTION_NOTE, SUBMISSION_SECTION, Change, Plan, plan_ingest
from analysis.excel.ingest_read import Marked, cell_text, load_form
from analysis.store.changelog import ingested_at
from analysis.store.journal import DataBusy, recover

IngestBusy = DataBusy  # the name this module used before the journal had its own lock

__all__ = [
    "NEW_ACTION_NOTE",
    "SUBMISSION_SECTION",
    "Change",
    "IngestBusy",
    "IngestResult",
    "Marked",
    "Plan",
    "SubmissionError",
    "cell_text",
    "ingest",
    "ingest_lock",
    "plan_ingest",
    "safe_name",
]


class SubmissionError(DataError):
    """The submission has problems; ``report`` is the error report written, if any."""

    def __init__(self, problems, report: Path | None = None):
        super().__init__(problems)
        self.report = report


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


@dataclass
class Target:
    """Where one ingest reads and writes, worked out (and checked) before anything is opened."""

    data: Path
    layout: config.DataLayout
    changelog: Path
    submissions: Path
    meetings: Path
    errors: Path | None  # None: the default report next to the form, if it can be written


def _target(path: Path, data_path, errors_path, changelog, submissions, meetings_file) -> Target:
    from analysis.store.outputs import OutputPathError, check_output

    data = Path(data_path) if data_path is not None else config.PROGRAM_DIR
    if not data.is_dir():
        raise DataError(Problem("ingest writes to a folder of CSV tables; this is not one", file=str(data)))
    lay = config.DataLayout.of(data, meetings_file)
    log = Path(changelog) if changelog else lay.changelog
    guard = {"inputs": [path, log], "layout": lay}
    if errors_path:
        errors = check_output(errors_path, ".xlsx", hint="the error report is a workbook", **guard)
    else:
        try:
            errors = check_output(path.with_name(path.stem + ".errors.xlsx"), ".xlsx", **guard)
        except OutputPathError:
            errors = None
    subs = Path(submissions) if submissions else lay.submissions
    return Target(data, lay, log, subs, lay.meetings, errors)


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
    path = Path(path)
    tg = _target(path, data_path, errors_path, changelog, submissions, meetings_file)
    wb = load_form(path)  # refuses hostile files first
    result = IngestResult(path, sha256_file(path), dry_run=dry_run)
    if dry_run:
        _check_and_apply(wb, result, tg, expect_implementer, expect_meeting, skip_conflicts)
        return result
    with ingest_lock(tg.data):
        recover(tg.layout)
        _check_and_apply(wb, result, tg, expect_implementer, expect_meeting, skip_conflicts)
    return result


def _check_and_apply(wb, result: IngestResult, tg: Target, expect_impl, expect_meeting, skip_conflicts) -> None:
    plan = _plan(wb, result, tg, expect_impl, expect_meeting)
    # The log is the record of what was applied: it is written in the same commit as the tables.
    when = ingested_at(tg.changelog, result.sha256)
    if when is not None and not plan.errors:
        result.already_ingested = when
        return
    blocking = plan.errors + ([] if skip_conflicts else plan.conflicts)
    if not blocking and plan.changes:
        blocking += [Marked(p) for p in _validate_after(plan, tg.data)]
    if blocking:
        report = write_error_report(wb, result.file, blocking, tg.errors) if tg.errors else None
        raise SubmissionError([m.problem for m in blocking], report)
    result.changes = plan.changes
    if result.dry_run:
        return
    result.archived = archive(result.file, result.sha256, tg.submissions, result.meeting)
    if plan.changes:
        result.backup = apply_plan(tg.data, plan, result.file, result.sha256, result.meeting, tg.changelog)


def _plan(wb, result: IngestResult, tg: Target, expect_impl, expect_meeting) -> Plan:
    from analysis.dataset.meetings import load_meetings
    from analysis.dataset.raw import read_raw
    from analysis.dataset.validation import validate_raw
    from analysis.store.secret import form_secret

    raw = read_raw(tg.data)
    before = validate_raw(raw, tg.data)
    if before:
        first = Problem(
            "the master data has problems; fix them before ingesting (run 'python -m analysis validate')",
            file=str(tg.data),
        )
        raise DataError([first, *before[:20]])
    meeting_ids = {m.meeting_id for m in load_meetings(tg.meetings)} if tg.meetings.exists() else None
    secret = form_secret(tg.layout, create=False)
    meta, plan = plan_ingest(
        wb, result.file, result.sha256, raw, meeting_ids, expect_impl, expect_meeting, secret=secret
    )
    result.implementer, result.meeting = meta.implementer, meta.meeting
    result.warnings = plan.warnings
    result.conflicts = [m.problem for m in plan.conflicts]
    plan.raw = raw
    return plan


def _validate_after(plan: Plan, data: Path) -> list[Problem]:
    from analysis.dataset.validation import validate_raw

    proposed = dict(plan.raw)
    for name, frame in plan.tables.items():
        proposed[name] = type(plan.raw[name])(name, frame, plan.raw[name].file)
    return validate_raw(proposed, data)
