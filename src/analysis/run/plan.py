"""What a meeting run will produce: the reports, their options and their keys.

:func:`plan_reports` lists the reports (one implementer report per
implementer with data, plus the program-wide reports, per language).
:func:`key_reports` gives each a key: a hash of its notebook bytes, the data
version, its parameters and the ``analysis`` package source. A report whose
key and outputs are unchanged is skipped by the run.

:func:`check_options` checks every argument of a run before anything is
written.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.common.hashing import sha256_bytes, sha256_json
from analysis.common.notebooks import code_sha256
from analysis.dataset.meetings import Meeting
from analysis.errors import UsageError
from analysis.i18n import LANGUAGES

IMPLEMENTER_REPORT = "implementer_report"
PROGRAM_REPORTS = ("program_overview", "absentee_voting")
LANGS = tuple(LANGUAGES)
FORMATS = ("html", "pdf")
PACKAGES = ("papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "plotly", "pandas", "jupyter_client")
_FILE_NAME = re.compile(r"[^a-z0-9]+")
#: The columns of the large tables that planning reads (counts of rows per implementer; the voting figures'
#: countries); the run loads only these, the kernels load their own.
PLAN_COLUMNS = {"observations": ["implementer_id", "country"]}


@dataclass
class Report:
    """One report to produce: a notebook, its parameters and where its files go."""

    report_id: str  # "<lang>/<file name>", unique in a meeting
    notebook: str  # notebook stem, e.g. "implementer_report"
    implementer: str
    lang: str
    slug: str  # the file name without extension, the same in every language
    title: str
    notebook_path: Path
    parameters: dict
    counts: dict = field(default_factory=dict)  # key counts for the landing page
    key: str = ""
    notebook_sha256: str = ""
    parameters_sha256: str = ""

    @property
    def paths(self) -> dict[str, str]:
        """Output paths relative to the meeting folder."""
        return {
            "html": f"{self.lang}/{self.slug}.html",
            "pdf": f"{self.lang}/{self.slug}.pdf",
            "notebook": f"notebooks/{self.lang}/{self.slug}.ipynb",
            "log": f"logs/{self.lang}/{self.slug}.log",
        }


@dataclass
class RunOptions:
    """What to run and where; every path is an argument so tests can use fixtures."""

    meeting: Meeting
    langs: tuple[str, ...] = LANGS
    formats: tuple[str, ...] = FORMATS
    jobs: int = 0  # 0: os.cpu_count()
    out_dir: Path = config.REPORTS_DIR
    notebooks_dir: Path = config.NOTEBOOKS_DIR
    data_path: Path | None = None
    implementers: tuple[str, ...] | None = None
    force: bool = False
    progress: bool | None = None  # None: a bar when stderr is a terminal
    kernel_name: str = "python3"
    chromium: str | None = None
    cell_timeout: int = 600  # seconds one cell may run before its report fails
    log: object = None  # callable(str) for plain log lines; default prints to stderr
    single_file: bool = False  # plotly.js inside every page instead of one shared file


def check_options(opts: RunOptions) -> None:
    """Refuse bad arguments with a :class:`UsageError` before the run writes anything."""
    bad = [lang for lang in opts.langs if lang not in LANGS]
    if bad or not opts.langs:
        raise UsageError(f"unknown language {(bad or [''])[0]!r}: use {', '.join(LANGS)}")
    bad = [f for f in opts.formats if f not in FORMATS]
    if bad or not opts.formats:
        raise UsageError(f"unknown format {(bad or [''])[0]!r}: use {', '.join(FORMATS)}")
    if opts.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    if not Path(opts.notebooks_dir).is_dir():
        raise UsageError(f"notebooks folder not found: {opts.notebooks_dir}")
    if opts.data_path is not None and not Path(opts.data_path).exists():
        raise UsageError(f"data not found: {opts.data_path}")
    out = Path(opts.out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    if opts.cell_timeout <= 0:
        raise UsageError("the cell timeout must be a positive number of seconds")


def file_name(implementer_id: str) -> str:
    """A readable file name for an implementer id: ``ALL_ORGANS`` gives ``all-organs``.

    Only ``[a-z0-9-]`` reach the file system; :func:`plan_reports` refuses two
    reports that would share a name.
    """
    return _FILE_NAME.sub("-", str(implementer_id).lower()).strip("-")[:60].strip("-") or "implementer"


def package_source_hash(root: Path | None = None) -> str:
    """Hash of every ``.py`` and catalogue file of the ``analysis`` package (notebooks call it)."""
    root = root or Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".po", ".css") and p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _chosen(ds, meeting: Meeting, implementers) -> tuple[list[str], dict[str, dict]]:
    """The implementers to report on, and the key counts of every implementer."""
    from analysis.measures import implementer_counts

    counts = implementer_counts(ds, meeting.as_of)
    known = set(ds.implementers["implementer_id"])
    if implementers:
        unknown = [i for i in implementers if i not in known]
        if unknown:
            raise UsageError(f"unknown implementer {unknown[0]!r}: use an implementer_id from implementers.csv")
        chosen = list(dict.fromkeys(implementers))
    else:
        chosen = list(counts.loc[counts["has_data"], "implementer_id"])
    numbers = counts.set_index("implementer_id").select_dtypes("integer")
    # Only the reports' own rows: a dict per implementer of a large program is seconds the run does not use.
    mine = numbers[numbers.index.isin(chosen)]
    per = {imp: {k: int(v) for k, v in zip(mine.columns, row)} for imp, row in zip(mine.index, mine.to_numpy())}
    per["*"] = {k: int(v) for k, v in numbers.sum().items()}
    per["voting"] = _voting_counts(ds.observations)
    return chosen, per


def _voting_counts(obs) -> dict[str, int]:
    """Figures with a country (not blank) and how many countries, judged once per distinct country text."""
    if "country" not in obs:
        return {"voting_figures": 0, "voting_countries": 0}
    country = obs["country"].fillna("")
    kept = [c for c in country.unique() if str(c).strip()]
    return {"voting_figures": int(country.isin(kept).sum()), "voting_countries": len(kept)}


def implementer_title(row, lang: str) -> str:
    """The implementer's name in ``lang`` (English when there is none), first letter capitalised."""
    name = str(row.get(f"name_{lang}") or "") if lang != "en" else ""
    if not name or name == "nan":
        name = str(row["name_en"])
    return name[:1].upper() + name[1:]


def plan_reports(
    ds, meeting: Meeting, notebooks_dir: Path, langs=LANGS, implementers=None, data_path: Path | None = None
) -> list[Report]:
    """Every report of ``meeting``: implementers with data (or those asked for) and the program reports."""
    from analysis.i18n import t

    chosen, counts = _chosen(ds, meeting, implementers)
    names = ds.implementers.set_index("implementer_id")
    base = {"meeting": meeting.meeting_id, "as_of": meeting.as_of.isoformat(), "data_path": str(data_path or "")}
    reports = []
    for lang in langs:
        for nb in PROGRAM_REPORTS:  # the overview first: it is where a reader starts
            s = nb.replace("_", "-")
            title = t("report.overview.title" if nb == "program_overview" else "report.absentee.short_title", lang)
            nb_path = Path(notebooks_dir) / f"{nb}.ipynb"
            params = {"implementer": "", **base, "lang": lang}
            c = counts["*"] if nb == "program_overview" else counts["voting"]
            reports.append(Report(f"{lang}/{s}", nb, "", lang, s, title, nb_path, params, c))
        for imp in chosen:
            s = file_name(imp)
            title = implementer_title(names.loc[imp], lang)
            nb_path = Path(notebooks_dir) / f"{IMPLEMENTER_REPORT}.ipynb"
            params = {"implementer": imp, **base, "lang": lang}
            reports.append(
                Report(f"{lang}/{s}", IMPLEMENTER_REPORT, imp, lang, s, title, nb_path, params, counts.get(imp, {}))
            )
    seen: dict[str, str] = {}
    for r in reports:
        if r.report_id in seen:
            raise UsageError(
                f"two reports would share the file name {r.report_id!r}: "
                f"{seen[r.report_id]!r} and {r.implementer or r.notebook!r}"
            )
        seen[r.report_id] = r.implementer or r.notebook
    return reports


def key_reports(reports: list[Report], data_version: str, source_hash: str, meeting: Meeting) -> None:
    """Fill in each report's hashes and incremental key.

    The notebook enters the key by its code (:func:`analysis.common.notebooks.code_sha256`),
    not its bytes: outputs or cell ids saved by JupyterLab do not re-render a report.
    """
    cache: dict[Path, str] = {}
    for r in reports:
        if r.notebook_path not in cache:
            cache[r.notebook_path] = code_sha256(r.notebook_path) if r.notebook_path.exists() else ""
        r.notebook_sha256 = cache[r.notebook_path]
        r.parameters_sha256 = sha256_json(r.parameters)
        r.key = sha256_json(
            {
                "notebook": r.notebook_sha256,
                "data": data_version,
                "parameters": r.parameters,
                "package": source_hash,
                "title": r.title,
                "meeting_title": meeting.title(r.lang),
                "langs": sorted({x.lang for x in reports}),  # the page links its other languages
            }
        )


def format_key(key: str, fmt: str) -> str:
    return sha256_bytes(f"{key}:{fmt}".encode())
