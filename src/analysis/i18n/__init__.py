"""Report language: English and Spanish strings, numbers and dates.

Every heading, label, status name, chart title and axis a report shows comes
from :data:`STRINGS` through :func:`t`; an unknown key is a ``KeyError`` (a
typo must not ship as an empty heading). Numbers and dates are formatted with
babel's CLDR data: ``en`` gives ``141,407`` and ``es`` gives ``141.407``
(babel's plain ``es`` locale, i.e. Spain's conventions; ``es_419``/``es_MX``
would give ``141,407``). The Work Plan's own text (descriptions, excerpts,
period phrases) is data and stays as written.

>>> t("heading.mandates", "es")
'Mandatos'
>>> fmt_number(141407, "en"), fmt_number(141407, "es")
('141,407', '141.407')
>>> fmt_date("2006-03-16", "es")
'16 de marzo de 2006'
"""

from __future__ import annotations

import math

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from analysis.common.dates import as_date
from analysis.errors import AnalysisError

LANGUAGES = ("en", "es")
LOCALES = {"en": "en", "es": "es"}
# Explicit patterns: babel's "long" English date is "March 16, 2006"; the
# reports use "16 March 2006" / "16 de marzo de 2006".
_DATE_PATTERNS = {"en": "d MMMM y", "es": "d 'de' MMMM 'de' y"}
_MONTH_PATTERNS = {"en": "MMMM y", "es": "MMMM 'de' y"}

EN: dict[str, str] = {
    # titles and headings
    "program.title": "Inter-American Program for the Promotion and Protection of the Human Rights of Migrants, Including Migrant Workers and Their Families",
    "report.implementer.title": "Implementer report: {name}",
    "report.overview.title": "Program overview",
    "report.absentee.title": "Voting abroad: absentee voting figures",
    "report.explore.title": "Exploring the program data",
    "report.meta": "Meeting: {meeting}. Figures as of {as_of}. Data version {version}.",
    "report.no_meeting": "no meeting selected",
    "report.language_note": "This report is in English. The Work Plan's own text (activities, descriptions, excerpts and dates as written) is quoted as written.",
    "heading.key_figures": "Key figures",
    "heading.mandates": "Mandates",
    "heading.actions_carried_out": "Actions carried out",
    "heading.actions_planned": "Actions planned",
    "heading.timeline": "Milestone timeline",
    "heading.due_overdue": "Milestones overdue or due",
    "heading.undated": "Milestones without a usable date",
    "heading.indicators": "Indicators",
    "heading.data_quality": "Data-quality notes",
    "heading.changes": "Changes since the last meeting",
    "heading.sources": "Sources",
    "heading.coverage": "Mandate coverage",
    "heading.reporting": "Reporting status",
    "heading.not_reported": "Implementers that have reported nothing",
    "heading.key_indicators": "Key indicators",
    "heading.absentee": "Voting abroad by country and election",
    "heading.absentee_charts": "Registered voters, votes cast and turnout",
    "heading.new_actions": "New actions",
    "heading.status_changes": "Status changes",
    "heading.milestones_newly_met": "Milestones newly met",
    "heading.milestones_newly_overdue": "Milestones newly overdue",
    "heading.milestones_newly_missed": "Milestones newly missed",
    "heading.milestones_newly_past_unreported": "Milestones newly past, completion not reported",
    "heading.new_figures": "New figures",
    # sentences
    "text.none": "None.",
    "text.no_mandates": "The Program assigns no specific activities to this implementer.",
    "text.no_actions": "No actions of this kind are reported.",
    "text.no_milestones": "No milestones are recorded.",
    "text.no_due": "No milestone is overdue or due as of {as_of}.",
    "text.no_indicators": "No figures are reported.",
    "text.no_quality": "No data-quality notes concern this implementer.",
    "text.no_changes_snapshot": "There is no earlier snapshot to compare with.",
    "text.no_changes": "No changes since the last meeting.",
    "text.all_reported": "Every implementer has reported at least one action.",
    "text.undated_note": "These milestones are listed, not drawn: the Work Plan gives no usable period.",
    "text.timeline_legend": 'Solid bars are exact dates. Translucent bars with soft edges are approximate periods (a month, a quarter, "March or April"): the milestone falls somewhere inside. ↻ marks a recurring milestone. The dashed line is the as-of date.',
    "text.turnout_note": "Turnout is computed from the two reported figures (votes cast ÷ registered voters), never typed in.",
    "text.not_reported_note": '"Not reported" means the Work Plan does not give the figure; it is not zero.',
    "text.sources_note": "Each numbered reference gives the Work Plan section and the excerpt the row comes from.",
    "text.unknown_implementer": "unknown implementer {value!r}; known: {known}",
    "text.unknown_meeting": "unknown meeting {value!r}; known: {known}",
    "text.bad_as_of": "as_of must be an ISO date YYYY-MM-DD, got {value!r}",
    # labels (table columns, key figures)
    "label.implementer": "Implementer",
    "label.kind": "Kind",
    "label.mandate": "Mandate",
    "label.text": "Activity assigned",
    "label.status": "Status",
    "label.actions": "Actions",
    "label.action": "Action",
    "label.description": "Description",
    "label.period": "Period as written",
    "label.start": "From",
    "label.end": "To",
    "label.lifecycle": "Lifecycle",
    "label.compliance": "Compliance",
    "label.evidence": "Evidence",
    "label.milestone": "Milestone",
    "label.precision": "Precision",
    "label.recurring": "Recurring",
    "label.achieved": "Achieved",
    "label.indicator": "Indicator",
    "label.country": "Country",
    "label.election": "Election",
    "label.value": "Value",
    "label.as_written": "As written",
    "label.unit": "Unit",
    "label.issue": "Issue",
    "label.source": "Source",
    "label.section": "Section",
    "label.excerpt": "Excerpt",
    "label.count": "Count",
    "label.total": "Total",
    "label.yes": "yes",
    "label.no": "no",
    "label.not_reported": "not reported",
    "label.not_assessed": "not assessed",
    "label.unknown": "unknown",
    "label.mandates": "Mandates",
    "label.mandates_with_action": "Mandates with an action reported",
    "label.share_mandates_with_action": "Share of mandates with an action reported",
    "label.actions_carried_out": "Actions carried out",
    "label.actions_planned": "Actions planned",
    "label.milestones": "Milestones",
    "label.milestones_overdue": "Milestones overdue",
    "label.milestones_due": "Milestones due",
    "label.milestones_met": "Milestones met",
    "label.observations": "Figures reported",
    "label.implementers": "Implementers",
    "label.implementers_with_data": "Implementers with data",
    "label.implementers_without_reports": "Implementers that reported no action",
    "label.registered": "Registered voters abroad",
    "label.voted": "Votes cast abroad",
    "label.turnout": "Turnout",
    "label.change": "Change",
    "label.old": "Before",
    "label.new": "Now",
    # charts
    "chart.coverage.title": "Mandates by status and implementer",
    "chart.coverage.x": "Number of mandates",
    "chart.coverage.y": "Implementer",
    "chart.timeline.title": "Milestones over time",
    "chart.timeline.x": "Date",
    "chart.timeline.y": "Milestone",
    "chart.timeline.as_of": "as of {date}",
    "chart.mandates.title": "Mandates by status",
    "chart.reporting.title": "Actions reported by implementer",
    "chart.reporting.x": "Number of actions",
    "chart.indicator.title": "{indicator}",
    "chart.indicator.y": "Value",
    "chart.absentee.registered.title": "Registered voters abroad",
    "chart.absentee.voted.title": "Votes cast abroad",
    "chart.absentee.turnout.title": "Turnout of voters abroad",
    "chart.absentee.x": "Country and election",
    "chart.absentee.y_persons": "Persons",
    "chart.absentee.y_share": "Share of registered voters",
    # vocabularies
    "mandate_status.action_reported": "action reported",
    "mandate_status.planned_only": "planned only",
    "mandate_status.no_action_reported": "no action reported",
    "milestone_status.met": "met",
    "milestone_status.missed": "missed",
    "milestone_status.past_unreported": "past, completion not reported",
    "milestone_status.in_progress": "in progress",
    "milestone_status.due": "due",
    "milestone_status.overdue": "overdue",
    "milestone_status.not_yet_due": "not yet due",
    "milestone_status.undetermined": "undetermined",
    "lifecycle.planned": "planned",
    "lifecycle.in_progress": "in progress",
    "lifecycle.completed": "completed",
    "lifecycle.suspended": "suspended",
    "lifecycle.cancelled": "cancelled",
    "lifecycle.no_information": "no information",
    "compliance.total": "total compliance",
    "compliance.substantial_partial": "substantial partial compliance",
    "compliance.partial": "partial compliance",
    "compliance.pending": "compliance pending",
    "compliance.incompatible": "incompatible",
    "action_kind.carried_out": "carried out",
    "action_kind.planned": "planned",
    "implementer_kind.oas_organ": "OAS organ or office",
    "implementer_kind.oas_group": "group of OAS bodies",
    "implementer_kind.member_state": "member state",
    "implementer_kind.multilateral": "multilateral and regional organizations",
    "implementer_kind.civil_society": "civil society organizations",
    "quality_kind.contradiction": "contradiction",
    "quality_kind.count_mismatch": "count mismatch",
    "quality_kind.odd_format": "odd format",
    "quality_kind.numbering": "numbering",
    "quality_kind.missing": "missing",
    "quality_kind.ambiguity": "ambiguity",
    "precision.day": "day",
    "precision.days": "days",
    "precision.month": "month",
    "precision.months": "months",
    "precision.quarter": "quarter",
    "precision.semester": "semester",
    "precision.half": "half year",
    "precision.season": "season",
    "precision.year": "year",
    "precision.range": "open range",
    "precision.recurring": "recurring",
}

ES: dict[str, str] = {
    "program.title": "Programa Interamericano para la Promoción y Protección de los Derechos Humanos de los Migrantes, Incluyendo los Trabajadores Migratorios y sus Familias",
    "report.implementer.title": "Informe por responsable: {name}",
    "report.overview.title": "Panorama del Programa",
    "report.absentee.title": "Voto en el exterior: cifras del voto de los residentes en el extranjero",
    "report.explore.title": "Exploración de los datos del Programa",
    "report.meta": "Reunión: {meeting}. Cifras al {as_of}. Versión de los datos {version}.",
    "report.no_meeting": "ninguna reunión seleccionada",
    "report.language_note": "Este informe está en español. El texto propio del Plan de Trabajo (actividades, descripciones, extractos y fechas tal como están escritas) se cita tal como fue escrito, en inglés.",
    "heading.key_figures": "Cifras clave",
    "heading.mandates": "Mandatos",
    "heading.actions_carried_out": "Acciones realizadas",
    "heading.actions_planned": "Acciones previstas",
    "heading.timeline": "Cronograma de hitos",
    "heading.due_overdue": "Hitos vencidos o en curso",
    "heading.undated": "Hitos sin fecha utilizable",
    "heading.indicators": "Indicadores",
    "heading.data_quality": "Notas sobre la calidad de los datos",
    "heading.changes": "Cambios desde la última reunión",
    "heading.sources": "Fuentes",
    "heading.coverage": "Cobertura de los mandatos",
    "heading.reporting": "Estado de los informes",
    "heading.not_reported": "Responsables que no han informado nada",
    "heading.key_indicators": "Indicadores clave",
    "heading.absentee": "Voto en el exterior por país y elección",
    "heading.absentee_charts": "Electores inscritos, votos emitidos y participación",
    "heading.new_actions": "Acciones nuevas",
    "heading.status_changes": "Cambios de estado",
    "heading.milestones_newly_met": "Hitos cumplidos desde entonces",
    "heading.milestones_newly_overdue": "Hitos vencidos desde entonces",
    "heading.milestones_newly_missed": "Hitos no cumplidos desde entonces",
    "heading.milestones_newly_past_unreported": "Hitos vencidos desde entonces sin informe de cumplimiento",
    "heading.new_figures": "Cifras nuevas",
    "text.none": "Ninguno.",
    "text.no_mandates": "El Programa no asigna actividades específicas a este responsable.",
    "text.no_actions": "No se informan acciones de este tipo.",
    "text.no_milestones": "No hay hitos registrados.",
    "text.no_due": "Ningún hito está vencido o en curso al {as_of}.",
    "text.no_indicators": "No se informan cifras.",
    "text.no_quality": "Ninguna nota de calidad de los datos se refiere a este responsable.",
    "text.no_changes_snapshot": "No hay una instantánea anterior con la cual comparar.",
    "text.no_changes": "No hay cambios desde la última reunión.",
    "text.all_reported": "Todos los responsables han informado al menos una acción.",
    "text.undated_note": "Estos hitos se enumeran pero no se dibujan: el Plan de Trabajo no da un período utilizable.",
    "text.timeline_legend": 'Las barras sólidas son fechas exactas. Las barras translúcidas de bordes difusos son períodos aproximados (un mes, un trimestre, "marzo o abril"): el hito cae en algún momento dentro de ellas. ↻ indica un hito recurrente. La línea discontinua es la fecha de corte.',
    "text.turnout_note": "La participación se calcula a partir de las dos cifras informadas (votos emitidos ÷ electores inscritos); nunca se escribe a mano.",
    "text.not_reported_note": '"No informado" significa que el Plan de Trabajo no da la cifra; no es cero.',
    "text.sources_note": "Cada referencia numerada indica la sección del Plan de Trabajo y el extracto del que proviene la fila.",
    "text.unknown_implementer": "responsable desconocido {value!r}; conocidos: {known}",
    "text.unknown_meeting": "reunión desconocida {value!r}; conocidas: {known}",
    "text.bad_as_of": "as_of debe ser una fecha ISO AAAA-MM-DD; se recibió {value!r}",
    "label.implementer": "Responsable",
    "label.kind": "Tipo",
    "label.mandate": "Mandato",
    "label.text": "Actividad asignada",
    "label.status": "Estado",
    "label.actions": "Acciones",
    "label.action": "Acción",
    "label.description": "Descripción",
    "label.period": "Período tal como está escrito",
    "label.start": "Desde",
    "label.end": "Hasta",
    "label.lifecycle": "Ciclo de vida",
    "label.compliance": "Cumplimiento",
    "label.evidence": "Evidencia",
    "label.milestone": "Hito",
    "label.precision": "Precisión",
    "label.recurring": "Recurrente",
    "label.achieved": "Logrado",
    "label.indicator": "Indicador",
    "label.country": "País",
    "label.election": "Elección",
    "label.value": "Valor",
    "label.as_written": "Tal como está escrito",
    "label.unit": "Unidad",
    "label.issue": "Nota",
    "label.source": "Fuente",
    "label.section": "Sección",
    "label.excerpt": "Extracto",
    "label.count": "Número",
    "label.total": "Total",
    "label.yes": "sí",
    "label.no": "no",
    "label.not_reported": "no informado",
    "label.not_assessed": "sin evaluar",
    "label.unknown": "desconocido",
    "label.mandates": "Mandatos",
    "label.mandates_with_action": "Mandatos con una acción informada",
    "label.share_mandates_with_action": "Proporción de mandatos con una acción informada",
    "label.actions_carried_out": "Acciones realizadas",
    "label.actions_planned": "Acciones previstas",
    "label.milestones": "Hitos",
    "label.milestones_overdue": "Hitos vencidos",
    "label.milestones_due": "Hitos en curso",
    "label.milestones_met": "Hitos cumplidos",
    "label.observations": "Cifras informadas",
    "label.implementers": "Responsables",
    "label.implementers_with_data": "Responsables con datos",
    "label.implementers_without_reports": "Responsables que no informaron ninguna acción",
    "label.registered": "Electores inscritos en el exterior",
    "label.voted": "Votos emitidos en el exterior",
    "label.turnout": "Participación",
    "label.change": "Cambio",
    "label.old": "Antes",
    "label.new": "Ahora",
    "chart.coverage.title": "Mandatos por estado y responsable",
    "chart.coverage.x": "Número de mandatos",
    "chart.coverage.y": "Responsable",
    "chart.timeline.title": "Hitos en el tiempo",
    "chart.timeline.x": "Fecha",
    "chart.timeline.y": "Hito",
    "chart.timeline.as_of": "al {date}",
    "chart.mandates.title": "Mandatos por estado",
    "chart.reporting.title": "Acciones informadas por responsable",
    "chart.reporting.x": "Número de acciones",
    "chart.indicator.title": "{indicator}",
    "chart.indicator.y": "Valor",
    "chart.absentee.registered.title": "Electores inscritos en el exterior",
    "chart.absentee.voted.title": "Votos emitidos en el exterior",
    "chart.absentee.turnout.title": "Participación de los electores en el exterior",
    "chart.absentee.x": "País y elección",
    "chart.absentee.y_persons": "Personas",
    "chart.absentee.y_share": "Proporción de electores inscritos",
    "mandate_status.action_reported": "acción informada",
    "mandate_status.planned_only": "solo prevista",
    "mandate_status.no_action_reported": "ninguna acción informada",
    "milestone_status.met": "cumplido",
    "milestone_status.due": "en curso",
    "milestone_status.missed": "no cumplido",
    "milestone_status.past_unreported": "vencido, cumplimiento no informado",
    "milestone_status.in_progress": "en curso",
    "milestone_status.overdue": "vencido",
    "milestone_status.not_yet_due": "aún no vence",
    "milestone_status.undetermined": "indeterminado",
    "lifecycle.planned": "prevista",
    "lifecycle.in_progress": "en ejecución",
    "lifecycle.completed": "finalizada",
    "lifecycle.suspended": "suspendida",
    "lifecycle.cancelled": "cancelada",
    "lifecycle.no_information": "sin información",
    "compliance.total": "cumplimiento total",
    "compliance.substantial_partial": "cumplimiento parcial sustancial",
    "compliance.partial": "cumplimiento parcial",
    "compliance.pending": "cumplimiento pendiente",
    "compliance.incompatible": "incompatible",
    "action_kind.carried_out": "realizada",
    "action_kind.planned": "prevista",
    "implementer_kind.oas_organ": "órgano u oficina de la OEA",
    "implementer_kind.oas_group": "grupo de órganos de la OEA",
    "implementer_kind.member_state": "Estado miembro",
    "implementer_kind.multilateral": "organizaciones multilaterales y regionales",
    "implementer_kind.civil_society": "organizaciones de la sociedad civil",
    "quality_kind.contradiction": "contradicción",
    "quality_kind.count_mismatch": "recuento que no coincide",
    "quality_kind.odd_format": "formato inusual",
    "quality_kind.numbering": "numeración",
    "quality_kind.missing": "faltante",
    "quality_kind.ambiguity": "ambigüedad",
    "precision.day": "día",
    "precision.days": "días",
    "precision.month": "mes",
    "precision.months": "meses",
    "precision.quarter": "trimestre",
    "precision.semester": "semestre",
    "precision.half": "semestre",
    "precision.season": "estación",
    "precision.year": "año",
    "precision.range": "intervalo abierto",
    "precision.recurring": "recurrente",
}

STRINGS: dict[str, dict[str, str]] = {"en": EN, "es": ES}


class LanguageError(AnalysisError):
    """A report language other than those in :data:`LANGUAGES`."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if the reports speak it, else raise :class:`LanguageError`."""
    if lang not in LANGUAGES:
        raise LanguageError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str = "en", **values) -> str:
    """The string ``key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    Raises ``KeyError`` for an unknown key.
    """
    text = STRINGS[check_lang(lang)][key]
    return text.format(**values) if values else text


def label(vocabulary: str, value: str, lang: str = "en") -> str:
    """Localized name of a vocabulary value, e.g. ``label("milestone_status", "overdue", "es")``."""
    return t(f"{vocabulary}.{value}", lang)


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value, lang: str = "en", decimals: int | None = None) -> str:
    """A number with the language's separators; missing -> "not reported".

    Whole numbers print without decimals unless ``decimals`` is given.
    """
    if _missing(value):
        return t("label.not_reported", lang)
    value = float(value)
    if decimals is None:
        decimals = 0 if value.is_integer() else 2
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[check_lang(lang)])


def fmt_percent(value, lang: str = "en", decimals: int = 1) -> str:
    """A share (0.457) as a percentage ("45.7%" / "45,7%"); missing -> "not reported"."""
    if _missing(value) or (isinstance(value, float) and math.isinf(value)):
        return t("label.not_reported", lang)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(float(value), format=pattern, locale=LOCALES[check_lang(lang)])


def fmt_date(value, lang: str = "en") -> str:
    """A full date: "16 March 2006" / "16 de marzo de 2006"; missing -> ""."""
    d = as_date(value)
    return format_date(d, _DATE_PATTERNS[check_lang(lang)], locale=LOCALES[lang]) if d else ""


def fmt_month(value, lang: str = "en") -> str:
    """A month: "March 2007" / "marzo de 2007"; missing -> ""."""
    d = as_date(value)
    return format_date(d, _MONTH_PATTERNS[check_lang(lang)], locale=LOCALES[lang]) if d else ""


def fmt_bool(value, lang: str = "en") -> str:
    """yes / no (sí / no); missing -> "unknown"."""
    if _missing(value):
        return t("label.unknown", lang)
    return t("label.yes" if bool(value) else "label.no", lang)
