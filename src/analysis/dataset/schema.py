"""The program dataset's tables: columns, types, vocabularies and references.

This module is the single description of the data. Loading, validation, the
Excel export and the submission templates all read it, and ``data/README.md``
documents the same columns in prose (a test keeps the two in step).

Types
-----
``id``      non-empty text made of letters, digits, ``-``, ``_`` and ``.``
``text``    free text (may be empty unless ``required``)
``int``     whole number
``number``  decimal number
``date``    ISO date ``YYYY-MM-DD``
``bool``    ``true`` / ``false``
``enum``    one of the column's ``vocabulary``
``ids``     ``;``-separated list of ids
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------- vocabularies

IMPLEMENTER_KINDS = (
    "oas_organ",  # an organ, agency, entity, department or office of the OAS
    "oas_group",  # a group of OAS implementers named together (e.g. all organs)
    "member_state",
    "multilateral",  # the category "multilateral and regional organizations"
    "civil_society",  # the category "civil society organizations"
)

ACTION_KINDS = ("carried_out", "planned")

# Self-reported lifecycle, after IATI's ActivityStatus codelist
# (1 Pipeline/identification, 2 Implementation, 3 Finalisation, 4 Closed,
# 5 Cancelled, 6 Suspended), plus "no_information" for silence.
LIFECYCLE_STATUSES = (
    "planned",
    "in_progress",
    "completed",
    "suspended",
    "cancelled",
    "no_information",
)

# Assessed compliance, after the IACHR's follow-up scale. Empty = not assessed.
COMPLIANCE_LEVELS = (
    "total",
    "substantial_partial",
    "partial",
    "pending",
    "incompatible",
)

MILESTONE_ACHIEVED = ("yes", "no", "unknown")

INDICATOR_KINDS = ("observed", "derived")

QUALITY_KINDS = (
    "contradiction",  # two passages disagree
    "count_mismatch",  # a stated count does not match what is listed
    "odd_format",  # a figure or date written in an unusual way
    "numbering",  # the document's own section numbering is inconsistent
    "missing",  # something the document announces but does not give
    "ambiguity",  # a passage that supports more than one reading
)

PRECISIONS = (
    "day",
    "days",  # a range of days inside one month, "July 4-7, 2006"
    "month",
    "months",  # "March or April 2007", "July-October 2006"
    "quarter",
    "semester",
    "half",
    "season",
    "year",
    "range",
    "recurring",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    vocabulary: tuple[str, ...] = ()
    references: str | None = None  # "table.column" that this column points to
    doc: str = ""
    translation_of: str | None = None  # the column this one translates; an empty cell is a warning


@dataclass(frozen=True)
class Table:
    name: str
    key: str
    columns: tuple[Column, ...]
    doc: str = ""
    cited: bool = True  # every row carries section + excerpt
    extra: dict = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _source() -> tuple[Column, ...]:
    return (
        Column("section", "text", True, doc="Section path in the Work Plan, e.g. `IV.F.2`."),
        Column(
            "excerpt",
            "text",
            True,
            doc="Verbatim excerpt from the Work Plan supporting the row "
            "(checked against the document, whitespace-normalized).",
        ),
    )


IMPLEMENTERS = Table(
    "implementers",
    key="implementer_id",
    doc="Every implementer the Work Plan names, every OAS member state, and the "
    "two categories of non-OAS implementers.",
    columns=(
        Column(
            "implementer_id",
            "id",
            True,
            doc="Stable id, e.g. `IACHR`, `CIM`, or the ISO alpha-3 code of a member state.",
        ),
        Column("kind", "enum", True, IMPLEMENTER_KINDS),
        Column("name_en", "text", True, doc="Name as the Work Plan gives it (English)."),
        Column(
            "name_es",
            "text",
            doc="Spanish name: the official OAS name where known, otherwise a faithful translation (see `note`).",
            translation_of="name_en",
        ),
        Column("name_fr", "text", doc="French name, on the same rule as `name_es`.", translation_of="name_en"),
        Column("name_pt", "text", doc="Portuguese name, on the same rule as `name_es`.", translation_of="name_en"),
        Column("acronym", "text"),
        Column("name_in_program", "text", doc="Name in the Program as adopted in 2005 (before the restructuring)."),
        Column("name_after_restructuring", "text", doc="Name under Executive Order No. 05-13 Rev. 1 (Dec 15, 2005)."),
        Column(
            "parent_id",
            "id",
            references="implementers.implementer_id",
            doc="Parent body, if it is itself an implementer.",
        ),
        Column("parent_body", "text", doc="Parent body as written, when not an implementer row."),
        Column("iso_alpha2", "text", doc="ISO 3166-1 alpha-2 (member states)."),
        Column("iso_alpha3", "text", doc="ISO 3166-1 alpha-3 (member states)."),
        Column("iso_numeric", "text", doc="ISO 3166-1 numeric, three digits (member states)."),
        Column("has_section", "bool", True, doc="Whether the Work Plan has a section reporting on it."),
        *_source(),
        Column("note", "text"),
    ),
)

MANDATES = Table(
    "mandates",
    key="mandate_id",
    doc="Every specific activity the Program assigns: one row per bullet under an implementer's 'Activities Assigned'.",
    columns=(
        Column("mandate_id", "id", True, doc="`<implementer>-M<n>`, n in document order."),
        Column("implementer_id", "id", True, references="implementers.implementer_id"),
        Column("seq", "int", True, doc="Position under its heading (1, 2, ...)."),
        Column("text", "text", True, doc="The activity, verbatim."),
        Column(
            "text_es_unofficial",
            "text",
            doc="UNOFFICIAL Spanish translation of `text` by the secretariat, not the Program's Spanish text; "
            "`text` stays the source.",
            translation_of="text",
        ),
        Column("text_fr_unofficial", "text", doc="UNOFFICIAL French translation of `text`.", translation_of="text"),
        Column("text_pt_unofficial", "text", doc="UNOFFICIAL Portuguese translation of `text`.", translation_of="text"),
        Column("cross_cutting", "bool", True, doc="True for the activities assigned to all organs (IV.H)."),
        *_source(),
        Column("note", "text"),
    ),
)

ACTIONS = Table(
    "actions",
    key="action_id",
    doc="Every activity reported as carried out and every activity being planned.",
    columns=(
        Column("action_id", "id", True, doc="`<implementer>-A<n>` (carried out) or `<implementer>-P<n>` (planned)."),
        Column("implementer_id", "id", True, references="implementers.implementer_id"),
        Column("kind", "enum", True, ACTION_KINDS),
        Column("description", "text", True, doc="Short description in the document's words."),
        Column("description_es", "text", doc="Spanish version of `description`.", translation_of="description"),
        Column("description_fr", "text", doc="French version of `description`.", translation_of="description"),
        Column("description_pt", "text", doc="Portuguese version of `description`.", translation_of="description"),
        Column("period_text", "text", doc="Date or period exactly as written; empty when the text gives none."),
        Column(
            "year_context",
            "int",
            doc="Year to assume when period_text gives none (e.g. `April 17-19` in a 2006 passage); the basis goes in `note`.",
        ),
        Column("start", "date", doc="Earliest date of the period (parsed)."),
        Column("end", "date", doc="Latest date of the period (parsed)."),
        Column("lifecycle_status", "enum", True, LIFECYCLE_STATUSES, doc="Self-reported lifecycle."),
        Column("compliance", "enum", vocabulary=COMPLIANCE_LEVELS, doc="Assessed compliance; empty until assessed."),
        Column("evidence", "text", doc="Link or reference given as evidence (e.g. a web address in the text)."),
        *_source(),
        Column("note", "text"),
    ),
)

ACTION_MANDATES = Table(
    "action_mandates",
    key="link_id",
    doc="Which mandate(s) an action serves, where the text supports the link.",
    columns=(
        Column("link_id", "id", True, doc="`<action_id>:<mandate_id>`."),
        Column("action_id", "id", True, references="actions.action_id"),
        Column("mandate_id", "id", True, references="mandates.mandate_id"),
        Column("basis", "text", True, doc="Why the link holds: the words in the text that make it."),
        *_source(),
    ),
)

MILESTONES = Table(
    "milestones",
    key="milestone_id",
    doc="Every calendar entry and every dated plan.",
    columns=(
        Column("milestone_id", "id", True, doc="`<implementer>-C<n>`."),
        Column("implementer_id", "id", True, references="implementers.implementer_id"),
        Column("description", "text", True),
        Column("description_es", "text", doc="Spanish version of `description`.", translation_of="description"),
        Column("description_fr", "text", doc="French version of `description`.", translation_of="description"),
        Column("description_pt", "text", doc="Portuguese version of `description`.", translation_of="description"),
        Column(
            "period_text",
            "text",
            True,
            doc="Period exactly as written, e.g. `March or April 2007`; `unknown` if the document gives none.",
        ),
        Column("year_context", "int", doc="Year to assume when period_text gives none; the basis goes in `note`."),
        Column("start", "date", doc="Parsed start (empty when unknown)."),
        Column("end", "date", doc="Parsed end (empty when unknown)."),
        Column("precision", "enum", vocabulary=PRECISIONS),
        Column("recurring", "bool", True),
        Column("action_id", "id", references="actions.action_id", doc="The planned action it schedules, if any."),
        Column("achieved", "enum", True, MILESTONE_ACHIEVED, doc="Whether it was met; `unknown` until reported."),
        Column("achieved_on", "date", doc="Date it was met, where reported."),
        Column(
            "from_calendar",
            "bool",
            True,
            doc="True for entries under a 'Calendar' heading, false for dates in the prose.",
        ),
        *_source(),
        Column("note", "text"),
    ),
)

INDICATORS = Table(
    "indicators",
    key="indicator_id",
    doc="What is measured. Observed indicators have observations; derived ones a formula.",
    columns=(
        Column("indicator_id", "id", True),
        Column("name_en", "text", True),
        Column("name_es", "text", True, translation_of="name_en"),
        Column("name_fr", "text", doc="French name; a missing one is a warning.", translation_of="name_en"),
        Column("name_pt", "text", doc="Portuguese name; a missing one is a warning.", translation_of="name_en"),
        Column("unit", "text", True, doc="`persons`, `member states`, `events`, `ratio`, ..."),
        Column("kind", "enum", True, INDICATOR_KINDS),
        Column(
            "formula",
            "text",
            doc="For derived indicators: an expression over other indicator ids, e.g. `absentee_voted / absentee_registered`.",
        ),
        *_source(),
        Column("note", "text"),
    ),
)

OBSERVATIONS = Table(
    "observations",
    key="observation_id",
    doc="Every figure the document reports.",
    columns=(
        Column("observation_id", "id", True),
        Column("indicator_id", "id", True, references="indicators.indicator_id"),
        Column("implementer_id", "id", True, references="implementers.implementer_id", doc="Who reports the figure."),
        Column("country", "text", doc="ISO 3166-1 alpha-3 of the country the figure is about, if any."),
        Column("election", "text", doc="Election or event the figure is about, if any."),
        Column("election_es", "text", doc="Spanish version of `election`.", translation_of="election"),
        Column("election_fr", "text", doc="French version of `election`.", translation_of="election"),
        Column("election_pt", "text", doc="Portuguese version of `election`.", translation_of="election"),
        Column("period_text", "text", doc="Period as written."),
        Column(
            "comparator",
            "enum",
            True,
            ("=", ">", ">=", "<", "<=", "~"),
            doc="`>` for 'more than 100', `=` for an exact figure.",
        ),
        Column("value", "number", True),
        Column("value_as_written", "text", True, doc="The figure exactly as printed, e.g. `10, 260`."),
        *_source(),
        Column("note", "text"),
    ),
)

DATA_QUALITY = Table(
    "data_quality",
    key="issue_id",
    doc="Contradictions and oddities in the document. Both readings are kept in the data; this table flags them.",
    columns=(
        Column("issue_id", "id", True, doc="`DQ-<n>`."),
        Column("kind", "enum", True, QUALITY_KINDS),
        Column("implementer_id", "id", references="implementers.implementer_id"),
        Column("rows", "text", doc="`;`-separated `table:id` of the affected rows."),
        Column("description", "text", True, doc="What disagrees, in plain words."),
        Column("description_es", "text", doc="Spanish version of `description`.", translation_of="description"),
        Column("description_fr", "text", doc="French version of `description`.", translation_of="description"),
        Column("description_pt", "text", doc="Portuguese version of `description`.", translation_of="description"),
        *_source(),
        Column("section_b", "text", doc="Section of the second passage, for contradictions."),
        Column("excerpt_b", "text", doc="Verbatim second passage, for contradictions."),
        Column(
            "settled",
            "text",
            doc="For a contradiction settled in the data: how and why. Empty = both readings kept, and no field of "
            "the flagged rows may take a side (validation checks it).",
        ),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        IMPLEMENTERS,
        MANDATES,
        ACTIONS,
        ACTION_MANDATES,
        MILESTONES,
        INDICATORS,
        OBSERVATIONS,
        DATA_QUALITY,
    )
}

TABLE_ORDER = tuple(TABLES)


def markdown_reference() -> str:
    """The column reference of every table, as Markdown (kept in data/README.md)."""
    types = {
        "id": "id",
        "text": "text",
        "int": "integer",
        "number": "number",
        "date": "date (YYYY-MM-DD)",
        "bool": "true/false",
        "enum": "one of",
        "ids": "list of ids (;)",
    }
    out = []
    for t in TABLES.values():
        out += [
            f"### `{t.name}.csv`",
            "",
            t.doc,
            "",
            f"Key: `{t.key}`.",
            "",
            "| column | type | required | allowed values / refers to | meaning |",
            "|---|---|---|---|---|",
        ]
        for c in t.columns:
            allowed = (
                ", ".join(f"`{v}`" for v in c.vocabulary)
                if c.vocabulary
                else (f"→ `{c.references}`" if c.references else "")
            )
            out.append(f"| `{c.name}` | {types[c.type]} | {'yes' if c.required else ''} | {allowed} | {c.doc} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
