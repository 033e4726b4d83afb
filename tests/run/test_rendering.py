"""Tests for analysis.run.rendering: pages that work offline, contents, navigation, escaping."""

import re

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.run.rendering import (
    PLOTLY_ASSET,
    PageContext,
    plotly_js,
    prepare_notebook,
    render_html,
    single_file_page,
    strip_external,
)

HEADER = PageContext(
    "Ecuador <b>",
    "Meeting 2006 & co",
    "2006-03-16",
    "abc123def456",
    "2026-11-29 10:00 UTC",
    slug="ecu",
    langs=("en", "es"),
    single_file=True,
)
SHARED = PageContext("Ecuador", "Meeting", "2006-03-16", "v1", "now", lang="es", slug="ecu", langs=("en", "es"))
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
        "16 March 2006",
        "abc123def456",
        "2026-11-29 10:00 UTC",
        "Inter-American Program for the Promotion and Protection of the Human Rights of Migrants",
    ):
        assert text in page


def test_contents_links_every_heading(page):
    toc = re.search(r'<nav class="oas-toc"[^>]*>(.*?)</nav>', page, re.S).group(1)
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


def test_contents_nest_sub_headings():
    from bs4 import BeautifulSoup

    page = render_html(new_notebook(cells=[new_markdown_cell("## Results\n\n### Actions & plans")]), SHARED)
    toc = BeautifulSoup(page, "html.parser").select_one("nav.oas-toc")
    top = toc.find("ol").find_all("li", recursive=False)
    assert [li.a.get_text() for li in top] == ["Results"]
    assert [li.a.get_text() for li in top[0].find("ol").find_all("li")] == ["Actions & plans"]
    assert "counters(toc" in page  # printed as 1, 1.1


def test_one_title_block(page):
    assert page.count("<h1") == 1  # the notebook's own h1 becomes a section heading


def test_navigation_bar_links_index_overview_and_other_languages(page):
    from bs4 import BeautifulSoup

    nav = BeautifulSoup(page, "html.parser").select_one("nav.oas-bar")
    hrefs = [a["href"] for a in nav.find_all("a")]
    assert hrefs == ["index.html", "program-overview.html", "#top", "../es/ecu.html"]
    assert nav.find("a", attrs={"aria-current": "page"}).get_text() == "English"
    assert nav.find("a", hreflang="es").get_text() == "Español"


def test_shared_plotly_is_referenced_relatively_and_single_file_inlines_it(tmp_path):
    page = render_html(executed_notebook(), SHARED)
    assert f'<script src="../{PLOTLY_ASSET}"></script>' in page
    assert len(page.encode()) < 100_000 and plotly_js()[:2000] not in page
    path = tmp_path / "ecu.html"
    path.write_text(page, encoding="utf-8")
    alone = single_file_page(path)
    assert "<script src" not in alone and plotly_js()[:2000] in alone


def test_tables_scroll_inside_a_labelled_region():
    from bs4 import BeautifulSoup

    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(40))
    cell = new_code_cell("t")
    cell.outputs = [
        new_output(
            "display_data", data={"text/html": f"<h3>Big</h3><table>{rows}</table><table><tr><td>1</td></tr></table>"}
        )
    ]
    soup = BeautifulSoup(render_html(new_notebook(cells=[cell]), SHARED), "html.parser")
    wraps = soup.select("div.oas-table-wrap")
    assert len(wraps) == 2 and all(w["role"] == "region" and w["tabindex"] == "0" for w in wraps)
    assert wraps[0]["aria-label"] == "Big"
    assert "oas-short" not in wraps[0].table.get("class", []) and "oas-short" in wraps[1].table["class"]


def test_header_dates_are_in_the_report_language_long_form():
    ctx = PageContext("Ecuador", "Reunión", "2007-03-31", "v1", "2026-11-30T21:54+00:00", lang="es", slug="ecu")
    header = BeautifulSoup(render_html(new_notebook(cells=[new_markdown_cell("# x")]), ctx), "html.parser")
    shown = header.select_one("header.oas-header dl").get_text(" ")
    assert "31 de marzo de 2007" in shown and "30 de noviembre de 2026, 21:54 UTC" in shown
    assert "2007-03-31" not in str(header.select_one("section.oas-cover"))


def test_contents_do_not_number_headings_that_carry_their_own_numbers():
    nb = new_notebook(cells=[new_markdown_cell("## 1. Resumen\n\n### 1.1. Hitos\n\n## 2. Anexo A. Glosario")])
    page = render_html(nb, SHARED)
    toc = BeautifulSoup(page, "html.parser").select_one("nav.oas-toc")
    assert [li.a.get_text() for li in toc.find("ol").find_all("li", recursive=False)] == [
        "1. Resumen",
        "2. Anexo A. Glosario",
    ]
    assert all("own-numbers" in ol["class"] for ol in toc.find_all("ol"))
    assert "nav.oas-toc ol.own-numbers li::before { content: none; }" in page  # the list adds no second number
