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

import numpy as np
import pandas as pd

from analysis.dataset.checks import isin, matches, text
from analysis.dataset.raw import TEXT, RawTable
from analysis.dataset.schema import TABLES
from analysis.errors import Problem

ROW_ID = re.compile(r"(?<![\w/-])(?:DQ-\d+|OBS-\d+|[A-Z][A-Z_]*-[AMPC]\d+)(?![\w-])")
NOT_FREE_TEXT = {"excerpt", "excerpt_b", "text", "section", "section_b", "rows"} | {
    f"text_{lang}_unofficial" for lang in ("es", "fr", "pt")
}
SETTLING = {"milestones": {"achieved": "unknown", "achieved_on": ""}}


def ids_in(text: str) -> list[str]:
    """The row ids named in ``text``, in order."""
    return ROW_ID.findall(text)


# An RE2 superset of ROW_ID (no look-arounds): rows it does not match cannot name an id.
_MAYBE_ID = r"(?:DQ-[0-9]|OBS-[0-9]|[A-Z][A-Z_]*-[AMPC][0-9])"


def _known(raw: dict[str, RawTable], refs: pd.Series) -> np.ndarray:
    """True where ``refs`` is the key of some row of some table."""
    found = np.zeros(len(refs), dtype=bool)
    for name, t in raw.items():
        keys = text(t, TABLES[name].key) if name in TABLES else None
        if keys is not None:
            found |= isin(refs, keys)
    return found


def _problem(t: RawTable, i: int, column: str, value: str, message: str) -> Problem:
    return Problem(message, file=t.file, sheet=t.sheet, row=t.row_number(i), column=column, value=value)


def check_free_text_ids(raw: dict[str, RawTable]) -> list[Problem]:
    """One problem per row id named in free text that no table has.

    Only the rows an Arrow regex screen flags are searched in Python (their
    texts taken out in one step, not a cell at a time), so the cost follows
    the rows that name ids, not the size of the tables.
    """
    places: list[tuple[RawTable, str]] = []  # (table, column) of each searched column
    where: list[tuple[int, int]] = []  # (place, row) of each id named
    refs: list[str] = []
    for name, t in raw.items():
        if name not in TABLES:
            continue
        for col in (c.name for c in TABLES[name].columns if c.type == "text" and c.name not in NOT_FREE_TEXT):
            values = text(t, col)
            if values is None:
                continue
            rows = np.flatnonzero(matches(values, _MAYBE_ID))
            if not len(rows):
                continue
            places.append((t, col))
            for i, value in zip(rows.tolist(), t.frame[col].take(rows).tolist(), strict=True):
                for ref in ids_in(str(value)):
                    where.append((len(places) - 1, i))
                    refs.append(ref)
    if not refs:
        return []
    known = _known(raw, pd.Series(refs, dtype=TEXT))
    return [
        _problem(places[k][0], i, places[k][1], refs[n], f"names the row '{refs[n]}', which does not exist")
        for n in np.flatnonzero(~known).tolist()
        for k, i in [where[n]]
    ]


def _listed(rows: str) -> list[tuple[str, str]]:
    return [tuple(r.strip().split(":", 1)) for r in rows.split(";") if ":" in r]


def check_contradictions(raw: dict[str, RawTable]) -> list[Problem]:
    """Problems for contradictions that lose a side or are settled without saying how and why."""
    if "data_quality" not in raw:
        return []
    t = raw["data_quality"]
    empty = pd.Series([""] * len(t.frame), dtype=TEXT)

    def column(name: str) -> pd.Series:
        s = text(t, name)
        return empty if s is None else s

    flagged = np.flatnonzero(((column("kind") == "contradiction") & (column("settled") == "")).to_numpy(dtype=bool))
    cited = {c: column(c).take(flagged).tolist() for c in ("section_b", "excerpt_b") if text(t, c) is not None}
    rows, issues = column("rows").take(flagged).tolist(), column("issue_id").take(flagged).tolist()
    out = []
    positions: dict[str, dict[str, int]] = {}  # table -> key -> first row, built once per table
    for n, i in enumerate(flagged.tolist()):
        for col, values in cited.items():
            if not values[n]:
                out.append(_problem(t, i, col, "", "a contradiction must cite its second passage (both sides kept)"))
        for table, key in _listed(rows[n]):
            out.extend(_settling_fields(raw, table, key, issues[n], positions))
    return out


def _settling_fields(
    raw: dict[str, RawTable], table: str, key: str, issue: str, positions: dict[str, dict[str, int]]
) -> list[Problem]:
    if table not in SETTLING or table not in raw:
        return []
    t = raw[table]
    if table not in positions:
        keys = text(t, TABLES[table].key)
        if keys is None:
            return []
        first = ~keys.duplicated(keep="first").to_numpy(dtype=bool)
        positions[table] = dict(zip(keys[first], np.flatnonzero(first).tolist(), strict=True))
    i = positions[table].get(key)
    if i is None:
        return []  # a dangling entry of `rows` is reported by validation
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
