"""Benchmark: `python -m analysis run` against an analyst's sequential loop.

Both arms produce the same reports (implementer reports for the first K
implementers with data, plus the program-wide reports, in every report
language: English, Spanish, French, Portuguese; HTML and PDF) for the default
meeting, on this machine, in this run:

* loop: for each report, `papermill` CLI, then `jupyter nbconvert --to html
  --no-input`, then `chromium --headless --print-to-pdf`, one after another;
* run: `python -m analysis run --force` (parallel, in-process papermill and
  nbconvert, kernels forked from a preloaded zygote, two browsers printing PDFs);
* rerun: `python -m analysis run` again with nothing changed.

Runs are interleaved (loop, run, rerun, loop, ...) so that load from other
work on the machine falls on both arms alike. Also measured: the floor of one
report, i.e. `python -c 'import analysis, pandas, plotly'` and a papermill run
of an empty notebook (CLI and in-process).

Usage::

    python benchmarks/bench_run.py --runs 1            # all reports, once (about 20 min on 2 CPUs)
    python benchmarks/bench_run.py --implementers 2 --runs 3 --write-readme
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from analysis import config  # noqa: E402
from analysis.dataset.loading import load_dataset  # noqa: E402
from analysis.dataset.meetings import load_meetings, resolve_meeting  # noqa: E402
from analysis.run.pdf import find_chromium  # noqa: E402
from analysis.run.runner import LANGS, plan_reports  # noqa: E402


def timed(cmd: list[str], **kw) -> float:
    """Wall seconds of ``cmd``; a failure stops the benchmark with the command's last output."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[:6])} ... failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}")
    return time.perf_counter() - t0


def analyst_loop(reports, out: Path, chromium: str) -> float:
    t0 = time.perf_counter()
    for r in reports:
        nb = out / f"{r.lang}-{r.slug}.ipynb"
        params = [x for k, v in r.parameters.items() for x in ("-r", k, v)]
        subprocess.run(
            [str(BIN / "papermill"), str(r.notebook_path), str(nb), *params, "--cwd", str(r.notebook_path.parent)],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    chromium,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    f"--user-data-dir={profile}",
                    f"--print-to-pdf={nb.with_suffix('.pdf')}",
                    nb.with_suffix(".html").as_uri(),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    return time.perf_counter() - t0


def machine() -> dict:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    mem = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ),
            "?",
        )
        if Path("/proc/meminfo").exists()
        else "?"
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--implementers",
        type=int,
        default=0,
        help="only the first K implementers with data (0 = all); both arms run the same reports",
    )
    ap.add_argument("--runs", type=int, default=1, help="interleaved runs of each arm (default 1: the CPU is shared)")
    ap.add_argument("--jobs", type=int, default=0, help="--jobs for the run (default: number of CPUs)")
    ap.add_argument("--write-readme", action="store_true", help="write the results into benchmarks/README.md")
    args = ap.parse_args(argv)

    chromium = find_chromium()
    if not chromium:
        print("Chromium is needed for this benchmark (make system-deps)", file=sys.stderr)
        return 1
    meeting = resolve_meeting(load_meetings())
    ds = load_dataset()
    all_reports = plan_reports(ds, meeting, config.NOTEBOOKS_DIR)
    implementers = list(dict.fromkeys(r.implementer for r in all_reports if r.implementer))
    if args.implementers:
        implementers = implementers[: args.implementers]
    reports = plan_reports(ds, meeting, config.NOTEBOOKS_DIR, implementers=implementers)
    run_cmd = [sys.executable, "-m", "analysis", "run", "--format", "html,pdf"]
    if args.implementers:
        run_cmd += [x for i in implementers for x in ("--implementer", i)]
    if args.jobs:
        run_cmd += ["--jobs", str(args.jobs)]
    info = machine()
    print(
        f"{len(reports)} reports for meeting {meeting.meeting_id}; {info['nproc']} CPUs; "
        f"load {info['load_average_at_start']}",
        file=sys.stderr,
    )

    work = Path(tempfile.mkdtemp(prefix="oas-bench-"))
    times = {
        "loop": [],
        "run": [],
        "rerun": [],
        "import": [],
        "papermill_cli_empty": [],
        "papermill_inprocess_empty": [],
    }
    empty = work / "empty.ipynb"
    empty.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}
                ],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    inproc = (
        "import time, papermill; t = time.perf_counter(); "
        f"papermill.execute_notebook({str(empty)!r}, {str(work / 'e2.ipynb')!r}, progress_bar=False); "
        "print(time.perf_counter() - t)"
    )
    sizes: list[int] = []
    try:
        for i in range(args.runs):
            loop_dir = work / f"loop{i}"
            loop_dir.mkdir()
            times["loop"].append(analyst_loop(reports, loop_dir, chromium))
            out = work / f"run{i}"
            times["run"].append(timed([*run_cmd, "--force", "--out", str(out)], cwd=ROOT))
            times["rerun"].append(timed([*run_cmd, "--out", str(out)], cwd=ROOT))
            sizes.append(max(p.stat().st_size for p in out.glob("*/*/*.html")) if out.exists() else 0)
            times["import"].append(timed([sys.executable, "-c", "import analysis, pandas, plotly"], cwd=ROOT))
            times["papermill_cli_empty"].append(timed([str(BIN / "papermill"), str(empty), str(work / "e.ipynb")]))
            res = subprocess.run([sys.executable, "-c", inproc], capture_output=True, text=True, check=True)
            times["papermill_inprocess_empty"].append(float(res.stdout.strip().splitlines()[-1]))
            print(
                f"run {i + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
                file=sys.stderr,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    result = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "meeting": meeting.meeting_id,
        "reports": len(reports),
        "implementers": implementers,
        "runs": args.runs,
        "machine": info,
        "chromium": subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip(),
        "command": " ".join(["python", "benchmarks/bench_run.py", *(argv if argv is not None else sys.argv[1:])]),
        "times_s": times,
        "median_s": med,
        "speedup_run_vs_loop": med["loop"] / med["run"],
        "speedup_rerun_vs_loop": med["loop"] / med["rerun"],
        "per_report_s": {"loop": med["loop"] / len(reports), "run": med["run"] / len(reports)},
        "langs": list(LANGS),
        "largest_html_bytes": max(sizes or [0]),
    }
    print(json.dumps(result, indent=2))
    if args.write_readme:
        write_readme(result)
    return 0


def write_readme(r: dict) -> None:
    m, med = r["machine"], r["median_s"]
    per_run = ", ".join(f"{loop / run:.1f}x" for loop, run in zip(r["times_s"]["loop"], r["times_s"]["run"]))
    rows = "\n".join(f"| {k} | {med[k]:.2f} | {', '.join(f'{x:.2f}' for x in r['times_s'][k])} |" for k in med)
    text = f"""# Benchmarks

`bench_run.py` compares `python -m analysis run` with an analyst's sequential
loop (for each report: `papermill` CLI, `jupyter nbconvert --to html --no-input`,
`chromium --headless --print-to-pdf`), on the same machine in the same run,
runs interleaved. Timings are only meaningful as ratios within one run.
This file is written by `python benchmarks/bench_run.py --write-readme`.

## Latest result ({r["date"]})

Command: `{r["command"]}`

Reports: {r["reports"]} (meeting {r["meeting"]}; implementer reports for {", ".join(r["implementers"])},
plus the program overview and voting-abroad reports; languages {", ".join(r["langs"])}; HTML and PDF). Runs: {r["runs"]} each.
Largest report HTML of the run: {r["largest_html_bytes"] / 1e6:.2f} MB (plotly.js is one shared file per meeting folder).

Machine: {m["nproc"]} CPUs ({m["cpu"]}), memory {m["memory"]}, Python {m["python"]}, {m["platform"]},
{r["chromium"]}. Load average when it started: {", ".join(f"{x:.2f}" for x in m["load_average_at_start"])}
(the machine was shared with other work; interleaving spreads that over both arms).

| measure | median (s) | all runs (s) |
|---|---|---|
{rows}

* **run vs loop: {r["speedup_run_vs_loop"]:.1f}x faster** (target: at least 5x)
* **unchanged re-run vs loop: {r["speedup_rerun_vs_loop"]:.1f}x faster** (target: at least 20x)
* per report: loop {r["per_report_s"]["loop"]:.2f} s, run {r["per_report_s"]["run"]:.2f} s
* each interleaved run on its own (loop / run): {per_run} (the machine is shared: a run that other work
  slowed shows here, where the medians above smooth it)

Floor of one report: `import analysis, pandas, plotly` takes {med["import"]:.2f} s; a papermill run of an
empty notebook takes {med["papermill_cli_empty"]:.2f} s from the CLI and {med["papermill_inprocess_empty"]:.2f} s
in-process (that is a plain kernel start, which the loop pays once per report; the run forks each
report's fresh kernel from a preloaded zygote instead, see docs/reports-run.md).

## Reproduce

```sh
make setup system-deps
.venv/bin/python benchmarks/bench_run.py --write-readme                     # every report, once
.venv/bin/python benchmarks/bench_run.py --implementers 2 --runs 3          # quicker: 2 implementers, 3 runs
```
"""
    path = Path(__file__).with_name("README.md")
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    # Keep the sections other benchmarks write after ours (everything from the first
    # "## " heading that follows our "## Reproduce").
    rest = old.split("## Reproduce", 1)[1] if "## Reproduce" in old else ""
    rest = rest[rest.index("\n## ") + 1 :] if "\n## " in rest else ""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text + ("\n" + rest if rest else ""), encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
