"""End to end through ``python -m analysis``: export, template, ingest, changes, snapshot.

Each hostile or wrong submission gets its one-line message, exit code 1 and
no traceback. Every run works on a copy of the fixture data in tmp_path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import copy_excel_fixture

ROOT = Path(__file__).resolve().parents[2]

BOMB_XML = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


@pytest.fixture
def data(tmp_path) -> Path:
    return copy_excel_fixture(tmp_path)


@pytest.fixture
def form(data, tmp_path) -> Path:
    out = tmp_path / "form.xlsx"
    r = cli("template", "--implementer", "IACHR", "--meeting", "2007", "--out", out, "--data", data)
    assert r.returncode == 0, r.stderr
    return out


def edited(form: Path, out: Path, sheet: str, cells: dict) -> Path:
    wb = openpyxl.load_workbook(form)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(out)
    return out


def rezip(src: Path, dst: Path, replace=None, extra=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, (replace or {}).get(info.filename, zin.read(info.filename)))
        for name, payload in (extra or {}).items():
            zout.writestr(name, payload)
    return dst


def master(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.glob("*.csv"))}


def refused(data: Path, file: Path, *extra) -> str:
    before = master(data)
    r = cli("ingest", file, "--data", data, *extra)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert master(data) == before
    errors = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, r.stderr
    return errors[0]


# ---------------------------------------------------------------- hostile files


def test_xml_bomb(data, form, tmp_path):
    bad = rezip(form, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": BOMB_XML})
    assert "declares a DTD or entities" in refused(data, bad)


def test_zip_bomb_by_declared_size(data, form, tmp_path):
    bad = rezip(form, tmp_path / "zbomb.xlsx", extra={"xl/media/zeros.bin": b"\0" * (3 * 1024 * 1024)})
    assert "possible zip bomb" in refused(data, bad)


def test_too_many_members(data, form, tmp_path):
    bad = rezip(form, tmp_path / "many.xlsx", extra={f"xl/media/{i}.bin": b"x" for i in range(600)})
    assert "too many parts" in refused(data, bad)


def test_not_a_zip(data, tmp_path):
    bad = tmp_path / "renamed.xlsx"
    bad.write_text("action_id,description\nIACHR-A1,x\n")
    assert "not a zip archive" in refused(data, bad)


def test_truncated(data, form, tmp_path):
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(form.read_bytes()[:3000])
    assert "truncated or damaged" in refused(data, bad)


def test_encrypted_ole(data, tmp_path):
    bad = tmp_path / "locked.xlsx"
    bad.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + os.urandom(4096))
    assert "password-protected" in refused(data, bad)


def test_formula_in_a_cell_is_text_with_a_warning(data, form, tmp_path):
    f = edited(form, tmp_path / "formula.xlsx", "Actions", {"C2": "=1+1"})
    r = cli("ingest", f, "--data", data)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "warning:" in r.stderr and "holds a formula" in r.stderr and "row 2" in r.stderr
    assert "IACHR-A1,IACHR,carried_out,=1+1," in (data / "actions.csv").read_text()


# ---------------------------------------------------------------- wrong forms


def test_wrong_implementer(data, form):
    assert "the form is for implementer 'IACHR', not 'CIM'" in refused(data, form, "--implementer", "CIM")


def test_wrong_meeting(data, form):
    assert "the form is for meeting '2007', not '2008'" in refused(data, form, "--meeting", "2008")


def test_wrong_template_version(data, form, tmp_path):
    wb = openpyxl.load_workbook(form)
    wb["meta"]["B1"] = "0"
    wb.save(tmp_path / "old.xlsx")
    assert "template version 0" in refused(data, tmp_path / "old.xlsx")


def test_altered_control_sheet(data, form, tmp_path):
    wb = openpyxl.load_workbook(form)
    wb["meta"]["B2"] = "CIM"
    wb.save(tmp_path / "forged.xlsx")
    assert "hidden control sheet was altered" in refused(data, tmp_path / "forged.xlsx")


def test_edited_key(data, form, tmp_path):
    line = refused(data, edited(form, tmp_path / "key.xlsx", "Actions", {"A2": "IACHR-A7"}))
    assert "sheet Actions, row 2, column Action id (do not edit)" in line and "the action id was changed" in line


def test_unknown_mandate(data, form, tmp_path):
    assert "unknown mandate 'IACHR-M99'" in refused(
        data, edited(form, tmp_path / "m.xlsx", "Actions", {"F2": "IACHR-M99"})
    )


def test_unparseable_period(data, form, tmp_path):
    line = refused(data, edited(form, tmp_path / "p.xlsx", "Actions", {"D2": "when funds allow"}))
    assert "the period cannot be understood" in line and "'when funds allow'" in line


def test_bad_status(data, form, tmp_path):
    line = refused(data, edited(form, tmp_path / "s.xlsx", "Actions", {"E2": "done-ish"}))
    assert "the status is missing or not in the list" in line and "errors.xlsx" not in line


# ---------------------------------------------------------------- the cycle


def test_full_cycle_through_the_cli(data, form, tmp_path):
    assert cli("snapshot", "--meeting", "2006", "--data", data).returncode == 0
    filled = edited(
        form,
        tmp_path / "filled.xlsx",
        "Actions",
        {"B6": "planned", "C6": "Regional seminar", "D6": "second semester of 2007", "E6": "planned"},
    )
    dry = cli("ingest", filled, "--data", data, "--dry-run")
    assert dry.returncode == 0 and "would change: actions IACHR-P3 action_id" in dry.stdout
    assert not (data.parent / "changelog.csv").exists()
    real = cli("ingest", filled, "--data", data)
    assert real.returncode == 0 and "changed: actions IACHR-P3" in real.stdout and "archived:" in real.stdout
    again = cli("ingest", filled, "--data", data)
    assert again.returncode == 0 and "already ingested" in again.stdout
    ch = cli("changes", "--meeting", "2007", "--data", data)
    assert (
        ch.returncode == 0
        and "new actions: 1" in ch.stdout
        and "IACHR-P3 | IACHR | planned | Regional seminar" in ch.stdout
    )
    out = tmp_path / "export.xlsx"
    ex = cli("export", "--meeting", "2007", "--lang", "es", "--out", out, "--data", data)
    assert ex.returncode == 0, ex.stderr
    wb = openpyxl.load_workbook(out)
    assert "Regional seminar" in [c.value for c in wb["actions"]["D"]]
    csvdir = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--out", csvdir, "--data", data).returncode == 0
    assert (csvdir / "actions.csv").exists() and (csvdir / "derived_indicators.csv").exists()


def test_changes_without_an_earlier_snapshot(data):
    r = cli("changes", "--meeting", "2007", "--data", data)
    assert r.returncode == 0 and "nothing to compare with" in r.stdout


def test_template_for_unknown_implementer(data, tmp_path):
    r = cli("template", "--implementer", "NOPE", "--meeting", "2007", "--out", tmp_path / "x.xlsx", "--data", data)
    assert r.returncode == 2 and "unknown implementer 'NOPE'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_every_command_has_help():
    for name in ("export", "template", "ingest", "changes", "snapshot"):
        r = cli(name, "--help")
        assert r.returncode == 0 and f"Usage: python -m analysis {name}" in r.stdout and "Examples:" in r.stdout


def test_every_command_is_documented():
    doc = (ROOT / "docs" / "follow-up.md").read_text(encoding="utf-8")
    for name in ("export", "template", "ingest", "changes", "snapshot"):
        assert f"python -m analysis {name}" in doc


def test_every_mistake_in_a_row_is_reported_in_one_pass(data, tmp_path):
    """A busy official's row: a wrong status word, an unknown mandate and a garbled period, all at once."""
    form = tmp_path / "IACHR-es.xlsx"
    made = cli("template", "--implementer", "IACHR", "--meeting", "2007", "--lang", "es", "--out", form, "--data", data)
    assert made.returncode == 0, made.stderr
    wb = openpyxl.load_workbook(form)
    ws = wb["Acciones"]
    row = next(r for r in range(2, ws.max_row + 1) if not ws.cell(r, 1).value and not ws.cell(r, 3).value)
    for col, value in ((2, "prevista"), (3, "Compendio"), (4, "Q5 2007"), (5, "terminado"), (6, "IACHR-M9")):
        ws.cell(row, col).value = value
    wb.save(form)
    before = (data / "actions.csv").read_bytes()
    result = cli("ingest", form, "--data", data)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [l for l in result.stderr.splitlines() if l.startswith("error:") and f"row {row}," in l]
    assert len(errors) == 3, result.stderr
    assert any("column Estado" in l and "'terminado'" in l and "prevista, en ejecución" in l for l in errors)
    assert any("unknown mandate 'IACHR-M9'" in l for l in errors)
    assert any("period cannot be understood" in l and "'Q5 2007'" in l for l in errors)
    assert (data / "actions.csv").read_bytes() == before
