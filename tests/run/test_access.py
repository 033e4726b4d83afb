"""Weight and access of what a run writes, in every report language.

One run of the fixture notebooks in every language; then axe-core (bundled by
axe-playwright-python) in a headless Chromium with no network checks the
root index, the run page, every landing page and every report; each report
page stays under 1.5 MB; and laid out at the printed A4 width, no element is
wider than the page.
"""

from pathlib import Path

import pytest

from analysis.dataset.meetings import load_meetings, resolve_meeting
from analysis.run.pdf import A4_CONTENT_PX, Browser, find_chromium
from analysis.run.runner import LANGS, RunOptions, run_meeting

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "run"
MAX_HTML_BYTES = 1_500_000
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (make system-deps)")
# Elements whose right edge lies beyond the page, as "tag.class (width px)".
TOO_WIDE = """(() => {
  const limit = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > limit
                  && !el.closest('.oas-cover, nav'))
    .slice(0, 10)
    .map(el => `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
})()"""


@pytest.fixture(scope="module")
def every_language(tmp_path_factory):
    out = tmp_path_factory.mktemp("access")
    return html_run("2006", LANGS, out, FIXTURES / "data", notebooks_dir=FIXTURES / "notebooks")


def html_run(meeting: str, langs, out_dir: Path, data: Path, **options) -> Path:
    """The IACHR report and the program-wide ones as HTML, in ``langs``; the run must succeed."""
    opts = RunOptions(
        resolve_meeting(load_meetings(), meeting),
        langs=langs,
        formats=("html",),
        jobs=2,
        out_dir=out_dir,
        data_path=data,
        implementers=("IACHR",),
        progress=False,
        log=lambda line: None,
        **options,
    )
    result = run_meeting(opts)
    assert result.ok, [e["error"] for e in result.entries if e["error"]]
    return result.meeting_dir


def pages(meeting_dir: Path) -> list[Path]:
    found = [meeting_dir / "index.html", meeting_dir / "run.html"]
    for lang in LANGS:
        found += [meeting_dir / lang / "index.html", *sorted((meeting_dir / lang).glob("[!i]*.html"))]
        found += [meeting_dir / lang / "iachr.html"]
    return list(dict.fromkeys(found))


@pytest.mark.slow
def test_every_report_page_is_light(every_language):
    reports = [p for p in every_language.glob("*/*.html") if p.name != "index.html"]
    assert len(reports) == 3 * len(LANGS)
    for page in reports:
        assert page.stat().st_size <= MAX_HTML_BYTES, page
    assert (every_language / "assets" / "plotly.min.js").stat().st_size > 1_000_000  # shared, once


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_axe_finds_no_violation(every_language):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(),
            headless=True,
            args=["--no-sandbox", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        try:
            page = browser.new_page()
            checked = pages(every_language)
            for path in checked:
                page.goto(path.as_uri(), wait_until="load")
                violations = axe.run(page).response["violations"]
                if violations:
                    found[path.relative_to(every_language).as_posix()] = [
                        f"{v['id']}: {v['nodes'][0]['html'][:120]}" for v in violations
                    ]
        finally:
            browser.close()
    assert len(checked) >= 2 + 4 * len(LANGS)
    assert found == {}


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_nothing_is_wider_than_an_a4_page(every_language):
    with Browser() as browser:
        for lang in LANGS:
            for name in ("iachr", "program-overview", "absentee-voting"):
                session = browser.open(every_language / lang / f"{name}.html")
                browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
                assert browser.charts_drawn(session)["timedOut"] is False
                width = browser.call(
                    "Runtime.evaluate",
                    {"expression": "document.documentElement.clientWidth", "returnByValue": True},
                    session=session,
                )["result"]["value"]
                assert width == A4_CONTENT_PX
                wide = browser.call(
                    "Runtime.evaluate", {"expression": TOO_WIDE, "returnByValue": True}, session=session
                )["result"]["value"]
                assert wide == [], (lang, name, wide)


# SVG text of a chart (title, legend, labels, notes) whose right edge lies beyond its figure, as "text (px over)".
CUT_TEXT = """(() => [...document.querySelectorAll('figure.oas-figure')].flatMap(fig => {
  const right = fig.getBoundingClientRect().right + 1;
  return [...fig.querySelectorAll('svg text')]
    .filter(t => t.getClientRects().length && t.textContent.trim() && t.getBoundingClientRect().right > right)
    .map(t => `${t.textContent.slice(0, 40)} (${Math.round(t.getBoundingClientRect().right - right)} px over)`);
}))()"""


@pytest.fixture(scope="module")
def real_reports(tmp_path_factory):
    """The real notebooks on a copy of the shipped data (a copy: the run keeps no snapshot of it), en and es."""
    import shutil

    from analysis import config

    data = tmp_path_factory.mktemp("shipped") / "program"
    shutil.copytree(config.PROGRAM_DIR, data, ignore=shutil.ignore_patterns(".*"))
    return html_run("2007", ("en", "es"), tmp_path_factory.mktemp("phone"), data)


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_charts_fit_a_390_px_phone(real_reports):
    """Nothing a chart writes (title, legend, labels, the as-of note) is cut at the right of a phone screen."""
    from playwright.sync_api import sync_playwright

    cut, seen = {}, 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            for lang in ("en", "es"):
                for name in ("iachr", "program-overview", "absentee-voting"):
                    page.goto((real_reports / lang / f"{name}.html").as_uri(), wait_until="load")
                    drawn = (
                        "[...document.querySelectorAll('div.oas-chart')].every(d => d.querySelector('svg.main-svg'))"
                    )
                    page.wait_for_function(drawn)
                    seen += page.evaluate("document.querySelectorAll('figure.oas-figure svg text').length")
                    found = page.evaluate(CUT_TEXT)
                    if found:
                        cut[f"{lang}/{name}"] = found[:5]
                    assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
    assert seen > 0 and cut == {}
