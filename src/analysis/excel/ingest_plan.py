"""Ingest, steps 3 and 4: conflict detection and planning the new tables.

A row whose master row changed after the form was made (its fingerprint no
longer matches) *and* that the form changes differently is a conflict. The
other answers become a :class:`Plan`: the text tables to write and the list of
changes, one per cell, for the log. New actions get their ids here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.dataset.schema import TABLES
from analysis.errors import Problem
from analysis.excel.form import (
    ACTION_FIELDS,
    CELL_LIMIT,
    MILESTONE_FIELDS,
    presented_action,
    presented_milestone,
    raw_rows,
    row_fingerprint,
    text,
)
from analysis.excel.ingest_check import (
    ActionRow,
    Checker,
    check_action,
    check_header,
    check_long,
    check_milestone,
    check_owned,
    fix,
)
from analysis.excel.ingest_read import Marked, header_labels, layout_problems, read_meta, read_rows

SUBMISSION_SECTION = "submission:{meeting}:{sha12}"
NEW_ACTION_NOTE = "Reported in the submission {name} ({sheet} row {row})."
ACTION_COLUMNS = {
    "description": ("description",),
    "status": ("lifecycle_status",),
    "evidence": ("evidence",),
    "period": ("period_text", "start", "end"),
}


@dataclass(frozen=True)
class Change:
    table: str
    key: str
    column: str
    old: str
    new: str


@dataclass
class Plan:
    tables: dict[str, pd.DataFrame]  # text frames to write (only the changed ones)
    changes: list[Change]
    errors: list[Marked]
    warnings: list[Problem]
    conflicts: list[Marked]
    raw: dict = field(default_factory=dict)  # the master text tables the plan was made from


@dataclass
class Planner:
    """The tables being edited for one form, and the changes made to them so far."""

    ck: Checker
    section: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Marked] = field(default_factory=list)

    def set_cell(self, table: str, key: str, column: str, value: str) -> None:
        frame = self.tables[table]
        idx = frame.index[frame[TABLES[table].key].str.strip() == key][0]
        old = str(frame.at[idx, column])
        if old != value:
            frame.at[idx, column] = value
            self.changes.append(Change(table, key, column, old, value))

    def add_row(self, table: str, row: dict[str, str]) -> None:
        self.tables[table] = pd.concat([self.tables[table], pd.DataFrame([row])], ignore_index=True)
        key = row[TABLES[table].key]
        self.changes += [Change(table, key, c, "", v) for c, v in row.items() if v != ""]

    def conflict(self, what: str, key: str, sheet: str, r: int, label: str, how: str) -> None:
        problem = Problem(fix(what, how), file=self.ck.file, sheet=sheet, row=r, column=label, value=key)
        self.conflicts.append(Marked(problem, sheet, r, 1))


def period_bounds(period: str, year_context: str) -> tuple[str, str, str | None]:
    """(start, end, problem) of a period as written; the problem is None when it was understood."""
    from analysis.dataset.periods import PeriodError, parse_period

    try:
        p = parse_period(period, default_year=int(year_context) if year_context.isdigit() else None)
    except PeriodError as exc:
        return "", "", str(exc)
    return (p.start.isoformat() if p.start else "", p.end.isoformat() if p.end else "", None)


def plan_ingest(wb, path, sha256: str, raw: dict, meeting_ids, expect_impl=None, expect_meeting=None, *, secret: bytes):
    """Check a loaded form against the master text tables ``raw``; return (meta, plan)."""
    meta = read_meta(wb, path, secret)
    ck = Checker(raw, meta, path.name)
    check_header(ck, meeting_ids, expect_impl, expect_meeting)
    for k in ("actions", "milestones") if not ck.errors else ():
        if meta.sheets[k] not in wb.sheetnames:
            how = "do not rename or delete the form's sheets"
            ck.err(fix(f"the sheet '{meta.sheets[k]}' is missing", how), meta.sheets[k])
    if ck.errors:
        return meta, Plan({}, [], ck.errors, ck.warnings, [])
    check_owned(ck, "actions", meta.actions, meta.sheets["actions"])
    check_owned(ck, "milestones", meta.milestones, meta.sheets["milestones"])
    for k, width in (("actions", len(ACTION_FIELDS)), ("milestones", len(MILESTONE_FIELDS))):
        ck.errors += layout_problems(wb[meta.sheets[k]], width, ck.file)
    section = SUBMISSION_SECTION.format(meeting=meta.meeting, sha12=sha256[:12])
    pl = Planner(ck, section, {n: raw[n].frame.copy() for n in ("actions", "action_mandates", "milestones")})
    _plan_actions(pl, wb[meta.sheets["actions"]])
    _plan_milestones(pl, wb[meta.sheets["milestones"]])
    if ck.errors:
        return meta, Plan({}, [], ck.errors, ck.warnings, pl.conflicts)
    changed = {c.table for c in pl.changes}
    return meta, Plan({n: f for n, f in pl.tables.items() if n in changed}, pl.changes, [], ck.warnings, pl.conflicts)


def _plan_actions(pl: Planner, ws) -> None:
    ck, meta = pl.ck, pl.ck.meta
    labels = [text(f, meta.lang) for f in ACTION_FIELDS]
    if header_labels(ws, len(labels)) != labels:
        how = "do not insert, delete or rename columns; make a new form"
        ck.err(fix("the columns of the sheet were changed", how), ws.title, 1)
        return
    new_rows: list[ActionRow] = []
    for r, vals in read_rows(ws, ACTION_FIELDS, labels, ck.file, ck.warnings):
        shown = meta.actions.get(r)
        if shown is None and (not any(vals.values()) or r < meta.first_blank):
            continue
        if not _action_id_kept(ck, ws.title, r, vals, shown, labels):
            continue
        if not check_long(ck, ws.title, r, vals, ACTION_FIELDS, labels):
            continue
        row = check_action(ck, r, vals, shown, labels, ACTION_FIELDS)
        if row is None:
            continue
        if shown is None:
            new_rows.append(row)
        else:
            _update_action(pl, row, shown, labels, ws.title)
    _add_new_actions(pl, new_rows, ws)


def _action_id_kept(ck: Checker, sheet: str, r: int, vals: dict, shown: tuple | None, labels) -> bool:
    if shown is not None and vals["action_id"] != shown[0]:
        what = f"the action id was changed (the form showed '{shown[0]}')"
        how = f"put back '{shown[0]}'; to report another action use an empty row"
        ck.err(fix(what, how), sheet, r, 1, labels[0], vals["action_id"])
        return False
    if shown is None and vals["action_id"]:
        how = "leave the id of new rows empty; it is allocated on receipt"
        ck.err(fix("an action id was typed in a new row", how), sheet, r, 1, labels[0], vals["action_id"])
        return False
    return True


def _update_action(pl: Planner, row: ActionRow, shown: tuple, labels: list[str], sheet: str) -> None:
    ck = pl.ck
    key, fingerprint, before = shown
    acts = raw_rows(ck.raw["actions"], "action_id")
    if key not in acts:
        ck.err(
            fix(f"the action '{key}' is no longer in the master data", "make a new form"),
            sheet,
            row.row,
            1,
            labels[0],
            key,
        )
        return
    links = ck.raw["action_mandates"].frame
    first = links.loc[links["action_id"].str.strip() == key, "mandate_id"]
    current = presented_action(acts[key], str(first.iloc[0]).strip() if len(first) else "")
    submitted = row.values
    touched = {f for f in submitted if f != "action_id" and _changed(submitted[f], before.get(f, ""))}
    if "kind" in touched:
        j = ACTION_FIELDS.index("kind")
        what = "the kind of a reported action cannot be changed"
        how = f"put back '{before.get('kind', '')}' and report the other kind as a new row"
        ck.err(fix(what, how), sheet, row.row, j + 1, labels[j], submitted["kind"])
        return
    differs = {f for f in touched if submitted[f] != current.get(f, "")}
    if not differs:
        return
    if row_fingerprint(acts[key]) != fingerprint:
        what = (
            f"conflict: the action '{key}' was changed in the master data after this form was made, "
            f"and the form changes it too ({', '.join(sorted(differs))})"
        )
        how = "make a new form, or re-run with --skip-conflicts to apply the other rows"
        pl.conflict(what, key, sheet, row.row, labels[0], how)
        return
    values = {**submitted, "period_text": submitted["period"], "lifecycle_status": submitted["status"]}
    values.update(start=row.start, end=row.end)
    for f in sorted(differs & set(ACTION_COLUMNS)):
        for col in ACTION_COLUMNS[f]:
            pl.set_cell("actions", key, col, values[col])
    if "mandate" in differs and submitted["mandate"]:
        _add_link(pl, key, submitted["mandate"], row.mandate_label)


def _changed(answer: str, shown: str) -> bool:
    """Whether the implementer changed a cell; a master text longer than a cell was shown cut, which is no change."""
    if len(shown) > CELL_LIMIT and answer == shown[:CELL_LIMIT].strip():
        return False
    return answer != shown


def _add_link(pl: Planner, action: str, mandate: str, label: str) -> None:
    links = pl.tables["action_mandates"]
    if ((links["action_id"].str.strip() == action) & (links["mandate_id"].str.strip() == mandate)).any():
        return
    link = {
        "link_id": f"{action}:{mandate}",
        "action_id": action,
        "mandate_id": mandate,
        "basis": "mandate chosen in the submitted report form",
        "section": pl.section,
        "excerpt": label,
    }
    pl.add_row("action_mandates", link)


def _add_new_actions(pl: Planner, rows: list[ActionRow], ws) -> None:
    """Allocate ids per kind; skip a row already present (same kind, description and period)."""
    impl = pl.ck.meta.implementer
    acts = pl.tables["actions"]
    mine = acts[acts["implementer_id"].str.strip() == impl]
    existing = set(zip(mine["kind"], mine["description"].str.strip(), mine["period_text"].str.strip()))
    for row in rows:
        v = row.values
        if (v["kind"], v["description"], v["period"]) in existing:
            continue
        prefix = f"{impl}-{'A' if v['kind'] == 'carried_out' else 'P'}"
        pattern = re.compile(re.escape(prefix) + r"(\d+)")
        used = [int(m.group(1)) for k in pl.tables["actions"]["action_id"] if (m := pattern.fullmatch(str(k).strip()))]
        key = f"{prefix}{max(used, default=0) + 1}"
        new = dict.fromkeys(TABLES["actions"].column_names, "")
        new.update(action_id=key, implementer_id=impl, kind=v["kind"], description=v["description"])
        new.update(period_text=v["period"], start=row.start, end=row.end, lifecycle_status=v["status"])
        new.update(evidence=v["evidence"], section=pl.section, excerpt=v["description"])
        new["note"] = NEW_ACTION_NOTE.format(name=pl.ck.file, sheet=ws.title, row=row.row)
        pl.add_row("actions", new)
        existing.add((v["kind"], v["description"], v["period"]))
        if v["mandate"]:
            _add_link(pl, key, v["mandate"], row.mandate_label or v["mandate"])


def _plan_milestones(pl: Planner, ws) -> None:
    ck, meta = pl.ck, pl.ck.meta
    labels = [text(f, meta.lang) for f in MILESTONE_FIELDS]
    mils = raw_rows(ck.raw["milestones"], "milestone_id")
    for r, vals in read_rows(ws, MILESTONE_FIELDS, labels, ck.file, ck.warnings):
        if r not in meta.milestones or not check_long(ck, ws.title, r, vals, MILESTONE_FIELDS, labels):
            continue
        key, fingerprint, before = meta.milestones[r]
        submitted = check_milestone(ck, r, vals, key, labels)
        if submitted is None or key not in mils:
            continue
        touched = {f for f in submitted if submitted[f] != before.get(f, "")}
        current = presented_milestone(mils[key])
        differs = {f for f in touched if submitted[f] != current[f]}
        if differs and row_fingerprint(mils[key]) != fingerprint:
            what = (
                f"conflict: the milestone '{key}' was changed in the master data after this form was made, "
                "and the form changes it too"
            )
            pl.conflict(what, key, ws.title, r, labels[0], "make a new form, or re-run with --skip-conflicts")
            continue
        for col in sorted(differs):
            pl.set_cell("milestones", key, col, submitted[col])
