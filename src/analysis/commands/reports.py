"""CLI commands for reports (see analysis.cli.command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.commands.registry import command
from analysis.errors import UsageError


def _list(values: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(v.strip().lower() for v in values.split(",") if v.strip()))
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        raise UsageError(f"unknown {what} {(bad or [values])[0]!r}: use {', '.join(allowed)} (comma-separated)")
    return items


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--meeting",
        default=None,
        help="meeting id from data/meetings.csv, or 'next' (default: the latest meeting on or before today)",
    )
    p.add_argument(
        "--implementer",
        action="append",
        metavar="ID",
        default=None,
        help="only this implementer's report (repeat for more); program-wide reports still run",
    )
    p.add_argument("--lang", default="en,es", help="languages, comma-separated (default: en,es)")
    p.add_argument(
        "--format",
        default=None,
        help="html, pdf or html,pdf (default: html,pdf; PDF is skipped with a note when Chromium is missing)",
    )
    p.add_argument("--jobs", type=int, default=0, help="reports executed at once (default: number of CPUs)")
    p.add_argument(
        "--out", type=Path, default=None, help="output folder (default: reports/); files go to OUT/<meeting>/"
    )
    p.add_argument("--force", action="store_true", help="re-render every report even when nothing changed")
    p.add_argument(
        "--data", type=Path, default=None, help="folder of CSV tables or an .xlsx workbook (default: data/program/)"
    )
    p.add_argument("--notebooks", type=Path, default=None, help="folder of the report notebooks (default: notebooks/)")
    p.add_argument("--meetings-file", type=Path, default=None, help="meetings CSV (default: data/meetings.csv)")


@command(
    "run", "Run every report of a meeting (HTML and PDF) into reports/<meeting>/, skipping unchanged ones.", _run_args
)
def cmd_run(args) -> int:
    from analysis import config
    from analysis.dataset.meetings import load_meetings, resolve_meeting
    from analysis.run.pdf import ENV_VAR, find_chromium
    from analysis.run.runner import FORMATS, LANGS, RunOptions, run_meeting

    langs = _list(args.lang, LANGS, "language")
    formats = _list(args.format, FORMATS, "format") if args.format else FORMATS
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    meeting = resolve_meeting(load_meetings(args.meetings_file), args.meeting)
    chromium = find_chromium() if "pdf" in formats else None
    if "pdf" in formats and not chromium:
        if args.format:
            raise UsageError(
                f"--format pdf needs Chromium, which was not found: run 'make system-deps' "
                f"(or 'apt-get install chromium') or set {ENV_VAR} to the browser's path"
            )
        print(
            f"note: PDF skipped: Chromium was not found. Run 'make system-deps' or set {ENV_VAR} "
            f"to the browser's path to get PDFs too.",
            file=sys.stderr,
        )
        formats = ("html",)
    opts = RunOptions(
        meeting=meeting,
        langs=langs,
        formats=formats,
        jobs=args.jobs,
        out_dir=args.out or config.REPORTS_DIR,
        notebooks_dir=args.notebooks or config.NOTEBOOKS_DIR,
        data_path=args.data,
        implementers=tuple(args.implementer) if args.implementer else None,
        force=args.force,
        chromium=chromium,
    )
    print(f"meeting {meeting.meeting_id}: {meeting.title_en} (as of {meeting.as_of})", file=sys.stderr)
    result = run_meeting(opts)
    ok, failed, skipped = result.count("ok"), result.count("failed"), result.count("skipped")
    print(
        f"{len(result.entries)} reports: {ok} ok, {failed} failed, {skipped} skipped "
        f"-> {result.meeting_dir / 'index.html'}"
    )
    for e in result.entries:
        if e["status"] == "failed":
            log = result.meeting_dir / e["paths"]["log"]
            print(f"failed: {e['report_id']}: {e['error']} (log: {log})", file=sys.stderr)
    return 0 if result.ok else 1
