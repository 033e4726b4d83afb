"""Reports that cost what they show: at 10x synthetic data every table and chart stays bounded and says
how many more rows there are and which Excel sheet has them; the per-dataset lookups are built once.

The data is SYNTHETIC (benchmarks/synthetic.py), generated once per session under pytest's temporary folder.
"""

import importlib.util
import json
import math
import re

import pytest

from analysis import config
from analysis.dataset.loading import load_dataset
from analysis.report import content as rc
from analysis.report.charts.bars import largest
from analysis.report.context import MAX_BARS, MAX_CHARTS, MAX_RANKED_ROWS, MAX_TABLE_ROWS, per_dataset
from analysis.report.sections.milestones import MAX_DRAWN, ROWS_PER_CHART
from analysis.report.sections.notes import note_links


def _synthetic(tmp_path_factory, scale: int):
    spec = importlib.util.spec_from_file_location("synthetic", config.BENCHMARKS_DIR / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(tmp_path_factory.getbasetemp() / f"synthetic-x{scale}", scale, reuse=True)


@pytest.fixture(scope="module")
def x10(tmp_path_factory):
    return _synthetic(tmp_path_factory, 10)


@pytest.fixture(scope="module")
def x1(tmp_path_factory):
    return _synthetic(tmp_path_factory, 1)


def _report(path, implementer=None, lang="en"):
    return rc.open_report(implementer, meeting="2007", lang=lang, data_path=str(path))


def _figures(html: str) -> list[dict]:
    """The plotly figures of report HTML (each chart's ``Plotly.newPlot`` data and layout)."""
    decoder, out = json.JSONDecoder(), []
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", html):
        data, end = decoder.raw_decode(html, m.end())
        layout, _ = decoder.raw_decode(html, html.index("{", end))
        out.append({"data": data, "layout": layout})
    return out


def _rows(html: str) -> int:
    return html.count("<tr>") - html.count("<thead>")


def test_ranked_tables_keep_the_largest_rows_sum_the_others_and_name_the_sheet(x10):
    rep = _report(x10)
    matrix = rc.coverage_matrix(rep.ds)
    assert len(matrix) > MAX_RANKED_ROWS  # the data is big enough for the cut to happen
    html = str(rc.coverage_section(rep))
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    assert _rows(table) <= MAX_RANKED_ROWS + 2  # the shown rows, "Others (n)", the total
    others = len(matrix) - MAX_RANKED_ROWS
    assert f"Others ({others})" in html and f"of {len(matrix)} rows" in html and "“Mandate status”" in html
    (chart,) = _figures(html)
    # The chart: the 15 largest; "Others" sums the rest and would flatten them, so the caption names it
    assert all(len(trace["y"]) == MAX_BARS for trace in chart["data"])
    assert f"Others ({len(matrix) - MAX_BARS}): " in html.split("<figcaption>", 1)[1] and "not drawn" in html


def test_timeline_draws_at_most_the_cap_in_parts_that_share_a_page(x10):
    rep = _report(x10)
    m = rc.implementer_milestones(rep.ds, None, rep.as_of)
    dated = int((m["start"].notna() | m["end"].notna()).sum())
    assert dated > MAX_DRAWN
    html = str(rc.timeline_section(rep, implementer=None))
    charts = _figures(html)
    assert len(charts) == math.ceil(MAX_DRAWN / ROWS_PER_CHART)
    assert sum(len(c["layout"]["yaxis"]["tickvals"]) for c in charts) == MAX_DRAWN
    assert all(len(c["layout"]["yaxis"]["tickvals"]) <= ROWS_PER_CHART for c in charts)
    # Rows and dates take at most 354 px: two parts share an A4 page; a legend of more rows adds its own.
    assert all(c["layout"]["height"] - c["layout"]["margin"]["t"] <= 420 - 66 for c in charts)
    assert len({json.dumps(c["layout"]["xaxis"]["range"]) for c in charts}) == 1  # one date axis
    assert f"{MAX_DRAWN} of {dated} dated milestones" in html and "“Milestone status”" in html
    table = html.split('<table class="oas-table"', 1)[1]
    assert _rows(table.split("</table>", 1)[0]) == MAX_TABLE_ROWS
    assert f"The first {MAX_TABLE_ROWS} of {len(m)} rows" in html


def test_a_capped_timeline_draws_late_and_in_progress_milestones_first(x10):
    rep = _report(x10)
    m = rc.implementer_milestones(rep.ds, None, rep.as_of)
    from analysis.report.sections.milestones import DRAW_PRIORITY, drawn_milestones

    drawn = drawn_milestones(m, rep.as_of)
    dated = m[m["start"].notna() | m["end"].notna()]
    worst_left_out = dated.drop(drawn.index)["status"].map(DRAW_PRIORITY).min()
    assert drawn["status"].map(DRAW_PRIORITY).max() <= worst_left_out


def test_key_indicators_chart_the_indicators_with_most_figures_and_at_most_the_bar_cap(x10):
    rep = _report(x10)
    html = str(rc.key_indicators_section(rep))
    charts = _figures(html)
    assert 0 < len(charts) <= MAX_CHARTS
    for chart in charts:
        bars = chart["data"][0]
        assert len(bars.get("y") or bars["x"]) <= MAX_BARS + 1  # the largest values and "Others"
    assert "indicators are charted" in html and "“observations”" in html


def test_voting_abroad_table_keeps_the_indicators_with_most_figures_and_says_how_many_more(x10):
    rep = _report(x10)
    ids, counts = rc.voting_indicators(rep.ds)
    assert len(ids) > MAX_CHARTS
    frame, shown = rc.voting_abroad(rep.ds, MAX_CHARTS, MAX_TABLE_ROWS)
    assert len(shown) == MAX_CHARTS and len(frame) <= MAX_TABLE_ROWS
    assert min(counts[i] for i in shown) >= max(counts.get(i, 0) for i in ids if i not in shown)
    html = str(rc.absentee_section(rep))
    assert f"{MAX_CHARTS} of {len(ids)} indicators" in html
    for chart in _figures(html):
        bars = chart["data"][0]
        assert len(bars.get("y") or bars["x"]) <= MAX_BARS + 1


def test_voting_abroad_unlimited_is_unchanged_on_the_shipped_data():
    ds = load_dataset()
    frame, ids = rc.voting_abroad(ds)
    capped, capped_ids = rc.voting_abroad(ds, MAX_CHARTS, MAX_TABLE_ROWS)
    assert ids == capped_ids and frame.equals(capped)  # the shipped program is under every cap


def test_overview_html_grows_far_less_than_the_data(x1, x10):
    """Bounded sections: ten times the data gives well under ten times the HTML."""

    def size(path):
        rep = _report(path)
        parts = [
            rc.coverage_section(rep),
            rc.timeline_section(rep, implementer=None),
            rc.reporting_section(rep),
            rc.key_indicators_section(rep),
            rc.indicators_annex(rep),
            rc.quality_section(rep, implementer=None),
            rc.sources_section(rep),
        ]
        return sum(len(p) for p in parts)

    assert size(x10) < 3 * size(x1)


def test_largest_keeps_the_top_values_and_sums_the_rest_once():
    label = lambda n: f"others {n}"  # noqa: E731
    cats, vals, hover, aside = largest(list("abcdef"), [3, None, 9, 1, 5, 2], list("ABCDEF"), 3, label)
    assert cats == ["c", "e", "a", "others 2"] and vals == [9, 5, 3, 3.0] and hover == ["C", "E", "A", "others 2"]
    assert aside is None
    cats, vals, _, aside = largest(list("abcd"), [9, 8, 7, 10], None, 1, label)  # "others" (24) would dwarf 10
    assert cats == ["d"] and aside == ("others 3", 24.0)
    cats, vals, _, aside = largest(list("abcd"), [9, 8, 7, 10], None, 1, None)
    assert cats == ["d"] and aside is None
    assert largest(["a"], [1], None, 3, None) == (["a"], [1], None, None)


def test_per_dataset_lookups_are_built_once(x10):
    rep = _report(x10, implementer="IACHR-S0")
    calls = []
    first = per_dataset(rep.ds, ("probe",), lambda: calls.append(1) or {"built": True})
    again = per_dataset(rep.ds, ("probe",), lambda: calls.append(1) or {})
    assert first is again and calls == [1]
    assert note_links(rep.ds) is note_links(rep.ds)  # every table's note column reuses it
    html = str(rc.actions_section(rep, "carried_out"))
    assert "<table" in html


def test_long_descriptions_are_shortened_in_tables_with_a_pointer_to_the_full_text(x10):
    from analysis.report.context import MAX_CELL_CHARS
    from analysis.report.sections.milestones import milestone_table

    rep = _report(x10)
    m = rc.implementer_milestones(rep.ds, None, rep.as_of)
    long = m[m["description"].str.len() > MAX_CELL_CHARS]
    assert not long.empty  # the generator makes one description in ten long
    html = str(milestone_table(rep, long.head(3)))
    assert f"longer than {MAX_CELL_CHARS} characters" in html and "“milestones”" in html
    cells = re.findall(r"<td[^>]*>([^<]*…)</td>", html)
    assert len(cells) == 3 and all(len(c) <= MAX_CELL_CHARS for c in cells)
    shipped = rc.open_report(None, meeting="2007", lang="en")
    assert "longer than" not in str(
        milestone_table(shipped, rc.implementer_milestones(shipped.ds, None, shipped.as_of))
    )
