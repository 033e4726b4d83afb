"""Validation of the program dataset: every problem, not just the first.

Each :class:`~analysis.errors.Problem` names the file, sheet, row, column and
value, and says in plain words what is wrong.

>>> from analysis.dataset.raw import read_raw
>>> from analysis.dataset.validation import validate_raw
>>> validate_raw(read_raw())
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from analysis.common.dates import is_iso_date
from analysis.dataset.crossrefs import check_crossrefs
from analysis.dataset.raw import RawTable
from analysis.dataset.schema import TABLE_ORDER, TABLES, Column
from analysis.errors import Problem

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
INT_RE = re.compile(r"^[+-]?\d+$")

# Figures that cannot exceed another figure about the same country and election.
AT_MOST = {"absentee_voted": "absentee_registered"}
# Units that are counts: a negative value is impossible.
COUNT_UNITS = {
    "persons",
    "member states",
    "activities",
    "events",
    "meetings",
    "hearings",
    "workshops",
    "reports",
    "countries",
    "voters",
    "count",
}


def validate_raw(raw: dict[str, RawTable], source: Path | str | None = None) -> list[Problem]:
    """All problems in the text tables ``raw`` (as :func:`read_raw` returns them)."""
    problems: list[Problem] = []
    for name in TABLE_ORDER:
        if name not in raw:
            where = Path(source) if source is not None else None
            if where is not None and where.is_dir():
                problems.append(
                    Problem(
                        f"the table '{name}' is missing: expected the file {name}.csv", file=str(where / f"{name}.csv")
                    )
                )
            else:
                problems.append(
                    Problem(
                        f"the table '{name}' is missing: expected a sheet named '{name}'",
                        file=str(where) if where else None,
                    )
                )
            continue
        problems.extend(_check_columns(raw[name]))
        problems.extend(_check_cells(raw[name]))
        problems.extend(_check_duplicates(raw[name]))
    problems.extend(_check_references(raw))
    problems.extend(_check_row_lists(raw))
    problems.extend(_check_figures(raw))
    problems.extend(_check_periods(raw))
    problems.extend(check_crossrefs(raw))
    return problems


def _p(t: RawTable, message: str, index: int | None = None, column: str | None = None, value=None) -> Problem:
    row = t.row_number(index) if index is not None else None
    return Problem(message, file=t.file, sheet=t.sheet, row=row, column=column, value=value)


def _check_columns(t: RawTable) -> list[Problem]:
    table = TABLES[t.name]
    have = list(t.frame.columns)
    out = []
    for col in table.column_names:
        if col not in have:
            out.append(_p(t, f"the column '{col}' is missing from the table '{t.name}'", column=col))
    for col in have:
        if col not in table.column_names:
            hint = "an empty header cell" if col == "" else f"'{col}'"
            out.append(
                _p(
                    t,
                    f"the table '{t.name}' has an unexpected column {hint}; "
                    f"expected only: {', '.join(table.column_names)}",
                    column=col or None,
                )
            )
    if len(set(have)) != len(have):
        for col in sorted({c for c in have if have.count(c) > 1}):
            out.append(_p(t, f"the column '{col}' appears more than once", column=col))
    if t.frame.attrs.get("cells_beyond_header"):
        out.append(_p(t, f"{t.frame.attrs['cells_beyond_header']} row(s) have values beyond the last header column"))
    return out


def _check_cells(t: RawTable) -> list[Problem]:
    table = TABLES[t.name]
    out = []
    for col in table.columns:
        if col.name not in t.frame.columns:
            continue
        series = t.frame[col.name]
        if isinstance(series, type(t.frame)):  # duplicated header: already reported
            continue
        for i, value in enumerate(series):
            msg = check_value(col, value)
            if msg:
                out.append(_p(t, msg, i, col.name, value))
    return out


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
    if kind == "int" and not INT_RE.match(text):
        return "is not a whole number"
    if kind == "number":
        try:
            float(text)
        except ValueError:
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
    if key not in t.frame.columns:
        return []
    seen: dict[str, int] = {}
    out = []
    for i, value in enumerate(t.frame[key]):
        v = str(value).strip()
        if not v:
            continue
        if v in seen:
            out.append(_p(t, f"duplicate id: the same {key} is already used in row {t.row_number(seen[v])}", i, key, v))
        else:
            seen[v] = i
    return out


def _values(t: RawTable, column: str) -> Iterable[tuple[int, str]]:
    if column not in t.frame.columns:
        return []
    return ((i, str(v).strip()) for i, v in enumerate(t.frame[column]))


def _check_references(raw: dict[str, RawTable]) -> list[Problem]:
    out = []
    for name in TABLE_ORDER:
        if name not in raw:
            continue
        for col in TABLES[name].columns:
            if not col.references:
                continue
            target_table, target_col = col.references.split(".")
            if target_table not in raw:
                continue
            known = {v for _, v in _values(raw[target_table], target_col)}
            noun = target_table.rstrip("s").replace("_", " ")
            for i, v in _values(raw[name], col.name):
                if v and v not in known:
                    out.append(
                        _p(
                            raw[name],
                            f"refers to an unknown {noun}: no row of '{target_table}' has this {target_col}",
                            i,
                            col.name,
                            v,
                        )
                    )
    return out


def _check_row_lists(raw: dict[str, RawTable]) -> list[Problem]:
    """``data_quality.rows`` lists ``table:id`` pairs; each must name a real row."""
    if "data_quality" not in raw or "rows" not in raw["data_quality"].frame.columns:
        return []
    t = raw["data_quality"]
    keys = {name: {v for _, v in _values(raw[name], TABLES[name].key)} for name in raw}
    out = []
    for i, text in _values(t, "rows"):
        for ref in filter(None, (r.strip() for r in text.split(";"))):
            table, _, key = ref.partition(":")
            if table not in TABLES:
                out.append(_p(t, f"'{ref}' does not start with a table name ({', '.join(TABLES)})", i, "rows", text))
            elif table in keys and key not in keys[table]:
                out.append(_p(t, f"'{ref}' names a row that does not exist in '{table}'", i, "rows", text))
    return out


def _num(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _check_figures(raw: dict[str, RawTable]) -> list[Problem]:
    if "observations" not in raw:
        return []
    obs = raw["observations"]
    units = {}
    if "indicators" in raw:
        f = raw["indicators"].frame
        if {"indicator_id", "unit"} <= set(f.columns):
            units = dict(zip(f["indicator_id"].astype(str), f["unit"].astype(str)))
    out = []
    f = obs.frame
    if not {"indicator_id", "value"} <= set(f.columns):
        return out
    by_key: dict[tuple, dict[str, tuple[int, float]]] = {}
    for i, row in f.iterrows():
        value = _num(str(row["value"]).strip())
        ind = str(row["indicator_id"]).strip()
        if value is None:
            continue
        if value < 0 and units.get(ind, "").strip().lower() in COUNT_UNITS:
            out.append(
                _p(obs, f"a count cannot be negative ({ind} is counted in {units[ind]})", i, "value", row["value"])
            )
        key = (str(row.get("country", "")).strip(), str(row.get("election", "")).strip())
        by_key.setdefault(key, {})[ind] = (i, value)
    for (country, election), figures in by_key.items():
        for part, whole in AT_MOST.items():
            if part in figures and whole in figures and figures[part][1] > figures[whole][1]:
                i, v = figures[part]
                out.append(
                    _p(
                        obs,
                        f"impossible figure: {part} ({v:g}) is more than {whole} "
                        f"({figures[whole][1]:g}) for {country or 'the same country'} {election}".rstrip(),
                        i,
                        "value",
                        f.loc[i, "value"],
                    )
                )
    return out


def _check_periods(raw: dict[str, RawTable]) -> list[Problem]:
    from analysis.dataset.periods import PeriodError, parse_period

    out = []
    for name in ("actions", "milestones"):
        if name not in raw:
            continue
        t = raw[name]
        f = t.frame
        for i in range(len(f)):
            row = f.iloc[i]
            text = str(row.get("period_text", "")).strip()
            start = str(row.get("start", "")).strip()
            end = str(row.get("end", "")).strip()
            if start and end and start > end and is_iso_date(start) and is_iso_date(end):
                out.append(_p(t, f"the period ends ({end}) before it starts ({start})", i, "end", end))
            if not text or text.lower() == "unknown":
                continue
            year = str(row.get("year_context", "")).strip()
            default_year = int(year) if INT_RE.match(year) else None
            try:
                period = parse_period(text, default_year=default_year)
            except PeriodError as exc:
                out.append(_p(t, f"the period cannot be understood: {exc}", i, "period_text", text))
                continue
            given_precision = str(row.get("precision", "")).strip()
            if "precision" in f.columns and given_precision and given_precision != period.precision:
                out.append(
                    _p(
                        t,
                        f"the precision does not match the period '{text}', which is of precision '{period.precision}'",
                        i,
                        "precision",
                        given_precision,
                    )
                )
            given_recurring = str(row.get("recurring", "")).strip().lower()
            if (
                "recurring" in f.columns
                and given_recurring in ("true", "false")
                and (given_recurring == "true") != period.recurring
            ):
                out.append(
                    _p(
                        t,
                        f"recurring does not match the period '{text}', which is "
                        f"{'' if period.recurring else 'not '}recurring",
                        i,
                        "recurring",
                        given_recurring,
                    )
                )
            for col, parsed in (("start", period.start), ("end", period.end)):
                given = str(row.get(col, "")).strip()
                expected = parsed.isoformat() if parsed else ""
                if is_iso_date(given) or given == "":
                    if given != expected:
                        out.append(
                            _p(
                                t,
                                f"the {col} does not match the period '{text}', which gives {expected or 'no ' + col}",
                                i,
                                col,
                                given,
                            )
                        )
    return out
