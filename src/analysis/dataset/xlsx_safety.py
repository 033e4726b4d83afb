"""Checks on an untrusted .xlsx before any spreadsheet parser touches it.

An .xlsx is a zip archive of XML parts. :func:`check_xlsx` refuses, with one
plain line each, everything that is not a small, plain, unencrypted workbook:

* not a zip at all (random bytes, a CSV renamed ``.xlsx``);
* an OLE2 / CFB container (``D0 CF 11 E0``): a password-protected ``.xlsx``
  or an old binary ``.xls``;
* a truncated or damaged zip, or zip members encrypted with a password;
* a zip bomb, judged on the sizes the archive *declares* before anything is
  inflated (see the ``MAX_*`` limits below), and enforced again while reading,
  since a member that inflates past its declared size fails its CRC check;
* a zip without ``[Content_Types].xml`` and ``xl/workbook.xml``;
* macros (``xl/vbaProject.bin``);
* an XML part with a DTD or entity declarations (billion laughs, external
  entities), or XML that does not parse;
* absurd sheets: a declared ``<dimension>``, a row or cell address, or a
  ``ref`` range (merged cells, hyperlinks, filters) beyond the row and column
  limits, or more cells or XML elements in all than the limits allow.

Every XML part is read once, streamed (no tree is built), with the
uncompressed bytes counted as they are read and capped at the declared size
and the limit. Parts under :data:`BYTE_SCAN_FROM` (every part of a form) go
through expat with a callback per element; larger ones (the sheets of a data
workbook) are scanned as bytes by :mod:`analysis.dataset.xlsx_bytes`, with no
Python call per cell, and read again through expat whenever that scan cannot
vouch for them, so that every refusal is the exact scan's, word for word.
Nothing here reads a cell by address over a declared range, so a file within
the size limit costs seconds and little memory whatever it declares. Two sets
of limits: :data:`FORM_LIMITS` for report forms (a few hundred rows),
:data:`DATA_LIMITS` for a data workbook (``validate --data``, ``export --data``).

After the check, :func:`harden_xml` calls ``defusedxml.defuse_stdlib()`` so
that whatever XML parsing follows is protected too (openpyxl also uses
defusedxml on its own when it is installed).

>>> import io, zipfile, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
>>> _ = p.write_bytes(b"a,b\\n1,2\\n")
>>> try:
...     check_xlsx(p)
... except XlsxRefused as exc:
...     print(exc.problems[0].message)
the file is not an .xlsx workbook (it is not a zip archive); save the form as 'Excel Workbook (.xlsx)' and send it again
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import DataError, Problem


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold before it is refused unread."""

    file_bytes: int = 256 * 1024 * 1024  # the .xlsx file itself
    members: int = 500  # zip entries
    member_bytes: int = 768 * 1024 * 1024  # uncompressed size of one entry (declared, and as read)
    total_bytes: int = 1536 * 1024 * 1024  # uncompressed size of all entries
    ratio: int = 200  # uncompressed / compressed, for entries over RATIO_FLOOR
    rows: int = 300_000  # highest row number in a sheet
    cols: int = 64  # highest column number in a sheet
    cells: int = 16_000_000  # cells in all sheets
    elements: int = 64_000_000  # XML elements in all parts


# A filled-in form is a few hundred rows and under a thousand cells (the largest
# made from the shipped data: 631); these leave room for fifty times that while
# keeping a full read of any accepted form to a couple of seconds.
FORM_LIMITS = Limits(
    file_bytes=10 * 1024 * 1024, total_bytes=40 * 1024 * 1024, rows=5_000, cols=50, cells=30_000, elements=250_000
)
# The program's tables as one workbook, up to a few times the 1000x synthetic program (its
# export: 105 MB, 647 MB of XML, 112,002 rows in the largest sheet, 18 columns, 4.7 million
# cells, 14 million elements). Rows times columns (19.2 million) bounds the dense grid calamine
# builds for one sheet whatever the file declares: as much as the earlier 100,000 x 200.
DATA_LIMITS = Limits()
RATIO_FLOOR = 1024 * 1024  # small entries may compress very well (empty sheets)
# Parts this large are scanned as bytes (analysis.dataset.xlsx_bytes), with no Python call per
# element; smaller ones (every part of a form) go through expat element by element.
BYTE_SCAN_FROM = 256 * 1024

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = (b"PK\x03\x04",)
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
FIX = "save the form as 'Excel Workbook (.xlsx)' and send it again"
CELL_REF = re.compile(r"\$?([A-Za-z]{1,7})?\$?(\d{1,12})?")


class XlsxRefused(DataError):
    """The file is not a safe, plain .xlsx workbook."""


def _refuse(path: Path, message: str, value=None) -> XlsxRefused:
    return XlsxRefused(Problem(message, file=str(path), value=value))


def check_xlsx(path: Path | str, limits: Limits = FORM_LIMITS) -> None:
    """Raise :class:`XlsxRefused` (one problem) unless ``path`` is a plain, safe .xlsx within ``limits``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise _refuse(path, "no such file") from None
    except OSError as exc:
        raise _refuse(path, f"the file cannot be read: {exc.strerror}") from None
    if head.startswith(OLE2_MAGIC[:4]):
        raise _refuse(
            path,
            "the file is password-protected or an old-style .xls (an OLE2 container), "
            "which this tool does not open; remove the password and " + FIX,
        )
    if not head.startswith(ZIP_MAGIC):
        raise _refuse(path, "the file is not an .xlsx workbook (it is not a zip archive); " + FIX)
    if size > limits.file_bytes:
        raise _refuse(path, f"the file is too large ({size} bytes; the limit is {limits.file_bytes})")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_members(path, zf, limits)
            _check_xml_parts(path, zf, limits)
    except XlsxRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise _refuse(path, f"the file is truncated or damaged ({_short(exc)}); " + FIX) from None


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]


def _check_members(path: Path, zf: zipfile.ZipFile, limits: Limits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise _refuse(
            path,
            f"the archive has too many parts ({len(infos)}; the limit is {limits.members}), "
            "refused as a possible zip bomb",
        )
    total = 0
    names = set()
    for info in infos:
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise _refuse(path, "the archive is encrypted; remove the password and " + FIX, info.filename)
        if info.file_size > limits.member_bytes:
            raise _refuse(
                path,
                f"the part '{info.filename}' declares {info.file_size} bytes uncompressed "
                f"(the limit is {limits.member_bytes}), refused as a possible zip bomb",
            )
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _refuse(
                path,
                f"the part '{info.filename}' compresses {info.file_size // max(info.compress_size, 1)}:1 "
                f"(the limit is {limits.ratio}:1), refused as a possible zip bomb",
            )
    if total > limits.total_bytes:
        raise _refuse(
            path,
            f"the archive declares {total} bytes uncompressed in total "
            f"(the limit is {limits.total_bytes}), refused as a possible zip bomb",
        )
    missing = [p for p in REQUIRED_PARTS if p not in names]
    if missing:
        raise _refuse(path, f"the file is a zip archive but not an .xlsx workbook (no {missing[0]}); " + FIX)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(path, "the workbook contains macros, which are not accepted; " + FIX)


class _Scan:
    """Counts and bounds what the XML parts hold, element by element, as expat reads them."""

    def __init__(self, path: Path, limits: Limits):
        self.path, self.limits = path, limits
        self.cells = self.elements = 0
        self.part = ""

    def start(self, name: str, attrs: dict) -> None:
        self.elements += 1
        if self.elements > self.limits.elements:
            raise self._absurd(f"holds more than {self.limits.elements} XML elements")
        if not self.part.startswith("xl/worksheets/"):
            return
        local = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        if local == "c":
            self.cells += 1
            if self.cells > self.limits.cells:
                raise self._absurd(f"holds more than {self.limits.cells} cells")
        for key in ("r", "ref"):
            if key in attrs:
                self.check_ref(local, attrs[key])

    def check_ref(self, element: str, ref: str) -> None:
        """Refuse the file if ``ref`` (an attribute of ``element``) passes the row or column limit."""
        over = self._over(ref)
        if over is not None:
            what, value = over
            raise self._absurd(f"reaches {what} {value} (<{element} {ref}>; the limit is {self._limit(what)})")

    def _limit(self, what: str) -> int:
        return self.limits.rows if what == "row" else self.limits.cols

    def _over(self, ref: str) -> tuple[str, str] | None:
        """("row", "1048576") or ("column", "XFD") where ``ref`` passes a limit, else None."""
        for corner in ref.replace(" ", ":").split(":"):
            m = CELL_REF.fullmatch(corner)
            if not m:
                continue
            col, row = m.group(1), m.group(2)
            if row and int(row) > self.limits.rows:
                return "row", row
            if col and _col_number(col) > self.limits.cols:
                return "column", col.upper()
        return None

    def over(self, ref: str) -> bool:
        """Whether ``ref`` (a cell, range or list of ranges) passes the row or column limit."""
        return self._over(ref) is not None

    def _absurd(self, what: str) -> XlsxRefused:
        return _refuse(self.path, f"the part '{self.part}' {what}, refused as absurd for this file; " + FIX)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


class _Capped:
    """A file-like view of a zip member that refuses to yield more than ``cap`` bytes."""

    def __init__(self, fh, cap: int, refuse):
        self.fh, self.left, self.refuse = fh, cap, refuse

    def read(self, n: int = 65536) -> bytes:
        data = self.fh.read(min(n, 1 << 20) if n and n > 0 else 1 << 20)
        self.left -= len(data)
        if self.left < 0:
            raise self.refuse()
        return data


def _forbid(what: str):
    def handler(*_args):
        raise _Forbidden(what)

    return handler


class _Forbidden(Exception):
    pass


def _check_xml_parts(path: Path, zf: zipfile.ZipFile, limits: Limits) -> None:
    """Read every XML part once: small ones with expat exactly, large ones as bytes (exactly again on doubt)."""
    from analysis.dataset.xlsx_bytes import Suspect, scan_part

    scan = _Scan(path, limits)
    total = limits.total_bytes
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        scan.part = info.filename
        cap = min(info.file_size, limits.member_bytes, total)

        def too_big(name=info.filename):
            return _refuse(
                path, f"the part '{name}' inflates past its declared size or the limit; refused as a zip bomb"
            )

        if info.file_size >= BYTE_SCAN_FROM:
            counted = scan.cells, scan.elements
            try:
                with zf.open(info) as fh:
                    scan_part(_Capped(fh, cap, too_big), scan, info.filename.startswith("xl/worksheets/"))
                total -= info.file_size
                continue
            except Suspect:
                scan.cells, scan.elements = counted  # read the part again, exactly
        _parse_part(path, info, scan, _Capped(zf.open(info), cap, too_big))
        total -= info.file_size


def _parse_part(path: Path, info: zipfile.ZipInfo, scan: _Scan, capped: _Capped) -> None:
    """One part through expat, element by element: DTDs and entities refused, every element counted."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid("DTD")
    parser.EntityDeclHandler = _forbid("entity")
    parser.UnparsedEntityDeclHandler = _forbid("entity")
    parser.ExternalEntityRefHandler = _forbid("external entity")
    parser.StartElementHandler = scan.start
    try:
        with capped.fh:
            parser.ParseFile(capped)
    except _Forbidden:
        raise _refuse(
            path,
            f"the part '{info.filename}' declares a DTD or entities "
            "(a possible XML bomb or external-entity attack); refused",
        ) from None
    except expat.ExpatError as exc:
        raise _refuse(path, f"the part '{info.filename}' is not well-formed XML ({_short(exc)}); " + FIX) from None


def harden_xml() -> None:
    """Make the standard library's XML parsers refuse DTDs and entities (idempotent)."""
    import warnings

    import defusedxml

    with warnings.catch_warnings():  # defusedxml warns about its deprecated cElementTree shim
        warnings.simplefilter("ignore", DeprecationWarning)
        defusedxml.defuse_stdlib()
