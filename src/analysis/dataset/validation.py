"""Validation of the program dataset: every problem, not just the first.

Each :class:`~analysis.errors.Problem` names the file, sheet, row, column and
value, and says in plain words what is wrong.

Checks are vectorized: a column is screened as a whole by fast patterns that
only ever *accept* values :func:`check_value` would accept too; the few values
the screen does not accept go through :func:`check_value`, which writes the
message. The screen therefore decides speed, never the outcome.

>>> from analysis.dataset.raw import read_raw
>>> from analysis.dataset.validation import validate_raw
>>> validate_raw(read_raw())
[]
"""

from __future__ import annotations

import math
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from analysis.common.dates import is_iso_date
from analysis.dataset.checks import arrow, from_arrow, isin, p_at, problems_at, stripped_columns, text
from analysis.dataset.crossrefs import check_crossrefs
from analysis.dataset.figures import check_figures, check_formulas
from analysis.dataset.period_checks import check_periods
from analysis.dataset.raw import TEXT, RawTable
from analysis.dataset.schema import TABLE_ORDER, TABLES, Column
from analysis.errors import Problem

THREADS = 2  # checks run side by side; more threads add little, the largest checks being a third of the time
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
INT_RE = re.compile(r"^[+-]?\d+$")
INT64_MAX = 2**63 - 1

_ID = r"[A-Za-z0-9][A-Za-z0-9_.:\-]*"
# Screens (RE2 syntax, ASCII only): a match is certainly valid for check_value.
_SCREEN = {
    "id": _ID,
    "ids": rf" *{_ID} *(?:; *{_ID} *)*",
    "int": r"[+-]?[0-9]{1,18}",
    "number": r"[+-]?(?:[0-9]{1,300}(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}


def validate_raw(raw: dict[str, RawTable], source: Path | str | None = None) -> list[Problem]:
    """All problems in the text tables ``raw`` (as :func:`read_raw` returns them)."""
    with stripped_columns():
        return _validate(raw, source)


def _validate(raw: dict[str, RawTable], source: Path | str | None) -> list[Problem]:
    problems: list[Problem] = []
    usable: dict[str, RawTable] = {}
    checks: list = []  # per table, then across tables: run side by side, their problems kept in this order
    for name in TABLE_ORDER:
        if name not in raw:
            problems.append(_missing(name, source))
            continue
        broken = _check_shape(raw[name])
        if broken:
            problems.append(broken)  # one line for the table, not one per cell or reference
            continue
        checks.append((_check_table, raw[name]))
        if TABLES[name].key in raw[name].frame.columns:
            usable[name] = raw[name]
    across = (_check_references, _check_row_lists, check_formulas, check_figures, check_periods, check_crossrefs)
    checks += [(check, usable) for check in across]
    # Most of a check's time is Arrow's compute, which lets go of the GIL: threads use the other cores.
    with ThreadPoolExecutor(max_workers=min(THREADS, os.cpu_count() or 1), thread_name_prefix="validate") as pool:
        for found in [pool.submit(check, arg) for check, arg in checks]:
            problems.extend(found.result())
    return problems


def _check_table(t: RawTable) -> list[Problem]:
    return [*_check_columns(t), *_check_cells(t), *_check_duplicates(t)]


def _missing(name: str, source: Path | str | None) -> Problem:
    where = Path(source) if source is not None else None
    if where is not None and where.is_dir():
        return Problem(f"the table '{name}' is missing: expected the file {name}.csv", file=str(where / f"{name}.csv"))
    return Problem(
        f"the table '{name}' is missing: expected a sheet named '{name}'", file=str(where) if where else None
    )


def _check_shape(t: RawTable) -> Problem | None:
    """One line for a table that cannot be read as a table at all (empty, wrong separator)."""
    cols = [str(c) for c in t.frame.columns]
    expected = TABLES[t.name].column_names
    what = f"sheet '{t.name}'" if t.sheet else "file"
    if not cols:
        return p_at(t, f"the {what} is empty: expected a header row with the columns {', '.join(expected)}")
    if len(cols) == 1 and len(expected) > 1 and cols[0] not in expected:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
            if sep in cols[0]:
                return p_at(
                    t,
                    f"the columns are separated by {name}, not commas: save it from Excel as "
                    "'CSV UTF-8 (Comma delimited)' (or choose ',' as the separator) and try again",
                    value=cols[0],
                )
    return None


def _check_columns(t: RawTable) -> list[Problem]:
    table = TABLES[t.name]
    have = list(t.frame.columns)
    out = []
    for col in table.column_names:
        if col not in have:
            out.append(p_at(t, f"the column '{col}' is missing from the table '{t.name}'", column=col))
    for col in have:
        if col not in table.column_names:
            hint = "an empty header cell" if col == "" else f"'{col}'"
            out.append(
                p_at(
                    t,
                    f"the table '{t.name}' has an unexpected column {hint}; "
                    f"expected only: {', '.join(table.column_names)}",
                    column=col or None,
                )
            )
    if len(set(have)) != len(have):
        for col in sorted({c for c in have if have.count(c) > 1}):
            out.append(p_at(t, f"the column '{col}' appears more than once", column=col))
    if t.frame.attrs.get("cells_beyond_header"):
        out.append(p_at(t, f"{t.frame.attrs['cells_beyond_header']} row(s) have values beyond the last header column"))
    return out


def _check_cells(t: RawTable) -> list[Problem]:
    out = []
    for col in TABLES[t.name].columns:
        series = text(t, col.name)
        if series is None:
            continue
        suspects = np.flatnonzero(~_screen(col, series))
        raw = t.frame[col.name]
        for i in suspects:
            value = raw.iat[i]
            msg = check_value(col, value)
            if msg:
                out.append(p_at(t, msg, int(i), col.name, value))
    return out


def _screen(col: Column, s: pd.Series) -> np.ndarray:
    """True where ``s`` (stripped text) is certainly valid for ``col``."""
    empty = (s == "").to_numpy(dtype=bool)
    if col.type in _SCREEN:
        ok = s.str.fullmatch(_SCREEN[col.type]).to_numpy(dtype=bool, na_value=False)
        if col.type == "date" and ok.any():
            parsed = pd.to_datetime(s.where(ok, None), format="%Y-%m-%d", errors="coerce")
            ok &= parsed.notna().to_numpy()
    elif col.type == "bool":
        ok = s.str.lower().isin(("true", "false")).to_numpy(dtype=bool)
    elif col.type == "enum":
        ok = isin(s, col.vocabulary)
    else:
        ok = np.ones(len(s), dtype=bool)
    return np.where(empty, not col.required, ok)


def check_value(col: Column, value: object) -> str | None:
    """Plain-words reason why ``value`` does not fit ``col``, or None."""
    text = "" if value is None else str(value).strip()
    if text == "":
        return "this value is required but the cell is empty" if col.required else None
    kind = col.type
    if kind in ("id",) and not ID_RE.match(text):
        return "is not a valid id: use letters, digits, '-', '_', '.' or ':' with no spaces"
    if kind == "ids":
        bad = [x for x in text.split(";") if not ID_RE.match(x.strip())]
        if bad:
            return "is not a ';'-separated list of ids"
    if kind == "int":
        if not INT_RE.match(text):
            return "is not a whole number"
        if abs(int(text)) > INT64_MAX:
            return f"is too large: whole numbers must lie between -{INT64_MAX} and {INT64_MAX}"
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return "is not a number (write digits with a '.' for decimals and no thousands separators)"
        if not math.isfinite(number) or "_" in text:
            return "is not a number (write digits with a '.' for decimals and no thousands separators)"
    if kind == "date":
        if not is_iso_date(text):
            return "is not a date in the form YYYY-MM-DD"
    if kind == "bool" and text.lower() not in ("true", "false"):
        return "must be true or false"
    if kind == "enum" and text not in col.vocabulary:
        return f"is not one of the allowed values: {', '.join(col.vocabulary)}"
    return None


def _check_duplicates(t: RawTable) -> list[Problem]:
    key = TABLES[t.name].key
    s = text(t, key)
    if s is None:
        return []
    empties = int((s == "").sum())
    if pc.count_distinct(arrow(s)).as_py() - (empties > 0) == len(s) - empties:  # all distinct: the usual case
        return []
    filled = s[s != ""]
    dup = filled.duplicated(keep="first")
    if not dup.any():
        return []
    again = filled[dup]
    firsts = filled[~dup & filled.isin(again.unique())]
    first = dict(zip(firsts, firsts.index, strict=True))
    return [
        p_at(t, f"duplicate id: the same {key} is already used in row {t.row_number(first[v])}", int(i), key, v)
        for i, v in again.items()
    ]


def _check_references(raw: dict[str, RawTable]) -> list[Problem]:
    out = []
    for name in TABLE_ORDER:
        if name not in raw:
            continue
        for col in TABLES[name].columns:
            if not col.references:
                continue
            target_table, target_col = col.references.split(".")
            s = text(raw[name], col.name)
            known = text(raw[target_table], target_col) if target_table in raw else None
            if s is None or known is None:
                continue
            noun = target_table.rstrip("s").replace("_", " ")
            bad = (s != "").to_numpy(dtype=bool) & ~isin(s, known)
            out += problems_at(
                raw[name],
                bad,
                f"refers to an unknown {noun}: no row of '{target_table}' has this {target_col}",
                col.name,
                s,
            )
    return out


def _check_row_lists(raw: dict[str, RawTable]) -> list[Problem]:
    """``data_quality.rows`` lists ``table:id`` pairs; each must name a real row."""
    t = raw.get("data_quality")
    s = text(t, "rows") if t is not None else None
    if s is None or not (s != "").any():
        return []
    refs = s[s != ""].str.split(";").explode().astype(TEXT).str.strip()
    refs = refs[refs != ""]
    parts = pc.extract_regex(arrow(refs), r"^(?P<table>[^:]*):?(?P<key>.*)$")
    tables, keys = from_arrow(pc.struct_field(parts, [0])), from_arrow(pc.struct_field(parts, [1]))
    bad_table = ~isin(tables, list(TABLES))
    bad_key = np.zeros(len(refs), dtype=bool)
    for name in raw:
        here = np.flatnonzero((tables == name).to_numpy(dtype=bool))  # each table's keys looked up once
        if len(here):
            bad_key[here] = ~isin(keys.iloc[here], text(raw[name], TABLES[name].key))
    out = []
    flagged = bad_table | bad_key
    for i, ref, table, unknown in zip(
        refs.index[flagged], refs[flagged], tables[flagged], bad_table[flagged], strict=True
    ):
        if unknown:
            out.append(p_at(t, f"'{ref}' does not start with a table name ({', '.join(TABLES)})", i, "rows", s.iat[i]))
        else:
            out.append(p_at(t, f"'{ref}' names a row that does not exist in '{table}'", i, "rows", s.iat[i]))
    return out
