"""One report's notebook run in-process, cell by cell, timed (see bench_reports.py).

``python benchmarks/report_steps.py NOTEBOOK DATA [IMPLEMENTER] [--profile N]``
executes the notebook's code cells in this process (no kernel, no papermill),
with its parameters set as a meeting run sets them and ``display`` collecting
the HTML each cell shows, and prints JSON: CPU and wall seconds per cell and
in all, the HTML size and the peak resident memory. With ``--profile N`` it
also prints the N functions with the most cumulative time (cProfile), to
stderr. The dataset is loaded once before timing (the snapshot of the
data, as a report kernel reads it), so the figures are the report's own code
(with the cached load its ``open_report`` cell does).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


class Shown:
    """``display`` for the cells: keeps the HTML they show."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def __call__(self, obj, *_, **__) -> None:
        self.parts.append(str(obj._repr_html_()) if hasattr(obj, "_repr_html_") else str(obj))


def cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def run(notebook: str, data: str, implementer: str = "", lang: str = "en", profile: int = 0) -> dict:
    from analysis.dataset.loading import load_dataset

    load_dataset(data)  # warm: the cache a report kernel reads (timed separately by the benchmark)
    shown = Shown()
    ns: dict = {}
    code = cells(NOTEBOOKS / f"{notebook}.ipynb")
    exec(code[0], ns)  # the parameters cell's defaults, then the run's values (as papermill injects them)
    ns.update(implementer=implementer, lang=lang, data_path=data, meeting="", as_of="", meetings_file="")
    ns["display"] = shown
    prof = cProfile.Profile() if profile else None
    timings = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for src in code[1:]:
        w, c = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        exec(src.replace("from IPython.display import display", ""), ns)
        if prof:
            prof.disable()
        timings.append(
            {"cell": src.strip().splitlines()[-1][:70], "cpu": time.process_time() - c, "wall": time.perf_counter() - w}
        )
    result = {
        "notebook": notebook,
        "cpu": time.process_time() - cpu0,
        "wall": time.perf_counter() - wall0,
        "html_bytes": sum(len(p) for p in shown.parts),
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "cells": timings,
        "shown": shown.parts,
    }
    if prof:
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(profile)
        if os.environ.get("REPORT_STEPS_PROFILE"):  # the raw profile, for pstats callers/callees
            prof.dump_stats(os.environ["REPORT_STEPS_PROFILE"])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook")
    ap.add_argument("data")
    ap.add_argument("implementer", nargs="?", default="")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--profile", type=int, default=0)
    ap.add_argument("--html", help="also write the shown HTML to this file")
    args = ap.parse_args()
    result = run(args.notebook, args.data, args.implementer, args.lang, args.profile)
    if args.html:
        Path(args.html).write_text("".join(result.pop("shown")), encoding="utf-8")
    result.pop("shown", None)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
