"""Tests for analysis.report.tables: escaping by default, raw markup only when wrapped."""

import re

import pandas as pd

from analysis.report.tables import (
    TABLE_STYLE,
    Html,
    block,
    bullets,
    drop_blank_columns,
    escape,
    heading,
    html_table,
    key_figures,
    markdown_table,
    paragraph,
)

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_data_cells_headers_and_captions_are_escaped():
    frame = pd.DataFrame({XSS: [XSS, 'a "quoted" & <b>bold</b>']})
    out = html_table(frame, caption=XSS)
    assert XSS not in out
    assert out.count(ESCAPED) == 3
    assert "a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in out


def test_explicit_html_wrapper_passes_through():
    frame = pd.DataFrame({"a": [Html('<a href="#source-1">[1]</a>'), "<i>x</i>"]})
    out = html_table(frame)
    assert '<a href="#source-1">[1]</a>' in out
    assert "&lt;i&gt;x&lt;/i&gt;" in out


def test_formatter_results_are_escaped_unless_wrapped():
    frame = pd.DataFrame({"a": ["x"], "b": ["y"]})
    out = html_table(frame, formatters={"a": lambda v: f"<u>{v}</u>", "b": lambda v: Html(f"<u>{v}</u>")})
    assert "&lt;u&gt;x&lt;/u&gt;" in out and "<u>y</u>" in out


def test_numbers_follow_the_language_and_missing_is_not_reported():
    frame = pd.DataFrame({"n": [141407.0, float("nan")]})
    assert '<td class="num oas-w">141.407</td>' in html_table(frame, "es")
    assert '<td class="num oas-w">141,407</td>' in html_table(frame, "en")
    assert '<td class="num">no informado</td>' in html_table(frame, "es")


def test_dates_and_booleans_follow_the_language():
    frame = pd.DataFrame({"d": pd.to_datetime(["2006-03-16"]), "b": pd.array([True], dtype="boolean")})
    out = html_table(frame, "es")
    assert "16 de marzo de 2006" in out and '<td class="oas-w">sí</td>' in out


def test_labels_replace_headers_escaped():
    out = html_table(pd.DataFrame({"a": [1]}), labels={"a": "<Estado>"})
    assert '<th scope="col" class="oas-w">&lt;Estado&gt;</th>' in out


def test_tables_are_wrapped_in_a_block_for_print():
    out = html_table(pd.DataFrame({"a": [1]}))
    assert out.startswith(f'<div class="oas-block">{TABLE_STYLE}<table class="oas-table">')
    assert block("x", Html("<b>y</b>")) == '<div class="oas-block">x<b>y</b></div>'


def test_heading_escapes_text_and_makes_a_safe_id():
    h = heading(XSS, 2)
    assert h.startswith('<h2 id="script-alert-1-script">') and ESCAPED in h
    assert heading("Mandatos", 2, id='x" onmouseover="y') == '<h2 id="x-onmouseover-y">Mandatos</h2>'


def test_paragraphs_lists_and_key_figures_escape():
    assert ESCAPED in paragraph(XSS)
    assert bullets([XSS, Html("<b>ok</b>")]) == f"<ul><li>{ESCAPED}</li><li><b>ok</b></li></ul>"
    assert ESCAPED in key_figures([(XSS, XSS)]) and XSS not in key_figures([(XSS, XSS)])


def test_html_plus_string_escapes_the_string():
    assert Html("<b>a</b>") + "<i>" == "<b>a</b>&lt;i&gt;"
    assert escape(Html("<b>")) == "<b>"


def test_markdown_table_escapes_markup_and_markdown():
    md = markdown_table(pd.DataFrame({"a": [XSS, "[link](http://x) | *b*"]}))
    assert "<script>" not in md
    assert "\\[link\\]\\(http://x\\) \\| \\*b\\*" in md


def test_snapshot_of_a_small_table():
    out = html_table(pd.DataFrame({"id": ["A-1"], "n": [1234]}), "es", labels={"n": "Número"})
    assert out == (
        f'<div class="oas-block">{TABLE_STYLE}<table class="oas-table"><thead><tr>'
        '<th scope="col" class="oas-w">id</th><th scope="col" class="oas-w">Número</th></tr></thead>'
        '<tbody><tr><td class="oas-w">A-1</td><td class="num oas-w">1.234</td></tr></tbody></table></div>'
    )


def test_urls_become_links_that_can_break():
    out = html_table(pd.DataFrame({"e": ["See https://www.oas.org/es/a_b.pdf."]}))
    assert '<a href="https://www.oas.org/es/a_b.pdf">' in out
    assert "<wbr>" in out and out.count("<a ") == 1


def test_blank_columns_are_dropped_and_named():
    frame = pd.DataFrame({"a": ["x", "y"], "b": ["", None], "c": ["", "z"]})
    kept, dropped = drop_blank_columns(frame)
    assert list(kept.columns) == ["a", "c"] and dropped == ["b"]


def test_widths_with_a_wide_column_and_automatic_layout():
    out = html_table(pd.DataFrame({"id": ["A"], "description": ["long"]}), widths={"id": 10, "description": 90})
    assert "table-layout:fixed" not in out and '<col style="width:90%">' in out


def test_ids_and_words_never_break_inside_and_only_links_may():
    frame = pd.DataFrame(
        {"action": ["DPD-A10"], "country": ["Ecuador"], "description": ["see https://www.oas.org/a/b.pdf now"]}
    )
    out = str(html_table(frame, labels={"action": "Mandato"}))
    assert "overflow-wrap:normal" in out and ".oas-w{white-space:nowrap}" in out
    th = re.findall(r"<th( [^>]*)>", out)
    assert 'class="oas-w"' in th[0] and 'class="oas-w"' in th[1]  # "Mandato", "country"
    td = re.findall(r"<td([^>]*)>(.*?)</td>", out)
    assert 'class="oas-w"' in td[0][0] and 'class="oas-w"' in td[1][0]  # DPD-A10, Ecuador
    assert 'class="oas-u"' in td[2][0] and "<a href" in td[2][1]  # the link may break


def test_right_aligned_markup_column():
    out = str(html_table(pd.DataFrame({"value": [Html("&gt; 3")]}), right=("value",)))
    assert '<td class="num' in out and ".num{text-align:right}" in out


def test_key_figures_are_tiles_with_value_and_label():
    out = key_figures([("Mandates", "12"), ("<b>", "3")])
    assert out.count('class="oas-tile"') == 2 and "&lt;b&gt;" in out
