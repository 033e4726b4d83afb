"""The CLI commands, one module per group; :data:`SECTIONS` is how ``--help`` groups them.

Each command is a click command over a library function. The group that
holds them, the global options and the exit codes are in :mod:`analysis.cli`.
"""

from analysis.commands import cycle, data, reports, serve

SECTIONS = (
    ("Data commands", (data.validate, data.summary, data.schema_doc)),
    ("Report commands", (reports.run, serve.serve)),
    ("Follow-up cycle commands", (cycle.export, cycle.template, cycle.ingest, cycle.snapshot, cycle.changes)),
)
