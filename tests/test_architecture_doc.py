"""docs/architecture.md stays true to the code: every sub-package is there, every file it names exists."""

from __future__ import annotations

import re

from analysis import config

DOC = config.PROJ_ROOT / "docs" / "architecture.md"
PACKAGE = config.PROJ_ROOT / "src" / "analysis"


def subpackages() -> list[str]:
    return sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


def test_every_subpackage_has_a_row():
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in subpackages() if f"| `{name}/` |" not in text]
    assert not missing, missing


def test_every_module_named_in_a_row_exists():
    rows = re.findall(r"^\| `(\w+)/` \|(.*)$", DOC.read_text(encoding="utf-8"), flags=re.M)
    # a sub-package's row names its modules (``plan.py``) and sub-folders' modules (``charts/bars.py``)
    assert rows
    absent = [
        f"{package}/{name}"
        for package, row in rows
        for name in re.findall(r"`([\w/]+\.py)`", row)
        if not (PACKAGE / package / name).exists()
    ]
    assert not absent, absent


def test_every_path_named_exists():
    paths = set(re.findall(r"src/analysis/[\w/]+(?:\.py)?", DOC.read_text(encoding="utf-8")))
    assert paths
    assert [p for p in sorted(paths) if not (config.PROJ_ROOT / p).exists()] == []
