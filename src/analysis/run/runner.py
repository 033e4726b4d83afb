"""The meeting run: every report of a meeting, in parallel, incrementally.

:func:`run_meeting` checks its arguments, plans the reports
(:mod:`analysis.run.plan`), executes the ones whose inputs changed with
papermill in a process pool (:mod:`analysis.run.worker`: real kernels forked
from a preloaded zygote, papermill in-process, HTML rendered in the worker),
prints the PDFs through two Chromiums driven by threads of the parent
(:mod:`analysis.run.pdf`), and writes the
manifest (:mod:`analysis.run.ledger`), the landing pages and the run page
(:mod:`analysis.run.index`).

Files of a meeting folder::

    reports/<meeting>/index.html        links to the landing page of each language
    reports/<meeting>/<lang>/index.html the landing page a delegate opens
    reports/<meeting>/run.html          build details: status, seconds, notebooks, logs
    reports/<meeting>/<lang>/<name>.html and .pdf
    reports/<meeting>/assets/plotly.min.js  shared by every page (none with single_file)
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.common.slugs import inside, slug
from analysis.dataset.meetings import Meeting
from analysis.run.kernels import start_zygotes
from analysis.run.ledger import RunLedger
from analysis.run.plan import (
    FORMATS,
    LANGS,
    PLAN_COLUMNS,
    Report,
    RunOptions,
    check_options,
    key_reports,
    plan_reports,
)
from analysis.run.plan import package_source_hash as package_source_hash
from analysis.run.worker import execute_report, preload, worker_init
from analysis.store.atomic import atomic_write_text

MAX_BROWSERS = 2  # Chromiums printing at once: with more, they only compete with the kernels for the CPU

__all__ = ["FORMATS", "LANGS", "RunOptions", "RunResult", "plan_reports", "key_reports", "run_meeting"]


@dataclass
class RunResult:
    meeting_dir: Path
    entries: list[dict] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e["status"] == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


def keep_snapshot(meeting: Meeting, data_path: Path | None, version: str, say) -> None:
    """Keep the tables this meeting's reports are made from, the base of the next meeting's "what changed".

    Only the master tables are snapshotted, where :class:`config.DataLayout`
    puts snapshots: another folder or a workbook is someone's copy, not the
    program's record. A snapshot is rewritten only when the data changed
    since the meeting's last one.
    """
    import json

    from analysis.store.snapshots import SNAPSHOT_INFO, save_snapshot

    layout = config.DataLayout.of(data_path)
    if not layout.tables.is_dir() or not layout.is_master:
        return
    info = layout.snapshots / str(meeting.meeting_id) / SNAPSHOT_INFO
    try:
        if json.loads(info.read_text(encoding="utf-8")).get("data_version") == version:
            return
    except (OSError, ValueError):
        pass
    dest = save_snapshot(meeting.meeting_id, layout.tables, layout.snapshots)
    say(f"snapshot of the data for meeting {meeting.meeting_id}: {dest}")


def _normalise(opts: RunOptions) -> RunOptions:
    """Absolute paths (kernels run in the notebooks folder) and the formats in order, PDF needing HTML."""
    formats = tuple(f for f in FORMATS if f in opts.formats)
    if "pdf" in formats:
        formats = ("html", "pdf")  # the PDF is printed from the HTML
    data = Path(opts.data_path).resolve() if opts.data_path is not None else None
    return dataclasses.replace(opts, formats=formats, data_path=data, notebooks_dir=Path(opts.notebooks_dir).resolve())


def _sort(ledger: RunLedger, reports: list[Report], formats) -> tuple[list[Report], list[Report]]:
    """Split the plan into reports to execute and reports whose HTML is current but PDF missing."""
    to_execute, to_print = [], []
    for r in reports:
        ledger.add(r)
        if not r.notebook_path.exists():
            ledger.skip(r, f"notebook {r.notebook_path.name} not found in {r.notebook_path.parent}")
            continue
        fresh = {f: ledger.up_to_date(r, f) for f in formats}
        if all(fresh.values()):
            ledger.skip(r, "unchanged since the last run", keep_outputs=True)
        elif fresh["html"]:
            ledger.keep_html(r)
            to_print.append(r)
        else:
            to_execute.append(r)
    # Program-wide reports are the longest: start them first so no worker idles at the end.
    to_execute.sort(key=lambda r: r.implementer != "")
    return to_execute, to_print


def _job(r: Report, opts: RunOptions, meeting_dir: Path, data_version: str, langs) -> dict:
    return {
        "report_id": r.report_id,
        "notebook_path": str(r.notebook_path),
        "parameters": r.parameters,
        "paths": r.paths,
        "meeting_dir": str(meeting_dir),
        "kernel_name": opts.kernel_name,
        "cell_timeout": opts.cell_timeout,
        "cwd": str(opts.notebooks_dir),
        "page": {
            "title": r.title,
            "meeting": opts.meeting.title(r.lang),
            "as_of": opts.meeting.as_of.isoformat(),
            "data_version": data_version,
            "lang": r.lang,
            "slug": r.slug,
            "langs": tuple(langs),
            "single_file": opts.single_file,
        },
    }


class _Printers:
    """The run's Chromiums, one per printing thread, each restarted after a failure.

    Printing is mostly Chromium's work; with one browser the parent printed
    PDFs more slowly than the workers produced pages, and the last reports
    waited in its queue. Each thread takes a free browser, prints one report
    and gives the browser back; the ledger is written by the main thread only.
    """

    def __init__(self, opts: RunOptions, ledger: RunLedger, count: int):
        import queue

        from analysis.run.pdf import Browser

        self.browsers = [Browser(opts.chromium) for _ in range(max(1, count))]
        self.free: queue.Queue = queue.Queue()
        self.ledger = ledger
        self.threads = ThreadPoolExecutor(max_workers=len(self.browsers), thread_name_prefix="pdf")

    def start(self) -> None:
        """Start every browser from the main thread (a child dies with the thread that started it)."""
        for browser in self.browsers:
            browser.start()
            self.free.put(browser)
        self.ledger.browser_version = self.browsers[0].version

    def submit(self, r: Report, meeting: Meeting) -> Future:
        """Print ``r`` in a thread; the future gives ``(error or None, seconds)``."""
        from analysis.run.pdf import DocumentInfo

        d = self.ledger.meeting_dir
        info = DocumentInfo(r.title, meeting.title(r.lang), meeting.as_of.isoformat(), self.ledger.data_version, r.lang)
        return self.threads.submit(self._print, d / r.paths["html"], inside(d, r.paths["pdf"]), info)

    def _print(self, html: Path, pdf: Path, info) -> tuple[str | None, float]:
        t0 = time.perf_counter()
        browser = self.free.get()
        try:
            if browser.proc is None:  # closed after an error
                browser.start()
            browser.print_pdf(html, pdf, info)
            return None, time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - isolation boundary: one bad page must not stop the others
            browser.close()  # a fresh browser for the next report
            return f"PDF failed: {exc}", time.perf_counter() - t0
        finally:
            self.free.put(browser)

    def record(self, r: Report, outcome: tuple[str | None, float]) -> None:
        error, seconds = outcome
        if error is None:
            self.ledger.printed(r, seconds)
            return
        self.ledger.failed(r, error, seconds)
        d = self.ledger.meeting_dir
        atomic_write_text(inside(d, r.paths["log"]), f"{r.report_id}: {self.ledger.entries[r.report_id]['error']}\n")

    def close(self) -> None:
        self.threads.shutdown(wait=True, cancel_futures=True)
        for browser in self.browsers:
            browser.close()


def _pool(opts: RunOptions, meeting_dir: Path, workers: int, data_version: str, zygotes: list) -> ProcessPoolExecutor:
    preload()  # before the fork, so that workers share it (done already if the run read the data)
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    data = str(Path(opts.data_path or config.PROGRAM_DIR).resolve())
    stderr = str(meeting_dir / "logs" / "kernels.stderr")
    # Forked workers inherit the zygote's sockets (and its process handle); each claims one.
    shared = (zygotes, ctx.Value("i", 0)) if zygotes and ctx.get_start_method() == "fork" else None
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=worker_init,
        initargs=(stderr, opts.kernel_name, str(opts.notebooks_dir), (data, data_version), shared),
    )


def _produce(
    opts: RunOptions, ledger: RunLedger, to_execute: list[Report], to_print: list[Report], zygotes: list
) -> None:
    """Execute, render and print; every outcome goes to the ledger (from this thread only)."""
    meeting_dir, meeting = ledger.meeting_dir, opts.meeting
    workers = min(opts.jobs or os.cpu_count() or 1, len(to_execute))
    printers = None
    if "pdf" in opts.formats and (to_execute or to_print):
        printers = _Printers(opts, ledger, min(max(workers, 1), MAX_BROWSERS, len(to_execute) + len(to_print)))
    pool, executing, printing = None, {}, {}
    try:
        if to_execute:
            pool = _pool(opts, meeting_dir, workers, ledger.data_version, zygotes)
            # A worker starts the next report's kernel while it runs one (len - workers kernels in all). With
            # several workers the first report, the longest, is not the one that frees its worker first.
            first = 1 if workers > 1 else 0
            for i, r in enumerate(to_execute):
                job = _job(r, opts, meeting_dir, ledger.data_version, opts.langs)
                job["prewarm"] = first <= i < len(to_execute) - workers + first
                executing[pool.submit(execute_report, job)] = r
        if printers is not None:
            printers.start()  # boot while the first notebooks run
        for r in to_print:  # HTML is current, only the PDF is missing
            ledger.running(r)
            printing[printers.submit(r, meeting)] = r
        pending = set(executing) | set(printing)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                r = executing.get(fut) or printing[fut]
                if fut in printing:
                    printers.record(r, fut.result())
                    note = "(PDF only)" if r in to_print else None
                else:
                    try:
                        res = fut.result()
                    except Exception as exc:  # noqa: BLE001 - the worker process itself died; recorded, not raised
                        res = {"status": "failed", "error": f"worker failed: {type(exc).__name__}: {exc}"}
                    entry = ledger.executed(r, res)
                    if entry["status"] == "ok" and printers is not None:
                        new = printers.submit(r, meeting)
                        printing[new] = r
                        pending.add(new)
                        continue
                    note = None
                entry = ledger.entries[r.report_id]
                seconds = sum(entry.get(k) or 0 for k in ("execute_s", "render_s", "pdf_s"))
                ledger.finish(r, note or f"({seconds:.1f} s)")
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if printers is not None:
            printers.close()


def run_meeting(opts: RunOptions) -> RunResult:
    """Produce every report of ``opts.meeting``; failures are recorded, not raised.

    Arguments are checked and the plan is made before anything is written.
    """
    check_options(opts)
    opts = _normalise(opts)
    # The kernel zygote imports and warms up on the CPU this process leaves while it reads and plans.
    zygotes = start_zygotes(opts.kernel_name, str(opts.notebooks_dir), opts.jobs or os.cpu_count() or 1)
    try:
        return _run(opts, zygotes)
    finally:
        for zygote in zygotes:
            zygote.close()


def _run(opts: RunOptions, zygotes: list) -> RunResult:
    import pyarrow as pa

    from analysis.dataset.loading import has_snapshot, load_dataset
    from analysis.run.index import write_pages
    from analysis.run.rendering import write_assets

    meeting_dir = inside(Path(opts.out_dir), slug(opts.meeting.meeting_id))
    # What the workers use (papermill, nbconvert's templates) is loaded before they fork, so that they share
    # it. When the data must be read and validated, in a thread meanwhile (mostly Arrow's work, outside the
    # GIL); when a snapshot is there, only if a report is to run (an unchanged re-run then takes 1 s, not 1.7).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="preload") as thread:
        preloading = None if has_snapshot(opts.data_path) else thread.submit(preload)
        ds = load_dataset(opts.data_path, columns=PLAN_COLUMNS)
    if preloading is not None:
        preloading.result()
    reports = plan_reports(ds, opts.meeting, opts.notebooks_dir, opts.langs, opts.implementers, opts.data_path)
    version = ds.version
    del ds  # the kernels read their own copy: workers fork from a small parent (at 1M: 790 -> 260 MB)
    pa.default_memory_pool().release_unused()
    source_hash = package_source_hash()
    key_reports(reports, version, source_hash, opts.meeting)
    ledger = RunLedger(opts, meeting_dir, version, source_hash)
    to_execute, to_print = _sort(ledger, reports, opts.formats)
    # Everything above only read; from here on the run writes.
    say = opts.log or (lambda line: print(line, file=sys.stderr, flush=True))
    keep_snapshot(opts.meeting, opts.data_path, version, say)
    (meeting_dir / "logs").mkdir(parents=True, exist_ok=True)
    if not opts.single_file:
        write_assets(meeting_dir)
    ledger.start(len(to_execute) + len(to_print))
    try:
        _produce(opts, ledger, to_execute, to_print, zygotes)
    finally:
        write_pages(ledger.close(), meeting_dir)
    return RunResult(meeting_dir, list(ledger.entries.values()))
