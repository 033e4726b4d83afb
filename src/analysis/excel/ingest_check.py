"""Ingest, step 2: checking a form's answers, row by row, against the master.

Every cell of a row is checked, so one pass shows every mistake. A row the
form showed must belong, in the master, to the form's implementer. Nothing
here changes a table; the planner (:mod:`analysis.excel.ingest_plan`) uses
what these checks return.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.common.dates import is_iso_date
from analysis.dataset.schema import TABLES
from analysis.errors import Problem
from analysis.excel.form import CELL_LIMIT, META_SHEET, label_to_code, vocab_labels
from analysis.excel.ingest_read import Marked, Meta, too_long


def fix(what: str, how: str) -> str:
    return f"{what}; fix: {how}"


@dataclass
class Checker:
    """What the checks of one form need: the master text tables, the form's meta, and where problems go."""

    raw: dict
    meta: Meta
    file: str
    errors: list[Marked] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def err(self, message, sheet=None, row=None, col=None, column=None, value=None) -> None:
        problem = Problem(message, file=self.file, sheet=sheet, row=row, column=column, value=value)
        self.errors.append(Marked(problem, sheet, row, col))

    def master_owner(self, table: str, key: str) -> str | None:
        frame = self.raw[table].frame
        hit = frame.loc[frame[TABLES[table].key].str.strip() == key, "implementer_id"]
        return None if hit.empty else str(hit.iloc[0]).strip()


def check_header(ck: Checker, meeting_ids: set[str] | None, expect_impl: str | None, expect_meeting: str | None):
    """The form's implementer and meeting, against the master and what the caller expects."""
    impl, meeting = ck.meta.implementer, ck.meta.meeting
    known = set(ck.raw["implementers"].frame["implementer_id"].str.strip())
    if impl not in known:
        how = "make a new form for an implementer in implementers.csv"
        ck.err(
            fix(f"the form is for an unknown implementer '{impl}'", how), META_SHEET, column="implementer", value=impl
        )
    if expect_impl and impl != expect_impl:
        how = f"ingest the form made for {expect_impl}, or leave out --implementer"
        what = f"the form is for implementer '{impl}', not '{expect_impl}'"
        ck.err(fix(what, how), META_SHEET, column="implementer", value=impl)
    if expect_meeting and meeting != expect_meeting:
        what = f"the form is for meeting '{meeting}', not '{expect_meeting}'"
        ck.err(
            fix(what, f"send the form made for meeting {expect_meeting}"), META_SHEET, column="meeting", value=meeting
        )
    elif meeting_ids is not None and meeting not in meeting_ids:
        what = f"the form is for meeting '{meeting}', which meetings.csv does not list"
        how = "add the meeting to data/meetings.csv or make a new form"
        ck.err(fix(what, how), META_SHEET, column="meeting", value=meeting)


def check_owned(ck: Checker, table: str, shown: dict[int, tuple], sheet: str) -> None:
    """Every row the form showed belongs, in the master, to the form's implementer."""
    for r, (key, _fp, _before) in sorted(shown.items()):
        owner = ck.master_owner(table, key)
        if owner is not None and owner != ck.meta.implementer:
            what = f"the row '{key}' belongs to {owner} in the master data, not to {ck.meta.implementer}"
            ck.err(fix(what, f"only {owner}'s own form can change it"), sheet, r, 1, None, key)


def check_long(ck: Checker, sheet: str, r: int, vals: dict[str, str], fields: tuple[str, ...], labels) -> bool:
    f = too_long(vals)
    if f is None:
        return True
    j = fields.index(f)
    what = f"the text has {len(vals[f])} characters, more than an Excel cell holds ({CELL_LIMIT})"
    ck.err(fix(what, "shorten it, or give a link to the full text"), sheet, r, j + 1, labels[j], vals[f][:40])
    return False


@dataclass
class ActionRow:
    """A checked row of the actions sheet (codes, not labels); ``start``/``end`` from the period."""

    row: int
    values: dict[str, str]
    start: str = ""
    end: str = ""
    mandate_label: str = ""  # as chosen in the form, cited as the link's excerpt


def check_action(ck: Checker, r: int, vals: dict, shown: tuple | None, labels: list[str], fields) -> ActionRow | None:
    """Check every cell of one actions row; None (with the problems recorded) when any is wrong."""
    from analysis.excel.ingest_plan import period_bounds

    sheet, lang, impl = ck.meta.sheets["actions"], ck.meta.lang, ck.meta.implementer
    before = len(ck.errors)

    def bad(f, message):
        j = fields.index(f)
        ck.err(message, sheet, r, j + 1, labels[j], vals[f])

    kind = label_to_code("action_kind", lang).get(vals["kind"].lower()) if vals["kind"] else ""
    kind = kind or ("" if vals["kind"] or not shown else shown[2].get("kind", ""))
    if not kind:
        choices = ", ".join(vocab_labels("action_kind", lang).values())
        bad(
            "kind", fix("the kind is missing or not in the list", "choose the kind from the drop-down list: " + choices)
        )
    status = label_to_code("lifecycle", lang).get(vals["status"].lower()) if vals["status"] else ""
    if not status:
        choices = ", ".join(vocab_labels("lifecycle", lang).values())
        how = "choose the status from the drop-down list: " + choices
        bad("status", fix("the status is missing or not in the list", how))
    mandate = vals["mandate"].split(":", 1)[0].strip() if vals["mandate"] else ""
    if mandate and mandate not in _my_mandates(ck, impl):
        how = "choose the mandate from the drop-down list (sheet of mandates)"
        bad("mandate", fix(f"unknown mandate '{mandate}' for {impl}", how))
    why = _check_text(TABLES["actions"].column("description"), vals["description"])
    if why:
        bad("description", fix(f"the description {why}", "describe the action in a few words"))
    start = end = ""
    if vals["period"]:
        year = ck.raw["actions"].frame
        ctx = year.loc[year["action_id"].str.strip() == (shown[0] if shown else ""), "year_context"]
        start, end, why = period_bounds(vals["period"], str(ctx.iloc[0]).strip() if len(ctx) else "")
        if why:
            how = "write it like 'March 2007', 'first semester of 2007' or 'marzo de 2007'"
            bad("period", fix(f"the period cannot be understood ({why})", how))
    if len(ck.errors) > before:
        return None
    values = {**vals, "kind": kind, "status": status, "mandate": mandate}
    return ActionRow(r, values, start, end, vals["mandate"])


def _my_mandates(ck: Checker, impl: str) -> set[str]:
    m = ck.raw["mandates"].frame
    return set(m.loc[m["implementer_id"].str.strip() == impl, "mandate_id"].str.strip())


def _check_text(column, value: str) -> str | None:
    from analysis.dataset.validation import check_value

    return check_value(column, value)


def check_milestone(ck: Checker, r: int, vals: dict, key: str, labels: list[str]) -> dict | None:
    """The submitted answers of one milestones row as codes; None (problem recorded) when wrong."""
    sheet = ck.meta.sheets["milestones"]
    if vals["milestone_id"] != key:
        what = f"the milestone id was changed (the form showed '{key}')"
        ck.err(fix(what, f"put back '{key}'"), sheet, r, 1, labels[0], vals["milestone_id"])
        return None
    codes = label_to_code("achieved", ck.meta.lang)
    achieved = codes.get(vals["achieved"].lower()) if vals["achieved"] else "unknown"
    if not achieved:
        how = "choose from the drop-down list"
        ck.err(fix("the answer is not in the list", how), sheet, r, 4, labels[3], vals["achieved"])
        return None
    on = vals["achieved_on"]
    if on and (len(on) != 10 or not is_iso_date(on)):
        how = "write the date as YYYY-MM-DD, e.g. 2007-03-15"
        ck.err(fix("is not a date", how), sheet, r, 5, labels[4], on)
        return None
    return {"achieved": achieved, "achieved_on": on}
