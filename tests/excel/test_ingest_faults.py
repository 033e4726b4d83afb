"""Crash tests of ingest, in the manner of SQLite's: stop the writer at every write step.

The ingest runs in a forked child process. Every step that changes the disk
goes through :mod:`analysis.store.atomic` (write a temporary file, rename,
append, truncate, remove); the child counts those calls and, at step ``k``:

* ``kill``: writes half of what it was about to write (a torn write), then
  kills itself with a real ``SIGKILL``;
* ``enospc`` / ``erofs``: the step fails with ``OSError(ENOSPC)`` / ``OSError(EROFS)``.

After each: the next command's recovery leaves the master all old or all new,
the change log matching it; and a plain re-run ends as one clean ingest (the
same tables and the same log lines as an ingest that was never interrupted).
The last test proves the suite has teeth: with the journal replaced by the
old one-file-at-a-time write, it finds broken states.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
from pathlib import Path

import pytest
from conftest import copy_excel_fixture, fill_form

from analysis import config
from analysis.dataset.loading import load_dataset
from analysis.errors import AnalysisError
from analysis.excel.form import write_template
from analysis.excel.ingest import ingest
from analysis.store import atomic, journal
from analysis.store.changelog import read_changelog

# a changed row, a new row with its mandate link, a milestone met: every table the ingest writes
EDITS = {
    "Acciones": {
        "E4": "en ejecución",
        "B6": "realizada",
        "C6": "Seminario sobre derechos de los trabajadores migratorios",
        "D6": "abril de 2007",
        "E6": "finalizada",
        "F6": "IACHR-M3: (label as chosen)",
    },
    "Hitos": {"D2": "sí"},
}

STEPS = ("write_temp", "replace", "append", "truncate", "remove")
LOG_FIELDS = ["submission_sha256", "meeting", "table", "key", "column", "old", "new"]


def state(root: Path) -> tuple[dict[str, bytes], list[tuple]]:
    """(master tables' bytes, change-log lines without their time) of a data folder."""
    tables = {p.name: p.read_bytes() for p in sorted((root / "program").glob("*.csv"))}
    log = read_changelog(root / "changelog.csv")
    return tables, [tuple(r) for r in log[LOG_FIELDS].itertuples(index=False)]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A base data folder with its secret, the filled form, and the states before and after a clean ingest."""
    base = tmp_path_factory.mktemp("faults")
    program = copy_excel_fixture(base)
    form = write_template(base / "form.xlsx", load_dataset(program), "IACHR", "2007", "es")
    filled = fill_form(form, base / "filled.xlsx", EDITS)
    clean = base / "clean"
    shutil.copytree(base / "data", clean)
    old = state(clean)
    ingest(filled, clean / "program")
    new = state(clean)
    assert new[0] != old[0] and len(new[1]) > 10
    return {"base": base / "data", "form": filled, "old": old, "new": new, "steps": count_steps(base, filled)}


def count_steps(base: Path, form: Path) -> int:
    work = base / "count"
    shutil.copytree(base / "data", work)
    calls = []
    saved = {name: getattr(atomic, name) for name in STEPS}
    try:
        for name in STEPS:
            setattr(atomic, name, _counting(saved[name], calls))
        ingest(form, work / "program")
    finally:
        for name, fn in saved.items():
            setattr(atomic, name, fn)
    return len(calls)


def _counting(fn, calls):
    def wrapper(*args, **kwargs):
        calls.append(fn.__name__)
        return fn(*args, **kwargs)

    return wrapper


def _faulty(fn, step: int, mode: str, calls: list):
    def wrapper(*args, **kwargs):
        calls.append(fn.__name__)
        if len(calls) != step:
            return fn(*args, **kwargs)
        if mode == "kill":
            if fn.__name__ in ("write_temp", "append"):  # a torn write: half the bytes reach the disk
                path, data = Path(args[0]), args[1]
                torn = path if fn.__name__ == "append" else path.with_name(f".{path.name}.torn.tmp")
                if torn.parent.is_dir():
                    with open(torn, "ab") as fh:
                        fh.write(data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        code = errno.ENOSPC if mode == "enospc" else errno.EROFS
        with atomic._as_write_error(args[0]):  # as the disk would fail inside the primitive
            raise OSError(code, os.strerror(code))

    return wrapper


def run_child(form: Path, data: Path, step: int, mode: str, commit=None) -> int:
    """Ingest in a forked child that fails at write step ``step``; return its wait status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 3
        try:
            calls: list = []
            for name in STEPS:
                setattr(atomic, name, _faulty(getattr(atomic, name), step, mode, calls))
            if commit is not None:
                journal.commit = commit
            ingest(form, data / "program")
            code = 0
        except AnalysisError:
            code = 1  # one plain line in the CLI
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return status


def check_case(world, tmp_path: Path, step: int, mode: str, commit=None) -> list[str]:
    """Run one fault; return what is wrong with the data afterwards (empty: all old or all new, then clean)."""
    data = tmp_path / f"{mode}-{step}"
    shutil.copytree(world["base"], data)
    status = run_child(world["form"], data, step, mode, commit)
    problems = []
    if mode == "kill" and not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        problems.append(f"step {step}: the child was not killed ({status})")
    if mode != "kill" and os.WEXITSTATUS(status) not in (0, 1):
        problems.append(f"step {step} {mode}: the child crashed with a traceback")
    journal.recover(config.DataLayout.of(data / "program"))  # what the next command does first
    if state(data) not in (world["old"], world["new"]):
        problems.append(f"step {step} {mode}: the master and the log are neither all old nor all new")
    try:
        ingest(world["form"], data / "program")  # a plain re-run
    except AnalysisError as exc:
        problems.append(f"step {step} {mode}: a re-run was refused: {str(exc)[:200]}")
    if state(data) != world["new"]:
        problems.append(f"step {step} {mode}: a re-run did not end as one clean ingest")
    if list(data.glob("program/.*.tmp")) or (data / ".journal").exists():
        problems.append(f"step {step} {mode}: temporary files were left behind")
    return problems


@pytest.mark.parametrize("mode", ["kill", "enospc", "erofs"])
def test_every_write_step_of_an_ingest_can_fail(world, tmp_path, mode):
    assert world["steps"] >= 10  # archive, stage, commit marker, apply, clean up
    problems = []
    for step in range(1, world["steps"] + 1):
        problems += check_case(world, tmp_path, step, mode)
    assert problems == []


def naive_commit(layout, tables, log_append=b"", log_path=None):
    """The write this project had before the journal: one file at a time, then the log."""
    for target, data in tables.items():
        atomic.write_file(target, data)
    atomic.append(Path(log_path) if log_path else layout.changelog, log_append)


def test_the_crash_tests_fail_without_the_journal(world, tmp_path):
    problems = []
    for step in range(1, world["steps"] + 1):
        problems += check_case(world, tmp_path, step, "kill", commit=naive_commit)
    assert any("neither all old nor all new" in p for p in problems)
