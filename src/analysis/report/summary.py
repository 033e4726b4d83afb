"""A plain-text summary of the program, for the terminal."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.measures import implementer_counts, program_totals
from analysis.measures.changes import CHANGE_KEYS


def summary_text(ds, as_of: dt.date | None = None, meeting_title: str | None = None, meeting=None) -> str:
    """Counts by implementer (those with data), then program totals.

    With ``meeting`` (a :class:`analysis.dataset.meetings.Meeting`), also who
    reported in its reporting period, by the one rule of
    :func:`analysis.measures.reporting.reported_in_period`.
    """
    as_of = as_of or dt.date.today()
    counts = implementer_counts(ds, as_of, meeting=meeting)
    shown = counts[counts["has_data"]]
    cols = [
        "implementer_id",
        "mandates",
        "mandates_action_reported",
        "mandates_planned_only",
        "mandates_no_action_reported",
        "actions_carried_out",
        "actions_planned",
        "milestones",
        "milestones_missed",
        "milestones_past_unreported",
        "milestones_disputed",
        "observations",
    ]
    heads = [
        "implementer",
        "mandates",
        "with action",
        "planned only",
        "none",
        "carried out",
        "planned",
        "milestones",
        "missed",
        "past unreported",
        "disputed",
        "figures",
    ]
    table = shown[cols].astype(str).values.tolist()
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(heads)]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    total = program_totals(counts)
    kinds = ds.implementers["kind"].value_counts()
    out = [
        "Inter-American Program for the Promotion and Protection of the Human Rights of Migrants",
        f"data version {ds.version} from {ds.source}; milestones as of {as_of.isoformat()}"
        + (f" ({meeting_title})" if meeting_title else ""),
        "",
        f"implementers: {len(ds.implementers)} ("
        + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.items())
        + ")",
        f"mandates {len(ds.mandates)}, actions {len(ds.actions)}, milestones {len(ds.milestones)}, "
        f"indicators {len(ds.indicators)}, observations {len(ds.observations)}, "
        f"data-quality flags {len(ds.data_quality)}",
        "",
        line(heads),
        line(["-" * w for w in widths]),
        *[line(r) for r in table],
        line(["-" * w for w in widths]),
        line(["total"] + [str(int(total[c])) for c in cols[1:]]),
        "",
        _reported_line(counts, total, meeting),
    ]
    return "\n".join(out)


def _reported_line(counts: pd.DataFrame, total: pd.Series, meeting) -> str:
    if meeting is None:
        return "who reported: not computed without a meeting's reporting period (give --meeting, not --as-of)"
    start, end = meeting.reporting_period_start, meeting.reporting_period_end
    span = f"{start.isoformat() if start else '...'} to {end.isoformat() if end else '...'}"
    silent = counts.loc[~counts["reported"], "implementer_id"]
    return (
        f"implementers that reported nothing from {span}: {int(total['implementers_without_reports'])} "
        f"of {len(counts)} (member states included)" + (f": {', '.join(silent)}" if 0 < len(silent) <= 20 else "")
    )


def changes_text(changes: dict[str, pd.DataFrame] | None) -> str:
    """Plain-text listing of :func:`changes_between` output, for the CLI."""
    if changes is None:
        return "No earlier meeting has a snapshot: nothing to compare with."
    lines = []
    for key in CHANGE_KEYS:
        frame = changes[key]
        lines.append(f"{key.replace('_', ' ')}: {len(frame)}")
        for row in frame.itertuples(index=False):
            lines.append("  " + " | ".join(_show(v) for v in row))
    return "\n".join(lines)


def _show(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)[:80]
