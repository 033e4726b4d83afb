"""The measures stay vectorized: no per-row Python on paths whose cost grows with the data.

A static check of src/analysis/measures/: no ``iterrows``/``itertuples``, no ``apply``/``map``/``agg``/``transform``
with a Python function, no per-row ``milestone_state`` call. Timings live in
benchmarks/bench_measures.py, never here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import analysis.measures

MEASURES = Path(analysis.measures.__file__).parent
ROW_LOOPS = {"iterrows", "itertuples", "apply", "applymap"}
FUNCTION_TAKERS = {"apply", "map", "agg", "aggregate", "transform", "pipe"}
ALLOWED: set[tuple[str, str]] = set()  # (module, call) pairs that iterate over something other than data rows


def calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            yield node, name


@pytest.mark.parametrize("path", sorted(MEASURES.glob("*.py")), ids=lambda p: p.name)
def test_no_per_row_python(path):
    found = []
    for node, name in calls(path):
        if name in ROW_LOOPS and (path.name, name) not in ALLOWED:
            found.append(f"{name} on line {node.lineno}")
        if name in FUNCTION_TAKERS and any(isinstance(a, ast.Lambda) for a in node.args):
            found.append(f"{name}(lambda) on line {node.lineno}")
        if name == "milestone_state":
            found.append(f"milestone_state on line {node.lineno}")
    assert not found, f"{path.name}: per-row Python: {found}"


def test_the_check_catches_a_row_loop(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(df):\n    return [r for _, r in df.iterrows()] + [df.x.apply(lambda v: v)]\n")
    assert {name for _, name in calls(bad)} >= {"iterrows", "apply"}
