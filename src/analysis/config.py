"""Every path the project uses, defined once.

Everything else takes paths as arguments with these as defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJ_ROOT / "data"
PROGRAM_DIR = DATA_DIR / "program"
MEETINGS_FILE = DATA_DIR / "meetings.csv"
SUBMISSIONS_DIR = DATA_DIR / "submissions"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
BENCHMARKS_DIR = PROJ_ROOT / "benchmarks"


def work_plan_path() -> Path:
    """The Work Plan text: ``$WORK_PLAN_PATH``, else ``../shared/source/work-plan.txt``."""
    env = os.environ.get("WORK_PLAN_PATH")
    if env:
        return Path(env)
    return PROJ_ROOT.parent / "shared" / "source" / "work-plan.txt"
