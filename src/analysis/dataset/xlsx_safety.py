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
  entities), parsed with ``defusedxml``, or XML that does not parse.

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

import zipfile
from pathlib import Path

from analysis.errors import DataError, Problem

# Limits. A filled-in submission form is a few hundred kB; these leave room
# for large but honest workbooks while refusing bombs before inflating them.
MAX_FILE_BYTES = 20 * 1024 * 1024  # the .xlsx file itself
MAX_MEMBERS = 500  # zip entries
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # declared uncompressed size of one entry
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # declared uncompressed size of all entries
MAX_RATIO = 200  # uncompressed / compressed, for entries over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # small entries may compress very well (empty sheets)

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = (b"PK\x03\x04",)
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
FIX = "save the form as 'Excel Workbook (.xlsx)' and send it again"


class XlsxRefused(DataError):
    """The file is not a safe, plain .xlsx workbook."""


def _refuse(path: Path, message: str, value=None) -> XlsxRefused:
    return XlsxRefused(Problem(message, file=str(path), value=value))


def check_xlsx(path: Path | str) -> None:
    """Raise :class:`XlsxRefused` (one problem) unless ``path`` is a plain, safe .xlsx."""
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
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"the file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_members(path, zf)
            _check_xml_parts(path, zf)
    except XlsxRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise _refuse(path, f"the file is truncated or damaged ({_short(exc)}); " + FIX) from None


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]


def _check_members(path: Path, zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(
            path,
            f"the archive has too many parts ({len(infos)}; the limit is {MAX_MEMBERS}), "
            "refused as a possible zip bomb",
        )
    total = 0
    names = set()
    for info in infos:
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise _refuse(path, "the archive is encrypted; remove the password and " + FIX, info.filename)
        if info.file_size > MAX_MEMBER_BYTES:
            raise _refuse(
                path,
                f"the part '{info.filename}' declares {info.file_size} bytes uncompressed "
                f"(the limit is {MAX_MEMBER_BYTES}), refused as a possible zip bomb",
            )
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(
                path,
                f"the part '{info.filename}' compresses {info.file_size // max(info.compress_size, 1)}:1 "
                f"(the limit is {MAX_RATIO}:1), refused as a possible zip bomb",
            )
    if total > MAX_TOTAL_BYTES:
        raise _refuse(
            path,
            f"the archive declares {total} bytes uncompressed in total "
            f"(the limit is {MAX_TOTAL_BYTES}), refused as a possible zip bomb",
        )
    missing = [p for p in REQUIRED_PARTS if p not in names]
    if missing:
        raise _refuse(path, f"the file is a zip archive but not an .xlsx workbook (no {missing[0]}); " + FIX)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(path, "the workbook contains macros, which are not accepted; " + FIX)


def _check_xml_parts(path: Path, zf: zipfile.ZipFile) -> None:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with zf.open(info) as fh:
                for _ in iterparse(fh, forbid_dtd=True, forbid_entities=True, forbid_external=True):
                    pass
        except DefusedXmlException:
            raise _refuse(
                path,
                f"the part '{info.filename}' declares a DTD or entities "
                "(a possible XML bomb or external-entity attack); refused",
            ) from None
        except ParseError as exc:
            raise _refuse(path, f"the part '{info.filename}' is not well-formed XML ({_short(exc)}); " + FIX) from None


def harden_xml() -> None:
    """Make the standard library's XML parsers refuse DTDs and entities (idempotent)."""
    import warnings

    import defusedxml

    with warnings.catch_warnings():  # defusedxml warns about its deprecated cElementTree shim
        warnings.simplefilter("ignore", DeprecationWarning)
        defusedxml.defuse_stdlib()
