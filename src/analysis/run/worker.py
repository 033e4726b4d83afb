"""The worker side of a meeting run: execute one notebook and render its page.

Workers are processes of a pool started by the runner. Each report gets a
fresh kernel (:mod:`analysis.run.kernels`: forked from the run's
preloaded zygote), started one report ahead so its start-up overlaps the
previous report. Workers and kernels die with the runner: on Linux each asks the
kernel for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``): the
run's zygote dies with the runner (one a worker started for itself, with
the worker), and each kernel with its zygote (or its worker,
when started the plain way), which it also watches (``JPY_PARENT_PID``,
ipykernel's poller).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
import time
import traceback
from pathlib import Path

from analysis.common.slugs import inside
from analysis.run.kernels import KERNEL_STDERR, adopt_zygote, close_zygotes, start_kernel, stop_kernel
from analysis.run.lifetime import die_with_parent
from analysis.store.atomic import atomic_write_text

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_WARM: dict[tuple[str, str], object] = {}  # per worker: a kernel started ahead for the next report


def skip_slow_jsonschema_formats() -> None:
    """Make importing nbformat take about 0.3 s instead of 3.

    jsonschema imports the optional ``rfc3987_syntax`` (only used for the "iri"
    format, which notebook schemas do not use) and that compiles ~40 grammars at
    import. jsonschema guards that import with ``suppress(ImportError)``, so a
    ``None`` entry in ``sys.modules`` cleanly switches it off.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _stop_warm_kernels() -> None:
    while _WARM:
        stop_kernel(_WARM.popitem()[1])
    close_zygotes()


def worker_init(
    stderr_path: str,
    kernel_name: str,
    cwd: str,
    data_version: tuple[str, str] | None = None,
    zygotes: tuple[list, object] | None = None,
) -> None:
    """Set a pool worker up: its log, the run's data version, its zygote (``zygotes``: the run's and a claim counter)."""
    from multiprocessing.util import Finalize

    from analysis.dataset.cache import RUN_VERSION

    die_with_parent()
    if zygotes is not None:
        adopt_zygote(*zygotes)
    KERNEL_STDERR["path"] = stderr_path
    if data_version is not None:  # (resolved data path, version): kernels read that snapshot without hashing
        os.environ[RUN_VERSION] = "\n".join(data_version)
    # Kernels inherit stderr and print start-up warnings there; keep them out of the terminal.
    fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    skip_slow_jsonschema_formats()
    Finalize(None, _stop_warm_kernels, exitpriority=10)  # no kernel outlives its worker
    _WARM[(kernel_name, cwd)] = start_kernel(kernel_name, cwd)


@functools.cache
def preload() -> None:
    """Load what every worker needs (papermill, nbconvert's compiled templates) once, before the fork."""
    skip_slow_jsonschema_formats()
    import jupyter_client.manager  # noqa: F401
    import nbconvert  # noqa: F401
    import nbformat
    import papermill  # noqa: F401
    from nbformat.v4 import new_notebook

    from analysis.run.rendering import render_body

    render_body(new_notebook())  # compiles the templates once
    nbformat.validate(new_notebook())


def _execute(job: dict, tmp: Path) -> tuple[object, dict, str | None]:
    """Run the notebook into ``tmp``; return (notebook or None, result fields, log text or None)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    where = (job["kernel_name"], job["cwd"])
    km = None
    try:
        km = _WARM.pop(where, None) or start_kernel(*where)
        if job.get("prewarm"):
            _WARM[where] = start_kernel(*where)
        nb = papermill.execute_notebook(
            job["notebook_path"],
            str(tmp),
            parameters=job["parameters"],
            kernel_name=job["kernel_name"],
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=job["cwd"],
            km=km,
            execution_timeout=job["cell_timeout"],
        )
        return nb, {"status": "ok"}, None
    except PapermillExecutionError as exc:
        log = "\n".join(_ANSI.sub("", line) for line in exc.traceback)
        return None, {"status": "failed", "error": f"cell {exc.cell_index + 1}: {exc.ename}: {exc.evalue}"}, log
    except Exception as exc:  # noqa: BLE001 - isolation boundary: this report fails, not the run
        return (
            None,
            {"status": "failed", "error": f"{type(exc).__name__}: {exc}".splitlines()[0]},
            traceback.format_exc(),
        )
    finally:
        if km is not None:
            stop_kernel(km)


def _render(job: dict, nb, nb_path: Path) -> tuple[dict, str | None]:
    import nbformat

    from analysis.run.rendering import PageContext, render_html

    try:
        nb = nb if nb is not None else nbformat.read(nb_path, as_version=4)
        context = PageContext(generated=dt.datetime.now().astimezone().isoformat(timespec="minutes"), **job["page"])
        path = inside(Path(job["meeting_dir"]), job["paths"]["html"])
        atomic_write_text(path, render_html(nb, context))
        return {}, None
    except Exception as exc:  # noqa: BLE001 - isolation boundary: this report fails, not the run
        error = f"HTML rendering failed: {type(exc).__name__}: {exc}".splitlines()[0]
        return {"status": "failed", "error": error}, traceback.format_exc()


def execute_report(job: dict) -> dict:
    """Execute one notebook with papermill and render its HTML (runs in a worker process)."""
    skip_slow_jsonschema_formats()
    meeting_dir = Path(job["meeting_dir"])
    paths = job["paths"]
    nb_path = inside(meeting_dir, paths["notebook"])
    log_path = inside(meeting_dir, paths["log"])
    nb_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = nb_path.with_name(f".{nb_path.stem}.{os.getpid()}.tmp.ipynb")
    t0 = time.perf_counter()
    nb, result, log = _execute(job, tmp)
    if tmp.exists():
        os.replace(tmp, nb_path)  # kept on failure too: it carries papermill's error markers
    result.update(report_id=job["report_id"], execute_s=round(time.perf_counter() - t0, 3))
    result.setdefault("error", None)
    t1 = time.perf_counter()
    if result["status"] == "ok":
        failed, log = _render(job, nb, nb_path)
        result.update(failed)
    result["render_s"] = round(time.perf_counter() - t1, 3)
    if log is not None:
        atomic_write_text(log_path, f"{job['report_id']}: {result['error']}\n\n{log}\n")
    elif log_path.exists():
        log_path.unlink()
    return result
