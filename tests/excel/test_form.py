"""The report form: sheets, drop-downs, protection and hidden fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from conftest import copy_excel_fixture

from analysis.config import DataLayout
from analysis.dataset.loading import load_dataset
from analysis.errors import UsageError
from analysis.excel.form import (
    CELL_LIMIT,
    META_SHEET,
    TEMPLATE_VERSION,
    build_template,
    meta_fingerprint,
    meta_join,
    raw_rows,
    row_fingerprint,
    write_template,
)
from analysis.store.secret import form_secret

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "excel"


@pytest.fixture
def form(tmp_path):
    ds = load_dataset(copy_excel_fixture(tmp_path))  # a copy: the form secret is made beside the data
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
            rows.append([v for v in values if v is not None])
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
    key = form_secret(DataLayout.of(ds.source), create=False)
    assert meta_fingerprint(header, rows, key) == header["template_fingerprint"]
    # keyed: without the secret nobody can recompute it
    assert meta_fingerprint(header, rows, b"0" * 64) != header["template_fingerprint"]
    assert (ds.source.parent / ".form-secret").stat().st_mode & 0o777 == 0o600


def test_secret_is_made_once_beside_the_data_and_never_in_the_form(form, tmp_path):
    ds, wb = form
    secret = (ds.source.parent / ".form-secret").read_bytes().strip()
    assert len(secret) == 64
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(secret.decode() in str(v) for v in row if v is not None)
    assert form_secret(DataLayout.of(ds.source)) == secret  # the second use reads the same one


def test_hidden_sheet_splits_long_values_so_they_round_trip(tmp_path):
    data = copy_excel_fixture(tmp_path)
    text = (data / "actions.csv").read_text(encoding="utf-8")
    long = "x" * 70000
    (data / "actions.csv").write_text(text.replace("Selecting a specialist", long + " Selecting a specialist"))
    ds = load_dataset(data, validate=False)
    wb = openpyxl.load_workbook(write_template(tmp_path / "f.xlsx", ds, "IACHR", "2007", "en"))
    cells = [v for row in wb[META_SHEET].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert max(len(v) for v in cells) <= CELL_LIMIT
    joined = [meta_join(r[5:]) for r in wb[META_SHEET].iter_rows(values_only=True) if r[0] == "row"]
    assert any(long in json.loads(j)["description"] for j in joined)


def test_fingerprint_changes_when_a_master_row_changes():
    ds = load_dataset(FIX / "program")
    row = raw_rows(ds.raw["actions"], "action_id")["IACHR-P1"]
    assert row_fingerprint(row) != row_fingerprint({**row, "lifecycle_status": "completed"})


def test_unknown_implementer_is_a_usage_error(tmp_path):
    ds = load_dataset(copy_excel_fixture(tmp_path))
    with pytest.raises(UsageError, match="unknown implementer 'NOPE'"):
        build_template(ds, "NOPE", "2007")


def test_implementer_without_actions_gets_an_empty_form(tmp_path):
    ds = load_dataset(copy_excel_fixture(tmp_path))
    wb = build_template(ds, "CIM", "2007", "en")
    assert wb["Actions"].cell(row=2, column=1).value is None
    assert wb["Mandates"].cell(row=2, column=1).value == "CIM-M1"


# ---------------------------------------------------------------- layout, prompts, printing, languages


def _milestone_sheet(wb):
    return next(
        ws
        for ws in wb.worksheets
        if ws.sheet_state == "visible"
        and ws["A1"].value.startswith(("Milestone", "Id del hito", "Jalon", "Id do marco", "Identifiant"))
    )


def test_resizing_allowed_while_keys_stay_locked(form):
    _, wb = form
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.protection.sheet and not ws.protection.formatColumns and not ws.protection.formatRows, ws.title
    actions = wb["Acciones"]
    assert actions["A2"].protection.locked and not actions["C2"].protection.locked
    assert actions["C2"].alignment.wrap_text and actions.column_dimensions["C"].width >= 50
    assert actions.row_dimensions[2].height and actions.row_dimensions[2].height >= 15


def test_dropdowns_prompt_and_dates_are_validated_as_dates(form):
    _, wb = form
    lists = [dv for dv in wb["Acciones"].data_validations.dataValidation if dv.type == "list"]
    assert lists and all(dv.showInputMessage and dv.prompt and dv.promptTitle == "Elija de la lista" for dv in lists)
    ms = wb["Hitos"]
    dates = [dv for dv in ms.data_validations.dataValidation if dv.type == "date"]
    assert len(dates) == 1 and "E2" in str(dates[0].sqref) and dates[0].prompt.startswith("Escriba la fecha")
    assert dates[0].formula1 == "DATE(2000,1,1)" and ms["E2"].number_format == "yyyy-mm-dd"


def test_every_visible_sheet_is_set_up_to_print(form):
    _, wb = form
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "&P" in ws.oddFooter.right.text and ws.oddHeader.center.text
    instructions = wb.worksheets[0]
    assert all(instructions.cell(row=r, column=1).alignment.wrap_text for r in range(1, 6))
    assert instructions.row_dimensions[3].height >= 15  # each step in its own sized row: no overlap


@pytest.mark.parametrize("lang", ["fr", "pt"])
def test_french_and_portuguese_forms_ingest_like_the_spanish_ones(tmp_path, lang):
    from analysis.excel.form import vocab_labels
    from analysis.excel.ingest import ingest

    data = copy_excel_fixture(tmp_path)
    ds = load_dataset(data)
    path = write_template(tmp_path / f"form-{lang}.xlsx", ds, "IACHR", "2007", lang)
    wb = openpyxl.load_workbook(path)
    acts = wb.worksheets[2]
    acts["E2"] = vocab_labels("lifecycle", lang)["suspended"]
    ms = wb.worksheets[3]
    ms["D2"] = vocab_labels("achieved", lang)["yes"]
    ms["E2"] = __import__("datetime").date(2007, 3, 15)  # a real date cell
    wb.save(path)
    result = ingest(path, data)
    changed = {(c.table, c.column, c.new) for c in result.changes}
    assert ("actions", "lifecycle_status", "suspended") in changed
    assert ("milestones", "achieved", "yes") in changed and ("milestones", "achieved_on", "2007-03-15") in changed


def test_form_saved_by_libreoffice_with_real_date_cells_ingests(tmp_path, libreoffice):
    """Filled with real date cells, then opened and saved by LibreOffice in its own .xlsx dialect."""
    import datetime as dt

    from analysis.excel.ingest import ingest

    data = copy_excel_fixture(tmp_path)
    path = write_template(tmp_path / "filled.xlsx", load_dataset(data), "IACHR", "2007", "es")
    wb = openpyxl.load_workbook(path)
    ms = wb["Hitos"]
    ms["D2"], ms["E2"] = "sí", dt.datetime(2007, 3, 15)
    wb.save(path)
    (tmp_path / "lo").mkdir()
    saved = libreoffice(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    cell = openpyxl.load_workbook(saved)["Hitos"]["E2"]
    assert isinstance(cell.value, dt.datetime) and cell.is_date  # LibreOffice kept a real date cell
    result = ingest(saved, data)
    assert ("milestones", "achieved_on", "2007-03-15") in {(c.table, c.column, c.new) for c in result.changes}


def test_form_prints_in_about_four_pages(tmp_path, print_pages):
    path = write_template(tmp_path / "form.xlsx", load_dataset(), "IACHR", "2007", "es")
    pages, pdf = print_pages(path, tmp_path)
    assert pages <= 5, f"{pages} pages"
    from pypdf import PdfReader

    first = PdfReader(str(pdf)).pages[0].extract_text()
    assert "Cómo completar este formulario" in first and "Página 1 de" in first


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_period_examples_in_the_instructions_are_understood(lang):
    import re

    from analysis import i18n
    from analysis.dataset.periods import parse_period

    examples = re.findall(r"'([^']+)'", i18n.t("form.instructions.3", lang))
    assert len(examples) >= 3
    for phrase in examples:
        assert parse_period(phrase).start is not None, phrase
