"""Report kernels for a worker: each report gets a fresh ipykernel process.

A plain kernel start (``python -m ipykernel_launcher``) costs about 1.5 s of
CPU before the report's first line runs: the interpreter, ipykernel, pandas,
plotly and the report library, then plotly's validators and the locale data
on first use. In a meeting run that is paid once per report. Instead, the
run keeps a *zygote* (:mod:`analysis.run.zygote`) that has paid it once, and
each worker's kernels are forked from it, on the worker's own socket: still a separate process per report, with
nothing shared but what was loaded before the fork.

:class:`ZygoteProvisioner` is a jupyter_client provisioner that does this for
the standard Python kernel (``-m ipykernel_launcher``) on Linux. Any other
kernel, another system, ``ANALYSIS_KERNEL_ZYGOTE=0`` or a zygote that fails
falls back to jupyter_client's own launch, so a run never depends on it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import uuid

from jupyter_client.provisioning import LocalProvisioner

from analysis.run.lifetime import die_with_parent
from analysis.run.zygote import PRELOAD_MODULES

ZYGOTE_ENV = "ANALYSIS_KERNEL_ZYGOTE"  # "0" starts every kernel the plain way
ZYGOTE_TIMEOUT_S = 120.0  # for the zygote to import and warm up, under a loaded machine

# Run by a kernel started the plain way, as it starts, before its notebook is sent.
PRELOAD_CELL = (
    f"import importlib as _oas_il\nfor _oas_m in {PRELOAD_MODULES!r}:\n    try:\n        _oas_il.import_module(_oas_m)\n"
    "    except Exception:\n        pass\ndel _oas_il, _oas_m"
)


class ZygoteError(RuntimeError):
    """The zygote could not start or fork a kernel; the caller falls back to a plain start."""


class ForkedKernel:
    """The part of :class:`subprocess.Popen` jupyter_client uses, for a kernel that is the zygote's child.

    The worker cannot wait for another process's child; it watches a pidfd,
    which becomes readable when the kernel ends. The exit status belongs to
    the zygote (which waits for it) and is reported as 0, or as ``-signal``
    for a signal this object sent.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._sent: int | None = None
        self._fd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._fd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            self._ended()
        return self.returncode

    def _ended(self) -> None:
        os.close(self._fd)
        self.returncode = -self._sent if self._sent else 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._fd, signum)
            self._sent = self._sent or (signum if signum in (signal.SIGKILL, signal.SIGTERM) else None)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """A worker's socket to a zygote process.

    A run starts one zygote for all its workers, with a socket for each
    (:func:`start_zygotes`): the zygote's imports are paid once per run, and
    every kernel shares its pages. A worker without one starts its own.
    """

    def __init__(self, interpreter: tuple[str, ...], cwd: str, quiet: bool = False, sockets: int = 1):
        self.key = (interpreter, cwd)
        pairs = [socket.socketpair() for _ in range(max(1, sockets))]
        try:
            self.proc = subprocess.Popen(
                [*interpreter, "-m", "analysis.run.zygote", *(str(theirs.fileno()) for _, theirs in pairs)],
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL if quiet else None,  # a run's kernels write to its log (KERNEL_STDERR)
                pass_fds=tuple(theirs.fileno() for _, theirs in pairs),
                preexec_fn=die_with_parent,
            )
        finally:
            for _, theirs in pairs:
                theirs.close()
        self.shared = False  # True in a worker that adopted one of a run's sockets: the zygote is not its to end
        self._connect(pairs[0][0])
        self.others = [self._sibling(ours) for ours, _ in pairs[1:]]  # the same zygote's other sockets

    def _connect(self, ours: socket.socket) -> None:
        ours.settimeout(ZYGOTE_TIMEOUT_S)
        self.channel = ours
        self.answers = ours.makefile("rb")
        self.ready = False

    def _sibling(self, ours: socket.socket) -> Zygote:
        other = object.__new__(Zygote)
        other.key, other.proc, other.shared, other.others = self.key, self.proc, False, []
        other._connect(ours)
        return other

    def _read(self) -> dict:
        try:
            line = self.answers.readline()
        except OSError as exc:
            raise ZygoteError(f"no answer from the kernel zygote: {exc}") from exc
        if not line:
            raise ZygoteError(f"the kernel zygote ended (exit {self.proc.poll()})")
        return json.loads(line)

    def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """Fork a kernel running ``ipykernel_launcher argv``; return its pid."""
        if not self.ready:
            self._read()  # {"ready": true} once the zygote has imported and warmed up
            self.ready = True
        try:
            request = {"argv": argv, "env": env, "cwd": cwd, "stderr": KERNEL_STDERR.get("path")}
            self.channel.sendall(json.dumps(request).encode() + b"\n")
        except OSError as exc:
            raise ZygoteError(f"the kernel zygote is gone: {exc}") from exc
        answer = self._read()
        if "pid" not in answer:
            raise ZygoteError(f"the kernel zygote could not fork: {answer.get('error')}")
        return int(answer["pid"])

    def release(self) -> None:
        """Close this process's copy of the socket (a worker's copy of another worker's socket)."""
        self.answers.close()
        self.channel.close()

    def close(self) -> None:
        """Close the socket and end the zygote, with its kernels; a worker's share of a run's zygote is only
        closed (the run ends the zygote)."""
        try:
            self.release()
            if not self.shared:
                self.proc.kill()
                self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass


_ZYGOTES: dict[tuple[tuple[str, ...], str], Zygote] = {}  # per worker: (interpreter, cwd) -> its zygote
KERNEL_STDERR: dict[str, str] = {}  # "path": the file a worker's kernels write their stderr to


def zygotes_enabled() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and os.environ.get(ZYGOTE_ENV, "1") != "0"


def zygote_for(interpreter: tuple[str, ...], cwd: str) -> Zygote:
    key = (interpreter, cwd)
    if key not in _ZYGOTES:
        _ZYGOTES[key] = Zygote(interpreter, cwd)
    return _ZYGOTES[key]


def split_kernel_command(cmd: list[str]) -> tuple[tuple[str, ...], list[str]] | None:
    """``(interpreter with its options, kernel arguments)`` of a ``python [opts] -m ipykernel_launcher`` command.

    >>> split_kernel_command(["py", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"])
    (('py', '-Xfrozen_modules=off'), ['-f', 'c.json'])
    >>> split_kernel_command(["R", "--slave", "-e", "IRkernel::main()"]) is None
    True
    """
    for i in range(1, len(cmd) - 1):
        if cmd[i : i + 2] == ["-m", "ipykernel_launcher"]:
            return tuple(cmd[:i]), cmd[i + 2 :]
        if not cmd[i].startswith("-"):
            return None
    return None


def start_zygotes(kernel_name: str, cwd: str, count: int) -> list[Zygote]:
    """Start a zygote now with a socket for each of ``count`` workers to come (none if kernels start the
    plain way).

    A run starts it before it reads and plans, so that its imports use the
    CPU the parent leaves idle; each worker then adopts one socket.
    """
    if not zygotes_enabled() or count < 1:
        return []
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        split = split_kernel_command(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    except Exception:  # noqa: BLE001 - an unknown kernel fails later, with jupyter_client's own message
        return []
    if split is None:
        return []
    first = Zygote(split[0], cwd, quiet=True, sockets=count)
    return [first, *first.others]


def adopt_zygote(zygotes: list[Zygote], claim) -> None:
    """In a worker: take the next unclaimed socket of the run's zygote (``claim``: a shared counter); release
    this process's copies of the others."""
    if not zygotes:
        return
    with claim.get_lock():
        index = claim.value
        claim.value += 1
    for i, zygote in enumerate(zygotes):
        if i == index:
            zygote.shared = True
            _ZYGOTES[zygote.key] = zygote
        else:
            zygote.release()


def close_zygotes() -> None:
    while _ZYGOTES:
        _ZYGOTES.popitem()[1].close()


class ZygoteProvisioner(LocalProvisioner):
    """Launch the standard Python kernel by forking the worker's zygote (the run's, or its own); anything else the plain way."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        cwd = str(kwargs.get("cwd") or os.getcwd())
        split = split_kernel_command(cmd)
        if split is None:
            return await super().launch_kernel(cmd, **kwargs)
        interpreter, argv = split
        try:
            pid = zygote_for(interpreter, cwd).fork(argv, dict(kwargs.get("env") or os.environ), cwd)
        except (ZygoteError, OSError, ValueError) as exc:
            self.log.warning("kernel zygote unavailable (%s); starting the kernel the plain way", exc)
            broken = _ZYGOTES.pop((interpreter, cwd), None)
            if broken is not None:
                broken.close()
            return await super().launch_kernel(cmd, **kwargs)
        try:
            process = ForkedKernel(pid)
        except OSError as exc:  # no pidfd on this system (Linux before 5.3): the kernel cannot be watched
            self.log.warning("cannot watch a forked kernel (%s); starting kernels the plain way", exc)
            os.kill(pid, signal.SIGKILL)
            os.environ[ZYGOTE_ENV] = "0"  # for this worker's next kernels too
            return await super().launch_kernel(cmd, **kwargs)
        self.process = process
        self.pid = self.pgid = pid  # the kernel calls setsid(): its own process group
        self.cwd = cwd
        return self.connection_info


def start_kernel(kernel_name: str, cwd: str):
    """A fresh kernel for one report; with the zygote, it is forked ready; else it imports as it starts."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name=kernel_name)
    if zygotes_enabled():
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = ZygoteProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    asyncio.run(
        km.start_kernel(
            cwd=cwd,
            preexec_fn=die_with_parent,
            extra_arguments=[
                f"--IPKernelApp.exec_lines={PRELOAD_CELL}",
                "--HistoryManager.enabled=False",  # no SQLite history for a batch run
            ],
        )
    )
    return km


def stop_kernel(km) -> None:
    import asyncio

    try:
        asyncio.run(km.shutdown_kernel(now=True))
    except Exception:  # noqa: BLE001 - best-effort shutdown of a kernel that may already be gone
        pass
