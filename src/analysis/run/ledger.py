"""The state of one meeting run, held in one object.

Like papermill's ``NotebookExecutionManager``, :class:`RunLedger` holds every
report's entry and moves it through ``pending`` -> ``running`` -> ``ok`` or
``failed`` (or ``skipped`` when nothing changed), reports progress, and
writes ``manifest.json`` after each step so that an interrupted run leaves an
honest record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from analysis import config
from analysis.run.plan import Report, RunOptions, format_key, package_versions
from analysis.store.atomic import atomic_write_text

MANIFEST = "manifest.json"
STATUSES = ("ok", "failed", "skipped")


def read_manifest(path: Path) -> dict:
    """The manifest at ``path``, or ``{}`` when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("reports"), list) else {}
    except (OSError, ValueError):
        return {}


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class RunLedger:
    """Every report of one run and its state; the manifest is written from here only."""

    def __init__(self, opts: RunOptions, meeting_dir: Path, data_version: str, source_hash: str):
        self.opts = opts
        self.meeting_dir = meeting_dir
        self.data_version = data_version
        self.source_hash = source_hash
        self.path = meeting_dir / MANIFEST
        self.previous = {
            e.get("report_id"): e for e in read_manifest(self.path).get("reports", []) if isinstance(e, dict)
        }
        self.entries: dict[str, dict] = {}
        self.browser_version = ""
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()
        self._say = opts.log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._bar = None

    # -- planning ----------------------------------------------------------
    def add(self, r: Report) -> dict:
        """Record ``r`` as pending and return its entry."""
        entry = {
            "report_id": r.report_id,
            "notebook": r.notebook,
            "implementer": r.implementer,
            "lang": r.lang,
            "slug": r.slug,
            "title": r.title,
            "counts": r.counts,
            "parameters": r.parameters,
            "notebook_sha256": r.notebook_sha256,
            "parameters_sha256": r.parameters_sha256,
            "key": r.key,
            "paths": r.paths,
            "outputs": {},
            "status": "pending",
            "error": None,
        }
        self.entries[r.report_id] = entry
        return entry

    def up_to_date(self, r: Report, fmt: str) -> bool:
        """True when the last run produced ``fmt`` for the same key and the file is still there."""
        prev = None if self.opts.force else self.previous.get(r.report_id)
        if not prev or prev.get("status") not in ("ok", "skipped"):
            return False
        out = prev.get("outputs", {}).get(fmt) or {}
        return out.get("key") == format_key(r.key, fmt) and (self.meeting_dir / r.paths[fmt]).is_file()

    def skip(self, r: Report, reason: str, keep_outputs: bool = False) -> None:
        prev = self.previous.get(r.report_id) or {}
        entry = self.entries[r.report_id]
        entry.update(status="skipped", reason=reason, duration_s=0.0)
        if keep_outputs:
            entry.update(outputs=prev.get("outputs", {}), rendered_at=prev.get("rendered_at"))

    def keep_html(self, r: Report) -> None:
        """The HTML is current and only the PDF is missing: keep the HTML's record."""
        prev = self.previous[r.report_id]
        self.entries[r.report_id].update(outputs={"html": prev["outputs"]["html"]}, rendered_at=prev.get("rendered_at"))

    # -- progress ------------------------------------------------------------
    def start(self, total: int) -> None:
        self.total = total
        self.started = time.perf_counter()
        wanted = sys.stderr.isatty() if self.opts.progress is None else self.opts.progress
        if wanted and total:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="report", file=sys.stderr)

    def running(self, r: Report) -> dict:
        entry = self.entries[r.report_id]
        entry["status"] = "running"
        return entry

    def executed(self, r: Report, result: dict) -> dict:
        """Record a worker's result for ``r`` (its HTML, when it succeeded)."""
        entry = self.entries[r.report_id]
        entry.update(
            status=result["status"],
            error=(result.get("error") or "").splitlines()[0] if result.get("error") else None,
            execute_s=result.get("execute_s"),
            render_s=result.get("render_s"),
            rendered_at=now(),
        )
        if result["status"] == "ok":
            entry["outputs"] = {"html": {"path": r.paths["html"], "key": format_key(r.key, "html")}}
        return entry

    def printed(self, r: Report, seconds: float) -> None:
        entry = self.entries[r.report_id]
        entry["outputs"]["pdf"] = {"path": r.paths["pdf"], "key": format_key(r.key, "pdf")}
        entry["pdf_s"] = round(seconds, 3)

    def failed(self, r: Report, error: str, seconds: float | None = None) -> None:
        entry = self.entries[r.report_id]
        entry.update(status="failed", error=error.splitlines()[0] if error else "failed")
        if seconds is not None:
            entry["pdf_s"] = round(seconds, 3)

    def finish(self, r: Report, note: str = "") -> None:
        """One report is done: count it, say so, and write the manifest."""
        entry = self.entries[r.report_id]
        if entry["status"] == "running":
            entry["status"] = "ok"
        entry["duration_s"] = round(sum(entry.get(k) or 0 for k in ("execute_s", "render_s", "pdf_s")), 3)
        self.done += 1
        if self._bar is not None:
            self._bar.set_postfix_str(r.report_id)
            self._bar.update(1)
        else:
            line = f"[{self.done}/{self.total}] {entry['status']:6} {r.report_id}" + (f" {note}" if note else "")
            self._say(line + (f": {entry['error']}" if entry["error"] else ""))
        self.write()

    def close(self) -> dict:
        """End of the run: anything still pending was interrupted; return the final manifest."""
        if self._bar is not None:
            self._bar.close()
        for e in self.entries.values():
            if e["status"] in ("pending", "running"):
                e.update(status="failed", error="interrupted before it finished")
        return self.write(elapsed=time.perf_counter() - self.started)

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries.values() if e["status"] == status)

    # -- the manifest ----------------------------------------------------------
    def _kept(self) -> list[dict]:
        """Reports of earlier runs that this run did not plan (e.g. another --implementer), while their files exist."""
        kept = []
        for rid, e in self.previous.items():
            outputs = e.get("outputs", {}).values()
            if rid in self.entries or e.get("status") not in ("ok", "skipped"):
                continue
            if all((self.meeting_dir / o.get("path", "")).is_file() for o in outputs):
                kept.append({**e, "status": "skipped", "reason": "not part of this run; kept from an earlier run"})
        return kept

    def manifest(self, elapsed: float | None = None) -> dict:
        opts = self.opts
        reports = list(self.entries.values()) + self._kept()
        return {
            "meeting": dataclasses.asdict(opts.meeting),
            "generated_at": now(),
            "run": {
                "langs": list(opts.langs),
                "formats": list(opts.formats),
                "jobs": opts.jobs or os.cpu_count(),
                "force": opts.force,
                "single_file": opts.single_file,
                "implementers": list(opts.implementers or []),
                "notebooks_dir": str(opts.notebooks_dir),
                "data_path": str(opts.data_path or config.PROGRAM_DIR),
                "elapsed_s": round(elapsed, 3) if elapsed is not None else None,
            },
            "inputs": {
                "data_version": self.data_version,
                "package_source_sha256": self.source_hash,
                "package_versions": {**package_versions(), "chromium": self.browser_version},
            },
            "summary": {s: sum(1 for e in reports if e["status"] == s) for s in STATUSES},
            "reports": reports,
        }

    def write(self, elapsed: float | None = None) -> dict:
        manifest = self.manifest(elapsed)
        atomic_write_text(self.path, json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
        return manifest
