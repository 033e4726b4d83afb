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


def chart_cell(height: int, name: str, heading: str, note: str = "What the chart shows."):
    """A section as the reports print it: heading, a line (or ``note``) and a chart in one output."""
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=list("abcdefgh"), y=list(range(1, 9))), layout={"height": height})
    chart = fig.to_html(full_html=False, include_plotlyjs=False, div_id=name)
    html = f'<h2>{heading}</h2><p>{note}</p><figure class="oas-chart">{chart}</figure>'
    cell = new_code_cell("chart")
    cell.outputs = [new_output("display_data", data={"text/html": html})]
    return cell


def render_page(tmp_path, cells, name="r"):
    ctx = PageContext("Layout", "Meeting", "2007-03-31", "v1", "now", single_file=True)
    html = tmp_path / f"{name}.html"
    html.write_text(render_html(new_notebook(cells=cells), ctx), encoding="utf-8")
    return html


def print_page(tmp_path, cells, name="r"):
    with Browser() as browser:
        browser.print_pdf(render_page(tmp_path, cells, name), tmp_path / f"{name}.pdf")
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


@pytest.mark.browser
@needs_tools
def test_a_section_that_starts_low_on_a_page_fills_it_with_its_heading_and_lead_in(tmp_path):
    # A page half full, then a section: heading, a lead-in of a few lines, a 470-px chart. Kept as one
    # block it moved whole to the next page and left 60 % of this one blank (the Spanish timeline under
    # the coverage chart); the heading and its lines stay here, the chart (with its caption) follows.
    lead = "How to read the chart, what it draws and what it leaves out. " * 7
    cells = [
        new_markdown_cell("# Layout\n\n## 1. Short\n\n" + "A short section of the report. " * 45),
        chart_cell(470, "tall", "2. A section with a tall chart", lead),
        new_markdown_cell("## 3. After\n\n" + "Closing text. " * 300),
    ]
    shares = blank_shares(print_page(tmp_path, cells), tmp_path)
    assert max(shares[1:-1]) <= MAX_BLANK, [round(s, 2) for s in shares]


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


# Per chart, the vertical space between neighbouring y-axis labels as drawn (negative: they overlap).
LABEL_GAPS = """[...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const boxes = [...gd.querySelectorAll('.ytick text')].map(t => t.getBoundingClientRect())
    .filter(b => b.height).sort((a, b) => a.top - b.top);
  return boxes.slice(1).map((b, i) => Math.round(b.top - boxes[i].bottom));
})"""


def timeline_cell(lang: str, rows: int, lead: str = ""):
    """A heading, ``lead`` and a timeline of ``rows`` milestones whose legend holds long two-line names."""
    import pandas as pd

    from analysis.report import charts

    frame = pd.DataFrame(
        {
            "milestone_id": [f"OIL-C{i}" for i in range(rows)],
            "implementer_id": ["OIL"] * 3 + ["SUMMITS"] * (rows - 3),
            "description": ["Compilation of the policies and practices of the member states"] * rows,
            "period_text": ["March 2007"] * rows,
            "start": pd.to_datetime(["2007-01-01"] * rows),
            "end": pd.to_datetime(["2007-03-31"] * rows),
            "precision": ["months"] * rows,
            "recurring": [False] * rows,
            "status": (["past_unreported", "in_progress", "missed"] * rows)[:rows],
            "disputed": [True] + [False] * (rows - 1),
        }
    )
    chart = charts.chart_html(charts.timeline_chart(frame, lang, as_of="2007-03-31", title=f"Timeline {lang}"))
    cell = new_code_cell("timeline")
    cell.outputs = [new_output("display_data", data={"text/html": f"<h2>Timeline {lang}</h2>{lead}{chart}"})]
    return cell


@pytest.mark.browser
@needs_tools
def test_timeline_row_labels_never_overlap_in_print(tmp_path):
    # A legend of two-line names (es, fr, pt) took the plot's height and the print fit shortened a chart
    # further: neighbouring row labels were drawn over each other. The last block (heading, a long note,
    # the chart) is taller than a page: the fit may shorten its chart only while the labels stay apart.
    note = "".join(f"<p>{'A remark on the milestones that the chart shows. ' * 15}</p>" for _ in range(3))
    cells = [
        new_markdown_cell("# Layout"),
        *(timeline_cell(lang, 8) for lang in ("es", "fr", "pt")),
        timeline_cell("es", 8, note),
    ]
    with Browser() as browser:
        browser.print_pdf(render_page(tmp_path, cells), tmp_path / "r.pdf")
        gaps = browser.evaluate(LABEL_GAPS)
    assert len(gaps) == 4 and all(len(g) == 7 for g in gaps)
    assert min(min(g) for g in gaps) >= 0, gaps
