"""What each report shows, section by section, so the notebooks stay thin.

Two layers: pure functions on the dataset's frames (``implementer_mandates``,
``due_or_overdue``, ``coverage_matrix``, ``voting_abroad``...) that tests check
against hand-computed values, and ``*_section(report)`` functions that turn
them into escaped HTML (:class:`~analysis.report.tables.Html`) with headings in the
report language. A notebook cell is one call, e.g.
``report_content.mandates_section(rep)``.

Every row shown from the data is cited: its Work Plan section and excerpt get
a number ``[n]`` and :func:`sources_section` lists them at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import config, i18n
from analysis.dataset.loading import Dataset, load_dataset
from analysis.errors import AnalysisError
from analysis.measures import (
    MANDATE_STATUSES,
    derived_indicators,
    implementer_counts,
    mandate_status,
    milestone_status,
)
from analysis.measures.changes import CHANGE_KEYS
from analysis.report import charts
from analysis.report.tables import Html, bullets, escape, heading, html_table, join, key_figures, paragraph
from analysis.store.snapshots import changes_for_meeting


class UnknownImplementerError(AnalysisError):
    """A report was asked for an implementer id the data does not have."""


class ReportParameterError(AnalysisError):
    """A report parameter (date, meeting) that cannot be used."""


# ---------------------------------------------------------------- report context


@dataclass
class Report:
    """Everything a report's sections share: data, language, date, citations."""

    ds: Dataset
    lang: str = "en"
    as_of: dt.date = field(default_factory=dt.date.today)
    meeting: object | None = None  # analysis.dataset.meetings.Meeting
    implementer: str | None = None
    data_path: Path | None = None
    meetings_file: Path | None = None
    sources: list[tuple[str, str]] = field(default_factory=list)

    def cite(self, section: str, excerpt: str) -> int:
        """The reference number of a (section, excerpt) pair, adding it if new."""
        key = (str(section), str(excerpt))
        if key not in self.sources:
            self.sources.append(key)
        return self.sources.index(key) + 1

    def ref(self, section: str, excerpt: str) -> Html:
        n = self.cite(section, excerpt)
        return Html(f'<a class="oas-ref" href="#source-{n}">[{n}]</a>')

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    @property
    def meeting_id(self) -> str | None:
        return getattr(self.meeting, "meeting_id", None)


def check_implementer(ds: Dataset, implementer: str) -> str:
    """Return ``implementer`` if the data has it, else raise :class:`UnknownImplementerError`."""
    known = ds.implementers["implementer_id"].astype(str).tolist()
    if implementer not in known:
        raise UnknownImplementerError(f"unknown implementer {implementer!r}; known: {', '.join(known)}")
    return implementer


def parse_as_of(text: str) -> dt.date:
    """An ISO date parameter, or :class:`ReportParameterError`."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ReportParameterError(f"as_of must be an ISO date YYYY-MM-DD, got {text!r}") from None


def resolve_meeting(meeting: str = "", meetings_file: Path | str | None = None, today: dt.date | None = None):
    """The meeting a parameter names ("" = the latest held, "next", or an id); None if none is listed."""
    from analysis.dataset.meetings import load_meetings
    from analysis.dataset.meetings import resolve_meeting as _resolve

    file = Path(meetings_file) if meetings_file else config.MEETINGS_FILE  # resolved by open_report
    if not file.exists():
        if meeting:
            raise ReportParameterError(f"meeting {meeting!r} asked for, but {file} does not exist")
        return None
    meetings = load_meetings(file)
    if not meeting:
        try:
            return _resolve(meetings, None, today=today)
        except AnalysisError:
            return None
    return _resolve(meetings, meeting, today=today)


def open_report(
    implementer: str | None = None,
    meeting: str = "",
    as_of: str = "",
    lang: str = "en",
    data_path: str = "",
    meetings_file: Path | str | None = None,
    today: dt.date | None = None,
) -> Report:
    """Load the data and resolve the notebook parameters into a :class:`Report`.

    Parameters are plain strings as papermill passes them ("" = default):
    ``as_of`` defaults to the meeting's as-of date, else today; ``data_path``
    to ``data/program``. Raises :class:`UnknownImplementerError` for an id
    the data does not have.
    """
    lang = i18n.check_lang(str(lang))
    path = Path(data_path) if data_path else None
    ds = load_dataset(path)
    if implementer is not None:
        check_implementer(ds, str(implementer))
    meetings = config.DataLayout.of(path, meetings_file or None).meetings
    m = resolve_meeting(str(meeting or ""), meetings, today)
    if as_of:
        day = parse_as_of(str(as_of))
    elif m is not None:
        day = m.as_of
    else:
        day = today or dt.date.today()
    return Report(ds, lang, day, m, implementer, path, meetings)


def implementer_name(ds: Dataset, implementer: str, lang: str = "en") -> str:
    """The implementer's name in ``lang`` (Spanish where the data has it)."""
    row = ds.implementers[ds.implementers["implementer_id"] == implementer]
    if row.empty:
        return implementer
    r = row.iloc[0]
    return str(r["name_es"]) if lang == "es" and str(r["name_es"]).strip() else str(r["name_en"])


def title_section(rep: Report, title_key: str, **values) -> Html:
    """The report's h1 title, meeting and as-of line, and the language note."""
    meeting = rep.meeting.title(rep.lang) if rep.meeting is not None else rep.t("report.no_meeting")
    meta = rep.t("report.meta", meeting=meeting, as_of=i18n.fmt_date(rep.as_of, rep.lang), version=rep.ds.version)
    return join(
        [
            heading(rep.t(title_key, **values), 1, id="title"),
            paragraph(rep.t("program.title"), "oas-program"),
            paragraph(meta, "oas-meta"),
            paragraph(rep.t("report.language_note"), "oas-note"),
        ]
    )


# ---------------------------------------------------------------- pure functions


def implementer_mandates(ds: Dataset, implementer: str) -> pd.DataFrame:
    """The implementer's mandates with status (see :func:`analysis.measures.mandate_status`)."""
    ms = mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    ms = ms.merge(ds.mandates[["mandate_id", "section", "excerpt"]], on="mandate_id", how="left")
    return ms[ms["implementer_id"] == implementer].sort_values("seq").reset_index(drop=True)


def implementer_actions(ds: Dataset, implementer: str, kind: str) -> pd.DataFrame:
    """The implementer's actions of one kind (carried_out / planned), with the mandates they serve."""
    a = ds.actions[(ds.actions["implementer_id"] == implementer) & (ds.actions["kind"] == kind)].copy()
    served = ds.action_mandates.groupby("action_id")["mandate_id"].agg(lambda s: ", ".join(sorted(s)))
    a["mandates"] = a["action_id"].map(served).fillna("")
    return a.reset_index(drop=True)


def implementer_milestones(ds: Dataset, implementer: str | None, as_of) -> pd.DataFrame:
    """Milestones (one implementer's, or all for None) with their status as of a date."""
    m = ds.milestones if implementer is None else ds.milestones[ds.milestones["implementer_id"] == implementer]
    out = milestone_status(m, as_of, ds.data_quality)
    return out.sort_values(["implementer_id", "start", "milestone_id"], na_position="last").reset_index(drop=True)


def due_or_overdue(milestones: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`implementer_milestones` that are missed, past unreported or in progress, in that order."""
    order = {"missed": 0, "past_unreported": 1, "in_progress": 2}
    out = milestones[milestones["status"].isin(order)].copy()
    out["_o"] = out["status"].map(order)
    return out.sort_values(["_o", "end", "milestone_id"]).drop(columns="_o").reset_index(drop=True)


def undated(milestones: pd.DataFrame) -> pd.DataFrame:
    """Milestones with neither a start nor an end: listed, never drawn."""
    return milestones[milestones["start"].isna() & milestones["end"].isna()].reset_index(drop=True)


def _ids_in(rows: str) -> list[str]:
    return [part.split(":", 1)[-1].strip() for part in str(rows).split(";") if part.strip()]


def quality_notes(ds: Dataset, implementer: str) -> pd.DataFrame:
    """data_quality rows touching the implementer: by ``implementer_id`` or a row id of theirs in ``rows``."""
    dq = ds.data_quality

    def touches(r) -> bool:
        if r.implementer_id == implementer:
            return True
        return any(i == implementer or i.startswith(implementer + "-") for i in _ids_in(r.rows))

    mask = [touches(r) for r in dq.itertuples(index=False)]
    return dq[mask].reset_index(drop=True)


def key_figures_of(ds: Dataset, implementer: str, as_of) -> dict[str, float]:
    """The implementer's row of :func:`analysis.measures.implementer_counts` as a dict."""
    counts = implementer_counts(ds, as_of)
    row = counts[counts["implementer_id"] == implementer].iloc[0]
    return row.to_dict()


def coverage_matrix(ds: Dataset) -> pd.DataFrame:
    """Implementer x mandate status counts, for implementers with mandates, plus a total."""
    ms = mandate_status(ds.mandates, ds.actions, ds.action_mandates)
    m = pd.crosstab(ms["implementer_id"], ms["status"]).reindex(columns=list(MANDATE_STATUSES), fill_value=0)
    m = m.reset_index()
    m["total"] = m[list(MANDATE_STATUSES)].sum(axis=1)
    order = ds.implementers["implementer_id"].tolist()
    m["_o"] = m["implementer_id"].map({k: i for i, k in enumerate(order)})
    m = m.sort_values("_o").drop(columns="_o").reset_index(drop=True)
    m.columns.name = None
    names = dict(zip(ds.implementers["implementer_id"], ds.implementers["name_en"]))
    m.insert(1, "name", m["implementer_id"].map(names).fillna(""))
    return m


def silent_implementers(ds: Dataset) -> pd.DataFrame:
    """Implementers (member states included) that report no action, carried out or planned."""
    counts = implementer_counts(ds)
    silent = counts[(counts["actions_carried_out"] + counts["actions_planned"]) == 0]
    return silent[["implementer_id", "kind", "name_en", "mandates"]].reset_index(drop=True)


def voting_abroad(ds: Dataset) -> tuple[pd.DataFrame, list[str]]:
    """One row per (country, election) with every figure about it, observed and derived.

    Data-driven: any observation with a country and an election counts, and
    every derived indicator computable from them (e.g. turnout =
    absentee_voted / absentee_registered, by :func:`derived_indicators`).
    Returns the frame (a missing figure is NaN, never 0) and the indicator
    ids in column order.
    """
    obs = ds.observations
    obs = obs[(obs["country"].astype(str) != "") & (obs["election"].astype(str) != "")]
    derived = derived_indicators(ds.indicators, obs)
    observed_ids = [i for i in ds.indicators["indicator_id"] if i in set(obs["indicator_id"])]
    derived_ids = [i for i in ds.indicators["indicator_id"] if i in set(derived["indicator_id"])]
    # a derived indicator whose inputs appear for some election also shows "not reported" elsewhere
    keys = obs[["country", "election"]].drop_duplicates().sort_values(["country", "election"]).reset_index(drop=True)
    out = keys.copy()
    refs = obs.groupby(["country", "election"])["observation_id"].agg(lambda s: ";".join(s))
    for ind in observed_ids:
        sub = obs[(obs["indicator_id"] == ind) & obs["comparator"].isin(["=", "~"])]
        vals = sub.groupby(["country", "election"])["value"].first()
        out[ind] = [vals.get((c, e), float("nan")) for c, e in zip(out["country"], out["election"])]
    for ind in derived_ids:
        sub = derived[derived["indicator_id"] == ind].set_index(["country", "election"])["value"]
        out[ind] = [sub.get((c, e), float("nan")) for c, e in zip(out["country"], out["election"])]
    out["observation_ids"] = [refs.get((c, e), "") for c, e in zip(out["country"], out["election"])]
    return out, observed_ids + derived_ids


# ---------------------------------------------------------------- implementer sections


def _empty(rep: Report, key: str, **values) -> Html:
    return paragraph(rep.t(key, **values), "oas-empty")


def key_figures_section(rep: Report) -> Html:
    """Headline counts for the report's implementer."""
    f = key_figures_of(rep.ds, rep.implementer, rep.as_of)
    lang = rep.lang
    n = lambda v: i18n.fmt_number(v, lang)  # noqa: E731
    row = rep.ds.implementers[rep.ds.implementers["implementer_id"] == rep.implementer].iloc[0]
    items = [
        (rep.t("label.implementer"), f"{implementer_name(rep.ds, rep.implementer, lang)} ({rep.implementer})"),
        (rep.t("label.kind"), i18n.label("implementer_kind", row["kind"], lang)),
        (rep.t("label.mandates"), n(f["mandates"])),
        (rep.t("label.mandates_with_action"), n(f["mandates_action_reported"])),
        (rep.t("label.share_mandates_with_action"), i18n.fmt_percent(f["share_mandates_with_action"], lang)),
        (rep.t("label.actions_carried_out"), n(f["actions_carried_out"])),
        (rep.t("label.actions_planned"), n(f["actions_planned"])),
        (rep.t("label.milestones"), n(f["milestones"])),
        (rep.t("label.milestones_met"), n(f["milestones_met"])),
        (rep.t("label.milestones_due"), n(f["milestones_due"])),
        (rep.t("label.milestones_overdue"), n(f["milestones_overdue"])),
        (rep.t("label.observations"), n(f["observations"])),
    ]
    return join([heading(rep.t("heading.key_figures"), 2, id="key-figures"), key_figures(items)])


def mandates_section(rep: Report) -> Html:
    """The implementer's mandates, each with its status and a chart of the statuses."""
    ms = implementer_mandates(rep.ds, rep.implementer)
    parts = [heading(rep.t("heading.mandates"), 2, id="mandates")]
    if ms.empty:
        return join([*parts, _empty(rep, "text.no_mandates")])
    table = pd.DataFrame(
        {
            "mandate": ms["mandate_id"],
            "text": ms["text"],
            "status": [i18n.label("mandate_status", s, rep.lang) for s in ms["status"]],
            "actions": ms["action_ids"].str.replace(";", ", "),
            "source": [rep.ref(s, e) for s, e in zip(ms["section"], ms["excerpt"])],
        }
    )
    labels = {k: rep.t(f"label.{k}") for k in ("mandate", "text", "status", "actions", "source")}
    fig = charts.mandate_status_chart(ms, rep.lang)
    return join([*parts, html_table(table, rep.lang, labels), charts.chart_html(fig)])


def actions_section(rep: Report, kind: str) -> Html:
    """The implementer's actions carried out (``kind="carried_out"``) or planned."""
    a = implementer_actions(rep.ds, rep.implementer, kind)
    parts = [heading(rep.t(f"heading.actions_{kind}"), 2, id=f"actions-{kind}")]
    if a.empty:
        return join([*parts, _empty(rep, "text.no_actions")])
    table = pd.DataFrame(
        {
            "action": a["action_id"],
            "description": a["description"],
            "period": a["period_text"],
            "lifecycle": [i18n.label("lifecycle", s, rep.lang) for s in a["lifecycle_status"]],
            "compliance": [
                i18n.label("compliance", c, rep.lang) if c else rep.t("label.not_assessed") for c in a["compliance"]
            ],
            "mandate": a["mandates"],
            "evidence": a["evidence"],
            "source": [rep.ref(s, e) for s, e in zip(a["section"], a["excerpt"])],
        }
    )
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    return join([*parts, html_table(table, rep.lang, labels)])


def _milestone_table(rep: Report, m: pd.DataFrame) -> Html:
    table = pd.DataFrame(
        {
            "milestone": m["milestone_id"],
            "description": m["description"],
            "period": m["period_text"],
            "start": m["start"],
            "end": m["end"],
            "status": [i18n.label("milestone_status", s, rep.lang) for s in m["status"]],
            "source": [rep.ref(s, e) for s, e in zip(m["section"], m["excerpt"])],
        }
    )
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    return html_table(table, rep.lang, labels)


def timeline_section(rep: Report, implementer: str | None = "__report__") -> Html:
    """The Gantt chart of milestones (fuzzy periods drawn fuzzy), the full list, and the undated ones."""
    who = rep.implementer if implementer == "__report__" else implementer
    m = implementer_milestones(rep.ds, who, rep.as_of)
    parts = [heading(rep.t("heading.timeline"), 2, id="timeline")]
    if m.empty:
        return join([*parts, _empty(rep, "text.no_milestones")])
    drawable = m[m["start"].notna() | m["end"].notna()]
    if not drawable.empty:
        parts += [
            paragraph(rep.t("text.timeline_legend"), "oas-note"),
            charts.chart_html(charts.timeline_chart(drawable, rep.lang, rep.as_of)),
        ]
    parts.append(_milestone_table(rep, m))
    u = undated(m)
    if not u.empty:
        parts += [
            heading(rep.t("heading.undated"), 3, id="undated"),
            paragraph(rep.t("text.undated_note")),
            bullets(
                join([r.milestone_id, " — ", r.description, " (", r.period_text, ") ", rep.ref(r.section, r.excerpt)])
                for r in u.itertuples(index=False)
            ),
        ]
    return join(parts)


def due_section(rep: Report) -> Html:
    """Milestones overdue or due as of the report date."""
    m = due_or_overdue(implementer_milestones(rep.ds, rep.implementer, rep.as_of))
    parts = [heading(rep.t("heading.due_overdue"), 2, id="due-overdue")]
    if m.empty:
        return join([*parts, _empty(rep, "text.no_due", as_of=i18n.fmt_date(rep.as_of, rep.lang))])
    return join([*parts, _milestone_table(rep, m)])


def indicator_name(ds: Dataset, indicator: str, lang: str) -> str:
    row = ds.indicators[ds.indicators["indicator_id"] == indicator]
    if row.empty:
        return indicator
    return str(row.iloc[0]["name_es" if lang == "es" else "name_en"]) or indicator


def _unit(ds: Dataset, indicator: str) -> str:
    row = ds.indicators[ds.indicators["indicator_id"] == indicator]
    return str(row.iloc[0]["unit"]) if not row.empty else ""


def _fmt_value(ds: Dataset, indicator: str, value, lang: str) -> str:
    return i18n.fmt_percent(value, lang) if _unit(ds, indicator) == "ratio" else i18n.fmt_number(value, lang)


def _observations_table(rep: Report, obs: pd.DataFrame) -> Html:
    table = pd.DataFrame(
        {
            "indicator": [indicator_name(rep.ds, i, rep.lang) for i in obs["indicator_id"]],
            "implementer": obs["implementer_id"],
            "country": obs["country"],
            "election": obs["election"],
            "period": obs["period_text"],
            "value": [
                join([c + " " if c not in ("=", "") else "", _fmt_value(rep.ds, i, v, rep.lang)])
                for c, i, v in zip(obs["comparator"], obs["indicator_id"], obs["value"])
            ],
            "as_written": obs["value_as_written"],
            "source": [rep.ref(s, e) for s, e in zip(obs["section"], obs["excerpt"])],
        }
    )
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    return html_table(table, rep.lang, labels)


def _derived_table(rep: Report, obs: pd.DataFrame) -> Html | None:
    d = derived_indicators(rep.ds.indicators, obs)
    if d.empty:
        return None
    table = pd.DataFrame(
        {
            "indicator": [indicator_name(rep.ds, i, rep.lang) for i in d["indicator_id"]],
            "country": d["country"],
            "election": d["election"],
            "value": [_fmt_value(rep.ds, i, v, rep.lang) for i, v in zip(d["indicator_id"], d["value"])],
        }
    )
    return html_table(table, rep.lang, {k: rep.t(f"label.{k}") for k in table.columns})


def indicators_section(rep: Report) -> Html:
    """Figures the implementer reports, derived values, and a chart per indicator with several figures."""
    obs = rep.ds.observations[rep.ds.observations["implementer_id"] == rep.implementer]
    parts = [heading(rep.t("heading.indicators"), 2, id="indicators")]
    if obs.empty:
        return join([*parts, _empty(rep, "text.no_indicators")])
    parts += _figures(rep, obs)
    for ind, group in obs.groupby("indicator_id", sort=False):
        if len(group) < 2:
            continue
        cats = [
            " ".join(x for x in (c, e or p) if x) or o
            for c, e, p, o in zip(group["country"], group["election"], group["period_text"], group["observation_id"])
        ]
        fig = charts.bar_chart(
            cats,
            group["value"].tolist(),
            title=indicator_name(rep.ds, ind, rep.lang),
            y_title=rep.t("chart.indicator.y"),
            lang=rep.lang,
            percent=_unit(rep.ds, ind) == "ratio",
        )
        parts.append(charts.chart_html(fig))
    return join(parts)


def quality_section(rep: Report) -> Html:
    """The data_quality rows touching the implementer."""
    dq = quality_notes(rep.ds, rep.implementer)
    parts = [heading(rep.t("heading.data_quality"), 2, id="data-quality")]
    if dq.empty:
        return join([*parts, _empty(rep, "text.no_quality")])
    refs = []
    for r in dq.itertuples(index=False):
        ref = rep.ref(r.section, r.excerpt)
        if str(r.section_b).strip():
            ref = join([ref, " ", rep.ref(r.section_b, r.excerpt_b)])
        refs.append(ref)
    table = pd.DataFrame(
        {
            "issue": dq["issue_id"],
            "kind": [i18n.label("quality_kind", k, rep.lang) for k in dq["kind"]],
            "description": dq["description"],
            "source": refs,
        }
    )
    return join([*parts, html_table(table, rep.lang, {k: rep.t(f"label.{k}") for k in table.columns})])


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
    parts = [heading(rep.t("heading.changes"), 2, id="changes")]
    if changes is None:
        return join([*parts, _empty(rep, "text.no_changes_snapshot")])
    shown = [(k, changes[k]) for k in CHANGE_KEYS if k in changes and changes[k] is not None and not changes[k].empty]
    if not shown:
        return join([*parts, _empty(rep, "text.no_changes")])
    for key, frame in shown:
        parts += [heading(rep.t(f"heading.{key}"), 3, id=f"changes-{key}"), html_table(frame, rep.lang)]
    return join(parts)


def sources_section(rep: Report) -> Html:
    """The numbered list of every (section, excerpt) cited so far. Call it last."""
    parts = [heading(rep.t("heading.sources"), 2, id="sources"), paragraph(rep.t("text.sources_note"), "oas-note")]
    items = "".join(
        f'<li id="source-{i}" value="{i}">{escape(rep.t("label.section"))} {escape(s)}: “{escape(e)}”</li>'
        for i, (s, e) in enumerate(rep.sources, start=1)
    )
    return join([*parts, Html(f'<ol class="oas-sources">{items}</ol>')])


# ---------------------------------------------------------------- program sections


def coverage_section(rep: Report) -> Html:
    """The implementer x mandate status matrix, as a table and a stacked bar chart."""
    m = coverage_matrix(rep.ds)
    parts = [heading(rep.t("heading.coverage"), 2, id="coverage")]
    if m.empty:
        return join([*parts, _empty(rep, "text.no_mandates")])
    table = m.drop(columns="name").copy()
    labels = {
        "implementer_id": rep.t("label.implementer"),
        "total": rep.t("label.total"),
        **{s: i18n.label("mandate_status", s, rep.lang) for s in MANDATE_STATUSES},
    }
    total = {"implementer_id": rep.t("label.total"), **{c: int(table[c].sum()) for c in table.columns[1:]}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    return join([*parts, html_table(table, rep.lang, labels), charts.chart_html(charts.coverage_chart(m, rep.lang))])


def reporting_section(rep: Report) -> Html:
    """Actions per implementer, and every implementer (member states too) that reported nothing."""
    counts = implementer_counts(rep.ds, rep.as_of)
    active = counts[(counts["actions_carried_out"] + counts["actions_planned"]) > 0]
    parts = [heading(rep.t("heading.reporting"), 2, id="reporting")]
    if not active.empty:
        table = active[
            [
                "implementer_id",
                "name_en",
                "actions_carried_out",
                "actions_planned",
                "milestones",
                "milestones_overdue",
                "milestones_due",
                "milestones_met",
            ]
        ]
        labels = {
            "implementer_id": rep.t("label.implementer"),
            "name_en": rep.t("label.implementer"),
            **{c: rep.t(f"label.{c}") for c in table.columns[2:]},
        }
        labels["name_en"] = ""
        parts += [html_table(table, rep.lang, labels), charts.chart_html(charts.reporting_chart(active, rep.lang))]
    silent = silent_implementers(rep.ds)
    parts.append(heading(rep.t("heading.not_reported"), 3, id="not-reported"))
    if silent.empty:
        parts.append(_empty(rep, "text.all_reported"))
    else:
        table = pd.DataFrame(
            {
                "implementer": silent["implementer_id"],
                "kind": [i18n.label("implementer_kind", k, rep.lang) for k in silent["kind"]],
                "description": [implementer_name(rep.ds, i, rep.lang) for i in silent["implementer_id"]],
                "mandates": silent["mandates"],
            }
        )
        labels = {
            "implementer": rep.t("label.implementer"),
            "kind": rep.t("label.kind"),
            "description": "",
            "mandates": rep.t("label.mandates"),
        }
        parts.append(html_table(table, rep.lang, labels))
    return join(parts)


def key_indicators_section(rep: Report) -> Html:
    """Every reported figure and every derived value, cited."""
    obs = rep.ds.observations
    parts = [heading(rep.t("heading.key_indicators"), 2, id="key-indicators")]
    if obs.empty:
        return join([*parts, _empty(rep, "text.no_indicators")])
    return join([*parts, *_figures(rep, obs)])


def _figures(rep: Report, obs: pd.DataFrame) -> list[Html]:
    """The observations table, then the derived values (computed, never typed) with their note."""
    parts = [_observations_table(rep, obs)]
    derived = _derived_table(rep, obs)
    if derived is not None:
        parts += [paragraph(rep.t("text.turnout_note"), "oas-note"), derived]
    return parts


# ---------------------------------------------------------------- voting abroad


def country_name(ds: Dataset, iso3: str, lang: str) -> str:
    """A country's name from the implementers table (member states), else the code."""
    imp = ds.implementers
    row = imp[(imp["iso_alpha3"] == iso3) | (imp["implementer_id"] == iso3)]
    return implementer_name(ds, row.iloc[0]["implementer_id"], lang) if not row.empty else iso3


def absentee_section(rep: Report) -> Html:
    """Voting-abroad figures by country and election: table (missing = "not reported") and one chart per indicator."""
    frame, indicators = voting_abroad(rep.ds)
    parts = [heading(rep.t("heading.absentee"), 2, id="absentee")]
    if frame.empty:
        return join([*parts, _empty(rep, "text.no_indicators")])
    obs = rep.ds.observations.set_index("observation_id")
    table = pd.DataFrame(
        {
            "country": [country_name(rep.ds, c, rep.lang) for c in frame["country"]],
            "election": frame["election"],
        }
    )
    labels = {"country": rep.t("label.country"), "election": rep.t("label.election"), "source": rep.t("label.source")}
    for ind in indicators:
        table[ind] = [_fmt_value(rep.ds, ind, v, rep.lang) for v in frame[ind]]
        labels[ind] = indicator_name(rep.ds, ind, rep.lang)
    table["source"] = [
        join(
            [
                rep.ref(sec, exc)
                for sec, exc in dict.fromkeys(  # one link per distinct source
                    (obs.loc[o, "section"], obs.loc[o, "excerpt"]) for o in ids.split(";") if o
                )
            ],
            " ",
        )
        for ids in frame["observation_ids"]
    ]
    parts += [
        html_table(table, rep.lang, labels),
        paragraph(rep.t("text.not_reported_note"), "oas-note"),
        paragraph(rep.t("text.turnout_note"), "oas-note"),
        heading(rep.t("heading.absentee_charts"), 3, id="absentee-charts"),
    ]
    cats = [f"{country_name(rep.ds, c, rep.lang)} — {e}" for c, e in zip(frame["country"], frame["election"])]
    for ind in indicators:
        ratio = _unit(rep.ds, ind) == "ratio"
        fig = charts.bar_chart(
            cats,
            frame[ind].tolist(),
            title=indicator_name(rep.ds, ind, rep.lang),
            x_title=rep.t("chart.absentee.x"),
            y_title=rep.t("chart.absentee.y_share" if ratio else "chart.absentee.y_persons"),
            lang=rep.lang,
            percent=ratio,
        )
        parts.append(charts.chart_html(fig))
    return join(parts)
