"""Plotly charts for the reports, with titles and axes in the report language.

Plotly draws hover text, tick labels and titles as a subset of HTML, so every
string from the data is escaped before it reaches a figure, and data never
goes into a ``hovertemplate`` format string. ``display`` shows charts (report
HTML with an accessible ``<figure>``, plotly's mimetype in JupyterLab),
``bars`` draws bar charts, ``timeline`` the milestone timeline.

>>> fig = bar_chart(["<b>x</b>"], [1.0], title="T", y_title="n")
>>> fig.data[0].x[0]
'&lt;b&gt;x&lt;/b&gt;'
"""

from analysis.report.charts.bars import (
    ACTION_COLORS,
    MANDATE_COLORS,
    OTHERS_SCALE,
    bar_chart,
    coverage_chart,
    mandate_status_chart,
    reporting_chart,
)
from analysis.report.charts.display import (
    CHART_CLASS,
    CHART_CONFIG,
    CHART_END,
    CHART_MARKER,
    PART_METADATA,
    PLOTLY_MIME,
    chart_html,
    describe,
    esc,
    show,
    show_html,
)
from analysis.report.charts.timeline import (
    MILESTONE_COLORS,
    date_span,
    order_milestones,
    short_label,
    shown_status,
    status_name,
    timeline_chart,
)

__all__ = [
    "ACTION_COLORS",
    "CHART_CLASS",
    "CHART_CONFIG",
    "CHART_END",
    "CHART_MARKER",
    "MANDATE_COLORS",
    "MILESTONE_COLORS",
    "OTHERS_SCALE",
    "PART_METADATA",
    "PLOTLY_MIME",
    "bar_chart",
    "chart_html",
    "coverage_chart",
    "date_span",
    "describe",
    "esc",
    "mandate_status_chart",
    "order_milestones",
    "reporting_chart",
    "short_label",
    "show",
    "show_html",
    "shown_status",
    "status_name",
    "timeline_chart",
]
