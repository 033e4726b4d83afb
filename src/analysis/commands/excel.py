"""CLI commands of the follow-up cycle: export, template, ingest, changes, snapshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.commands.registry import command


def _data_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        default=None,
        metavar="PATH",
        help="folder of CSV tables (or, for export, an .xlsx workbook); default: data/program/",
    )


def _lang_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang", choices=("en", "es"), default="en", help="language of labels and instructions (default: en)"
    )


def _meeting(choice, data):
    from analysis import config
    from analysis.dataset.meetings import load_meetings, resolve_meeting

    return resolve_meeting(load_meetings(config.DataLayout.of(data).meetings), choice)


def _export_args(p):
    p.add_argument("--meeting", default=None, help="meeting id, 'next', or omit for the latest meeting held")
    _lang_arg(p)
    p.add_argument("--out", required=True, metavar="FILE", help="the .xlsx to write, or a folder for --format csv")
    p.add_argument(
        "--format",
        choices=("xlsx", "csv"),
        default="xlsx",
        help="xlsx workbook (default) or a folder of spreadsheet-safe CSV files",
    )
    _data_arg(p)


@command(
    "export", "Write the dataset, a per-implementer summary and derived indicators to an Excel workbook.", _export_args
)
def cmd_export(args) -> int:
    from analysis.dataset.loading import load_dataset

    ds = load_dataset(args.data)
    meeting = _meeting(args.meeting, args.data)
    if args.format == "csv":
        from analysis.measures import derived_indicators
        from analysis.store.csv_io import export_csv

        out = Path(args.out)
        for name, frame in ds.tables.items():
            export_csv(frame, out / f"{name}.csv")
        export_csv(derived_indicators(ds.indicators, ds.observations), out / "derived_indicators.csv")
        print(f"wrote {len(ds.tables) + 1} CSV files to {out} (data version {ds.version})")
        return 0
    from analysis.excel.export import export_workbook

    out = export_workbook(args.out, ds, meeting, lang=args.lang)
    print(f"wrote {out} (meeting {meeting.meeting_id}, as of {meeting.as_of}, data version {ds.version})")
    return 0


def _template_args(p):
    p.add_argument("--implementer", required=True, help="implementer id, e.g. IACHR or ECU")
    p.add_argument("--meeting", required=True, help="meeting id the report is for, or 'next'")
    _lang_arg(p)
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="where to write the form")
    _data_arg(p)


@command("template", "Make the annual report form (.xlsx) for one implementer and meeting.", _template_args)
def cmd_template(args) -> int:
    from analysis.dataset.loading import load_dataset
    from analysis.excel.form import write_template

    ds = load_dataset(args.data)
    meeting = _meeting(args.meeting, args.data)
    out = write_template(args.out, ds, args.implementer, meeting.meeting_id, args.lang)
    print(f"wrote {out} (implementer {args.implementer}, meeting {meeting.meeting_id}, language {args.lang})")
    return 0


def _ingest_args(p):
    p.add_argument("file", metavar="FILE.xlsx", help="the filled-in report form")
    p.add_argument("--dry-run", action="store_true", help="check and print what would change; write nothing")
    p.add_argument(
        "--errors",
        default=None,
        metavar="PATH",
        help="where to write the error report (default: <form>.errors.xlsx next to the form)",
    )
    p.add_argument("--implementer", default=None, help="refuse the form unless it is for this implementer")
    p.add_argument("--meeting", default=None, help="refuse the form unless it is for this meeting")
    p.add_argument(
        "--skip-conflicts",
        action="store_true",
        help="apply the rows without conflicts instead of refusing the whole form",
    )
    _data_arg(p)


@command(
    "ingest",
    "Check a filled-in report form and apply it to the master tables (logged, archived, atomic).",
    _ingest_args,
)
def cmd_ingest(args) -> int:
    from analysis.excel.ingest import SubmissionError, ingest

    try:
        result = ingest(
            args.file,
            args.data,
            dry_run=args.dry_run,
            errors_path=args.errors,
            expect_implementer=args.implementer,
            expect_meeting=args.meeting,
            skip_conflicts=args.skip_conflicts,
        )
    except SubmissionError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found; nothing was changed.", file=sys.stderr)
        if exc.report:
            print(f"error report (offending cells marked): {exc.report}", file=sys.stderr)
        return 1
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for c in result.conflicts:
        print(f"skipped: {c}", file=sys.stderr)
    if result.already_ingested:
        print(
            f"{result.file.name} (sha256 {result.sha256[:12]}) was already ingested at {result.already_ingested}; nothing changed."
        )
        return 0
    verb = "would change" if result.dry_run else "changed"
    for c in result.changes:
        print(f"{verb}: {c.table} {c.key} {c.column}: {c.old!r} -> {c.new!r}")
    print(
        f"{result.file.name}: {len(result.changes)} change(s) {'would be applied (dry run)' if result.dry_run else 'applied'}"
        f" for {result.implementer}, meeting {result.meeting}."
    )
    if result.archived:
        print(f"archived: {result.archived}")
    if result.backup:
        print(f"previous tables kept in: {result.backup}")
    return 0


def _changes_args(p):
    p.add_argument(
        "--meeting", required=True, help="meeting id (compared with the latest earlier meeting that has a snapshot)"
    )
    p.add_argument("--implementer", default=None, help="only this implementer")
    _data_arg(p)


@command("changes", "Print what changed since the previous meeting's snapshot.", _changes_args)
def cmd_changes(args) -> int:
    from analysis.report.summary import changes_text
    from analysis.store.snapshots import changes_for_meeting

    print(changes_text(changes_for_meeting(args.meeting, args.data, args.implementer)))
    return 0


def _snapshot_args(p):
    p.add_argument("--meeting", required=True, help="meeting id to record the current data for")
    _data_arg(p)


@command(
    "snapshot",
    "Keep a copy of the master tables as the data for a meeting (data/snapshots/<meeting>/).",
    _snapshot_args,
)
def cmd_snapshot(args) -> int:
    from analysis.store.snapshots import save_snapshot

    meeting = _meeting(args.meeting, args.data)
    dest = save_snapshot(meeting.meeting_id, args.data)
    print(f"snapshot of {args.data or 'data/program'} saved in {dest}")
    return 0
