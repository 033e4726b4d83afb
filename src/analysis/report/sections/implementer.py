"""An implementer's key figures, mandates and actions."""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.dataset.loading import Dataset
from analysis.measures import action_flags, implementer_counts, mandate_status
from analysis.report import charts
from analysis.report.context import Report, capped, period_labels, shortened
from analysis.report.sections.front import share_text
from analysis.report.sections.notes import note_cells, notes_under
from analysis.report.tables import Html, drop_blank_columns, html_table, join, key_figures, paragraph

# Width shares (percent) of the action table's columns: the description gets the room.
ACTION_WIDTHS = {
    "action": 9,
    "description": 43,
    "period": 17,
    "lifecycle": 9,
    "compliance": 8,
    "mandate": 8,
    "evidence": 12,
    "note": 7,
    "source": 6,
}


def empty(rep: Report, key: str, **values) -> Html:
    return paragraph(rep.t(key, **values), "oas-empty")


def implementer_mandates(ds: Dataset, implementer: str) -> pd.DataFrame:
    """The implementer's mandates with status (see :func:`analysis.measures.mandate_status`)."""
    mine = ds.mandates[ds.mandates["implementer_id"] == implementer]
    ms = mandate_status(mine, ds.actions, ds.action_mandates)
    translations = [f"text_{lang}_unofficial" for lang in ("es", "fr", "pt")]
    cols = [c for c in ("mandate_id", "section", "excerpt", *translations) if c in ds.mandates]
    ms = ms.merge(mine[cols], on="mandate_id", how="left")
    return ms.sort_values("seq").reset_index(drop=True)


def implementer_actions(ds: Dataset, implementer: str, kind: str) -> pd.DataFrame:
    """The implementer's actions of one kind (carried_out / planned), with the mandates they serve."""
    a = ds.actions[(ds.actions["implementer_id"] == implementer) & (ds.actions["kind"] == kind)].copy()
    links = ds.action_mandates[ds.action_mandates["action_id"].isin(a["action_id"])]  # this slice only
    served = links.groupby("action_id")["mandate_id"].agg(lambda s: ", ".join(sorted(s)))
    a["mandates"] = a["action_id"].map(served).fillna("")
    return a.reset_index(drop=True)


def key_figures_of(ds: Dataset, implementer: str, as_of, meeting=None) -> dict[str, float]:
    """The implementer's row of :func:`analysis.measures.implementer_counts` (its slice only) as a dict."""
    return implementer_counts(ds, as_of, implementer, meeting=meeting).iloc[0].to_dict()


def key_figures_section(rep: Report) -> Html:
    """Headline counts for the report's implementer, as tiles."""
    f = key_figures_of(rep.ds, rep.implementer, rep.as_of, rep.meeting)
    n = lambda v: i18n.fmt_number(v, rep.lang)  # noqa: E731
    items = [
        (rep.t("label.mandates"), n(f["mandates"])),
        (rep.t("label.share_mandates_with_action"), share_text(rep, f["mandates_action_reported"], f["mandates"])),
        (rep.t("label.actions_carried_out"), n(f["actions_carried_out"])),
        (rep.t("label.actions_planned"), n(f["actions_planned"])),
        (rep.t("label.milestones"), n(f["milestones"])),
        (rep.t("label.milestones_met"), n(f["milestones_met"])),
        (rep.t("label.milestones_late"), n(f["milestones_late"])),
        (rep.t("label.observations"), n(f["observations"])),
    ]
    return join([rep.heading(rep.t("heading.key_figures"), 2, id="key-figures"), key_figures(items)])


def _assigned(rep: Report, ms: pd.DataFrame) -> list[Html]:
    """The assigned activity quoted as written; outside English with the unofficial translation, marked."""
    out = []
    column = f"text_{rep.lang}_unofficial"
    for text, translated in zip(ms["text"], ms.get(column, pd.Series([""] * len(ms)))):
        quote = Html(f'<q lang="en">{join([text])}</q>')
        if rep.lang != "en" and str(translated or "").strip():
            note = rep.t("text.unofficial", text=translated)
            quote = join([quote, Html('<br><span class="oas-unofficial">'), note, Html("</span>")])
        out.append(quote)
    return out


def mandates_section(rep: Report) -> Html:
    """The implementer's mandates, each with its status and a chart of the statuses."""
    ms = implementer_mandates(rep.ds, rep.implementer)
    parts = [rep.heading(rep.t("heading.mandates"), 2, id="mandates")]
    if ms.empty:
        return join([*parts, empty(rep, "text.no_mandates")])
    table = pd.DataFrame(
        {
            "mandate": ms["mandate_id"],
            "text": _assigned(rep, ms),
            "status": [i18n.label("mandate_status", s, rep.lang) for s in ms["status"]],
            "actions": ms["action_ids"].str.replace(";", ", "),
            "source": [rep.ref(s, e) for s, e in zip(ms["section"], ms["excerpt"])],
        }
    )
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    labels["period"] = rep.t("label.period" if rep.lang == "en" else "label.when")
    widths = {"mandate": 11, "text": 51, "status": 14, "actions": 16, "source": 8}
    fig = charts.mandate_status_chart(ms, rep.lang)
    return join([*parts, html_table(table, rep.lang, labels, widths=widths), charts.chart_html(fig)])


def in_period(rep: Report, actions: pd.DataFrame) -> list[str]:
    """Each action's place against the reporting period: inside, before, after, or undated."""
    start, end = rep.period
    first = pd.to_datetime(actions["start"]).fillna(pd.to_datetime(actions["end"]))
    last = pd.to_datetime(actions["end"]).fillna(pd.to_datetime(actions["start"]))
    out = []
    for a, b in zip(first, last):
        if pd.isna(a):
            key = "undated"
        elif start is not None and b < pd.Timestamp(start):
            key = "before"
        elif end is not None and a > pd.Timestamp(end):
            key = "after"
        else:
            key = "inside"
        out.append(rep.t(f"label.period_{key}"))
    return out


def _when(rep: Report, actions: pd.DataFrame) -> list[str]:
    """One cell per action: its period (as written in English, rebuilt from the dates otherwise) and,
    with a meeting, where it falls against the reporting period ("2005 (before)", or "undated" alone)."""
    periods = period_labels(rep, actions)
    if rep.meeting is None:
        return periods
    flags = in_period(rep, actions)
    return [f"{p} ({f})" if p else f for p, f in zip(periods, flags)]


def actions_section(rep: Report, kind: str) -> Html:
    """Actions of one kind, placed against the reporting period, with their notes; blank columns left out."""
    a, cut = capped(rep, implementer_actions(rep.ds, rep.implementer, kind))
    parts = [rep.heading(rep.t(f"heading.actions_{kind}"), 2, id=f"actions-{kind}")]
    if a.empty:
        return join([*parts, empty(rep, "text.no_actions")])
    if cut:
        parts.append(paragraph(cut, "oas-note"))
    descriptions, shortened_note = shortened(rep, rep.text(a, "description"), "actions")
    if shortened_note:
        parts.append(paragraph(shortened_note, "oas-note"))
    flags = action_flags(a, rep.as_of)
    past_due = [rep.t("label.past_due") if f else "" for f in flags["planned_past_due"]]
    table = pd.DataFrame(
        {
            "action": a["action_id"],
            "description": descriptions,
            "period": _when(rep, a),
            "lifecycle": [
                join([i18n.label("lifecycle", s, rep.lang), " ", p]) if p else i18n.label("lifecycle", s, rep.lang)
                for s, p in zip(a["lifecycle_status"], past_due)
            ],
            "compliance": [i18n.label("compliance", c, rep.lang) if c else "" for c in a["compliance"]],
            "mandate": a["mandates"],
            "evidence": a["evidence"],
            "note": note_cells(rep, a["action_id"]),
            "source": [rep.ref(s, e) for s, e in zip(a["section"], a["excerpt"])],
        }
    )
    table, dropped = drop_blank_columns(table, keep=("action", "description", "source"))
    if "compliance" in dropped:
        parts.append(paragraph(rep.t("text.compliance_not_assessed"), "oas-note"))
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    labels["period"] = rep.t("label.when_in_period") if rep.meeting is not None else rep.t("label.when")
    widths = {c: ACTION_WIDTHS[c] for c in table.columns}
    return join([*parts, html_table(table, rep.lang, labels, widths=widths), notes_under(rep, a["action_id"])])
