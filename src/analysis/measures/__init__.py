"""Pure functions on the dataset: statuses, counts, derived indicators, changes.

``status`` (mandate and milestone statuses, planned actions past due),
``reporting`` (the one "reported" rule), ``counts`` (per implementer and program totals),
``indicators`` (derived indicators from formulas), ``changes`` (between meetings).
"""

from analysis.measures.counts import implementer_counts, implementer_slice, program_totals, share
from analysis.measures.indicators import derived_indicators, evaluate_formula, formula_inputs, indicator_table
from analysis.measures.reporting import REPORTED_RULE, reported_for_meeting, reported_in_period
from analysis.measures.status import (
    DISPUTING_KINDS,
    LATE_STATUSES,
    MANDATE_STATUSES,
    MILESTONE_STATUSES,
    action_flags,
    disputed_ids,
    mandate_status,
    milestone_state,
    milestone_status,
)

__all__ = [
    "DISPUTING_KINDS",
    "LATE_STATUSES",
    "REPORTED_RULE",
    "MANDATE_STATUSES",
    "MILESTONE_STATUSES",
    "action_flags",
    "derived_indicators",
    "disputed_ids",
    "evaluate_formula",
    "formula_inputs",
    "implementer_counts",
    "implementer_slice",
    "indicator_table",
    "mandate_status",
    "milestone_state",
    "milestone_status",
    "program_totals",
    "reported_for_meeting",
    "reported_in_period",
    "share",
]
