"""The CLI commands. Each is a few lines over a library function."""

from __future__ import annotations

import argparse

from analysis.commands.registry import command


def _path_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "path", nargs="?", default=None, help="folder of CSV tables or an .xlsx workbook (default: data/program/)"
    )


def _validate_args(p: argparse.ArgumentParser) -> None:
    _path_arg(p)
    p.add_argument("--no-sources", action="store_true", help="skip checking excerpts against the Work Plan text")


@command("validate", "Check the dataset and print every problem found (exit 1 if any).", _validate_args)
def cmd_validate(args) -> int:
    import sys

    from analysis import config
    from analysis.dataset.provenance import check_excerpts, source_missing
    from analysis.dataset.raw import read_raw
    from analysis.dataset.translations import missing_translations
    from analysis.dataset.validation import validate_raw
    from analysis.errors import DataError

    path = args.path or config.PROGRAM_DIR
    raw = read_raw(path)
    problems = validate_raw(raw, path)
    warnings = missing_translations(raw)
    if not args.no_sources:
        missing = source_missing(config.work_plan_path())
        problems += check_excerpts(raw, config.work_plan_path()) if missing is None else []
        warnings += [missing] if missing else []
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if problems:
        raise DataError(problems)
    print(f"{path}: all {sum(len(t.frame) for t in raw.values())} rows in {len(raw)} tables are valid.")
    return 0


def _summary_args(p: argparse.ArgumentParser) -> None:
    _path_arg(p)
    p.add_argument(
        "--meeting",
        default=None,
        help="meeting id or 'next'; milestones are judged as of its as-of date (default: the latest meeting)",
    )
    p.add_argument("--as-of", default=None, help="judge milestones as of this date (YYYY-MM-DD) instead")


@command(
    "summary",
    "Print the program in figures: mandates, actions, milestones and indicators by implementer.",
    _summary_args,
)
def cmd_summary(args) -> int:
    import datetime as dt

    from analysis.dataset.loading import load_dataset
    from analysis.dataset.meetings import load_meetings, resolve_meeting
    from analysis.errors import UsageError
    from analysis.report.summary import summary_text

    if args.as_of:
        try:
            as_of, label = dt.date.fromisoformat(args.as_of), None
        except ValueError:
            raise UsageError(f"--as-of {args.as_of!r} is not a date in the form YYYY-MM-DD") from None
    else:
        meeting = resolve_meeting(load_meetings(), args.meeting)
        as_of, label = meeting.as_of, meeting.title_en
    print(summary_text(load_dataset(args.path), as_of, label))
    return 0


def _schema_doc_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true", help="exit 1 if data/README.md is out of date, without writing")


@command(
    "schema-doc",
    "Write the column reference of every table into data/README.md (between its markers).",
    _schema_doc_args,
)
def cmd_schema_doc(args) -> int:
    from analysis import config
    from analysis.dataset.schema import markdown_reference
    from analysis.errors import UsageError
    from analysis.store.atomic import atomic_write_text

    readme = config.DATA_DIR / "README.md"
    text = readme.read_text(encoding="utf-8")
    begin, end = "<!-- schema:begin -->", "<!-- schema:end -->"
    if begin not in text or end not in text:
        raise UsageError(f"{readme}: the markers {begin} and {end} are missing")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    new = f"{head}{begin}\n{markdown_reference()}{end}{tail}"
    if args.check:
        print("up to date" if new == text else "out of date")
        return 0 if new == text else 1
    atomic_write_text(readme, new)
    print(f"wrote {readme}")
    return 0
