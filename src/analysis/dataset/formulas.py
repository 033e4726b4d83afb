"""Derived-indicator formulas: arithmetic over indicator ids, parsed once.

A formula is an expression such as ``absentee_voted / absentee_registered``
or ``1 - absentee_voted / absentee_registered``: indicator ids, numbers,
``+ - * /``, unary minus and parentheses. Anything else is refused, so that a
formula that passes validation never fails later in the measures, the Excel
export or the reports.

>>> formula_inputs("1 - absentee_voted / absentee_registered")
['absentee_voted', 'absentee_registered']
>>> formula_inputs("__import__('os')")
Traceback (most recent call last):
...
ValueError: '__import__('os')' uses Call; formulas allow ids, numbers, + - * / and parentheses
"""

from __future__ import annotations

import ast

_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.Constant, ast.Load, ast.Name)
_ALLOWED_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def formula_inputs(formula: str) -> list[str]:
    """Indicator ids a formula uses, in order of appearance; ValueError for anything else."""
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"'{formula}' is not an arithmetic expression ({exc.msg})") from None
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append((node.col_offset, node.id))
        elif not isinstance(node, (*_ALLOWED, *_ALLOWED_OPS)):
            raise ValueError(
                f"'{formula}' uses {type(node).__name__}; formulas allow ids, numbers, + - * / and parentheses"
            )
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, (int, float))
        ):
            raise ValueError(f"'{formula}' contains a non-numeric constant")
    if not names:
        raise ValueError(f"'{formula}' uses no indicator")
    return list(dict.fromkeys(name for _, name in sorted(names)))
