"""The export's header comments: each column's description from the catalogue, in the export's language."""

from __future__ import annotations

import re

import openpyxl
import pytest

from analysis import i18n
from analysis.dataset.loading import load_dataset
from analysis.dataset.meetings import load_meetings, resolve_meeting
from analysis.dataset.schema import TABLES
from analysis.excel.export import column_note, export_workbook
from analysis.i18n.catalogue import LANGUAGES

DESCRIBED = [(name, col) for name, table in TABLES.items() for col in table.columns if col.doc]
UNOFFICIAL = {"es": "(traducción no oficial)", "fr": "(traduction non officielle)", "pt": "(tradução não oficial)"}


def _description(note: str, lang: str) -> str:
    return note.splitlines()[1].removesuffix(" " + UNOFFICIAL.get(lang, "")).strip()


@pytest.mark.parametrize("table, col", DESCRIBED, ids=[f"{t}.{c.name}" for t, c in DESCRIBED])
def test_the_english_note_is_the_schema_description(table, col):
    """The schema stays the one description of the data: the English catalogue text must equal it."""
    assert _description(column_note(table, col.name, "en"), "en") == col.doc.replace("`", "")


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_note_is_translated_and_marked_unofficial(lang):
    for table, col in DESCRIBED:
        english = _description(column_note(table, col.name, "en"), "en")
        note = column_note(table, col.name, lang)
        assert note.splitlines()[1].endswith(UNOFFICIAL[lang]), (table, col.name)
        translated = _description(note, lang)
        words = re.findall(r"[A-Za-z]{3,}", re.sub(r"<[^>]*>", "", english))  # a pattern of codes has none
        assert translated and (translated != english or not words), (table, col.name)
    assert "[excerpt]" in column_note("actions", "excerpt", lang)


def test_a_column_described_alike_in_every_table_has_one_text():
    texts = {
        column_note(table, "excerpt", "fr").splitlines()[1]
        for table in TABLES
        if "excerpt" in TABLES[table].column_names
    }
    assert len(texts) == 1 and "Extrait textuel du Plan de travail" in texts.pop()
    assert not i18n.has("excel.note.actions.excerpt") and i18n.has("excel.note.excerpt")


def test_exported_workbook_carries_the_notes_in_its_language(tmp_path):
    ds = load_dataset()
    meeting = resolve_meeting(load_meetings(), "2007")
    out = export_workbook(tmp_path / "export-es.xlsx", ds, meeting, lang="es")
    ws = openpyxl.load_workbook(out)["actions"]
    note = ws.cell(row=2, column=[c.value for c in ws[1]].index("description") + 1).comment.text
    assert "[description]" in note
    assert "Descripción breve con las palabras del documento. (traducción no oficial)" in note
    assert "Short description" not in note
