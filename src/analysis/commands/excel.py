"""CLI commands for excel (see analysis.cli.command)."""

from __future__ import annotations

from analysis.cli import command  # noqa: F401
