"""Shared helpers for the run tests: fixtures paths and an offline Chromium DOM check."""

import subprocess
from pathlib import Path

from analysis.pdf import find_chromium

FIXTURES = Path(__file__).parent / "fixtures" / "run"
NOTEBOOKS = FIXTURES / "notebooks"
DATA = FIXTURES / "data"
OFFLINE = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND")


def drawn_charts(html_path: Path, tmp_path: Path) -> tuple[int, int]:
    """(chart divs, charts holding a drawn SVG) after an offline Chromium ran the page."""
    from bs4 import BeautifulSoup

    profile = tmp_path / f"profile-{html_path.stem}"
    out = subprocess.run([find_chromium(), *OFFLINE, f"--user-data-dir={profile}", "--virtual-time-budget=10000",
                          "--dump-dom", html_path.resolve().as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    soup = BeautifulSoup(out, "html.parser")
    charts = soup.select(".oas-chart")
    return len(charts), sum(1 for c in charts if c.select_one(".main-svg") is not None)
