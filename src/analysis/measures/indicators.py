"""Derived indicators: arithmetic formulas over observed figures, never typed-in numbers.

Formulas are parsed with :mod:`ast` and allow only indicator ids, numbers,
``+ - * /`` and parentheses. A value that needs a missing input, or divides by
zero, is NaN ("cannot be computed"), never 0.

The cost is linear in the rows, however many derived indicators, countries or
elections there are: the observations are joined once with a long table of
(derived indicator, input position, input id), and each distinct formula
*shape* (the formula with its ids replaced by input positions, so that
``a_s1 / b_s1`` and ``a_s2 / b_s2`` are one shape) is evaluated once over all
its rows.
"""

from __future__ import annotations

import ast
import operator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas._libs.sparse import IntIndex  # the public SparseArray's sparse_index type

from analysis.dataset.categories import categorical_text, categories_text
from analysis.dataset.checks import arrow
from analysis.dataset.formulas import formula_inputs  # the one parser; validation uses it too
from analysis.dataset.raw import TEXT

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
EXACT = ("=", "")  # the comparators of exact figures: only these enter a formula

__all__ = ["formula_inputs", "evaluate_formula", "evaluate_columns", "derived_indicators", "indicator_table"]


def evaluate_formula(formula: str, values: dict[str, float]) -> float:
    """Evaluate an arithmetic formula over indicator values; NaN if an input is missing or a division is by zero."""
    columns = {k: np.array([float(v)]) for k, v in values.items()}
    return float(evaluate_columns(formula, columns, 1)[0])


def evaluate_columns(formula: str, columns: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Evaluate a formula element-wise over arrays of length ``n`` (one definition of the arithmetic).

    A missing input gives NaN; a division by zero gives NaN, never an infinity.
    """
    formula_inputs(formula)
    return _evaluate(ast.parse(formula.strip(), mode="eval"), columns, n)


def _evaluate(tree: ast.AST, columns: dict[str, np.ndarray], n: int) -> np.ndarray:
    missing = np.full(n, np.nan)

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return np.full(n, float(node.value))
        if isinstance(node, ast.Name):
            return columns.get(node.id, missing)
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand)
        left, right = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Div):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(right == 0, np.nan, left / np.where(right == 0, 1.0, right))
        return _OPS[type(node.op)](left, right)

    return ev(tree)


def _shape(formula: str) -> tuple[str, ast.AST, list[str]]:
    """The formula's shape (its ids replaced by ``x0``, ``x1``... in order of appearance), tree and inputs."""
    inputs = formula_inputs(formula)
    position = {name: f"x{j}" for j, name in enumerate(inputs)}
    tree = ast.parse(formula.strip(), mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            node.id = position[node.id]
    return ast.dump(tree), tree, inputs


DERIVED_COLUMNS = ["indicator_id", "country", "election", "value", "formula", "unit", "inputs"]


def _empty_derived() -> pd.DataFrame:
    return pd.DataFrame(columns=DERIVED_COLUMNS)


class _Formulas:
    """The derived indicators in table order, each formula parsed once, as integer arrays."""

    def __init__(self, derived: pd.DataFrame):
        self.ids = derived["indicator_id"].to_numpy(dtype=object)
        self.formulas = derived["formula"].to_numpy(dtype=object)
        self.units = derived["unit"].to_numpy(dtype=object)
        parsed = {f: _shape(f) for f in dict.fromkeys(self.formulas)}
        shapes = {key: (tree, len(inputs)) for key, tree, inputs in parsed.values()}
        self.shape_keys = list(shapes)
        self.trees = [shapes[key][0] for key in self.shape_keys]
        code = {key: c for c, key in enumerate(self.shape_keys)}
        self.shape = np.array([code[parsed[f][0]] for f in self.formulas], dtype=np.int64)
        self.width = np.array([len(parsed[f][2]) for f in self.formulas], dtype=np.int64)
        # the long table: one row per (derived indicator, input position), naming the input
        self.input_names = list(dict.fromkeys(name for f in parsed for name in parsed[f][2]))
        number = {name: c for c, name in enumerate(self.input_names)}
        self.long = pd.DataFrame(
            {
                "k": np.repeat(np.arange(len(self.formulas)), self.width),
                "j": np.concatenate([np.arange(w) for w in self.width]) if len(self.width) else [],
                "input": [number[name] for f in self.formulas for name in parsed[f][2]],
            },
            dtype=np.int64,
        )


def _last_exact(observations: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The last exact figure of each input per place, with its table position and place number.

    Places are numbered in sorted (country, election) order; a place whose last
    figure of an input is empty lacks that input.
    """
    code = pd.Index(names, dtype=object).get_indexer(observations["indicator_id"])
    used = code >= 0
    if "comparator" in observations:
        used &= np.asarray(observations["comparator"].isin(EXACT), dtype=bool)
    obs = observations[["indicator_id", "country", "election", "value", "observation_id"]][used]
    obs = obs.assign(input=code[used], row=np.arange(int(used.sum())))
    obs = obs.drop_duplicates(["country", "election", "indicator_id"], keep="last")
    obs = obs.assign(value=obs["value"].astype(float))
    obs = obs[obs["value"].notna().to_numpy()]
    obs["place"] = obs.groupby(["country", "election"], sort=True).ngroup().to_numpy(dtype=np.int64)
    return obs.reset_index(drop=True)


def derived_indicators(indicators: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Compute every derived indicator for each (country, election) that has all its inputs.

    Returns one row per computed value with ``indicator_id``, ``country``,
    ``election``, ``value``, ``formula``, ``unit`` and the ``inputs`` used
    (``observation_id`` list, in table order), never typed-in numbers, ordered
    by derived indicator (table order), country and election. Only exact
    figures (comparator ``=`` or empty) are used, the last one given for each
    input and place. One join, one evaluation per distinct formula shape.
    """
    derived = indicators[np.asarray(indicators["kind"] == "derived", dtype=bool)]
    if derived.empty:
        return _empty_derived()
    f = _Formulas(derived)
    obs = _last_exact(observations, f.input_names)
    if obs.empty:
        return _empty_derived()
    joined = f.long.merge(obs[["input", "place", "value", "row"]].reset_index(names="pos"), on="input")
    n_places = int(obs["place"].max()) + 1
    key = joined["k"].to_numpy() * n_places + joined["place"].to_numpy()
    groups, which, count = np.unique(key, return_inverse=True, return_counts=True)
    k = groups // n_places
    complete = count == f.width[k]
    if not complete.any():
        return _empty_derived()
    keep = complete[which]
    number = np.cumsum(complete) - 1  # a complete group's row in the output
    at, j = number[which[keep]], joined["j"].to_numpy()[keep]
    k, place = k[complete], groups[complete] % n_places
    width = int(f.width.max())
    values, rows, pos = np.full((len(k), width), np.nan), np.full((len(k), width), np.inf), np.zeros((len(k), width))
    values[at, j] = joined["value"].to_numpy()[keep]
    rows[at, j] = joined["row"].to_numpy()[keep]
    pos[at, j] = joined["pos"].to_numpy()[keep]
    at_place = np.empty(n_places, dtype=np.int64)
    at_place[obs["place"].to_numpy()] = np.arange(len(obs))  # a row of each place
    return pd.DataFrame(
        {
            "indicator_id": f.ids[k],
            "country": obs["country"].take(at_place[place]).array,
            "election": obs["election"].take(at_place[place]).array,
            "value": _by_shape(f, k, values),
            "formula": f.formulas[k],
            "unit": f.units[k],
            "inputs": _input_lists(arrow(obs["observation_id"].astype(str)), f.width[k], rows, pos.astype(np.int64)),
        }
    )


def _by_shape(f: _Formulas, k: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each formula shape evaluated once, over all the rows of the indicators that have it."""
    out = np.full(len(k), np.nan)
    shape = f.shape[k]
    order = np.argsort(shape, kind="stable")
    bounds = np.flatnonzero(np.diff(shape[order])) + 1
    for sel in np.split(order, bounds):
        s = shape[sel[0]]
        columns = {f"x{j}": values[sel, j] for j in range(values.shape[1])}
        out[sel] = _evaluate(f.trees[s], columns, len(sel))
    return out


def _input_lists(ids: pa.ChunkedArray, width: np.ndarray, rows: np.ndarray, pos: np.ndarray) -> pd.Series:
    """The observation ids of each row's inputs, in table order, joined with ';'."""
    parts, where = [], []
    for n in np.unique(width):
        sel = np.flatnonzero(width == n)
        order = np.argsort(rows[sel, :n], axis=1, kind="stable")
        taken = np.take_along_axis(pos[sel, :n], order, axis=1)
        columns = [pc.take(ids, pa.array(taken[:, j])) for j in range(n)]
        parts.append(columns[0] if n == 1 else pc.binary_join_element_wise(*columns, ";"))
        where.append(sel)
    joined = pa.chunked_array([c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])])
    back = np.empty(len(width), dtype=np.int64)
    back[np.concatenate(where)] = np.arange(len(width))
    return pd.Series(pd.array(pc.take(joined, pa.array(back)).cast(pa.string()), dtype=TEXT))


def indicator_table(
    indicators: pd.DataFrame, observations: pd.DataFrame, derived: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Observed and derived values side by side: one row per country and election.

    ``derived`` is :func:`derived_indicators` of the same tables when the
    caller already has it (it is computed otherwise). For each country,
    election and indicator the first non-empty value is shown (observed rows
    before derived ones); rows without a country, and indicators or places
    without any value, are left out. Rows are sorted by country and election,
    columns by indicator id.

    The indicator columns are sparse (``Sparse[float64, nan]``): they hold
    only the values there are, so the table costs the rows, not places times
    indicators; ``frame[col].sparse.to_dense()`` gives a plain column.
    """
    if derived is None:
        derived = derived_indicators(indicators, observations)
    parts = [observations, derived] if len(derived) else [observations]
    value = np.concatenate([p["value"].to_numpy(dtype=float) for p in parts])
    text = {
        c: pa.chunked_array([k for p in parts for k in arrow(p[c]).cast(pa.large_string()).chunks])
        for c in ("indicator_id", "country", "election")
    }
    kept = ~np.isnan(value) & pc.not_equal(text["country"], "").to_numpy(zero_copy_only=False)
    codes, names = {}, {}
    for c, values in text.items():
        codes[c], names[c] = _sorted_codes(values, kept)
    if not len(codes["country"]):
        return pd.DataFrame(columns=["country", "election"])
    value = value[kept]
    places, place = np.unique(codes["country"] * len(names["election"]) + codes["election"], return_inverse=True)
    cells, first = np.unique(place * len(names["indicator_id"]) + codes["indicator_id"], return_index=True)
    column, row = cells % len(names["indicator_id"]), cells // len(names["indicator_id"])
    order = np.lexsort((row, column))  # by indicator, then place
    column, row, value = column[order], row[order].astype(np.int32), value[first[order]]
    bounds = np.flatnonzero(np.diff(column)) + 1
    sparse = pd.SparseDtype(np.float64, np.nan)
    columns = {
        names["indicator_id"][int(column[sel[0]])].as_py(): pd.arrays.SparseArray(
            value[sel], sparse_index=IntIndex(len(places), row[sel]), dtype=sparse
        )
        for sel in np.split(np.arange(len(column)), bounds)
    }
    out = pd.DataFrame(columns)
    out.columns = pd.Index(list(columns), name="indicator_id", dtype=object)
    out.insert(0, "election", pd.array(names["election"].take(pa.array(places % len(names["election"]))), dtype=TEXT))
    out.insert(0, "country", pd.array(names["country"].take(pa.array(places // len(names["election"]))), dtype=TEXT))
    return out


def _sorted_codes(values: pa.ChunkedArray, kept: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Integer codes of the ``kept`` ``values`` that sort as the texts do, and the distinct texts in that order.

    The texts are encoded where they lie (no copy of a column); the list of
    distinct texts may hold some only the rows left out have.
    """
    encoded = pd.Series(categorical_text(values))
    return encoded.cat.codes.to_numpy()[kept].astype(np.int64), categories_text(encoded)
