"""Options and value types shared by several commands, defined once.

Value types check what they can before the command runs, so a wrong value is
a usage error (exit 2) and nothing has been read or written yet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click


def examples(*lines: str) -> str:
    """An ``Examples:`` block for a command's help, kept as written (click's ``\\b`` marker)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


class CommaList(click.ParamType):
    """A comma-separated list of allowed words, e.g. ``en,es``; returns a tuple without repeats.

    ``allowed`` is called when a value is checked, so that the lists (from
    the libraries) are read only by commands that use them.
    """

    name = "LIST"

    def __init__(self, allowed: Callable[[], tuple[str, ...]], what: str):
        self.allowed = allowed
        self.what = what

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        allowed = self.allowed()
        items = tuple(dict.fromkeys(v.strip().lower() for v in str(value).split(",") if v.strip()))
        bad = [v for v in items if v not in allowed]
        if bad or not items:
            self.fail(f"unknown {self.what} {(bad or [value])[0]!r}: use {', '.join(allowed)} (comma-separated)")
        return items

    def get_metavar(self, param, ctx):
        return ",".join(self.allowed())


class OneOf(click.ParamType):
    """One word of a list that is read when the value is checked (see :class:`CommaList`)."""

    name = "WORD"

    def __init__(self, allowed: Callable[[], tuple[str, ...]], what: str):
        self.allowed = allowed
        self.what = what

    def convert(self, value, param, ctx):
        allowed = self.allowed()
        if value not in allowed:
            self.fail(f"unknown {self.what} {value!r}: use one of {', '.join(allowed)}")
        return value

    def get_metavar(self, param, ctx):
        return "[" + "|".join(self.allowed()) + "]"

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(v) for v in self.allowed() if v.startswith(incomplete)]


def languages() -> tuple[str, ...]:
    from analysis.i18n import LANGUAGES

    return tuple(LANGUAGES)


def data_option(help: str = "Folder of CSV tables or an .xlsx workbook (default: data/program/)."):
    """``--data PATH``: the tables to read (must exist)."""
    return click.option(
        "--data",
        type=click.Path(exists=True, path_type=Path),
        default=None,
        metavar="PATH",
        help=help,
    )


def lang_option(help: str = "Language of labels and instructions."):
    """``--lang`` for one language (default en)."""
    return click.option("--lang", type=OneOf(languages, "language"), default="en", show_default=True, help=help)


def _column(path: Path, column: str) -> list[str]:
    """The non-empty values of ``column`` in the CSV at ``path``; none when it cannot be read (completion only)."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return [row[column] for row in csv.DictReader(fh) if row.get(column)]
    except (OSError, csv.Error, UnicodeDecodeError):
        return []


def complete_meeting(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of ``--meeting``: the ids in the data folder's meetings file, and ``next``."""
    from analysis import config

    meetings = config.DataLayout.of(ctx.params.get("data")).meetings
    return [m for m in (*_column(meetings, "meeting_id"), "next") if m.startswith(incomplete)]


def complete_implementer(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of ``--implementer``: the ids in the data folder's implementers table."""
    from analysis import config

    tables = config.DataLayout.of(ctx.params.get("data")).tables
    return [i for i in _column(tables / "implementers.csv", "implementer_id") if i.startswith(incomplete)]
