"""Ingesting a filled-in form: exact changes, idempotence, conflicts, crash safety.

Every test works on a copy of the fixture data in tmp_path, never data/program.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import copy_excel_fixture, fill_form

from analysis import config
from analysis.dataset.loading import load_dataset
from analysis.dataset.provenance import check_excerpts
from analysis.dataset.raw import read_raw
from analysis.dataset.validation import validate_raw
from analysis.excel.form import write_template
from analysis.excel.ingest import IngestBusy, SubmissionError, ingest, ingest_lock
from analysis.store.changelog import read_changelog
from analysis.store.snapshots import changes_for_meeting, save_snapshot

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "excel"
TABLES = ("actions", "action_mandates", "milestones")


@pytest.fixture
def data(tmp_path) -> Path:
    return copy_excel_fixture(tmp_path)


def make_form(data: Path, tmp_path: Path, lang="es", implementer="IACHR") -> Path:
    return write_template(tmp_path / f"form-{lang}.xlsx", load_dataset(data), implementer, "2007", lang)


fill = fill_form


def snapshot_bytes(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.glob("*.csv"))}


def rows(data: Path, table: str) -> dict[str, dict]:
    with open(data / f"{table}.csv", newline="", encoding="utf-8") as fh:
        return {r[next(iter(r))]: r for r in csv.DictReader(fh)}


ROUND_TRIP = {
    "Acciones": {
        "D4": "marzo de 2007",
        "E4": "en ejecución",  # IACHR-P1: new period, status
        "B6": "realizada",
        "C6": "Seminario sobre derechos de los trabajadores migratorios",
        "D6": "abril de 2007",
        "E6": "finalizada",
        "F6": "IACHR-M3: (label as chosen)",
        "G6": "http://www.cidh.org/migrantes",
    },
    "Hitos": {"D2": "sí", "E2": dt.date(2007, 3, 15)},
}


def test_round_trip_changes_exactly_what_was_filled_in(data, tmp_path):
    before = {t: rows(data, t) for t in TABLES}
    untouched = {p.name: p.read_bytes() for p in data.glob("*.csv") if p.stem not in TABLES}
    save_snapshot("2006", data)
    filled = fill(make_form(data, tmp_path), tmp_path / "filled.xlsx", ROUND_TRIP)

    result = ingest(filled, data)

    after = {t: rows(data, t) for t in TABLES}
    # actions: one row changed, one added, nothing else
    changed = {k for k in before["actions"] if before["actions"][k] != after["actions"][k]}
    assert changed == {"IACHR-P1"}
    p1_old, p1 = before["actions"]["IACHR-P1"], after["actions"]["IACHR-P1"]
    assert {c for c in p1 if p1[c] != p1_old[c]} == {"period_text", "start", "end", "lifecycle_status"}
    assert (p1["period_text"], p1["start"], p1["end"], p1["lifecycle_status"]) == (
        "marzo de 2007",
        "2007-03-01",
        "2007-03-31",
        "in_progress",
    )
    assert set(after["actions"]) - set(before["actions"]) == {"IACHR-A3"}
    new = after["actions"]["IACHR-A3"]
    assert (new["kind"], new["lifecycle_status"], new["start"], new["end"]) == (
        "carried_out",
        "completed",
        "2007-04-01",
        "2007-04-30",
    )
    assert new["section"] == f"submission:2007:{result.sha256[:12]}"
    assert new["excerpt"] == "Seminario sobre derechos de los trabajadores migratorios"
    assert set(after["action_mandates"]) - set(before["action_mandates"]) == {"IACHR-A3:IACHR-M3"}
    assert {k for k in before["milestones"] if before["milestones"][k] != after["milestones"][k]} == {"IACHR-C1"}
    assert (after["milestones"]["IACHR-C1"]["achieved"], after["milestones"]["IACHR-C1"]["achieved_on"]) == (
        "yes",
        "2007-03-15",
    )
    assert untouched == {p.name: p.read_bytes() for p in data.glob("*.csv") if p.stem not in TABLES}

    # the master is still valid, and submitted rows are not looked for in the Work Plan
    raw = read_raw(data)
    assert validate_raw(raw, data) == []
    if config.work_plan_path().exists():
        assert not [p for p in check_excerpts(raw, config.work_plan_path()) if "A3" in str(p)]

    # archived byte for byte, logged, previous version kept
    assert result.archived.read_bytes() == filled.read_bytes()
    assert result.archived.parent == data.parent / "submissions" / "2007"
    log = read_changelog(data.parent / "changelog.csv")
    assert len(log) == len(result.changes) and set(log["submission_sha256"]) == {result.sha256}
    assert ("actions", "IACHR-P1", "lifecycle_status", "planned", "in_progress") in set(
        log[["table", "key", "column", "old", "new"]].itertuples(index=False, name=None)
    )
    assert (result.backup / "actions.csv").read_bytes() == (FIX / "program" / "actions.csv").read_bytes()

    # and the change shows in the meeting comparison
    ch = changes_for_meeting("2007", data)
    assert list(ch["new_actions"]["action_id"]) == ["IACHR-A3"]
    assert ch["status_changes"][["action_id", "old_status", "new_status"]].values.tolist() == [
        ["IACHR-P1", "planned", "in_progress"]
    ]
    assert list(ch["milestones_newly_met"]["milestone_id"]) == ["IACHR-C1"]

    # and the report shows it, in Spanish too
    from analysis.report import content as rc

    for lang, heading in (("en", "Changes since the last meeting"), ("es", "Cambios desde la última reunión")):
        section = str(rc.changes_section(rc.open_report("IACHR", meeting="2007", lang=lang, data_path=str(data))))
        assert heading in section and "IACHR-A3" in section and "IACHR-C1" in section


def test_dry_run_changes_nothing(data, tmp_path):
    before = snapshot_bytes(data)
    filled = fill(make_form(data, tmp_path), tmp_path / "filled.xlsx", ROUND_TRIP)
    result = ingest(filled, data, dry_run=True)
    assert result.changes and result.dry_run
    assert snapshot_bytes(data) == before
    assert not (data.parent / "changelog.csv").exists()
    assert not (data.parent / "submissions").exists()


def test_second_ingest_of_same_file_changes_nothing(data, tmp_path):
    filled = fill(make_form(data, tmp_path), tmp_path / "filled.xlsx", ROUND_TRIP)
    first = ingest(filled, data)
    after_first = snapshot_bytes(data)
    log_lines = (data.parent / "changelog.csv").read_text().count("\n")
    second = ingest(filled, data)
    assert first.changes and second.already_ingested and not second.changes
    assert snapshot_bytes(data) == after_first
    assert (data.parent / "changelog.csv").read_text().count("\n") == log_lines


def test_same_answers_in_a_different_file_change_nothing(data, tmp_path):
    form = make_form(data, tmp_path)
    ingest(fill(form, tmp_path / "a.xlsx", ROUND_TRIP), data)
    after_first = snapshot_bytes(data)
    # same answers, re-typed into the same form: different bytes, same rows
    again = fill(form, tmp_path / "b.xlsx", {**ROUND_TRIP, "Instrucciones": {"A30": "re-saved"}})
    result = ingest(again, data)
    assert result.changes == [] and result.already_ingested is None
    assert snapshot_bytes(data) == after_first


def test_conflict_is_reported_and_nothing_overwritten(data, tmp_path):
    form = make_form(data, tmp_path)
    # the master changes after the form was made
    text = (data / "actions.csv").read_text(encoding="utf-8")
    (data / "actions.csv").write_text(
        text.replace(
            "IACHR-P1,IACHR,planned,Selecting a specialist in migrant workers' rights,,,,first semester 2007,,2007-01-01,2007-06-30,planned",
            "IACHR-P1,IACHR,planned,Selecting a specialist in migrant workers' rights,,,,first semester 2007,,2007-01-01,2007-06-30,cancelled",
        ),
        encoding="utf-8",
    )
    assert "cancelled" in (data / "actions.csv").read_text()
    before = snapshot_bytes(data)
    filled = fill(form, tmp_path / "filled.xlsx", ROUND_TRIP)
    with pytest.raises(SubmissionError) as info:
        ingest(filled, data)
    lines = [str(p) for p in info.value.problems]
    assert len(lines) == 1 and "conflict: the action 'IACHR-P1'" in lines[0] and "row 4" in lines[0]
    assert snapshot_bytes(data) == before
    assert info.value.report.exists()
    # with --skip-conflicts the other rows go in, the conflicting one stays as it is in the master
    result = ingest(filled, data, skip_conflicts=True)
    assert result.conflicts and "IACHR-A3" in {c.key for c in result.changes}
    assert rows(data, "actions")["IACHR-P1"]["lifecycle_status"] == "cancelled"


def test_crash_between_write_and_rename_leaves_master_intact(data, tmp_path, monkeypatch):
    before = snapshot_bytes(data)
    filled = fill(make_form(data, tmp_path), tmp_path / "filled.xlsx", ROUND_TRIP)
    real_replace = os.replace
    calls = {"n": 0}

    def crash_on_second(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:  # the first table is already renamed: the worst moment
            raise OSError("simulated crash")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(OSError, match="simulated crash"):
        ingest(filled, data)
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot_bytes(data) == before
    assert not list(data.glob(".*.tmp"))
    result = ingest(filled, data)  # a re-run succeeds
    assert result.changes and rows(data, "actions")["IACHR-P1"]["lifecycle_status"] == "in_progress"


def test_two_ingests_cannot_interleave(data, tmp_path):
    filled = fill(make_form(data, tmp_path), tmp_path / "filled.xlsx", ROUND_TRIP)
    with ingest_lock(data):
        with pytest.raises(IngestBusy, match="another command is writing this data"):
            ingest(filled, data)


def test_formula_is_stored_as_its_text(data, tmp_path):
    edits = {"Acciones": {"G2": '=HYPERLINK("http://evil.example","click")'}}
    filled = fill(make_form(data, tmp_path), tmp_path / "f.xlsx", edits)
    result = ingest(filled, data)
    assert len(result.warnings) == 1 and "formula" in result.warnings[0].message
    assert rows(data, "actions")["IACHR-A1"]["evidence"] == '=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize(
    "edits, expected",
    [
        ({"Acciones": {"A3": "IACHR-A9"}}, "the action id was changed (the form showed 'IACHR-A2')"),
        ({"Acciones": {"F2": "CIM-M1: not mine"}}, "unknown mandate 'CIM-M1' for IACHR"),
        ({"Acciones": {"D2": "sometime soon"}}, "the period cannot be understood"),
        ({"Acciones": {"E2": "almost done"}}, "the status is missing or not in the list"),
        (
            {"Acciones": {"A7": "IACHR-A7", "B7": "realizada", "C7": "x", "E7": "finalizada"}},
            "an action id was typed in a new row",
        ),
        ({"Hitos": {"E2": "15/03/2007"}}, "is not a date"),
    ],
)
def test_bad_rows_are_refused_with_the_cell_and_a_fix(data, tmp_path, edits, expected):
    before = snapshot_bytes(data)
    filled = fill(make_form(data, tmp_path), tmp_path / "bad.xlsx", edits)
    with pytest.raises(SubmissionError) as info:
        ingest(filled, data)
    lines = [str(p) for p in info.value.problems]
    assert len(lines) == 1 and expected in lines[0] and "fix:" in lines[0] and "bad.xlsx, sheet" in lines[0]
    assert snapshot_bytes(data) == before
    report = openpyxl.load_workbook(info.value.report)
    sheet, ref = next(iter(edits.items()))[0], next(iter(next(iter(edits.values()))))
    cell = report[sheet][ref]
    assert cell.comment is not None and expected.split("(")[0][:20] in cell.comment.text
    assert cell.fill.start_color.rgb.endswith("FF9999")


@pytest.mark.libreoffice
def test_form_saved_again_by_libreoffice_is_read_the_same(data, tmp_path):
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed; run 'make system-deps'")
    filled = fill(make_form(data, tmp_path), tmp_path / "filled.xlsx", ROUND_TRIP)
    r = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "lo"),
            str(filled),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr
    direct = ingest(filled, data, dry_run=True)
    via_lo = ingest(tmp_path / "lo" / "filled.xlsx", data, dry_run=True)

    def strip(cs):
        return [c for c in cs if c.column not in ("section", "note")]  # these name the file and its hash

    assert strip(via_lo.changes) == strip(direct.changes) and direct.changes
