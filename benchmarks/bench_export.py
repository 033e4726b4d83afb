"""Excel export at scale: the streamed writer on SYNTHETIC data (benchmarks/synthetic.py).

Loads the tables once, then times ``export_workbook`` alone (wall and CPU
time of this process) and reports the peak memory of the process (loading
included) and the file size. Target (issue 10 point 6): 1000x the shipped
data in at most 30 s and 1 GB.

    python benchmarks/bench_export.py --scale 1000           # generates benchmarks/results/synthetic-x1000 once
    python benchmarks/bench_export.py --data /tmp/synthetic-x1000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> int:
    from analysis.dataset.loading import load_dataset
    from analysis.dataset.meetings import load_meetings, resolve_meeting
    from analysis.excel.export import export_workbook

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=1000)
    ap.add_argument("--data", type=Path, help="a synthetic folder already made (default: made by synthetic.py)")
    ap.add_argument("--lang", default="es")
    args = ap.parse_args(argv)
    data = args.data
    if data is None:
        from synthetic import OUT, generate

        data = OUT / f"synthetic-x{args.scale}"
        if not (data / "actions.csv").exists():
            generate(data, args.scale)
    ds = load_dataset(data, validate=False)
    rows = sum(len(t) for t in ds.tables.values())
    meeting = resolve_meeting(load_meetings(), "2007")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export.xlsx"
        wall, cpu = time.perf_counter(), time.process_time()
        export_workbook(out, ds, meeting, lang=args.lang)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{data.name}: {rows:,} table rows -> export {wall:.1f} s wall, {cpu:.1f} s CPU, {size / 1e6:.0f} MB file")
    print(f"peak memory of the process (loading included): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
