"""A plain-text summary of the program, for the terminal."""

from __future__ import annotations

import datetime as dt

from analysis.measures import implementer_counts, program_totals


def summary_text(ds, as_of: dt.date | None = None, meeting_title: str | None = None) -> str:
    """Counts by implementer (those with data), then program totals."""
    as_of = as_of or dt.date.today()
    counts = implementer_counts(ds, as_of)
    shown = counts[counts["has_data"]]
    cols = ["implementer_id", "mandates", "mandates_action_reported", "mandates_planned_only",
            "mandates_no_action_reported", "actions_carried_out", "actions_planned", "milestones",
            "milestones_overdue", "observations"]
    heads = ["implementer", "mandates", "with action", "planned only", "none", "carried out",
             "planned", "milestones", "overdue", "figures"]
    table = shown[cols].astype(str).values.tolist()
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(heads)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    total = program_totals(counts)
    kinds = ds.implementers["kind"].value_counts()
    out = [
        f"Inter-American Program for the Promotion and Protection of the Human Rights of Migrants",
        f"data version {ds.version} from {ds.source}; milestones as of {as_of.isoformat()}"
        + (f" ({meeting_title})" if meeting_title else ""),
        "",
        f"implementers: {len(ds.implementers)} ("
        + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.items()) + ")",
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
        f"implementers that have reported nothing: {int(total['implementers_without_reports'])} "
        f"of {len(counts)} (member states included)",
    ]
    return "\n".join(out)
