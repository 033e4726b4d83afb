"""Tests for analysis.run.rendering: self-contained pages, contents, escaping, index."""

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.run.rendering import ReportHeader, index_page, prepare_notebook, render_html, strip_external

HEADER = ReportHeader("Ecuador <b>", "Meeting 2006 & co", "2006-03-16", "abc123def456", "2026-11-29 10:00 UTC")
PLOTLY_FIG = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {}}


def executed_notebook():
    chart = new_code_cell("chart()")
    chart.outputs = [
        new_output(
            "display_data",
            data={
                "text/html": '<div class="oas-chart"><div id="c1" class="plotly-graph-div"></div>'
                '<script>Plotly.newPlot("c1", [], {})</script></div>',
                "text/plain": "<chart>",
            },
        )
    ]
    shown = new_code_cell("fig.show()")
    shown.outputs = [new_output("display_data", data={"application/vnd.plotly.v1+json": PLOTLY_FIG})]
    cdn = new_code_cell("x")
    cdn.outputs = [
        new_output(
            "display_data",
            data={"text/html": '<script src="https://cdn.plot.ly/plotly-2.0.min.js"></script><p>after cdn</p>'},
        )
    ]
    code = new_code_cell("secret_code_line = 42")
    code.outputs = [new_output("execute_result", data={"text/plain": "42"}, execution_count=1)]
    return new_notebook(cells=[new_markdown_cell("# Results\n\n## Actions & plans"), chart, shown, cdn, code])


@pytest.fixture(scope="module")
def page():
    return render_html(executed_notebook(), HEADER)


def test_no_code_no_prompts(page):
    assert "secret_code_line" not in page
    assert not re.search(r"In&nbsp;\[|Out\[\d", page)


def test_header_is_escaped_and_complete(page):
    assert "Ecuador &lt;b&gt;" in page and "Ecuador <b>" not in page
    for text in (
        "Meeting 2006 &amp; co",
        "2006-03-16",
        "abc123def456",
        "2026-11-29 10:00 UTC",
        "Inter-American Program for the Promotion and Protection of the Human Rights of Migrants",
    ):
        assert text in page


def test_contents_links_every_heading(page):
    toc = re.search(r'<nav class="oas-toc">(.*?)</nav>', page, re.S).group(1)
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets == ["results", "actions-plans"]
    for t in targets:
        assert f'id="{t}"' in page
    assert "Actions &amp; plans" in toc


def without_plotly_js(page):
    head, body = page.split("</head>", 1)
    return re.sub(r"<script>.*?</script>", "", head, count=1, flags=re.S) + body


def test_self_contained_with_plotly_once(page):
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", without_plotly_js(page))
    assert page.count("<script>") - without_plotly_js(page).count("<script>") == 1
    rest = without_plotly_js(page)
    assert "cdn.plot.ly" not in rest and "require.js" not in rest and "mathjax" not in rest.lower()
    assert page.count("<script>/**\n* plotly.js") + page.count("plotly.js v") >= 1
    head = page.split("</head>")[0]
    assert "Plotly" in head  # plotly.js is in <head>
    assert page.count("Plotly.newPlot") >= 2  # the notebook's chart and the converted fig.show()
    assert "after cdn" in page


def test_plotly_json_output_becomes_a_chart_div():
    nb = prepare_notebook(executed_notebook())
    data = nb.cells[2].outputs[0].data
    assert "application/vnd.plotly.v1+json" not in data
    assert 'class="oas-chart"' in data["text/html"] and "plotly-graph-div" in data["text/html"]


def test_print_css(page):
    assert "break-inside: avoid" in page and ".oas-chart" in page
    assert re.search(r"\.modebar[^{]*\{\s*display:\s*none", page)
    assert "@page" in page


def test_strip_external_keeps_local_content():
    html = '<p>a</p><script src="//evil.example/x.js"></script><link rel=stylesheet href="https://x/y.css"><script>ok()</script>'
    out = strip_external(html)
    assert "evil" not in out and "https://x" not in out and "<script>ok()</script>" in out


def test_page_without_charts_has_no_plotly():
    nb = new_notebook(cells=[new_markdown_cell("# Only text")])
    assert "Plotly" not in render_html(nb, HEADER)


def test_index_escapes_and_links():
    manifest = {
        "meeting": {"meeting_id": "2006", "title_en": "M <i>"},
        "summary": {"ok": 1, "failed": 1},
        "reports": [
            {
                "report_id": "en/x",
                "lang": "en",
                "title": "<script>alert(1)</script>",
                "implementer": "X",
                "status": "ok",
                "paths": {"html": "en/x.html", "pdf": "en/x.pdf", "log": "logs/en/x.log"},
            },
            {
                "report_id": "en/y",
                "lang": "en",
                "title": "Y",
                "implementer": "Y",
                "status": "failed",
                "error": "cell 2: RuntimeError: <bad>",
                "paths": {"html": "en/y.html", "log": "logs/en/y.log"},
            },
        ],
    }
    page = index_page(manifest, exists=lambda p: p != "en/y.html")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="en/x.html"' in page and 'href="en/x.pdf"' in page
    assert 'href="logs/en/x.log"' not in page  # logs only for failures
    assert 'href="logs/en/y.log"' in page and 'href="en/y.html"' not in page
    assert "RuntimeError: &lt;bad&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_index_marks_previous_version_of_a_failed_report_and_hides_stale_files():
    manifest = {
        "meeting": {"meeting_id": "2006"},
        "reports": [
            {
                "report_id": "en/a",
                "lang": "en",
                "title": "A",
                "status": "failed",
                "outputs": {},
                "error": "boom",
                "paths": {"html": "en/a.html", "pdf": "en/a.pdf", "log": "logs/en/a.log"},
            },
            {
                "report_id": "en/b",
                "lang": "en",
                "title": "B",
                "status": "ok",
                "outputs": {"html": {"path": "en/b.html"}},
                "paths": {"html": "en/b.html", "pdf": "en/b.pdf"},
            },
        ],
    }
    page = index_page(manifest, exists=lambda p: True)
    assert '<a href="en/a.html">previous HTML</a>' in page
    assert 'href="en/b.html"' in page
    assert 'href="en/b.pdf"' not in page  # a PDF this run did not make (e.g. --format html) is not linked
