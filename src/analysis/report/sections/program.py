"""The overview's program-wide sections: mandate coverage and who reported."""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.dataset.loading import Dataset
from analysis.measures import MANDATE_STATUSES, mandate_status
from analysis.report import charts
from analysis.report.context import MAX_BARS, Report, counts_of, implementer_names, ranked, sheet_name
from analysis.report.sections.implementer import empty
from analysis.report.tables import Html, html_table, join, paragraph


def coverage_matrix(ds: Dataset) -> pd.DataFrame:
    """Implementer x mandate status counts, for implementers with mandates, plus a total."""
    ms = mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    m = pd.crosstab(ms["implementer_id"], ms["status"]).reindex(columns=list(MANDATE_STATUSES), fill_value=0)
    m = m.reset_index()
    m["total"] = m[list(MANDATE_STATUSES)].sum(axis=1)
    order = ds.implementers["implementer_id"].tolist()
    m["_o"] = m["implementer_id"].map({k: i for i, k in enumerate(order)})
    m = m.sort_values("_o").drop(columns="_o").reset_index(drop=True)
    m.columns.name = None
    names = dict(zip(ds.implementers["implementer_id"], ds.implementers["name_en"]))
    m.insert(1, "name", m["implementer_id"].map(names).fillna(""))
    return m


def silent_implementers(ds: Dataset, meeting=None, as_of=None) -> pd.DataFrame:
    """Implementers (member states included) that reported nothing.

    With a meeting, by the one "reported" rule for its reporting period
    (:mod:`analysis.measures.reporting`); without one, those with no action at all.
    ``as_of`` changes none of the columns read here; a report passes its own so the
    counts its other sections made are reused.
    """
    counts = counts_of(ds, as_of, meeting=meeting)
    if meeting is not None:
        silent = counts[~counts["reported"].astype(bool)]
    else:
        silent = counts[(counts["actions_carried_out"] + counts["actions_planned"]) == 0]
    return silent[["implementer_id", "kind", "name_en", "mandates"]].reset_index(drop=True)


def coverage_section(rep: Report) -> Html:
    """The implementer x mandate status matrix, as a table and a stacked bar chart."""
    m = coverage_matrix(rep.ds)
    parts = [rep.heading(rep.t("heading.coverage"), 2, id="coverage")]
    if m.empty:
        return join([*parts, empty(rep, "text.no_mandates")])
    shown, note = ranked(rep, m, ["total"], "implementer_id", sheet="mandate_status")
    table = shown.drop(columns="name").copy()
    labels = {
        "implementer_id": rep.t("label.implementer"),
        "total": rep.t("label.total"),
        **{s: i18n.label("mandate_status", s, rep.lang) for s in MANDATE_STATUSES},
    }
    total = {"implementer_id": rep.t("label.total"), **{c: int(m[c].sum()) for c in table.columns[1:]}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    names = implementer_names(rep.ds, rep.lang)
    m["name"] = m["implementer_id"].map(names).fillna(m["name"])
    drawn, aside = _drawn(rep, m, list(MANDATE_STATUSES))
    chart = charts.chart_html(charts.coverage_chart(drawn, rep.lang, aside))
    return join([*parts, *([paragraph(note, "oas-note")] if note else []), html_table(table, rep.lang, labels), chart])


def _drawn(rep: Report, frame: pd.DataFrame, stacked: list[str]) -> tuple[pd.DataFrame, str]:
    """The rows a stacked chart draws: the :data:`MAX_BARS` implementers with the largest counts and an
    "Others (n)" row, left out and named with its sum in the caption when it would flatten the other bars."""
    shown, note = ranked(rep, frame, stacked, "implementer_id", limit=MAX_BARS)
    shown = shown.assign(name=shown["name"].replace("", pd.NA).fillna(shown["implementer_id"]))
    if not note:
        return shown, ""
    totals = shown[stacked].astype(float).sum(axis=1)
    if totals.iloc[-1] <= charts.OTHERS_SCALE * totals.iloc[:-1].max():
        return shown, ""
    value = i18n.fmt_number(totals.iloc[-1], rep.lang)
    return shown.iloc[:-1], rep.t("chart.others_aside", others=shown["implementer_id"].iloc[-1], value=value)


def _silent_sentence(rep: Report, silent: pd.DataFrame) -> list[Html]:
    """Member states that reported nothing as one sentence with a compact list; other implementers listed."""
    names = implementer_names(rep.ds, rep.lang)
    states = silent[silent["kind"] == "member_state"]
    others = silent[silent["kind"] != "member_state"]
    out = []
    if not others.empty:
        listed = _listed(rep, [f"{names.get(i, i)} ({i})" for i in others["implementer_id"]])
        out.append(paragraph(rep.t("text.silent_others", count=len(others), names=listed)))
    if not states.empty:
        listed = _listed(rep, sorted(names.get(i, i) for i in states["implementer_id"]))
        out.append(paragraph(rep.t("text.silent_states", count=len(states), names=listed), "oas-compact"))
    return out


MAX_NAMES = 60  # names one sentence lists; the rest are counted, with the export sheet that has them


def _listed(rep: Report, names: list[str]) -> str:
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    more = rep.t("text.and_more", count=len(names) - MAX_NAMES, sheet=sheet_name(rep, "implementers"))
    return ", ".join(names[:MAX_NAMES]) + " " + more


def reporting_section(rep: Report) -> Html:
    """Actions per implementer, and every implementer (member states too) that reported nothing in the period."""
    counts = counts_of(rep.ds, rep.as_of, meeting=rep.meeting)
    active = counts[(counts["actions_carried_out"] + counts["actions_planned"]) > 0].copy()
    parts = [
        rep.heading(rep.t("heading.reporting"), 2, id="reporting"),
    ]  # the "reported" rule and the period are stated once, in the period section
    if not active.empty:
        names = implementer_names(rep.ds, rep.lang)
        active["name"] = active["implementer_id"].map(names)
        cols = [
            "implementer_id",
            "name",
            "actions_carried_out",
            "actions_planned",
            "milestones",
            "milestones_late",
            "milestones_met",
        ]
        labels = {
            "implementer_id": rep.t("label.implementer"),
            "name": rep.t("label.name"),
            **{c: rep.t(f"label.{c}") for c in cols[2:]},
        }
        shown, note = ranked(rep, active[cols], ["actions_carried_out", "actions_planned"], "implementer_id")
        drawn, aside = _drawn(rep, active[cols], cols[2:4])
        parts += [
            *([paragraph(note, "oas-note")] if note else []),
            html_table(shown, rep.lang, labels),
            charts.chart_html(charts.reporting_chart(drawn, rep.lang, aside)),
        ]
    silent = silent_implementers(rep.ds, rep.meeting, rep.as_of)
    parts.append(rep.heading(rep.t("heading.not_reported"), 3, id="not-reported"))
    if silent.empty:
        parts.append(empty(rep, "text.all_reported"))
    else:
        parts += _silent_sentence(rep, silent)
    return join(parts)
