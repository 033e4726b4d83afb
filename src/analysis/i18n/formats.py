"""Numbers, percentages and dates per language, from Babel's CLDR data.

``en`` gives ``141,407``, ``es`` ``141.407`` (Babel's plain ``es`` locale, i.e.
Spain's conventions), ``fr`` ``141 407`` (narrow no-break space) and ``pt``
``141.407`` (Brazil); percentages follow each locale ("44.3%", "44,3 %" with a
no-break space in Spanish and French, "44,3%" in Portuguese). Dates use one long style per language: "16 March 2006",
"16 de marzo de 2006", "16 mars 2006", "16 de março de 2006".

>>> number(141407, "en"), number(141407, "es")
('141,407', '141.407')
>>> fmt_date("2006-03-16", "pt")
'16 de março de 2006'
"""

from __future__ import annotations

import math

import pandas as pd
from babel import Locale
from babel.dates import format_date, get_day_names, get_month_names
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from analysis.common.dates import as_date

LOCALES = {"en": "en", "es": "es", "fr": "fr", "pt": "pt"}
# Explicit patterns: Babel's "long" English date is "March 16, 2006"; the
# reports use day-month-year in every language.
_DATE_PATTERNS = {"en": "d MMMM y", "es": "d 'de' MMMM 'de' y", "fr": "d MMMM y", "pt": "d 'de' MMMM 'de' y"}
_MONTH_PATTERNS = {"en": "MMMM y", "es": "MMMM 'de' y", "fr": "MMMM y", "pt": "MMMM 'de' y"}


def missing(value) -> bool:
    """True for None, NA, NaT and NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """``value`` with the language's separators (whole numbers without decimals unless asked)."""
    value = float(value)
    if decimals is None:
        decimals = 0 if value.is_integer() else 2
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(value: float, lang: str, decimals: int = 1) -> str | None:
    """A share as a percentage; ``None`` where there is none (NaN, infinite)."""
    if missing(value) or (isinstance(value, float) and math.isinf(value)):
        return None
    # The locale's own pattern ("#,##0 %" in French and Spanish), with the decimals asked for.
    pattern = Locale.parse(LOCALES[lang]).percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("0%", "0." + "0" * decimals + "%").replace("0\xa0%", "0." + "0" * decimals + "\xa0%")
    return format_percent(float(value), format=pattern, locale=LOCALES[lang])


def fmt_date(value, lang: str = "en") -> str:
    """A full date in ``lang``; missing -> ""."""
    d = as_date(value)
    return format_date(d, _DATE_PATTERNS[lang], locale=LOCALES[lang]) if d else ""


def fmt_month(value, lang: str = "en") -> str:
    """A month: "March 2007" / "marzo de 2007" / "mars 2007" / "março de 2007"; missing -> ""."""
    d = as_date(value)
    return format_date(d, _MONTH_PATTERNS[lang], locale=LOCALES[lang]) if d else ""


def plotly_locale(lang: str) -> dict:
    """A plotly locale dictionary for ``lang`` built from Babel (month and day names, separators).

    Registered with ``Plotly.register`` so date ticks read "mar. 2007" in French;
    built here so no CDN locale file is needed.
    """
    loc = LOCALES[lang]
    months = get_month_names("wide", locale=loc)
    short = get_month_names("abbreviated", locale=loc)
    days = get_day_names("wide", locale=loc)
    sdays = get_day_names("abbreviated", locale=loc)
    # Babel numbers days Monday=0; d3 lists Sunday first.
    order = [6, 0, 1, 2, 3, 4, 5]
    return {
        "moduleType": "locale",
        "name": lang,
        "dictionary": {},
        "format": {
            "days": [days[i] for i in order],
            "shortDays": [sdays[i] for i in order],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short[i] for i in range(1, 13)],
            "decimal": get_decimal_symbol(loc),
            "thousands": get_group_symbol(loc),
            "date": "%d/%m/%Y",
            "periods": ["AM", "PM"],
        },
    }
