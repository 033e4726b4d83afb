"""Plural forms: a count followed by its noun takes the language's singular or plural (gettext ngettext)."""

import gettext
import re

import pytest
from babel import Locale

from analysis import i18n
from analysis.common.hashing import sha256_bytes
from analysis.i18n.catalogue import DOMAINS, LANGUAGES, SOURCE_KEY, po_path, read_catalog, translations
from analysis.i18n.formats import LOCALES

CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")
# Counts a reader sees, each with its singular and plural in every language.
CASES = {
    "page.index.mandates": {
        "en": ("1 mandate", "2 mandates"),
        "es": ("1 mandato", "2 mandatos"),
        "fr": ("1 mandat", "2 mandats"),
        "pt": ("1 mandato", "2 mandatos"),
    },
    "page.index.carried": {
        "en": ("1 action carried out", "2 actions carried out"),
        "es": ("1 acción realizada", "2 acciones realizadas"),
        "fr": ("1 action réalisée", "2 actions réalisées"),
        "pt": ("1 ação realizada", "2 ações realizadas"),
    },
    "page.index.countries": {
        "en": ("1 country", "2 countries"),
        "es": ("1 país", "2 países"),
        "fr": ("1 pays", "2 pays"),
        "pt": ("1 país", "2 países"),
    },
    "text.silent_states": {
        "en": ("1 member state reported nothing", "2 member states reported nothing"),
        "es": ("1 Estado miembro no informó nada", "2 Estados miembros no informaron nada"),
        "fr": ("1 État membre n'a rien communiqué", "2 États membres n'ont rien communiqué"),
        "pt": ("1 Estado membro não informou nada", "2 Estados membros não informaram nada"),
    },
    "summary.text.past_due": {
        "en": ("of 1 planned action has", "of 2 planned actions has"),
        "es": ("de 1 acción prevista", "de 2 acciones previstas"),
        "fr": ("de 1 action prévue", "de 2 actions prévues"),
        "pt": ("de 1 ação prevista", "de 2 ações previstas"),
    },
}


@pytest.mark.parametrize("key", CASES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_is_singular_and_two_is_plural(key, lang):
    singular, plural = CASES[key][lang]
    assert singular in i18n.t(key, lang, count=1, names="X")
    assert plural in i18n.t(key, lang, count=2, names="X")


@pytest.mark.parametrize(
    "lang, zero, million",
    [
        ("en", "0 mandates", "1,000,000 mandates"),
        ("es", "0 mandatos", "1.000.000 mandatos"),
        ("fr", "0 mandat", "1\u202f000\u202f000 mandats"),  # CLDR: French and Brazilian Portuguese 0 is singular
        ("pt", "0 mandato", "1.000.000 mandatos"),
    ],
)
def test_zero_and_a_million_follow_the_cldr_rule_with_the_number_formatted(lang, zero, million):
    assert i18n.t("page.index.mandates", lang, count=0) == zero
    assert i18n.t("page.index.mandates", lang, count=1_000_000) == million


def test_a_plural_key_needs_an_integer_count():
    with pytest.raises(KeyError):
        i18n.t("page.index.mandates", "en")
    with pytest.raises(TypeError):
        i18n.t("page.index.mandates", "en", count="2")


def test_a_key_without_plural_forms_ignores_count():
    assert i18n.t("summary.text.figures", "en", count=1) == "Figures reported: 1."


def test_a_nested_plural_is_chosen_per_count():
    silent = i18n.t("summary.text.silent", "es", count=1)
    sentence = i18n.t("summary.text.program_reported", "es", count=2, silent=silent, period="2006-2007")
    assert "2 responsables informaron" in sentence and "y 1 no informó nada." in sentence


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_plural_forms_header_is_babels_rule_for_the_language(lang, domain):
    """The .po header and the compiled rule agree with CLDR (through Babel) on every count to 2,000 and on millions."""
    header = re.search(r'^"Plural-Forms: nplurals=(\d+); plural=(.*);\\n"$', po_path(lang, domain).read_text(), re.M)
    assert header, f"{lang}/{domain} has no Plural-Forms header"
    rule = Locale.parse(LOCALES[lang]).plural_form
    categories = [
        c for c in CLDR_ORDER if c in rule.tags | {"other"}
    ]  # gettext's form index, as Babel's to_gettext orders it
    assert int(header[1]) == len(categories)
    ours = gettext.c2py(header[2])
    compiled = translations(lang)  # every domain's .mo, chained
    while compiled is not None and compiled.gettext(SOURCE_KEY) != sha256_bytes(po_path(lang, domain).read_bytes()):
        compiled = compiled._fallback
    assert compiled is not None
    for n in [*range(2001), 1_000_000, 2_000_000, 1_000_001, 10**9]:
        assert ours(n) == categories.index(rule(n)) == compiled.plural(n), (lang, domain, n)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_plural_entry_has_one_form_per_plural_category(lang, domain):
    catalog = read_catalog(lang, domain)
    plural = [m for m in catalog if m.id and m.pluralizable]
    for message in plural:
        assert len(message.string) == catalog.num_plurals, (lang, domain, message.id)
    if domain == "pages":
        assert len(plural) >= 5  # mandates, actions carried out and planned, figures, countries
