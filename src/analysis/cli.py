"""The command line: a thin shell over the library.

Each command is a function ``cmd_<name>(args) -> int`` registered with
:func:`command`. Library errors (:class:`AnalysisError`) become one plain
line per problem on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from analysis.commands.registry import _COMMANDS
from analysis.errors import AnalysisError, DataError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Data, reports and submissions of the OAS Inter-American Program on the human rights of migrants.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_, arguments, fn in _COMMANDS:
        p = sub.add_parser(name, help=help_, description=help_)
        arguments(p)
        p.set_defaults(func=fn)
    return parser


def main(argv: list[str] | None = None) -> int:
    from analysis import commands  # noqa: F401  (registers the commands)

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found.", file=sys.stderr)
        return 1
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
