"""The project's error types.

Bad data never surfaces as a traceback: library code raises these, and the CLI
turns them into plain sentences and a non-zero exit code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible.

    ``row`` is the row number a person sees: in a CSV the line number
    (header = 1), in a sheet the spreadsheet row number (header = 1).
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None and self.value != "":
            text += f" (value: {_show(self.value)})"
        return text


def _show(value: object, limit: int = 80) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AnalysisError(Exception):
    """Base of every error the CLI reports without a traceback."""


class DataError(AnalysisError):
    """The data is wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(AnalysisError):
    """A command was asked for something it cannot do (bad option, missing tool)."""
