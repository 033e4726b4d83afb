"""Hostile files are refused with one plain line, before any parser sees them."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from analysis.dataset import xlsx_safety
from analysis.dataset.xlsx_safety import XlsxRefused, check_xlsx

BOMB_XML = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>
"""


def make_xlsx(path):
    wb = Workbook()
    wb.active["A1"] = "hello"
    wb.save(path)
    return path


def rebuild(src, dst, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None):
    """Copy an .xlsx member by member, swapping or adding parts."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def refused(path) -> str:
    with pytest.raises(XlsxRefused) as info:
        check_xlsx(path)
    assert len(info.value.problems) == 1
    line = str(info.value.problems[0])
    assert "\n" not in line and str(path) in line
    return line


def test_plain_workbook_passes(tmp_path):
    check_xlsx(make_xlsx(tmp_path / "ok.xlsx"))


def test_billion_laughs_sheet_is_refused(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    bad = rebuild(good, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": BOMB_XML})
    assert "declares a DTD or entities" in refused(bad)


def test_zip_bomb_by_declared_size_is_refused(tmp_path, monkeypatch):
    good = make_xlsx(tmp_path / "ok.xlsx")
    # 3 MB of zeros deflates to a few kB: ratio far above the limit.
    bad = rebuild(good, tmp_path / "zbomb.xlsx", extra={"xl/media/zeros.bin": b"\0" * (3 * 1024 * 1024)})
    assert "possible zip bomb" in refused(bad)
    with pytest.raises(XlsxRefused, match="declares"):
        check_xlsx(good, xlsx_safety.Limits(member_bytes=1000))


def test_too_many_members_is_refused(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    extra = {f"xl/media/x{i}.txt": b"x" for i in range(xlsx_safety.FORM_LIMITS.members + 1)}
    assert "too many parts" in refused(rebuild(good, tmp_path / "many.xlsx", extra=extra))


def test_not_a_zip_is_refused(tmp_path):
    p = tmp_path / "data.xlsx"
    p.write_text("action_id,description\nX-A1,hello\n")
    assert "not a zip archive" in refused(p)
    r = tmp_path / "random.xlsx"
    r.write_bytes(bytes(range(256)) * 4)
    assert "not a zip archive" in refused(r)


def test_truncated_is_refused(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    data = good.read_bytes()
    t = tmp_path / "trunc.xlsx"
    t.write_bytes(data[: len(data) // 2])
    assert "truncated or damaged" in refused(t)


def test_ole2_container_is_refused(tmp_path):
    p = tmp_path / "locked.xlsx"
    p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024)
    assert "password-protected" in refused(p)


def test_zip_without_workbook_is_refused(tmp_path):
    p = tmp_path / "other.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "not an .xlsx workbook" in refused(p)


def test_macros_are_refused(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    assert "macros" in refused(rebuild(good, tmp_path / "m.xlsx", extra={"xl/vbaProject.bin": b"x"}))


def test_broken_xml_is_refused(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    bad = rebuild(good, tmp_path / "broken.xlsx", {"xl/workbook.xml": b"<workbook><sheets>"})
    assert "not well-formed XML" in refused(bad)
