"""Checks of the period columns of actions and milestones against the parsed period phrase.

Each distinct (phrase, year) pair is parsed once, however many rows use it;
the comparisons with the ``start``, ``end``, ``precision`` and ``recurring``
columns are vectorized.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.dataset.checks import p_at, text
from analysis.dataset.periods import PeriodError, parse_period
from analysis.dataset.raw import RawTable
from analysis.errors import Problem

_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def check_periods(raw: dict[str, RawTable]) -> list[Problem]:
    out = []
    for name in ("actions", "milestones"):
        if name in raw:
            out += _check_table(raw[name])
    return out


def _iso(s: pd.Series | None) -> np.ndarray:
    if s is None:
        return np.zeros(0, dtype=bool)
    ok = s.str.fullmatch(_ISO).to_numpy(dtype=bool, na_value=False)
    if ok.any():
        ok &= pd.to_datetime(s.where(ok, None), format="%Y-%m-%d", errors="coerce").notna().to_numpy()
    return ok


def _parse_distinct(phrases: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct (text, year): the parse error, or precision, recurring, start and end."""
    results = []
    for phrase, year in phrases.itertuples(index=False):  # distinct phrases only: a few hundred at most
        default_year = int(year) if year and year.lstrip("+-").isdigit() else None
        try:
            p = parse_period(phrase, default_year=default_year)
        except PeriodError as exc:
            results.append((phrase, year, str(exc), "", False, "", ""))
            continue
        start, end = (d.isoformat() if d else "" for d in (p.start, p.end))
        results.append((phrase, year, None, p.precision, p.recurring, start, end))
    cols = ["text", "year", "error", "p_precision", "p_recurring", "p_start", "p_end"]
    return pd.DataFrame(results, columns=cols)


def _check_table(t: RawTable) -> list[Problem]:
    n = len(t.frame)
    phrase, start, end = text(t, "period_text"), text(t, "start"), text(t, "end")
    empty = pd.Series([""] * n, dtype=object)
    found: list[tuple[int, int, Problem]] = []
    if start is not None and end is not None:
        reversed_ = _iso(start) & _iso(end) & (start > end).to_numpy(dtype=bool)
        for i in np.flatnonzero(reversed_):
            msg = f"the period ends ({end.iat[i]}) before it starts ({start.iat[i]})"
            found.append((i, 0, p_at(t, msg, i, "end", end.iat[i])))
    if phrase is None:
        return [p for *_, p in found]
    year = text(t, "year_context")
    rows = pd.DataFrame({"text": phrase.astype(object), "year": (year if year is not None else empty).astype(object)})
    todo = ((phrase != "") & (phrase.str.lower() != "unknown")).to_numpy(dtype=bool)
    rows = rows[todo]
    parsed = rows.reset_index().merge(_parse_distinct(rows.drop_duplicates()), on=["text", "year"], how="left")
    parsed = parsed.set_index("index")
    bad = parsed["error"].notna()
    for i, msg in parsed.loc[bad, "error"].items():
        found.append((i, 1, p_at(t, f"the period cannot be understood: {msg}", i, "period_text", phrase.iat[i])))
    good = parsed[~bad]
    found += _compare(t, good)
    return [p for *_, p in sorted(found, key=lambda x: (x[0], x[1]))]


def _compare(t: RawTable, good: pd.DataFrame) -> list[tuple[int, int, Problem]]:
    """Rows whose precision, recurring, start or end disagree with their parsed phrase."""
    found = []
    idx = good.index.to_numpy()
    precision = text(t, "precision")
    if precision is not None:
        given = precision.to_numpy(dtype=object)[idx]
        for k in np.flatnonzero((given != "") & (given != good["p_precision"].to_numpy(dtype=object))):
            i, p = int(idx[k]), good.iloc[k]
            msg = f"the precision does not match the period '{p['text']}', which is of precision '{p['p_precision']}'"
            found.append((i, 2, p_at(t, msg, i, "precision", given[k])))
    recurring = text(t, "recurring")
    if recurring is not None:
        given = recurring.str.lower().to_numpy(dtype=object)[idx]
        said = np.isin(given, ["true", "false"])
        for k in np.flatnonzero(said & ((given == "true") != good["p_recurring"].to_numpy(dtype=bool))):
            i, p = int(idx[k]), good.iloc[k]
            which = "" if p["p_recurring"] else "not "
            msg = f"recurring does not match the period '{p['text']}', which is {which}recurring"
            found.append((i, 3, p_at(t, msg, i, "recurring", given[k])))
    for order, col in ((4, "start"), (5, "end")):
        s = text(t, col)
        if s is None:
            continue
        given = s.to_numpy(dtype=object)[idx]
        checkable = _iso(s)[idx] | (given == "")
        expected = good[f"p_{col}"].to_numpy(dtype=object)
        for k in np.flatnonzero(checkable & (given != expected)):
            i, p = int(idx[k]), good.iloc[k]
            msg = f"the {col} does not match the period '{p['text']}', which gives {expected[k] or 'no ' + col}"
            found.append((i, order, p_at(t, msg, i, col, given[k])))
    return found
