"""The zygote process: preloads once, forks a kernel per request, answers bad requests, takes its kernels with it."""

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import kernel_evaluate as evaluate

from analysis.run import kernels
from analysis.run.kernels import start_kernel, stop_kernel
from analysis.run.zygote import PRELOAD_MODULES

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the zygote forks (Linux)")
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture
def zygote(tmp_path):
    """A zygote on a socket, its stdout captured (a forked child writes there)."""
    ours, theirs = socket.socketpair()
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis.run.zygote", str(theirs.fileno())],
        cwd=tmp_path,
        pass_fds=(theirs.fileno(),),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    theirs.close()
    ours.settimeout(120)
    stream = ours.makefile("rwb", buffering=0)
    try:
        yield proc, stream, ours
    finally:
        ours.close()
        proc.kill()
        proc.wait()


def ask(stream, message) -> dict:
    stream.write((message if isinstance(message, bytes) else json.dumps(message).encode()) + b"\n")
    return json.loads(stream.readline())


def gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not Path(f"/proc/{pid}").exists()


def test_ready_then_forks_an_ipykernel_app_per_request(zygote, tmp_path):
    proc, stream, channel = zygote
    ready = json.loads(stream.readline())
    assert ready == {"ready": True, "pid": proc.pid}
    # `--help-all` makes the forked IPKernelApp print its options and exit: the child really became one.
    answer = ask(stream, {"argv": ["--help-all"], "env": {"OAS_TEST": "1"}, "cwd": str(tmp_path)})
    assert answer["pid"] != proc.pid
    assert gone(answer["pid"])
    channel.shutdown(socket.SHUT_WR)  # EOF: the zygote's loop ends
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert b"IPKernelApp" in out and b"--IPKernelApp.parent_handle" in out


def test_a_bad_request_is_answered_and_the_zygote_goes_on(zygote, tmp_path):
    proc, stream, _ = zygote
    stream.readline()
    assert "error" in ask(stream, b"{not json")
    answer = ask(stream, {"argv": ["--help"], "env": {}, "cwd": str(tmp_path)})
    assert "pid" in answer and gone(answer["pid"])
    assert proc.poll() is None


def test_a_kernel_that_cannot_start_exits_without_returning_to_the_zygote(zygote, tmp_path):
    proc, stream, _ = zygote
    stream.readline()
    answer = ask(stream, {"argv": [], "env": {}, "cwd": str(tmp_path / "missing")})  # chdir fails in the child
    assert gone(answer["pid"])
    assert ask(stream, {"argv": ["--help"], "env": {}, "cwd": str(tmp_path)})["pid"]  # one loop, still answering


def test_the_preloaded_modules_are_in_the_kernel_and_frozen_from_the_collector(monkeypatch):
    monkeypatch.delenv(kernels.ZYGOTE_ENV, raising=False)
    km = start_kernel("python3", str(NOTEBOOKS))
    try:
        loaded, frozen = evaluate(
            km,
            f"([m in _before for m in {PRELOAD_MODULES!r}], gc.get_freeze_count())",
            "import gc, sys\n_before = set(sys.modules)",
        )
        assert all(loaded)
        assert frozen > 10_000  # objects loaded before the fork: never walked by a kernel's collections
    finally:
        stop_kernel(km)
        kernels.close_zygotes()


def test_kernels_die_with_their_zygote(monkeypatch):
    monkeypatch.delenv(kernels.ZYGOTE_ENV, raising=False)
    km = start_kernel("python3", str(NOTEBOOKS))
    try:
        zygote = next(iter(kernels._ZYGOTES.values())).proc
        kernel = km.provisioner.pid
        zygote.send_signal(signal.SIGKILL)
        zygote.wait()
        assert gone(kernel), "the kernel outlived its zygote"
    finally:
        stop_kernel(km)
        kernels.close_zygotes()
