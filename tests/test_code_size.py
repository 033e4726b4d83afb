"""Short modules and functions (issue 7): no module in src/analysis over 400 lines, no function over 60.

A function may be longer when it says why: a comment line inside it
containing "long because" (e.g. ``# long because: one linear recipe a reader follows top to bottom``).
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from analysis import config

PACKAGE = config.PROJ_ROOT / "src" / "analysis"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
REASON = "long because"


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _comment_lines(source: str) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0]: tok.string for tok in tokens if tok.type == tokenize.COMMENT}


def long_functions(path: Path, root: Path = config.PROJ_ROOT) -> list[str]:
    """``file:line name (N lines)`` for every function over the limit without a written reason."""
    source = path.read_text(encoding="utf-8")
    comments = _comment_lines(source)
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = node.end_lineno - node.lineno + 1
        if length <= MAX_FUNCTION_LINES:
            continue
        says_why = any(REASON in comments.get(n, "").lower() for n in range(node.lineno, node.end_lineno + 1))
        if not says_why:
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_checks_see_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    plain = tmp_path / "plain.py"
    plain.write_text(f"def f():\n{body}\n", encoding="utf-8")
    reasoned = tmp_path / "reasoned.py"
    reasoned.write_text(f"def f():\n    # Long because: a test of the exemption.\n{body}\n", encoding="utf-8")
    assert long_functions(plain, tmp_path) == ["plain.py:1 f (61 lines)"]
    assert long_functions(reasoned, tmp_path) == []


def test_no_module_is_over_400_lines():
    over = [
        f"{p.relative_to(config.PROJ_ROOT)} ({n} lines)"
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not over, "split these modules:\n" + "\n".join(over)


def test_no_function_is_over_60_lines_without_a_reason():
    over = [line for p in modules() for line in long_functions(p)]
    assert not over, f'shorten these, or say why in a comment containing "{REASON}":\n' + "\n".join(over)
