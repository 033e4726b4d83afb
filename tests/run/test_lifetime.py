"""Workers, their kernel zygotes, kernels and Chromium die with the runner: SIGKILL the runner mid-run, none remains."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from analysis.run.pdf import find_chromium

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "run"
RUNNER = """
import sys
from pathlib import Path
from analysis.dataset.meetings import load_meetings, resolve_meeting
from analysis.run.runner import RunOptions, run_meeting

fixtures, out, formats = Path(sys.argv[1]), Path(sys.argv[2]), tuple(sys.argv[3].split(","))
run_meeting(RunOptions(resolve_meeting(load_meetings(), "2006"), langs=("en", "es"), formats=formats, jobs=2,
    out_dir=out, notebooks_dir=fixtures / "notebooks", data_path=fixtures / "data", progress=False, force=True,
    log=lambda line: None))
"""


def marked(marker: str) -> dict[int, str]:
    """Processes whose environment carries ``marker`` (inherited from the runner), with their command lines."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone, or not ours to read
    return found


def parent_of(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def kernels(found: dict[int, str]) -> list[int]:
    """Kernels among ``found``: started plainly (ipykernel), or forked by a worker's zygote (its children)."""
    zygotes = {p for p, cmd in found.items() if "analysis.run.zygote" in cmd}
    return [p for p, cmd in found.items() if "ipykernel" in cmd or (p in zygotes and parent_of(p) in zygotes)]


def wait_for(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_of_the_runner_leaves_no_orphan(tmp_path):
    marker = f"OAS_ORPHAN_TEST={uuid.uuid4().hex}"
    key, value = marker.split("=")
    formats = "html,pdf" if find_chromium() else "html"
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(FIXTURES), str(tmp_path / "out"), formats],
        env={**os.environ, key: value},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Mid-run: kernels are executing notebooks in the pool's workers.
        started = wait_for(lambda: kernels(marked(marker)), 120)
        assert started, "no kernel started"
        assert runner.poll() is None, "the run ended before it could be killed"
        children = set(marked(marker)) - {runner.pid}
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait()
        left = wait_for(lambda: not marked(marker), 15)
        assert left, f"orphans after SIGKILL of the runner: {marked(marker)}"
        assert len(children) >= 3  # two workers and at least one kernel were there to be killed
        assert set(started) <= children
    finally:
        for pid in marked(marker):
            os.kill(pid, signal.SIGKILL)
