"""Every path the project uses, defined once.

Everything else takes paths as arguments with these as defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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


@dataclass(frozen=True)
class DataLayout:
    """Where one data folder's parts live, worked out once.

    ``tables`` is the folder of master CSVs (or an ``.xlsx`` workbook). The
    other parts sit beside it, in its parent folder: for the shipped data,
    ``data/program`` gives ``data/meetings.csv``, ``data/changelog.csv``,
    ``data/snapshots/`` and ``data/submissions/``. A copy elsewhere keeps its
    own change log, snapshots and submissions next to it; its meetings file
    is its own when it has one, else the project's.

    >>> lay = DataLayout.of()
    >>> lay.changelog.relative_to(PROJ_ROOT).as_posix()
    'data/changelog.csv'
    >>> DataLayout.of("/tmp/copy/program").snapshots.as_posix()
    '/tmp/copy/snapshots'
    """

    tables: Path
    root: Path
    meetings: Path

    @classmethod
    def of(cls, data_path: Path | str | None = None, meetings_file: Path | str | None = None) -> DataLayout:
        tables = Path(data_path) if data_path not in (None, "") else PROGRAM_DIR
        if tables.resolve() == PROGRAM_DIR.resolve():
            root = DATA_DIR
        else:
            root = tables.parent
        if meetings_file not in (None, ""):
            meetings = Path(meetings_file)
        elif (root / "meetings.csv").exists():
            meetings = root / "meetings.csv"
        else:
            meetings = MEETINGS_FILE
        return cls(tables, root, meetings)

    @property
    def is_master(self) -> bool:
        """True for the program's own tables (``data/program``), not a copy or a workbook."""
        return self.tables.resolve() == PROGRAM_DIR.resolve()

    @property
    def changelog(self) -> Path:
        return self.root / "changelog.csv"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def submissions(self) -> Path:
        return self.root / "submissions"

    @property
    def journal(self) -> Path:
        """Where a multi-file commit of the master is staged (see ``analysis.store``)."""
        return self.root / ".journal"

    @property
    def cache(self) -> Path:
        """Derived files that can always be rebuilt from the data (typed snapshots); git-ignored."""
        return self.root / ".cache"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"
