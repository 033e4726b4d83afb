"""CLI commands, one module per area; importing registers them."""

from analysis.commands import core, excel, reports  # noqa: F401
