"""Hostile forms: forged or crafted control sheets, other implementers' rows, hidden or merged
cells, over-long answers and absurd sheets are each refused with one line, the master untouched.

(How long each case takes, and how much memory, is measured in benchmarks/bench_hostile.py.)
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import copy_excel_fixture, fill_form

from analysis.config import DataLayout
from analysis.dataset.loading import load_dataset
from analysis.dataset.raw import read_raw
from analysis.dataset.xlsx_safety import XlsxRefused
from analysis.errors import DataError
from analysis.excel.form import META_SHEET, meta_fingerprint, raw_rows, row_fingerprint, write_template
from analysis.excel.ingest import SubmissionError, ingest
from analysis.store.secret import form_secret

OIL_ROW = (
    "OIL-A1,OIL,carried_out,Course on migrant workers' rights,,,,March 2006,,2006-03-01,2006-03-31,"
    "completed,,,IV.A.2,text,\n"
)


@pytest.fixture
def data(tmp_path) -> Path:
    program = copy_excel_fixture(tmp_path)
    with open(program / "actions.csv", "a", encoding="utf-8") as fh:
        fh.write(OIL_ROW)
    return program


@pytest.fixture
def form(data, tmp_path) -> Path:
    return write_template(tmp_path / "form.xlsx", load_dataset(data, validate=False), "IACHR", "2007", "en")


def master(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.parent.rglob("*.csv"))}


def refused(form: Path, data: Path, match: str) -> str:
    before = master(data)
    with pytest.raises(DataError) as info:
        ingest(form, data)
    lines = [str(p) for p in info.value.problems]
    assert any(match in line for line in lines), lines
    assert all("\n" not in line for line in lines)
    assert master(data) == before
    return next(line for line in lines if match in line)


def edit_meta(form: Path, out: Path, change, key: bytes | None) -> Path:
    """Change the hidden sheet with ``change(header, rows)``; re-sign it with ``key`` (None: plain SHA-256)."""
    wb = openpyxl.load_workbook(form)
    ws = wb[META_SHEET]
    header, rows = {}, []
    for values in ws.iter_rows(values_only=True):
        values = [v for v in values if v is not None]
        if values and values[0] == "row":
            rows.append(values)
        elif values:
            header[values[0]] = "" if len(values) < 2 else str(values[1])
    change(header, rows)
    header.pop("template_fingerprint", None)
    if key is None:
        payload = json.dumps([header, rows], ensure_ascii=False, sort_keys=True).encode()
        header["template_fingerprint"] = hashlib.sha256(payload).hexdigest()
    else:
        header["template_fingerprint"] = meta_fingerprint(header, rows, key)
    ws.delete_rows(1, ws.max_row)
    for k, v in header.items():
        ws.append([k, v])
    for row in rows:
        ws.append(row)
    wb.save(out)
    return out


def present_oil_row(data: Path):
    oil = raw_rows(read_raw(data)["actions"], "action_id")["OIL-A1"]

    def change(header, rows):
        shown = {"action_id": "OIL-A1", "kind": "carried_out", "description": oil["description"]}
        shown.update(period=oil["period_text"], status="completed", mandate="", evidence="")
        rows[0][3:] = ["OIL-A1", row_fingerprint(oil), json.dumps(shown)]

    return change


def test_a_recomputed_unkeyed_fingerprint_is_refused(data, form, tmp_path):
    forged = edit_meta(form, tmp_path / "forged.xlsx", present_oil_row(data), key=None)
    assert "keyed fingerprint does not match" in refused(forged, data, "keyed fingerprint")


def test_a_form_cannot_change_another_implementers_rows(data, form, tmp_path):
    # even with the secret (a leaked key), a row is checked against its owner in the master
    key = form_secret(DataLayout.of(data))
    signed = edit_meta(form, tmp_path / "signed.xlsx", present_oil_row(data), key=key)
    filled = fill_form(signed, tmp_path / "filled.xlsx", {"Actions": {"A2": "OIL-A1", "C2": "rewritten by IACHR"}})
    line = refused(filled, data, "belongs to OIL")
    assert "not to IACHR" in line


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda h, r: h.update(sheets="{not json"), "not valid"),
        (lambda h, r: h.pop("implementer"), "lacks 'implementer'"),
        (lambda h, r: r[0].__setitem__(5, "[1, 2"), "not valid"),
        (lambda h, r: r[0].__setitem__(2, "two"), "damaged row entry"),
    ],
)
def test_crafted_control_sheet_values_are_one_line(data, form, tmp_path, change, match):
    crafted = edit_meta(form, tmp_path / "crafted.xlsx", change, key=form_secret(DataLayout.of(data)))
    refused(crafted, data, match)


def test_merged_cells_hidden_rows_and_columns_are_reported(data, form, tmp_path):
    wb = openpyxl.load_workbook(form)
    ws = wb["Actions"]
    ws["D2"] = "March 2006"
    ws.merge_cells("C2:D2")
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["G"].hidden = True
    wb.save(tmp_path / "layout.xlsx")
    with pytest.raises(SubmissionError) as info:
        ingest(tmp_path / "layout.xlsx", data)
    text = "\n".join(str(p) for p in info.value.problems)
    assert (
        "C2:D2 are merged" in text and "row 3: this row is hidden" in text and "column G: this column is hidden" in text
    )


def test_an_answer_over_the_cell_limit_is_refused_in_one_line(data, form, tmp_path):
    # written by another tool (openpyxl itself cuts a value at 32,767 characters when it is set)
    cell = b'<c r="C2" t="inlineStr"><is><t>' + b"x" * 100_000 + b"</t></is></c>"
    filled = rewrite_part(
        form,
        tmp_path / "long.xlsx",
        sheet_part(form, "Actions"),
        lambda x: re.sub(rb'<c r="C2"[^>]*?(/>|>.*?</c>)', cell, x, count=1),
    )
    line = refused(filled, data, "more than an Excel cell holds")
    assert "100000 characters" in line and len(line) < 400


def rewrite_part(src: Path, dst: Path, part: str, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if info.filename == part else data)
    return dst


def sheet_part(form: Path, title: str) -> str:
    wb = openpyxl.load_workbook(form)
    return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"


def test_a_cell_at_the_last_row_is_refused_unread(data, form, tmp_path):
    cell = b'<row r="1048576"><c r="C1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    bad = rewrite_part(
        form, tmp_path / "far.xlsx", sheet_part(form, "Actions"), lambda x: x.replace(b"</sheetData>", cell)
    )
    assert "reaches row 1048576" in refused(bad, data, "reaches row")


def test_the_last_cell_of_the_sheet_in_the_hidden_sheet_is_refused_unread(data, form, tmp_path):
    cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    bad = rewrite_part(
        form, tmp_path / "xfd.xlsx", sheet_part(form, META_SHEET), lambda x: x.replace(b"</sheetData>", cell)
    )
    refused(bad, data, "refused as absurd")


def test_a_zip_that_lies_about_its_size_is_refused(data, form, tmp_path):
    part = sheet_part(form, "Actions")
    raw = bytearray(form.read_bytes())
    with zipfile.ZipFile(form) as zf:
        info = zf.getinfo(part)
    # declare 100 bytes uncompressed in the central directory; the data inflates to far more
    pos = raw.find(b"PK\x01\x02")
    while raw[pos + 46 : pos + 46 + int.from_bytes(raw[pos + 28 : pos + 30], "little")] != part.encode():
        pos = raw.find(b"PK\x01\x02", pos + 4)
    raw[pos + 24 : pos + 28] = (100).to_bytes(4, "little")
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(raw))
    assert info.file_size > 100
    with pytest.raises(XlsxRefused):
        ingest(liar, data)


def test_a_data_workbook_with_a_huge_sheet_is_refused_before_it_is_read(tmp_path):
    from analysis.dataset.xlsx_safety import DATA_LIMITS

    book = tmp_path / "program.xlsx"
    row = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</t></is></c></row>'
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b"<worksheet><sheetData>")
            for r in range(1, DATA_LIMITS.rows + 11, 10):  # a megabyte or more: the byte scan's size
                fh.write(row % (r, r))
            fh.write(b"</sheetData></worksheet>")
    with pytest.raises(XlsxRefused) as info:
        read_raw(book)  # what validate --data and export --data read with
    assert f"reaches row {DATA_LIMITS.rows + 1} " in str(info.value) and "\n" not in str(info.value)


def test_a_master_text_longer_than_a_cell_is_never_cut_by_a_round_trip(tmp_path):
    data = copy_excel_fixture(tmp_path)
    long = "Hearings " + "x" * 40_000
    text = (data / "actions.csv").read_text(encoding="utf-8")
    (data / "actions.csv").write_text(text.replace("Hearings on the General Law", long + " on the General Law"))
    form = write_template(tmp_path / "f.xlsx", load_dataset(data, validate=False), "IACHR", "2007", "en")
    filled = fill_form(form, tmp_path / "filled.xlsx", {"Actions": {"E2": "in progress"}})
    result = ingest(filled, data)
    assert {(c.key, c.column) for c in result.changes} == {("IACHR-A1", "lifecycle_status")}
    assert long in (data / "actions.csv").read_text(encoding="utf-8")
