"""The warm-up loads what a report's first chart and first formatted value load, and starts no thread."""

import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "run" / "data"

# In a fresh interpreter: the zygote's imports, the warm-up, then a real report's sections on the fixture data.
SCRIPT = """
import sys
from analysis.run.zygote import preload
preload() if {warm} else [__import__(m) for m in ("pandas", "plotly.graph_objects", "analysis.report.content")]
before = set(sys.modules)
from analysis.report import content as rc
rep = rc.open_report("IACHR", meeting="2006", lang="es", data_path={data!r})
for section in (rc.summary_section, rc.key_figures_section, rc.mandates_section, rc.timeline_section):
    section(rep)
print(len([m for m in set(sys.modules) - before if m.startswith(("plotly", "babel", "_plotly_utils"))]))
"""


def modules_loaded_by_a_report(warm: bool) -> int:
    script = SCRIPT.format(warm=warm, data=str(FIXTURE_DATA))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def test_a_report_after_the_warm_up_loads_almost_nothing_more():
    cold, warm = modules_loaded_by_a_report(False), modules_loaded_by_a_report(True)
    assert cold > 50  # plotly's validators and Babel's parts, loaded on first use
    assert warm <= cold // 10


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts threads in /proc")
def test_the_warm_up_starts_no_thread():
    from analysis.report.warmup import warm_up

    def threads() -> int:
        return len(list(Path("/proc/self/task").iterdir()))

    before = threads()
    warm_up(("en", "fr"))
    assert threads() == before
