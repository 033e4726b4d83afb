"""The meeting run: every report of a meeting, in parallel, incrementally.

:func:`plan_reports` lists the reports (one implementer report per
implementer with data, plus the program-wide reports, per language).
:func:`run_meeting` executes the ones whose inputs changed with papermill in a
process pool (real kernels, papermill in-process so no CLI start-up), renders
HTML in the worker with nbconvert, prints every PDF through one Chromium in
the parent, and writes ``manifest.json`` and ``index.html``.

Every report is keyed by a hash of its notebook bytes, the data version, its
parameters and the ``analysis`` package source; a report whose key and
outputs are unchanged is skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config, i18n
from analysis.common.hashing import sha256_bytes, sha256_json
from analysis.common.slugs import inside, slug
from analysis.dataset.meetings import Meeting
from analysis.errors import UsageError
from analysis.store.atomic import atomic_write_text as _atomic_write_text

IMPLEMENTER_REPORT = "implementer_report"
PROGRAM_REPORTS = ("program_overview", "absentee_voting")
LANGS = ("en", "es")
FORMATS = ("html", "pdf")
# The index/page title of each program-wide report (catalogue keys).
TITLE_KEYS = {"program_overview": "report.overview.title", "absentee_voting": "report.absentee.short_title"}
PACKAGES = ("papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "plotly", "pandas", "jupyter_client")


@dataclass
class Report:
    """One report to produce: a notebook, its parameters and where its files go."""

    report_id: str  # "<lang>/<slug>", unique in a meeting
    notebook: str  # notebook stem, e.g. "implementer_report"
    implementer: str
    lang: str
    slug: str
    title: str
    notebook_path: Path
    parameters: dict
    key: str = ""
    notebook_sha256: str = ""
    parameters_sha256: str = ""

    @property
    def paths(self) -> dict[str, str]:
        """Output paths relative to the meeting folder."""
        return {
            "html": f"{self.lang}/{self.slug}.html",
            "pdf": f"{self.lang}/{self.slug}.pdf",
            "notebook": f"notebooks/{self.lang}/{self.slug}.ipynb",
            "log": f"logs/{self.lang}/{self.slug}.log",
        }


@dataclass
class RunOptions:
    """What to run and where; every path is an argument so tests can use fixtures."""

    meeting: Meeting
    langs: tuple[str, ...] = LANGS
    formats: tuple[str, ...] = FORMATS
    jobs: int = 0  # 0: os.cpu_count()
    out_dir: Path = config.REPORTS_DIR
    notebooks_dir: Path = config.NOTEBOOKS_DIR
    data_path: Path | None = None
    implementers: tuple[str, ...] | None = None
    force: bool = False
    progress: bool | None = None  # None: a bar when stderr is a terminal
    kernel_name: str = "python3"
    chromium: str | None = None
    cell_timeout: int = 600  # seconds one cell may run before its report fails
    log: object = None  # callable(str) for plain log lines; default prints to stderr


@dataclass
class RunResult:
    meeting_dir: Path
    entries: list[dict] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e["status"] == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


# ------------------------------------------------------------------ hashing


def atomic_write_text(path: Path, text: str) -> None:
    """Atomic write, then make the file readable by others (temporary files are created 0600)."""
    _atomic_write_text(path, text)
    os.chmod(path, 0o644)


def package_source_hash(root: Path | None = None) -> str:
    """Hash of every ``.py`` file of the ``analysis`` package (notebooks call it)."""
    root = root or Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


# ------------------------------------------------------------------ planning


def plan_reports(
    ds, meeting: Meeting, notebooks_dir: Path, langs=LANGS, implementers=None, data_path: Path | None = None
) -> list[Report]:
    """Every report of ``meeting``: implementers with data (or those asked for) and the program reports."""
    from analysis.measures import implementer_counts

    names = ds.implementers.set_index("implementer_id")
    if implementers:
        unknown = [i for i in implementers if i not in names.index]
        if unknown:
            raise UsageError(f"unknown implementer {unknown[0]!r}: use an implementer_id from implementers.csv")
        chosen = list(dict.fromkeys(implementers))
    else:
        counts = implementer_counts(ds, meeting.as_of)
        chosen = list(counts.loc[counts["has_data"], "implementer_id"])
    base = {
        "meeting": meeting.meeting_id,
        "as_of": meeting.as_of.isoformat(),
        "data_path": str(data_path) if data_path else "",
    }
    reports = []
    for lang in langs:
        for imp in chosen:
            row = names.loc[imp]
            name = str(row.get("name_es") or "") if lang == "es" else ""
            reports.append(
                Report(
                    f"{lang}/{slug(imp)}",
                    IMPLEMENTER_REPORT,
                    imp,
                    lang,
                    slug(imp),
                    name or str(row["name_en"]),
                    Path(notebooks_dir) / f"{IMPLEMENTER_REPORT}.ipynb",
                    {"implementer": imp, **base, "lang": lang},
                )
            )
        for nb in PROGRAM_REPORTS:
            s = nb.replace("_", "-")
            reports.append(
                Report(
                    f"{lang}/{s}",
                    nb,
                    "",
                    lang,
                    s,
                    i18n.t(TITLE_KEYS[nb], lang),
                    Path(notebooks_dir) / f"{nb}.ipynb",
                    {"implementer": "", **base, "lang": lang},
                )
            )
    seen: dict[str, str] = {}
    for r in reports:
        if r.report_id in seen:
            raise UsageError(
                f"two reports would share the file name {r.report_id!r}: "
                f"{seen[r.report_id]!r} and {r.implementer or r.notebook!r}"
            )
        seen[r.report_id] = r.implementer or r.notebook
    return reports


def key_reports(reports: list[Report], data_version: str, source_hash: str, meeting: Meeting) -> None:
    """Fill in each report's hashes and incremental key."""
    cache: dict[Path, str] = {}
    for r in reports:
        if r.notebook_path not in cache:
            cache[r.notebook_path] = sha256_bytes(r.notebook_path.read_bytes()) if r.notebook_path.exists() else ""
        r.notebook_sha256 = cache[r.notebook_path]
        r.parameters_sha256 = sha256_json(r.parameters)
        r.key = sha256_json(
            {
                "notebook": r.notebook_sha256,
                "data": data_version,
                "parameters": r.parameters,
                "package": source_hash,
                "title": r.title,
                "meeting_title": meeting.title(r.lang),
            }
        )


def format_key(key: str, fmt: str) -> str:
    return sha256_bytes(f"{key}:{fmt}".encode())


# ------------------------------------------------------------------ the worker

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# Imported by each kernel as it starts, before its notebook is sent (see _start_kernel).
PRELOAD_MODULES = (
    "pandas",
    "plotly.graph_objects",
    "plotly.io",
    "analysis",
    "analysis.report.content",
    "analysis.report.charts",
    "analysis.report.tables",
)
_PRELOAD_CELL = (
    f"import importlib as _oas_il\nfor _oas_m in {PRELOAD_MODULES!r}:\n    try:\n        _oas_il.import_module(_oas_m)\n"
    "    except Exception:\n        pass\ndel _oas_il, _oas_m"
)
_WARM: dict[tuple[str, str], object] = {}  # per worker: a kernel started ahead for the next report


def _skip_slow_jsonschema_formats() -> None:
    """Make importing nbformat take about 0.3 s instead of 3.

    jsonschema imports the optional ``rfc3987_syntax`` (only used for the "iri"
    format, which notebook schemas do not use) and that compiles ~40 grammars at
    import. jsonschema guards that import with ``suppress(ImportError)``, so a
    ``None`` entry in ``sys.modules`` cleanly switches it off.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _start_kernel(kernel_name: str, cwd: str):
    """A fresh kernel, already importing the heavy modules while the worker does other work."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name=kernel_name)
    asyncio.run(
        km.start_kernel(
            cwd=cwd,
            extra_arguments=[
                f"--IPKernelApp.exec_lines={_PRELOAD_CELL}",
                "--HistoryManager.enabled=False",  # no SQLite history for a batch run
            ],
        )
    )
    return km


def _stop_kernel(km) -> None:
    import asyncio

    try:
        asyncio.run(km.shutdown_kernel(now=True))
    except Exception:  # noqa: BLE001 - best-effort shutdown of a kernel that may already be gone
        pass


def _stop_warm_kernels() -> None:
    while _WARM:
        _stop_kernel(_WARM.popitem()[1])


def _worker_init(stderr_path: str, kernel_name: str, cwd: str) -> None:
    from multiprocessing.util import Finalize

    # Kernels inherit stderr and print start-up warnings there; keep them out of the terminal.
    fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    _skip_slow_jsonschema_formats()
    Finalize(None, _stop_warm_kernels, exitpriority=10)  # no kernel outlives its worker
    _WARM[(kernel_name, cwd)] = _start_kernel(kernel_name, cwd)


def execute_report(job: dict) -> dict:
    """Execute one notebook with papermill and render its HTML (runs in a worker process).

    Each report gets its own new kernel. The kernel is started one report
    ahead (``job["prewarm"]``), so its start-up and imports overlap the
    previous report instead of adding to it; no state is shared.
    """
    _skip_slow_jsonschema_formats()
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.run.rendering import ReportHeader, render_html

    meeting_dir = Path(job["meeting_dir"])
    paths = job["paths"]
    nb_path = inside(meeting_dir, paths["notebook"])
    log_path = inside(meeting_dir, paths["log"])
    nb_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = nb_path.with_name(f".{nb_path.stem}.{os.getpid()}.tmp.ipynb")
    result = {"report_id": job["report_id"], "status": "ok", "error": None}
    log = None
    t0 = time.perf_counter()
    km = None
    executed = None
    try:
        where = (job["kernel_name"], job["cwd"])
        km = _WARM.pop(where, None) or _start_kernel(*where)
        if job.get("prewarm"):
            _WARM[where] = _start_kernel(*where)
        executed = papermill.execute_notebook(
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
    except PapermillExecutionError as exc:
        result.update(status="failed", error=f"cell {exc.cell_index + 1}: {exc.ename}: {exc.evalue}")
        log = "\n".join(_ANSI.sub("", line) for line in exc.traceback)
    except Exception as exc:  # noqa: BLE001 - isolation boundary: this report fails, not the run
        result.update(status="failed", error=f"{type(exc).__name__}: {exc}".splitlines()[0])
        log = traceback.format_exc()
    finally:
        if km is not None:
            _stop_kernel(km)
    if tmp.exists():
        os.replace(tmp, nb_path)  # kept on failure too: it carries papermill's error markers
    result["execute_s"] = round(time.perf_counter() - t0, 3)
    t1 = time.perf_counter()
    if result["status"] == "ok":
        try:
            nb = executed if executed is not None else nbformat.read(nb_path, as_version=4)
            header = ReportHeader(
                generated=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), **job["header"]
            )
            atomic_write_text(inside(meeting_dir, paths["html"]), render_html(nb, header))
        except Exception as exc:  # noqa: BLE001 - isolation boundary: this report fails, not the run
            result.update(status="failed", error=f"HTML rendering failed: {type(exc).__name__}: {exc}".splitlines()[0])
            log = traceback.format_exc()
    result["render_s"] = round(time.perf_counter() - t1, 3)
    if log is not None:
        atomic_write_text(log_path, f"{job['report_id']}: {result['error']}\n\n{log}\n")
    elif log_path.exists():
        log_path.unlink()
    return result


# ------------------------------------------------------------------ the run


def read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("reports"), list) else {}
    except (OSError, ValueError):
        return {}


def _up_to_date(prev: dict | None, report: Report, fmt: str, meeting_dir: Path) -> bool:
    if not prev or prev.get("status") not in ("ok", "skipped"):
        return False
    out = prev.get("outputs", {}).get(fmt) or {}
    return out.get("key") == format_key(report.key, fmt) and (meeting_dir / report.paths[fmt]).is_file()


def _keep_snapshot(meeting: Meeting, data_path: Path | None, version: str, say) -> None:
    """Keep the tables this meeting's reports are made from, the base of the next meeting's "what changed".

    Only the master tables (``data/program``) are snapshotted: another folder
    or a workbook is someone's copy, not the program's record. A snapshot is
    rewritten only when the data changed since the meeting's last one.
    """
    import json as _json

    from analysis.store.snapshots import SNAPSHOT_INFO, save_snapshot, snapshot_root

    source = Path(data_path) if data_path is not None else config.PROGRAM_DIR
    if not source.is_dir() or source.resolve() != config.PROGRAM_DIR.resolve():
        return
    info = Path(snapshot_root(data_path)) / str(meeting.meeting_id) / SNAPSHOT_INFO
    try:
        if _json.loads(info.read_text(encoding="utf-8")).get("data_version") == version:
            return
    except (OSError, ValueError):
        pass
    dest = save_snapshot(meeting.meeting_id, source)
    say(f"snapshot of the data for meeting {meeting.meeting_id}: {dest}")


def run_meeting(opts: RunOptions) -> RunResult:
    """Produce every report of ``opts.meeting``; failures are recorded, not raised."""
    from analysis.dataset.loading import load_dataset

    say = opts.log or (lambda line: print(line, file=sys.stderr, flush=True))
    meeting = opts.meeting
    out_root = Path(opts.out_dir)
    meeting_dir = inside(out_root, slug(meeting.meeting_id))
    formats = tuple(f for f in FORMATS if f in opts.formats)
    if "pdf" in formats and "html" not in formats:
        formats = ("html", "pdf")  # the PDF is printed from the HTML
    if opts.data_path is not None:  # kernels run in the notebooks folder: pass an absolute path
        opts = dataclasses.replace(opts, data_path=Path(opts.data_path).resolve())
    opts = dataclasses.replace(opts, notebooks_dir=Path(opts.notebooks_dir).resolve())
    ds = load_dataset(opts.data_path)
    _keep_snapshot(meeting, opts.data_path, ds.version, say)
    reports = plan_reports(ds, meeting, Path(opts.notebooks_dir), opts.langs, opts.implementers, opts.data_path)
    source_hash = package_source_hash()
    key_reports(reports, ds.version, source_hash, meeting)
    manifest_path = meeting_dir / "manifest.json"
    previous = {e.get("report_id"): e for e in read_manifest(manifest_path).get("reports", []) if isinstance(e, dict)}

    entries: dict[str, dict] = {}
    to_execute, to_print = [], []
    for r in reports:
        prev = None if opts.force else previous.get(r.report_id)
        entry = {
            "report_id": r.report_id,
            "notebook": r.notebook,
            "implementer": r.implementer,
            "lang": r.lang,
            "title": r.title,
            "parameters": r.parameters,
            "notebook_sha256": r.notebook_sha256,
            "parameters_sha256": r.parameters_sha256,
            "key": r.key,
            "paths": r.paths,
            "outputs": {},
            "status": "pending",
            "error": None,
        }
        entries[r.report_id] = entry
        if not r.notebook_path.exists():
            entry.update(status="skipped", reason=f"notebook {r.notebook_path.name} not found in {opts.notebooks_dir}")
            continue
        fresh = {f: _up_to_date(prev, r, f, meeting_dir) for f in formats}
        if all(fresh.values()):
            entry.update(
                status="skipped",
                reason="unchanged since the last run",
                outputs=prev.get("outputs", {}),
                duration_s=0.0,
                rendered_at=prev.get("rendered_at"),
            )
        elif fresh["html"]:
            entry.update(outputs={"html": prev["outputs"]["html"]}, rendered_at=prev.get("rendered_at"))
            to_print.append(r)
        else:
            to_execute.append(r)
    # Program-wide reports are the longest: start them first so no worker idles at the end.
    to_execute.sort(key=lambda r: r.implementer != "")

    browser = None
    if "pdf" in formats and (to_execute or to_print):
        from analysis.run.pdf import Browser

        browser = Browser(opts.chromium)
    jobs = opts.jobs or os.cpu_count() or 1
    total = len(to_execute) + len(to_print)
    bar = _progress(total, opts.progress)
    done = 0

    def finish(entry: dict, line: str) -> None:
        nonlocal done
        done += 1
        if bar is not None:
            bar.set_postfix_str(entry["report_id"])
            bar.update(1)
        else:
            say(f"[{done}/{total}] {line}")
        _write_manifest(manifest_path, meeting, opts, ds.version, source_hash, entries, previous, meeting_dir)

    def print_pdf(r: Report, entry: dict) -> None:
        nonlocal browser
        t0 = time.perf_counter()
        try:
            if browser.proc is None:  # not started yet, or closed after an error
                browser.start()
            browser.print_pdf(meeting_dir / r.paths["html"], inside(meeting_dir, r.paths["pdf"]))
            entry["outputs"]["pdf"] = {"path": r.paths["pdf"], "key": format_key(r.key, "pdf")}
        except Exception as exc:  # noqa: BLE001 - isolation boundary: one bad page must not stop the others
            entry.update(status="failed", error=f"PDF failed: {exc}".splitlines()[0])
            atomic_write_text(inside(meeting_dir, r.paths["log"]), f"{r.report_id}: {entry['error']}\n")
            browser.close()  # a fresh browser for the next report
        entry["pdf_s"] = round(time.perf_counter() - t0, 3)

    meeting_dir.mkdir(parents=True, exist_ok=True)
    (meeting_dir / "logs").mkdir(exist_ok=True)
    started = time.perf_counter()
    pool = None
    futures: dict = {}
    try:
        if to_execute:
            _preload()  # before the fork, so that workers share it instead of each loading it
            ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
            pool = ProcessPoolExecutor(
                max_workers=min(jobs, len(to_execute)),
                mp_context=ctx,
                initializer=_worker_init,
                initargs=(str(meeting_dir / "logs" / "kernels.stderr"), opts.kernel_name, str(opts.notebooks_dir)),
            )
            workers = min(jobs, len(to_execute))
            for i, r in enumerate(to_execute):
                job = _job(r, meeting, meeting_dir, opts, ds.version)
                job["prewarm"] = i < len(to_execute) - workers  # the last ones have no successor
                futures[pool.submit(execute_report, job)] = r
        if browser is not None:
            browser.start()  # boots while the first notebooks run
            _BROWSER_VERSION["version"] = browser.version
        for r in to_print:  # HTML is current, only the PDF is missing
            entry = entries[r.report_id]
            entry["status"] = "ok"
            print_pdf(r, entry)
            finish(entry, f"{entry['status']:6} {r.report_id} (PDF only)")
        for fut in as_completed(futures):
            r = futures[fut]
            entry = entries[r.report_id]
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - the worker process itself died; recorded, not raised
                res = {"status": "failed", "error": f"worker failed: {type(exc).__name__}: {exc}"}
            entry.update(
                status=res["status"],
                error=res.get("error"),
                execute_s=res.get("execute_s"),
                render_s=res.get("render_s"),
                rendered_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            )
            if res["status"] == "ok":
                entry["outputs"] = {"html": {"path": r.paths["html"], "key": format_key(r.key, "html")}}
                if "pdf" in formats:
                    print_pdf(r, entry)
            entry["duration_s"] = round(sum(entry.get(k) or 0 for k in ("execute_s", "render_s", "pdf_s")), 3)
            tail = f": {entry['error']}" if entry["error"] else ""
            finish(entry, f"{entry['status']:6} {r.report_id} ({entry['duration_s']:.1f} s){tail}")
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if browser is not None:
            browser.close()
        if bar is not None:
            bar.close()
        for e in entries.values():
            if e["status"] == "pending":
                e.update(status="failed", error="interrupted before it finished")
        _write_manifest(
            manifest_path,
            meeting,
            opts,
            ds.version,
            source_hash,
            entries,
            previous,
            meeting_dir,
            elapsed=time.perf_counter() - started,
        )
        from analysis.run.rendering import index_page

        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        atomic_write_text(meeting_dir / "index.html", index_page(manifest, lambda p: (meeting_dir / p).is_file()))
    return RunResult(meeting_dir, list(entries.values()))


def _preload() -> None:
    # What every worker needs (papermill, nbconvert's compiled templates, plotly.js), loaded once.
    _skip_slow_jsonschema_formats()
    import jupyter_client.manager  # noqa: F401
    import nbconvert  # noqa: F401
    import nbformat
    import papermill  # noqa: F401
    from nbformat.v4 import new_notebook

    from analysis.run.rendering import plotly_js, render_body

    plotly_js()
    render_body(new_notebook())  # compiles the templates once, before the fork
    nbformat.validate(new_notebook())


def _job(r: Report, meeting: Meeting, meeting_dir: Path, opts: RunOptions, data_version: str) -> dict:
    return {
        "report_id": r.report_id,
        "notebook_path": str(r.notebook_path),
        "parameters": r.parameters,
        "paths": r.paths,
        "meeting_dir": str(meeting_dir),
        "kernel_name": opts.kernel_name,
        "cell_timeout": opts.cell_timeout,
        "cwd": str(Path(opts.notebooks_dir)),
        "header": {
            "title": r.title,
            "meeting": meeting.title(r.lang),
            "as_of": meeting.as_of.isoformat(),
            "data_version": data_version,
            "lang": r.lang,
        },
    }


def _progress(total: int, wanted: bool | None):
    if wanted is None:
        wanted = sys.stderr.isatty()
    if not wanted or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="report", file=sys.stderr)


_BROWSER_VERSION: dict[str, str] = {}


def _write_manifest(
    path: Path,
    meeting: Meeting,
    opts: RunOptions,
    data_version: str,
    source_hash: str,
    entries: dict,
    previous: dict,
    meeting_dir: Path,
    elapsed: float | None = None,
) -> None:
    reports = list(entries.values())
    # Reports of earlier runs that this run did not plan (e.g. other --implementer) stay listed while their files exist.
    for rid, e in previous.items():
        if (
            rid not in entries
            and e.get("status") in ("ok", "skipped")
            and all((meeting_dir / o.get("path", "")).is_file() for o in e.get("outputs", {}).values())
        ):
            reports.append({**e, "status": "skipped", "reason": "not part of this run; kept from an earlier run"})
    manifest = {
        "meeting": dataclasses.asdict(meeting),
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "run": {
            "langs": list(opts.langs),
            "formats": list(opts.formats),
            "jobs": opts.jobs or os.cpu_count(),
            "force": opts.force,
            "implementers": list(opts.implementers or []),
            "notebooks_dir": str(opts.notebooks_dir),
            "data_path": str(opts.data_path or config.PROGRAM_DIR),
            "elapsed_s": round(elapsed, 3) if elapsed is not None else None,
        },
        "inputs": {
            "data_version": data_version,
            "package_source_sha256": source_hash,
            "package_versions": {**package_versions(), "chromium": _BROWSER_VERSION.get("version", "")},
        },
        "summary": {s: sum(1 for e in reports if e["status"] == s) for s in ("ok", "failed", "skipped")},
        "reports": reports,
    }
    atomic_write_text(path, json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
