"""Tests for analysis.run.ledger: one object holds a run's state and writes its manifest."""

import json
from pathlib import Path

from analysis.dataset.meetings import load_meetings, resolve_meeting
from analysis.run.ledger import RunLedger, read_manifest
from analysis.run.plan import Report, RunOptions, format_key

MEETING = resolve_meeting(load_meetings(), "2006")


def report(name: str) -> Report:
    r = Report(f"en/{name}", "implementer_report", name.upper(), "en", name, name, Path("nb.ipynb"), {"lang": "en"})
    r.key = f"key-{name}"
    return r


def test_states_and_manifest(tmp_path):
    lines = []
    ledger = RunLedger(RunOptions(MEETING, out_dir=tmp_path, log=lines.append, progress=False), tmp_path, "v1", "src")
    a, b, c = report("a"), report("b"), report("c")
    for r in (a, b, c):
        ledger.add(r)
    assert {e["status"] for e in ledger.entries.values()} == {"pending"}
    ledger.start(2)
    ledger.running(a)
    ledger.executed(a, {"status": "ok", "execute_s": 1.0, "render_s": 0.5})
    ledger.printed(a, 0.25)
    ledger.finish(a)
    ledger.running(b)
    ledger.executed(b, {"status": "failed", "error": "cell 2: boom\nmore", "execute_s": 0.1})
    ledger.finish(b)
    manifest = ledger.close()  # c never ran: the run was interrupted
    status = {e["report_id"]: e["status"] for e in manifest["reports"]}
    assert status == {"en/a": "ok", "en/b": "failed", "en/c": "failed"}
    entry = manifest["reports"][0]
    assert entry["duration_s"] == 1.75
    assert entry["outputs"]["pdf"]["key"] == format_key("key-a", "pdf")
    assert manifest["reports"][2]["error"] == "interrupted before it finished"
    assert manifest["summary"] == {"ok": 1, "failed": 2, "skipped": 0}
    assert lines == ["[1/2] ok     en/a", "[2/2] failed en/b: cell 2: boom"]
    assert read_manifest(tmp_path / "manifest.json") == json.loads((tmp_path / "manifest.json").read_text())


def test_up_to_date_needs_same_key_and_the_file(tmp_path):
    opts = RunOptions(MEETING, out_dir=tmp_path, log=lambda line: None, progress=False)
    first = RunLedger(opts, tmp_path, "v1", "src")
    a = report("a")
    first.add(a)
    first.running(a)
    first.executed(a, {"status": "ok"})
    first.finish(a)
    first.close()
    second = RunLedger(opts, tmp_path, "v1", "src")
    assert not second.up_to_date(a, "html")  # the HTML file is missing
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.html").write_text("x")
    assert second.up_to_date(a, "html")
    a.key = "changed"
    assert not second.up_to_date(a, "html")
