"""Data commands: validate, summary, schema-doc. Each is a few lines over a library function."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from analysis.commands.options import complete_meeting, examples
from analysis.commands.output import detail, result, say, verbosity_options, warn

PATH_ARGUMENT = click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))


@click.command(
    "validate",
    epilog=examples(
        "python -m analysis validate",
        "python -m analysis validate broken/ --no-sources",
        "python -m analysis validate export.xlsx",
    ),
)
@PATH_ARGUMENT
@click.option("--no-sources", is_flag=True, help="Skip checking excerpts against the Work Plan text.")
@verbosity_options
def validate(path: Path | None, no_sources: bool) -> int:
    """Check the dataset and print every problem found (exit 1 if any).

    PATH is a folder of CSV tables or an .xlsx workbook with one sheet per
    table (default: data/program/).
    """
    from analysis import config
    from analysis.dataset.provenance import check_excerpts, source_missing
    from analysis.dataset.raw import read_raw
    from analysis.dataset.translations import missing_translations
    from analysis.dataset.validation import validate_raw
    from analysis.errors import DataError

    path = path or config.PROGRAM_DIR
    raw = read_raw(path, compact=True)  # repeated source texts held once (they are only read)
    detail(f"read {len(raw)} tables from {path}")
    problems = validate_raw(raw, path)
    warnings = missing_translations(raw)
    work_plan = config.work_plan_path()
    missing = None if no_sources else source_missing(work_plan)
    if no_sources:
        detail("excerpts not checked (--no-sources)")
    elif missing is None:
        problems += check_excerpts(raw, work_plan)
        detail(f"excerpts checked against {work_plan}")
    else:
        warnings.append(missing)
    for warning in warnings:
        warn(str(warning))
    if problems:
        raise DataError(problems)
    say(f"{path}: all {sum(len(t.frame) for t in raw.values())} rows in {len(raw)} tables are valid.")
    return 0


@click.command(
    "summary",
    epilog=examples(
        "python -m analysis summary",
        "python -m analysis summary --meeting 2007",
        "python -m analysis summary --as-of 2007-06-30 path/to/program/",
    ),
)
@PATH_ARGUMENT
@click.option(
    "--meeting",
    shell_complete=complete_meeting,
    default=None,
    metavar="ID",
    help="Meeting id or 'next'; milestones are judged as of its as-of date (default: the latest meeting).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Judge milestones as of this date instead.",
)
@verbosity_options
def summary(path: Path | None, meeting: str | None, as_of: dt.datetime | None) -> int:
    """Print the program in figures: mandates, actions, milestones and indicators by implementer.

    PATH is a folder of CSV tables or an .xlsx workbook (default: data/program/).
    """
    from analysis import config
    from analysis.dataset.loading import load_dataset
    from analysis.dataset.meetings import load_meetings, resolve_meeting
    from analysis.report.summary import summary_text

    chosen = None
    if as_of is not None:
        day, label = as_of.date(), None
    else:
        chosen = resolve_meeting(load_meetings(config.DataLayout.of(path).meetings), meeting)
        day, label = chosen.as_of, chosen.title_en
    ds = load_dataset(path)
    detail(f"data {path or 'data/program'} (version {ds.version}), as of {day}")
    result(summary_text(ds, day, label, chosen))
    return 0


@click.command(
    "schema-doc",
    epilog=examples("python -m analysis schema-doc", "python -m analysis schema-doc --check   # in CI"),
)
@click.option("--check", is_flag=True, help="Exit 1 if data/README.md is out of date, without writing.")
@verbosity_options
def schema_doc(check: bool) -> int:
    """Write the column reference of every table into data/README.md (between its markers)."""
    from analysis import config
    from analysis.dataset.schema import markdown_reference
    from analysis.errors import AnalysisError
    from analysis.store.atomic import atomic_write_text

    readme = config.DATA_DIR / "README.md"
    text = readme.read_text(encoding="utf-8")
    begin, end = "<!-- schema:begin -->", "<!-- schema:end -->"
    if begin not in text or end not in text:
        raise AnalysisError(f"{readme}: the markers {begin} and {end} are missing")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    new = f"{head}{begin}\n{markdown_reference()}{end}{tail}"
    if check:
        result("up to date" if new == text else "out of date")
        return 0 if new == text else 1
    atomic_write_text(readme, new)
    say(f"wrote {readme}")
    return 0
