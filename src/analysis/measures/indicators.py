"""Derived indicators: arithmetic formulas over observed figures, never typed-in numbers.

Formulas are parsed with :mod:`ast` and allow only indicator ids, numbers,
``+ - * /`` and parentheses. A value that needs a missing input, or divides by
zero, is NaN ("cannot be computed"), never 0.
"""

from __future__ import annotations

import ast
import operator

import pandas as pd

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def formula_inputs(formula: str) -> list[str]:
    """Indicator ids a formula uses (raises ValueError on anything else)."""
    tree = ast.parse(formula, mode="eval")
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append((node.col_offset, node.id))
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.Constant, ast.Load, *_OPS)):
            raise ValueError(
                f"'{formula}' uses {type(node).__name__}; formulas allow ids, numbers, + - * / and parentheses"
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(f"'{formula}' contains a non-numeric constant")
    return list(dict.fromkeys(name for _, name in sorted(names)))


def evaluate_formula(formula: str, values: dict[str, float]) -> float:
    """Evaluate an arithmetic formula over indicator values; NaN if an input is missing or a division is by zero."""
    formula_inputs(formula)

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return float(values.get(node.id, float("nan")))
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand)
        left, right = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            return float("nan")
        return _OPS[type(node.op)](left, right)

    return ev(ast.parse(formula, mode="eval"))


def derived_indicators(indicators: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Compute every derived indicator for each (country, election) that has all its inputs.

    Returns one row per computed value with ``indicator_id``, ``country``,
    ``election``, ``value``, ``formula`` and the ``inputs`` used
    (``observation_id`` list), never typed-in numbers.
    """
    rows = []
    derived = indicators[indicators["kind"] == "derived"]
    obs = observations[observations["comparator"].isin(["=", ""])] if "comparator" in observations else observations
    for d in derived.itertuples(index=False):
        needed = formula_inputs(d.formula)
        sub = obs[obs["indicator_id"].isin(needed)]
        for (country, election), group in sub.groupby(["country", "election"], dropna=False, sort=True):
            if set(group["indicator_id"]) != set(needed):
                continue
            values = dict(zip(group["indicator_id"], group["value"].astype(float)))
            rows.append(
                {
                    "indicator_id": d.indicator_id,
                    "country": country,
                    "election": election,
                    "value": evaluate_formula(d.formula, values),
                    "formula": d.formula,
                    "unit": d.unit,
                    "inputs": ";".join(group["observation_id"]),
                }
            )
    cols = ["indicator_id", "country", "election", "value", "formula", "unit", "inputs"]
    return pd.DataFrame(rows, columns=cols)


def indicator_table(indicators: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Observed and derived values side by side: one row per country and election."""
    obs = observations[["indicator_id", "country", "election", "value"]]
    der = derived_indicators(indicators, observations)[["indicator_id", "country", "election", "value"]]
    both = pd.concat([obs, der], ignore_index=True)
    both = both[both["country"].astype(str) != ""]
    if both.empty:
        return pd.DataFrame(columns=["country", "election"])
    return both.pivot_table(
        index=["country", "election"], columns="indicator_id", values="value", aggfunc="first"
    ).reset_index()
