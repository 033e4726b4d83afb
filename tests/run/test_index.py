"""Tests for analysis.run.index: the landing page of each language, the root index and the run page."""

import re

import pytest
from bs4 import BeautifulSoup

from analysis.run.index import counts_line, landing_page, root_page, run_page


def entry(rid, title, status="ok", implementer="", notebook="implementer_report", **kw):
    lang, name = rid.split("/")
    paths = {
        "html": f"{lang}/{name}.html",
        "pdf": f"{lang}/{name}.pdf",
        "notebook": f"notebooks/{lang}/{name}.ipynb",
        "log": f"logs/{lang}/{name}.log",
    }
    outputs = {"html": {"path": paths["html"]}, "pdf": {"path": paths["pdf"]}} if status == "ok" else {}
    return {
        "report_id": rid,
        "lang": lang,
        "slug": name,
        "title": title,
        "implementer": implementer,
        "notebook": notebook,
        "status": status,
        "paths": paths,
        "outputs": outputs,
        **kw,
    }


COUNTS = {"mandates": 4, "actions_carried_out": 1234, "actions_planned": 5}
MANIFEST = {
    "meeting": {"meeting_id": "2007", "title_en": "Meeting <i>", "title_es": "Reunión", "as_of": "2007-03-31"},
    "inputs": {"data_version": "abc"},
    "summary": {"ok": 5, "failed": 1},
    "reports": [
        entry("en/iachr", "<script>alert(1)</script>", implementer="IACHR", counts=COUNTS),
        entry("en/all-organs", "All Program implementers", implementer="ALL_ORGANS", counts=COUNTS),
        entry(
            "en/absentee-voting",
            "Voting abroad",
            notebook="absentee_voting",
            counts={"voting_figures": 4, "voting_countries": 2},
        ),
        entry("en/program-overview", "Program overview", notebook="program_overview", counts=COUNTS, duration_s=3.25),
        entry("en/oil", "OIL", status="failed", implementer="OIL", error="cell 2: RuntimeError: <bad>"),
        entry("es/iachr", "Comisión", implementer="IACHR", counts=COUNTS),
        entry("es/program-overview", "Panorama", notebook="program_overview", counts=COUNTS),
    ],
}


def test_landing_page_lists_overview_first_with_counts_and_escapes():
    page = landing_page(MANIFEST, "en")
    soup = BeautifulSoup(page, "html.parser")
    titles = [a.get_text() for a in soup.select("ul.oas-reports a.title")]
    assert titles == ["Program overview", "Voting abroad", "<script>alert(1)</script>", "All Program implementers"]
    assert "<script>alert(1)" not in page
    lines = [s.get_text() for s in soup.select("ul.oas-reports .counts")]
    assert lines[0] == "4 mandates · 1,234 actions carried out · 5 actions planned"
    assert lines[1] == "4 figures for 2 countries"
    assert "OIL" not in titles and "oil.html" not in page  # a failed report is not offered to delegates
    assert "Reports that could not be produced in the last run: 1." in page
    assert "Seconds" not in page and "3.2" not in page and "ipynb" not in page  # build details live elsewhere
    assert soup.find("a", hreflang="es")["href"] == "../es/index.html"
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_landing_page_in_spanish_formats_numbers_and_names_languages():
    page = landing_page(MANIFEST, "es")
    assert '<html lang="es">' in page and "Reunión" in page
    assert "1.234 acciones realizadas" in page
    assert "../en/index.html" in page


def test_root_page_links_each_language():
    soup = BeautifulSoup(root_page(MANIFEST), "html.parser")
    assert [a["href"] for a in soup.select("a.title")] == ["en/index.html", "es/index.html"]
    assert soup.find("a", href="run.html") is not None


def test_run_page_has_build_details_and_escapes():
    page = run_page(MANIFEST, exists=lambda p: p != "en/oil.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'href="en/iachr.html"' in page and 'href="notebooks/en/iachr.ipynb"' in page
    assert 'href="logs/en/iachr.log"' not in page and 'href="logs/en/oil.log"' in page
    assert "RuntimeError: &lt;bad&gt;" in page and "3.2" in page
    assert page.count('class="status">ok<') == 6


def test_run_page_marks_previous_version_of_a_failed_report_and_hides_stale_files():
    manifest = {
        "meeting": {"meeting_id": "2006"},
        "reports": [
            {**entry("en/a", "A", status="failed"), "error": "boom"},
            {**entry("en/b", "B"), "outputs": {"html": {"path": "en/b.html"}}},
        ],
    }
    page = run_page(manifest, exists=lambda p: True)
    assert '<a href="en/a.html">previous HTML</a>' in page
    assert 'href="en/b.html"' in page
    assert 'href="en/b.pdf"' not in page  # a PDF this run did not make (e.g. --format html) is not linked


def test_root_page_speaks_every_language_in_its_own_language():
    manifest = {**MANIFEST, "meeting": {**MANIFEST["meeting"], "title_fr": "Réunion spéciale", "title_pt": "Reunião"}}
    manifest["reports"] = [*MANIFEST["reports"], entry("fr/iachr", "CIDH"), entry("pt/iachr", "CIDH")]
    soup = BeautifulSoup(root_page(manifest), "html.parser")
    lines = {li["lang"]: li.get_text(" ") for li in soup.select("ul.oas-reports li")}
    assert "Informes en español: Reunión" in lines["es"]
    assert "Rapports en français : Réunion spéciale" in lines["fr"]
    assert "Relatórios em português: Reunião" in lines["pt"]
    assert {p["lang"] for p in soup.select("p.program")} == {"en", "es", "fr", "pt"}
    assert "Detalles de la ejecución" in soup.find("a", href="run.html").get_text()


def test_landing_page_names_mandates_as_the_reports_do_and_dates_in_long_form():
    page = landing_page(MANIFEST, "es")
    assert "4 mandatos" in page and "actividades asignadas" not in page
    assert "31 de marzo de 2007" in page and "2007-03-31" not in page
    assert "4 mandates" in landing_page(MANIFEST, "en")


def test_run_page_drops_the_note_column_when_every_note_is_empty():
    manifest = {**MANIFEST, "generated_at": "2026-11-30T21:54:00+00:00"}
    manifest["reports"] = [r for r in MANIFEST["reports"] if r["status"] == "ok"]
    page = run_page(manifest)
    assert ">Note<" not in page and "31 March 2007" in page and "30 November 2026, 21:54 UTC" in page
    assert ">Note<" in run_page(MANIFEST)  # a failed report's error needs the column


@pytest.mark.parametrize(
    "lang, one, many",
    [
        ("en", "1 mandate · 1 action carried out · 1 action planned", "2 mandates · 1,234 actions carried out"),
        ("es", "1 mandato · 1 acción realizada · 1 acción prevista", "2 mandatos · 1.234 acciones realizadas"),
        ("fr", "1 mandat · 1 action réalisée · 1 action prévue", "2 mandats · 1\u202f234 actions réalisées"),
        ("pt", "1 mandato · 1 ação realizada · 1 ação prevista", "2 mandatos · 1.234 ações realizadas"),
    ],
)
def test_count_lines_take_the_singular_for_one_and_the_plural_otherwise(lang, one, many):
    singular = {"mandates": 1, "actions_carried_out": 1, "actions_planned": 1}
    plural = {"mandates": 2, "actions_carried_out": 1234, "actions_planned": 0}
    assert counts_line({"counts": singular}, lang) == one
    assert counts_line({"counts": plural}, lang).startswith(many)
    voting = counts_line({"notebook": "absentee_voting", "counts": {"voting_figures": 1, "voting_countries": 1}}, lang)
    assert voting.startswith("1 ") and voting.split()[1] in {"figure", "cifra", "chiffre", "número"}
