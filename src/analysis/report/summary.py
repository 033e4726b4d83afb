"""A plain-text summary of the program, for the terminal (English; strings from analysis.i18n)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.i18n import label, t
from analysis.measures import implementer_counts, program_totals
from analysis.measures.changes import CHANGE_KEYS

# (count column, catalogue key of its heading), in the order the table shows them
COLUMNS = (
    ("implementer_id", "implementer"),
    ("mandates", "mandates"),
    ("mandates_action_reported", "with_action"),
    ("mandates_planned_only", "planned_only"),
    ("mandates_no_action_reported", "none"),
    ("actions_carried_out", "carried_out"),
    ("actions_planned", "planned"),
    ("milestones", "milestones"),
    ("milestones_missed", "missed"),
    ("milestones_past_unreported", "past_unreported"),
    ("milestones_disputed", "disputed"),
    ("observations", "figures"),
)


def summary_text(ds, as_of: dt.date | None = None, meeting_title: str | None = None, meeting=None) -> str:
    """Counts by implementer (those with data), then program totals.

    With ``meeting`` (a :class:`analysis.dataset.meetings.Meeting`), also who
    reported in its reporting period, by the one rule of
    :func:`analysis.measures.reporting.reported_in_period`.
    """
    as_of = as_of or dt.date.today()
    counts = implementer_counts(ds, as_of, meeting=meeting)
    total = program_totals(counts)
    return "\n".join(
        [
            *_header_lines(ds, as_of, meeting_title),
            "",
            *_count_table(counts[counts["has_data"]], total),
            "",
            _reported_line(counts, total, meeting),
        ]
    )


def _header_lines(ds, as_of: dt.date, meeting_title: str | None) -> list[str]:
    kinds = ds.implementers["kind"].value_counts()
    return [
        t("program.short_title"),
        t("summary.data_line", version=ds.version, source=ds.source, as_of=as_of.isoformat())
        + (f" ({meeting_title})" if meeting_title else ""),
        "",
        t(
            "summary.implementers",
            count=len(ds.implementers),
            kinds=", ".join(f"{n} {label('implementer_kind', k)}" for k, n in kinds.items()),
        ),
        t(
            "summary.counts",
            mandates=len(ds.mandates),
            actions=len(ds.actions),
            milestones=len(ds.milestones),
            indicators=len(ds.indicators),
            observations=len(ds.observations),
            flags=len(ds.data_quality),
        ),
    ]


def _count_table(shown: pd.DataFrame, total: pd.Series) -> list[str]:
    """The per-implementer counts as aligned text columns, with a total line."""
    cols = [c for c, _ in COLUMNS]
    heads = [t(f"summary.col.{k}") for _, k in COLUMNS]
    rows = shown[cols].astype(str).values.tolist()
    totals = [t("summary.total")] + [str(int(total[c])) for c in cols[1:]]
    widths = [max(len(h), len(totals[i]), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    rule = line(["-" * w for w in widths])
    return [line(heads), rule, *[line(r) for r in rows], rule, line(totals)]


def _reported_line(counts: pd.DataFrame, total: pd.Series, meeting) -> str:
    if meeting is None:
        return t("summary.reported_not_computed")
    start, end = meeting.reporting_period_start, meeting.reporting_period_end
    silent = counts.loc[~counts["reported"], "implementer_id"]
    line = t(
        "summary.reported_nothing",
        start=start.isoformat() if start else "...",
        end=end.isoformat() if end else "...",
        count=int(total["implementers_without_reports"]),
        total=len(counts),
    )
    return line + (f": {', '.join(silent)}" if 0 < len(silent) <= 20 else "")


def changes_text(changes: dict[str, pd.DataFrame] | None) -> str:
    """Plain-text listing of :func:`changes_between` output, for the CLI."""
    if changes is None:
        return t("summary.no_snapshot")
    lines = []
    for key in CHANGE_KEYS:
        frame = changes[key]
        lines.append(f"{key.replace('_', ' ')}: {len(frame)}")  # the change key, as the CLI names it
        for row in frame.itertuples(index=False):
            lines.append("  " + " | ".join(_show(v) for v in row))
    return "\n".join(lines)


def _show(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)[:80]
