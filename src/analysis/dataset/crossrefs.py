"""Cross-references between rows: ids named in free text, and contradictions kept open.

* Every row id written in free text (a note, a description, a basis) must
  name an existing row: ``DQ-7``, ``OBS-21``, ``DSDE-P4``, ``IACHR-C2``,
  ``SPA-M1``. (``data_quality.rows`` is checked by validation itself.)
* A flagged contradiction keeps both readings: it cites both passages
  (``excerpt`` and ``excerpt_b`` with their sections), and no milestone it
  lists may be marked met or unmet (``achieved``, ``achieved_on``), which
  would take a side, unless the flag's ``settled`` says how and why.

>>> ids_in("Contradicts DSDE-C8; both kept (DQ-7, DQ-101). Not an id: CP/CAJP-2038/03.")
['DSDE-C8', 'DQ-7', 'DQ-101']
"""

from __future__ import annotations

import re

from analysis.dataset.raw import RawTable
from analysis.dataset.schema import TABLES
from analysis.errors import Problem

ROW_ID = re.compile(r"(?<![\w/-])(?:DQ-\d+|OBS-\d+|[A-Z][A-Z_]*-[AMPC]\d+)(?![\w-])")
NOT_FREE_TEXT = {"excerpt", "excerpt_b", "text", "text_es_unofficial", "section", "section_b", "rows"}
SETTLING = {"milestones": {"achieved": "unknown", "achieved_on": ""}}


def ids_in(text: str) -> list[str]:
    """The row ids named in ``text``, in order."""
    return ROW_ID.findall(text)


def _known_ids(raw: dict[str, RawTable]) -> set[str]:
    return {str(v).strip() for name, t in raw.items() if name in TABLES for v in t.frame.get(TABLES[name].key, [])}


def _problem(t: RawTable, i: int, column: str, value: str, message: str) -> Problem:
    return Problem(message, file=t.file, sheet=t.sheet, row=t.row_number(i), column=column, value=value)


def check_free_text_ids(raw: dict[str, RawTable]) -> list[Problem]:
    """One problem per row id named in free text that no table has."""
    known = _known_ids(raw)
    out = []
    for name, t in raw.items():
        if name not in TABLES:
            continue
        for col in (c.name for c in TABLES[name].columns if c.type == "text" and c.name not in NOT_FREE_TEXT):
            if col not in t.frame.columns:
                continue
            for i, value in enumerate(t.frame[col].astype(str)):
                for ref in ids_in(value):
                    if ref not in known:
                        out.append(_problem(t, i, col, ref, f"names the row '{ref}', which does not exist"))
    return out


def _listed(rows: str) -> list[tuple[str, str]]:
    return [tuple(r.strip().split(":", 1)) for r in rows.split(";") if ":" in r]


def check_contradictions(raw: dict[str, RawTable]) -> list[Problem]:
    """Problems for contradictions that lose a side or are settled without saying how and why."""
    if "data_quality" not in raw:
        return []
    t = raw["data_quality"]
    f = t.frame
    out = []
    for i in range(len(f)):
        row = {c: str(f[c].iloc[i]).strip() for c in f.columns}
        if row.get("kind") != "contradiction" or row.get("settled"):
            continue
        for col in ("section_b", "excerpt_b"):
            if col in f.columns and not row[col]:
                out.append(_problem(t, i, col, "", "a contradiction must cite its second passage (both sides kept)"))
        for table, key in _listed(row.get("rows", "")):
            out.extend(_settling_fields(raw, table, key, row["issue_id"]))
    return out


def _settling_fields(raw: dict[str, RawTable], table: str, key: str, issue: str) -> list[Problem]:
    if table not in SETTLING or table not in raw:
        return []
    t = raw[table]
    keys = list(t.frame[TABLES[table].key].astype(str).str.strip())
    if key not in keys:
        return []  # a dangling entry of `rows` is reported by validation
    i = keys.index(key)
    out = []
    for col, open_value in SETTLING[table].items():
        value = str(t.frame[col].iloc[i]).strip() if col in t.frame.columns else open_value
        if value != open_value:
            out.append(
                _problem(
                    t,
                    i,
                    col,
                    value,
                    f"takes a side in the contradiction {issue}, which keeps both readings "
                    f"(leave '{open_value or 'empty'}', or say in {issue}'s 'settled' how and why it was settled)",
                )
            )
    return out


def check_crossrefs(raw: dict[str, RawTable]) -> list[Problem]:
    """All cross-reference problems (the one call validation makes)."""
    return check_free_text_ids(raw) + check_contradictions(raw)
