"""Plotly charts for the reports, with titles and axes in the report language.

Plotly draws hover text, tick labels and titles as a subset of HTML, so every
string from the data is passed through :func:`html.escape` before it reaches a
figure, and data never goes into a ``hovertemplate`` format string: hover text
travels in ``customdata`` and the template only refers to it.

Charts are shown with :func:`show`, which emits one bundle with plotly's own
mimetype (drawn natively by JupyterLab) and ``text/html`` (a
``<div class="oas-chart plotly-graph-div">`` plus a ``Plotly.newPlot`` script,
*without* plotly.js), which nbconvert's HTML exporter uses; the report renderer
injects plotly.js once per report.

>>> fig = bar_chart(["<b>x</b>"], [1.0], title="T", y_title="n")
>>> fig.data[0].x[0]
'&lt;b&gt;x&lt;/b&gt;'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import itertools
import json
import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import i18n
from analysis.common.dates import as_date
from analysis.measures import MANDATE_STATUSES, MILESTONE_STATUSES
from analysis.report.tables import Html

CHART_CLASS = "oas-chart plotly-graph-div"
CHART_MARKER = "<!-- oas-chart -->"
CHART_END = "<!-- /oas-chart -->"
CHART_CONFIG = {"displayModeBar": False, "responsive": True}

MANDATE_COLORS = {"action_reported": "#2e7d32", "planned_only": "#f9a825", "no_action_reported": "#c62828"}
MILESTONE_COLORS = {
    "met": "#2e7d32",
    "missed": "#c62828",
    "past_unreported": "#e65100",
    "in_progress": "#1565c0",
    "due": "#1565c0",
    "overdue": "#c62828",
    "not_yet_due": "#6a1b9a",
    "undetermined": "#757575",
}
ACTION_COLORS = {"carried_out": "#2e7d32", "planned": "#f9a825"}
EXACT_PRECISIONS = ("day", "days")
# Opacity of a fuzzy span's middle and of its fading edge steps (outermost last).
FUZZY_CORE_OPACITY = 0.45
FUZZY_EDGE_OPACITIES = (0.36, 0.27, 0.18, 0.09)
FUZZY_EDGE_SHARE = 0.2  # each soft edge covers this share of the span
OPEN_END_DAYS = 180  # how far an open-ended or recurring span fades out

_counter = itertools.count(1)


def esc(value) -> str:
    """Escape one data string for plotly's HTML-like text."""
    return html.escape("" if value is None else str(value), quote=True)


def _layout(fig: go.Figure, title: str, x_title: str = "", y_title: str = "", height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": esc(title), "x": 0.0, "xanchor": "left"},
        xaxis_title=esc(x_title),
        yaxis_title=esc(y_title),
        height=height,
        template="plotly_white",
        margin={"l": 60, "r": 30, "t": 60, "b": 60},
        font={"family": "Helvetica, Arial, sans-serif", "size": 12},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


# ---------------------------------------------------------------- display


def chart_html(fig: go.Figure) -> Html:
    """The figure as a div + ``Plotly.newPlot`` script, without plotly.js.

    The chart div has class ``oas-chart plotly-graph-div``, is wrapped in a
    ``<div class="oas-block">`` (kept on one printed page) and preceded by the
    :data:`CHART_MARKER` comment. Toolbars are off, height is fixed.
    """
    if fig.layout.height is None:
        fig.update_layout(height=420)
    figure_json = fig.to_json()
    digest = hashlib.sha256(figure_json.encode()).hexdigest()[:10]
    div_id = f"oas-chart-{digest}-{next(_counter)}"
    _remember(div_id, figure_json)
    body = pio.to_html(
        fig, include_plotlyjs=False, full_html=False, div_id=div_id, config=CHART_CONFIG, include_mathjax=False
    )
    marked = body.replace('class="plotly-graph-div"', f'class="{CHART_CLASS}"', 1)
    if CHART_CLASS not in marked:  # plotly changed its markup: fail loudly, not silently
        raise RuntimeError("plotly's HTML no longer has the plotly-graph-div class")
    return Html(f'{CHART_MARKER}<div class="oas-block">{marked}</div>{CHART_END}')


PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Output metadata of the pieces show_html displays; the renderer glues them back into one.
PART_METADATA = {"analysis": {"part": True}}
_FIGURES: dict[str, str] = {}  # chart div id -> figure JSON, for show_html
_FIGURES_KEPT = 200
_CHART_RE = re.compile(re.escape(CHART_MARKER) + r".*?" + re.escape(CHART_END), re.S)
_DIV_ID_RE = re.compile(r'<div id="([^"]+)" class="' + re.escape(CHART_CLASS))


def _remember(div_id: str, figure_json: str) -> None:
    _FIGURES[div_id] = figure_json
    while len(_FIGURES) > _FIGURES_KEPT:  # a long Lab session: keep the recent ones
        _FIGURES.pop(next(iter(_FIGURES)))


def _bundle(fig_json: str, html_: str) -> dict:
    return {PLOTLY_MIME: json.loads(fig_json) | {"config": CHART_CONFIG}, "text/html": html_, "text/plain": "[chart]"}


def show_html(markup: str) -> None:
    """Display report markup so every front end draws its charts.

    The markup is displayed in pieces: the HTML between charts, and each chart
    made by :func:`chart_html` as a bundle like :func:`show`'s (plotly's
    mimetype for JupyterLab, the chart's HTML for nbconvert). The pieces carry
    :data:`PART_METADATA`; the report renderer joins them back into one HTML
    output, so the rendered report is the same markup.
    """
    from IPython.display import display

    pos = 0
    for m in _CHART_RE.finditer(markup):
        if markup[pos : m.start()]:
            display({"text/html": markup[pos : m.start()]}, raw=True, metadata=PART_METADATA)
        div = _DIV_ID_RE.search(m.group(0))
        figure = _FIGURES.get(div.group(1)) if div else None
        data = _bundle(figure, m.group(0)) if figure else {"text/html": m.group(0)}
        display(data, raw=True, metadata=PART_METADATA)
        pos = m.end()
    if markup[pos:] or not pos:
        display({"text/html": markup[pos:]}, raw=True, metadata=PART_METADATA)


def show(fig: go.Figure) -> None:
    """Display ``fig`` in every front end: one bundle, two representations.

    * ``application/vnd.plotly.v1+json`` (the figure as JSON): JupyterLab and
      VS Code draw it with their own plotly renderer, whatever the notebook's
      trust, so a chart is never blank in Lab.
    * ``text/html`` (:func:`chart_html`): nbconvert's HTML exporter does not
      know plotly's mimetype and picks this one; the report renderer injects
      plotly.js once per report.
    """
    from IPython.display import display

    if fig.layout.height is None:
        fig.update_layout(height=420)
    display(_bundle(fig.to_json(), str(chart_html(fig))), raw=True)


# ---------------------------------------------------------------- bars


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
    height: int = 380,
) -> go.Figure:
    """Vertical bars; a missing value gets no bar and a "not reported" note (never 0).

    ``categories`` and ``hover`` are data: they are escaped here.
    """
    cats = [esc(c) for c in categories]
    vals = [None if v is None or pd.isna(v) else float(v) for v in values]
    shown = [i18n.fmt_percent(v, lang) if percent else i18n.fmt_number(v, lang) for v in vals]
    hov = [esc(h) for h in (hover if hover is not None else categories)]
    fig = go.Figure(
        go.Bar(
            x=cats,
            y=vals,
            marker_color=color,
            text=shown,
            textposition="outside",
            customdata=list(zip(hov, shown)),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            showlegend=False,
        )
    )
    for c, v in zip(cats, vals):
        if v is None:
            fig.add_annotation(
                x=c,
                y=0,
                yref="y",
                text=esc(i18n.t("label.not_reported", lang)),
                showarrow=False,
                yshift=12,
                font={"color": "#757575"},
            )
    _layout(fig, title, x_title, y_title, height)
    if percent:
        fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    else:
        fig.update_yaxes(rangemode="tozero", separatethousands=True)
    top = max([v for v in vals if v is not None], default=1.0) or 1.0
    fig.update_yaxes(range=[0, top * 1.2])
    # plotly's own number formatting follows d3 locale; use the report's separators
    fig.update_layout(separators=",." if lang == "es" else ".,")
    return fig


def _stacked(
    rows: pd.DataFrame,
    y: str,
    series: dict[str, str],
    labels: dict[str, str],
    *,
    title: str,
    x_title: str,
    y_title: str,
    hover_col: str | None,
) -> go.Figure:
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
    _layout(fig, title, x_title, y_title, height=max(260, 90 + 22 * len(rows)))
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def coverage_chart(matrix: pd.DataFrame, lang: str = "en") -> go.Figure:
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
        y_title=i18n.t("chart.coverage.y", lang),
        hover_col="name" if "name" in matrix else None,
    )


def reporting_chart(counts: pd.DataFrame, lang: str = "en") -> go.Figure:
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
        y_title=i18n.t("chart.coverage.y", lang),
        hover_col="name_en" if "name_en" in counts else None,
    )


def mandate_status_chart(statuses: pd.DataFrame, lang: str = "en", title: str | None = None) -> go.Figure:
    """Bars of how many mandates have each status (``statuses`` has a ``status`` column)."""
    counts = statuses["status"].value_counts()
    cats = [i18n.label("mandate_status", s, lang) for s in MANDATE_STATUSES]
    vals = [int(counts.get(s, 0)) for s in MANDATE_STATUSES]
    fig = go.Figure(
        go.Bar(
            x=[esc(c) for c in cats],
            y=vals,
            marker_color=[MANDATE_COLORS[s] for s in MANDATE_STATUSES],
            hovertemplate="%{x}: %{y}<extra></extra>",
            showlegend=False,
        )
    )
    _layout(fig, title or i18n.t("chart.mandates.title", lang), "", i18n.t("label.count", lang), height=300)
    fig.update_yaxes(rangemode="tozero", dtick=1)
    return fig


# ---------------------------------------------------------------- timeline


def _rect(shapes: list, x0, x1, y, color, opacity, name, half=0.35):
    # Collected as dicts and set once: fig.add_shape per shape is quadratic in plotly.
    shapes.append(
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": x0,
            "x1": x1,
            "y0": y - half,
            "y1": y + half,
            "fillcolor": color,
            "opacity": opacity,
            "layer": "below",
            "name": name,
            "line": {"width": 0},
        }
    )


def _fuzzy(shapes: list, start: dt.date, end: dt.date, y, color, name, fade_left=True, fade_right=True):
    """A translucent span whose edges fade out in steps: the date is somewhere inside."""
    span = (end - start).days + 1
    edge = max(1.0, span * FUZZY_EDGE_SHARE)
    steps = len(FUZZY_EDGE_OPACITIES)
    step = edge / steps
    core0 = start + dt.timedelta(days=edge) if fade_left else start
    core1 = end + dt.timedelta(days=1) - (dt.timedelta(days=edge) if fade_right else dt.timedelta(0))
    _rect(shapes, core0, core1, y, color, FUZZY_CORE_OPACITY, f"{name}:core")
    for k, op in enumerate(FUZZY_EDGE_OPACITIES):
        if fade_left:
            a = core0 - dt.timedelta(days=step * (k + 1))
            _rect(shapes, a, a + dt.timedelta(days=step), y, color, op, f"{name}:edge")
        if fade_right:
            b = core1 + dt.timedelta(days=step * k)
            _rect(shapes, b, b + dt.timedelta(days=step), y, color, op, f"{name}:edge")


def timeline_chart(milestones: pd.DataFrame, lang: str = "en", as_of=None, title: str | None = None) -> go.Figure:
    """A Gantt chart of milestones that does not invent precision.

    ``milestones`` needs ``milestone_id``, ``description``, ``period_text``,
    ``start``, ``end``, ``precision``, ``recurring`` and ``status`` (from
    :func:`analysis.measures.milestone_status`). Exact dates (precision
    ``day``/``days``) are solid bars; approximate periods (month, months,
    quarter, semester, season, year) are translucent with soft, stepped edges;
    open-ended and recurring periods fade out from their known bound, recurring
    ones are marked ↻; milestones with neither bound are not drawn (list them).
    """
    rows = milestones[milestones["start"].notna() | milestones["end"].notna()].reset_index(drop=True)
    fig = go.Figure()
    shapes, notes = [], []
    hover_x, hover_y, hover_data, hover_color = [], [], [], []
    for i, r in enumerate(rows.itertuples(index=False)):
        start, end = as_date(r.start), as_date(r.end)
        status = str(r.status)
        color = MILESTONE_COLORS.get(status, "#757575")
        name = str(r.milestone_id)
        recurring = bool(r.recurring) if pd.notna(r.recurring) else False
        precision = str(r.precision or "")
        if start and end and precision in EXACT_PRECISIONS and not recurring:
            _rect(shapes, start, end + dt.timedelta(days=1), i, color, 1.0, f"{name}:exact")
            mid = start + (end - start) / 2
        elif start and end:
            _fuzzy(shapes, start, end, i, color, name)
            mid = start + (end - start) / 2
        elif start:  # recurring or "since X": known start, fading out to the right
            _fuzzy(shapes, start, start + dt.timedelta(days=OPEN_END_DAYS), i, color, name, fade_left=False)
            mid = start
        else:  # "by X": known end, fading in from the left
            _fuzzy(shapes, end - dt.timedelta(days=OPEN_END_DAYS), end, i, color, name, fade_right=False)
            mid = end
        if recurring:
            notes.append(
                {
                    "x": start or end,
                    "y": i,
                    "text": "↻",
                    "showarrow": False,
                    "xanchor": "right",
                    "xshift": -4,
                    "font": {"size": 16, "color": color},
                    "name": f"{name}:recurring",
                }
            )
        hover_x.append(mid)
        hover_y.append(i)
        hover_color.append(color)
        hover_data.append(
            [
                esc(r.milestone_id),
                esc(r.description),
                esc(r.period_text),
                esc(i18n.label("milestone_status", status, lang)),
            ]
        )
    # Invisible points carry the hover text (shapes have none).
    fig.add_trace(
        go.Scatter(
            x=hover_x,
            y=hover_y,
            mode="markers",
            marker={"size": 18, "opacity": 0, "color": hover_color},
            customdata=hover_data,
            showlegend=False,
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>",
        )
    )
    present = [s for s in MILESTONE_STATUSES if s in set(rows["status"].astype(str))]
    for s in present:  # legend entries only
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=esc(i18n.label("milestone_status", s, lang)),
                marker={"size": 12, "symbol": "square", "color": MILESTONE_COLORS[s]},
            )
        )
    fig.update_layout(shapes=shapes, annotations=notes)
    as_of_d = as_date(as_of) if as_of is not None else None
    dates = [*pd.to_datetime(rows["start"]).dropna(), *pd.to_datetime(rows["end"]).dropna()]
    lo = min(dates) if dates else None
    hi = max(dates) + pd.Timedelta(days=OPEN_END_DAYS) if dates else None
    as_of_label = esc(i18n.t("chart.timeline.as_of", lang, date=i18n.fmt_date(as_of_d, lang))) if as_of_d else ""
    # An as-of date years after the last milestone would squash the bars: note it at the edge instead.
    far = bool(
        as_of_d and dates and not (lo - pd.Timedelta(days=365) <= pd.Timestamp(as_of_d) <= hi + pd.Timedelta(days=365))
    )
    if as_of_d and not far:
        fig.add_shape(
            type="line",
            xref="x",
            yref="paper",
            x0=as_of_d,
            x1=as_of_d,
            y0=0,
            y1=1,
            line={"dash": "dash", "color": "#212121", "width": 1},
            name="as_of",
        )
        fig.add_annotation(x=as_of_d, y=1, yref="paper", yanchor="bottom", showarrow=False, text=as_of_label)
        lo, hi = (
            min(lo, pd.Timestamp(as_of_d)) if lo is not None else pd.Timestamp(as_of_d),
            max(hi, pd.Timestamp(as_of_d)) if hi is not None else pd.Timestamp(as_of_d),
        )
    elif far:
        fig.add_annotation(
            x=1,
            xref="paper",
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor="right",
            showarrow=False,
            text=("← " if pd.Timestamp(as_of_d) < lo else "")
            + as_of_label
            + (" →" if pd.Timestamp(as_of_d) > hi else ""),
            name="as_of",
        )
    height = max(260, 140 + 30 * len(rows))
    _layout(
        fig,
        title or i18n.t("chart.timeline.title", lang),
        i18n.t("chart.timeline.x", lang),
        i18n.t("chart.timeline.y", lang),
        height=height,
    )
    fig.update_layout(legend={"y": -90 / (height - 120), "yanchor": "top"})  # just under the axis title
    if lo is not None:
        pad = pd.Timedelta(days=max(30, (hi - lo).days * 0.03))
        fig.update_xaxes(type="date", range=[lo - pad, hi + pad])
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(rows))),
        ticktext=[esc(v) for v in rows["milestone_id"]],
        autorange="reversed",
        range=[len(rows) - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
    )
    return fig
