"""Report commands: run (serve is in :mod:`analysis.commands.serve`).

Every argument is checked before anything is written: a wrong option, an
unknown meeting, a missing Chromium for ``--format pdf`` or an output folder
that cannot be written (checked by :func:`analysis.store.outputs.check_output`)
stops the command before the run starts; the run itself checks the data and
the implementers before it keeps a data snapshot or creates a folder.
"""

from __future__ import annotations

from pathlib import Path

import click

from analysis.commands.options import CommaList, complete_implementer, complete_meeting, data_option, examples
from analysis.commands.output import NORMAL, QUIET, VERBOSE, detail, note, result, verbosity, verbosity_options
from analysis.errors import UsageError


def _report_languages() -> tuple[str, ...]:
    from analysis.run.runner import LANGS

    return tuple(LANGS)


def _report_formats() -> tuple[str, ...]:
    from analysis.run.runner import FORMATS

    return tuple(FORMATS)


@click.command(
    "run",
    epilog=examples(
        "python -m analysis run                       # the default meeting, every report",
        "python -m analysis run --meeting next        # what a schedule runs",
        "python -m analysis run --implementer IACHR --lang es --format html",
    ),
)
@click.option(
    "--meeting",
    shell_complete=complete_meeting,
    default=None,
    metavar="ID",
    help="Meeting id from data/meetings.csv, or 'next' (default: the latest meeting on or before today).",
)
@click.option(
    "--implementer",
    "implementers",
    shell_complete=complete_implementer,
    multiple=True,
    metavar="ID",
    help="Only this implementer's report (repeat for more); program-wide reports still run.",
)
@click.option(
    "--lang",
    "langs",
    type=CommaList(_report_languages, "language"),
    default=None,
    help="Languages, comma-separated (default: every report language).",
)
@click.option(
    "--format",
    "formats",
    type=CommaList(_report_formats, "format"),
    default=None,
    help="html, pdf or html,pdf (default: html,pdf; PDF is skipped with a note when Chromium is missing).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Reports executed at once (default: 0, one per CPU).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: reports/); files go to OUT/<meeting>/.",
)
@click.option("--force", is_flag=True, help="Re-render every report even when nothing changed.")
@click.option(
    "--single-file",
    is_flag=True,
    help="plotly.js inside every page (about 4.7 MB each) to send one report alone; "
    "default: one shared assets/plotly.min.js per meeting folder.",
)
@data_option()
@click.option(
    "--notebooks",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of the report notebooks (default: notebooks/).",
)
@click.option(
    "--meetings-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Meetings CSV (default: the data folder's, else data/meetings.csv).",
)
@verbosity_options
def run(meeting, implementers, langs, formats, jobs, out, force, single_file, data, notebooks, meetings_file) -> int:
    """Run every report of a meeting (HTML and PDF) into reports/<meeting>/, skipping unchanged ones."""
    from analysis import config
    from analysis.run.runner import FORMATS, LANGS, RunOptions, run_meeting
    from analysis.store.outputs import check_output

    out = check_output(out or config.REPORTS_DIR, None, layout=config.DataLayout.of(data, meetings_file))
    formats, chromium = _formats_and_browser(formats or FORMATS, asked=formats is not None)
    chosen = _resolve_meeting(meeting, data, meetings_file)
    # run_meeting checks the rest (the data, the implementers) before it writes anything.
    opts = RunOptions(
        meeting=chosen,
        langs=langs or LANGS,
        formats=formats,
        jobs=jobs,
        out_dir=out,
        notebooks_dir=notebooks or config.NOTEBOOKS_DIR,
        data_path=data,
        implementers=tuple(implementers) or None,
        force=force,
        single_file=single_file,
        chromium=chromium,
        progress=False if verbosity() in (QUIET, VERBOSE) else None,
        log=None if verbosity() >= NORMAL else (lambda line: None),
    )
    note(f"meeting {chosen.meeting_id}: {chosen.title_en} (as of {chosen.as_of})")
    outcome = run_meeting(opts)
    ok, failed, skipped = outcome.count("ok"), outcome.count("failed"), outcome.count("skipped")
    result(
        f"{len(outcome.entries)} reports: {ok} ok, {failed} failed, {skipped} skipped "
        f"-> {outcome.meeting_dir / 'index.html'}"
    )
    for e in outcome.entries:
        if e["status"] == "failed":
            log = outcome.meeting_dir / e["paths"]["log"]
            click.echo(f"failed: {e['report_id']}: {e['error']} (log: {log})", err=True)
    return 0 if outcome.ok else 1


def _resolve_meeting(choice: str | None, data: Path | None, meetings_file: Path | None):
    from analysis import config
    from analysis.dataset.meetings import load_meetings, resolve_meeting

    layout = config.DataLayout.of(data, meetings_file)
    detail(f"meetings from {layout.meetings}")
    return resolve_meeting(load_meetings(layout.meetings), choice)


def _formats_and_browser(formats: tuple[str, ...], asked: bool) -> tuple[tuple[str, ...], str | None]:
    """The formats to make and the Chromium to print PDFs with; without Chromium, HTML only (or an error if asked)."""
    from analysis.run.pdf import ENV_VAR, find_chromium

    if "pdf" not in formats:
        return formats, None
    chromium = find_chromium()
    if chromium:
        detail(f"PDF printed with {chromium}")
        return formats, chromium
    if asked:
        raise UsageError(
            f"--format pdf needs Chromium, which was not found: run 'make system-deps' "
            f"(or 'apt-get install chromium') or set {ENV_VAR} to the browser's path"
        )
    note(f"note: PDF skipped: Chromium was not found. Run 'make system-deps' or set {ENV_VAR} to get PDFs too.")
    return ("html",), None
