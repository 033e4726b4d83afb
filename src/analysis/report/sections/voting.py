"""Voting abroad: figures by country and election, what cannot be computed, the report's own notes, charts."""

from __future__ import annotations

import re

import pandas as pd

from analysis.dataset.loading import Dataset
from analysis.measures import derived_indicators
from analysis.report import charts
from analysis.report.context import MAX_BARS, MAX_CHARTS, MAX_TABLE_ROWS, Report, capped, per_dataset, sheet_name
from analysis.report.sections.figures import (
    NOT_ADDITIVE_UNITS,
    country_name,
    election_name,
    fmt_value,
    indicator_name,
    others_label,
    unit,
)
from analysis.report.sections.implementer import empty
from analysis.report.sections.notes import notes_table
from analysis.report.tables import Html, html_table, join, paragraph

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_VOTING_COLUMNS = ["observation_id", "indicator_id", "country", "election", "comparator", "value"]


def _voting_inputs(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The observations with a country and an election, and the indicators derived from them (once per dataset)."""

    def build():
        obs = ds.observations[_VOTING_COLUMNS]  # the columns these sections read: 6 of 15 rows' cells copied
        # A missing cell counts as filled, as its text "<NA>" did; compared as Arrow text, not 1M Python strings.
        obs = obs[(obs["country"] != "").fillna(True) & (obs["election"] != "").fillna(True)]
        return obs, derived_indicators(ds.indicators, obs)

    return per_dataset(ds, ("voting",), build)


def _stacked(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The rows of both frames (an empty one left out: pandas warns on concatenating it)."""
    parts = [f for f in (first, second) if len(f)]
    return pd.concat(parts) if parts else first


def voting_indicators(ds: Dataset) -> tuple[list[str], pd.Series]:
    """Every voting-abroad indicator (observed, then derived, each in the indicators' order) and how many
    (country, election) pairs have a figure for it (once per dataset)."""
    return per_dataset(ds, ("voting_indicators",), lambda: _voting_indicators(ds))


def _voting_indicators(ds: Dataset) -> tuple[list[str], pd.Series]:
    obs, derived = _voting_inputs(ds)
    exact = obs[obs["comparator"].isin(["=", "~"]) & obs["value"].notna()]
    pairs = _stacked(
        exact[["country", "election", "indicator_id"]],
        derived.loc[derived["value"].notna(), ["country", "election", "indicator_id"]],
    ).drop_duplicates()
    counts = pairs.groupby("indicator_id").size()
    order = ds.indicators["indicator_id"].tolist()
    observed, made = set(obs["indicator_id"].unique()), set(derived["indicator_id"].unique())
    return [i for i in order if i in observed] + [i for i in order if i in made and i not in observed], counts


def voting_abroad(
    ds: Dataset, max_indicators: int | None = None, max_rows: int | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """One row per (country, election) with every figure about it, observed and derived.

    Data-driven: any observation with a country and an election counts, and
    every derived indicator computable from them (e.g. turnout =
    absentee_voted / absentee_registered, by :func:`derived_indicators`).
    Returns the frame (a missing figure is NaN, never 0) and the indicator
    ids in column order. ``max_indicators`` keeps the indicators with the most
    figures, ``max_rows`` the (country, election) pairs with the most of their figures (in
    country order; a pair with none of them is left out); vectorized, O(n log n).
    """
    obs, derived = _voting_inputs(ds)
    ids, counts = voting_indicators(ds)
    if max_indicators is not None and len(ids) > max_indicators:
        top = set(sorted(ids, key=lambda i: -int(counts.get(i, 0)))[:max_indicators])  # stable: data order on ties
        ids = [i for i in ids if i in top]
    keys = obs[["country", "election"]].drop_duplicates().sort_values(["country", "election"])
    keys = keys.reset_index(drop=True).astype(object)
    exact = obs[obs["comparator"].isin(["=", "~"]) & obs["indicator_id"].isin(ids)]
    made = derived[derived["indicator_id"].isin(ids) & ~derived["indicator_id"].isin(set(exact["indicator_id"]))]
    values = _stacked(
        exact[["country", "election", "indicator_id", "value"]], made[["country", "election", "indicator_id", "value"]]
    )
    values = values.astype({"country": object, "election": object, "indicator_id": object})
    wide = values.groupby(["country", "election", "indicator_id"])["value"].first().unstack("indicator_id")
    out = keys.merge(wide.reset_index(), on=["country", "election"], how="left").reindex(
        columns=["country", "election", *ids]
    )
    if max_rows is not None:  # the pairs with the most figures, in country order; none without a figure shown
        filled = out[ids].notna().sum(axis=1)
        filled = filled[filled > 0]
        out = out.loc[sorted(filled.sort_values(ascending=False, kind="stable").index[:max_rows])]
        out = out.reset_index(drop=True)
        keys = out[["country", "election"]]
    shown = pd.MultiIndex.from_arrays([obs["country"], obs["election"]]).isin(pd.MultiIndex.from_frame(keys))
    mine = obs[shown].astype({"country": object, "election": object}).merge(keys, on=["country", "election"])
    if not set(ids) & set(derived["indicator_id"]):  # no derived column (whose inputs may be any): shown figures only
        mine = mine[mine["indicator_id"].isin(ids)]
    refs = mine.groupby(["country", "election"])["observation_id"].agg(lambda s: ";".join(map(str, s)))
    out["observation_ids"] = [refs.get((c, e), "") for c, e in zip(out["country"], out["election"])]
    return out, ids


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
    ids = {o for row in frame["observation_ids"] for o in row.split(";") if o}
    obs = rep.ds.observations
    obs = obs[obs["observation_id"].isin(ids)]
    where = dict(zip(obs["observation_id"], zip(obs["section"], obs["excerpt"])))
    return [
        join(
            [
                rep.ref(sec, exc) for sec, exc in dict.fromkeys(where[o] for o in row.split(";") if o)
            ],  # one link per source
            " ",
        )
        for row in frame["observation_ids"]
    ]


def _notes(rep: Report, frame: pd.DataFrame) -> Html | None:
    """The data-quality notes naming any of the voting figures' rows."""
    ids = {o for row in frame["observation_ids"] for o in row.split(";") if o}
    dq = rep.ds.data_quality
    mask = [any(part.split(":", 1)[-1].strip() in ids for part in str(rows).split(";")) for rows in dq["rows"].tolist()]
    mine, cut = capped(rep, dq[mask].reset_index(drop=True), sheet="data_quality")
    if mine.empty:
        return None
    return join([paragraph(cut, "oas-note"), notes_table(rep, mine)]) if cut else notes_table(rep, mine)


def _cut_notes(rep: Report, rows: int, columns: int) -> list[Html]:
    """What the table leaves out at scale: indicators (columns) and (country, election) rows; where they all are."""
    obs, _ = _voting_inputs(rep.ds)
    total_rows = len(obs[["country", "election"]].drop_duplicates())
    total_columns = len(voting_indicators(rep.ds)[0])
    out = []
    if columns < total_columns:
        note = rep.t("text.columns_capped", shown=columns, total=total_columns, sheet=sheet_name(rep, "observations"))
        out.append(paragraph(note, "oas-note"))
    if rows < total_rows:
        note = rep.t("text.capped_filled", shown=rows, total=total_rows, sheet=sheet_name(rep, "observations"))
        out.append(paragraph(note, "oas-note"))
    return out


def absentee_section(rep: Report) -> Html:
    """Voting-abroad figures by country and election, their notes, and one horizontal bar chart per indicator."""
    frame, indicators = voting_abroad(rep.ds, MAX_CHARTS, MAX_TABLE_ROWS)
    parts = [rep.heading(rep.t("heading.absentee"), 2, id="absentee")]
    if frame.empty:
        return join([*parts, empty(rep, "text.no_indicators")])
    parts += _cut_notes(rep, len(frame), len(indicators))
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
    parts += _charts(rep, frame, indicators, table["election"].tolist(), derived)
    return join(parts)


def _charts(
    rep: Report, frame: pd.DataFrame, indicators: list[str], elections: list[str], derived: set[str]
) -> list[Html]:
    """One horizontal bar chart per indicator with a figure: its :data:`MAX_BARS` largest values at most."""
    cats = short_categories([country_name(rep.ds, c, rep.lang) for c in frame["country"]], frame["election"])
    hover = [f"{c} — {e}" for c, e in zip(cats, elections)]
    out = []
    if len(frame) > MAX_BARS:
        out.append(
            paragraph(rep.t("text.bars_capped", bars=MAX_BARS, sheet=sheet_name(rep, "observations")), "oas-note")
        )
    for ind in indicators:
        if not frame[ind].notna().any():
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
            limit=MAX_BARS,
            others=None if ind in derived or unit(rep.ds, ind) in NOT_ADDITIVE_UNITS else others_label(rep),
        )
        out.append(charts.chart_html(fig))
    return out
