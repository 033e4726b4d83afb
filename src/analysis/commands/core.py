"""The CLI commands. Each is a few lines over a library function."""

from __future__ import annotations

import argparse
import sys

from analysis.cli import command


def _path_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", default=None,
                   help="folder of CSV tables or an .xlsx workbook (default: data/program/)")


def _validate_args(p: argparse.ArgumentParser) -> None:
    _path_arg(p)
    p.add_argument("--no-sources", action="store_true",
                   help="skip checking excerpts against the Work Plan text")


@command("validate", "Check the dataset and print every problem found (exit 1 if any).", _validate_args)
def cmd_validate(args) -> int:
    from analysis import config
    from analysis.errors import DataError
    from analysis.loading import read_raw
    from analysis.provenance import check_excerpts
    from analysis.validation import validate_raw

    path = args.path or config.PROGRAM_DIR
    raw = read_raw(path)
    problems = validate_raw(raw, path)
    if not args.no_sources and config.work_plan_path().exists():
        problems += check_excerpts(raw, config.work_plan_path())
    if problems:
        raise DataError(problems)
    print(f"{path}: all {sum(len(t.frame) for t in raw.values())} rows in {len(raw)} tables are valid.")
    return 0


@command("summary", "Print the program in figures: mandates, actions, milestones and indicators by implementer.", _path_arg)
def cmd_summary(args) -> int:
    from analysis.loading import load_dataset
    from analysis.summary import summary_text

    print(summary_text(load_dataset(args.path)))
    return 0
