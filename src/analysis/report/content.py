"""What each report shows, section by section, so the notebooks stay thin.

The parameters are resolved once (:mod:`analysis.report.context`); each part
of a report lives in its own module under :mod:`analysis.report.sections`.
This module gathers them under one name for the notebooks: a notebook cell is
one call, e.g. ``rc.mandates_section(rep)``.

Every row shown from the data is cited: its Work Plan section and excerpt get
a number ``[n]`` and :func:`sources_section` lists them at the end.
"""

from __future__ import annotations

from analysis.report.context import (
    Report,
    ReportParameterError,
    UnknownImplementerError,
    check_implementer,
    implementer_name,
    implementer_names,
    localized,
    open_report,
    parse_as_of,
    resolve_meeting,
)
from analysis.report.sections.annex import changes_section, load_changes, sources_section
from analysis.report.sections.figures import (
    country_name,
    indicator_name,
    indicators_annex,
    indicators_section,
    key_indicators_section,
)
from analysis.report.sections.front import (
    executive_summary,
    glossary_section,
    period_section,
    summary_section,
    title_section,
)
from analysis.report.sections.implementer import (
    actions_section,
    implementer_actions,
    implementer_mandates,
    key_figures_of,
    key_figures_section,
    mandates_section,
)
from analysis.report.sections.milestones import (
    due_or_overdue,
    due_section,
    implementer_milestones,
    timeline_section,
    undated,
)
from analysis.report.sections.notes import quality_notes, quality_section
from analysis.report.sections.program import (
    coverage_matrix,
    coverage_section,
    reporting_section,
    silent_implementers,
)
from analysis.report.sections.voting import absentee_section, voting_abroad, voting_indicators

__all__ = [
    "Report",
    "ReportParameterError",
    "UnknownImplementerError",
    "absentee_section",
    "actions_section",
    "changes_section",
    "check_implementer",
    "country_name",
    "coverage_matrix",
    "coverage_section",
    "due_or_overdue",
    "due_section",
    "executive_summary",
    "glossary_section",
    "implementer_actions",
    "implementer_mandates",
    "implementer_milestones",
    "implementer_name",
    "implementer_names",
    "indicator_name",
    "indicators_annex",
    "indicators_section",
    "key_figures_of",
    "key_figures_section",
    "key_indicators_section",
    "load_changes",
    "localized",
    "mandates_section",
    "open_report",
    "parse_as_of",
    "period_section",
    "quality_notes",
    "quality_section",
    "reporting_section",
    "resolve_meeting",
    "silent_implementers",
    "sources_section",
    "summary_section",
    "timeline_section",
    "title_section",
    "undated",
    "voting_abroad",
    "voting_indicators",
]
