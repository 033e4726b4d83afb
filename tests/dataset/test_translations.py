"""Translations: every secretariat text has its Spanish column; a gap is a warning, not an error."""

from __future__ import annotations

import shutil

from conftest import run_cli

from analysis import config
from analysis.dataset.raw import read_raw
from analysis.dataset.schema import TABLES
from analysis.dataset.translations import missing_translations


def test_the_shipped_data_is_fully_translated():
    assert [str(p) for p in missing_translations(read_raw(config.PROGRAM_DIR))] == []


def test_every_translation_column_is_declared_and_named_after_its_source():
    pairs = {(t.name, c.name, c.translation_of) for t in TABLES.values() for c in t.columns if c.translation_of}
    assert ("actions", "description_es", "description") in pairs
    assert ("mandates", "text_es_unofficial", "text") in pairs
    assert {("implementers", f"name_{lang}", "name_en") for lang in ("es", "fr", "pt")} <= pairs
    unofficial = TABLES["mandates"].column("text_es_unofficial")
    assert "UNOFFICIAL" in unofficial.doc


def test_a_missing_translation_is_a_warning_and_validate_still_passes(tmp_path):
    data = tmp_path / "program"
    shutil.copytree(config.PROGRAM_DIR, data)
    path = data / "milestones.csv"
    text = path.read_text(encoding="utf-8")
    assert ",Contratación del especialista en derechos de los trabajadores migrantes," in text
    path.write_text(
        text.replace(",Contratación del especialista en derechos de los trabajadores migrantes,", ",,"),
        encoding="utf-8",
    )
    warnings = missing_translations(read_raw(data))
    assert [(w.column, w.row) for w in warnings] == [("description_es", 3)]
    done = run_cli("validate", str(data), "--no-sources")
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr and "milestones.csv, row 3, column description_es" in done.stderr
