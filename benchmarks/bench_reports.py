"""Report benchmark: the implementer report, the program overview and the voting-abroad report at scale.

On SYNTHETIC data (benchmarks/synthetic.py; never program data), for each size:

* ``inprocess``: the report's notebook code run cell by cell in a fresh process
  (benchmarks/report_steps.py), after a warm-up load that makes the dataset cache,
  so the figures are the report code's own (with its cached load): CPU, wall, peak memory, HTML size;
* ``run``: ``python -m analysis run --implementer IACHR-S0 --lang en --format html --force``
  as a user types it (it renders the implementer report and the two program
  reports), timed whole under GNU time, with each report's wall time (execute +
  render, in parallel workers) from the run's manifest.

The growth exponent is log(CPU ratio) / log(observation ratio) between two sizes.
The results, the machine and the command go into benchmarks/reports.md (``--write``).

    python benchmarks/bench_reports.py --write
    python benchmarks/bench_reports.py --sizes x10,x100 --no-run      # quick look
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PY = sys.executable
IMPLEMENTER = "IACHR-S0"
REPORTS = {
    "implementer": ("implementer_report", IMPLEMENTER, ("x10", "x100", "x1000", "1m")),
    "overview": ("program_overview", "", ("x100", "x1000")),
    "voting": ("absentee_voting", "", ("x100", "x1000")),
}
TARGETS = {("implementer", "1m"): 15.0, ("overview", "x1000"): 60.0, ("voting", "x1000"): 60.0}


def timed(cmd: list[str], timeout: float = 900) -> tuple[dict, str]:
    """Run ``cmd`` under GNU time: wall, CPU (user+system, waited-for children included), peak; and its stdout."""
    with tempfile.NamedTemporaryFile(suffix=".time") as stats:
        full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", stats.name, *cmd]
        proc = subprocess.run(full, capture_output=True, text=True, timeout=timeout, env=os.environ)
        if proc.returncode != 0:
            raise RuntimeError((proc.stderr or proc.stdout).strip().splitlines()[-1][:300])
        wall, user, system, peak = Path(stats.name).read_text().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "peak": int(peak) * 1024}, proc.stdout


def rows(data: Path) -> int:
    with (data / "observations.csv").open("rb") as fh:
        return sum(1 for _ in fh) - 1


def inprocess(report: str, size: str, data: Path) -> dict:
    notebook, implementer, _ = REPORTS[report]
    cmd = [PY, str(HERE / "report_steps.py"), notebook, str(data), *([implementer] if implementer else [])]
    _, out = timed(cmd)
    r = json.loads(out.strip().splitlines()[-1])
    slowest = max(r["cells"], key=lambda c: c["cpu"])
    return {
        "report": report,
        "size": size,
        "how": "inprocess",
        "cpu": r["cpu"],
        "wall": r["wall"],
        "peak": r["peak"],
        "html_bytes": r["html_bytes"],
        "slowest": f"{slowest['cell']} ({slowest['cpu']:.2f} s)",
    }


def cli_run(size: str, data: Path) -> list[dict]:
    with tempfile.TemporaryDirectory() as out:
        cmd = [PY, "-m", "analysis", "run", "--data", str(data), "--implementer", IMPLEMENTER]
        whole, _ = timed([*cmd, "--lang", "en", "--format", "html", "--force", "--out", out, "-q"])
        manifest = json.loads(next(Path(out).glob("*/manifest.json")).read_text(encoding="utf-8"))
    names = {"implementer_report": "implementer", "program_overview": "overview", "absentee_voting": "voting"}
    found = [
        {
            "report": names[r["notebook"]],
            "size": size,
            "how": "run (one report's wall in the run)",
            "wall": r["duration_s"],
        }
        for r in manifest["reports"]
    ]
    return [{"report": "all three", "size": size, "how": "run (whole command)", **whole}, *found]


def exponent(results: list[dict], report: str, a: str, b: str, n: dict[str, int]) -> float | None:
    by = {(r["size"], r["how"]): r for r in results if r["report"] == report}
    ra, rb = by.get((a, "inprocess")), by.get((b, "inprocess"))
    if not ra or not rb:
        return None
    return math.log(max(rb["cpu"], 1e-3) / max(ra["cpu"], 1e-3)) / math.log(n[b] / n[a])


def machine() -> str:
    info = Path("/proc/meminfo").read_text().splitlines()
    mem = next((line.split(":")[1].strip() for line in info if line.startswith("MemTotal")), "?")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, memory {mem}, Python {platform.python_version()}, {platform.platform()}; load average at start {load}"


def document(results: list[dict], n: dict[str, int], command: str, where: str, elapsed: float) -> str:
    lines = [
        "# Reports at scale",
        "",
        "Written by `benchmarks/bench_reports.py` on SYNTHETIC data (`benchmarks/synthetic.py`), never program data.",
        "",
        f"- Machine: {where}",
        f"- Command: `{command}` ({elapsed / 60:.1f} minutes of wall time)",
        "- Sizes (observations): " + ", ".join(f"{s} = {n[s]:,}" for s in n),
        "- `1m` is the 1,000,000-observation dataset (the other tables at about 671x), so its exponent against",
        "  x1000 is per observation only. `inprocess`: the notebook's cells in one fresh process, timed after",
        "  imports and after a warm-up load that makes the dataset cache (the cells' own cached load, in",
        "  `open_report`, is included; CPU is the process's); `run`: `python -m analysis run --implementer IACHR-S0",
        "  --lang en --format html --force` whole (GNU time; kernels are not waited-for children, so CPU is the",
        "  parent's), and each report's wall time in it (execute + render, three reports in parallel on 2 CPUs).",
        "",
        "| report | size | how | CPU (s) | wall (s) | peak (MB) | HTML (KB) | slowest cell |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cpu = f"{r['cpu']:.2f}" if "cpu" in r else ""
        peak = f"{r['peak'] / 2**20:.0f}" if "peak" in r else ""
        size = f"{r['html_bytes'] / 1024:.0f}" if "html_bytes" in r else ""
        row = f"| {r['report']} | {r['size']} | {r['how']} | {cpu} | {r['wall']:.2f} | {peak} | {size} | {r.get('slowest', '')} |"
        lines.append(row)
    lines += ["", "## Growth (CPU, in-process) and targets", ""]
    for report, (_, _, sizes) in REPORTS.items():
        pairs = [(a, b) for a, b in zip(sizes, sizes[1:]) if a in n and b in n]
        for a, b in pairs:
            e = exponent(results, report, a, b, n)
            if e is not None:
                lines.append(f"- {report}: n^{e:.2f} from {a} to {b}")
    for (report, size), limit in TARGETS.items():
        walls = [
            r["wall"]
            for r in results
            if r["report"] == report and r["size"] == size and r["how"].startswith("run (one")
        ]
        if walls:
            verdict = "met" if max(walls) <= limit else "NOT met"
            lines.append(f"- target {report} at {size} <= {limit:.0f} s: {max(walls):.1f} s wall in the run, {verdict}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", default="x10,x100,x1000,1m", help="synthetic sizes under benchmarks/results/synthetic-<size>"
    )
    ap.add_argument("--run", action=argparse.BooleanOptionalAction, default=True, help="also time the CLI run per size")
    ap.add_argument("--write", action="store_true", help="write benchmarks/reports.md")
    args = ap.parse_args()
    started = time.time()
    where = machine()
    sizes = [s for s in args.sizes.split(",") if (RESULTS / f"synthetic-{s}" / "observations.csv").exists()]
    n = {s: rows(RESULTS / f"synthetic-{s}") for s in sizes}
    results: list[dict] = []
    for size in sizes:
        data = RESULTS / f"synthetic-{size}"
        subprocess.run(
            [PY, "-c", f"from analysis.dataset.loading import load_dataset; load_dataset({str(data)!r})"], check=True
        )
        for report, (_, _, at) in REPORTS.items():
            if size in at:
                results.append(inprocess(report, size, data))
                print(json.dumps(results[-1]), file=sys.stderr)
        if args.run:
            results += cli_run(size, data)
            print(json.dumps(results[-4:]), file=sys.stderr)
    doc = document(
        results, n, "python benchmarks/bench_reports.py " + " ".join(sys.argv[1:]), where, time.time() - started
    )
    print(doc)
    if args.write:
        (HERE / "reports.md").write_text(doc, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
