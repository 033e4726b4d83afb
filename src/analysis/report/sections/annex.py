"""What changed since the last meeting, and the sources annex (the verbatim English excerpts)."""

from __future__ import annotations

import pandas as pd

from analysis.measures.changes import CHANGE_KEYS
from analysis.report.context import Report
from analysis.report.sections.implementer import empty
from analysis.report.tables import Html, escape, html_table, join, paragraph
from analysis.store.snapshots import changes_for_meeting


def load_changes(rep: Report, implementer: str | None) -> dict[str, pd.DataFrame] | None:
    """What changed since the latest earlier meeting with a snapshot; None when there is none."""
    if rep.meeting_id is None:
        return None
    return changes_for_meeting(
        rep.meeting_id, data_path=rep.data_path, implementer=implementer, meetings_file=rep.meetings_file
    )


def changes_section(rep: Report, implementer: str | None = "__report__") -> Html:
    """What changed since the last meeting's snapshot (or why that cannot be said)."""
    who = rep.implementer if implementer == "__report__" else implementer
    changes = load_changes(rep, who)
    parts = [rep.heading(rep.t("heading.changes"), 2, id="changes")]
    if changes is None:
        return join([*parts, empty(rep, "text.no_changes_snapshot")])
    shown = [(k, changes[k]) for k in CHANGE_KEYS if k in changes and changes[k] is not None and not changes[k].empty]
    if not shown:
        return join([*parts, empty(rep, "text.no_changes")])
    for key, frame in shown:
        labels = {c: rep.t(f"label.change.{c}") for c in frame.columns}
        parts += [rep.heading(rep.t(f"heading.{key}"), 3, id=f"changes-{key}"), html_table(frame, rep.lang, labels)]
    return join(parts)


def sources_section(rep: Report) -> Html:
    """The numbered list of every (section, excerpt) cited so far, verbatim in English. Call it last."""
    parts = [
        rep.heading(rep.t("heading.sources"), 2, id="sources", annex=True),
        paragraph(rep.t("text.sources_note"), "oas-note"),
    ]
    items = "".join(
        f'<li id="source-{i}" value="{i}">{escape(rep.t("label.section"))} {escape(s)}: <q lang="en">{escape(e)}</q></li>'
        for (s, e), i in rep.sources.items()
    )
    return join([*parts, Html(f'<ol class="oas-sources">{items}</ol>')])
