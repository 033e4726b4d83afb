"""The report notebooks: committed clean and thin, and executed by real papermill in real kernels.

The executions run on the shipped data (data/program) when it validates; while
the data is being extracted and does not validate, they run on the content
fixture instead (tests/fixtures/content/dataset.py) so the notebooks are still
exercised.
"""

import html as html_module
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from analysis import config
from analysis.dataset.loading import load_dataset
from analysis.errors import DataError

REPORTS = ("implementer_report", "program_overview", "absentee_voting")
ALL = (*REPORTS, "explore")
PARAMETERS = ("implementer", "meeting", "as_of", "lang", "data_path")


def _read(name):
    return nbformat.read(config.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)


def _parameters_cell(nb):
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell must be tagged 'parameters'"
    return tagged[0]


@pytest.mark.parametrize("name", ALL)
def test_committed_without_outputs_or_execution_counts(name):
    for cell in _read(name).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("name", ALL)
def test_parameters_cell_is_tagged(name):
    source = _parameters_cell(_read(name)).source
    # explore takes the data folder; implementer, meeting, as-of date and language are its widgets
    wanted = PARAMETERS if name in REPORTS else ("data_path", "meetings_file")
    for p in wanted:
        assert re.search(rf"^{p}(: \w+)? = ", source, re.M), f"{name}: parameter {p} missing"


@pytest.mark.parametrize("name", REPORTS)
def test_report_notebooks_are_thin(name):
    for cell in _read(name).cells:
        assert cell.cell_type == "code", "headings come from analysis.i18n, not Markdown cells"
        if "parameters" in cell.metadata.get("tags", []):
            continue
        code = [line for line in cell.source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(code) <= 3, f"{name}: a cell does more than call the library:\n{cell.source}"
        assert not any(line.lstrip().startswith(("def ", "class ", "for ", "while ")) for line in code)


# ---------------------------------------------------------------- real executions


@pytest.fixture(scope="module")
def data_path(tmp_path_factory):
    try:
        load_dataset()
        return ""
    except DataError:
        spec = importlib.util.spec_from_file_location(
            "content_fixture", Path(__file__).resolve().parents[1] / "fixtures" / "content" / "dataset.py"
        )
        fixture = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(fixture)
        return str(fixture.write_fixture(tmp_path_factory.mktemp("content") / "program"))


def _execute(tmp_path, name, **parameters):
    import papermill

    out = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(
        str(config.NOTEBOOKS_DIR / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    return nbformat.read(out, as_version=4)


def _html(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.output_type != "error", f"{o.get('ename')}: {o.get('evalue')}"
            if "application/vnd.plotly.v1+json" in o.get("data", {}):  # JupyterLab's; nbconvert uses the HTML
                assert "oas-chart plotly-graph-div" in o.data["text/html"], "charts must go through charts.show"
            parts.append(o.get("data", {}).get("text/html", ""))
    return "\n".join(parts)


def _check_offline_charts(html):
    assert html.count('class="oas-chart plotly-graph-div"') >= 1
    assert "<script src" not in html.lower() and "cdn." not in html.lower()


def _heading(html: str, text: str) -> bool:
    """A numbered section ("3. Key figures") or an annex ("Annex A. Sources") heading."""
    return (
        re.search(r">(\d+\.|Annex [A-Z]\.|Anexo [A-Z]\.|Annexe [A-Z]\.) " + re.escape(text) + "</h2>", html) is not None
    )


@pytest.mark.slow
def test_implementer_report_in_english(tmp_path, data_path):
    html = _html(
        _execute(
            tmp_path, "implementer_report", implementer="IACHR", lang="en", data_path=data_path, as_of="2007-03-31"
        )
    )
    for h in (
        "Summary",
        "Reporting period",
        "Key figures",
        "Mandates",
        "Actions carried out",
        "Actions planned",
        "Milestone timeline",
        "Milestones overdue or due",
        "Indicators",
        "Changes since the last meeting",
        "Glossary of statuses",
        "Data-quality notes",
        "Sources",
    ):
        assert _heading(html, h), h
    assert "<h1" not in html  # one title block: the page header's
    assert 'class="oas-tile"' in html and "<figcaption>" in html
    _check_offline_charts(html)


@pytest.mark.slow
def test_implementer_report_in_spanish(tmp_path, data_path):
    html = _html(_execute(tmp_path, "implementer_report", implementer="IACHR", lang="es", data_path=data_path))
    for h in (
        "Resumen",
        "Cifras clave",
        "Mandatos",
        "Acciones realizadas",
        "Acciones previstas",
        "Cronograma de hitos",
        "Hitos vencidos o en curso",
        "Indicadores",
        "Notas sobre la calidad de los datos",
        "Cambios desde la última reunión",
        "Fuentes",
    ):
        assert _heading(html, h), h
    assert "Key figures" not in html and ">Mandates<" not in html
    assert "Traducción no oficial" in html or "text_es_unofficial" not in load_dataset(data_path or None).mandates
    _check_offline_charts(html)


@pytest.mark.slow
@pytest.mark.parametrize(
    "lang, heading, note, marked",
    [
        ("fr", "Chiffres clés", "en traduction non officielle", "Traduction non officielle :"),
        ("pt", "Números principais", "em tradução não oficial", "Tradução não oficial:"),
    ],
)
def test_french_and_portuguese_reports_show_the_data_text_as_unofficial_translations(
    tmp_path, data_path, lang, heading, note, marked
):
    html = _html(_execute(tmp_path, "implementer_report", implementer="IACHR", lang=lang, data_path=data_path))
    assert _heading(html, heading)
    assert html.count(note) == 1  # one visible sentence says the secretariat's text is an unofficial translation
    mandates = load_dataset(data_path or None).mandates
    assert marked in html or f"text_{lang}_unofficial" not in mandates  # each quoted activity's translation
    _check_offline_charts(html)


@pytest.mark.slow
def test_overview_in_spanish_and_voting_abroad_in_english(tmp_path, data_path):
    overview = _html(_execute(tmp_path, "program_overview", lang="es", data_path=data_path))
    for h in ("Cobertura de los mandatos", "Cronograma de hitos", "Estado de los informes", "Indicadores clave"):
        assert _heading(overview, h), h
    assert "Responsables que no han informado nada" in overview
    _check_offline_charts(overview)
    voting = _html(_execute(tmp_path, "absentee_voting", lang="en", data_path=data_path))
    assert "141,407" in voting and "Honduras" in voting and "Ecuador" in voting
    assert "44.3%" in voting  # 4,541 / 10,260, computed by measures.derived_indicators
    assert "not reported" in voting  # Ecuador's votes cast are not in the document
    assert "cannot be computed" in voting  # so Ecuador's turnout cannot be computed
    _check_offline_charts(voting)


@pytest.mark.slow
def test_backslash_quote_params_are_data_not_code(tmp_path, data_path):
    import papermill

    sentinel = tmp_path / "injected"
    hostile = f'x\'"\\"); open(r"{sentinel}", "w")  # \\'
    with pytest.raises(papermill.PapermillExecutionError) as err:
        _execute(tmp_path, "implementer_report", implementer=hostile, lang="en", data_path=data_path)
    assert err.value.ename == "UnknownImplementerError"
    assert "unknown implementer 'x" in err.value.evalue and "known: IACHR" in err.value.evalue
    assert not sentinel.exists()


# English function words and those of each report language (words two languages share, such as "a",
# "no" or "as", are left out).
ENGLISH_WORDS = set(
    "the of and to in is for on that by with as at from this be are or it an was were has have which its".split()
)
NATIVE_WORDS = {
    "es": set("de la el en y que los las del por con para un una se al es su sus lo como".split()),
    "fr": set("le la les de des du et en un une est que qui pour par dans sur au aux ses son".split()),
    "pt": set("o os do da dos das de e em um uma que para por com na nos nas ao aos seu sua".split()),
}
SHARED = {"es": set(), "fr": {"on"}, "pt": {"as"}}  # English words that are also words of the language ("as": the)


def english_share(html: str, lang: str = "es") -> float:
    """Share of English among the function words of ``html``'s text, outside the sources annex."""
    body = html.split('class="oas-sources"')[0]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    words = re.findall(r"[^\W\d_]+", html_module.unescape(re.sub(r"<[^>]+>", " ", body)).lower())
    english_words = ENGLISH_WORDS - SHARED[lang]
    english = sum(w in english_words for w in words)
    native = sum(w in NATIVE_WORDS[lang] for w in words)
    return english / max(1, english + native)


def test_english_share_counts_function_words():
    assert english_share("<p>the report of the Commission</p>") == 1.0
    assert english_share("<p>el informe de la Comisión</p>") == 0.0
    assert english_share('<p>el informe de la</p><ol class="oas-sources"><li>the of and</li></ol>') == 0.0
    assert english_share("<p>le rapport de la Commission à l’OEA</p>", "fr") == 0.0
    assert english_share("<p>o relatório da the report of</p>", "pt") == 0.5
    assert english_share("<p>as audiências de março</p>", "pt") == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["es", "fr", "pt"])
@pytest.mark.parametrize(
    "name, implementer", [("implementer_report", "IACHR"), ("program_overview", ""), ("absentee_voting", "")]
)
def test_reports_are_in_their_language_outside_the_sources_annex(tmp_path, data_path, name, implementer, lang):
    html = _html(_execute(tmp_path, name, implementer=implementer, lang=lang, data_path=data_path))
    assert english_share(html, lang) < 0.10
