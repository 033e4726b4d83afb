"""Tests for analysis.run.pdf: one headless Chromium printing report pages."""

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.errors import UsageError
from analysis.run.pdf import ENV_VAR, Browser, find_chromium, require_chromium
from analysis.run.rendering import PageContext, render_html

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (make system-deps)")


def page_with_charts(n_charts: int, name: str) -> str:
    import plotly.graph_objects as go

    cells = [new_markdown_cell(f"# {name}")]
    for i in range(n_charts):
        fig = go.Figure(go.Bar(x=["a", "b", "c"], y=[i + 1, 2, 3]))
        c = new_code_cell("chart")
        c.outputs = [
            new_output(
                "display_data",
                data={
                    "text/html": '<div class="oas-chart">'
                    + fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"c{i}")
                    + "</div>"
                },
            )
        ]
        cells += [c, new_markdown_cell(f"## Section {i}\n\n" + "Text paragraph. " * 200)]
    return render_html(
        new_notebook(cells=cells), PageContext(name, "Meeting", "2006-03-16", "v1", "now", single_file=True)
    )


def test_find_chromium_uses_env_var(monkeypatch, tmp_path):
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(ENV_VAR, str(fake))
    assert find_chromium() == str(fake)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() is None  # an explicit choice that does not exist is not silently replaced


def test_require_chromium_explains_how_to_enable(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(UsageError, match=ENV_VAR):
        require_chromium()


@pytest.mark.browser
@needs_chromium
def test_one_browser_prints_several_pdfs_with_page_numbers(tmp_path):
    import pypdf

    pages = []
    for i, name in enumerate(["Ecuador", "Honduras"]):
        p = tmp_path / f"r{i}.html"
        p.write_text(page_with_charts(3, name), encoding="utf-8")
        pages.append(p)
    with Browser() as browser:
        first_pid = browser.proc.pid
        results = [browser.print_pdf(p, p.with_suffix(".pdf")) for p in pages]
        assert browser.proc.pid == first_pid  # the same browser printed both
    assert results == [{"charts": 3, "drawn": 3, "timedOut": False}] * 2
    for p, name in zip(pages, ["Ecuador", "Honduras"]):
        reader = pypdf.PdfReader(p.with_suffix(".pdf"))
        n = len(reader.pages)
        assert n >= 2
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert name in text
        assert re.search(rf"\bPage 1 of {n}\b", text) and re.search(rf"\bPage {n} of {n}\b", text)
        assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.browser
@needs_chromium
def test_failed_print_keeps_previous_pdf(tmp_path):
    good = tmp_path / "r.pdf"
    good.write_bytes(b"%PDF-previous")
    html = tmp_path / "r.html"
    # A chart div that never draws: printing must fail and leave the old file.
    html.write_text('<html><body><div class="oas-chart"></div></body></html>', encoding="utf-8")
    import analysis.run.pdf as pdf

    with Browser() as browser:
        with pytest.raises(pdf.BrowserError, match="0 of 1 charts"):
            browser.print_pdf(html, good, wait_ms=300)
    assert good.read_bytes() == b"%PDF-previous"


def text_sizes(page) -> list[tuple[str, float]]:
    """(text, size in points as drawn) for every run of text on a PDF page."""
    import math

    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            m = [tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]]
            m += [tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]]
            found.append((text.strip(), size * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    """A report printed as a document: cover, running header, bookmarks, metadata."""
    import pypdf

    from analysis.run.pdf import DocumentInfo

    tmp = tmp_path_factory.mktemp("document")
    html = tmp / "r.html"
    html.write_text(page_with_charts(3, "Ecuador"), encoding="utf-8")
    info = DocumentInfo("Ecuador", "Special meeting 2007", "2007-03-31", "abc123", "en")
    with Browser() as browser:
        browser.print_pdf(html, tmp / "r.pdf", info)
    return pypdf.PdfReader(tmp / "r.pdf")


@pytest.mark.browser
@needs_chromium
def test_pdf_has_bookmarks_from_the_headings(document):
    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    found = list(titles(document.outline))
    assert "Section 0" in found and "Section 2" in found


@pytest.mark.browser
@needs_chromium
def test_pdf_metadata_and_language(document):
    meta = document.metadata
    assert meta.title == "Ecuador"
    assert meta.author == "Organization of American States (OAS)"
    assert "Special meeting 2007" in meta.subject and "Human Rights of Migrants" in meta.subject
    root = document.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root  # tagged PDF


@pytest.mark.browser
@needs_chromium
def test_pdf_cover_and_running_header(document):
    cover = " ".join(document.pages[0].extract_text().split())
    # The cover shows the page's own title, meeting, date, data version and language.
    for text in (
        "Ecuador",
        "Meeting",
        "16 March 2006",
        "Data version v1",
        "Language English",
        "Human Rights of Migrants",
    ):
        assert text in cover
    for page in document.pages[1:]:
        assert "Special meeting 2007" in page.extract_text()  # the running header


@pytest.mark.browser
@needs_chromium
def test_page_numbers_are_readable(document):
    n = len(document.pages)
    for i, page in enumerate(document.pages, start=1):
        sizes = dict(text_sizes(page))
        assert f"Page {i} of {n}" in " ".join(page.extract_text().split())
        assert sizes["Page"] >= 9, sizes["Page"]
