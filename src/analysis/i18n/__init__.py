"""Report language: every UI string, number and date, in English, Spanish, French and Portuguese.

This package is the only reader of the gettext catalogues
(``locale/<lang>/LC_MESSAGES/<domain>.po``, see :mod:`analysis.i18n.catalogue`).
Every heading, label, status name, chart title, page, Excel and form string
comes through :func:`t`; an unknown key is a ``KeyError`` (a typo must not ship
as an empty heading). Numbers and dates come from Babel per locale
(:mod:`analysis.i18n.formats`). The Work Plan's own text (descriptions,
excerpts, period phrases) is data and stays as written.

>>> t("heading.mandates", "es")
'Mandatos'
>>> t("heading.mandates", "fr"), t("heading.mandates", "pt")
('Mandats', 'Mandatos')
>>> fmt_number(141407, "en"), fmt_number(141407, "es")
('141,407', '141.407')
>>> fmt_date("2006-03-16", "es")
'16 de marzo de 2006'
"""

from __future__ import annotations

import operator

from analysis.errors import AnalysisError
from analysis.i18n import formats
from analysis.i18n.catalogue import LANGUAGES, translations
from analysis.i18n.formats import LOCALES, plotly_locale

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "LanguageError",
    "check_lang",
    "fmt_bool",
    "fmt_date",
    "fmt_month",
    "fmt_number",
    "fmt_percent",
    "label",
    "plotly_locale",
    "t",
]


class LanguageError(AnalysisError):
    """A report language other than those in :data:`LANGUAGES`."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if the reports speak it, else raise :class:`LanguageError`."""
    if lang not in LANGUAGES:
        raise LanguageError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str = "en", **values) -> str:
    """The string ``key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    A key with plural forms (``msgid_plural`` in the catalogue) picks its form
    from ``count``, an integer, by the language's Plural-Forms rule (gettext's
    ``ngettext``), and shows ``{count}`` as a number of that language:

    >>> t("page.index.mandates", "en", count=1), t("page.index.mandates", "es", count=1234)
    ('1 mandate', '1.234 mandatos')

    Raises ``KeyError`` for an unknown key (gettext hands an unknown msgid back
    unchanged) and for a plural key called without ``count``.
    """
    catalogue = translations(check_lang(lang))
    if catalogue.ngettext(key, key, 1) != key:  # a plural entry: its form follows the count
        if "count" not in values:
            raise KeyError(f"{key} has plural forms and needs count")
        count = operator.index(values["count"])
        text = catalogue.ngettext(key, key, count)
        values = {**values, "count": formats.number(count, lang, None)}
    else:
        text = catalogue.gettext(key)
    if text == key:
        raise KeyError(key)
    return text.format(**values) if values else text


def has(key: str, lang: str = "en") -> bool:
    """Whether the catalogue of ``lang`` has ``key``."""
    return translations(check_lang(lang)).gettext(key) != key


def label(vocabulary: str, value: str, lang: str = "en") -> str:
    """Localized name of a vocabulary value, e.g. ``label("milestone_status", "overdue", "es")``."""
    return t(f"{vocabulary}.{value}", lang)


def fmt_number(value, lang: str = "en", decimals: int | None = None) -> str:
    """A number with the language's separators; missing -> "not reported".

    Whole numbers print without decimals unless ``decimals`` is given.
    """
    if formats.missing(value):
        return t("label.not_reported", lang)
    return formats.number(value, check_lang(lang), decimals)


def fmt_percent(value, lang: str = "en", decimals: int = 1) -> str:
    """A share (0.457) as a percentage in the locale's style ("45.7%", "45,7 %"); missing -> "not reported"."""
    text = formats.percent(value, check_lang(lang), decimals)
    return t("label.not_reported", lang) if text is None else text


def fmt_date(value, lang: str = "en") -> str:
    """A full date: "16 March 2006" / "16 de marzo de 2006"; missing -> ""."""
    return formats.fmt_date(value, check_lang(lang))


def fmt_month(value, lang: str = "en") -> str:
    """A month: "March 2007" / "marzo de 2007"; missing -> ""."""
    return formats.fmt_month(value, check_lang(lang))


def fmt_bool(value, lang: str = "en") -> str:
    """yes / no (sí / no); missing -> "unknown"."""
    if formats.missing(value):
        return t("label.unknown", lang)
    return t("label.yes" if bool(value) else "label.no", lang)
