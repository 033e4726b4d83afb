"""The analyst's explorer: widgets that redraw the report views through the library.

:func:`explorer` returns an ipywidgets box for ``notebooks/explore.ipynb``:
four controls (implementer, meeting, as-of date, language) and four views
(coverage, timeline, indicators, and a sortable, searchable milestone table
by itables). Every view is drawn by the same functions the reports use
(:mod:`analysis.report.content`, :mod:`analysis.report.charts`), so what the
analyst sees is what the meeting run prints. The as-of date starts at the
meeting's own as-of date and follows the meeting when it changes.

>>> from analysis import load_dataset
>>> ex = Explorer(load_dataset())
>>> ex.as_of.value == ex.current_meeting().as_of
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
from IPython.display import display
from IPython.utils.capture import capture_output

from analysis import config, i18n
from analysis.dataset.loading import Dataset
from analysis.dataset.meetings import Meeting, load_meetings
from analysis.measures import milestone_status
from analysis.report import content as rc

ALL = ""  # the implementer choice meaning "the whole Program"
TABLE_COLUMNS = ["milestone_id", "implementer_id", "description", "period_text", "start", "end", "status"]


class Explorer:
    """Controls and views over one dataset; :meth:`redraw` runs on every change."""

    def __init__(self, ds: Dataset, data_path: Path | str | None = None, meetings_file: Path | str | None = None):
        self.ds = ds
        self.data_path = Path(data_path) if data_path else None
        self.meetings_file = config.DataLayout.of(self.data_path, meetings_file or None).meetings
        self.meetings: list[Meeting] = load_meetings(self.meetings_file) if self.meetings_file.exists() else []
        default = rc.resolve_meeting("", self.meetings_file)
        impl = ds.implementers
        self.implementer = widgets.Dropdown(
            description="Implementer",
            options=[("All implementers", ALL)]
            + [(f"{i} - {n}", i) for i, n in zip(impl["implementer_id"], impl["name_en"])],
        )
        self.meeting = widgets.Dropdown(
            description="Meeting",
            options=[(f"{m.meeting_id}: {m.title('en')}", m.meeting_id) for m in self.meetings],
            value=default.meeting_id if default is not None else None,
        )
        self.as_of = widgets.DatePicker(description="As of", value=default.as_of if default else dt.date.today())
        self.lang = widgets.Dropdown(description="Language", options=list(i18n.LANGUAGES), value="en")
        self.views = {name: widgets.Output() for name in ("coverage", "timeline", "indicators", "table")}
        self.meeting.observe(self._meeting_changed, names="value")
        for control in (self.implementer, self.as_of, self.lang):
            control.observe(lambda _change: self.redraw(), names="value")

    def current_meeting(self) -> Meeting | None:
        return next((m for m in self.meetings if m.meeting_id == self.meeting.value), None)

    def previous_meeting(self) -> Meeting | None:
        """The meeting before the chosen one (by as-of date), or None."""
        current = self.current_meeting()
        earlier = [m for m in self.meetings if current is not None and m.as_of < current.as_of]
        return earlier[-1] if earlier else None

    def _meeting_changed(self, _change) -> None:
        m = self.current_meeting()
        if m is not None and self.as_of.value != m.as_of:
            self.as_of.value = m.as_of  # redraws through the as_of observer
        else:
            self.redraw()

    def report(self) -> rc.Report:
        """The report context the controls describe."""
        return rc.Report(
            self.ds,
            i18n.check_lang(self.lang.value),
            self.as_of.value or dt.date.today(),
            self.current_meeting(),
            self.implementer.value or None,
            self.data_path,
            self.meetings_file,
        )

    def redraw(self) -> None:
        """Draw every view again for the current controls."""
        rep = self.report()
        who = rep.implementer
        sections = {
            "coverage": (lambda: rc.mandates_section(rep)) if who else (lambda: rc.coverage_section(rep)),
            "timeline": lambda: rc.timeline_section(rep, implementer=who),
            "indicators": (lambda: rc.indicators_section(rep)) if who else (lambda: rc.key_indicators_section(rep)),
        }
        for name, draw in sections.items():
            show_in(self.views[name], lambda draw=draw: display(draw()))
        show_in(self.views["table"], lambda: show_table(milestone_table(rep.ds, rep.as_of, who)))

    def widget(self) -> widgets.Widget:
        controls = widgets.HBox([self.implementer, self.meeting, self.as_of, self.lang])
        tabs = widgets.Tab(children=list(self.views.values()))
        for i, name in enumerate(self.views):
            tabs.set_title(i, name.capitalize())
        return widgets.VBox([controls, tabs])


def show_in(view: widgets.Output, draw) -> None:
    """Replace what ``view`` shows with what ``draw()`` displays (and prints), captured in the kernel.

    Not ``with view: view.clear_output(wait=True); display(...)``: that capture goes through the
    front end (the kernel sets the widget's ``msg_id`` and the client routes the outputs into it).
    A headless client (nbclient, so papermill and nbconvert) plays that front end and sends every
    captured output back to the kernel on the shell channel while it waits, on the same socket, for
    the cell's ``execute_reply``; about one run in three it then misses the reply and waits until a
    timeout, or forever (jupyter/nbclient#312). Captured here and set as the widget's ``outputs`` (how
    ipywidgets documents output from threads), nothing is sent back; JupyterLab draws the new outputs
    in one step, as ``clear_output(wait=True)`` did.
    """
    with capture_output() as captured:
        draw()
    streams = [("stdout", captured.stdout), ("stderr", captured.stderr)]
    view.outputs = tuple(
        [{"output_type": "stream", "name": name, "text": text} for name, text in streams if text]
        + [{"output_type": "display_data", "data": o.data, "metadata": o.metadata} for o in captured.outputs]
    )


def milestone_table(ds: Dataset, as_of: dt.date, implementer: str | None = None):
    """Milestones with their status as of ``as_of`` (one implementer's, or all)."""
    ms = milestone_status(ds.milestones, as_of, ds.tables.get("data_quality"))
    if implementer:
        ms = ms[ms["implementer_id"] == implementer]
    cols = [c for c in TABLE_COLUMNS + ["disputed"] if c in ms.columns]
    return ms[cols].reset_index(drop=True)


def show_table(frame, **options) -> None:
    """A sortable, searchable table (itables, offline: DataTables is bundled in the output)."""
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)
    itables.show(frame, **{"paging": len(frame) > 25, "classes": "display compact", **options})


def explorer(data_path: Path | str | None = None, meetings_file: Path | str | None = None) -> widgets.Widget:
    """Load the data and return the explorer's widget, drawn once."""
    from analysis import load_dataset

    ex = Explorer(load_dataset(data_path or None), data_path, meetings_file)
    ex.redraw()
    box = ex.widget()
    box.explorer = ex  # reachable from the notebook (and from tests)
    return box


@dataclass
class TableCopy:
    """A temporary copy of a dataset's CSV tables, to change and validate."""

    path: Path

    def edit(self, file: str, row: int, column: str, value: str) -> None:
        """Set data row ``row`` (1 = first row under the header) of ``column`` in ``file`` to ``value``."""
        import pandas as pd

        target = self.path / file
        frame = pd.read_csv(target, dtype=str, keep_default_na=False)
        frame.loc[row - 1, column] = value
        frame.to_csv(target, index=False)


def copy_tables(ds: Dataset, folder: Path | str | None = None) -> TableCopy:
    """Copy the CSV tables ``ds`` was read from into ``folder`` (default: a new temporary folder)."""
    import shutil
    import tempfile

    dest = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="analysis-copy-")) / "program"
    dest.mkdir(parents=True, exist_ok=True)
    for csv in sorted(Path(ds.source).glob("*.csv")):
        shutil.copy(csv, dest / csv.name)
    return TableCopy(dest)


def validate_copy(path: Path | str) -> list[str]:
    """The problems ``validate`` would report for the tables at ``path``, one line each."""
    from analysis.dataset.raw import read_raw
    from analysis.dataset.validation import validate_raw

    return [str(problem) for problem in validate_raw(read_raw(path), path)]
