"""A byte-level scan of a large XML part of an .xlsx, with no Python call per element or cell.

:func:`analysis.dataset.xlsx_safety.check_xlsx` reads small parts with expat
and a callback per element (exact, about 2 µs an element). A data workbook of
the 100x synthetic program holds about 1.4 million elements, so that scan
cost more than reading the cells with calamine. Large parts are read here
instead, a piece at a time, with ``bytes.count`` and compiled regular
expressions that run in C:

* a DTD or entity declaration (``<!DOCTYPE``, ``<!ENTITY``), or an encoding
  other than UTF-8 (where such bytes could hide), is not vouched for;
* elements are counted as the ``<`` in the part (start and end tags: never
  fewer than the elements, at most about twice as many), and in a worksheet the
  cells as ``<c`` (a few more than the cells: ``<col>``, ``<cfRule>``); a count
  past its limit sends the part to the exact scan, which counts exactly;
* every ``r="..."`` attribute in a worksheet is matched against one pattern,
  built from the limits, that a plain cell or row reference within the row
  and column limits fails at its first characters (upper-case letters and
  digits, no ``$``, no leading zero); every ``ref="..."`` value (a handful per
  sheet: dimension, filters, merges) is checked like the exact scan does;
* anything not written the plain way (an ``r`` or ``ref`` attribute in single
  quotes, with spaces around ``=``, after a tab or line break, holding ``&``;
  a cell element with a namespace prefix) is not vouched for either.

Pieces are cut only right before a ``<`` that follows a ``>``, so no
attribute that the patterns look for is split between two pieces (a piece
whose last tag has unbalanced quotes is not vouched for).

A plainly written reference past a limit, inside a tag, is refused at once
with the exact scan's own message (so a far cell at the end of a large sheet
costs no second read). Otherwise, when the scan cannot vouch for a part, it
raises :class:`Suspect`, and the caller reads that part again with the exact
expat scan, which refuses with the same one-line message as before (or
accepts). So the messages are exactly those of the exact scan; only
well-formedness of a large part is left to calamine's own parser, which
reports a broken part as an unreadable workbook. The counts of earlier large
parts stay upper bounds, so a workbook within a factor two of the element
limit may be refused for its elements (the data limit is 4.5 times the 1000x
export's count).
"""

from __future__ import annotations

import functools
import re

READ = 1 << 20
LONGEST_PIECE = 1 << 24  # bytes with no "><" in them: not plain SpreadsheetML

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_PREFIXED_CELL = re.compile(rb"<[^\s/>!?]+:c[\s/>]")
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")  # XML's other white space, as a space
_REF = re.compile(rb' ref="([^"]*)"')
_R_VALUE = re.compile(rb' r="([^"]*)"')
_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)\s")


class Suspect(Exception):
    """The byte scan cannot vouch for this part: read it with the exact parser."""


def _upto_number(limit: int) -> bytes:
    """A pattern for a number from 1 to ``limit``, written without leading zeros."""
    s = str(limit)
    alts = [rb"[1-9]\d{0,%d}" % (len(s) - 2)] if len(s) > 1 else []
    for i, ch in enumerate(s):
        low = 1 if i == 0 else 0
        if int(ch) > low:
            alts.append(s[:i].encode() + b"[%d-%d]" % (low, int(ch) - 1) + rb"\d{%d}" % (len(s) - i - 1))
    alts.append(s.encode())
    return b"(?:" + b"|".join(alts) + b")"


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _upto_letters(limit: int) -> bytes:
    """A pattern for the (upper-case) letters of a column from A to column ``limit``."""
    s = _letters(limit)
    alts = [b"[A-Z]{1,%d}" % (len(s) - 1)] if len(s) > 1 else []
    for i, ch in enumerate(s):
        if ch > "A":
            alts.append(s[:i].encode() + f"[A-{chr(ord(ch) - 1)}]".encode() + b"[A-Z]{%d}" % (len(s) - i - 1))
    alts.append(s.encode())
    return b"(?:" + b"|".join(alts) + b")"


@functools.lru_cache(maxsize=8)
def far_cell(rows: int, cols: int) -> re.Pattern:
    """An ``r`` or ``ref`` attribute not written plainly (quotes, spaces), or an ``r="..."`` value
    that is not a plain cell or row within ``rows`` and ``cols``: one pattern, so one pass, and
    a plain value fails it at once."""
    plain = b"(?:" + _upto_letters(cols) + b")?" + _upto_number(rows) + b'"'
    return re.compile(rb' r(?:ef)?(?:\s+=|=[^"])| r="(?!' + plain + b")")


def pieces(fh, longest: int = LONGEST_PIECE):
    """The bytes of ``fh`` in pieces that end with a ``>`` followed (in the next piece) by ``<``."""
    carry = b""
    while data := fh.read(READ):
        buf = carry + data if carry else data
        cut = buf.rfind(b"><") + 1
        if cut == 0:
            if len(buf) > longest:
                raise Suspect
            carry = buf
            continue
        yield buf[:cut]
        carry = buf[cut:]
    if carry:
        yield carry


def _check_start(piece: bytes) -> None:
    """Only UTF-8 (or ASCII) parts are scanned as bytes; others go to expat."""
    head = piece[3:] if piece.startswith(b"\xef\xbb\xbf") else piece
    if not head[:1] or head[:1] not in b"< \t\r\n":
        raise Suspect
    m = _DECLARED_ENCODING.match(head)
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        raise Suspect


def _refuse_at(plain: bytes, pos: int, match: re.Match | None, scan) -> None:
    """Refuse with the exact scan's message for the plain reference at ``pos``; on any doubt, :class:`Suspect`.

    The refusal is the exact scan's own (``scan.check_ref``) when the match is a
    plainly written attribute of a tag (its ``<`` found before it with no ``>``
    between) whose value passes a limit; anything else is left to the exact scan.
    """
    start = plain.rfind(b"<", 0, pos)
    tag = _TAG.match(plain, start) if match is not None and start >= 0 else None
    if tag is None or plain.find(b">", start, pos) != -1 or b"&" in match.group(1):
        raise Suspect
    try:
        element, value = tag.group(1).decode().rsplit(":", 1)[-1], match.group(1).decode()
    except UnicodeDecodeError:
        raise Suspect from None
    if not scan.over(value):
        raise Suspect
    scan.check_ref(element, value)  # raises XlsxRefused with the exact scan's message


def scan_part(fh, scan, worksheet: bool) -> None:
    """Count and bound a part of ``fh`` into ``scan`` (a ``_Scan``); raise :class:`Suspect` on doubt."""
    limits = scan.limits
    far = far_cell(limits.rows, limits.cols)
    first = True
    for piece in pieces(fh):
        if first:
            _check_start(piece)
            first = False
        if _DTD.search(piece):
            raise Suspect
        scan.elements += piece.count(b"<")  # start and end tags: at most twice the elements, never fewer
        if scan.elements > limits.elements:
            raise Suspect
        if not worksheet:
            continue
        scan.cells += piece.count(b"<c")  # a few more than the cells (<col>, <cfRule>): on the safe side
        if scan.cells > limits.cells or (b":c" in piece and _PREFIXED_CELL.search(piece)):
            raise Suspect
        plain = piece.translate(_SPACES)
        hits = [(m.start(), _R_VALUE.match(plain, m.start())) for m in [far.search(plain)] if m]
        hits += [(m.start(), m) for m in _REF.finditer(plain) if b"&" in m.group(1) or scan.over(m.group(1).decode())][
            :1
        ]
        if hits:
            _refuse_at(plain, *min(hits, key=lambda hit: hit[0]), scan)
        last = piece[piece.rfind(b"<") :]
        if last.count(b'"') % 2 or last.count(b"'") % 2:
            raise Suspect
