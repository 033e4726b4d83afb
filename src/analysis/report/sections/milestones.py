"""Milestones: the timeline with the full list, and which are late or in progress (no second table)."""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.dataset.loading import Dataset
from analysis.measures import milestone_status
from analysis.report import charts
from analysis.report.context import Report, capped, period_labels, sheet_name, shortened
from analysis.report.sections.implementer import empty
from analysis.report.sections.notes import note_cells, notes_under
from analysis.report.tables import Html, bullets, drop_blank_columns, html_table, join, paragraph

LATE_ORDER = {"missed": 0, "past_unreported": 1, "in_progress": 2}
MAX_DRAWN = 40  # milestones a timeline draws at most (the shipped program has 31 dated ones: all drawn)
ROWS_PER_CHART = 10  # rows of one timeline part (420 px at most): two parts share an A4 page
# Which milestones a capped timeline draws first.
DRAW_PRIORITY = {"missed": 0, "past_unreported": 1, "in_progress": 2, "not_yet_due": 3, "met": 4, "undetermined": 5}


def implementer_milestones(ds: Dataset, implementer: str | None, as_of) -> pd.DataFrame:
    """Milestones (one implementer's, or all for None) with their status as of a date."""
    m = ds.milestones if implementer is None else ds.milestones[ds.milestones["implementer_id"] == implementer]
    out = milestone_status(m, as_of, ds.data_quality)
    return out.sort_values(["implementer_id", "start", "milestone_id"], na_position="last").reset_index(drop=True)


def due_or_overdue(milestones: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`implementer_milestones` that are missed, past unreported or in progress, in that order."""
    out = milestones[milestones["status"].isin(LATE_ORDER)].copy()
    out["_o"] = out["status"].map(LATE_ORDER)
    return out.sort_values(["_o", "end", "milestone_id"]).drop(columns="_o").reset_index(drop=True)


def undated(milestones: pd.DataFrame) -> pd.DataFrame:
    """Milestones with neither a start nor an end: listed, never drawn."""
    return milestones[milestones["start"].isna() & milestones["end"].isna()].reset_index(drop=True)


def status_text(rep: Report, status: str, disputed: bool) -> str:
    """The status as the timeline names it (a late milestone with a doubted date is "date disputed")."""
    shown = charts.shown_status(status, disputed)
    text = charts.status_name(shown, rep.lang)
    return f"{text} ({rep.t('label.disputed')})" if disputed and shown == status else text


def milestone_table(rep: Report, m: pd.DataFrame) -> Html:
    disputed = m["disputed"] if "disputed" in m else pd.Series([False] * len(m))
    descriptions, cut = shortened(rep, rep.text(m, "description"), "milestones")
    table = pd.DataFrame(
        {
            "milestone": m["milestone_id"],
            "description": descriptions,
            "period": period_labels(rep, m),
            "status": [status_text(rep, s, bool(d)) for s, d in zip(m["status"], disputed)],
            "note": note_cells(rep, m["milestone_id"]),
            "source": [rep.ref(s, e) for s, e in zip(m["section"], m["excerpt"])],
        }
    )
    table, _ = drop_blank_columns(table, keep=("milestone", "description", "source"))
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    labels["period"] = rep.t("label.period" if rep.lang == "en" else "label.when")
    widths = {"milestone": 11, "description": 40, "period": 15, "status": 13, "note": 8, "source": 6}
    return join(
        [
            *([paragraph(cut, "oas-note")] if cut else []),
            html_table(table, rep.lang, labels, widths={c: widths[c] for c in table.columns}),
            notes_under(rep, m["milestone_id"]),
        ]
    )


def drawn_milestones(m: pd.DataFrame, as_of, limit: int = MAX_DRAWN) -> pd.DataFrame:
    """The dated milestones a timeline draws: all up to ``limit``; beyond, late and in-progress ones first,
    then those nearest ``as_of`` (one sort, O(n log n))."""
    dated = m[m["start"].notna() | m["end"].notna()]
    if len(dated) <= limit:
        return dated.copy()
    first = pd.to_datetime(dated["start"]).fillna(pd.to_datetime(dated["end"]))
    rank = pd.DataFrame(
        {
            "priority": dated["status"].astype(str).map(DRAW_PRIORITY).fillna(len(DRAW_PRIORITY)).to_numpy(),
            "distance": (first - pd.Timestamp(as_of)).abs().to_numpy(),
        },
        index=dated.index,
    )
    keep = rank.sort_values(["priority", "distance"], kind="stable").index[:limit]
    return dated[dated.index.isin(keep)].copy()


def timeline_charts(rep: Report, drawn: pd.DataFrame) -> list[Html]:
    """The timeline in parts of at most :data:`ROWS_PER_CHART` rows on one date axis, so each part shares a
    printed page with the text around it (one chart of 31 rows left most of a page blank)."""
    drawn["label"] = rep.text(drawn, "description")
    rows = charts.order_milestones(drawn)
    parts = -(-len(rows) // ROWS_PER_CHART)
    size = -(-len(rows) // parts)
    span = charts.date_span(rows)
    title = rep.t("chart.timeline.title")
    out = []
    for k in range(parts):
        chunk = rows.iloc[k * size : (k + 1) * size]
        named = f"{title} ({k + 1}/{parts})" if parts > 1 else title
        fig = charts.timeline_chart(chunk, rep.lang, rep.as_of, title=named, names=_names(rep), span=span)
        out.append(charts.chart_html(fig))
    return out


def timeline_section(rep: Report, implementer: str | None = "__report__") -> Html:
    """The timeline of milestones (uncertain dates drawn with whiskers), the list, and the undated ones.

    At scale the chart draws at most :data:`MAX_DRAWN` milestones and the table lists
    at most :data:`analysis.report.context.MAX_TABLE_ROWS`, each saying where the rest are.
    """
    who = rep.implementer if implementer == "__report__" else implementer
    m = implementer_milestones(rep.ds, who, rep.as_of)
    parts = [rep.heading(rep.t("heading.timeline"), 2, id="timeline")]
    if m.empty:
        return join([*parts, empty(rep, "text.no_milestones")])
    dated = int((m["start"].notna() | m["end"].notna()).sum())
    if dated:
        drawn = drawn_milestones(m, rep.as_of)
        parts.append(paragraph(rep.t("text.timeline_legend"), "oas-note"))
        if len(drawn) < dated:
            sheet = sheet_name(rep, "milestone_status")
            parts.append(
                paragraph(rep.t("text.timeline_capped", shown=len(drawn), total=dated, sheet=sheet), "oas-note")
            )
        parts += timeline_charts(rep, drawn)
    shown, cut = capped(rep, m, sheet="milestone_status")
    parts += [paragraph(cut, "oas-note")] if cut else []
    parts.append(milestone_table(rep, shown))
    u, u_cut = capped(rep, undated(m), sheet="milestone_status")
    if not u.empty:
        parts += [
            rep.heading(rep.t("heading.undated"), 3, id="undated"),
            paragraph(rep.t("text.undated_note")),
            *([paragraph(u_cut, "oas-note")] if u_cut else []),
            bullets(
                join([i, " — ", d, f" ({p}) " if p else " ", rep.ref(s, e)])
                for i, d, p, s, e in zip(
                    u["milestone_id"], rep.text(u, "description"), period_labels(rep, u), u["section"], u["excerpt"]
                )
            ),
        ]
    return join(parts)


def _names(rep: Report) -> dict[str, str]:
    from analysis.report.context import implementer_names

    return implementer_names(rep.ds, rep.lang)


def due_section(rep: Report) -> Html:
    """Milestones missed, past without a completion report, or in progress: named in one list each."""
    m = due_or_overdue(implementer_milestones(rep.ds, rep.implementer, rep.as_of))
    parts = [rep.heading(rep.t("heading.due_overdue"), 2, id="due-overdue")]
    if m.empty:
        return join([*parts, empty(rep, "text.no_due", as_of=i18n.fmt_date(rep.as_of, rep.lang))])
    items = []
    for status, group in m.groupby("status", sort=False):
        ids = ", ".join(group["milestone_id"])
        items.append(join([Html("<b>"), i18n.label("milestone_status", status, rep.lang), Html("</b>: "), ids]))
    return join([*parts, paragraph(rep.t("text.late_note")), bullets(items)])
