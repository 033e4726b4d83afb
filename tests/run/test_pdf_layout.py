"""Printed layout, measured on the PDF: no half-empty page, no heading or lead-in left alone at a page foot.

Pages are rasterised with poppler's ``pdftoppm`` at low resolution and the
near-white rows of the text area counted; the real Chromium prints them.
"""

import shutil
import subprocess

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.run.pdf import Browser, find_chromium
from analysis.run.rendering import PageContext, render_html

needs_tools = pytest.mark.skipif(
    find_chromium() is None or shutil.which("pdftoppm") is None, reason="Chromium or poppler not installed"
)
MAX_BLANK = 0.5  # share of a page's text area that may stay empty, except on the last page


def chart_cell(height: int, name: str, heading: str):
    """A section as the reports print it: heading, one line and a chart in one output."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=list("abcdefgh"), y=list(range(1, 9))), layout={"height": height})
    chart = fig.to_html(full_html=False, include_plotlyjs=False, div_id=name)
    html = f'<h2>{heading}</h2><p>What the chart shows.</p><figure class="oas-chart">{chart}</figure>'
    cell = new_code_cell("chart")
    cell.outputs = [new_output("display_data", data={"text/html": html})]
    return cell


def print_page(tmp_path, cells, name="r"):
    ctx = PageContext("Layout", "Meeting", "2007-03-31", "v1", "now", single_file=True)
    html = tmp_path / f"{name}.html"
    html.write_text(render_html(new_notebook(cells=cells), ctx), encoding="utf-8")
    with Browser() as browser:
        browser.print_pdf(html, tmp_path / f"{name}.pdf")
    return tmp_path / f"{name}.pdf"


def blank_shares(pdf, tmp_path) -> list[float]:
    """Per page, the share of the text area (inside the running header and footer) below the last ink."""
    import numpy as np
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(tmp_path / "pg")], check=True)
    shares = []
    for png in sorted(tmp_path.glob("pg-*.png")):
        pixels = np.asarray(Image.open(png).convert("L"))
        height = pixels.shape[0]
        body = pixels[int(height * 16 / 297) : int(height * (1 - 18 / 297))]  # the @page margins
        inked = np.nonzero((body < 235).any(axis=1))[0]
        shares.append(1 - (inked[-1] + 1) / len(body) if len(inked) else 1.0)
    return shares


@pytest.mark.browser
@needs_tools
def test_no_page_is_more_than_half_empty_before_a_long_table_or_a_chart(tmp_path):
    # A short section, then a heading, a note and a 12-row table of long descriptions that fills a
    # page: kept whole, it left the page before mostly blank. It must break between rows instead.
    rows = "".join(
        f"<tr><td>A-{i}</td><td>" + "a long description of an action " * 14 + "</td></tr>" for i in range(12)
    )
    table = f"<table><thead><tr><th>Id</th><th>Description</th></tr></thead><tbody>{rows}</tbody></table>"
    cells = [
        new_markdown_cell("# Layout\n\n## 1. Short\n\n" + "A short section. " * 60),
        new_markdown_cell(f"## 2. Actions\n\nWhat the table lists, in one line.\n\n{table}"),
        chart_cell(420, "small", "3. A chart"),
        new_markdown_cell("## 4. After\n\n" + "Closing text. " * 300),
    ]
    shares = blank_shares(print_page(tmp_path, cells), tmp_path)
    assert len(shares) >= 3
    body = shares[1:-1]  # the cover is a page of its own; the last page may end anywhere
    assert max(body) <= MAX_BLANK, [round(s, 2) for s in shares]


NOTES = "".join(f"<li>Note {i}: " + "a remark on the data " * 6 + "</li>" for i in range(4))
SOURCES = "".join(f"<li>Section {i}: " + "a quoted excerpt of the Work Plan " * 5 + "</li>" for i in range(30))
LEAD_INS = {
    "note": ("Note on the data:", f'<div class="oas-notes"><p>Note on the data:</p><ul>{NOTES}</ul></div>'),
    "annex": (
        "Annex C. Sources",
        f"<h2>Annex C. Sources</h2><p>Each reference cites the Work Plan.</p><ol>{SOURCES}</ol>",
    ),
}


@pytest.mark.browser
@needs_tools
@pytest.mark.parametrize("kind", sorted(LEAD_INS))
def test_a_heading_or_lead_in_never_ends_a_page(tmp_path, kind):
    import pypdf

    lead, html = LEAD_INS[kind]
    orphaned = []
    for lines in range(18, 30):  # move the block down past the foot of the first page (about 26 lines)
        filler = "# Layout\n\n## 1. Notes\n\n" + "\n\n".join(f"Line {i}." for i in range(lines))
        out = new_code_cell("notes")
        out.outputs = [new_output("display_data", data={"text/html": html})]
        reader = pypdf.PdfReader(print_page(tmp_path, [new_markdown_cell(filler), out], f"n{lines}"))
        for page in reader.pages:
            text = [t.strip() for t in page.extract_text().splitlines() if t.strip() and not t.startswith("Page ")]
            if text and (text[-1] == lead or text[-1] == "Each reference cites the Work Plan."):
                orphaned.append(lines)
    assert not orphaned
