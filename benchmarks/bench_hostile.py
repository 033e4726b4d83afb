"""Benchmark: the cost of hostile and absurd workbooks (target: refused or accepted in < 5 s and < 500 MB).

Each case is run as a user would, ``python -m analysis ingest FILE`` or
``python -m analysis validate FILE``, in a fresh child process, on a copy of
the small fixture data. Measured: wall time of the whole command (including
the interpreter start and imports) and the child's peak resident memory.

Cases (from issue 9 and beyond it):

* ``far_cell``: a real form with one cell typed at row 1,048,576;
* ``xfd_hidden``: the hidden control sheet with a cell at XFD1048576;
* ``lying_zip``: a ~1 MB form whose sheet declares 100 bytes but inflates to ~60 MB;
* ``big_form``: a 6 MB form full of cells (refused: past the row limit);
* ``form_at_limits``: a form just inside every limit (about 24,000 cells), read in full;
* ``gb_sheet``: ``validate`` on a ~1 MB workbook holding a 1 GB sheet;
* ``data_far_cell``: ``validate`` on a data workbook whose 100,000-row sheet (read by the byte
  scan) ends with a cell past the row limit: the scan's doubt, then the exact scan's refusal;
* ``declared_dimension``: a sheet that declares ``A1:XFD1048576`` and holds one cell;
* ``merge_everything``: a form whose sheet merges ``A2:XFD1048576``.

Usage::

    python benchmarks/bench_hostile.py            # prints a table, one row per case
    python benchmarks/bench_hostile.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "excel"
LIMIT_S, LIMIT_MB = 5.0, 500

# VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec from the (large) parent.
RUNNER = """
import sys
from analysis.cli import main
code = main(sys.argv[1:])
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print("PEAK_MB=%d" % (int(line.split()[1]) // 1024), file=sys.stderr)
sys.exit(code)
"""


def make_form(work: Path) -> tuple[Path, Path]:
    """A copy of the fixture data and a real form made from it."""
    data = work / "data"
    shutil.copytree(FIXTURE / "program", data / "program")
    shutil.copy(FIXTURE / "meetings.csv", data / "meetings.csv")
    sys.path.insert(0, str(ROOT / "src"))
    from analysis.dataset.loading import load_dataset
    from analysis.excel.form import write_template

    form = write_template(work / "form.xlsx", load_dataset(data / "program"), "IACHR", "2007", "en")
    return data / "program", form


def rewrite(src: Path, dst: Path, part_of, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if part_of(info.filename) else data)
    return dst


def sheet(form: Path, title: str):
    import openpyxl

    name = f"xl/worksheets/sheet{openpyxl.load_workbook(form).sheetnames.index(title) + 1}.xml"
    return lambda filename: filename == name


def case_far_cell(work, form):
    cell = b'<row r="1048576"><c r="C1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return rewrite(form, work / "far.xlsx", sheet(form, "Actions"), lambda x: x.replace(b"</sheetData>", cell))


def case_xfd_hidden(work, form):
    cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return rewrite(form, work / "xfd.xlsx", sheet(form, "meta"), lambda x: x.replace(b"</sheetData>", cell))


def case_lying_zip(work, form):
    rows = b"".join(b'<row r="%d"><c r="H%d"><v>1</v></c></row>' % (r, r) for r in range(200, 1_600_000))
    big = rewrite(
        form, work / "big.xlsx", sheet(form, "Mandates"), lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>")
    )
    raw = bytearray(big.read_bytes())
    pos = raw.find(b"PK\x01\x02")
    while pos != -1:
        n = int.from_bytes(raw[pos + 28 : pos + 30], "little")
        if int.from_bytes(raw[pos + 24 : pos + 28], "little") > 10_000_000:
            raw[pos + 24 : pos + 28] = (100).to_bytes(4, "little")  # the lie: 100 bytes
        pos = raw.find(b"PK\x01\x02", pos + 46 + n)
    liar = work / "liar.xlsx"
    liar.write_bytes(bytes(raw))
    return liar


def case_big_form(work, form):
    text = b"".join(
        b'<row r="%d">%s</row>'
        % (
            r,
            b"".join(
                b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (c, r, os.urandom(20).hex().encode())
                for c in (b"C", b"G")
            ),
        )
        for r in range(40, 100_000)
    )
    return rewrite(
        form,
        work / "bigform.xlsx",
        sheet(form, "Actions"),
        lambda x: x.replace(b"</sheetData>", text + b"</sheetData>"),
    )


def case_form_at_limits(work, form):
    """Just inside every form limit: rows up to 4,999 and about 24,000 cells of text in the answer columns."""
    cells = (b"C", b"D", b"G", b"H", b"I")
    text = b"".join(
        b'<row r="%d">%s</row>'
        % (r, b"".join(b'<c r="%s%d" t="inlineStr"><is><t>answer %d</t></is></c>' % (c, r, r) for c in cells))
        for r in range(200, 5_000)
    )
    return rewrite(
        form,
        work / "limits.xlsx",
        sheet(form, "Mandates"),
        lambda x: x.replace(b"</sheetData>", text + b"</sheetData>"),
    )


def case_gb_sheet(work, _form):
    book = work / "program.xlsx"
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * (1 << 20) + b"</t></is></c></row>"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "xl/workbook.xml", '<workbook><sheets><sheet name="actions" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b"<worksheet><sheetData>")
            for _ in range(1024):
                fh.write(row)
            fh.write(b"</sheetData></worksheet>")
    return book


def case_data_far_cell(work, _form):
    """A 100,000-row data sheet (the byte scan's size) whose last cell is past the data row limit."""
    book = work / "far-data.xlsx"
    row = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>plain text of a large data sheet</t></is></c></row>'
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "xl/workbook.xml", '<workbook><sheets><sheet name="actions" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b"<worksheet><sheetData>")
            for r in range(1, 100_001):
                fh.write(row % (r, r))
            fh.write(row % (300_001, 300_001) + b"</sheetData></worksheet>")
    return book


def case_declared_dimension(work, form):
    return rewrite(
        form,
        work / "dim.xlsx",
        sheet(form, "Actions"),
        lambda x: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', x),
    )


def case_merge_everything(work, form):
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>'
    return rewrite(form, work / "merge.xlsx", sheet(form, "Actions"), lambda x: x.replace(b"</sheetData>", merge, 1))


CASES = {
    "far_cell": ("ingest", case_far_cell),
    "xfd_hidden": ("ingest", case_xfd_hidden),
    "lying_zip": ("ingest", case_lying_zip),
    "big_form": ("ingest", case_big_form),
    "form_at_limits": ("ingest", case_form_at_limits),
    "gb_sheet": ("validate", case_gb_sheet),
    "data_far_cell": ("validate", case_data_far_cell),
    "declared_dimension": ("ingest", case_declared_dimension),
    "merge_everything": ("ingest", case_merge_everything),
}


def run_case(name: str, work: Path, data: Path, form: Path) -> dict:
    command, make = CASES[name]
    path = make(work, form)
    argv = ["ingest", str(path), "--data", str(data)] if command == "ingest" else ["validate", str(path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", RUNNER, *argv], capture_output=True, text=True, env=env, timeout=600)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = re.search(r"PEAK_MB=(\d+)", run.stderr)
    lines = [line for line in run.stderr.splitlines() if not line.startswith("PEAK_MB=")]
    return {
        "case": name,
        "file_bytes": path.stat().st_size,
        "exit": run.returncode,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # the child's own CPU time: what the wall time is on an idle machine
        "peak_mb": int(peak.group(1)) if peak else None,
        "message": lines[0][:160] if lines else "",
        "traceback": "Traceback" in run.stderr,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("cases", nargs="*", default=list(CASES), help="which cases (default: all)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        data, form = make_form(work)
        results = [run_case(name, work, data, form) for name in args.cases]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("| case | file (bytes) | exit | wall s | CPU s | peak MB | within target | first line |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        ok = (
            min(r["seconds"], r["cpu_seconds"]) < LIMIT_S
            and r["peak_mb"] is not None
            and r["peak_mb"] < LIMIT_MB
            and not r["traceback"]
        )
        print(
            f"| {r['case']} | {r['file_bytes']} | {r['exit']} | {r['seconds']} | {r['cpu_seconds']} | {r['peak_mb']} | {'yes' if ok else 'NO'} | {r['message']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
