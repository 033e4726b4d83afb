"""Bar charts: one value per category (horizontal when labels are long), and stacked counts per implementer.

Every string from the data is escaped before it reaches a figure, and data
never goes into a ``hovertemplate`` format string: hover text travels in
``customdata`` and the template only refers to it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from analysis import i18n
from analysis.measures import MANDATE_STATUSES
from analysis.report.charts.display import describe, esc, layout

MANDATE_COLORS = {"action_reported": "#2e7d32", "planned_only": "#9a6700", "no_action_reported": "#c62828"}
ACTION_COLORS = {"carried_out": "#2e7d32", "planned": "#9a6700"}
LONG_LABEL = 14  # characters: longer category labels turn the bars horizontal
LABEL_LINE = 24  # characters of a line of a horizontal bar's label (two lines at most): fits a phone
ROW_HEIGHT = 34  # pixels per bar in a horizontal chart


def _two_lines(label) -> str:
    """A long category label, escaped, on at most two lines of :data:`LABEL_LINE` (cut with "…" after)."""
    lines = textwrap.wrap(" ".join(str(label).split()), LABEL_LINE, break_long_words=False) or [str(label)]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_LINE, placeholder="…")]
    return "<br>".join(esc(line) for line in lines)


def _value_text(v, lang: str, percent: bool) -> str:
    return i18n.fmt_percent(v, lang) if percent else i18n.fmt_number(v, lang)


def bar_chart(
    categories,
    values,
    *,
    title: str,
    y_title: str,
    x_title: str = "",
    lang: str = "en",
    percent: bool = False,
    hover=None,
    color: str = "#1565c0",
    height: int | None = None,
    missing: str | None = None,
    limit: int | None = None,
    others: Callable[[int], str] | None = None,
) -> go.Figure:
    """Bars with one value label each; a missing value gets no bar and one note ("not reported", or ``missing``).

    Horizontal when a category label is long. ``categories`` and ``hover`` are data: escaped here.
    ``y_title`` names the value axis, ``x_title`` the categories. Over ``limit`` bars: see :func:`largest`.
    """
    hover = list(hover) if hover is not None else None
    categories, values, hover, aside = largest(list(categories), list(values), hover, limit, others)
    horizontal = any(len(str(c)) > LONG_LABEL for c in categories) or len(list(categories)) > 8
    cats = [_two_lines(c) if horizontal else esc(c) for c in categories]
    vals = [None if v is None or pd.isna(v) else float(v) for v in values]
    gap = esc(missing or i18n.t("label.not_reported", lang))
    shown = [_value_text(v, lang, percent) if v is not None else "" for v in vals]
    hov = [esc(h) for h in (hover if hover is not None else categories)]
    bar = go.Bar(
        marker_color=color,
        text=shown,
        textposition="outside",
        cliponaxis=False,
        customdata=[[h, s or gap] for h, s in zip(hov, shown)],
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        showlegend=False,
        **({"y": cats, "x": vals, "orientation": "h"} if horizontal else {"x": cats, "y": vals}),
    )
    fig = go.Figure(bar)
    notes = _missing_notes(cats, vals, gap, horizontal)
    top = max([v for v in vals if v is not None], default=1.0) or 1.0
    if horizontal:
        layout(fig, title, y_title, x_title, height or max(220, 130 + ROW_HEIGHT * len(cats)), lang)
        fig.update_yaxes(autorange="reversed", automargin=True)
        value_axis = fig.update_xaxes
    else:
        layout(fig, title, x_title, y_title, height or 360, lang)
        value_axis = fig.update_yaxes
    value_axis(range=[0, top * 1.25], rangemode="tozero", **({"tickformat": ".0%"} if percent else {}))
    fig.update_layout(annotations=notes)
    pairs = [f"{c}: {s or gap}" for c, s in zip(categories, shown)]
    if aside is not None:  # too tall to draw beside the others: named, with its sum, in the caption
        pairs.append(i18n.t("chart.others_aside", lang, others=aside[0], value=_value_text(aside[1], lang, percent)))
    return describe(fig, f"{title}. " + "; ".join(pairs) + ".")


def _missing_notes(cats: list, vals: list, gap: str, horizontal: bool) -> list[dict]:
    """One note per missing value, set once (never a shape or annotation per item in a loop)."""
    font = {"color": "#595959"}
    return [
        {"x": 0, "y": c, "xanchor": "left", "text": gap, "showarrow": False, "font": font}
        if horizontal
        else {"x": c, "y": 0, "yanchor": "bottom", "text": gap, "showarrow": False, "font": font}
        for c, v in zip(cats, vals)
        if v is None
    ]


#: An "Others" bar taller than this many times the largest shown bar would flatten the chart: it is
#: named in the caption instead.
OTHERS_SCALE = 2.0


def largest(categories: list, values: list, hover: list | None, limit: int | None, others: Callable[[int], str] | None):
    """The ``limit`` categories with the largest values, largest first, plus one bar summing the rest
    (labelled ``others(count)``) if given; returns the categories, values, hover texts and the
    (label, sum) of an "Others" too tall to draw (None when drawn or not asked for).

    O(n log n): one sort. Unchanged when there are ``limit`` categories or fewer.
    """
    if not limit or len(values) <= limit:
        return categories, values, hover, None
    known = [None if v is None or pd.isna(v) else float(v) for v in values]
    order = sorted(range(len(known)), key=lambda i: (known[i] is None, -(known[i] or 0.0)))
    top, rest = order[:limit], order[limit:]
    cats, vals = [categories[i] for i in top], [values[i] for i in top]
    hov = [hover[i] for i in top] if hover is not None else None
    summed = [known[i] for i in rest if known[i] is not None]
    if others is None or not summed:
        return cats, vals, hov, None
    label, total = others(len(summed)), sum(summed)
    if total > OTHERS_SCALE * max((v for v in known if v is not None), default=0.0):
        return cats, vals, hov, (label, total)
    hov = [*hov, label] if hov is not None else None
    return [*cats, label], [*vals, total], hov, None


def _stacked(
    rows: pd.DataFrame,
    y: str,
    series: dict[str, str],
    labels: dict[str, str],
    *,
    title: str,
    x_title: str,
    lang: str,
    hover_col: str | None,
    aside: str = "",
) -> go.Figure:
    """Horizontal stacked bars; the legend (above) lists the series in stacking order, left to right."""
    fig = go.Figure()
    ys = [esc(v) for v in rows[y]]
    names = [esc(v) for v in (rows[hover_col] if hover_col else rows[y])]
    for col, color in series.items():
        fig.add_trace(
            go.Bar(
                y=ys,
                x=rows[col].astype(float).tolist(),
                orientation="h",
                name=esc(labels[col]),
                marker_color=color,
                customdata=[[n, esc(labels[col])] for n in names],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}: %{x}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    layout(fig, title, x_title, "", max(240, 120 + 24 * len(rows)), lang)
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    totals = rows[list(series)].sum()
    summary = "; ".join(f"{labels[c]}: {i18n.fmt_number(totals[c], lang)}" for c in series)
    return describe(fig, f"{title}. {i18n.t('label.total', lang)}: {summary}." + (f" {aside}." if aside else ""))


def coverage_chart(matrix: pd.DataFrame, lang: str = "en", aside: str = "") -> go.Figure:
    """Stacked bars of mandates by status per implementer.

    ``matrix`` has ``implementer_id``, optional ``name``, and one count column
    per mandate status (as :func:`analysis.report.content.coverage_matrix` returns).
    """
    labels = {s: i18n.label("mandate_status", s, lang) for s in MANDATE_STATUSES}
    return _stacked(
        matrix,
        "implementer_id",
        {s: MANDATE_COLORS[s] for s in MANDATE_STATUSES},
        labels,
        title=i18n.t("chart.coverage.title", lang),
        x_title=i18n.t("chart.coverage.x", lang),
        lang=lang,
        hover_col="name" if "name" in matrix else None,
        aside=aside,
    )


def reporting_chart(counts: pd.DataFrame, lang: str = "en", aside: str = "") -> go.Figure:
    """Stacked bars of actions carried out and planned per implementer."""
    labels = {
        "actions_carried_out": i18n.t("label.actions_carried_out", lang),
        "actions_planned": i18n.t("label.actions_planned", lang),
    }
    return _stacked(
        counts,
        "implementer_id",
        {"actions_carried_out": ACTION_COLORS["carried_out"], "actions_planned": ACTION_COLORS["planned"]},
        labels,
        title=i18n.t("chart.reporting.title", lang),
        x_title=i18n.t("chart.reporting.x", lang),
        lang=lang,
        hover_col="name" if "name" in counts else ("name_en" if "name_en" in counts else None),
        aside=aside,
    )


def mandate_status_chart(statuses: pd.DataFrame, lang: str = "en", title: str | None = None) -> go.Figure:
    """Horizontal bars of how many mandates have each status (``statuses`` has a ``status`` column)."""
    counts = statuses["status"].value_counts()
    cats = [i18n.label("mandate_status", s, lang) for s in MANDATE_STATUSES]
    vals = [int(counts.get(s, 0)) for s in MANDATE_STATUSES]
    title = title or i18n.t("chart.mandates.title", lang)
    fig = go.Figure(
        go.Bar(
            y=[esc(c) for c in cats],
            x=vals,
            orientation="h",
            marker_color=[MANDATE_COLORS[s] for s in MANDATE_STATUSES],
            text=[i18n.fmt_number(v, lang) for v in vals],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
            showlegend=False,
        )
    )
    layout(fig, title, i18n.t("label.count", lang), "", height=220, lang=lang)
    fig.update_xaxes(rangemode="tozero", dtick=1, range=[0, max(vals + [1]) * 1.2])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return describe(fig, f"{title}. " + "; ".join(f"{c}: {v}" for c, v in zip(cats, vals)) + ".")
