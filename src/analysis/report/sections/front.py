"""The front of a report: one title block, the executive summary, the reporting period, the glossary."""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.measures import MILESTONE_STATUSES, program_totals
from analysis.report.context import Report, counts_of, implementer_name
from analysis.report.tables import Html, join, paragraph

# The glossary's entries: each status (terms catalogue) with its definition (reports catalogue).
GLOSSARY = [("milestone_status", s) for s in MILESTONE_STATUSES] + [
    ("mandate_status", s) for s in ("action_reported", "planned_only", "no_action_reported")
]


def title_section(rep: Report, title_key: str, **values) -> Html:
    """What the report adds under the page's one title block: the language note.

    The page header (:mod:`analysis.run.rendering`) holds the title, the Program,
    the meeting, the date of the figures and the data version, so the report does
    not repeat them; the title is given here only as the accessible name of this block.
    """
    name = join([rep.t(title_key, **values)])
    return join(
        [
            Html(f'<div class="oas-front" role="note" aria-label="{name}">'),
            paragraph(rep.t("report.language_note"), "oas-note"),
            Html("</div>"),
        ]
    )


def period_text(rep: Report) -> str:
    """ "from 17 March 2006 to 31 March 2007", or the sentence saying there is no period."""
    start, end = rep.period
    if start is None and end is None:
        return ""
    return rep.t("text.period_span", start=i18n.fmt_date(start, rep.lang), end=i18n.fmt_date(end, rep.lang))


def _counts(rep: Report, implementer: str | None) -> pd.Series:
    counts = counts_of(rep.ds, rep.as_of, implementer, meeting=rep.meeting)
    return counts.iloc[0] if implementer else program_totals(counts)


def milestone_parts(c: pd.Series) -> dict[str, int]:
    """Milestones per summary category: each status, plus "disputed" (late by date, but the date is doubted).

    The measures leave disputed milestones out of the late counts, so the
    disputed category is what the status counts do not cover; the parts sum to
    the number of milestones.
    """
    parts = {s: int(c.get(f"milestones_{s}", 0)) for s in MILESTONE_STATUSES}
    parts["disputed"] = int(c["milestones"]) - sum(parts.values())
    return {k: v for k, v in parts.items() if v}


def _milestone_sentence(rep: Report, c: pd.Series) -> str:
    if not int(c["milestones"]):
        return rep.t("summary.text.no_milestones")
    parts = milestone_parts(c)
    listed = [rep.t(f"summary.milestone.{k}", count=v) for k, v in parts.items()]
    sentence = rep.t("summary.text.milestones", count=int(c["milestones"]), parts=", ".join(listed))
    if "disputed" in parts:
        sentence += " " + rep.t("summary.text.disputed")
    return sentence


def executive_summary(rep: Report, implementer: str | None = "__report__") -> list[str]:
    """Three to five sentences from the measures, in the report's language."""
    who = rep.implementer if implementer == "__report__" else implementer
    c = _counts(rep, who)
    name = implementer_name(rep.ds, who, rep.lang) if who else rep.t("summary.text.program")
    out = []
    if int(c["mandates"]):
        out.append(
            rep.t(
                "summary.text.mandates" if who else "summary.text.program_mandates",
                name=name,
                count=int(c["mandates"]),
                with_action=int(c["mandates_action_reported"]),
                share=share_text(rep, c["mandates_action_reported"], c["mandates"]),
            )
        )
    else:
        out.append(rep.t("summary.text.no_mandates", name=name))
    actions = rep.t(
        "summary.text.actions",
        carried=rep.t("summary.text.carried", count=int(c["actions_carried_out"])),
        planned=rep.t("summary.text.planned", count=int(c["actions_planned"])),
    )
    if int(c.get("actions_planned_past_due", 0)):
        actions += " " + rep.t("summary.text.past_due", count=int(c["actions_planned_past_due"]))
    out.append(actions)
    out.append(_milestone_sentence(rep, c))
    if int(c["observations"]):
        out.append(rep.t("summary.text.figures", count=int(c["observations"])))
    out.append(_reported_sentence(rep, c, who, name))
    return out


def _reported_sentence(rep: Report, c: pd.Series, who: str | None, name: str) -> str:
    if rep.meeting is None:
        return rep.t("summary.text.no_period")
    if who:
        key = "summary.text.reported" if bool(c.get("reported", False)) else "summary.text.not_reported"
        return rep.t(key, name=name, period=period_text(rep))
    return rep.t(
        "summary.text.program_reported",
        count=int(c.get("implementers_reported", 0)),
        silent=rep.t("summary.text.silent", count=int(c.get("implementers_without_reports", 0))),
        period=period_text(rep),
    )


def share_text(rep: Report, part, whole) -> str:
    """part/whole as a percentage, or "not applicable" when there is no denominator."""
    if not whole or pd.isna(whole):
        return rep.t("label.not_applicable")
    return i18n.fmt_percent(float(part) / float(whole), rep.lang)


def summary_section(rep: Report, implementer: str | None = "__report__") -> Html:
    """The executive summary (numbered section 1)."""
    sentences = executive_summary(rep, implementer)
    return join([rep.heading(rep.t("heading.summary"), 2, id="summary"), paragraph(" ".join(sentences), "oas-summary")])


def period_section(rep: Report) -> Html:
    """The reporting period and the one rule that says who reported in it."""
    parts = [rep.heading(rep.t("heading.period"), 2, id="period")]
    span = period_text(rep)
    parts.append(paragraph(rep.t("text.period", span=span) if span else rep.t("summary.text.no_period")))
    parts.append(paragraph(rep.t("text.reported_rule"), "oas-note"))
    return join(parts)


def glossary_section(rep: Report) -> Html:
    """What each status means (an annex)."""
    items = "".join(
        f"<dt>{join([i18n.label(vocab, s, rep.lang)])}</dt><dd>{join([rep.t(f'glossary.{vocab}.{s}')])}</dd>"
        for vocab, s in GLOSSARY
    )
    extra = f"<dt>{join([rep.t('label.disputed')])}</dt><dd>{join([rep.t('glossary.disputed')])}</dd>"
    return join(
        [
            rep.heading(rep.t("heading.glossary"), 2, id="glossary", annex=True),
            Html(f'<dl class="oas-glossary">{items}{extra}</dl>'),
        ]
    )
