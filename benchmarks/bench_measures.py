"""Benchmark: the measures (statuses, counts, "reported", derived indicators, changes) as the data grows.

SYNTHETIC DATA, in memory only: the shipped tables are repeated ``k`` times
with every id suffixed ``-SYNk`` (and elections suffixed, so derived
indicators get distinct places); nothing is written under data/. Implementer
ids are kept, so each implementer's slice grows with ``k`` as well. The
benchmark of the whole pipeline (generator, loading, validation) is
``benchmarks/bench_scale.py``'s job; this one isolates the measures.

For each size it records wall and CPU seconds of each step, and between sizes
the growth exponent ``log(t2/t1) / log(n2/n1)`` of CPU time (1.0 = linear; CPU
rather than wall because the machine is shared and wall time mostly measures
the other work on it). One
implementer's counts are timed too: they should cost its slice, not the whole.

Usage::

    python benchmarks/bench_measures.py                      # x10, x100, x1000, and 1M observations
    python benchmarks/bench_measures.py --sizes 10 100 --write   # also write benchmarks/measures.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis.dataset.loading import Dataset, load_dataset  # noqa: E402
from analysis.dataset.meetings import load_meetings  # noqa: E402
from analysis.measures import derived_indicators, implementer_counts, mandate_status, milestone_status  # noqa: E402
from analysis.measures.changes import changes_between  # noqa: E402
from analysis.measures.reporting import reported_for_meeting  # noqa: E402

ID_COLUMNS = {
    "mandates": ["mandate_id"],
    "actions": ["action_id"],
    "action_mandates": ["link_id", "action_id", "mandate_id"],
    "milestones": ["milestone_id", "action_id"],
    "observations": ["observation_id"],
}
GROWING = ("mandates", "actions", "action_mandates", "milestones", "observations")


def synthetic(ds: Dataset, k: int, obs_k: int | None = None) -> Dataset:
    """The shipped tables repeated ``k`` times (observations ``obs_k`` times), ids suffixed ``-SYN<i>``."""
    tables = dict(ds.tables)
    for name in GROWING:
        base, reps = ds.tables[name], (obs_k or k) if name == "observations" else k
        copies = []
        for i in range(reps):
            part = base.copy()
            for col in ID_COLUMNS[name]:
                filled = part[col].astype(str) != ""
                part.loc[filled, col] = part.loc[filled, col] + f"-SYN{i}"
            if name == "observations":
                part["election"] = part["election"].astype(str) + f" SYN{i}"
            copies.append(part)
        tables[name] = _one_chunk(pd.concat(copies, ignore_index=True))
    return Dataset(tables, ds.source, f"synthetic-x{k}", {})


def _one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow-backed text columns as one block, as the loader gives them (a concat of k copies leaves k chunks)."""
    for col in frame.columns:
        if str(frame[col].dtype).startswith("string"):
            frame[col] = frame[col].astype(object).astype(frame[col].dtype)
    return frame


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def steps(ds: Dataset, meeting, as_of: dt.date) -> dict:
    return {
        "mandate_status": lambda: mandate_status(ds.mandates, ds.actions, ds.action_mandates),
        "milestone_status": lambda: milestone_status(ds.milestones, as_of, ds.data_quality),
        "reported_for_meeting": lambda: reported_for_meeting(ds, meeting),
        "implementer_counts": lambda: implementer_counts(ds, as_of, meeting=meeting),
        "implementer_counts_IACHR": lambda: implementer_counts(ds, as_of, implementer="IACHR", meeting=meeting),
        "derived_indicators": lambda: derived_indicators(ds.indicators, ds.observations),
        "changes_between": lambda: changes_between(ds, ds, dt.date(2006, 3, 16), as_of),
    }


def run(sizes: list[int], million: bool, repeat: int) -> tuple[list[dict], dict]:
    base = load_dataset()
    meeting = {m.meeting_id: m for m in load_meetings()}["2007"]
    plan = [(f"x{k}", k, None) for k in sizes]
    if million:
        obs_k = math.ceil(1_000_000 / len(base.observations))
        plan.append(("1M observations", math.ceil(100_000 / len(base.actions)), obs_k))
    results = []
    for label, k, obs_k in plan:
        ds = synthetic(base, k, obs_k)
        rows = {name: len(ds.tables[name]) for name in GROWING}
        for step, fn in steps(ds, meeting, meeting.as_of).items():
            runs = [timed(fn) for _ in range(repeat)]
            wall = sorted(r[0] for r in runs)[len(runs) // 2]
            cpu = sorted(r[1] for r in runs)[len(runs) // 2]
            results.append({"size": label, "k": k, "step": step, "wall": wall, "cpu": cpu, **rows})
            print(f"{label:>16} {step:<26} wall {wall:8.3f} s  cpu {cpu:8.3f} s", flush=True)
    return results, rows


def exponents(results: list[dict], sizes: list[int]) -> dict:
    """Growth exponent of each step's CPU time between consecutive sizes."""
    by = {(r["size"], r["step"]): r for r in results}
    out = {}
    for a, b in zip(sizes, sizes[1:]):
        for step in {r["step"] for r in results}:
            ra, rb = by[(f"x{a}", step)], by[(f"x{b}", step)]
            if ra["cpu"] > 0 and rb["cpu"] > 0:
                out[(f"x{a}->x{b}", step)] = math.log(rb["cpu"] / ra["cpu"]) / math.log(b / a)
    return out


def write_markdown(results: list[dict], growth: dict, sizes: list[int], command: str) -> str:
    step_names = list(dict.fromkeys(r["step"] for r in results))
    labels = list(dict.fromkeys(r["size"] for r in results))
    by = {(r["size"], r["step"]): r for r in results}
    lines = [
        "# Measures at scale (synthetic data, in memory)",
        "",
        "Written by `python benchmarks/bench_measures.py --write`. The shipped tables repeated k times, ids",
        "suffixed `-SYN<i>`: **synthetic**, never written under data/. CPU seconds (wall seconds in brackets),",
        "median of the runs.",
        "",
        f"Run: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}; command: `{command}`; machine:",
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}, "
        f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} (shared machine).",
        "",
        "| step | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for step in step_names:
        lines.append(
            f"| {step} | "
            + " | ".join(f"{by[(lab, step)]['cpu']:.3f} ({by[(lab, step)]['wall']:.2f})" for lab in labels)
            + " |"
        )
    lines += ["", "Rows (actions / milestones / observations): "]
    lines.append(
        ", ".join(
            f"{lab}: {by[(lab, step_names[0])]['actions']:,} / {by[(lab, step_names[0])]['milestones']:,} / "
            f"{by[(lab, step_names[0])]['observations']:,}"
            for lab in labels
        )
    )
    lines += ["", "Growth exponent of CPU time between sizes (1.0 = linear):", ""]
    pairs = list(dict.fromkeys(p for p, _ in growth))
    lines += ["| step | " + " | ".join(pairs) + " |", "|---|" + "---|" * len(pairs)]
    for step in step_names:
        lines.append(f"| {step} | " + " | ".join(f"{growth[(p, step)]:.2f}" for p in pairs) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--no-million", action="store_true", help="skip the 1M-observation dataset")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="write benchmarks/measures.md")
    args = ap.parse_args()
    results, _ = run(args.sizes, not args.no_million, args.repeat)
    growth = exponents(results, args.sizes)
    for (pair, step), e in sorted(growth.items()):
        print(f"{pair:>14} {step:<26} exponent {e:5.2f}")
    if args.write:
        command = "python benchmarks/bench_measures.py " + " ".join(sys.argv[1:])
        (ROOT / "benchmarks" / "measures.md").write_text(write_markdown(results, growth, args.sizes, command.strip()))


if __name__ == "__main__":
    main()
