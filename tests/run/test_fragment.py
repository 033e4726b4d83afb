"""Tests for analysis.run.fragment: edits of a report fragment as a tree."""

from bs4 import BeautifulSoup

from analysis.run.fragment import SHORT_TABLE_ROWS, keep_headings_with_content, parse, toc_list, wrap_tables


def test_heading_note_and_chart_are_one_block_but_a_long_table_is_not():
    rows = "".join("<tr><td>x</td></tr>" for _ in range(SHORT_TABLE_ROWS + 5))
    soup = parse(
        '<h2>A</h2><p>note</p><div class="oas-chart">c</div><p>after</p>'
        f"<h2>B</h2><p>intro</p><table>{rows}</table><h3>C</h3><h3>D</h3><p>text</p>"
    )
    keep_headings_with_content(soup)
    blocks = [[child.name for child in block.children] for block in soup.select("div.oas-keep")]
    assert blocks == [["h2", "p", "div"], ["h2", "p"], ["h3", "p"]]  # C has nothing of its own
    assert soup.find("table").parent.name == "[document]"  # the long table flows, outside any block


def test_tables_get_unique_labels_and_empty_header_cells_become_cells():
    soup = parse("<h3>Key</h3><table><tr><th></th><th>n</th></tr></table><table><tr><td>1</td></tr></table>")
    wrap_tables(soup, lambda n: f"Table {n}")
    labels = [w["aria-label"] for w in soup.select("div.oas-table-wrap")]
    assert labels == ["Key", "Key (Table 2)"]
    assert [c.name for c in soup.find("tr").children] == ["td", "th"]


def test_toc_list_numbers_nest_and_escape():
    html = toc_list([(2, "a", "A <b>"), (3, "b", "B"), (2, "c", "C")])
    soup = BeautifulSoup(html, "html.parser")
    assert [li.a.get_text() for li in soup.ol.find_all("li", recursive=False)] == ["A <b>", "C"]
    assert "<b>" not in html and soup.ol.li.ol.li.a["href"] == "#b"
