"""Voting abroad: figures by country and election, what cannot be computed, the report's own notes, charts."""

from __future__ import annotations

import re

import pandas as pd

from analysis.dataset.loading import Dataset
from analysis.measures import derived_indicators
from analysis.report import charts
from analysis.report.context import Report
from analysis.report.sections.figures import country_name, election_name, fmt_value, indicator_name, unit
from analysis.report.sections.implementer import empty
from analysis.report.sections.notes import notes_table
from analysis.report.tables import Html, html_table, join, paragraph

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


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


def short_categories(countries: list[str], elections) -> list[str]:
    """Short, unique chart categories: the country, with the election's year when a country has several."""
    years = [(_YEAR.findall(str(e)) or [""])[0] for e in elections]
    out = [f"{c} {y}".strip() if countries.count(c) > 1 else c for c, y in zip(countries, years)]
    seen: dict[str, int] = {}
    for i, c in enumerate(out):
        seen[c] = seen.get(c, 0) + 1
        if out.count(c) > 1:
            out[i] = f"{c} ({seen[c]})"
    return out


def _derived_ids(ds: Dataset) -> set[str]:
    return set(ds.indicators.loc[ds.indicators["kind"] == "derived", "indicator_id"])


def _cell(rep: Report, ind: str, value, derived: set[str]) -> str:
    """A figure; a missing derived value "cannot be computed" (an input is missing), a missing one "not reported"."""
    if pd.isna(value) and ind in derived:
        return rep.t("label.cannot_compute")
    return fmt_value(rep.ds, ind, value, rep.lang)


def _sources(rep: Report, frame: pd.DataFrame) -> list[Html]:
    obs = rep.ds.observations.set_index("observation_id")
    return [
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


def _notes(rep: Report, frame: pd.DataFrame) -> Html | None:
    """The data-quality notes naming any of the voting figures' rows."""
    ids = {o for ids in frame["observation_ids"] for o in ids.split(";") if o}
    dq = rep.ds.data_quality
    mask = [any(part.split(":", 1)[-1].strip() in ids for part in str(rows).split(";")) for rows in dq["rows"]]
    mine = dq[mask].reset_index(drop=True)
    return None if mine.empty else notes_table(rep, mine)


def absentee_section(rep: Report) -> Html:
    """Voting-abroad figures by country and election, their notes, and one horizontal bar chart per indicator."""
    frame, indicators = voting_abroad(rep.ds)
    parts = [rep.heading(rep.t("heading.absentee"), 2, id="absentee")]
    if frame.empty:
        return join([*parts, empty(rep, "text.no_indicators")])
    derived = _derived_ids(rep.ds)
    table = pd.DataFrame(
        {
            "country": [country_name(rep.ds, c, rep.lang) for c in frame["country"]],
            "election": [election_name(rep, c, e) for c, e in zip(frame["country"], frame["election"])],
        }
    )
    labels = {"country": rep.t("label.country"), "election": rep.t("label.election"), "source": rep.t("label.source")}
    for ind in indicators:
        table[ind] = [_cell(rep, ind, v, derived) for v in frame[ind]]
        labels[ind] = indicator_name(rep.ds, ind, rep.lang)
    table["source"] = _sources(rep, frame)
    parts += [
        html_table(table, rep.lang, labels),
        paragraph(rep.t("text.not_reported_note"), "oas-note"),
        paragraph(rep.t("text.turnout_note"), "oas-note"),
    ]
    notes = _notes(rep, frame)
    if notes is not None:
        parts += [rep.heading(rep.t("heading.absentee_notes"), 3, id="absentee-notes"), notes]
    parts.append(rep.heading(rep.t("heading.absentee_charts"), 3, id="absentee-charts"))
    cats = short_categories([country_name(rep.ds, c, rep.lang) for c in frame["country"]], frame["election"])
    hover = [f"{c} — {e}" for c, e in zip(cats, table["election"])]
    for ind in indicators:
        if frame[ind].notna().sum() == 0:
            continue
        ratio = unit(rep.ds, ind) == "ratio"
        fig = charts.bar_chart(
            cats,
            frame[ind].tolist(),
            title=indicator_name(rep.ds, ind, rep.lang),
            y_title=rep.t("chart.absentee.y_share" if ratio else "chart.absentee.y_persons"),
            lang=rep.lang,
            percent=ratio,
            hover=hover,
            missing=rep.t("label.cannot_compute") if ind in derived else None,
        )
        parts.append(charts.chart_html(fig))
    return join(parts)
