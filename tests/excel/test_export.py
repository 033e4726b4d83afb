"""The Excel export, read back by real readers (python-calamine, openpyxl, LibreOffice)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from analysis.dataset.loading import load_dataset
from analysis.dataset.meetings import load_meetings, resolve_meeting
from analysis.excel.export import build_workbook, clean_text, export_workbook
from analysis.store.csv_io import export_csv, spreadsheet_safe

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "excel"
HOSTILE = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Export a copy of the fixture data with hostile and tricky values added."""
    tmp = tmp_path_factory.mktemp("export")
    program = tmp / "program"
    shutil.copytree(FIX / "program", program)
    text = (program / "actions.csv").read_text(encoding="utf-8")
    text = text.replace(
        "Updating the Special Rapporteurship's web page,", f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",', 1
    )
    text = text.replace(
        "Participation in the workshop on Migrant Workers in Ottawa", "-starts with minus\x07 and a bell", 1
    )
    (program / "actions.csv").write_text(text, encoding="utf-8")
    obs = pd.read_csv(program / "observations.csv", dtype=str, keep_default_na=False)
    ds = load_dataset(program)
    meeting = resolve_meeting(load_meetings(FIX / "meetings.csv"), "2007")
    out = export_workbook(tmp / "export.xlsx", ds, meeting, lang="en")
    return ds, out, obs


def sheet(path, name):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_sheet_names_and_order(exported):
    _, out, _ = exported
    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert names[0] == "Summary" and names[-1] == "About"
    assert {"actions", "milestones", "mandate_status", "milestone_status", "derived_indicators"} <= set(names)
    assert all(len(n) <= 31 for n in names)


def test_real_types_read_back_by_calamine(exported):
    ds, out, _ = exported
    rows = sheet(out, "actions")
    header = rows[0]
    a1 = dict(zip(header, rows[1]))
    assert a1["start"] == dt.date(2006, 3, 1)  # a date, not text
    obs = sheet(out, "observations")
    values = [dict(zip(obs[0], r))["value"] for r in obs[1:]]
    assert all(isinstance(v, float) for v in values)
    assert values == list(ds.observations["value"].astype(float))
    ms = sheet(out, "milestones")
    assert dict(zip(ms[0], ms[1]))["recurring"] is False  # a boolean


def test_formula_like_text_stays_text(exported):
    _, out, _ = exported
    descriptions = [r[3] for r in sheet(out, "actions")[1:]]
    assert HOSTILE in descriptions
    assert "-starts with minus and a bell" in descriptions  # control character removed
    ws = openpyxl.load_workbook(out)["actions"]
    cell = next(c for c in ws["D"] if c.value == HOSTILE)
    assert cell.data_type == "s" and cell.quotePrefix


def test_loader_reads_the_export_back(exported):
    ds, out, _ = exported
    again = load_dataset(out)
    for name, frame in ds.tables.items():
        expected = frame.copy()
        for col in expected.select_dtypes(["object", "string"]):  # the only change: control characters removed
            expected[col] = expected[col].map(lambda v: clean_text(v) if isinstance(v, str) else v)
        pd.testing.assert_frame_equal(again.tables[name], expected, check_dtype=False, obj=name)


def test_header_formatting_and_conditional_colours(exported):
    _, out, _ = exported
    wb = openpyxl.load_workbook(out)
    ws = wb["milestone_status"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold and ws.auto_filter.ref.startswith("A1:")
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(r.formula == ['"missed"'] for r in rules)
    assert all(ws.cell(row=r, column=8).fill.fill_type is None for r in range(2, ws.max_row + 1))  # no static fills
    assert max(d.width for d in ws.column_dimensions.values()) <= 60


def test_summary_and_about_in_spanish():
    ds = load_dataset(FIX / "program")
    meeting = resolve_meeting(load_meetings(FIX / "meetings.csv"), "2007")
    wb = build_workbook(ds, meeting, lang="es", generated=dt.datetime(2007, 3, 1, tzinfo=dt.UTC))
    assert wb.sheetnames[0] == "Resumen" and wb.sheetnames[-1] == "Acerca de"
    assert wb["Resumen"]["A1"].value == "Responsable"
    about = {r[0]: r[1] for r in wb["Acerca de"].iter_rows(min_row=2, values_only=True)}
    assert about["Versión de los datos"] == ds.version
    assert about["Cifras al"] == dt.date(2007, 3, 31)
    summary = {r[0]: r for r in wb["Resumen"].iter_rows(min_row=2, values_only=True)}
    # IACHR: 4 mandates; M1 planned only, M2 with actions carried out; milestone C1 due in March 2007
    assert summary["IACHR"][2:6] == (4, 1, 1, 2)


def test_spreadsheet_safe_csv(tmp_path):
    frame = pd.DataFrame({"text": [HOSTILE, "+1", "@SUM(A1)", "plain", "\tTAB"], "n": [-5, 1.5, 0, 2, 3]})
    export_csv(frame, tmp_path / "x.csv")
    with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == ["'" + HOSTILE, "'+1", "'@SUM(A1)", "plain", "'\tTAB"]
    assert [r[1] for r in rows[1:]] == ["-5.0", "1.5", "0.0", "2.0", "3.0"]  # numbers stay numbers
    assert spreadsheet_safe(-5) == -5


@pytest.mark.libreoffice
def test_opens_in_libreoffice_with_the_same_values(exported, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed; run 'make system-deps'")
    _, out, _ = exported
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    r = subprocess.run(
        [soffice, profile, "--headless", "--convert-to", csv_filter, "--outdir", str(tmp_path), str(out)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr
    with open(tmp_path / "export-actions.csv", encoding="utf-8", newline="") as fh:
        actions = list(csv.DictReader(fh))
    assert HOSTILE in [a["description"] for a in actions]  # shown as text, not evaluated
    assert actions[0]["start"] == "2006-03-01"
    with open(tmp_path / "export-observations.csv", encoding="utf-8", newline="") as fh:
        obs = list(csv.DictReader(fh))
    assert obs and all(float(o["value"]) == float(o["value"]) for o in obs)
    # LibreOffice writes its own .xlsx: types survive the round trip
    r = subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(out)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr
    lo = tmp_path / "lo" / "export.xlsx"
    rows = sheet(lo, "actions")
    assert dict(zip(rows[0], rows[1]))["start"] == dt.date(2006, 3, 1)
    assert HOSTILE in [row[3] for row in rows[1:]]
    wb = openpyxl.load_workbook(lo)
    assert all(c.data_type != "f" for row in wb["actions"].iter_rows() for c in row)
    values = [dict(zip(sheet(lo, "observations")[0], r))["value"] for r in sheet(lo, "observations")[1:]]
    assert all(isinstance(v, float) for v in values)
