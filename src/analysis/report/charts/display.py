"""Showing a chart: as report HTML (a captioned ``<figure>``), and as plotly's mimetype in JupyterLab.

Charts are shown with :func:`show`, which emits one bundle with plotly's own
mimetype (drawn natively by JupyterLab) and ``text/html`` (a
``<div class="oas-chart plotly-graph-div">`` plus a ``Plotly.newPlot`` script,
*without* plotly.js), which nbconvert's HTML exporter uses; the report renderer
injects plotly.js once per report.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
import textwrap

import plotly.graph_objects as go
import plotly.io as pio

from analysis import i18n
from analysis.report.tables import Html

CHART_CLASS = "oas-chart plotly-graph-div"
CHART_MARKER = "<!-- oas-chart -->"
CHART_END = "<!-- /oas-chart -->"
CHART_CONFIG = {"displayModeBar": False, "responsive": True}

_counter = itertools.count(1)


def esc(value) -> str:
    """Escape one data string for plotly's HTML-like text."""
    return html.escape("" if value is None else str(value), quote=True)


def layout(
    fig: go.Figure,
    title: str,
    x_title: str = "",
    y_title: str = "",
    height: int = 420,
    lang: str = "en",
    *,
    plot_height: int | None = None,
    bottom: int = 60,
) -> go.Figure:
    """Title, axes, size, font; the legend goes above the plot (never over an axis title); the locale is noted.

    With ``plot_height`` the figure is that plus the margins (``height`` is then ignored): a title on two
    lines or a legend of several rows (longer in Spanish, French, Portuguese) makes the figure taller
    instead of squeezing the plot, so rows that need their room (a timeline's labels) keep it.
    """
    # At most two short lines that fit an A4 column and a 390-px phone (plotly never wraps a title and
    # clips it in print); the full title is the figure's accessible name and starts its caption.
    lines = title_lines(title)
    top = top_margin(fig, title)
    height = top + plot_height + bottom if plot_height is not None else height
    fig.update_layout(
        title={
            "text": "<br>".join(esc(line) for line in lines),
            "x": 0.0,
            "xanchor": "left",
            # plotly anchors a multi-line title by its last line, so the first would rise out of the
            # figure: the anchor moves down by the extra lines (the height is fixed, in pixels).
            "y": 1 - (6 + 19 * (len(lines) - 1)) / height,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": 14},
        },
        xaxis_title=esc(x_title),
        yaxis_title=esc(y_title),
        height=height,
        template="plotly_white",
        # Room above the plot for the title and for the legend as it wraps on a phone: they never overlap.
        margin={"l": 60, "r": 30, "t": top, "b": bottom},
        font={"family": "DejaVu Sans, Helvetica, Arial, sans-serif", "size": 12},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        separators=i18n.plotly_locale(lang)["format"]["decimal"] + i18n.plotly_locale(lang)["format"]["thousands"],
        meta={**dict(fig.layout.meta or {}), "lang": lang, "title": str(title)},
    )
    return fig


TITLE_CHARS = 40  # characters of a chart title line: fits a 390-px phone and an A4 column at 14 px
PHONE_LEGEND_PX = 330  # width a legend has on a 390-px phone


def title_lines(title: str) -> list[str]:
    """The chart title in at most two lines of :data:`TITLE_CHARS`, cut at a word with "…" if longer."""
    words = " ".join(str(title).split())
    lines = textwrap.wrap(words, TITLE_CHARS) or [words]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), TITLE_CHARS, placeholder="…")]
    return lines


def top_margin(fig: go.Figure, title: str) -> int:
    """Room above the plot (px) for the title's lines and the legend's rows as it wraps on a phone."""
    names = [str(t.name) for t in fig.data if t.showlegend is not False and t.name]
    return 24 + 20 * len(title_lines(title)) + 22 * legend_rows(names)


def legend_rows(names: list[str]) -> int:
    """How many rows a horizontal legend takes on a phone (about 7 px a character plus 40 px a symbol)."""
    if not names:
        return 0
    rows, used, tall = 1, 0, 1  # tall: lines of the tallest item in the current row (a name may hold "<br>")
    for name in names:
        lines = name.split("<br>")
        w = 40 + 7 * max(len(line) for line in lines)
        if used and used + w > PHONE_LEGEND_PX:
            rows, used, tall = rows + tall, 0, 1
        used += w
        tall = max(tall, len(lines))
    return rows + tall - 1


def describe(fig: go.Figure, summary: str) -> go.Figure:
    """Attach the chart's text summary (its figcaption and accessible description)."""
    meta = dict(fig.layout.meta or {})
    meta["summary"] = summary
    fig.update_layout(meta=meta)
    return fig


def _locale_script(lang: str) -> str:
    """Register plotly's locale for ``lang`` (built from Babel, no CDN) once per page."""
    if lang == "en":
        return ""
    locale = json.dumps(i18n.plotly_locale(lang), ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<script>window.oasLocales=window.oasLocales||{{}};if(window.Plotly&&!window.oasLocales["{lang}"])'
        f'{{Plotly.register({locale});window.oasLocales["{lang}"]=1;}}</script>'
    )


def chart_html(fig: go.Figure) -> Html:
    """The figure as a ``<figure>`` with a div + ``Plotly.newPlot`` script (no plotly.js) and a caption.

    The chart div has class ``oas-chart plotly-graph-div``, is wrapped in a
    ``<figure class="oas-block">`` (kept on one printed page) whose
    ``aria-label`` is the chart's title and whose ``<figcaption>`` is its text
    summary (:func:`describe`), and is preceded by the :data:`CHART_MARKER`
    comment. Toolbars are off, height is fixed; dates and numbers use the
    report's locale (``layout.meta.lang``).
    """
    if fig.layout.height is None:
        fig.update_layout(height=420)
    meta = dict(fig.layout.meta or {})
    lang = meta.get("lang", "en")
    figure_json = fig.to_json()
    digest = hashlib.sha256(figure_json.encode()).hexdigest()[:10]
    div_id = f"oas-chart-{digest}-{next(_counter)}"
    _remember(div_id, figure_json)
    config = CHART_CONFIG | ({"locale": lang} if lang != "en" else {})
    body = pio.to_html(
        fig, include_plotlyjs=False, full_html=False, div_id=div_id, config=config, include_mathjax=False
    )
    marked = body.replace('class="plotly-graph-div"', f'class="{CHART_CLASS}"', 1)
    if CHART_CLASS not in marked:  # plotly changed its markup: fail loudly, not silently
        raise RuntimeError("plotly's HTML no longer has the plotly-graph-div class")
    title = str(meta.get("title") or html.unescape(str(fig.layout.title.text or "")))
    summary = str(meta.get("summary") or title)
    name = html.escape(title or summary, quote=True)
    return Html(
        f'{CHART_MARKER}<figure class="oas-block oas-figure" role="group" aria-label="{name}">'
        f"{_locale_script(lang)}{marked}<figcaption>{html.escape(summary)}</figcaption></figure>{CHART_END}"
    )


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
