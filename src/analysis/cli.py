"""The command line, ``analysis`` or ``python -m analysis``: a thin click shell over the library.

Exit codes, the same for every command:

- 0: done;
- 1: bad data or a failed step: :class:`~analysis.errors.DataError` and
  :class:`~analysis.errors.AnalysisError` (and an operating-system error
  such as a read-only folder) become one plain ``error:`` line per problem
  on stderr, never a traceback;
- 2: a usage error: click's own (unknown command or option, with "did you
  mean"; a bad value) and :class:`~analysis.errors.UsageError`;
- 130: interrupted (Ctrl-C).

Shell completion: ``eval "$(_ANALYSIS_COMPLETE=bash_source analysis)"``
(``zsh_source``, ``fish_source`` for other shells).
"""

from __future__ import annotations

import errno
import time

import click

from analysis import __version__
from analysis.commands import SECTIONS
from analysis.commands.output import VERBOSE, VERBOSITY, error, note, verbosity_options
from analysis.errors import AnalysisError, DataError, UsageError

COMPLETE_VAR = "_ANALYSIS_COMPLETE"


class AnalysisGroup(click.Group):
    """Commands listed by section in ``--help``; library errors turned into lines and exit codes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections: list[tuple[str, list[str]]] = []

    def add_section(self, title: str, commands) -> None:
        for command in commands:
            self.add_command(command)
        self.sections.append((title, [c.name for c in commands]))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for _, names in self.sections for name in names]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        for title, names in self.sections:
            rows = [(name, self.commands[name].get_short_help_str(limit=200)) for name in names]
            with formatter.section(title):
                formatter.write_dl(rows)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not ctx.resilient_parsing:  # not while completing a command line
            _recover_interrupted_commit(command, name, rest)
        return name, command, rest

    def invoke(self, ctx: click.Context):
        started = time.perf_counter()
        try:
            rv = super().invoke(ctx)
        except DataError as exc:
            for problem in exc.problems:
                error(str(problem))
            n = len(exc.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''} found.", err=True)
            raise click.exceptions.Exit(1) from None
        except UsageError as exc:
            error(str(exc))
            raise click.exceptions.Exit(2) from None
        except AnalysisError as exc:
            error(str(exc))
            raise click.exceptions.Exit(1) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (``| head``): click handles it
                raise
            error(f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc))
            raise click.exceptions.Exit(1) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(130) from None
        finally:
            if ctx.meta.get(VERBOSITY) == VERBOSE:
                click.echo(f"{ctx.invoked_subcommand}: {time.perf_counter() - started:.1f} s", err=True)
        if isinstance(rv, int) and rv:
            raise click.exceptions.Exit(rv)
        return rv


def _recover_interrupted_commit(command: click.Command, name: str, args: list[str]) -> None:
    """A command that touches a data folder (``--data`` or ``PATH``) first finishes or undoes an interrupted write."""
    from analysis.store.journal import recover_pending

    keys = [p.name for p in command.params if p.name in ("data", "path")]
    if not keys:
        return
    try:
        params = command.make_context(name, list(args), resilient_parsing=True).params
    except click.ClickException:
        return  # the real parse reports it
    done = recover_pending(next((params[k] for k in keys if params.get(k)), None))
    if done:
        note(f"note: an interrupted write of the data was found and {done}")


@click.group(
    cls=AnalysisGroup,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run 'python -m analysis COMMAND --help' for a command's options and examples.",
)
@click.version_option(__version__, "-V", "--version", prog_name="analysis", message="%(prog)s %(version)s")
@verbosity_options
def cli() -> None:
    """Data, reports and submissions of the OAS Inter-American Program on the human rights of migrants.

    Exit codes: 0 done, 1 bad data or a failed step, 2 a usage error.
    """


for _title, _commands in SECTIONS:
    cli.add_section(_title, _commands)


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    try:
        cli.main(args=argv, complete_var=COMPLETE_VAR)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        return 1
    return 0
