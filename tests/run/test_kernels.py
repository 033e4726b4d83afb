"""Report kernels forked from a worker's zygote: real kernels, each its own process, with a plain fallback."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import kernel_evaluate as evaluate

from analysis.run import kernels
from analysis.run.kernels import ForkedKernel, split_kernel_command, start_kernel, stop_kernel

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the zygote forks (Linux)")
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture
def zygote_env(monkeypatch):
    monkeypatch.delenv(kernels.ZYGOTE_ENV, raising=False)
    yield
    kernels.close_zygotes()


def test_the_kernel_is_a_fresh_process_forked_from_the_zygote(zygote_env, tmp_path):
    km = start_kernel("python3", str(NOTEBOOKS))
    try:
        assert isinstance(km.provisioner, kernels.ZygoteProvisioner)
        assert isinstance(km.provisioner.process, ForkedKernel)
        zygote = next(iter(kernels._ZYGOTES.values())).proc.pid
        info = evaluate(
            km,
            "(os.getpid(), os.getppid(), os.getpgid(0), os.getcwd(), os.environ['JPY_PARENT_PID'], "
            "'pandas' in _before, 'analysis.report.content' in _before)",
            "import os, sys\n_before = set(sys.modules)",
        )
        pid, ppid, pgid, cwd, parent_env, pandas_loaded, report_loaded = info
        assert pid == km.provisioner.pid and ppid == zygote
        assert pgid == pid  # its own process group: an interrupt reaches only this kernel
        assert cwd == str(NOTEBOOKS)
        assert parent_env == str(zygote)
        assert pandas_loaded and report_loaded  # imported once in the zygote, not by the kernel
    finally:
        stop_kernel(km)
    assert km.provisioner is None or km.provisioner.process is None or km.provisioner.process.poll() is not None


def test_two_kernels_share_nothing(zygote_env):
    first, second = start_kernel("python3", str(NOTEBOOKS)), start_kernel("python3", str(NOTEBOOKS))
    try:
        assert first.provisioner.pid != second.provisioner.pid
        assert evaluate(first, "secret", "secret = 'first report'\nimport analysis; analysis._oas_mark = 1") == (
            "first report"
        )
        assert evaluate(second, "('secret' in globals(), hasattr(__import__('analysis'), '_oas_mark'))") == (
            False,
            False,
        )
    finally:
        stop_kernel(first)
        stop_kernel(second)


def test_stopping_a_kernel_ends_its_process(zygote_env):
    km = start_kernel("python3", str(NOTEBOOKS))
    process = km.provisioner.process
    assert process.poll() is None
    stop_kernel(km)
    assert isinstance(process.wait(timeout=10), int)  # jupyter_client killed its process group
    deadline = time.monotonic() + 5
    while Path(f"/proc/{process.pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{process.pid}").exists()  # waited for by the zygote, not left a zombie


def test_a_dead_zygote_falls_back_then_is_replaced(zygote_env):
    km = start_kernel("python3", str(NOTEBOOKS))
    stop_kernel(km)
    zygote = next(iter(kernels._ZYGOTES.values()))
    zygote.proc.kill()
    zygote.proc.wait()
    km = start_kernel("python3", str(NOTEBOOKS))  # the socket is closed: started the plain way
    try:
        assert not isinstance(km.provisioner.process, ForkedKernel)
        assert evaluate(km, "1 + 1") == 2
        assert not kernels._ZYGOTES  # the dead zygote was dropped
    finally:
        stop_kernel(km)
    km = start_kernel("python3", str(NOTEBOOKS))  # a new zygote
    try:
        assert isinstance(km.provisioner.process, ForkedKernel)
        assert evaluate(km, "2 + 2") == 4
    finally:
        stop_kernel(km)


def test_the_zygote_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(kernels.ZYGOTE_ENV, "0")
    km = start_kernel("python3", str(NOTEBOOKS))
    try:
        assert not isinstance(km.provisioner, kernels.ZygoteProvisioner)
        cmdline = Path(f"/proc/{km.provisioner.pid}/cmdline").read_bytes()
        assert b"ipykernel_launcher" in cmdline
        assert evaluate(km, "1 + 2") == 3
    finally:
        stop_kernel(km)
    assert not kernels._ZYGOTES


def test_forked_kernel_waits_and_times_out():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        process = ForkedKernel(child.pid)
        assert process.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.2)
        t0 = time.monotonic()
        process.terminate()
        assert process.wait(timeout=10) == -signal.SIGTERM
        assert time.monotonic() - t0 < 10
        process.kill()  # after the end: nothing to signal, no error
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        (["py", "-m", "ipykernel_launcher", "-f", "c.json"], (("py",), ["-f", "c.json"])),
        (["py", "-X", "-m", "ipykernel_launcher"], (("py", "-X"), [])),
        (["py", "-m", "ipykernel", "-f", "c.json"], None),  # `ipykernel` alone is another entry point
        (["py", "script.py", "-m", "ipykernel_launcher"], None),  # a script, not the launcher
        (["py"], None),
    ],
)
def test_split_kernel_command(cmd, expected):
    assert split_kernel_command(cmd) == expected


def test_a_kernels_cpu_time_is_counted_with_its_zygotes(zygote_env):

    km = start_kernel("python3", str(NOTEBOOKS))
    zygote = next(iter(kernels._ZYGOTES.values())).proc.pid
    evaluate(km, "1", "x = sum(i * i for i in range(3_000_000))")  # some CPU in the kernel
    stop_kernel(km)

    def children_cpu() -> float:  # cutime + cstime of the zygote, in clock ticks
        fields = Path(f"/proc/{zygote}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[13]) + int(fields[14])

    deadline = time.monotonic() + 5
    while children_cpu() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children_cpu() > 0  # so `time` of a run counts its kernels


def test_closing_the_zygotes_ends_them_and_their_kernels(zygote_env):
    km = start_kernel("python3", str(NOTEBOOKS))  # left running, as a worker that dies mid-report would
    pids = [km.provisioner.pid, next(iter(kernels._ZYGOTES.values())).proc.pid]
    kernels.close_zygotes()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{p}").exists() for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in pids if Path(f"/proc/{p}").exists()]
    stop_kernel(km)


def test_a_runs_zygote_is_started_ahead_and_each_worker_adopts_a_socket_of_it(zygote_env, tmp_path):
    import multiprocessing

    started = kernels.start_zygotes("python3", str(NOTEBOOKS), 2)
    try:
        assert len(started) == 2 and len({z.proc.pid for z in started}) == 1  # one process: imports paid once
        claim = multiprocessing.get_context("fork").Value("i", 0)
        kernels.adopt_zygote(started, claim)  # as the first worker does after the fork
        assert claim.value == 1
        assert list(kernels._ZYGOTES.values()) == [started[0]]
        assert started[1].channel.fileno() == -1  # this worker's copy of the other's socket is released
        kernels.KERNEL_STDERR["path"] = str(tmp_path / "kernels.stderr")
        km = start_kernel("python3", str(NOTEBOOKS))
        try:
            assert Path(f"/proc/{km.provisioner.pid}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(
                started[0].proc.pid
            )
            evaluate(km, "1", "import sys; print('to the log', file=sys.__stderr__, flush=True)")
            assert "to the log" in (tmp_path / "kernels.stderr").read_text()  # the run's log, not the terminal
        finally:
            stop_kernel(km)
    finally:
        kernels.KERNEL_STDERR.clear()
        for zygote in started:
            zygote.close()


def test_no_zygotes_ahead_when_switched_off(monkeypatch):
    monkeypatch.setenv(kernels.ZYGOTE_ENV, "0")
    assert kernels.start_zygotes("python3", str(NOTEBOOKS), 2) == []


def test_without_pidfd_the_forked_kernel_is_killed_and_kernels_start_plainly(zygote_env, monkeypatch):
    def no_pidfd(pid):
        no_pidfd.pid = pid
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(kernels.os, "pidfd_open", no_pidfd)
    km = start_kernel("python3", str(NOTEBOOKS))
    try:
        assert not isinstance(km.provisioner.process, ForkedKernel)
        assert evaluate(km, "3 * 3") == 9
        deadline = time.monotonic() + 5
        while Path(f"/proc/{no_pidfd.pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{no_pidfd.pid}").exists()  # the forked kernel nobody could watch is gone
        assert os.environ[kernels.ZYGOTE_ENV] == "0"
    finally:
        stop_kernel(km)
        os.environ.pop(kernels.ZYGOTE_ENV, None)


def test_two_workers_fork_their_kernels_from_the_runs_one_zygote(zygote_env):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    started = kernels.start_zygotes("python3", str(NOTEBOOKS), 2)
    claim, out = ctx.Value("i", 0), ctx.Queue()

    def worker():  # as a pool worker: adopt a socket, run a kernel, end (closing only its share)
        kernels.adopt_zygote(started, claim)
        km = start_kernel("python3", str(NOTEBOOKS))
        try:
            parent = int(Path(f"/proc/{km.provisioner.pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            out.put((parent, evaluate(km, "6 * 7")))
        finally:
            stop_kernel(km)
            kernels.close_zygotes()

    try:
        workers = [ctx.Process(target=worker) for _ in range(2)]
        for w in workers:
            w.start()
        results = [out.get(timeout=120) for _ in workers]
        for w in workers:
            w.join(30)
        assert results == [(started[0].proc.pid, 42)] * 2
        assert [w.exitcode for w in workers] == [0, 0]
        assert started[0].proc.poll() is None  # the workers' ends did not end it: the run does
    finally:
        for zygote in started:
            zygote.close()
    assert started[0].proc.poll() is not None
