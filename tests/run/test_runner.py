"""Tests for analysis.run.runner: the meeting run end to end with real kernels and a real browser.

The fixture notebooks and data live in tests/fixtures/run/ (see make_fixtures.py).
"""

import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from analysis.dataset.loading import load_dataset
from analysis.dataset.meetings import load_meetings, resolve_meeting
from analysis.errors import UsageError
from analysis.run.pdf import find_chromium
from analysis.run.runner import RunOptions, key_reports, plan_reports, run_meeting

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "run"
NOTEBOOKS = FIXTURES / "notebooks"
DATA = FIXTURES / "data"
MEETING = resolve_meeting(load_meetings(), "2006")
OFFLINE = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (make system-deps)")


def drawn_charts(html_path: Path, tmp_path: Path) -> tuple[int, int]:
    """(chart divs, charts holding a drawn SVG) after an offline Chromium ran the page."""
    from bs4 import BeautifulSoup

    profile = tmp_path / f"profile-{html_path.parent.name}-{html_path.stem}"
    out = subprocess.run(
        [
            find_chromium(),
            *OFFLINE,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            html_path.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    charts = BeautifulSoup(out, "html.parser").select(".oas-chart")
    return len(charts), sum(1 for c in charts if c.select_one(".main-svg") is not None)


# ------------------------------------------------------------------ planning (no kernels)


def test_plan_has_implementers_with_data_and_program_reports():
    ds = load_dataset(DATA)
    reports = plan_reports(ds, MEETING, NOTEBOOKS, langs=("en", "es"))
    ids = [r.report_id for r in reports]
    assert ids == [
        "en/program-overview",
        "en/absentee-voting",
        "en/iachr",
        "en/ecu",
        "es/program-overview",
        "es/absentee-voting",
        "es/iachr",
        "es/ecu",
    ]  # the overview first; HND, CIM have no data
    es = next(r for r in reports if r.report_id == "es/iachr")
    assert es.title == "Comisión Interamericana de Derechos Humanos"
    assert es.parameters == {
        "implementer": "IACHR",
        "meeting": "2006",
        "as_of": "2006-03-16",
        "data_path": "",
        "lang": "es",
    }


def test_plan_rejects_unknown_implementer():
    with pytest.raises(UsageError, match="unknown implementer 'XYZ'"):
        plan_reports(load_dataset(DATA), MEETING, NOTEBOOKS, implementers=["XYZ"])


def test_key_changes_with_parameters_and_notebook(tmp_path):
    ds = load_dataset(DATA)
    a = plan_reports(ds, MEETING, NOTEBOOKS, langs=("en",), implementers=["IACHR"])
    key_reports(a, ds.version, "src", MEETING)
    b = plan_reports(ds, MEETING, NOTEBOOKS, langs=("en",), implementers=["IACHR"], data_path=tmp_path)
    key_reports(b, ds.version, "src", MEETING)
    c = plan_reports(ds, MEETING, NOTEBOOKS, langs=("en",), implementers=["IACHR"])
    key_reports(c, "other-data", "src", MEETING)
    d = plan_reports(ds, MEETING, NOTEBOOKS, langs=("en",), implementers=["IACHR"])
    key_reports(d, ds.version, "changed-source", MEETING)
    keys = [x[0].key for x in (a, b, c, d)]
    assert len(set(keys)) == 4
    again = plan_reports(ds, MEETING, NOTEBOOKS, langs=("en",), implementers=["IACHR"])
    key_reports(again, ds.version, "src", MEETING)
    assert again[0].key == a[0].key


# ------------------------------------------------------------------ end to end


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    formats = ("html", "pdf") if find_chromium() else ("html",)
    opts = RunOptions(
        MEETING,
        langs=("en", "es"),
        formats=formats,
        jobs=2,
        out_dir=out,
        notebooks_dir=NOTEBOOKS,
        data_path=DATA,
        implementers=("IACHR", "ECU"),
        progress=False,
        log=lambda line: None,
    )
    result = run_meeting(opts)
    return opts, result


@pytest.mark.slow
def test_run_writes_every_report_index_and_manifest(full_run):
    opts, result = full_run
    assert result.ok, [e["error"] for e in result.entries]
    d = result.meeting_dir
    assert d == (opts.out_dir / "2006").resolve()
    for lang in ("en", "es"):
        for name in ("iachr", "ecu", "program-overview", "absentee-voting"):
            assert (d / lang / f"{name}.html").stat().st_size > 1000
            assert (d / "notebooks" / lang / f"{name}.ipynb").exists()
            if "pdf" in opts.formats:
                assert (d / lang / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"] == {"ok": 8, "failed": 0, "skipped": 0}
    assert manifest["inputs"]["data_version"] == load_dataset(DATA).version
    assert len(manifest["inputs"]["package_source_sha256"]) == 64
    assert {"papermill", "nbconvert", "plotly", "python"} <= set(manifest["inputs"]["package_versions"])
    entry = next(e for e in manifest["reports"] if e["report_id"] == "es/ecu")
    assert entry["parameters"]["lang"] == "es" and entry["parameters"]["implementer"] == "ECU"
    assert len(entry["notebook_sha256"]) == 64 and len(entry["parameters_sha256"]) == 64
    assert entry["duration_s"] > 0 and entry["status"] == "ok"
    run_page = (d / "run.html").read_text(encoding="utf-8")
    for lang in ("en", "es"):
        assert f'href="{lang}/iachr.html"' in run_page
        landing = (d / lang / "index.html").read_text(encoding="utf-8")
        assert 'href="iachr.html"' in landing and 'href="program-overview.html"' in landing
        assert f'href="{lang}/index.html"' in (d / "index.html").read_text(encoding="utf-8")
    assert run_page.count('class="status">ok<') == 8
    # The executed notebook carries the injected parameters.
    nb = nbformat.read(d / "notebooks" / "es" / "ecu.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.slow
def test_html_has_no_code_and_a_header(full_run):
    _, result = full_run
    page = (result.meeting_dir / "es" / "iachr.html").read_text(encoding="utf-8")
    assert "Comisión Interamericana de Derechos Humanos" in page
    assert "load_dataset" not in page and "import html" not in page
    assert load_dataset(DATA).version in page and "2006-03-16" in page
    assert '<nav class="oas-toc"' in page


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_charts_are_drawn_offline(full_run, tmp_path):
    _, result = full_run
    for name in ("en/iachr.html", "en/program-overview.html"):
        total, drawn = drawn_charts(result.meeting_dir / name, tmp_path)
        assert total > 0 and drawn == total, (name, total, drawn)
    assert drawn_charts(result.meeting_dir / "en/program-overview.html", tmp_path)[0] == 2  # incl. fig.show()


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_pdf_has_pages_and_the_implementer_name(full_run):
    import pypdf

    _, result = full_run
    reader = pypdf.PdfReader(result.meeting_dir / "en" / "iachr.pdf")
    assert len(reader.pages) >= 1
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Inter-American Commission on Human Rights" in text


@pytest.mark.slow
def test_second_run_does_no_work(full_run):
    opts, result = full_run
    files = sorted(
        p
        for p in result.meeting_dir.rglob("*")
        if p.suffix in (".html", ".pdf", ".ipynb") and p.name not in ("index.html", "run.html")
    )
    before = {p: p.stat().st_mtime_ns for p in files}
    lines = []
    again = run_meeting(RunOptions(**{**opts.__dict__, "log": lines.append}))
    assert [e["status"] for e in again.entries] == ["skipped"] * 8
    assert all(e["reason"] == "unchanged since the last run" for e in again.entries)
    assert {p: p.stat().st_mtime_ns for p in files} == before
    assert lines == []  # nothing was executed or printed
    manifest = json.loads((again.meeting_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["skipped"] == 8


# ------------------------------------------------------------------ failures and hostile input


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """A run with a failing notebook, data in a folder named with quotes and backslashes, and an XSS value."""
    base = tmp_path_factory.mktemp("hostile")
    notebooks = base / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    shutil.copy(FIXTURES / "broken.ipynb", notebooks / "absentee_voting.ipynb")
    data = base / "da\"ta 'q' \\ back"
    shutil.copytree(DATA, data)
    actions = data / "actions.csv"
    actions.write_text(
        actions.read_text(encoding="utf-8").replace(
            "Held a hearing on migrants.", "Held <script>alert(1)</script> a hearing"
        ),
        encoding="utf-8",
    )
    out = base / "out"
    opts = RunOptions(
        MEETING,
        langs=("en",),
        formats=("html",),
        jobs=2,
        out_dir=out,
        notebooks_dir=notebooks,
        data_path=data,
        implementers=("IACHR",),
        progress=False,
        log=lambda line: None,
    )
    return opts, run_meeting(opts)


@pytest.mark.slow
def test_failing_notebook_is_isolated(hostile_run):
    _, result = hostile_run
    status = {e["report_id"]: e["status"] for e in result.entries}
    assert status == {"en/iachr": "ok", "en/program-overview": "ok", "en/absentee-voting": "failed"}
    assert not result.ok
    failed = next(e for e in result.entries if e["status"] == "failed")
    assert "RuntimeError: this fixture notebook fails on purpose" in failed["error"]
    d = result.meeting_dir
    nb = nbformat.read(d / "notebooks" / "en" / "absentee-voting.ipynb", as_version=4)
    assert any(
        "papermill-error-cell-tag" in str(c.get("source", "")) or "papermill-error-cell" in str(c.metadata)
        for c in nb.cells
    )
    assert any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    log = (d / "logs" / "en" / "absentee-voting.log").read_text(encoding="utf-8")
    assert "fails on purpose" in log and "\x1b[" not in log
    index = (d / "run.html").read_text(encoding="utf-8")
    assert 'class="status">failed<' in index and 'href="logs/en/absentee-voting.log"' in index
    assert not (d / "en" / "absentee-voting.html").exists()


@pytest.mark.slow
def test_quotes_and_backslashes_in_parameters(hostile_run):
    opts, result = hostile_run
    entry = next(e for e in result.entries if e["report_id"] == "en/iachr")
    assert entry["status"] == "ok"
    assert entry["parameters"]["data_path"] == str(opts.data_path.resolve())
    assert "\\" in entry["parameters"]["data_path"] and '"' in entry["parameters"]["data_path"]


@pytest.mark.slow
def test_xss_value_is_escaped(hostile_run):
    _, result = hostile_run
    page = (result.meeting_dir / "en" / "iachr.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


@pytest.mark.slow
def test_failed_rerun_keeps_previous_good_html(hostile_run, tmp_path):
    opts, result = hostile_run
    good = result.meeting_dir / "en" / "iachr.html"
    before = good.read_bytes()
    broken = tmp_path / "notebooks"
    shutil.copytree(opts.notebooks_dir, broken)
    shutil.copy(FIXTURES / "broken.ipynb", broken / "implementer_report.ipynb")
    again = run_meeting(RunOptions(**{**opts.__dict__, "notebooks_dir": broken}))
    assert {e["report_id"]: e["status"] for e in again.entries}["en/iachr"] == "failed"
    assert good.read_bytes() == before  # the last good report is still there
    assert not list(good.parent.glob(".*.tmp"))


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_pdf_added_later_is_printed_without_executing(tmp_path):
    opts = RunOptions(
        MEETING,
        langs=("en",),
        formats=("html",),
        jobs=1,
        out_dir=tmp_path,
        notebooks_dir=NOTEBOOKS,
        data_path=DATA,
        implementers=("ECU",),
        progress=False,
        log=lambda line: None,
    )
    first = run_meeting(opts)
    assert first.ok and not list(first.meeting_dir.rglob("*.pdf"))
    executed = first.meeting_dir / "notebooks" / "en" / "ecu.ipynb"
    html = first.meeting_dir / "en" / "ecu.html"
    stamps = (executed.stat().st_mtime_ns, html.stat().st_mtime_ns)
    lines = []
    second = run_meeting(RunOptions(**{**opts.__dict__, "formats": ("html", "pdf"), "log": lines.append}))
    assert second.ok
    assert (first.meeting_dir / "en" / "ecu.pdf").read_bytes().startswith(b"%PDF")
    assert (executed.stat().st_mtime_ns, html.stat().st_mtime_ns) == stamps  # not executed nor re-rendered
    assert all("(PDF only)" in line for line in lines) and len(lines) == 3
    third = run_meeting(RunOptions(**{**opts.__dict__, "formats": ("html", "pdf")}))
    assert [e["status"] for e in third.entries] == ["skipped"] * 3


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_a_pdf_that_fails_in_one_printer_is_recorded_and_the_others_print(tmp_path):
    """Two printing browsers work in threads: one page that never draws its chart fails alone."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    nb = nbformat.read(notebooks / "absentee_voting.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "from IPython.display import HTML\nHTML('<div class=\"oas-chart\">a chart that never draws</div>')"
        )
    )
    nbformat.write(nb, notebooks / "absentee_voting.ipynb")
    opts = RunOptions(
        MEETING,
        langs=("en",),
        formats=("html", "pdf"),
        jobs=2,
        out_dir=tmp_path / "out",
        notebooks_dir=notebooks,
        data_path=DATA,
        implementers=("IACHR",),
        progress=False,
        log=lambda line: None,
    )
    result = run_meeting(opts)
    entries = {e["report_id"]: e for e in result.entries}
    assert {k: e["status"] for k, e in entries.items()} == {
        "en/iachr": "ok",
        "en/program-overview": "ok",
        "en/absentee-voting": "failed",
    }
    assert entries["en/absentee-voting"]["error"].startswith("PDF failed: only 0 of 1 charts were drawn")
    log = result.meeting_dir / "logs" / "en" / "absentee-voting.log"
    assert "PDF failed" in log.read_text(encoding="utf-8")
    assert not (result.meeting_dir / "en" / "absentee-voting.pdf").exists()
    for name in ("iachr", "program-overview"):
        assert (result.meeting_dir / "en" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        assert entries[f"en/{name}"]["outputs"]["pdf"]["path"] == f"en/{name}.pdf"
