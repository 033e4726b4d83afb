"""Property tests (Hypothesis) for the period parser: bounds ordered, EDTF consistent, languages agree."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dataset.periods import PeriodError, parse_period

MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
}
ORDINALS = {
    "en": ["first", "second", "third", "fourth"],
    "es": ["primer", "segundo", "tercer", "cuarto"],
    "pt": ["primeiro", "segundo", "terceiro", "quarto"],
    "fr": ["premier", "deuxième", "troisième", "quatrième"],
}
UNITS = {
    "en": {"quarter": "quarter", "semester": "semester"},
    "es": {"quarter": "trimestre", "semester": "semestre"},
    "pt": {"quarter": "trimestre", "semester": "semestre"},
    "fr": {"quarter": "trimestre", "semester": "semestre"},
}
SEASONS = {
    "en": ["spring", "summer", "autumn"],
    "es": ["primavera", "verano", "otoño"],
    "pt": ["primavera", "verão", "outono"],
    "fr": ["printemps", "été", "automne"],
}
OR = {"en": "or", "es": "o", "pt": "ou", "fr": "ou"}
OF = {"en": "", "es": " de", "pt": " de", "fr": ""}
LANGS = list(MONTHS)
years = st.integers(1900, 2099)


def month_phrase(lang, month, year):
    return f"{MONTHS[lang][month - 1]}{OF[lang]} {year}"


def months_or_phrase(lang, m1, m2, year):
    return f"{MONTHS[lang][m1 - 1]} {OR[lang]} {MONTHS[lang][m2 - 1]}{OF[lang]} {year}"


def unit_phrase(lang, unit, n, year):
    return f"{ORDINALS[lang][n - 1]} {UNITS[lang][unit]}{OF[lang]} {year}"


def season_phrase(lang, k, year):
    return f"{SEASONS[lang][k]}{OF[lang]} {year}"


phrases = st.one_of(
    st.builds(lambda m, y: ("month", month_phrase, (m, y)), st.integers(1, 12), years),
    st.builds(
        lambda a, d, y: ("months", months_or_phrase, (a, a + d, y)), st.integers(1, 11), st.integers(1, 11), years
    ).filter(lambda x: x[2][1] <= 12),
    st.builds(lambda n, y: ("quarter", unit_phrase, ("quarter", n, y)), st.integers(1, 4), years),
    st.builds(lambda n, y: ("semester", unit_phrase, ("semester", n, y)), st.integers(1, 2), years),
    st.builds(lambda k, y: ("season", season_phrase, (k, y)), st.integers(0, 2), years),
)


@settings(max_examples=150, deadline=None)
@given(phrases)
def test_language_variants_agree(case):
    precision, render, args = case
    parsed = {lang: parse_period(render(lang, *args)) for lang in LANGS}
    first = parsed["en"]
    assert first.precision == precision
    for lang, p in parsed.items():
        assert (p.start, p.end, p.precision, p.edtf) == (first.start, first.end, first.precision, first.edtf), lang
        assert p.language == lang or (lang == "pt" and p.language == "es")  # shared words read as Spanish


@settings(max_examples=150, deadline=None)
@given(phrases, st.sampled_from(LANGS))
def test_bounds_are_ordered_and_edtf_is_consistent(case, lang):
    precision, render, args = case
    p = parse_period(render(lang, *args))
    assert p.start <= p.end
    y = p.start.year
    if precision == "month":
        assert p.edtf == f"{y:04d}-{p.start.month:02d}" and p.start.day == 1
        assert (p.end + dt.timedelta(days=1)).day == 1
    elif precision == "quarter":
        assert p.edtf == f"{y:04d}-{33 + (p.start.month - 1) // 3}"
        assert (p.end.month - p.start.month, p.end.year) == (2, y)
    elif precision == "semester":
        assert p.edtf == f"{y:04d}-{40 + (p.start.month - 1) // 6}"
    elif precision == "months":
        a, b = p.edtf.strip("[]").split(",")
        assert a == f"{y:04d}-{p.start.month:02d}" and b == f"{p.end.year:04d}-{p.end.month:02d}"
    elif precision == "season":
        assert p.edtf.startswith(f"{y:04d}-2") and p.end.year == y


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.integers(1, 9998)))
def test_any_text_is_a_period_or_a_period_error(text, default_year):
    try:
        p = parse_period(text, default_year=default_year)
    except PeriodError:
        return
    assert p.start is None or p.end is None or p.start <= p.end


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), years, st.sampled_from(LANGS))
def test_a_day_or_month_in_the_wrong_language_mix_is_refused(month, year, lang):
    if lang == "en":
        return
    with pytest.raises(PeriodError):
        parse_period(f"{MONTHS[lang][month - 1]} and {MONTHS['en'][month % 12]}{OF[lang]} {year}")
