"""Checks on the figures: counts, impossible pairs, the figure as written, formulas.

* A count (an indicator whose unit is counted, such as ``persons``) is never
  negative and always a whole number.
* ``value`` agrees with ``value_as_written`` read under the rules of English
  (``141,407.5``) or Spanish (``141.407,5``) writing: the first figure in the
  text, with ``,``/``.``/spaces as group separators and ``%``, thousand/mil,
  million/millón scaling where the text says so. Texts without digits
  ("four", "Seventh") are not compared.
* A derived indicator's formula parses (see :mod:`analysis.dataset.formulas`)
  and uses only known indicators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.dataset.checks import arrow, isin, lookup, numbers, p_at, text
from analysis.dataset.formulas import formula_inputs
from analysis.dataset.raw import RawTable
from analysis.errors import Problem

# Figures that cannot exceed another figure about the same country and election.
AT_MOST = {"absentee_voted": "absentee_registered"}
# Units that are counts: a negative or fractional value is impossible.
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
_FIGURE = r"(?P<figure>[0-9]+(?:(?:[.,'\x{2019}] ?|[ \x{00a0}\x{202f}])[0-9]+)*)"
_SCALES = (
    (r"%", 0.01),
    (r"(?i)\b(?:thousand|mil)\b", 1e3),
    (r"(?i)\b(?:million|millions|mill[oó]n|millones)\b", 1e6),
    (r"(?i)\b(?:billion|billions)\b", 1e9),
)


def check_figures(raw: dict[str, RawTable]) -> list[Problem]:
    """Negative or fractional counts, figures that disagree with the text, impossible pairs."""
    obs = raw.get("observations")
    if obs is None:
        return []
    value, ind = text(obs, "value"), text(obs, "indicator_id")
    if value is None or ind is None:
        return []
    num = pd.Series(numbers(arrow(value)))
    unit = lookup(ind, _units(raw))
    counted = isin(unit.str.lower(), COUNT_UNITS) & num.notna().to_numpy()
    shown = obs.frame["value"]
    found: list[tuple[int, int, Problem]] = []
    for i in np.flatnonzero(counted & (num < 0).to_numpy()):
        msg = f"a count cannot be negative ({ind.iat[i]} is counted in {unit.iat[i]})"
        found.append((i, 0, p_at(obs, msg, i, "value", shown.iat[i])))
    for i in np.flatnonzero(counted & (num % 1 != 0).to_numpy()):
        msg = (
            f"a count must be a whole number ({ind.iat[i]} is counted in {unit.iat[i]}); "
            "if the text writes the figure with '.' between groups of three digits, that '.' "
            "is a thousands separator: write 141407 for '141.407'"
        )
        found.append((i, 1, p_at(obs, msg, i, "value", shown.iat[i])))
    written = text(obs, "value_as_written")
    if written is not None:
        for i in np.flatnonzero(_disagrees(num, written)):
            msg = (
                f"the value does not agree with value_as_written '{written.iat[i]}' read with either "
                "English (1,234.5) or Spanish (1.234,5) separators"
            )
            found.append((i, 2, p_at(obs, msg, i, "value", shown.iat[i])))
    out = [p for _, _, p in sorted(found, key=lambda x: (x[0], x[1]))]
    return out + _at_most(obs, ind, num)


def _units(raw: dict[str, RawTable]) -> dict[str, str]:
    t = raw.get("indicators")
    ids, units = (text(t, "indicator_id"), text(t, "unit")) if t is not None else (None, None)
    if ids is None or units is None:
        return {}
    return dict(zip(ids, units, strict=True))


def _disagrees(num: pd.Series, written: pd.Series) -> np.ndarray:
    """True where ``written`` holds a figure and no reading of it equals ``num``.

    The plain English reading settles most rows; the Spanish reading and the
    scale words are looked for only in the rows it does not settle.
    """
    arr = arrow(written)
    figure = _first_figure(arr)
    has = pc.is_valid(figure).to_numpy(zero_copy_only=False) & num.notna().to_numpy()
    rows = np.flatnonzero(has)
    if not len(rows):
        return has
    figure, target = pc.take(figure, pa.array(rows)), num.to_numpy()[rows]
    english = numbers(pc.replace_substring_regex(figure, r"[,'\x{2019} \x{00a0}\x{202f}]", ""))
    open_ = ~_close(english, target)
    rows, figure, target, english = rows[open_], pc.filter(figure, pa.array(open_)), target[open_], english[open_]
    if not len(rows):
        return np.zeros(len(num), dtype=bool)
    spanish = numbers(
        pc.replace_substring(pc.replace_substring_regex(figure, r"[.'\x{2019} \x{00a0}\x{202f}]", ""), ",", ".")
    )
    texts = pc.take(arr, pa.array(rows))
    scales = [np.ones(len(rows))]
    for pattern, factor in _SCALES:
        said = pc.match_substring_regex(texts, pattern).to_numpy(zero_copy_only=False)
        scales.append(np.where(said, factor, 1.0))
    agree = np.zeros(len(rows), dtype=bool)
    for reading in (english, spanish):
        for scale in scales:
            agree |= _close(reading * scale, target)
    out = np.zeros(len(num), dtype=bool)
    out[rows[~agree]] = True
    return out


_PLAIN_FIGURE = r"^[0-9]+(?:[.,][0-9]+)*$"  # a text that is its own first figure (no RE2 capture needed)


def _first_figure(written: pa.ChunkedArray) -> pa.Array:
    """The first figure in each text (null where there is none); the regex capture runs only where needed."""
    written = written.combine_chunks()
    plain = pc.match_substring_regex(written, _PLAIN_FIGURE)
    other = pc.invert(plain)
    if not pc.any(other).as_py():
        return written
    found = pc.struct_field(pc.extract_regex(pc.filter(written, other), _FIGURE), [0])
    return pc.replace_with_mask(written, other, found.cast(written.type))


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.isclose(a, b, rtol=1e-9, atol=0)``, without its overhead."""
    with np.errstate(invalid="ignore"):
        return (a == b) | (np.abs(a - b) <= 1e-9 * np.abs(b))


def _at_most(obs: RawTable, ind: pd.Series, num: pd.Series) -> list[Problem]:
    """``absentee_voted`` above ``absentee_registered`` for the same country and election.

    Where one country and election has several rows of an indicator, the last one counts.
    """
    involved = isin(ind, [*AT_MOST, *AT_MOST.values()]) & num.notna().to_numpy()
    rows = np.flatnonzero(involved)
    if not len(rows):
        return []
    codes, names = {}, {}
    for name in ("country", "election", "indicator_id"):  # integer codes: no Python string per row
        s = text(obs, name)
        values = arrow(s).take(pa.array(rows)).combine_chunks() if s is not None else pa.array([""] * len(rows))
        encoded = pc.dictionary_encode(values)
        codes[name], names[name] = encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()
    figures = pd.DataFrame(
        {"country": codes["country"], "election": codes["election"], "ind": codes["indicator_id"]}
    ).assign(num=num.to_numpy()[rows], pos=rows)
    last = figures.drop_duplicates(["country", "election", "ind"], keep="last")
    out = []
    for part, whole in AT_MOST.items():
        if part not in names["indicator_id"] or whole not in names["indicator_id"]:
            continue
        pairs = last[last["ind"] == names["indicator_id"].index(part)].merge(
            last[last["ind"] == names["indicator_id"].index(whole)], on=["country", "election"], suffixes=("", "_whole")
        )
        pairs = pairs[pairs["num"] > pairs["num_whole"]].sort_values("pos")
        for row in pairs.itertuples():
            country, election = names["country"][row.country], names["election"][row.election]
            where = f"{country or 'the same country'} {election}".rstrip()
            msg = f"impossible figure: {part} ({row.num:g}) is more than {whole} ({row.num_whole:g}) for {where}"
            out.append(p_at(obs, msg, row.pos, "value", obs.frame["value"].iat[row.pos]))
    return out


def check_formulas(raw: dict[str, RawTable]) -> list[Problem]:
    """Every derived indicator has a formula that parses and uses known indicators."""
    t = raw.get("indicators")
    ids, kind, formula = (text(t, c) for c in ("indicator_id", "kind", "formula")) if t is not None else (None,) * 3
    if ids is None or kind is None or formula is None:
        return []
    known = set(ids)
    out = []
    for i in np.flatnonzero(((kind == "derived") | (formula != "")).to_numpy(dtype=bool)):
        f = formula.iat[i]
        if f == "":
            out.append(p_at(t, "a derived indicator needs a formula over other indicator ids", i, "formula"))
            continue
        try:
            unknown = [x for x in formula_inputs(f) if x not in known]
        except ValueError as exc:
            out.append(p_at(t, f"the formula cannot be computed: {exc}", i, "formula", f))
            continue
        if unknown:
            msg = f"the formula uses indicator(s) that do not exist: {', '.join(unknown)}"
            out.append(p_at(t, msg, i, "formula", f))
    return out
