"""What a report kernel pays once per process, paid ahead of time.

A report's first chart loads plotly's validators and copies its template, and
its first formatted number or date loads Babel's locale data and the string
catalogues: about 0.4 s per kernel that has nothing to do with the report.
:func:`warm_up` does that work with a throwaway chart (no program data), so
that kernels forked from a warmed process (:mod:`analysis.run.zygote`) start
ready. It starts no thread, so forking after it is safe.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import plotly.io as pio

from analysis import i18n
from analysis.report.charts.display import layout


def warm_up(langs: tuple[str, ...] = tuple(i18n.LANGUAGES)) -> None:
    """Load what every report needs: plotly's bar, scatter and layout parts, locale data, catalogues."""
    for lang in langs:
        i18n.t("report.implementer.title", lang, name="")
        i18n.fmt_number(1234.5, lang, decimals=1)
        i18n.fmt_percent(0.5, lang)
        i18n.fmt_date(dt.date(2000, 1, 31), lang)
        i18n.fmt_month(dt.date(2000, 1, 31), lang)
    fig = go.Figure()
    fig.add_bar(x=[1], y=["a"], orientation="h", name="a", text=["1"], marker={"color": "#000000"})
    fig.add_scatter(x=[1], y=["a"], mode="markers", name="b", error_x={"type": "data", "array": [1]})
    fig.add_annotation(text="a", x=1, y="a", showarrow=False)
    fig.add_shape(type="line", x0=0, x1=1, y0=0, y1=1)
    fig.update_xaxes(type="date")
    layout(fig, "a", "a", "a", lang=langs[0] if langs else "en")
    pio.to_json(fig, validate=False)
    pio.to_html(fig, include_plotlyjs=False, full_html=False)
