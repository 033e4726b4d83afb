"""The kernel zygote: one preloaded interpreter that forks each report's kernel.

Started as ``python -m analysis.run.zygote FD [FD...]`` (see
:mod:`analysis.run.kernels`): by a meeting run, with one socket per worker
(every worker of the run forks its kernels from the one zygote, so that the
imports are paid once per run), or by a worker for itself. It imports what every report kernel imports
(ipykernel, pandas, plotly, the report library) and warms it up
(:func:`analysis.report.warmup.warm_up`), once. Then, for each request on the
sockets (one JSON line: the kernel's arguments, environment and working
folder), it forks and answers on the socket the request came on. The child becomes a fresh ipykernel process, as
``python -m ipykernel_launcher ARGS`` would, only without paying about 1.5 s of
CPU for the interpreter, the imports and the first chart. Each report still
gets its own kernel process with its own memory: nothing one report does is
seen by the next.

Lifetime: the zygote dies with the process that started it (the run, or the
worker) and each kernel with its zygote
(``PR_SET_PDEATHSIG``); a kernel also watches the zygote through ipykernel's
parent poller (``JPY_PARENT_PID``). The zygote waits for each kernel as it ends
(SIGCHLD), so none stays a zombie and its CPU time is counted with the
zygote's; the worker sees a kernel's end through a pidfd.

The zygote holds no data: it never reads the program's tables. Threads that
the imports start (Arrow's and jemalloc's, idle) do not cross a fork; Arrow
and jemalloc re-initialise their state in the child.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys

# Imported by the zygote before any kernel is forked (and by a kernel started the plain way, as it starts).
PRELOAD_MODULES = (
    "ipykernel.kernelapp",
    "pandas",
    "pyarrow.ipc",
    "plotly.graph_objects",
    "plotly.io",
    "analysis",
    "analysis.report.content",
    "analysis.report.charts",
    "analysis.report.tables",
    "analysis.report.warmup",
)


def preload() -> None:
    """Import and warm up what every report kernel uses; a module that fails to import is left to the kernel."""
    import importlib

    for name in PRELOAD_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the kernel will import it itself and show the real error
            pass
    warmup = sys.modules.get("analysis.report.warmup")
    if warmup is not None:
        try:
            warmup.warm_up()
        except Exception:  # noqa: BLE001 - warming up is an optimisation; the report will fail on its own terms
            pass


def _kernel(request: dict, channels: list[socket.socket], zygote_cwd: str) -> None:
    """In the forked child: become an ipykernel process. Never returns."""
    code = 1
    try:
        for channel in channels:
            os.close(channel.detach())  # the kernel holds none of the zygote's sockets
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own subprocesses
        zygote = os.getppid()
        from analysis.run.lifetime import die_with_parent

        die_with_parent()
        if os.getppid() != zygote:  # the zygote died between fork and prctl
            os._exit(1)
        os.setsid()  # its own process group, as jupyter_client gives a kernel: an interrupt reaches only it
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if request.get("stderr"):  # the run's log of kernel warnings
            log = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(log, 2)
            os.close(log)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # ipykernel's poller watches the zygote, which dies with the worker. Its default was read from the
        # environment when the zygote imported ipykernel, so it is given as an argument.
        os.environ["JPY_PARENT_PID"] = str(zygote)
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={zygote}"]
        if sys.path and sys.path[0] == zygote_cwd:
            del sys.path[0]  # as ipykernel_launcher does; the shell puts '' back
        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *argv]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - a child of the zygote must never return into the zygote's loop
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - exiting anyway
                pass
        os._exit(code)


def serve(channels: list[socket.socket]) -> None:
    """Answer fork requests, on each socket, until every socket is closed by its worker."""
    import selectors

    cwd = os.getcwd()
    watch = selectors.DefaultSelector()
    for channel in channels:
        try:
            channel.sendall(json.dumps({"ready": True, "pid": os.getpid()}).encode() + b"\n")
        except OSError:  # nobody holds that socket any more (a run with fewer workers than sockets)
            continue
        # Buffered: a request (a few kB of environment) in one or two reads. A worker sends its next
        # request only after the answer to the last, so no second line waits in a buffer unseen.
        watch.register(channel, selectors.EVENT_READ, channel.makefile("rb"))
    while watch.get_map():
        for key, _ in watch.select():
            line = key.data.readline()
            if not line:  # that worker is done
                watch.unregister(key.fileobj)
                continue
            answer = _fork(line, channels, cwd, watch)
            try:
                key.fileobj.sendall(json.dumps(answer).encode() + b"\n")
            except OSError:  # the worker went away between its request and our answer
                watch.unregister(key.fileobj)


def _fork(line: bytes, channels: list[socket.socket], cwd: str, watch) -> dict:
    try:
        request = json.loads(line)
        pid = os.fork()
    except (ValueError, OSError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    if pid == 0:
        watch.close()  # the child's copy of the selector (its epoll descriptor)
        _kernel(request, channels, cwd)
    return {"pid": pid}


def _reap(*_) -> None:
    """Wait for every ended kernel (so that its resource use is added to the zygote's, as for any child)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(argv: list[str]) -> int:
    from analysis.run.lifetime import die_with_parent

    die_with_parent()
    channels = [socket.socket(fileno=int(fd)) for fd in argv]
    if sys.path and sys.path[0] == os.getcwd():
        del sys.path[0]  # imports resolve as in a kernel started by ipykernel_launcher
    signal.signal(signal.SIGCHLD, _reap)  # kernels never stay zombies; their CPU time counts as ours
    preload()
    # What was loaded stays out of the collector's sight in every kernel: a collection in a kernel then
    # neither walks nor writes to those pages (each write would copy a page the zygote shares).
    gc.collect()
    gc.freeze()
    serve(channels)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
