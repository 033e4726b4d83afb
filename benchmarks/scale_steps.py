"""One step of the scaling benchmark, timed inside a fresh process (see bench_scale.py).

``python benchmarks/scale_steps.py STEP PATH [OUT]`` imports what the step
needs, then times only the step and prints JSON: wall and CPU seconds, and the
process's peak resident memory (which includes the interpreter and imports).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def floor(path: Path) -> None:
    """The plain read every other step is compared with: every table with read_csv(dtype=str)."""
    import pandas as pd

    from analysis.dataset.schema import TABLE_ORDER

    for name in TABLE_ORDER:
        pd.read_csv(path / f"{name}.csv", dtype=str, keep_default_na=False)


def load(path: Path) -> None:
    from analysis.dataset.loading import load_dataset

    load_dataset(path, use_cache=False)


def load_cached(path: Path) -> None:
    from analysis.dataset.loading import load_dataset

    load_dataset(path)  # the benchmark made the snapshot beforehand


def measures(path: Path) -> None:
    """Load, validate and compute every measure the reports use."""
    from analysis import measures as m
    from analysis.dataset.loading import load_dataset

    ds = load_dataset(path, use_cache=False)
    counts = m.implementer_counts(ds, "2007-03-16")
    m.program_totals(counts)
    m.mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    m.milestone_status(ds.milestones, "2007-03-16", ds.data_quality)
    derived = m.derived_indicators(ds.indicators, ds.observations)
    m.indicator_table(ds.indicators, ds.observations, derived)


def xlsx_loader(path: Path) -> None:
    from analysis.dataset.raw import read_raw

    read_raw(path)


def xlsx_loader_unchecked(path: Path) -> None:
    """The loader's own part: calamine plus the text conversion, without the safety pre-check of the XML."""
    from python_calamine import CalamineWorkbook

    from analysis.dataset.raw import _sheet_frame
    from analysis.dataset.schema import TABLE_ORDER

    wb = CalamineWorkbook.from_path(str(path))
    for name in TABLE_ORDER:
        _sheet_frame(wb.get_sheet_by_name(name).to_python(skip_empty_area=False))


def xlsx_pandas(path: Path) -> None:
    import pandas as pd

    from analysis.dataset.schema import TABLE_ORDER

    pd.read_excel(path, sheet_name=list(TABLE_ORDER), dtype=str, engine="openpyxl")


def xlsx_calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from analysis.dataset.schema import TABLE_ORDER

    wb = CalamineWorkbook.from_path(str(path))
    for name in TABLE_ORDER:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


STEPS = {
    f.__name__: f
    for f in (floor, load, load_cached, measures, xlsx_loader, xlsx_loader_unchecked, xlsx_pandas, xlsx_calamine)
}


def main() -> None:
    step, path = STEPS[sys.argv[1]], Path(sys.argv[2])
    import pandas  # noqa: F401  (import cost is not the step's)

    wall, cpu = time.perf_counter(), time.process_time()
    step(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak}))


if __name__ == "__main__":
    main()
