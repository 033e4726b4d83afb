"""Tests for analysis.report.charts: language, escaping, fuzzy spans and offline HTML."""

import json

import pandas as pd

from analysis.report import charts

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _milestones():
    return pd.DataFrame(
        {
            "milestone_id": ["M-C1", "M-C2", "M-C3", "M-C4", "M-C5", "M-C6"],
            "description": [XSS, "workshop", "annual", "unknown date", "seminar", "by then"],
            "period_text": [
                "March or April 2007",
                "July 4-7, 2006",
                "each year",
                "unknown",
                "second quarter of 2007",
                "by March 2007",
            ],
            "start": pd.to_datetime(["2007-03-01", "2006-07-04", "2006-01-01", None, "2007-04-01", None]),
            "end": pd.to_datetime(["2007-04-30", "2006-07-07", None, None, "2007-06-30", "2007-03-31"]),
            "precision": ["months", "days", "recurring", "", "quarter", "range"],
            "recurring": pd.array([False, False, True, False, False, False], dtype="boolean"),
            "status": ["in_progress", "met", "undetermined", "undetermined", "in_progress", "past_unreported"],
        }
    )


def _shapes(fig, milestone_id):
    return [s for s in fig.layout.shapes if (s.name or "").startswith(milestone_id + ":")]


def test_titles_and_axes_follow_the_language():
    matrix = pd.DataFrame(
        {
            "implementer_id": ["IACHR"],
            "name": ["x"],
            "action_reported": [1],
            "planned_only": [0],
            "no_action_reported": [2],
        }
    )
    en, es = charts.coverage_chart(matrix, "en"), charts.coverage_chart(matrix, "es")
    assert en.layout.title.text == "Mandates by status and implementer"
    assert es.layout.title.text == "Mandatos por estado y responsable"
    assert es.layout.xaxis.title.text == "Número de mandatos"
    assert [t.name for t in es.data] == ["acción informada", "solo prevista", "ninguna acción informada"]
    tl = charts.timeline_chart(_milestones(), "es", as_of="2007-04-15")
    assert tl.layout.title.text == "Hitos en el tiempo"
    assert tl.layout.separators == ",."  # Babel's Spanish decimal and group symbols


def test_legend_sits_above_the_plot_in_stacking_order():
    matrix = pd.DataFrame(
        {"implementer_id": ["A"], "action_reported": [1], "planned_only": [1], "no_action_reported": [1]}
    )
    fig = charts.coverage_chart(matrix, "en")
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y >= 1  # above: never on an axis title
    assert fig.layout.legend.traceorder == "normal"  # left to right as the stack


def test_hover_text_and_labels_are_escaped_and_data_never_enters_a_template():
    fig = charts.bar_chart([XSS], [1.0], title=XSS, y_title="n", hover=[XSS])
    assert fig.data[0].y == (ESCAPED,)  # a long label: horizontal bars
    assert fig.data[0].customdata[0][0] == ESCAPED
    assert fig.layout.title.text == ESCAPED
    assert "alert" not in fig.data[0].hovertemplate
    tl = charts.timeline_chart(_milestones(), "en")
    hover = next(t for t in tl.data if t.customdata is not None)
    assert ESCAPED in [row[1] for row in hover.customdata]
    assert "alert" not in hover.hovertemplate
    assert XSS not in json.dumps(tl.to_plotly_json(), default=str)


def test_short_labels_stay_vertical_long_labels_turn_horizontal():
    assert charts.bar_chart(["Ecuador", "Mexico"], [1, 2], title="t", y_title="n").data[0].orientation != "h"
    long = charts.bar_chart(["Ecuador — presidential elections of 2006"], [1], title="t", y_title="n")
    assert long.data[0].orientation == "h"


def test_uncertain_periods_are_whiskers_and_known_spans_are_not():
    fig = charts.timeline_chart(_milestones(), "en", as_of="2007-04-15")
    for mid in ("M-C1", "M-C5"):  # months, quarter: a whisker with two caps, no bar
        shapes = _shapes(fig, mid)
        assert sorted(s.name.split(":")[1] for s in shapes) == ["cap", "cap", "whisker"]
        xs = [pd.Timestamp(v) for s in shapes for v in (s.x0, s.x1)]
        assert min(xs) >= pd.Timestamp(_milestones().set_index("milestone_id").loc[mid, "start"])
    exact = _shapes(fig, "M-C2")
    assert [s.name for s in exact] == ["M-C2:exact"] and exact[0].opacity == 1.0


def test_rows_are_labelled_with_id_over_a_short_description_all_distinct():
    fig = charts.timeline_chart(_milestones(), "en")
    ticks = fig.layout.yaxis.ticktext
    assert "M-C2<br>workshop" in ticks and len(set(ticks)) == len(ticks)
    assert all(len(line) <= charts.timeline.LABEL_WIDTH + 20 for t in ticks for line in t.split("<br>"))
    twins = _milestones().assign(description="Meetings of the working groups of the committee on migration")
    twin_ticks = charts.timeline_chart(twins, "en").layout.yaxis.ticktext
    assert len(set(twin_ticks)) == len(twin_ticks) == len(ticks)  # the same text, told apart by the id


def test_status_colours_are_opaque_with_3_to_1_contrast():
    def luminance(hex_):
        rgb = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for color in [*charts.MILESTONE_COLORS.values(), *charts.MANDATE_COLORS.values()]:
        assert (1.05) / (luminance(color) + 0.05) >= 3, color


def test_recurring_is_marked_and_open_ended_has_one_cap():
    fig = charts.timeline_chart(_milestones(), "en")
    assert any(a.text == "↻" and a.name == "M-C3:recurring" for a in fig.layout.annotations)
    caps = [s for s in _shapes(fig, "M-C6") if s.name.endswith(":cap")]
    assert len(caps) == 1  # "by March 2007": only the known end is capped


def test_range_is_fitted_to_the_data():
    fig = charts.timeline_chart(_milestones(), "en")
    lo, hi = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert pd.Timestamp("2005-11-01") < lo < pd.Timestamp("2006-01-01")
    assert pd.Timestamp("2007-06-30") < hi < pd.Timestamp("2007-09-01")


def test_unknown_periods_are_not_drawn():
    fig = charts.timeline_chart(_milestones(), "en")
    assert _shapes(fig, "M-C4") == []
    assert "unknown date" not in fig.layout.yaxis.ticktext


def test_missing_value_gets_no_bar_and_one_not_reported_note():
    fig = charts.bar_chart(["ECU", "HND"], [float("nan"), 4541], title="t", y_title="n", lang="es")
    assert fig.data[0].y[0] is None and fig.data[0].y[1] == 4541
    assert [a.text for a in fig.layout.annotations] == ["no informado"]
    assert fig.data[0].text == ("", "4.541")  # one label per value: the gap is named once
    turnout = charts.bar_chart(["ECU"], [float("nan")], title="t", y_title="n", missing="no se puede calcular")
    assert [a.text for a in turnout.layout.annotations] == ["no se puede calcular"]


def test_chart_html_is_offline_and_an_accessible_figure():
    out = charts.chart_html(charts.timeline_chart(_milestones(), "es"))
    assert "<script src" not in out.lower() and "cdn" not in out.lower()
    assert 'class="oas-chart plotly-graph-div"' in out
    assert out.startswith(charts.CHART_MARKER + '<figure class="oas-block oas-figure"')
    assert 'aria-label="Hitos en el tiempo"' in out and "<figcaption>Hitos en el tiempo: 5." in out
    assert "Plotly.register(" in out and '"locale": "es"' in out and "enero" in out  # dates in Spanish, offline
    assert "Plotly.newPlot" in out and '"displayModeBar": false' in out.replace('":false', '": false')
    assert XSS not in out


def test_shapes_and_notes_are_set_once_not_per_item():
    import inspect

    for module in (charts.bars, charts.timeline):
        source = inspect.getsource(module)
        assert "add_shape(" not in source and "add_annotation(" not in source


def test_show_emits_plotly_mimetype_and_html_in_one_bundle():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    try:
        with capture_output() as cap:
            charts.show(charts.bar_chart(["<b>a</b>"], [1], title="t", y_title="n"))
    finally:
        InteractiveShell.clear_instance()
    assert len(cap.outputs) == 1
    data = cap.outputs[0].data
    assert set(data) == {charts.PLOTLY_MIME, "text/html", "text/plain"}
    assert "oas-chart plotly-graph-div" in data["text/html"]
    figure = data[charts.PLOTLY_MIME]
    json.dumps(figure)  # plain JSON, as the kernel sends it
    assert figure["data"][0]["x"] == ["&lt;b&gt;a&lt;/b&gt;"] and figure["config"]["displayModeBar"] is False


def test_as_of_line_inside_the_range_and_a_note_when_far_away():
    near = charts.timeline_chart(_milestones(), "en", as_of="2007-04-15")
    assert [s.name for s in near.layout.shapes if s.name == "as_of"] == ["as_of"]
    far = charts.timeline_chart(_milestones(), "es", as_of="2026-03-31")
    assert not [s for s in far.layout.shapes if s.name == "as_of"]
    note = [a.text for a in far.layout.annotations if a.name == "as_of"]
    assert note == ["al 31 de marzo de 2026 →"]
    assert pd.Timestamp(far.layout.xaxis.range[1]) < pd.Timestamp("2009-01-01")  # bars are not squashed


def test_long_titles_take_two_short_lines_and_data_never_breaks_out_of_the_script():
    title = "</script><script>alert(2)</script> " + "very long indicator name " * 6
    out = charts.chart_html(charts.bar_chart([XSS], [1], title=title, y_title="n"))
    assert "<script>alert" not in out
    fig = charts.bar_chart(["a"], [1], title="word " * 40, y_title="n")
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(len(line) <= charts.display.TITLE_CHARS for line in lines)  # fits A4 and a 390-px phone
    assert fig.layout.meta["title"] == " ".join(["word"] * 40) + " "  # the full title stays the accessible name


def test_long_horizontal_bar_labels_take_two_short_lines_and_the_caption_keeps_them_whole():
    name = "Departamento de Educación, Cultura, Ciencia y Tecnología"
    fig = charts.bar_chart([name, "Comisión Interamericana de Mujeres"], [4, 5], title="t", y_title="n")
    labels = list(fig.data[0].y)
    assert labels[0] == "Departamento de<br>Educación, Cultura,…"
    assert all(len(line) <= charts.bars.LABEL_LINE for t in labels for line in t.split("<br>"))
    assert name in fig.layout.meta["summary"]


def test_timeline_rows_keep_their_height_however_many_rows_the_legend_takes():
    # Every status in the legend takes several rows (names of two lines in es, fr, pt): the figure grows
    # by them, the plot does not shrink, so the row labels keep their spacing (they overlapped in print).
    from analysis.i18n.catalogue import LANGUAGES

    one = _milestones().assign(status="in_progress")
    every = _milestones().assign(status=["met", "missed", "past_unreported", "in_progress", "not_yet_due", "missed"])
    every.loc[2, "disputed"] = True
    rows = len(charts.order_milestones(one))
    for lang in LANGUAGES:
        short, long = charts.timeline_chart(one, lang), charts.timeline_chart(every, lang)
        assert long.layout.margin.t > short.layout.margin.t + 22, lang  # the legend takes more rows
        plots = [f.layout.height - f.layout.margin.t - f.layout.margin.b for f in (short, long)]
        assert plots[0] == plots[1] >= charts.timeline.ROW_PX * rows, lang
        # The print fit never shortens a chart below the height at which its rows stay apart.
        least = long.layout.meta["min_height"]
        assert least - long.layout.margin.t - long.layout.margin.b >= charts.timeline.LEGIBLE_ROW_PX * rows
        assert least <= long.layout.height
