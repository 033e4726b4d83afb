"""Scaling benchmark: each step at 1x..1000x the shipped tables and with 1,000,000 observations.

For every size it generates SYNTHETIC data (benchmarks/synthetic.py) under
benchmarks/results/, then measures, each in a fresh process:

* in-process steps (benchmarks/scale_steps.py, timed after imports): the
  ``read_csv`` floor, load+validate+type without the cache, load from the
  cache, load+all measures, and the xlsx read through the loader against
  ``pandas.read_excel`` (openpyxl) and calamine alone on the same workbook;
* commands as a user runs them (whole process, startup included):
  ``validate --no-sources``, ``summary``, ``export`` and one implementer report.

Wall time, CPU time (user+system of the process and its children) and peak
memory are recorded per step and size; growth exponents 10x->1000x and each
step's ratio to the floor measured in the same run are derived. The results,
the machine and the command go into benchmarks/scale.md (``--write``).

    python benchmarks/bench_scale.py --write                     # 1x, 10x, 100x, 1000x, 1M observations
    python benchmarks/bench_scale.py --sizes 1,10 --runs 1       # quick look
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import OUT, generate  # noqa: E402

PY = sys.executable
ENV = {**os.environ, "ANALYSIS_DATASET_CACHE": "0"}
INPROCESS = ("floor", "load", "load_cached", "measures")
XLSX = ("xlsx_loader", "xlsx_loader_unchecked", "xlsx_pandas", "xlsx_calamine")
# Commands are skipped above these sizes (rows of observations): the export and the xlsx reads run up to
# 1000x (the targets stop there; pandas.read_excel alone takes about 90 s at 1000x), the report at every size.
LIMITS = {"export": 30_000, "report": 2_000_000, "xlsx": 30_000}
END = "<!-- end of bench_scale.py output: sections below are kept when it writes -->"
# The targets, checked on the results of the run (CPU seconds unless said otherwise).
MAX_FLOOR_RATIO_1M = 4.0  # 1M observations loaded, validated and measured, against read_csv in the same run
MAX_PEAK_1M = 1 << 30
MAX_EXPONENT = 1.1
MAX_EXPORT_1000 = 30.0
MAX_REPORT_1M = 15.0  # one implementer report at 1M, here the whole command that renders it
MIN_XLSX_SPEEDUP = 5.0


def measure(cmd: list[str], timeout: float, env=ENV) -> dict:
    """Run ``cmd`` under GNU time: wall, CPU (user+system, children included) and peak memory.

    In-process steps print their own figures (timed after imports), which replace the whole-process ones.
    """
    stats = OUT / f".time-{os.getpid()}"
    full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats), *cmd]
    try:
        proc = subprocess.run(full, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": ((proc.stderr or proc.stdout).strip().splitlines() or ["failed"])[-1][:200]}
    wall, user, system, peak_kb = stats.read_text().split()[-4:]
    result = {"wall": float(wall), "cpu": float(user) + float(system), "peak": int(peak_kb) * 1024, "inprocess": False}
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    if last.startswith("{"):
        result |= json.loads(last) | {"inprocess": True}
    return result


def step(name: str, cmd: list[str], runs: int, timeout: float, env=ENV) -> dict:
    """The median of ``runs`` runs (peak: the largest)."""
    rs = []
    for _ in range(runs):
        r = measure(cmd, timeout, env)
        if "error" in r:
            return {"step": name, "error": r["error"]}
        rs.append(r)
    return {
        "step": name,
        "wall": statistics.median(r["wall"] for r in rs),
        "cpu": statistics.median(r["cpu"] for r in rs),
        "peak": max(r["peak"] for r in rs),
        "inprocess": rs[0]["inprocess"],
        "runs": runs,
    }


def bench_size(label: str, data: Path, rows: int, runs: int, tmp: Path, only: set[str] | None = None) -> list[dict]:
    """Every step at one size (or only the steps named in ``only``)."""
    steps = HERE / "scale_steps.py"
    cli = [PY, "-m", "analysis"]
    xlsx = tmp / f"export-{label}.xlsx"
    report = [*cli, "run", "--implementer", "IACHR-S0", "--lang", "en", "--format", "html", "--force"]
    plan = [(name, [PY, str(steps), name, str(data)], runs) for name in INPROCESS]
    plan += [
        ("validate", [*cli, "validate", "--no-sources", str(data)], runs),
        ("summary", [*cli, "summary", "--as-of", "2007-03-16", str(data)], runs),
    ]
    if rows <= LIMITS["export"]:
        plan.append(("export", [*cli, "export", "--data", str(data), "--out", str(xlsx)], runs))
    if rows <= LIMITS["xlsx"]:
        plan += [(name, [PY, str(steps), name, str(xlsx)], runs) for name in XLSX]
    if rows <= LIMITS["report"]:
        plan.append(("report", [*report, "--out", str(tmp / f"reports-{label}"), "--data", str(data)], 1))
        # Again with the snapshot the first run left: what every later run of the same data costs.
        plan.append(("report_warm", [*report, "--out", str(tmp / f"reports-{label}"), "--data", str(data)], 1))
    out = []
    for name, cmd, n in plan:
        if only and name not in only:
            continue
        env = ENV
        if (
            name == "report"
        ):  # as a user runs it: the cache on, but cold (the run validates once, kernels read its snapshot)
            from analysis.config import DataLayout

            shutil.rmtree(DataLayout.of(data).cache / "datasets", ignore_errors=True)
            env = {**os.environ, "ANALYSIS_DATASET_CACHE": "1"}
        if name == "report_warm":
            env = {**os.environ, "ANALYSIS_DATASET_CACHE": "1"}
        if name == "load_cached":
            env = {**os.environ, "ANALYSIS_DATASET_CACHE": "1"}
            warm = f"from analysis.dataset.loading import load_dataset; load_dataset({str(data)!r})"
            subprocess.run([PY, "-c", warm], env=env, check=True)
        if name in XLSX and not xlsx.exists():
            subprocess.run([*cli, "export", "--data", str(data), "--out", str(xlsx)], env=ENV, check=True)
        out.append(step(name, cmd, n, 900, env))
    for r in out:
        r.update(size=label, rows=rows)
    return out


def targets(results: list[dict]) -> list[str]:
    """Each target of issue 10 that the run measured, met or not, with the numbers."""
    by = {(r["size"], r["step"]): r for r in results if r.get("wall")}
    out = []

    def line(ok: bool, text: str) -> None:
        out.append(f"* {'met' if ok else '**not met**'}: {text}")

    m, f = by.get(("1M obs", "measures")), by.get(("1M obs", "floor"))
    if m and f:
        ratio = m["cpu"] / f["cpu"]
        line(
            ratio <= MAX_FLOOR_RATIO_1M and m["peak"] <= MAX_PEAK_1M,
            f"1M observations loaded, validated and measured in {m['cpu']:.1f} CPU s = {ratio:.1f}x the read_csv floor "
            f"({f['cpu']:.1f} s; target {MAX_FLOOR_RATIO_1M:.0f}x), peak {m['peak'] / 2**20:.0f} MB (target 1024 MB)",
        )
    worst = max(exponents(results, "x10", "x1000").items(), key=lambda kv: kv[1], default=None)
    if worst:
        line(worst[1] <= MAX_EXPONENT, f"growth x10 -> x1000 at most n^{worst[1]:.2f} ({worst[0]}; target n^1.1)")
    r = by.get(("1M obs", "report"))
    if r:  # the whole command renders three reports in parallel; each report's own time is in reports.md
        line(
            r["wall"] <= MAX_REPORT_1M,
            f"`run --implementer X --lang en --format html` on 1M observations, the whole command (implementer "
            f"report, overview and voting report), cold: it validates the data once and writes the snapshot its "
            f"kernels read: {r['wall']:.1f} s wall, largest process {r['peak'] / 2**20:.0f} MB (target 15 s)",
        )
    w = by.get(("1M obs", "report_warm"))
    if w:
        line(
            w["wall"] <= MAX_REPORT_1M,
            f"the same command again on the same data (its snapshot there): {w['wall']:.1f} s wall, largest process "
            f"{w['peak'] / 2**20:.0f} MB (target 15 s)",
        )
    e = by.get(("x1000", "export"))
    if e:
        line(
            e["wall"] <= MAX_EXPORT_1000 and e["peak"] <= 1 << 30,
            f"export at x1000 {e['wall']:.1f} s wall, {e['cpu']:.1f} CPU s, {e['peak'] / 2**20:.0f} MB (target 30 s, 1 GB)",
        )
    for size in ("x100", "x1000"):
        a, b = by.get((size, "xlsx_loader")), by.get((size, "xlsx_pandas"))
        if a and b:
            speed = b["cpu"] / a["cpu"]
            line(
                speed >= MIN_XLSX_SPEEDUP,
                f"xlsx loader at {size} {speed:.1f}x faster than pandas.read_excel (target 5x)",
            )
    return out


def exponents(results: list[dict], a: str, b: str) -> dict[str, float]:
    by = {(r["size"], r["step"]): r for r in results if r.get("wall")}
    out = {}
    for (size, name), r in by.items():
        if size == b and (a, name) in by:
            ra = by[(a, name)]
            ratio = r["rows"] / ra["rows"]
            out[name] = math.log(max(r["cpu"], 1e-3) / max(ra["cpu"], 1e-3)) / math.log(ratio)
    return out


def machine() -> str:
    info = Path("/proc/meminfo").read_text().splitlines()
    mem = next((line.split(":")[1].strip() for line in info if line.startswith("MemTotal")), "?")
    return (
        f"{os.cpu_count()} CPUs, memory {mem}, Python {platform.python_version()}, {platform.platform()}; "
        f"load average at start {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def table(results: list[dict]) -> list[str]:
    floors = {r["size"]: r for r in results if r["step"] == "floor" and r.get("wall")}
    lines = [
        "| size | step | wall (s) | CPU (s) | peak memory (MB) | CPU / read_csv floor |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['size']} | {r['step']} | {r['error']} | | | |")
            continue
        floor = floors.get(r["size"])
        ratio = f"{r['cpu'] / floor['cpu']:.1f}x" if floor and r["step"] != "floor" and floor["cpu"] > 0 else ""
        peak = f"{r['peak'] / 2**20:.0f}" if r.get("peak") else ""
        mark = "" if r.get("inprocess") else " (whole command)"
        lines.append(f"| {r['size']} | {r['step']}{mark} | {r['wall']:.2f} | {r['cpu']:.2f} | {peak} | {ratio} |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100,1000", help="scales of the shipped tables")
    ap.add_argument("--million", action=argparse.BooleanOptionalAction, default=True, help="also 1M observations")
    ap.add_argument("--runs", type=int, default=3, help="runs per step below 1000x (median); 1 from 1000x on")
    ap.add_argument("--write", action="store_true", help="write the results into benchmarks/scale.md")
    ap.add_argument("--only", help="comma-separated in-process steps to measure again (with --update)")
    ap.add_argument("--update", action="store_true", help="replace those steps in the last results, keep the rest")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    tmp = OUT / "synthetic-scale-work"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sizes = [(f"x{s}", s, None) for s in map(int, args.sizes.split(","))]
    if args.million:
        sizes.append(("1M obs", 671, 1_000_000))
    results, started = [], time.time()
    for label, scale, obs in sizes:
        data = generate(OUT / (f"synthetic-x{scale}" + (f"-obs{obs}" if obs else "")), scale, obs, reuse=True)
        rows = sum(1 for _ in (data / "observations.csv").open(encoding="utf-8")) - 1
        runs = args.runs if scale < 1000 and not obs else 1
        print(f"{label}: {rows} observations", file=sys.stderr)
        part = bench_size(label, data, rows, runs, tmp, only)
        for r in part:
            print(json.dumps(r), file=sys.stderr)
        results += part
    elapsed = time.time() - started
    write = args.write
    if args.update:
        saved = json.loads((OUT / "scale.json").read_text(encoding="utf-8"))
        if isinstance(saved, list):  # written by an earlier version of this script: results only
            minutes = re.search(r"\(([0-9.]+) minutes of wall time\)", (HERE / "scale.md").read_text(encoding="utf-8"))
            first = {"sizes": "1,10,100,1000", "runs": 3, "million": True}
            saved = {"results": saved, "elapsed": float(minutes[1]) * 60 if minutes else 0.0, "args": first}
        new = {(r["size"], r["step"]): r for r in results}
        results = [new.pop((r["size"], r["step"]), r) for r in saved["results"]] + list(new.values())
        this = " ".join(sys.argv[1:])
        updated = (
            f"{saved['args']['updated']}`, then `python benchmarks/bench_scale.py {this}"
            if saved["args"].get("updated")
            else this
        )
        args, elapsed = argparse.Namespace(**{**saved["args"], "updated": updated}), saved["elapsed"]
    doc = report(results, elapsed, args)
    print(doc)
    if write:
        (HERE / "scale.md").write_text(doc + kept_sections(HERE / "scale.md"), encoding="utf-8")
        saved = {"results": results, "elapsed": elapsed, "args": vars(args)}
        (OUT / "scale.json").write_text(json.dumps(saved, indent=1, default=str), encoding="utf-8")
    return 0


def kept_sections(path: Path) -> str:
    """What follows this script's output in scale.md (notes and sections written by other benchmarks)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if END in text:
        return text.split(END, 1)[1]
    head = text.find("\n## ")
    return "" if head < 0 else "\n" + text[head + 1 :]


def report(results: list[dict], elapsed: float, args) -> str:
    labels = list(dict.fromkeys(r["size"] for r in results if r["size"] != "1M obs"))
    pairs = [(a, b) for a, b in zip(labels, labels[1:])] + (
        [("x10", "x1000")] if {"x10", "x1000"} <= set(labels) else []
    )
    growth = [
        f"* {a} -> {b}: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(exponents(results, a, b).items()))
        for a, b in pairs
    ]
    lines = [
        "# Scaling benchmark",
        "",
        "Written by `benchmarks/bench_scale.py --write`; data made by `benchmarks/synthetic.py` (SYNTHETIC, never program data).",
        "",
        f"Command: `python benchmarks/bench_scale.py --sizes {args.sizes} --runs {args.runs}{'' if args.million else ' --no-million'} --write`",
        f"({elapsed / 60:.1f} minutes of wall time)."
        + (
            f" Steps measured again with `python benchmarks/bench_scale.py {args.updated}`."
            if getattr(args, "updated", None)
            else ""
        ),
        "",
        f"Machine: {machine()}. The machine is shared: wall times swing with the load, CPU times much less;",
        "ratios and exponents use CPU time. In-process steps are timed after imports; commands include",
        "the interpreter's start (about 1 s). Peak memory is the largest process's resident set.",
        "",
        *table(results),
        "",
        "Growth exponent of CPU time between sizes (log of the CPU ratio over log of the observation ratio; 1.0 = linear):",
        "",
        *growth,
        "",
        "Targets of issue 10 checked on this run:",
        "",
        *targets(results),
        "",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
