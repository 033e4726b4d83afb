"""Tests for analysis.i18n: complete translations, numbers and dates per language."""

import gettext
import re
import shutil

import pytest

from analysis import i18n
from analysis.common.hashing import sha256_bytes
from analysis.dataset.schema import (
    ACTION_KINDS,
    COMPLIANCE_LEVELS,
    IMPLEMENTER_KINDS,
    LIFECYCLE_STATUSES,
    PRECISIONS,
    QUALITY_KINDS,
)
from analysis.i18n import catalogue
from analysis.i18n.catalogue import DOMAINS, LANGUAGES, read_catalog
from analysis.measures import MANDATE_STATUSES, MILESTONE_STATUSES


def _entries(lang: str, domain: str) -> dict[str, object]:
    """Entries by key; a plural entry's id is (key, plural key) in Babel, keyed here by its key."""
    return {(m.id[0] if m.pluralizable else m.id): m for m in read_catalog(lang, domain) if m.id}


def _forms(message) -> tuple[str, ...]:
    return tuple(message.string) if message.pluralizable else (message.string,)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_catalogue_is_complete_with_no_fuzzy_or_empty_entry(lang, domain):
    english = _entries("en", domain)
    entries = _entries(lang, domain)
    assert set(english) - set(entries) == set(), f"{lang}/{domain} misses keys"
    assert set(entries) - set(english) == set(), f"{lang}/{domain} has keys English lacks"
    for key, message in entries.items():
        assert not message.fuzzy, f"{lang}/{domain}: {key} is fuzzy"
        for form in _forms(message):
            assert form.strip(), f"{lang}/{domain}: {key} is empty"
            assert form != key
        assert message.pluralizable == english[key].pluralizable, f"{lang}/{domain}: {key} plural in one language only"


def test_a_key_lives_in_one_domain_only():
    seen: dict[str, str] = {}
    for domain in DOMAINS:
        for key in _entries("en", domain):
            assert key not in seen, f"{key} is in {seen.get(key)} and {domain}"
            seen[key] = domain


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_placeholders_agree_with_english(lang):
    fields = re.compile(r"\{(\w+)[^}]*\}")
    for domain in DOMAINS:
        english = _entries("en", domain)
        for key, message in _entries(lang, domain).items():
            wanted = {f for form in _forms(english[key]) for f in fields.findall(form)}
            for form in _forms(message):
                assert set(fields.findall(form)) | {"count"} >= wanted, (lang, key, form)
                assert set(fields.findall(form)) <= wanted, (lang, key, form)


def test_compiled_catalogue_is_current_and_recompiled_when_stale(tmp_path, monkeypatch):
    written = catalogue.compile_all()
    assert len(written) == len(LANGUAGES) * len(DOMAINS)
    mo = catalogue.po_path("es", "terms").with_suffix(".mo")
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    source = catalogue.po_path("es", "terms").read_bytes()
    assert compiled.gettext(catalogue.SOURCE_KEY) == sha256_bytes(source)
    assert compiled.gettext("milestone_status.met") == "cumplido"
    # An edited .po must win over an old .mo: copy the locale tree, edit, load.
    root = tmp_path / "locale"
    shutil.copytree(catalogue.LOCALE_DIR, root)
    monkeypatch.setattr(catalogue, "LOCALE_DIR", root)
    po = catalogue.po_path("es", "terms")
    po.write_text(po.read_text().replace('msgstr "cumplido"', 'msgstr "cumplido (editado)"'))
    catalogue.translations.cache_clear()
    try:
        assert catalogue.translations("es").gettext("milestone_status.met") == "cumplido (editado)"
        with po.with_suffix(".mo").open("rb") as fh:  # and the .mo was rewritten
            assert gettext.GNUTranslations(fh).gettext("milestone_status.met") == "cumplido (editado)"
    finally:
        catalogue.translations.cache_clear()


@pytest.mark.parametrize("vocabulary", ["lifecycle", "action_kind", "mandate_status", "milestone_status"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_vocabulary_labels_are_unique_per_language(vocabulary, lang):
    """A label read back from a form or a chart legend maps to one code."""
    prefix = vocabulary + "."
    labels = [m.string for d in DOMAINS for k, m in _entries(lang, d).items() if k.startswith(prefix)]
    assert len(labels) == len(set(labels)), (vocabulary, lang, labels)


@pytest.mark.parametrize(
    "vocabulary, values",
    [
        ("mandate_status", MANDATE_STATUSES),
        ("milestone_status", MILESTONE_STATUSES),
        ("lifecycle", LIFECYCLE_STATUSES),
        ("compliance", COMPLIANCE_LEVELS),
        ("action_kind", ACTION_KINDS),
        ("implementer_kind", IMPLEMENTER_KINDS),
        ("quality_kind", QUALITY_KINDS),
        ("precision", PRECISIONS),
    ],
)
def test_every_vocabulary_value_has_a_label_in_every_language(vocabulary, values):
    for value in values:
        for lang in LANGUAGES:
            assert i18n.label(vocabulary, value, lang)


def test_spanish_labels_differ_from_english_for_statuses():
    assert i18n.label("milestone_status", "overdue", "es") == "vencido"
    assert i18n.label("mandate_status", "no_action_reported", "es") == "ninguna acción informada"


def test_unknown_key_is_a_key_error():
    with pytest.raises(KeyError):
        i18n.t("heading.no_such_heading", "en")
    with pytest.raises(KeyError):
        i18n.label("milestone_status", "late", "es")


def test_unknown_language_is_a_clear_error():
    with pytest.raises(i18n.LanguageError, match="unknown language 'de'; known: en, es, fr, pt"):
        i18n.t("heading.mandates", "de")


def test_fields_are_filled():
    assert i18n.t("report.implementer.title", "es", name="CIDH") == "Informe por responsable: CIDH"
    assert i18n.t("report.implementer.title", "fr", name="CIDH") == "Rapport par responsable : CIDH"


@pytest.mark.parametrize(
    "value, en, es",
    [
        (141407, "141,407", "141.407"),
        (10260, "10,260", "10.260"),
        (1548.0, "1,548", "1.548"),
        (0.5, "0.50", "0,50"),
    ],
)
def test_numbers_use_the_language_separators(value, en, es):
    assert i18n.fmt_number(value, "en") == en
    assert i18n.fmt_number(value, "es") == es


def test_missing_number_is_not_reported_never_zero():
    assert i18n.fmt_number(float("nan"), "en") == "not reported"
    assert i18n.fmt_number(None, "es") == "no informado"
    assert i18n.fmt_percent(float("nan"), "es") == "no informado"


def test_percentages():
    share = 4541 / 10260
    assert i18n.fmt_percent(share, "en") == "44.3%"
    assert i18n.fmt_percent(share, "es") == "44,3\u00a0%"


def test_full_dates_and_months():
    assert i18n.fmt_date("2006-03-16", "en") == "16 March 2006"
    assert i18n.fmt_date("2006-03-16", "es") == "16 de marzo de 2006"
    assert i18n.fmt_month("2007-03-01", "en") == "March 2007"
    assert i18n.fmt_month("2007-03-01", "es") == "marzo de 2007"
    assert i18n.fmt_date(None, "en") == ""
    assert i18n.fmt_date("2006-03-16", "fr") == "16 mars 2006"
    assert i18n.fmt_month("2007-03-01", "pt") == "março de 2007"


def test_french_and_portuguese_numbers():
    assert i18n.fmt_number(141407, "fr") == "141\u202f407"
    assert i18n.fmt_number(141407, "pt") == "141.407"
    assert i18n.fmt_percent(4541 / 10260, "fr") == "44,3\u00a0%"
    assert i18n.fmt_number(None, "pt") == "não informado"


def test_plotly_locale_comes_from_babel():
    locale = i18n.plotly_locale("es")
    assert locale["name"] == "es"
    assert locale["format"]["months"][0] == "enero"
    assert locale["format"]["days"][0] == "domingo"
    assert locale["format"]["decimal"] == ","


def test_booleans():
    assert i18n.fmt_bool(True, "es") == "sí"
    assert i18n.fmt_bool(None, "en") == "unknown"
