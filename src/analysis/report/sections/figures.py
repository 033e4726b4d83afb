"""Figures: an implementer's indicators, the overview's key indicators (a few charted, all in an annex), voting abroad."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from analysis import i18n
from analysis.dataset.loading import Dataset
from analysis.measures import derived_indicators
from analysis.report import charts
from analysis.report.context import (
    MAX_BARS,
    MAX_CHARTS,
    Report,
    capped,
    implementer_name,
    localized,
    per_dataset,
    records,
    sheet_name,
)
from analysis.report.sections.implementer import empty
from analysis.report.sections.notes import note_cells, notes_under
from analysis.report.tables import Html, drop_blank_columns, html_table, join, paragraph

# Units that count things (not ordinal numbers of reports): only these are key indicators.
NOT_KEY_UNITS = ("ordinal",)
# Units whose values do not add up across bars (a share; member states counted per event): no "Others" bar.
NOT_ADDITIVE_UNITS = ("ratio", "ordinal", "member states", "countries")
MIN_CHARTED = 2  # an indicator is charted when it has values for at least this many categories


# Indicator rows by id, built once per dataset: tables call these per value, so a scan per call is O(n^2).
def _indicators(ds: Dataset) -> dict[str, dict]:
    def build():
        frame = ds.indicators.drop_duplicates("indicator_id")
        return dict(zip(frame["indicator_id"].tolist(), records(frame)))

    return per_dataset(ds, ("indicators",), build)


def indicator_name(ds: Dataset, indicator: str, lang: str) -> str:
    """The indicator's name in ``lang`` (``name_es`` where the data has it), else English, else the id."""
    row = _indicators(ds).get(indicator)
    if row is None:
        return indicator
    value = str(row.get(f"name_{lang}", "") or "").strip()
    return value or str(row["name_en"]) or indicator


def unit(ds: Dataset, indicator: str) -> str:
    row = _indicators(ds).get(indicator)
    return str(row["unit"]) if row is not None else ""


def fmt_value(ds: Dataset, indicator: str, value, lang: str) -> str:
    return i18n.fmt_percent(value, lang) if unit(ds, indicator) == "ratio" else i18n.fmt_number(value, lang)


def observations_table(rep: Report, obs: pd.DataFrame) -> Html:
    table = pd.DataFrame(
        {
            "indicator": [indicator_name(rep.ds, i, rep.lang) for i in obs["indicator_id"]],
            # The country, where a figure has one, goes with its implementer: "DPD (Ecuador)", no mostly empty column.
            "implementer": [
                f"{i} ({country_name(rep.ds, c, rep.lang)})" if c else i
                for i, c in zip(obs["implementer_id"], obs["country"].fillna(""))
            ],
            "election": rep.text(obs, "election"),
            "period": obs["period_text"],
            "value": [
                join([c + " " if c not in ("=", "") else "", fmt_value(rep.ds, i, v, rep.lang)])
                for c, i, v in zip(obs["comparator"], obs["indicator_id"], obs["value"])
            ],
            "as_written": obs["value_as_written"],
            "note": note_cells(rep, obs["observation_id"]),
            "source": [rep.ref(s, e) for s, e in zip(obs["section"], obs["excerpt"])],
        }
    )
    if rep.lang != "en":  # the Work Plan's own words for the period and value stay in the sources annex
        table = table.drop(columns=["period", "as_written"])
    table, _ = drop_blank_columns(table, keep=("indicator", "value", "source"))
    widths = {
        "indicator": 30,
        "implementer": 13,
        "election": 14,
        "period": 12,
        "value": 9,
        "as_written": 12,
        "note": 7,
        "source": 6,
    }
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    return join(
        [
            html_table(table, rep.lang, labels, widths={c: widths[c] for c in table.columns}, right=("value",)),
            notes_under(rep, obs["observation_id"]),
        ]
    )


def derived_table(rep: Report, obs: pd.DataFrame) -> Html | None:
    d = derived_indicators(rep.ds.indicators, obs)
    if d.empty:
        return None
    d, cut = capped(rep, d, sheet="derived_indicators")
    table = pd.DataFrame(
        {
            "indicator": [indicator_name(rep.ds, i, rep.lang) for i in d["indicator_id"]],
            "country": [country_name(rep.ds, c, rep.lang) for c in d["country"]],
            "election": [election_name(rep, c, e) for c, e in zip(d["country"], d["election"])],
            "value": [fmt_value(rep.ds, i, v, rep.lang) for i, v in zip(d["indicator_id"], d["value"])],
        }
    )
    shown = html_table(table, rep.lang, {k: rep.t(f"label.{k}") for k in table.columns})
    return join([paragraph(cut, "oas-note"), shown]) if cut else shown


def figures(rep: Report, obs: pd.DataFrame) -> list[Html]:
    """The observations table, then the derived values (computed, never typed) with their note."""
    shown, cut = capped(rep, obs)
    parts = ([paragraph(cut, "oas-note")] if cut else []) + [observations_table(rep, shown)]
    derived = derived_table(rep, obs)
    if derived is not None:
        parts += [paragraph(rep.t("text.turnout_note"), "oas-note"), derived]
    return parts


def _distinct(obs: pd.DataFrame) -> pd.Series:
    """Each figure once (True on the first row of each): rows saying the same thing (indicator, who, where,
    when, value) are one bar."""
    # The same key as the rows written as text (a missing cell is "", the value as str() writes it), without
    # turning 1M rows into Python strings: texts compared as they are, the value by number and sign (str(-0.0)).
    texts = obs[["indicator_id", "implementer_id", "country", "election", "period_text"]].fillna("")
    value = obs["value"]
    key = texts.assign(value=value.fillna(0.0), blank=value.isna(), negative=np.signbit(value.fillna(0.0)))
    return ~key.duplicated()


def _category(rep: Report, group: pd.DataFrame) -> list[str]:
    """Short chart categories, in the report's language: the country's name, else the implementer's.

    Where that name repeats (several figures of one implementer), the election or
    period tells the bars apart; when every bar has the same name, the name is
    left out (the chart is about that one implementer or country). Linear: counts, not scans.
    """
    names = [
        country_name(rep.ds, c, rep.lang) if c else implementer_name(rep.ds, i, rep.lang)
        for c, i in zip(group["country"].fillna(""), group["implementer_id"])
    ]
    periods = group["period_text"].fillna("") if rep.lang == "en" else [""] * len(group)  # English as written
    when = [e or p for e, p in zip(rep.text(group, "election"), periods)]
    if len(set(names)) == len(names):
        return names
    if len(set(names)) == 1 and len(set(when)) == len(when) and all(when):
        return when
    name_count = Counter(names)
    out = [f"{n} — {w}" if name_count[n] > 1 and w else n for n, w in zip(names, when)]
    out_count = Counter(out)
    return [f"{c} ({o})" if out_count[c] > 1 else c for c, o in zip(out, group["observation_id"])]


def chosen_indicators(rep: Report, obs: pd.DataFrame) -> tuple[pd.DataFrame, list[str], int]:
    """The distinct figures of the charted indicators, those indicators (at most :data:`MAX_CHARTS`, those
    with the most figures, in the data's order) and how many could be charted: countable, with figures for
    several implementers, countries or dates. Only the charted rows are copied (at 1M, not 700,000 rows)."""
    first = _distinct(obs)
    sizes = obs.loc[first, "indicator_id"].groupby(obs.loc[first, "indicator_id"], sort=False).size()
    units = pd.Series([unit(rep.ds, i) for i in sizes.index], index=sizes.index)
    eligible = sizes[(sizes >= MIN_CHARTED) & ~units.isin(NOT_KEY_UNITS)]
    top = set(eligible.sort_values(ascending=False, kind="stable").index[:MAX_CHARTS])
    chosen = [i for i in eligible.index if i in top]
    return obs[first & obs["indicator_id"].isin(chosen)], chosen, len(eligible)


def indicator_charts(rep: Report, obs: pd.DataFrame) -> list[Html]:
    """One chart per countable indicator with distinct figures for several implementers, countries or dates.

    At scale, the :data:`MAX_CHARTS` indicators with the most figures, each with its
    :data:`MAX_BARS` largest values (the rest summed as "Others" where they add up),
    after a sentence saying so.
    """
    mine, chosen, eligible = chosen_indicators(rep, obs)
    groups = dict(tuple(mine.groupby("indicator_id", sort=False)))
    out = []
    cut = False
    for ind in chosen:
        group = groups[ind]
        cut = cut or len(group) > MAX_BARS
        cats = _category(rep, group)
        additive = unit(rep.ds, ind) not in NOT_ADDITIVE_UNITS
        fig = charts.bar_chart(
            cats,
            group["value"].tolist(),
            title=indicator_name(rep.ds, ind, rep.lang),
            y_title=rep.t("chart.indicator.y"),
            lang=rep.lang,
            percent=unit(rep.ds, ind) == "ratio",
            hover=cats,
            limit=MAX_BARS,
            others=others_label(rep) if additive else None,
        )
        out.append(charts.chart_html(fig))
    sheet = sheet_name(rep, "observations")
    if len(chosen) < eligible:
        note = rep.t("text.charts_capped", shown=len(chosen), total=eligible, bars=MAX_BARS, sheet=sheet)
        out.insert(0, paragraph(note, "oas-note"))
    elif cut:
        out.insert(0, paragraph(rep.t("text.bars_capped", bars=MAX_BARS, sheet=sheet), "oas-note"))
    return out


def others_label(rep: Report):
    """The label of the bar that sums the values a chart leaves out: "Others (12)"."""
    return lambda count: rep.t("label.others", count=count)


def indicators_section(rep: Report) -> Html:
    """Figures the implementer reports, derived values, and a chart per indicator with several figures."""
    obs = rep.ds.observations[rep.ds.observations["implementer_id"] == rep.implementer]
    parts = [rep.heading(rep.t("heading.indicators"), 2, id="indicators")]
    if obs.empty:
        return join([*parts, empty(rep, "text.no_indicators")])
    return join([*parts, *figures(rep, obs), *indicator_charts(rep, obs)])


def key_indicators_section(rep: Report) -> Html:
    """The few indicators with values across countries, charted; the full list goes to the annex."""
    obs = rep.ds.observations
    parts = [rep.heading(rep.t("heading.key_indicators"), 2, id="key-indicators")]
    if obs.empty:
        return join([*parts, empty(rep, "text.no_indicators")])
    chosen = indicator_charts(rep, obs)
    parts.append(paragraph(rep.t("text.key_indicators_note"), "oas-note"))
    return join([*parts, *chosen])


def indicators_annex(rep: Report) -> Html:
    """Annex: every reported figure and every derived value, cited."""
    obs = rep.ds.observations
    parts = [rep.heading(rep.t("heading.all_figures"), 2, id="all-figures", annex=True)]
    if obs.empty:
        return join([*parts, empty(rep, "text.no_indicators")])
    return join([*parts, *figures(rep, obs)])


def country_name(ds: Dataset, iso3: str, lang: str) -> str:
    """A country's name from the implementers table (member states), else the code."""

    def build():
        imp = ds.implementers
        ids = dict(zip(imp["implementer_id"].tolist(), imp["implementer_id"].tolist()))
        ids.update((c, i) for c, i in zip(imp["iso_alpha3"].tolist(), imp["implementer_id"].tolist()) if c)
        return ids

    found = per_dataset(ds, ("country_ids",), build).get(iso3)
    return implementer_name(ds, found, lang) if found is not None else iso3


def election_name(rep: Report, country: str, election: str) -> str:
    """The election's name in the report's language (``election_es`` where the data has it)."""

    def build():
        first = rep.ds.observations.drop_duplicates(["country", "election"])
        pairs = zip(first["country"].tolist(), first["election"].tolist())
        return dict(zip(pairs, localized(first, "election", rep.lang)))

    return per_dataset(rep.ds, ("election_names", rep.lang), build).get((country, election), election)
