"""Derived indicators: arithmetic formulas over observed figures, never typed-in numbers.

Formulas are parsed with :mod:`ast` and allow only indicator ids, numbers,
``+ - * /`` and parentheses. A value that needs a missing input, or divides by
zero, is NaN ("cannot be computed"), never 0.
"""

from __future__ import annotations

import ast
import operator

import numpy as np
import pandas as pd

from analysis.dataset.formulas import formula_inputs  # the one parser; validation uses it too

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

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

    return ev(ast.parse(formula, mode="eval"))


DERIVED_COLUMNS = ["indicator_id", "country", "election", "value", "formula", "unit", "inputs"]


def _derive_one(indicator, obs: pd.DataFrame) -> pd.DataFrame:
    """One derived indicator for every (country, election) that has all its inputs (vectorized)."""
    needed = formula_inputs(indicator.formula)
    sub = obs[obs["indicator_id"].isin(needed)]
    # one value per input and place: the last one given, as a dict built row by row would keep
    sub = sub.drop_duplicates(["country", "election", "indicator_id"], keep="last")
    keys = ["country", "election"]
    wide = sub.pivot(index=keys, columns="indicator_id", values=["value", "observation_id", "_row"])
    wide = wide[wide["value"].notna().sum(axis=1) == len(needed)] if len(wide) else wide
    if wide.empty:
        return pd.DataFrame(columns=DERIVED_COLUMNS)
    columns = {k: wide["value"][k].astype(float).to_numpy() for k in needed}
    # inputs listed in the order the observations come in the table
    order = np.argsort(wide["_row"][needed].to_numpy(dtype=float), axis=1)
    ids = np.take_along_axis(wide["observation_id"][needed].to_numpy(dtype=object), order, axis=1)
    out = wide.index.to_frame(index=False)
    out.insert(0, "indicator_id", indicator.indicator_id)
    out["value"] = evaluate_columns(indicator.formula, columns, len(wide))
    out["formula"], out["unit"] = indicator.formula, indicator.unit
    first = pd.Series(ids[:, 0])
    out["inputs"] = first.str.cat([pd.Series(ids[:, j]) for j in range(1, len(needed))], sep=";")
    return out[DERIVED_COLUMNS]


def derived_indicators(indicators: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Compute every derived indicator for each (country, election) that has all its inputs.

    Returns one row per computed value with ``indicator_id``, ``country``,
    ``election``, ``value``, ``formula``, ``unit`` and the ``inputs`` used
    (``observation_id`` list, in table order), never typed-in numbers. Only
    exact figures (comparator ``=`` or empty) are used. Vectorized per
    derived indicator: one pivot, one array evaluation.
    """
    derived = indicators[indicators["kind"] == "derived"]
    obs = observations[observations["comparator"].isin(["=", ""])] if "comparator" in observations else observations
    inputs = {name for formula in derived["formula"] for name in formula_inputs(formula)}
    obs = obs.loc[obs["indicator_id"].isin(inputs), ["indicator_id", "country", "election", "value", "observation_id"]]
    obs = obs.assign(_row=np.arange(len(obs)))
    parts = [_derive_one(d, obs) for d in derived.itertuples(index=False)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=DERIVED_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def indicator_table(indicators: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Observed and derived values side by side: one row per country and election."""
    obs = observations[["indicator_id", "country", "election", "value"]]
    der = derived_indicators(indicators, observations)[["indicator_id", "country", "election", "value"]]
    both = obs if der.empty else pd.concat([obs, der], ignore_index=True)  # no concat with an empty frame
    both = both[both["country"].astype(str) != ""]
    if both.empty:
        return pd.DataFrame(columns=["country", "election"])
    return both.pivot_table(
        index=["country", "election"], columns="indicator_id", values="value", aggfunc="first"
    ).reset_index()
