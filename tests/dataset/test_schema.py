"""The schema and its documentation stay in step."""

from __future__ import annotations

from analysis import config
from analysis.dataset.schema import TABLES, markdown_reference


def test_data_readme_documents_every_column():
    readme = (config.DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert markdown_reference() in readme, "data/README.md is out of date: run `python -m analysis schema-doc`"
    for t in TABLES.values():
        for c in t.columns:
            assert f"| `{c.name}` |" in readme


def test_shipped_csv_headers_match_schema():
    for name, table in TABLES.items():
        header = (config.PROGRAM_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == table.column_names, name
