"""An executed notebook to one HTML page that works offline.

nbconvert's HTMLExporter (``basic`` template: body only, no inputs, no
prompts) renders the outputs; this module wraps them in our own page: a
navigation bar (landing page, overview, the same report in the other
languages), one title block, a table of contents from the headings, a cover
that only print shows, inline CSS, and plotly.js. The fragment is edited as a
BeautifulSoup tree (:mod:`analysis.run.fragment`): headings get ids, tables a
scrolling wrapper, headings stay with their charts, and anything that would
load from another host is removed.

plotly.js is one shared file per meeting folder (``assets/plotly.min.js``,
referenced relatively, so a page weighs kilobytes and still works offline);
with ``single_file`` it is inlined, for sending one report alone.

>>> ctx = PageContext("T", "Meeting", "2006-03-16", "abc", "now", single_file=True)
>>> page = wrap_page("<h2>Results</h2><p>x</p>", ctx)
>>> 'href="#results"' in page and "<script src" not in page
True
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.run.css import CSS
from analysis.run.fragment import add_toc as add_toc
from analysis.run.fragment import (
    add_toc_ids,
    keep_headings_with_content,
    parse,
    strip_external_tags,
    toc_list,
    wrap_tables,
)
from analysis.run.fragment import strip_external as strip_external

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Output types whose nbconvert rendering loads code from a CDN.
DROP_MIMES = ("application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")
PLOTLY_ASSET = "assets/plotly.min.js"  # relative to the meeting folder
OVERVIEW = "program-overview"


@dataclass(frozen=True)
class PageContext:
    """What the page around a report shows; every field is plain text (escaped here)."""

    title: str
    meeting: str
    as_of: str
    data_version: str
    generated: str
    lang: str = "en"
    slug: str = ""  # the report's file name without extension, the same in every language
    langs: tuple[str, ...] = ()  # languages of this run, for the bar's links
    single_file: bool = False  # plotly.js inlined instead of ../assets/plotly.min.js


def text(key: str, lang: str, **values) -> str:
    """A page string from the catalogue (domain ``pages``)."""
    from analysis.i18n import t

    return t(key, lang, **values)


def language_name(lang: str) -> str:
    """``es`` -> ``Español``: each language named in itself."""
    return text(f"language.{lang}", lang)


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js from the installed plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    # A literal "</script" inside plotly.js would end an inline tag early; it does not occur, but be sure.
    return get_plotlyjs().replace("</script", "<\\/script")


def write_assets(meeting_dir: Path) -> Path:
    """Write the shared plotly.js of a meeting folder when it is missing or differs."""
    from analysis.store.atomic import atomic_write_text

    path = Path(meeting_dir) / PLOTLY_ASSET
    js = plotly_js()
    if not path.is_file() or path.stat().st_size != len(js.encode()) or path.read_text(encoding="utf-8") != js:
        atomic_write_text(path, js)
    return path


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


# ------------------------------------------------------------------ the page


def nav_bar(ctx: PageContext, depth: str = "../") -> str:
    """Links to the landing page, the overview and the same report in the other languages."""
    e = html.escape
    lang = ctx.lang
    items = [f'<li><a href="index.html">{e(text("page.nav.index", lang))}</a></li>']
    if ctx.slug != OVERVIEW:
        items.append(f'<li><a href="{OVERVIEW}.html">{e(text("report.overview.title", lang))}</a></li>')
    langs = []
    for other in ctx.langs or (lang,):
        name = e(language_name(other))
        if other == lang:
            langs.append(f'<li><a href="#top" aria-current="page" lang="{e(other)}">{name}</a></li>')
        else:
            href = e(f"{depth}{other}/{ctx.slug}.html", quote=True)
            langs.append(f'<li><a href="{href}" lang="{e(other)}" hreflang="{e(other)}">{name}</a></li>')
    label = e(text("page.nav.label", lang))
    langs_label = e(text("page.nav.languages", lang))
    return (
        f'<nav class="oas-bar" aria-label="{label}"><ul>{"".join(items)}</ul>'
        f'<ul class="langs" aria-label="{langs_label}">{"".join(langs)}</ul></nav>'
    )


def long_date(value: str, lang: str) -> str:
    """An ISO date (or date-time) as the language's long date: "31 de marzo de 2007"; other text unchanged."""
    from analysis.i18n import fmt_date

    try:
        return fmt_date(dt.date.fromisoformat(str(value)[:10]), lang)
    except ValueError:
        return str(value)


def long_datetime(value: str, lang: str) -> str:
    """An ISO date-time as the long date plus the time and UTC offset: "30 de noviembre de 2026, 21:54 UTC"."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    zone = moment.strftime("%Z") if moment.tzinfo else ""
    time = f"{moment:%H:%M}" + (f" {zone}" if zone else "")
    return text("page.generated_at", lang, date=long_date(moment.date().isoformat(), lang), time=time)


def _facts(ctx: PageContext) -> list[tuple[str, str]]:
    return [
        (text("page.meeting", ctx.lang), ctx.meeting),
        (text("page.as_of", ctx.lang), long_date(ctx.as_of, ctx.lang)),
        (text("page.version", ctx.lang), ctx.data_version),
        (text("page.generated", ctx.lang), long_datetime(ctx.generated, ctx.lang)),
    ]


def _cover(ctx: PageContext) -> str:
    """The printed cover: title, meeting, date, language and data version (hidden on screen)."""
    e = html.escape
    facts = [*_facts(ctx)[:3], (text("page.language", ctx.lang), language_name(ctx.lang))]
    dl = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
    return (
        f'<section class="oas-cover" aria-hidden="true"><p class="program">{e(text("program.title", ctx.lang))}</p>'
        f'<div><p class="oas-cover-title">{e(ctx.title)}</p>'
        f"<dl>{dl}</dl></div><p></p></section>"
    )


def plotly_tag(ctx: PageContext, depth: str = "../") -> str:
    if ctx.single_file:
        return f"<script>{plotly_js()}</script>"
    return f'<script src="{depth}{PLOTLY_ASSET}"></script>'


def page_head(title: str, lang: str, extra: str = "") -> str:
    e = html.escape
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n{extra}</head>\n"
    )


def wrap_page(fragment: str, ctx: PageContext) -> str:
    """A complete page around an HTML fragment; it needs no network."""
    e = html.escape
    lang = ctx.lang
    soup = parse(fragment)
    strip_external_tags(soup)
    for h1 in soup.find_all("h1"):  # one title block: the page's own h1 is the report title
        h1.name = "h2"
    toc = add_toc_ids(soup)
    wrap_tables(soup, lambda n: text("page.table", lang, n=n))
    keep_headings_with_content(soup)
    body = str(soup)
    toc_html = ""
    if toc:
        label = e(text("page.contents", lang))
        toc_html = (
            f'<nav class="oas-toc" aria-labelledby="oas-toc-h"><h2 id="oas-toc-h">{label}</h2>{toc_list(toc)}</nav>'
        )
    needs_plotly = "plotly-graph-div" in body or "Plotly.newPlot" in body
    meta = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in _facts(ctx))
    return (
        page_head(ctx.title, lang, plotly_tag(ctx) + "\n" if needs_plotly else "")
        + f'<body id="top">\n{nav_bar(ctx)}\n{_cover(ctx)}\n'
        f'<header class="oas-header"><p class="program">{e(text("program.title", lang))}</p>'
        f"<h1>{e(ctx.title)}</h1><dl>{meta}</dl></header>\n"
        f"{toc_html}\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def render_html(nb, ctx: PageContext) -> str:
    """The executed notebook ``nb`` as a page."""
    return wrap_page(render_body(nb), ctx)


def single_file_page(html_path: Path | str) -> str:
    """A report page with the shared plotly.js inlined, for sending that one file alone."""
    page = Path(html_path).read_text(encoding="utf-8")
    return page.replace(f'<script src="../{PLOTLY_ASSET}"></script>', f"<script>{plotly_js()}</script>", 1)
