"""The report form: sheets, drop-downs, protection and hidden fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from analysis.dataset.loading import load_dataset
from analysis.errors import UsageError
from analysis.excel.form import (
    META_SHEET,
    TEMPLATE_VERSION,
    build_template,
    meta_fingerprint,
    raw_rows,
    row_fingerprint,
    write_template,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "excel"


@pytest.fixture
def form(tmp_path):
    ds = load_dataset(FIX / "program")
    path = write_template(tmp_path / "form.xlsx", ds, "IACHR", "2007", "es")
    return ds, openpyxl.load_workbook(path)


def test_sheets_and_their_states(form):
    _, wb = form
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states == {
        "Instrucciones": "visible",
        "lists": "hidden",
        "Acciones": "visible",
        "Hitos": "visible",
        "Mandatos": "visible",
        META_SHEET: "veryHidden",
    }
    assert wb.active.title == "Instrucciones"
    assert "Guarde el archivo" in " ".join(str(c.value) for c in wb["Instrucciones"]["A"] if c.value)


def test_prefilled_actions_in_spanish_labels(form):
    ds, wb = form
    ws = wb["Acciones"]
    ids = [ws.cell(row=r, column=1).value for r in range(2, 6)]
    assert ids == sorted(
        ds.actions.loc[ds.actions["implementer_id"] == "IACHR", "action_id"], key=lambda k: (k[6], int(k[7:]))
    )
    statuses = {ws.cell(row=r, column=5).value for r in range(2, 6)}
    assert statuses <= {"finalizada", "prevista"}
    assert ws.cell(row=2, column=6).value.startswith("IACHR-M2: ")


def test_dropdowns_point_at_hidden_lists(form):
    _, wb = form
    ws = wb["Acciones"]
    formulas = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any(f.startswith("lists!$A$2") for f in formulas.values())  # status
    assert any(f.startswith("lists!$C$2") for f in formulas.values())  # mandate
    lists = wb["lists"]
    assert [c.value for c in lists["A"][1:7]] == [
        "prevista",
        "en ejecución",
        "finalizada",
        "suspendida",
        "cancelada",
        "sin información",
    ]


def test_keys_locked_and_answers_unlocked(form):
    _, wb = form
    ws = wb["Acciones"]
    assert ws.protection.sheet
    assert ws.cell(row=2, column=1).protection.locked  # existing id
    assert ws.cell(row=2, column=2).protection.locked  # kind of a reported action
    assert not ws.cell(row=2, column=5).protection.locked  # status
    assert ws.cell(row=7, column=1).protection.locked  # id of a new row: allocated on receipt
    assert not ws.cell(row=7, column=2).protection.locked  # kind of a new row
    assert not wb["Hitos"].cell(row=2, column=4).protection.locked
    assert wb["Hitos"].cell(row=2, column=1).protection.locked


def test_meta_records_fingerprints_of_master_rows(form):
    ds, wb = form
    header, rows = {}, []
    for values in wb[META_SHEET].iter_rows(values_only=True):
        if values[0] == "row":
            rows.append(list(values[:6]))
        else:
            header[values[0]] = values[1]
    assert header["template_version"] == TEMPLATE_VERSION
    assert (header["implementer"], header["meeting"], header["lang"]) == ("IACHR", "2007", "es")
    assert header["data_version"] == ds.version
    master = raw_rows(ds.raw["actions"], "action_id")
    for _, table, _sheet_row, key, fp, shown in rows:
        if table == "actions":
            assert fp == row_fingerprint(master[key])
            assert json.loads(shown)["action_id"] == key
    assert meta_fingerprint(header, rows) == header["template_fingerprint"]


def test_fingerprint_changes_when_a_master_row_changes():
    ds = load_dataset(FIX / "program")
    row = raw_rows(ds.raw["actions"], "action_id")["IACHR-P1"]
    assert row_fingerprint(row) != row_fingerprint({**row, "lifecycle_status": "completed"})


def test_unknown_implementer_is_a_usage_error():
    ds = load_dataset(FIX / "program")
    with pytest.raises(UsageError, match="unknown implementer 'NOPE'"):
        build_template(ds, "NOPE", "2007")


def test_implementer_without_actions_gets_an_empty_form(tmp_path):
    ds = load_dataset(FIX / "program")
    wb = build_template(ds, "CIM", "2007", "en")
    assert wb["Actions"].cell(row=2, column=1).value is None
    assert wb["Mandates"].cell(row=2, column=1).value == "CIM-M1"
