"""Tests for analysis.i18n: complete translations, numbers and dates per language."""

import re

import pytest

from analysis import i18n
from analysis.dataset.schema import (
    ACTION_KINDS,
    COMPLIANCE_LEVELS,
    IMPLEMENTER_KINDS,
    LIFECYCLE_STATUSES,
    PRECISIONS,
    QUALITY_KINDS,
)
from analysis.measures import MANDATE_STATUSES, MILESTONE_STATUSES


def test_every_english_key_has_a_spanish_translation_and_vice_versa():
    assert set(i18n.EN) - set(i18n.ES) == set()
    assert set(i18n.ES) - set(i18n.EN) == set()


def test_no_translation_is_empty_or_a_copy_of_the_key():
    for lang, strings in i18n.STRINGS.items():
        for key, text in strings.items():
            assert text.strip(), f"{lang}:{key} is empty"
            assert text != key


def test_placeholders_agree_between_languages():
    fields = re.compile(r"\{(\w+)[^}]*\}")
    for key in i18n.EN:
        assert set(fields.findall(i18n.EN[key])) == set(fields.findall(i18n.ES[key])), key


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
def test_every_vocabulary_value_has_a_label_in_both_languages(vocabulary, values):
    for value in values:
        assert i18n.label(vocabulary, value, "en")
        assert i18n.label(vocabulary, value, "es")


def test_spanish_labels_differ_from_english_for_statuses():
    assert i18n.label("milestone_status", "overdue", "es") == "vencido"
    assert i18n.label("mandate_status", "no_action_reported", "es") == "ninguna acción informada"


def test_unknown_key_is_a_key_error():
    with pytest.raises(KeyError):
        i18n.t("heading.no_such_heading", "en")
    with pytest.raises(KeyError):
        i18n.label("milestone_status", "late", "es")


def test_unknown_language_is_a_clear_error():
    with pytest.raises(i18n.LanguageError, match="unknown language 'fr'; known: en, es"):
        i18n.t("heading.mandates", "fr")


def test_fields_are_filled():
    assert i18n.t("report.implementer.title", "es", name="CIDH") == "Informe por responsable: CIDH"


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
    assert i18n.fmt_percent(share, "es") == "44,3%"


def test_full_dates_and_months():
    assert i18n.fmt_date("2006-03-16", "en") == "16 March 2006"
    assert i18n.fmt_date("2006-03-16", "es") == "16 de marzo de 2006"
    assert i18n.fmt_month("2007-03-01", "en") == "March 2007"
    assert i18n.fmt_month("2007-03-01", "es") == "marzo de 2007"
    assert i18n.fmt_date(None, "en") == ""


def test_booleans():
    assert i18n.fmt_bool(True, "es") == "sí"
    assert i18n.fmt_bool(None, "en") == "unknown"
