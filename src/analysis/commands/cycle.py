"""Follow-up cycle commands: export, template, ingest, snapshot, changes."""

from __future__ import annotations

from pathlib import Path

import click

from analysis.commands.options import complete_implementer, complete_meeting, data_option, examples, lang_option
from analysis.commands.output import detail, error, result, say, verbosity_options, warn


def _meeting(choice: str | None, data: Path | None):
    from analysis import config
    from analysis.dataset.meetings import load_meetings, resolve_meeting

    meetings = config.DataLayout.of(data).meetings
    detail(f"meetings from {meetings}")
    return resolve_meeting(load_meetings(meetings), choice)


@click.command(
    "export",
    epilog=examples(
        "python -m analysis export --meeting 2007 --lang es --out reports/program-2007.xlsx",
        "python -m analysis export --format csv --out reports/csv/",
    ),
)
@click.option(
    "--meeting",
    shell_complete=complete_meeting,
    default=None,
    metavar="ID",
    help="Meeting id, 'next', or omit for the latest meeting held.",
)
@lang_option()
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="The .xlsx to write, or a folder for --format csv.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("xlsx", "csv")),
    default="xlsx",
    show_default=True,
    help="An xlsx workbook or a folder of spreadsheet-safe CSV files.",
)
@data_option()
@verbosity_options
def export(meeting: str | None, lang: str, out: Path, fmt: str, data: Path | None) -> int:
    """Write the dataset, a per-implementer summary and derived indicators to an Excel workbook."""
    from analysis.dataset.loading import load_dataset

    chosen = _meeting(meeting, data)
    if fmt == "csv":
        from analysis import config
        from analysis.store.outputs import check_output

        check_output(out, None, inputs=[data] if data else [], layout=config.DataLayout.of(data))
    ds = load_dataset(data)
    if fmt == "csv":
        from analysis.measures import derived_indicators
        from analysis.store.csv_io import export_csv

        for name, frame in ds.tables.items():
            export_csv(frame, out / f"{name}.csv")
        export_csv(derived_indicators(ds.indicators, ds.observations), out / "derived_indicators.csv")
        say(f"wrote {len(ds.tables) + 1} CSV files to {out} (data version {ds.version})")
        return 0
    from analysis.excel.export import export_workbook

    written = export_workbook(out, ds, chosen, lang=lang)
    say(f"wrote {written} (meeting {chosen.meeting_id}, as of {chosen.as_of}, data version {ds.version})")
    return 0


@click.command(
    "template",
    epilog=examples("python -m analysis template --implementer IACHR --meeting 2007 --lang es --out IACHR-2007.xlsx"),
)
@click.option(
    "--implementer",
    shell_complete=complete_implementer,
    required=True,
    metavar="ID",
    help="Implementer id, e.g. IACHR or ECU.",
)
@click.option(
    "--meeting",
    shell_complete=complete_meeting,
    required=True,
    metavar="ID",
    help="Meeting id the report is for, or 'next'.",
)
@lang_option()
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), metavar="FILE.xlsx", help="Where to write the form."
)
@data_option("Folder of CSV tables (default: data/program/).")
@verbosity_options
def template(implementer: str, meeting: str, lang: str, out: Path, data: Path | None) -> int:
    """Make the annual report form (.xlsx) for one implementer and meeting."""
    from analysis.dataset.loading import load_dataset
    from analysis.excel.form import write_template

    chosen = _meeting(meeting, data)
    ds = load_dataset(data)
    written = write_template(out, ds, implementer, chosen.meeting_id, lang)
    say(f"wrote {written} (implementer {implementer}, meeting {chosen.meeting_id}, language {lang})")
    return 0


@click.command(
    "ingest",
    epilog=examples(
        "python -m analysis ingest received/IACHR-2007.xlsx --dry-run   # check, print what would change",
        "python -m analysis ingest received/IACHR-2007.xlsx             # apply",
    ),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.xlsx")
@click.option("--dry-run", is_flag=True, help="Check and print what would change; write nothing.")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PATH",
    help="Where to write the error report (default: <form>.errors.xlsx next to the form).",
)
@click.option(
    "--implementer",
    shell_complete=complete_implementer,
    default=None,
    metavar="ID",
    help="Refuse the form unless it is for this implementer.",
)
@click.option(
    "--meeting",
    shell_complete=complete_meeting,
    default=None,
    metavar="ID",
    help="Refuse the form unless it is for this meeting.",
)
@click.option(
    "--skip-conflicts", is_flag=True, help="Apply the rows without conflicts instead of refusing the whole form."
)
@data_option("Folder of CSV tables (default: data/program/).")
@verbosity_options
def ingest(file, dry_run, errors_path, implementer, meeting, skip_conflicts, data) -> int:
    """Check a filled-in report form and apply it to the master tables (logged, archived, atomic).

    FILE.xlsx is the form as the implementer sent it back.
    """
    from analysis.excel.ingest import SubmissionError
    from analysis.excel.ingest import ingest as check_and_apply

    try:
        outcome = check_and_apply(
            file,
            data,
            dry_run=dry_run,
            errors_path=errors_path,
            expect_implementer=implementer,
            expect_meeting=meeting,
            skip_conflicts=skip_conflicts,
        )
    except SubmissionError as exc:
        for problem in exc.problems:
            error(str(problem))
        n = len(exc.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was changed.", err=True)
        if exc.report:
            click.echo(f"error report (offending cells marked): {exc.report}", err=True)
        return 1
    _print_ingest(outcome)
    return 0


def _print_ingest(outcome) -> None:
    for w in outcome.warnings:
        warn(str(w))
    for c in outcome.conflicts:
        click.echo(f"skipped: {c}", err=True)
    if outcome.already_ingested:
        result(
            f"{outcome.file.name} (sha256 {outcome.sha256[:12]}) was already ingested at "
            f"{outcome.already_ingested}; nothing changed."
        )
        return
    verb = "would change" if outcome.dry_run else "changed"
    for c in outcome.changes:
        result(f"{verb}: {c.table} {c.key} {c.column}: {c.old!r} -> {c.new!r}")
    done = "would be applied (dry run)" if outcome.dry_run else "applied"
    result(
        f"{outcome.file.name}: {len(outcome.changes)} change(s) {done} for {outcome.implementer}, "
        f"meeting {outcome.meeting}."
    )
    if outcome.archived:
        say(f"archived: {outcome.archived}")
    if outcome.backup:
        say(f"previous tables kept in: {outcome.backup}")


@click.command(
    "changes",
    epilog=examples(
        "python -m analysis changes --meeting 2007",
        "python -m analysis changes --meeting 2007 --implementer IACHR",
    ),
)
@click.option(
    "--meeting",
    shell_complete=complete_meeting,
    required=True,
    metavar="ID",
    help="Meeting id (compared with the latest earlier meeting that has a snapshot).",
)
@click.option(
    "--implementer", shell_complete=complete_implementer, default=None, metavar="ID", help="Only this implementer."
)
@data_option("Folder of CSV tables (default: data/program/).")
@verbosity_options
def changes(meeting: str, implementer: str | None, data: Path | None) -> int:
    """Print what changed since the previous meeting's snapshot."""
    from analysis.report.summary import changes_text
    from analysis.store.snapshots import changes_for_meeting

    result(changes_text(changes_for_meeting(meeting, data, implementer)))
    return 0


@click.command("snapshot", epilog=examples("python -m analysis snapshot --meeting 2007"))
@click.option(
    "--meeting",
    shell_complete=complete_meeting,
    required=True,
    metavar="ID",
    help="Meeting id to record the current data for.",
)
@data_option("Folder of CSV tables (default: data/program/).")
@verbosity_options
def snapshot(meeting: str, data: Path | None) -> int:
    """Keep a copy of the master tables as the data for a meeting (data/snapshots/<meeting>/)."""
    from analysis.store.snapshots import save_snapshot

    chosen = _meeting(meeting, data)
    dest = save_snapshot(chosen.meeting_id, data)
    say(f"snapshot of {data or 'data/program'} saved in {dest}")
    return 0
