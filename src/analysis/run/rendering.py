"""An executed notebook to one self-contained HTML page.

nbconvert's HTMLExporter (``basic`` template: body only, no inputs, no
prompts) renders the outputs; this module wraps them in our own page: a
header (Program, meeting, as-of date, data version, generation time), a table
of contents from the headings, inline CSS with print rules, and plotly.js
inlined once in ``<head>``. Nothing is fetched from a network: scripts and
styles that point elsewhere are removed.

>>> page = wrap_page("<h2>Results</h2><p>x</p>", ReportHeader("T", "Meeting", "2006-03-16", "abc", "now"))
>>> 'href="#results"' in page and "<script src" not in page
True
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from analysis import i18n

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Output types whose nbconvert rendering loads code from a CDN.
DROP_MIMES = ("application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")

CSS = """
:root { --ink: #1d2733; --muted: #5b6775; --rule: #d5dbe2; --accent: #0b4f8a; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1000px; padding: 1.5rem; line-height: 1.45; font-size: 15px; }
header.oas-header { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; padding-bottom: .6rem; }
header.oas-header .program { font-size: .85rem; color: var(--muted); margin: 0 0 .3rem; }
header.oas-header h1.oas-title { margin: 0 0 .4rem; font-size: 1.6rem; color: var(--accent); }
header.oas-header dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0;
                       font-size: .85rem; }
header.oas-header dt { color: var(--muted); }
header.oas-header dd { margin: 0; }
nav.oas-toc { border: 1px solid var(--rule); padding: .5rem 1rem; margin-bottom: 1.2rem; font-size: .9rem; }
nav.oas-toc h2 { font-size: 1rem; margin: .2rem 0; }
nav.oas-toc ol { margin: 0; padding-left: 1.2rem; }
nav.oas-toc .lvl-3 { margin-left: 1rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .85rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
.anchor-link { display: none; }
.jp-OutputArea-output pre, pre { white-space: pre-wrap; }
.oas-chart { margin: .8rem 0; }
.oas-chart .plotly-graph-div { max-width: 100%; }
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .oas-block, .oas-chart, table, figure { break-inside: avoid; page-break-inside: avoid; }
  /* A table longer than a page must break, but never inside a row; its header repeats. */
  table { width: 100%; font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  th, td { padding: .15rem .3rem; overflow-wrap: break-word; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; padding: 0 !important; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  nav.oas-toc a { color: inherit; text-decoration: none; }
}
.modebar, .modebar-container { display: none !important; }
"""


@dataclass(frozen=True)
class ReportHeader:
    """What the page header shows; every field is plain text (escaped here)."""

    title: str
    meeting: str
    as_of: str
    data_version: str
    generated: str
    lang: str = "en"


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js from the installed plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _plotly_div(figure: dict, n: int) -> str:
    import plotly.io as pio

    fig = pio.from_json(json.dumps(figure), skip_invalid=True)
    body = pio.to_html(
        fig, full_html=False, include_plotlyjs=False, div_id=f"oas-mime-chart-{n}", config={"displayModeBar": False}
    )
    return f'<div class="oas-chart">{body}</div>'


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)  # .ipynb JSON may split text into lines


def _join_parts(outputs: list) -> list:
    """Outputs with the consecutive pieces of one displayed section (charts.show_html) joined into one."""
    import nbformat

    joined: list = []
    for out in outputs:
        part = (out.get("metadata") or {}).get("analysis", {}).get("part")
        prev = joined[-1] if joined else None
        if part and prev is not None and (prev.get("metadata") or {}).get("analysis", {}).get("part"):
            prev["data"]["text/html"] += _text(out["data"].get("text/html", ""))
            continue
        if part:
            out = nbformat.from_dict({**out, "data": {"text/html": _text(out["data"].get("text/html", ""))}})
        joined.append(out)
    return joined


def prepare_notebook(nb):
    """A copy whose outputs render without any network: plotly JSON becomes an inline div."""
    import nbformat  # imported here: importing it costs seconds (jsonschema grammars)

    nb = nbformat.from_dict(nb)  # deep copy
    n = 0
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = _join_parts(cell.outputs)
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            for mime in DROP_MIMES:
                data.pop(mime, None)
            if PLOTLY_MIME in data:
                figure = data.pop(PLOTLY_MIME)
                if "text/html" not in data:  # charts.show sent its own HTML: never overwrite it
                    n += 1
                    data["text/html"] = _plotly_div(figure, n)
    return nb


@lru_cache(maxsize=1)
def exporter():
    """One HTMLExporter per process: building one compiles its templates (about 0.3 s)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )


def render_body(nb) -> str:
    """The outputs of ``nb`` as an HTML fragment: no code, no prompts."""
    body, _ = exporter().from_notebook_node(prepare_notebook(nb))
    return body


_EXTERNAL = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script\s*>"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>"""
    r"""|<iframe\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>.*?</iframe\s*>""",
    re.IGNORECASE | re.DOTALL,
)
_HEADING = re.compile(r"<h([1-3])(\s[^>]*)?>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_ID = re.compile(r"""\bid\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def strip_external(fragment: str) -> str:
    """Remove scripts, styles and frames that would load from another host."""
    return _EXTERNAL.sub("", fragment)


def _anchor(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "section"
    anchor, i = base, 1
    while anchor in used:
        i += 1
        anchor = f"{base}-{i}"
    used.add(anchor)
    return anchor


def add_toc(fragment: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every h1-h3 a fresh id; return the fragment and (level, id, text) entries."""
    entries: list[tuple[int, str, str]] = []
    used: set[str] = set()

    def fix(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2) or "", m.group(3)
        inner = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", inner, flags=re.DOTALL)
        text = " ".join(html.unescape(_TAG.sub("", inner)).split())
        if not text:
            return m.group(0)
        anchor = _anchor(text, used)
        attrs = _ID.sub("", attrs)
        entries.append((level, anchor, text))
        return f'<h{level} id="{anchor}"{attrs}>{inner}</h{level}>'

    return _HEADING.sub(fix, fragment), entries


def wrap_page(fragment: str, header: ReportHeader) -> str:
    """A complete, self-contained page around an HTML fragment."""
    lang = header.lang if header.lang in i18n.LANGUAGES else "en"
    e = html.escape
    body, toc = add_toc(strip_external(fragment))
    toc_html = ""
    if toc:
        items = "".join(f'<li class="lvl-{lvl}"><a href="#{e(a)}">{e(t)}</a></li>' for lvl, a, t in toc)
        toc_html = f'<nav class="oas-toc"><h2>{e(i18n.t("page.contents", lang))}</h2><ol>{items}</ol></nav>'
    needs_plotly = "Plotly.newPlot" in body or "plotly-graph-div" in body
    # A literal "</script" inside plotly.js would end the tag early; it does not occur, but be sure.
    script = ""
    if needs_plotly:
        script = "<script>" + plotly_js().replace("</script", "<\\/script") + "</script>"
    meta = "".join(
        f"<dt>{e(i18n.t(k, lang))}</dt><dd>{e(v)}</dd>"
        for k, v in (
            ("page.meeting", header.meeting),
            ("page.as_of", header.as_of),
            ("page.version", header.data_version),
            ("page.generated", header.generated),
        )
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(header.title)}</title>\n<style>{CSS}</style>\n{script}\n</head>\n<body>\n"
        f'<header class="oas-header"><p class="program">{e(i18n.t("program.title", lang))}</p>'
        f'<h1 class="oas-title">{e(header.title)}</h1><dl>{meta}</dl></header>\n'
        f"{toc_html}\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def render_html(nb, header: ReportHeader) -> str:
    """The executed notebook ``nb`` as a self-contained page."""
    return wrap_page(render_body(nb), header)


def index_page(manifest: dict, exists=lambda path: True) -> str:
    """The meeting's index: every report with its status and links; self-contained."""
    e = html.escape
    meeting = manifest.get("meeting", {})
    summary = manifest.get("summary", {})
    rows_by_lang: dict[str, list[str]] = {}
    for r in sorted(
        manifest.get("reports", []),
        key=lambda r: (r.get("lang", ""), r.get("notebook", "") != "implementer_report", r.get("title", "")),
    ):
        paths = r.get("paths", {})
        links = []
        outputs = r.get("outputs")
        for kind in ("html", "pdf", "notebook", "log"):
            path = paths.get(kind)
            if not path or not exists(path) or (kind == "log" and r.get("status") != "failed"):
                continue
            label = kind.upper() if kind in ("html", "pdf") else kind
            if kind in ("html", "pdf") and outputs is not None and kind not in outputs:
                if r.get("status") != "failed":
                    continue  # a file left from an older run that this run did not produce
                label = i18n.t("index.previous", label=label)  # the last good version, kept when this run failed
            links.append(f'<a href="{e(path, quote=True)}">{e(label)}</a>')
        note = r.get("error") or r.get("reason") or ""
        status = r.get("status", "")
        duration = r.get("duration_s")
        rows_by_lang.setdefault(r.get("lang", ""), []).append(
            f'<tr class="status-{e(status)}"><td>{e(r.get("title", ""))}</td><td>{e(r.get("implementer", ""))}</td>'
            f'<td class="status">{e(status)}</td><td>{" · ".join(links)}</td>'
            f"<td>{'' if duration is None else f'{duration:.1f}'}</td><td>{e(str(note))}</td></tr>"
        )
    sections = []
    heads = "".join(
        f"<th>{e(i18n.t(f'index.{k}'))}</th>" for k in ("report", "implementer", "status", "files", "duration", "note")
    )
    for lang, rows in rows_by_lang.items():
        name = i18n.t(f"language.{lang}") if lang in i18n.LANGUAGES else lang
        sections.append(
            f"<h2>{e(name)}</h2><table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    inputs = manifest.get("inputs", {})
    facts = "".join(
        f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>"
        for k, v in (
            (i18n.t("index.meeting"), meeting.get("title_en", "")),
            (i18n.t("index.as_of"), meeting.get("as_of", "")),
            (i18n.t("index.date_basis"), meeting.get("basis", "")),
            (i18n.t("index.data_version"), inputs.get("data_version", "")),
            (i18n.t("index.generated"), manifest.get("generated_at", "")),
            (i18n.t("index.summary"), ", ".join(f"{v} {k}" for k, v in summary.items())),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(i18n.t('index.title'))}: {e(str(meeting.get('meeting_id', '')))}</title>\n<style>{CSS}\n"
        ".status-failed .status { color: #a40000; font-weight: bold; } .status-ok .status { color: #176b2c; }"
        "</style>\n</head>\n<body>\n"
        f'<header class="oas-header"><p class="program">{e(i18n.t("program.title"))}</p>'
        f'<h1 class="oas-title">{e(i18n.t("index.title"))}: {e(str(meeting.get("title_en", "")))}</h1><dl>{facts}</dl></header>\n'
        f'<main>{"".join(sections)}<p><a href="manifest.json">manifest.json</a></p></main>\n</body>\n</html>\n'
    )
