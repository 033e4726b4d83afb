"""PDF from HTML with one long-lived headless Chromium.

Starting a browser costs about a second; a meeting has dozens of reports.
:class:`Browser` starts Chromium once and talks to it over the DevTools
protocol on a pipe (``--remote-debugging-pipe``: JSON messages ended by NUL
on file descriptors 3 and 4), so no port is opened. Each report is loaded in
the browser's one tab, the page waits until every ``.oas-chart`` has drawn its
SVG, and ``Page.printToPDF`` prints it as a document: tagged, with bookmarks
from the headings (``generateDocumentOutline``), a running header (report and
meeting) and readable page numbers. pypdf then sets the title, author,
subject and language, which Chromium does not.

The executable: ``$OAS_CHROMIUM``, else ``chromium``, ``chromium-browser`` or
``google-chrome`` on the PATH, else ``/usr/bin/chromium``.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import AnalysisError, UsageError
from analysis.run.lifetime import die_with_parent
from analysis.store.atomic import atomic_write_bytes

ENV_VAR = "OAS_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    # Reports are self-contained: anything that tries the network must fail.
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
# The printable width of A4 with the margins of print_options, in CSS pixels (96 per inch):
# charts are laid out at this width, so they fit the printed page.
A4_CONTENT_PX = round((8.27 - 2 * 0.55) * 96)
# Chromium draws header and footer templates at a tiny default size: give every size explicitly.
HEADER = (
    '<div style="font-size:8.5pt;width:100%;margin:0 14mm;padding-bottom:1mm;border-bottom:0.5pt solid #9aa5b1;'
    'color:#4f5b69;font-family:DejaVu Sans,Arial,sans-serif;display:flex;justify-content:space-between;">'
    "<span>{title}</span><span>{meeting}</span></div>"
)
FOOTER = (
    '<div style="font-size:9.5pt;width:100%;text-align:center;color:#333;font-family:DejaVu Sans,Arial,sans-serif;">'
    "{page}</div>"
)


@dataclass(frozen=True)
class DocumentInfo:
    """What a PDF says about itself: running header, metadata. Plain text (escaped here)."""

    title: str
    meeting: str
    as_of: str
    data_version: str
    lang: str = "en"


# Resolves when the page has loaded and every chart holds its SVG (or after a timeout).
A4_CONTENT_HEIGHT_PX = round((11.69 - 0.75 - 0.7) * 96)
# A heading block (heading, note, chart: see rendering) taller than a page cannot be kept
# together: its chart is redrawn shorter to fit, down to 75 % of its height (text keeps
# its size) and never below the height the chart says it stays legible at (``layout.meta.min_height``:
# a timeline's row labels would overlap); beyond that the block is allowed to break.
FIT_BLOCKS = """(async () => {
  const page = %d; let fitted = 0;
  for (const block of document.querySelectorAll('.oas-keep')) {
    const height = block.getBoundingClientRect().height;
    if (height <= page) continue;
    const chart = block.querySelector('.js-plotly-plot');
    const own = chart ? chart.getBoundingClientRect().height : 0;
    const wanted = Math.floor(page - (height - own) - 12);
    const least = Math.max(0.75 * own, ((chart && chart.layout && chart.layout.meta) || {}).min_height || 0);
    if (own && wanted >= least && window.Plotly) {
      // plotly's HTML wraps each chart in a div of fixed height: shorten both.
      if (chart.parentElement.style.height) chart.parentElement.style.height = wanted + 'px';
      await Plotly.relayout(chart, {height: wanted});
      fitted++;
    } else block.classList.remove('oas-keep');
  }
  return fitted;
})()"""
CHARTS_DRAWN = """new Promise(resolve => {
  const t0 = Date.now();
  (function check() {
    const charts = document.querySelectorAll('.oas-chart');
    const drawn = [...charts].filter(c => c.querySelector('.main-svg')).length;
    if (document.readyState === 'complete' && drawn === charts.length)
      return resolve({charts: charts.length, drawn: drawn, timedOut: false});
    if (Date.now() - t0 > %d) return resolve({charts: charts.length, drawn: drawn, timedOut: true});
    setTimeout(check, 25);
  })();
})"""


class BrowserError(AnalysisError):
    """Chromium failed, or did not answer in time."""


def find_chromium() -> str | None:
    """Path of the Chromium to use, or None when there is none."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env if (Path(env).is_file() and os.access(env, os.X_OK)) else shutil.which(env)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def require_chromium() -> str:
    found = find_chromium()
    if not found:
        raise UsageError(
            f"PDF output needs Chromium, which was not found: install it (make system-deps, or "
            f"'apt-get install chromium') or set {ENV_VAR} to its path"
        )
    return found


class Browser:
    """One headless Chromium driven over a DevTools pipe; use as a context manager."""

    def __init__(self, executable: str | None = None, extra_args: tuple[str, ...] = (), timeout: float = 60.0):
        self.executable = executable or require_chromium()
        self.extra_args = extra_args
        self.timeout = timeout
        self._id = 0
        self._buffer = b""
        self._events: list[dict] = []
        self.proc: subprocess.Popen | None = None

    # -- process ---------------------------------------------------------
    def start(self) -> Browser:
        self._session = None
        self._events = []
        self._buffer = b""
        self._profile = tempfile.mkdtemp(prefix="oas-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds():  # Chromium reads commands on fd 3 and writes replies on fd 4; it dies with us
            die_with_parent()
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        args = [
            self.executable,
            *FLAGS,
            f"--user-data-dir={self._profile}",
            "--remote-debugging-pipe",
            *self.extra_args,
            "about:blank",
        ]
        try:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=child_fds,
                pass_fds=(3, 4),
            )
        except OSError as exc:
            raise BrowserError(f"cannot start Chromium ({self.executable}): {exc}") from None
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self.version = self.call("Browser.getVersion").get("product", "")
        return self

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                self._send({"id": self._next_id(), "method": "Browser.close"})
                self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired, BrowserError):
            self.proc.kill()
            self.proc.wait()
        finally:
            for fd in (self._to_browser, self._from_browser):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self._profile, ignore_errors=True)
            self.proc = None

    def __enter__(self) -> Browser:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- protocol --------------------------------------------------------
    def _next_id(self) -> int:
        self._id += 1
        return self._id

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._to_browser, data) :]
        except OSError as exc:
            raise BrowserError(f"Chromium stopped answering: {exc}") from None

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer within {self.timeout:.0f} s")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise BrowserError("Chromium exited unexpectedly")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        msg = {"id": self._next_id(), "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._send(msg)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == msg["id"]:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def wait_event(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, ev in enumerate(self._events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    return self._events.pop(i)
            msg = self._read(deadline)
            if "method" in msg:
                self._events.append(msg)

    # -- pages -----------------------------------------------------------
    def _page(self, width: int = A4_CONTENT_PX) -> str:
        # One tab for every report: a new tab costs a renderer process start (about 1 s).
        if getattr(self, "_session", None) is None:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.call("Page.enable", session=session)
            # Lay pages out as they print (print CSS), so that blocks can be measured before printing.
            self.call("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
            # Lay charts out at the printed width of an A4 page.
            self.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 1100, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            self._session = session
        return self._session

    def open(self, html_path: Path | str) -> str:
        """Load ``html_path`` in the browser's tab; return the session id."""
        session = self._page()
        self._events = [e for e in self._events if e.get("sessionId") != session]
        self.call("Page.navigate", {"url": Path(html_path).resolve().as_uri()}, session=session)
        self.wait_event("Page.loadEventFired", session)
        return session

    def evaluate(self, expression: str, session: str | None = None):
        """The value of a JavaScript ``expression`` (a promise is awaited) in the tab, as JSON."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session=session or self._page(),
        )
        return result.get("result", {}).get("value")

    def charts_drawn(self, session: str, wait_ms: int = 20000) -> dict:
        """How many ``.oas-chart`` there are and how many hold a drawn SVG."""
        return self.evaluate(CHARTS_DRAWN % wait_ms, session) or {}

    def print_pdf(
        self, html_path: Path | str, pdf_path: Path | str, info: DocumentInfo | None = None, wait_ms: int = 20000
    ) -> dict:
        """Print ``html_path`` to ``pdf_path`` (atomically); return the chart counts.

        Raises :class:`BrowserError`, leaving any previous ``pdf_path`` untouched,
        when the charts are not drawn within ``wait_ms``. Pages load plotly.js
        from one shared file, so V8 reuses its compiled code (keyed by source
        and URL) instead of compiling 4 MB of script per report.
        """
        session = self.open(html_path)
        charts = self.charts_drawn(session, wait_ms)
        if charts.get("timedOut"):
            raise BrowserError(
                f"only {charts.get('drawn')} of {charts.get('charts')} charts were drawn in {Path(html_path).name}"
            )
        self.evaluate(FIT_BLOCKS % A4_CONTENT_HEIGHT_PX, session)
        result = self.call("Page.printToPDF", print_options(info), session=session)
        data = base64.b64decode(result["data"])
        atomic_write_bytes(pdf_path, with_metadata(data, info) if info is not None else data)
        return charts


def print_options(info: DocumentInfo | None) -> dict:
    """``Page.printToPDF`` parameters: A4, tagged, bookmarks, running header, page numbers."""
    import html

    from analysis.run.rendering import text

    lang = info.lang if info else "en"
    page = html.escape(text("page.pdf.page", lang, page="\0", total="\1"))
    page = page.replace("\0", '<span class="pageNumber"></span>').replace("\1", '<span class="totalPages"></span>')
    header = "<span></span>"
    if info is not None:
        header = HEADER.format(title=html.escape(info.title), meeting=html.escape(info.meeting))
    return {
        "printBackground": True,
        "displayHeaderFooter": True,
        "headerTemplate": header,
        "footerTemplate": FOOTER.format(page=page),
        "paperWidth": 8.27,
        "paperHeight": 11.69,
        "marginTop": 0.75,
        "marginBottom": 0.7,
        "marginLeft": 0.55,
        "marginRight": 0.55,
        "preferCSSPageSize": False,
        "generateTaggedPDF": True,
        "generateDocumentOutline": True,
    }


def with_metadata(pdf: bytes, info: DocumentInfo) -> bytes:
    """``pdf`` with title, author, subject, keywords and language set (pypdf)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    from analysis.run.rendering import text

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_metadata(
        {
            "/Title": info.title,
            "/Author": text("page.pdf.author", info.lang),
            "/Subject": f"{text('program.title', info.lang)}. {info.meeting}",
            "/Keywords": f"{info.meeting}; {info.as_of}; {info.data_version}",
        }
    )
    writer._root_object[NameObject("/Lang")] = TextStringObject(info.lang)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
