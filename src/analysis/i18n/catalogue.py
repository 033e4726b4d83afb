"""The gettext catalogues: one ``.po`` file per language and domain, compiled to ``.mo``.

Every word a user reads lives in ``locale/<lang>/LC_MESSAGES/<domain>.po``
(managed with Babel). Message ids are stable dotted keys (``heading.mandates``);
the English catalogue holds the English text, so the key never reaches a reader.
Domains keep the areas apart so edits merge easily: ``reports`` (report text,
charts), ``terms`` (status names, vocabularies, glossary), ``pages`` (page
furniture, index, PDF) and ``excel`` (export and forms). A key lives in exactly
one domain (a test checks it).

A count followed by its noun is a plural entry: ``msgid_plural`` repeats the
key, and ``msgstr[i]`` holds one text per plural category of the file's
``Plural-Forms`` header (Babel's CLDR rule: two forms in English; one, many and
other in Spanish, French and Portuguese, "many" being the millions, written
with digits like "other"). :func:`analysis.i18n.t` picks the form from ``count``.

The ``.mo`` files are build products, not committed: ``make setup`` (or
``python -m analysis.i18n``) compiles them, and :func:`translations` checks each
one against the SHA-256 of its ``.po`` source (stored in the ``.mo`` under
:data:`SOURCE_KEY`). A missing or stale ``.mo`` is recompiled in memory and
written back when the folder is writable, so an edited ``.po`` is never shadowed
by an old ``.mo`` and a read-only install still works.

>>> translations("es").gettext("heading.mandates")
'Mandatos'
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from analysis.common.hashing import sha256_bytes
from analysis.store.atomic import atomic_write_bytes

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "es", "fr", "pt")
DOMAINS = ("reports", "terms", "pages", "excel")
# A message added to each compiled .mo (never to the .po): the SHA-256 of its source.
SOURCE_KEY = "@source-sha256"


def po_path(lang: str, domain: str) -> Path:
    """Where the ``.po`` source of ``domain`` in ``lang`` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(lang: str, domain: str):
    """The Babel :class:`~babel.messages.catalog.Catalog` of one ``.po`` file."""
    with po_path(lang, domain).open("rb") as fh:
        return read_po(fh, locale=lang, domain=domain)


def compile_mo(lang: str, domain: str) -> bytes:
    """The ``.mo`` bytes for one ``.po`` file, stamped with the source's SHA-256.

    Fuzzy entries are left out (gettext's rule); the completeness test refuses them anyway.
    """
    source = po_path(lang, domain).read_bytes()
    catalog = read_po(io.BytesIO(source), locale=lang, domain=domain)
    catalog.add(SOURCE_KEY, sha256_bytes(source))
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _load(lang: str, domain: str) -> gettext.GNUTranslations:
    po = po_path(lang, domain)
    mo = po.with_suffix(".mo")
    digest = sha256_bytes(po.read_bytes())
    try:
        with mo.open("rb") as fh:
            current = gettext.GNUTranslations(fh)
        if current.gettext(SOURCE_KEY) == digest:
            return current
    except OSError:
        pass  # no .mo yet (or a damaged one): compiled below
    data = compile_mo(lang, domain)
    try:
        atomic_write_bytes(mo, data)
    except OSError:
        pass  # a read-only install: the in-memory compile serves this process
    return gettext.GNUTranslations(io.BytesIO(data))


@cache
def translations(lang: str) -> gettext.GNUTranslations:
    """All domains of ``lang`` chained into one gettext object (a key is in one domain only)."""
    chain = [_load(lang, domain) for domain in DOMAINS]
    for first, fallback in zip(chain, chain[1:]):
        first.add_fallback(fallback)
    return chain[0]


def compile_all() -> list[Path]:
    """Compile every ``.po`` to its ``.mo`` (the build step); return the files written."""
    written = []
    for lang in LANGUAGES:
        for domain in DOMAINS:
            mo = po_path(lang, domain).with_suffix(".mo")
            atomic_write_bytes(mo, compile_mo(lang, domain))
            written.append(mo)
    translations.cache_clear()
    return written
