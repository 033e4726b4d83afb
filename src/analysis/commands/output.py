"""What a command prints, at the verbosity chosen with ``-q``/``-v``.

Four kinds of line, so that ``-q`` and ``-v`` mean the same in every command:

- :func:`result`: what the command is for (the summary, the list of changes); always printed, on stdout;
- :func:`say`: confirmations such as "wrote FILE"; on stdout, silenced by ``-q``;
- :func:`note`: remarks and progress on stderr, silenced by ``-q``;
- :func:`detail`: extra detail on stderr, only with ``-v``.

Warnings and errors are always printed (on stderr).
"""

from __future__ import annotations

import click

QUIET, NORMAL, VERBOSE = 0, 1, 2
VERBOSITY = "analysis.verbosity"  # the key in click's ``ctx.meta``


def verbosity() -> int:
    """The verbosity of the running command: QUIET, NORMAL or VERBOSE (NORMAL outside a command)."""
    ctx = click.get_current_context(silent=True)
    return NORMAL if ctx is None else ctx.meta.get(VERBOSITY, NORMAL)


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        _set(ctx, QUIET)


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        _set(ctx, VERBOSE)


def _set(ctx: click.Context, level: int) -> None:
    chosen = ctx.meta.get(VERBOSITY)
    if chosen is not None and chosen != level:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be used together", ctx)
    ctx.meta[VERBOSITY] = level  # ``meta`` is shared by the group's and the command's contexts


def verbosity_options(f):
    """Add ``-q/--quiet`` and ``-v/--verbose`` (accepted before or after the command name)."""
    f = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_verbose,
        help="Print more detail (steps, paths, timings).",
    )(f)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_quiet,
        help="Print only results, warnings and errors.",
    )(f)


def result(text: str) -> None:
    click.echo(text)


def say(text: str) -> None:
    if verbosity() >= NORMAL:
        click.echo(text)


def note(text: str) -> None:
    if verbosity() >= NORMAL:
        click.echo(text, err=True)


def detail(text: str) -> None:
    if verbosity() >= VERBOSE:
        click.echo(text, err=True)


def warn(text: str) -> None:
    click.echo(f"warning: {text}", err=True)


def error(text: str) -> None:
    click.echo(f"error: {text}", err=True)
