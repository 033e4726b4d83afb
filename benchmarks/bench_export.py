"""Excel at scale: the export and the xlsx loader on SYNTHETIC data (benchmarks/synthetic.py).

For each size (default 10x, 100x, 1000x the shipped tables), each in a fresh process:

* ``export``: the whole command ``python -m analysis export --data DIR --out FILE``
  under GNU time (load, validation and measures included; no dataset cache);
* ``xlsx_loader``: ``analysis.dataset.raw.read_raw`` on that export (the safety
  check of every XML part, calamine, the text conversion), against
  ``xlsx_loader_unchecked`` (the same without the safety check),
  ``xlsx_calamine`` (calamine alone) and ``xlsx_pandas``
  (``pandas.read_excel(sheet_name=all tables, dtype=str, engine="openpyxl")``),
  all on the same workbook in the same run (benchmarks/scale_steps.py: timed
  after imports).

Targets (issue 10 point 6): the export at 1000x in at most 30 s and 1 GB; the
loader at least 5x faster than pandas with openpyxl. Ratios use CPU time (the
machine is shared; wall time swings with the load). ``--write`` replaces the
section "Excel at scale" of benchmarks/scale.md (the rest of that file is
written by bench_scale.py).

    python benchmarks/bench_export.py --write
    python benchmarks/bench_export.py --sizes 10,100 --runs 3 --data-root benchmarks/results
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_scale import PY, step  # noqa: E402  (step runs without the dataset cache)
from synthetic import OUT, generate  # noqa: E402

XLSX = ("xlsx_loader", "xlsx_loader_unchecked", "xlsx_calamine", "xlsx_pandas")
SECTION = "## Excel at scale"
TARGET_EXPORT_S, TARGET_EXPORT_MB, TARGET_RATIO = 30.0, 1000, 5.0


def bench_size(scale: int, root: Path, runs: int, out_dir: Path) -> list[dict]:
    """The export and the four xlsx reads at one size."""
    data = root / f"synthetic-x{scale}"
    if not (data / "actions.csv").exists():
        generate(data, scale)
    book = out_dir / f"export-x{scale}.xlsx"
    export = [PY, "-m", "analysis", "export", "--data", str(data), "--out", str(book)]
    results = [step("export", export, runs, 1800) | {"size": f"x{scale}", "file_mb": None}]
    results[0]["file_mb"] = book.stat().st_size / 1e6 if book.exists() else None
    for name in XLSX:
        cmd = [PY, str(HERE / "scale_steps.py"), name, str(book)]
        results.append(step(name, cmd, 1 if name == "xlsx_pandas" and scale >= 1000 else runs, 1800))
        results[-1]["size"] = f"x{scale}"
        print(f"x{scale} {name}: {results[-1]}", file=sys.stderr)
    return results


def table(results: list[dict]) -> list[str]:
    lines = [
        "| size | step | wall (s) | CPU (s) | peak memory (MB) | file (MB) | pandas CPU / this | this / calamine CPU |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in dict.fromkeys(r["size"] for r in results):
        rows = {r["step"]: r for r in results if r["size"] == size}
        pandas, calamine = rows.get("xlsx_pandas", {}).get("cpu"), rows.get("xlsx_calamine", {}).get("cpu")
        for name, r in rows.items():
            if "error" in r:
                lines.append(f"| {size} | {name} | error: {r['error']} | | | | | |")
                continue
            vs_pandas = f"{pandas / r['cpu']:.1f}x" if name.startswith("xlsx_loader") and pandas else ""
            vs_calamine = f"{r['cpu'] / calamine:.2f}x" if name.startswith("xlsx_loader") and calamine else ""
            file_mb = f"{r['file_mb']:.0f}" if r.get("file_mb") else ""
            lines.append(
                f"| {size} | {name} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['peak'] / 1e6:.0f} | {file_mb} "
                f"| {vs_pandas} | {vs_calamine} |"
            )
    return lines


def verdict(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        if r.get("step") == "export" and r.get("size") == "x1000" and "error" not in r:
            ok = r["cpu"] <= TARGET_EXPORT_S and r["wall"] <= TARGET_EXPORT_S and r["peak"] / 1e6 <= TARGET_EXPORT_MB
            out.append(
                f"* Export at 1000x: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, {r['peak'] / 1e6:.0f} MB "
                f"(target 30 s and 1 GB): {'met' if ok else 'NOT met'}."
            )
    for size in dict.fromkeys(r["size"] for r in results):
        rows = {r["step"]: r for r in results if r["size"] == size and "error" not in r}
        if "xlsx_loader" in rows and "xlsx_pandas" in rows:
            ratio = rows["xlsx_pandas"]["cpu"] / rows["xlsx_loader"]["cpu"]
            out.append(
                f"* xlsx loader at {size}: {rows['xlsx_loader']['cpu']:.2f} CPU s against "
                f"{rows['xlsx_pandas']['cpu']:.2f} s for pandas.read_excel (openpyxl), {ratio:.1f}x "
                f"(target 5x): {'met' if ratio >= TARGET_RATIO else 'NOT met'}."
            )
    return out


def section(results: list[dict], command: str, minutes: float) -> str:
    load = os.getloadavg()
    lines = [
        SECTION,
        "",
        "Written by `benchmarks/bench_export.py --write` on SYNTHETIC data (`benchmarks/synthetic.py`).",
        "",
        f"Command: `{command}` ({minutes:.1f} minutes of wall time).",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}; "
        f"load average at the end {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}. The machine is shared: "
        "ratios use CPU time. `export` is the whole command (interpreter start, load and validation "
        "without the dataset cache, measures, writing); the xlsx steps are timed in a fresh process "
        "after imports, on that export, in the same run.",
        "",
        *table(results),
        "",
        *verdict(results),
        "",
    ]
    return "\n".join(lines)


def replace_section(doc: str, text: str) -> str:
    """``doc`` with its "Excel at scale" section replaced by ``text`` (appended when absent)."""
    m = re.search(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", doc, flags=re.M | re.S)
    if m is None:
        return doc.rstrip("\n") + "\n\n" + text
    return doc[: m.start()] + text + ("\n" if doc[m.end() :] else "") + doc[m.end() :]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,100,1000", help="comma-separated multiples of the shipped tables")
    ap.add_argument("--runs", type=int, default=1, help="runs per step (median; pandas at 1000x runs once)")
    ap.add_argument("--data-root", type=Path, default=OUT, help="where synthetic-xN folders are (made if missing)")
    ap.add_argument("--write", action="store_true", help="replace the 'Excel at scale' section of scale.md")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = [r for s in args.sizes.split(",") for r in bench_size(int(s), args.data_root, args.runs, OUT)]
    given = " ".join(argv if argv is not None else sys.argv[1:])
    if args.data_root.is_absolute():  # no path of this machine in the results
        given = given.replace(str(args.data_root), "DATA")
    command = "python benchmarks/bench_export.py " + given
    text = section(results, command.strip(), (time.perf_counter() - start) / 60)
    print(text)
    if args.write:
        scale = HERE / "scale.md"
        scale.write_text(replace_section(scale.read_text(encoding="utf-8"), text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
