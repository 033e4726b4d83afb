"""Tests for analysis.report.content on a small fixture dataset (tests/fixtures/content/dataset.py).

Expected values are worked out by hand from the fixture rows.
"""

import datetime as dt
import importlib.util
import math
from pathlib import Path

import pytest

from analysis.report import content as rc

_spec = importlib.util.spec_from_file_location(
    "content_fixture", Path(__file__).resolve().parents[1] / "fixtures" / "content" / "dataset.py"
)
fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture)

AS_OF = "2007-04-15"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def data(tmp_path):
    return str(fixture.write_fixture(tmp_path / "program"))


@pytest.fixture
def no_meetings(tmp_path):
    return tmp_path / "no-meetings.csv"  # does not exist: no meeting, as_of from the parameter or today


def report(data, no_meetings, implementer="IACHR", lang="en", as_of=AS_OF):
    return rc.open_report(implementer, as_of=as_of, lang=lang, data_path=data, meetings_file=no_meetings)


def test_mandate_statuses(data, no_meetings):
    ms = rc.implementer_mandates(report(data, no_meetings).ds, "IACHR")
    assert dict(zip(ms["mandate_id"], ms["status"])) == {
        "IACHR-M1": "action_reported",
        "IACHR-M2": "planned_only",
        "IACHR-M3": "no_action_reported",
    }


def test_actions_by_kind_with_mandates_served(data, no_meetings):
    ds = report(data, no_meetings).ds
    done = rc.implementer_actions(ds, "IACHR", "carried_out")
    assert dict(zip(done["action_id"], done["mandates"])) == {"IACHR-A1": "IACHR-M1", "IACHR-A2": ""}
    assert rc.implementer_actions(ds, "IACHR", "planned")["action_id"].tolist() == ["IACHR-P1"]


def test_milestone_statuses_as_of_mid_april_2007(data, no_meetings):
    m = rc.implementer_milestones(report(data, no_meetings).ds, "IACHR", AS_OF)
    assert dict(zip(m["milestone_id"], m["status"])) == {
        "IACHR-C1": "in_progress",
        "IACHR-C2": "met",
        "IACHR-C3": "undetermined",
        "IACHR-C4": "undetermined",
        "IACHR-C5": "in_progress",
        "IACHR-C6": "past_unreported",
    }


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2007-04-15", [("IACHR-C6", "past_unreported"), ("IACHR-C1", "in_progress"), ("IACHR-C5", "in_progress")]),
        (
            "2007-05-15",
            [("IACHR-C1", "missed"), ("IACHR-C6", "past_unreported"), ("IACHR-C5", "in_progress")],
        ),
        ("2006-02-01", [("IACHR-C6", "in_progress")]),  # inside the year 2006
        ("2005-12-01", []),
    ],
)
def test_due_or_overdue(data, no_meetings, as_of, expected):
    m = rc.due_or_overdue(rc.implementer_milestones(report(data, no_meetings).ds, "IACHR", as_of))
    assert list(zip(m["milestone_id"], m["status"])) == expected


def test_undated_milestones_are_listed_separately(data, no_meetings):
    m = rc.implementer_milestones(report(data, no_meetings).ds, "IACHR", AS_OF)
    assert rc.undated(m)["milestone_id"].tolist() == ["IACHR-C4"]


def test_quality_notes_by_implementer_or_row_ids(data, no_meetings):
    ds = report(data, no_meetings).ds
    assert rc.quality_notes(ds, "IACHR")["issue_id"].tolist() == ["DQ-2", "DQ-3"]
    assert rc.quality_notes(ds, "DPD")["issue_id"].tolist() == ["DQ-1", "DQ-3"]
    assert rc.quality_notes(ds, "ECU").empty


def test_coverage_matrix(data, no_meetings):
    m = rc.coverage_matrix(report(data, no_meetings).ds).set_index("implementer_id")
    assert m.loc["IACHR", ["action_reported", "planned_only", "no_action_reported", "total"]].tolist() == [1, 1, 1, 3]
    assert m.loc["DPD", ["action_reported", "planned_only", "no_action_reported", "total"]].tolist() == [1, 0, 0, 1]
    assert m.loc["HND", ["action_reported", "planned_only", "no_action_reported", "total"]].tolist() == [0, 0, 1, 1]
    assert "ECU" not in m.index  # no mandates


def test_silent_implementers_include_member_states(data, no_meetings):
    s = rc.silent_implementers(report(data, no_meetings).ds)
    assert s["implementer_id"].tolist() == ["ECU", "HND", "CIVIL_SOCIETY"]


def test_voting_abroad_is_data_driven_and_missing_is_nan(data, no_meetings):
    frame, indicators = rc.voting_abroad(report(data, no_meetings).ds)
    assert indicators == ["absentee_registered", "absentee_voted", "absentee_turnout"]
    ecu = frame[frame["country"] == "ECU"].iloc[0]
    hnd = frame[frame["country"] == "HND"].iloc[0]
    assert ecu["absentee_registered"] == 141407
    assert math.isnan(ecu["absentee_voted"]) and math.isnan(ecu["absentee_turnout"])
    assert hnd["absentee_turnout"] == pytest.approx(4541 / 10260)


def test_a_new_country_appears_without_code_changes(tmp_path, no_meetings):
    obs = fixture.ROWS["observations"] + [
        dict(
            observation_id="OBS-9",
            indicator_id="absentee_registered",
            implementer_id="DPD",
            country="MEX",
            election="2006 election",
            comparator="=",
            value="40876",
            value_as_written="40,876",
            section="X",
            excerpt="x",
        ),
        dict(
            observation_id="OBS-10",
            indicator_id="absentee_voted",
            implementer_id="DPD",
            country="MEX",
            election="2006 election",
            comparator="=",
            value="32632",
            value_as_written="32,632",
            section="X",
            excerpt="x",
        ),
    ]
    data = str(fixture.write_fixture(tmp_path / "p", {"observations": obs}))
    frame, _ = rc.voting_abroad(report(data, no_meetings).ds)
    assert frame[frame["country"] == "MEX"]["absentee_turnout"].iloc[0] == pytest.approx(32632 / 40876)


def test_absentee_section_in_spanish_says_not_reported_never_zero(data, no_meetings):
    out = rc.absentee_section(report(data, no_meetings, implementer=None, lang="es"))
    assert "141.407" in out and "10.260" in out and "44,3\u00a0%" in out
    assert "no informado" in out
    ecuador_row = out.split('<tr><td class="oas-w">Ecuador</td>')[1].split("</tr>")[0]
    assert "no informado" in ecuador_row and ">0</td>" not in ecuador_row
    assert out.count('class="oas-chart plotly-graph-div"') == 3  # registered, voted, turnout


def test_key_figures(data, no_meetings):
    f = rc.key_figures_of(report(data, no_meetings).ds, "IACHR", AS_OF)
    assert (f["mandates"], f["mandates_action_reported"], f["actions_carried_out"], f["actions_planned"]) == (
        3,
        1,
        2,
        1,
    )
    assert (f["milestones"], f["milestones_due"], f["milestones_overdue"], f["milestones_met"]) == (6, 2, 1, 1)
    out = rc.key_figures_section(report(data, no_meetings, lang="es"))
    assert "33,3\u00a0%" in out and "Cifras clave" in out


def test_data_from_the_dataset_is_escaped_in_every_section(data, no_meetings):
    rep = report(data, no_meetings, implementer="DPD")
    html = "".join([rc.actions_section(rep, "carried_out"), rc.quality_section(rep), rc.sources_section(rep)])
    assert ESCAPED in html and "<script>alert" not in html
    overview = report(data, no_meetings, implementer=None)
    assert "<script>alert" not in rc.key_indicators_section(overview) + rc.reporting_section(overview)


def test_rows_are_cited_and_sources_listed(data, no_meetings):
    rep = report(data, no_meetings)
    mandates = rc.mandates_section(rep)
    for n in (1, 2, 3):
        assert f'href="#source-{n}">[{n}]</a>' in mandates
    sources = rc.sources_section(rep)
    assert sources.count("<li ") == 3 and "Promote the system" in sources and 'id="source-3"' in sources


def test_spanish_headings(data, no_meetings):
    rep = report(data, no_meetings, lang="es")
    assert '<h2 id="mandates">1. Mandatos</h2>' in rc.mandates_section(rep)
    assert '<h2 id="timeline">2. Cronograma de hitos</h2>' in rc.timeline_section(rep)  # numbered in order
    assert "Hitos vencidos o en curso" in rc.due_section(rep)
    assert "vencido" in rc.due_section(rep)
    title = rc.title_section(rep, "report.implementer.title", name="Comisión")
    assert (
        'aria-label="Informe por responsable: Comisión"' in title and "<h1" not in title
    )  # one title block: the page's
    assert "en inglés" in title  # the Work Plan's own text stays as written


def test_timeline_section_draws_dated_and_lists_undated(data, no_meetings):
    out = rc.timeline_section(report(data, no_meetings))
    assert out.count('class="oas-chart plotly-graph-div"') == 1
    assert "Milestones without a usable date" in out and "IACHR-C4" in out


def test_changes_without_a_meeting_say_there_is_nothing_to_compare(data, no_meetings):
    out = rc.changes_section(report(data, no_meetings))
    assert "There is no earlier snapshot to compare with." in out


def test_unknown_implementer_is_a_clear_error(data, no_meetings):
    with pytest.raises(rc.UnknownImplementerError, match=r"unknown implementer 'NOPE'; known: IACHR, DPD, ECU"):
        report(data, no_meetings, implementer="NOPE")


def test_bad_as_of_is_a_clear_error(data, no_meetings):
    with pytest.raises(rc.ReportParameterError, match="as_of must be an ISO date"):
        report(data, no_meetings, as_of="next tuesday")


def test_as_of_defaults_to_the_meetings_as_of(data, tmp_path):
    meetings = tmp_path / "meetings.csv"
    meetings.write_text(
        "meeting_id,date,as_of,title_en,title_es,reporting_period_start,reporting_period_end,basis\n"
        "m1,2006-03-16,2006-03-16,First,Primera,,,test\n"
        "m2,,2007-03-31,Second,Segunda,,,test\n",
        encoding="utf-8",
    )
    rep = rc.open_report("IACHR", meeting="m2", data_path=data, meetings_file=meetings)
    assert rep.as_of == dt.date(2007, 3, 31) and rep.meeting_id == "m2"
    latest = rc.open_report("IACHR", data_path=data, meetings_file=meetings, today=dt.date(2007, 1, 1))
    assert latest.meeting_id == "m1"
    spanish = rc.open_report("IACHR", meeting="m2", lang="es", data_path=data, meetings_file=meetings)
    assert spanish.meeting.title(spanish.lang) == "Segunda"  # the page header shows it


def test_unknown_language_is_a_clear_error(data, no_meetings):
    with pytest.raises(Exception, match="unknown language 'de'"):
        report(data, no_meetings, lang="de")


def test_one_source_link_per_distinct_source_in_the_voting_table(tmp_path):
    """Honduras' registered and voted figures cite the same sentence: one link, not two."""
    import re

    from analysis import config

    html = str(rc.absentee_section(rc.open_report(None, meeting="2007", lang="en", data_path=str(config.PROGRAM_DIR))))
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    for row in rows:
        links = re.findall(r'href="#source-(\d+)"', row)
        assert len(links) == len(set(links)), row
    assert any("Honduras" in r and re.search(r'href="#source-\d+"', r) for r in rows)


def test_citations_are_numbered_once_in_constant_time(data, no_meetings):
    rep = report(data, no_meetings)
    assert [rep.cite("I", str(i)) for i in range(3)] == [1, 2, 3]
    assert rep.cite("I", "1") == 2 and isinstance(rep.sources, dict)


def test_executive_summary_has_three_to_five_sentences_in_the_language(data, no_meetings):
    for lang in ("en", "es", "fr", "pt"):
        rep = report(data, no_meetings, lang=lang)
        sentences = rc.executive_summary(rep)
        assert 3 <= len(sentences) <= 5
    es = " ".join(rc.executive_summary(report(data, no_meetings, lang="es")))
    assert "mandatos" in es and "hitos" in es.lower()


def test_share_without_denominator_is_not_applicable(data, no_meetings):
    from analysis.report.sections.front import share_text

    rep = report(data, no_meetings, lang="es")
    assert share_text(rep, 0, 0) == "No corresponde"
    assert share_text(rep, 1, 3) == "33,3\u00a0%"


def test_annex_headings_get_letters_after_numbered_sections(data, no_meetings):
    rep = report(data, no_meetings)
    rc.mandates_section(rep)
    assert '<h2 id="glossary">Annex A. Glossary of statuses</h2>' in rc.glossary_section(rep)
    assert "Annex B. Sources" in rc.sources_section(rep)


def test_assigned_activity_is_quoted_with_the_unofficial_translation_marked(data, no_meetings):
    es = rc.mandates_section(report(data, no_meetings, lang="es"))
    fr = rc.mandates_section(report(data, no_meetings, lang="fr"))
    assert '<q lang="en">' in es and '<q lang="en">' in fr
    assert "Traducción no oficial" not in fr


def test_long_tables_are_cut_with_a_pointer_to_the_excel_export(data, no_meetings):
    import pandas as pd

    from analysis.report.context import MAX_TABLE_ROWS, capped

    rep = report(data, no_meetings, lang="es")
    shown, note = capped(rep, pd.DataFrame({"a": range(5000)}))
    assert len(shown) == MAX_TABLE_ROWS and "5000" in note and "Excel" in note
    assert capped(rep, pd.DataFrame({"a": range(3)}))[1] == ""


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_milestone_summary_adds_up_and_agrees_with_timeline_and_table(lang):
    """Disputed milestones are a category of their own: in the sentence, the timeline caption and the table."""
    import re
    from collections import Counter

    from analysis import config
    from analysis.report import charts
    from analysis.report.sections.front import _counts, _milestone_sentence, milestone_parts
    from analysis.report.sections.milestones import status_text

    rep = rc.open_report(None, meeting="2007", lang=lang, data_path=str(config.PROGRAM_DIR))
    c = _counts(rep, None)
    parts = milestone_parts(c)
    assert sum(parts.values()) == int(c["milestones"]) and parts.get("disputed", 0) >= 1
    sentence = _milestone_sentence(rep, c)
    total, listed = sentence.split(";", 1)
    numbers = [int(n) for n in re.findall(r"(?<![\w-])(\d+)\s", listed)]
    assert sum(numbers) == int(re.search(r"\d+", total).group()) == int(c["milestones"])
    assert rep.t("summary.milestone.disputed", count=parts["disputed"]) in sentence

    m = rc.implementer_milestones(rep.ds, None, rep.as_of)
    drawn = m[m["start"].notna() | m["end"].notna()].copy()
    drawn["label"] = drawn["description"]
    caption = charts.timeline_chart(drawn, lang, rep.as_of).layout.meta["summary"]
    caption_counts = {k.strip(): int(v) for k, v in re.findall(r"([^:;.]+): (\d+)", caption.split(". ", 1)[1])}
    mark = f" ({rep.t('label.disputed')})"  # a doubted date on a milestone that is not late: same category
    table_counts = Counter(status_text(rep, s, d).replace(mark, "") for s, d in zip(drawn["status"], drawn["disputed"]))
    assert caption_counts == dict(table_counts)
    disputed = charts.status_name("disputed", lang)
    assert caption_counts[disputed] == parts["disputed"]
    late = charts.status_name("past_unreported", lang)
    assert caption_counts.get(late, 0) == parts.get("past_unreported", 0)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_key_indicator_bars_are_named_and_each_figure_drawn_once(lang):
    import re

    from analysis import config
    from analysis.report.context import implementer_name

    rep = rc.open_report(None, meeting="2007", lang=lang, data_path=str(config.PROGRAM_DIR))
    html = str(rc.key_indicators_section(rep))
    captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption", html, re.S)
    assert captions and "OBS-" not in html
    assert implementer_name(rep.ds, "SPA", lang) in html  # a per-implementer indicator names its implementers
    # The Program's "33 specific activities" is stated twice in the data but is one figure: not charted as two bars.
    sg = rc.indicator_name(rep.ds, "program_specific_activities_stated", lang)
    assert not any(c.startswith(sg) for c in captions)
    for caption in captions:
        labels = re.findall(r"(?:\. |; )([^:;]+): ", caption)
        assert len(labels) == len(set(labels)) >= 2


def test_all_figures_annex_has_no_mostly_empty_country_column_and_right_aligned_values():
    import re

    from analysis import config

    rep = rc.open_report(None, meeting="2007", lang="es", data_path=str(config.PROGRAM_DIR))
    html = str(rc.indicators_annex(rep))
    first_table = html.split("</table>")[0]  # the reported figures (the derived values follow)
    heads = re.findall(r"<th[ >][^>]*>?(.*?)</th>", first_table)
    assert rep.t("label.country") not in heads and rep.t("label.implementer") in heads
    assert "DPD (Ecuador)" in html
    value_col = heads.index(rep.t("label.value"))
    rows = re.findall(r"<tr>(.*?)</tr>", first_table.split("<tbody>")[1])
    cells = [re.findall(r"<td([^>]*)>", r)[value_col] for r in rows]
    assert cells and all('class="num' in c for c in cells)


def test_dpd_actions_show_a_date_or_say_undated_in_one_column():
    import re

    from analysis import config

    rep = rc.open_report("DPD", meeting="2007", lang="es", data_path=str(config.PROGRAM_DIR))
    html = str(rc.actions_section(rep, "carried_out"))
    heads = re.findall(r"<th[ >][^>]*>?(.*?)</th>", html)
    col = heads.index(rep.t("label.when_in_period"))
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    cells = [re.sub("<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", r)[col]) for r in rows]
    assert cells and all(cells)
    assert rep.t("label.period_undated") in cells and any("2005" in c for c in cells)


def test_note_links_read_row_lists_as_the_annex_does():
    """Arrow's split and trim give the ids the annex lists (``_ids_in``), for every way a list is written."""
    import pandas as pd

    from analysis.dataset.loading import Dataset
    from analysis.report.sections.notes import _ids_in, note_links

    rows = [
        "milestones:IACHR-M1; actions:IACHR-A2",
        " IACHR-A3 ;; ",
        "",
        "observations: OBS-1:part;OBS-2",
        "  ;x:  ",
        "CIM-A1",
    ]
    ds = Dataset({"data_quality": pd.DataFrame({"rows": pd.array(rows, dtype="string[pyarrow]")})}, Path("."), "v")
    links = note_links(ds)
    expected = [(r, i) for i, text in enumerate(rows) for r in _ids_in(text)]
    assert list(zip(links["row_id"], links["note"].tolist())) == expected
    assert ("OBS-1:part", 3) in expected and ("", 4) in expected  # only the first "table:" is cut


def test_notes_sit_under_the_table_that_shows_their_rows(data, no_meetings):
    from analysis.report.sections.notes import note_cells, notes_by_row, notes_under

    rep = report(data, no_meetings, implementer=None)
    dq = rep.ds.data_quality
    named = {r for text in dq["rows"] for r in text.replace(" ", "").split(";")}
    row = sorted(r.split(":", 1)[-1] for r in named if r)[0]
    found = notes_by_row(rep, [row, "no-such-row"])
    assert list(found) == [row] and all(issue.startswith("DQ-") for issue, _ in found[row])
    cells = note_cells(rep, [row, "no-such-row"])
    assert cells[1] == "" and 'href="#note-' in str(cells[0])
    under = str(notes_under(rep, [row]))
    assert all(issue in under for issue, _ in found[row]) and 'class="oas-notes"' in under
