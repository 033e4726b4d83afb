"""The milestone timeline: known dates as solid bars, uncertain ones as whiskers, grouped by implementer.

A milestone with exact dates (precision ``day``/``days``) is a solid bar over
its days. One known only to a month, quarter, semester or year is a whisker:
a thin line with end caps over the period in which it falls, with a hollow
marker in the middle; the whisker is never used for a known span. A recurring
milestone is drawn from its first date to the edge as a dotted line marked ↻;
"by X" shows a whisker ending at X. Shapes and annotations are collected and
set once (adding them one by one is quadratic in plotly).
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import plotly.graph_objects as go

from analysis import i18n
from analysis.common.dates import as_date
from analysis.measures import LATE_STATUSES, MILESTONE_STATUSES
from analysis.report.charts.display import describe, esc, layout

# Opaque status colours, each at least 3:1 against white.
MILESTONE_COLORS = {
    "met": "#2e7d32",
    "missed": "#c62828",
    "past_unreported": "#b34700",
    "in_progress": "#1565c0",
    "not_yet_due": "#6a1b9a",
    "undetermined": "#616161",
    "disputed": "#757575",  # past its date, but the date is doubted: drawn dashed, never as late
}
DISPUTED = "disputed"
EXACT_PRECISIONS = ("day", "days")
OPEN_SPAN_DAYS = 120  # how far back a "by X" whisker reaches
LABEL_WIDTH = 30  # characters of a row label line (two lines at most: the id, then the short text)
HOVER_WIDTH = 48  # characters per hover line
LEGEND_WIDTH = 30  # characters of a legend line (a 390-px phone has about 330 px for one item)
ROW_PX = 27  # height of a row of the plot: its label is two lines of 10-px text
ROW_PAD = 16  # plot height beyond the rows
BOTTOM_PX = 68  # the date axis under the plot (plotly's automargin takes this much whatever the margin says)
MIN_PLOT_PX = 130  # a short timeline still has room for its date axis and the as-of label written upwards
LEGIBLE_ROW_PX = 26  # the least a row may get (print fit): its label (24 px drawn) and a gap


def short_label(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` cut to ``width`` characters at a word, with an ellipsis."""
    return textwrap.shorten(" ".join(str(text).split()), width=width, placeholder="…") or str(text)[:width]


def _wrap(text: str) -> str:
    return "<br>".join(esc(line) for line in textwrap.wrap(str(text), HOVER_WIDTH)) or esc(text)


def _line(shapes: list, x0, x1, y0, y1, color, name, width=2, dash=None):
    shapes.append(
        {
            "type": "line",
            "xref": "x",
            "yref": "y",
            "x0": x0,
            "x1": x1,
            "y0": y0,
            "y1": y1,
            "name": name,
            "line": {"color": color, "width": width, **({"dash": dash} if dash else {})},
        }
    )


def _whisker(shapes: list, start, end, y, color, name, caps=(True, True), dash=None):
    """The uncertain-date cue: a thin line over the period, with end caps where the bound is known."""
    dash = dash or ("dash" if color == MILESTONE_COLORS[DISPUTED] else None)
    _line(shapes, start, end, y, y, color, f"{name}:whisker", dash=dash)
    for known, x in zip(caps, (start, end)):
        if known:
            _line(shapes, x, x, y - 0.25, y + 0.25, color, f"{name}:cap")


def shown_status(status: str, disputed) -> str:
    """The category a milestone is drawn and counted under: "disputed" for a late one whose date is doubted."""
    return DISPUTED if bool(disputed) and status in LATE_STATUSES else status


def _bar(shapes: list, start, end, y, color, name):
    rect = {"type": "rect", "xref": "x", "yref": "y", "x0": start, "x1": end, "y0": y - 0.3, "y1": y + 0.3}
    if color == MILESTONE_COLORS[DISPUTED]:  # disputed: an outline, dashed, never a filled "late" bar
        style = {
            "fillcolor": "rgba(0,0,0,0)",
            "line": {"width": 2, "color": color, "dash": "dot"},
            "name": f"{name}:disputed",
        }
    else:
        style = {"fillcolor": color, "opacity": 1.0, "line": {"width": 0}, "name": f"{name}:exact"}
    shapes.append({**rect, **style})


def _draw(r, i: int, color: str, hi: dt.date, shapes: list, notes: list) -> tuple[dt.date, bool]:
    """Draw one milestone; return where its marker goes and whether the marker is hollow (uncertain)."""
    start, end = as_date(r.start), as_date(r.end)
    name = str(r.milestone_id)
    recurring = bool(r.recurring) if pd.notna(r.recurring) else False
    if recurring and (start or end):
        first = start or end
        _whisker(shapes, first, max(hi, first), i, color, name, caps=(True, False), dash="dot")
        notes.append(
            {
                "x": first,
                "y": i,
                "text": "↻",
                "showarrow": False,
                "xanchor": "right",
                "xshift": -3,
                "font": {"size": 15, "color": color},
                "name": f"{name}:recurring",
            }
        )
        return first, False
    if start and end and str(r.precision or "") in EXACT_PRECISIONS:
        _bar(shapes, start, end + dt.timedelta(days=1), i, color, name)
        return start + (end - start) / 2, False
    if start and end:
        _whisker(shapes, start, end + dt.timedelta(days=1), i, color, name)
        return start + (end - start) / 2, True
    if start:  # "since X": known start only
        _whisker(shapes, start, start + dt.timedelta(days=OPEN_SPAN_DAYS), i, color, name, caps=(True, False))
        return start, True
    _whisker(shapes, end - dt.timedelta(days=OPEN_SPAN_DAYS), end, i, color, name, caps=(False, True))
    return end, True


def order_milestones(milestones: pd.DataFrame) -> pd.DataFrame:
    """The drawable milestones in the timeline's row order: by implementer, then first date, then id."""
    rows = milestones[milestones["start"].notna() | milestones["end"].notna()].copy()
    if "implementer_id" not in rows:
        rows["implementer_id"] = ""
    rows["_first"] = pd.to_datetime(rows["start"]).fillna(pd.to_datetime(rows["end"]))
    return rows.sort_values(["implementer_id", "_first", "milestone_id"]).reset_index(drop=True)


def date_span(rows: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The earliest and latest date of the rows (start or end)."""
    dates = pd.concat([pd.to_datetime(rows["start"]), pd.to_datetime(rows["end"])]).dropna()
    return dates.min(), dates.max()


def _bounds(rows: pd.DataFrame, as_of_d, span=None) -> tuple[pd.Timestamp, pd.Timestamp, bool]:
    """The data's date range (plus the as-of date when it is near), and whether the as-of date is far."""
    lo, hi = span if span is not None else date_span(rows)
    if as_of_d is None:
        return lo, hi, False
    day = pd.Timestamp(as_of_d)
    far = not (lo - pd.Timedelta(days=365) <= day <= hi + pd.Timedelta(days=365))
    return (lo, hi, True) if far else (min(lo, day), max(hi, day), False)


def _as_of(fig_shapes: list, notes: list, as_of_d, far: bool, lo, hi, lang: str) -> None:
    label = esc(i18n.t("chart.timeline.as_of", lang, date=i18n.fmt_date(as_of_d, lang)))
    # The label sits on the side of the line with more room, so print never cuts it at the edge.
    left = pd.Timestamp(as_of_d) > lo + (hi - lo) * 0.55
    if not far:
        fig_shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": as_of_d,
                "x1": as_of_d,
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dash", "color": "#212121", "width": 1},
                "name": "as_of",
            }
        )
        notes.append(
            {
                "x": as_of_d,
                "y": 1,
                "yref": "paper",
                "yanchor": "top",
                "xanchor": "right" if left else "left",
                "xshift": -2 if left else 2,
                # Written along the line: on a phone the plot is narrow and a level label ran off the right edge.
                "textangle": -90,
                "showarrow": False,
                "text": label,
                "font": {"size": 10},
                "bgcolor": "rgba(255,255,255,0.5)",  # the markers under it stay visible
                "name": "as_of_label",
            }
        )
        return
    day = pd.Timestamp(as_of_d)
    text = ("← " if day < lo else "") + label + (" →" if day > hi else "")
    notes.append(
        {
            "x": 1,
            "xref": "paper",
            "y": 0,
            "yref": "paper",
            "yanchor": "top",
            "xanchor": "right",
            "showarrow": False,
            "text": text,
            "name": "as_of",
        }
    )


def timeline_chart(
    milestones: pd.DataFrame,
    lang: str = "en",
    as_of=None,
    title: str | None = None,
    names: dict | None = None,
    span: tuple | None = None,
) -> go.Figure:
    """A timeline of milestones that does not invent precision (see the module docstring).

    ``milestones`` needs ``milestone_id``, ``implementer_id``, ``description``
    (or a ready ``label``), ``period_text``, ``start``, ``end``, ``precision``,
    ``recurring`` and ``status`` (and ``disputed``: a late milestone whose date
    is doubted is drawn dashed in grey, "date disputed", never as late). Rows
    are grouped by implementer and labelled with the milestone id over a short
    description (two lines, distinct).
    Milestones with neither bound are not drawn (list them). ``span`` (first and
    last date) gives several parts of one timeline the same date axis.
    """
    rows = order_milestones(milestones)
    disputed = rows["disputed"] if "disputed" in rows else pd.Series(False, index=rows.index)
    rows["status"] = [shown_status(str(st), d) for st, d in zip(rows["status"], disputed)]
    as_of_d = as_date(as_of) if as_of is not None else None
    lo, hi, far = _bounds(rows, as_of_d, span)
    shapes, notes = [], []
    labels = rows["label"] if "label" in rows else rows["description"]
    points = _points(rows, labels, hi.date(), shapes, notes, lang, names or {})
    _separators(rows, shapes)
    fig = go.Figure(
        go.Scatter(
            x=points["x"],
            y=points["y"],
            mode="markers",
            showlegend=False,
            marker={
                "size": 11,
                "color": points["color"],
                "symbol": points["symbol"],
                "line": {"width": 2, "color": points["color"]},
            },
            customdata=points["data"],
            hovertemplate="<b>%{customdata[0]}</b> · %{customdata[4]}<br>%{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>",
        )
    )
    present = _legend(fig, rows, lang)
    if as_of_d:
        _as_of(shapes, notes, as_of_d, far, lo, hi, lang)
    fig.update_layout(shapes=shapes, annotations=notes)
    _size(fig, len(rows), title or i18n.t("chart.timeline.title", lang), lang)
    pad = pd.Timedelta(days=max(20, (hi - lo).days * 0.03))
    fig.update_xaxes(type="date", range=[lo - pad, hi + pad])
    _row_axis(fig, rows, labels)
    fig.update_layout(hoverlabel={"align": "left"})
    counts = rows["status"].value_counts()
    summary = "; ".join(f"{status_name(s, lang)}: {int(counts[s])}" for s in present)
    return describe(fig, f"{title or i18n.t('chart.timeline.title', lang)}: {len(rows)}. {summary}.")


def _size(fig: go.Figure, rows: int, title: str, lang: str) -> None:
    """Title, legend and height: the plot's height is counted per row, under whatever room the title and
    the legend take, so a legend of two-line names (Spanish, French, Portuguese) never squeezes the
    rows' labels together; ``meta.min_height`` is the least the print fit may shorten it to."""
    plot = max(ROW_PX * rows + ROW_PAD, MIN_PLOT_PX)
    layout(fig, title, "", "", lang=lang, plot_height=plot, bottom=BOTTOM_PX)
    legible = int(fig.layout.height) - plot + max(LEGIBLE_ROW_PX * rows, MIN_PLOT_PX)
    fig.update_layout(meta={**dict(fig.layout.meta), "min_height": legible})


def _points(rows: pd.DataFrame, labels, hi: dt.date, shapes: list, notes: list, lang: str, names: dict) -> dict:
    """Draw every row (shapes, notes) and return its marker: where, colour, hollow or not, hover data."""
    points = {"x": [], "y": [], "color": [], "symbol": [], "data": []}
    for i, r in enumerate(rows.itertuples(index=False)):
        status = str(r.status)
        color = MILESTONE_COLORS.get(status, "#616161")
        x, hollow = _draw(r, i, color, hi, shapes, notes)
        points["x"].append(x)
        points["y"].append(i)
        points["color"].append(color)
        points["symbol"].append("diamond-open" if hollow else "diamond")
        who = names.get(r.implementer_id, r.implementer_id)
        text = status_name(status, lang)
        points["data"].append([esc(r.milestone_id), _wrap(labels[i]), _wrap(r.period_text), esc(text), esc(who)])
    return points


def status_name(status: str, lang: str) -> str:
    if status == DISPUTED:
        return i18n.t("chart.timeline.disputed", lang)
    return i18n.label("milestone_status", status, lang)


def _separators(rows: pd.DataFrame, shapes: list) -> None:
    """A rule between implementers."""
    for j in range(1, len(rows)):
        if rows.at[j, "implementer_id"] != rows.at[j - 1, "implementer_id"]:
            shapes.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": j - 0.5,
                    "y1": j - 0.5,
                    "line": {"color": "#9e9e9e", "width": 1},
                    "name": "group",
                }
            )


def _legend(fig: go.Figure, rows: pd.DataFrame, lang: str) -> list[str]:
    """Legend entries only, in the order of MILESTONE_STATUSES, "disputed" last; returns the statuses shown."""
    present = [s for s in (*MILESTONE_STATUSES, DISPUTED) if s in set(rows["status"].astype(str))]
    for s in present:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                # A long name on two lines: one legend item wider than a phone was cut at the right.
                name="<br>".join(esc(line) for line in textwrap.wrap(status_name(s, lang), LEGEND_WIDTH)),
                marker={
                    "size": 12,
                    "symbol": "square-open" if s == DISPUTED else "square",
                    "color": MILESTONE_COLORS[s],
                },
            )
        )
    return present


def row_label(milestone_id: str, text: str) -> str:
    """A row's label: the milestone id (distinct), then its text wrapped on one more line, cut with "…"."""
    return f"{milestone_id} · {short_label(text, LABEL_WIDTH)}"


def _row_axis(fig: go.Figure, rows: pd.DataFrame, labels) -> None:
    ticks = [row_label(r.milestone_id, labels[i]) for i, r in enumerate(rows.itertuples(index=False))]
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(rows))),
        ticktext=[esc(t).replace(" · ", "<br>", 1) for t in ticks],
        range=[len(rows) - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
        automargin=True,
        tickfont={"size": 10},
    )
