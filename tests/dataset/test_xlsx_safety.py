"""Hostile files are refused with one plain line, before any parser sees them."""

from __future__ import annotations

import re
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


# ---------------------------------------------------------------- large parts: the byte scan

PAD_ROW = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>padding text so that the sheet is large, padding text so that the sheet is large, padding text so that the sheet is large, padding text so that the sheet is large, padding text so that the sheet is large, padding text so that the sheet is large, </t></is></c></row>'
FAR = [
    b'<row r="1048576"><c r="C1048576"><v>1</v></c></row>',
    b'<row r="9"><c r="XFD9"><v>1</v></c></row>',
    b"<row r='9'><c r='XFD9'><v>1</v></c></row>",
    b'<row r="9"><c r = "XFD9"><v>1</v></c></row>',
    b'<row r="9"><c r= "C1048576"><v>1</v></c></row>',
    b'<row r="9"><c\tr="XFD9"><v>1</v></c></row>',
    b'<row r="9"><c\nr="XFD9"><v>1</v></c></row>',
    b'<row r="9"><c r="&#88;FD9"><v>1</v></c></row>',
    b'<row r="9"><c r="xfd9"><v>1</v></c></row>',
    b'<row r="9"><c r="$XFD$9"><v>1</v></c></row>',
    b'<row r="9"><c r="A0000009"><v>1</v></c><c r="BA9"><v>1</v></c></row>',
    b'<row r="9"><x:c xmlns:x="urn:x" r="XFD9"><v>1</v></x:c></row>',
    b'<row r="9"><c note="a><b" r="XFD9"><v>1</v></c></row>',
    b'<row r="5001"><c r="A5001"><v>1</v></c></row>',
]
AFTER_DATA = [
    b'<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>',
    b'<mergeCells count="1"><mergeCell ref="A2:B5001"/></mergeCells>',
    b'<autoFilter ref="A1 AY3"/>',
]


def with_sheet(good, dst, rows: bytes = b"", after: bytes = b"", pad: int = 0, head: bytes = b""):
    """``good`` with ``rows`` added to its first sheet (after ``pad`` rows of text) and ``after`` past sheetData."""
    with zipfile.ZipFile(good) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    padding = b"".join(PAD_ROW % (r, r) for r in range(2, 2 + pad))
    xml = xml.replace(b"</sheetData>", padding + rows + b"</sheetData>" + after, 1)
    if head:
        xml = head + xml[xml.index(b"<worksheet") :]
    return rebuild(good, dst, {"xl/worksheets/sheet1.xml": xml})


def message(path) -> str:
    """The refusal without the file's name and the XML column of a parse error (the padding moves it)."""
    return re.sub(r"line 1, column \d+", "line 1", refused(path).replace(str(path), "FILE"))


@pytest.mark.parametrize("rows, after", [(r, b"") for r in FAR] + [(b"", a) for a in AFTER_DATA])
def test_a_large_sheet_is_refused_with_the_exact_scans_message(tmp_path, rows, after):
    good = make_xlsx(tmp_path / "ok.xlsx")
    small = with_sheet(good, tmp_path / "small.xlsx", rows, after)
    large = with_sheet(good, tmp_path / "large.xlsx", rows, after, pad=4_000)
    with zipfile.ZipFile(large) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size >= xlsx_safety.BYTE_SCAN_FROM
    assert "refused as absurd" in message(small) or b"a><b" in rows  # that one is not well-formed XML
    assert message(large) == message(small)


def test_a_large_sheet_within_the_limits_passes_the_byte_scan_alone(tmp_path, monkeypatch):
    good = make_xlsx(tmp_path / "ok.xlsx")
    plain = b'<row r="4999"><c r="AX4999"><v>1</v></c></row>'
    large = with_sheet(good, tmp_path / "large.xlsx", plain, b'<autoFilter ref="A1:AX4999"/>', pad=4_000)
    calls = []
    monkeypatch.setattr(xlsx_safety._Scan, "start", lambda self, name, attrs: calls.append(name))
    check_xlsx(large)
    assert calls and calls.count("c") < 10  # expat read the small parts only, not the 4,000 rows


def test_a_large_sheet_over_the_cell_or_element_limit_is_refused_alike(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    large = with_sheet(good, tmp_path / "large.xlsx", pad=4_000)
    for limits, what in (
        (xlsx_safety.Limits(cells=3_000), "holds more than 3000 cells"),
        (xlsx_safety.Limits(elements=10_000), "holds more than 10000 XML elements"),
    ):
        with pytest.raises(XlsxRefused, match=what):
            check_xlsx(large, limits)


def test_a_large_sheet_with_a_dtd_is_refused_in_any_encoding(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    dtd = BOMB_XML[: BOMB_XML.index(b"<worksheet")]
    large = with_sheet(good, tmp_path / "large.xlsx", pad=4_000, head=dtd)
    assert "declares a DTD or entities" in message(large)
    with zipfile.ZipFile(large) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    utf16 = xml.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16")
    wide = rebuild(good, tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": utf16})
    assert "declares a DTD or entities" in message(wide)


def test_the_far_cell_pattern_matches_exactly_the_values_past_the_limits():
    from analysis.dataset.xlsx_bytes import _letters, far_cell  # letters past XFD too (openpyxl stops at ZZZ)

    for rows, cols in ((5_000, 50), (300_000, 64), (1_048_576, 16_384), (99, 26), (100, 702)):
        pattern = far_cell(rows, cols)
        scan = xlsx_safety._Scan("x", xlsx_safety.Limits(rows=rows, cols=cols))
        for col in range(1, min(cols * 2, 20_000), 7):
            letters = _letters(col)
            for row in (1, rows - 1, rows, rows + 1, rows * 10, 7 * rows // 3):
                ref = f"{letters}{row}"
                found = pattern.search(f' r="{ref}"'.encode()) is not None
                assert found == scan.over(ref), (rows, cols, ref)


def test_a_far_cell_in_a_large_sheet_is_refused_without_a_second_read(tmp_path, monkeypatch):
    good = make_xlsx(tmp_path / "ok.xlsx")
    large = with_sheet(good, tmp_path / "large.xlsx", b'<row r="9"><c r="XFD9"><v>1</v></c></row>', pad=4_000)
    calls = []
    start = xlsx_safety._Scan.start
    monkeypatch.setattr(
        xlsx_safety._Scan, "start", lambda self, name, attrs: calls.append(name) or start(self, name, attrs)
    )
    assert "reaches column XFD (<c XFD9>; the limit is 50)" in refused(large)
    assert calls.count("c") < 10  # the large sheet was not read again through expat


def test_reference_like_text_in_a_large_sheet_is_only_text(tmp_path):
    good = make_xlsx(tmp_path / "ok.xlsx")
    text = b'<row r="9"><c r="A9" t="inlineStr"><is><t> r="XFD1048576" ref="A1:XFD9" r = "ZZ1"</t></is></c></row>'
    check_xlsx(with_sheet(good, tmp_path / "large.xlsx", text, pad=4_000))  # accepted, as the exact scan does
    check_xlsx(with_sheet(good, tmp_path / "small.xlsx", text))
