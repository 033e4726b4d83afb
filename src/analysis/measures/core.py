"""Measures: pure functions on the dataset's frames.

Every function takes frames first and returns a new frame; inputs are never
mutated.

>>> from analysis import load_dataset
>>> from analysis.measures import mandate_status
>>> ds = load_dataset()
>>> sorted(mandate_status(ds.mandates, ds.actions, ds.action_mandates)["status"].unique())  # doctest: +SKIP
['action_reported', 'no_action_reported', 'planned_only']
"""

from __future__ import annotations

import ast
import datetime as dt
import operator

import pandas as pd

from analysis.common.dates import as_date

MANDATE_STATUSES = ("action_reported", "planned_only", "no_action_reported")
MILESTONE_STATUSES = ("met", "due", "overdue", "not_yet_due", "undetermined")


def mandate_status(mandates: pd.DataFrame, actions: pd.DataFrame, action_mandates: pd.DataFrame) -> pd.DataFrame:
    """Each mandate with the actions that serve it and its status.

    ``action_reported``: at least one linked action was carried out;
    ``planned_only``: linked actions are all planned;
    ``no_action_reported``: no action is linked to it.
    """
    links = action_mandates[["action_id", "mandate_id"]].merge(
        actions[["action_id", "kind"]], on="action_id", how="inner"
    )
    counts = (
        links.assign(carried=links["kind"].eq("carried_out"), planned=links["kind"].eq("planned"))
        .groupby("mandate_id")[["carried", "planned"]]
        .sum()
        .rename(columns={"carried": "n_carried_out", "planned": "n_planned"})
    )
    ids = links.groupby("mandate_id")["action_id"].agg(lambda s: ";".join(sorted(set(s))))
    out = mandates[["mandate_id", "implementer_id", "seq", "text", "cross_cutting"]].merge(
        counts, left_on="mandate_id", right_index=True, how="left"
    )
    out["n_carried_out"] = out["n_carried_out"].fillna(0).astype(int)
    out["n_planned"] = out["n_planned"].fillna(0).astype(int)
    out["action_ids"] = out["mandate_id"].map(ids).fillna("")
    out["status"] = "no_action_reported"
    out.loc[out["n_planned"] > 0, "status"] = "planned_only"
    out.loc[out["n_carried_out"] > 0, "status"] = "action_reported"
    return out.reset_index(drop=True)


def milestone_state(start, end, recurring: bool, achieved: str, achieved_on, as_of: dt.date) -> str:
    """Status of one milestone as of ``as_of``.

    ``met``: reported achieved (on or before ``as_of`` when a date is given);
    ``overdue``: its period ended before ``as_of`` and it is not reported met;
    ``due``: ``as_of`` falls inside its period;
    ``not_yet_due``: its period starts after ``as_of``;
    ``undetermined``: the document gives no usable period (unknown, or a
    recurring period whose occurrences it does not bound).
    """
    start, end, done_on = as_date(start), as_date(end), as_date(achieved_on)
    if str(achieved) == "yes" and (done_on is None or done_on <= as_of):
        return "met"
    if recurring and end is None:
        if start is not None and as_of < start:
            return "not_yet_due"
        return "undetermined"
    if start is None and end is None:
        return "undetermined"
    if end is not None and as_of > end:
        return "overdue"
    if start is not None and as_of < start:
        return "not_yet_due"
    return "due"


def milestone_status(milestones: pd.DataFrame, as_of: dt.date | str) -> pd.DataFrame:
    """A copy of ``milestones`` with a ``status`` column as of a date."""
    as_of = as_date(as_of) if not isinstance(as_of, dt.date) else as_of
    out = milestones.copy()
    out["status"] = [
        milestone_state(
            r.start, r.end, bool(r.recurring) if pd.notna(r.recurring) else False, r.achieved, r.achieved_on, as_of
        )
        for r in milestones.itertuples(index=False)
    ]
    return out


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).astype("float64")


def implementer_counts(ds, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """Counts and shares per implementer that has any program data.

    Columns: mandates, mandates with an action reported / planned only / none,
    actions carried out and planned, milestones (and, with ``as_of``, how many
    are met, due, overdue, not yet due, undetermined), observations.
    """
    ms = mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    rows = pd.DataFrame({"implementer_id": ds.implementers["implementer_id"]})

    def count(frame, col="implementer_id", name="n"):
        return frame.groupby(col).size().rename(name)

    parts = [
        count(ms, name="mandates"),
        *[count(ms[ms["status"] == s], name=f"mandates_{s}") for s in MANDATE_STATUSES],
        count(ds.actions[ds.actions["kind"] == "carried_out"], name="actions_carried_out"),
        count(ds.actions[ds.actions["kind"] == "planned"], name="actions_planned"),
        count(ds.milestones, name="milestones"),
        count(ds.observations, name="observations"),
    ]
    if as_of is not None:
        st = milestone_status(ds.milestones, as_of)
        parts += [count(st[st["status"] == s], name=f"milestones_{s}") for s in MILESTONE_STATUSES]
    out = rows.join(pd.concat(parts, axis=1), on="implementer_id").fillna(0)
    num = [c for c in out.columns if c != "implementer_id"]
    out[num] = out[num].astype(int)
    out["share_mandates_with_action"] = _share(out["mandates_action_reported"], out["mandates"])
    out = out.merge(ds.implementers[["implementer_id", "kind", "name_en"]], on="implementer_id", how="left")
    out["has_data"] = (
        out[["mandates", "actions_carried_out", "actions_planned", "milestones", "observations"]].sum(axis=1) > 0
    )
    return out


def program_totals(counts: pd.DataFrame) -> pd.Series:
    """Program-wide sums of :func:`implementer_counts`, with shares recomputed."""
    num = counts.select_dtypes("number").drop(columns=["share_mandates_with_action"], errors="ignore")
    total = num.sum()
    total["share_mandates_with_action"] = (
        total["mandates_action_reported"] / total["mandates"] if total["mandates"] else float("nan")
    )
    total["implementers_with_data"] = int(counts["has_data"].sum())
    total["implementers_without_reports"] = int(
        ((counts["actions_carried_out"] + counts["actions_planned"]) == 0).sum()
    )
    return total


# ---------------------------------------------------------------- derived indicators

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
