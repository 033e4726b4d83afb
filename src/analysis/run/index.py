"""The pages around the reports: a landing page per language and a run page.

* ``<meeting>/<lang>/index.html``: what a delegate opens. The overview
  first, then the other program-wide reports, then one entry per
  implementer, each with one line of key counts and its PDF.
* ``<meeting>/index.html``: the same landing pages, one link per language.
* ``<meeting>/run.html``: build details for whoever runs the reports:
  status, seconds, executed notebooks, logs, the manifest.

Every page is written from the manifest alone, so it can be rebuilt at any
time; each needs no network.
"""

from __future__ import annotations

import html
from pathlib import Path

from analysis.run.rendering import OVERVIEW, language_name, long_date, long_datetime, page_head, text
from analysis.store.atomic import atomic_write_text

e = html.escape


def _current(r: dict, kind: str, exists) -> bool:
    """True when this run (or an unchanged earlier one) produced ``kind`` for ``r`` and the file is there."""
    path = r.get("paths", {}).get(kind)
    return bool(path) and r.get("status") in ("ok", "skipped") and kind in r.get("outputs", {}) and exists(path)


def counts_line(r: dict, lang: str) -> str:
    """One line of key counts for a report: each count with its noun in the language's plural form."""
    c = r.get("counts") or {}
    if r.get("notebook") == "absentee_voting":
        if "voting_figures" not in c:
            return ""
        return text(
            "page.index.counts_voting",
            lang,
            figures=text("page.index.figures", lang, count=int(c["voting_figures"])),
            countries=text("page.index.countries", lang, count=int(c.get("voting_countries", 0))),
        )
    if "actions_carried_out" not in c:
        return ""
    return text(
        "page.index.counts",
        lang,
        mandates=text("page.index.mandates", lang, count=int(c.get("mandates", 0))),
        carried=text("page.index.carried", lang, count=int(c.get("actions_carried_out", 0))),
        planned=text("page.index.planned", lang, count=int(c.get("actions_planned", 0))),
    )


def _report_item(r: dict, lang: str, exists) -> str:
    name = r["paths"]["html"].split("/", 1)[1]
    links = f'<a class="title" href="{e(name, quote=True)}">{e(r.get("title", ""))}</a>'
    if _current(r, "pdf", exists):
        pdf = r["paths"]["pdf"].split("/", 1)[1]
        label = text("page.index.pdf", lang)
        links += f' · <a href="{e(pdf, quote=True)}" aria-label="{e(label)}: {e(r.get("title", ""))}">{e(label)}</a>'
    line = counts_line(r, lang)
    return f"<li>{links}" + (f'<span class="counts">{e(line)}</span>' if line else "") + "</li>"


def landing_page(manifest: dict, lang: str, exists=lambda path: True) -> str:
    """The landing page of one language: overview first, one line of counts per report."""
    meeting = manifest.get("meeting", {})
    langs = list(dict.fromkeys(r.get("lang") for r in manifest.get("reports", []) if r.get("lang")))
    mine = [r for r in manifest.get("reports", []) if r.get("lang") == lang and _current(r, "html", exists)]
    program = sorted((r for r in mine if not r.get("implementer")), key=lambda r: r.get("slug") != OVERVIEW)
    implementers = sorted((r for r in mine if r.get("implementer")), key=lambda r: r.get("title", "").lower())
    missing = sum(1 for r in manifest.get("reports", []) if r.get("lang") == lang and r.get("status") == "failed")
    title = meeting.get(f"title_{lang}") or meeting.get("title_en", "")
    heading = text("page.index.title", lang, meeting=title)
    sections = []
    for key, group in (("page.index.program_wide", program), ("page.index.by_implementer", implementers)):
        if group:
            items = "".join(_report_item(r, lang, exists) for r in group)
            sections.append(f'<h2>{e(text(key, lang))}</h2><ul class="oas-reports">{items}</ul>')
    if not mine:
        sections.append(f"<p>{e(text('page.index.none', lang))}</p>")
    if missing:
        sections.append(
            f'<p>{e(text("page.index.missing", lang, n=missing))} <a href="../run.html">{e(text("page.index.build", lang))}</a></p>'
        )
    others = "".join(
        f'<li><a href="../{e(o)}/index.html" lang="{e(o)}" hreflang="{e(o)}">{e(language_name(o))}</a></li>'
        if o != lang
        else f'<li><a href="#top" aria-current="page" lang="{e(o)}">{e(language_name(o))}</a></li>'
        for o in langs
    )
    facts = "".join(
        f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>"
        for k, v in (
            (text("page.as_of", lang), long_date(meeting.get("as_of", ""), lang)),
            (text("page.version", lang), manifest.get("inputs", {}).get("data_version", "")),
        )
    )
    return (
        page_head(heading, lang)
        + f'<body id="top">\n<nav class="oas-bar" aria-label="{e(text("page.nav.label", lang))}">'
        f'<ul class="langs" aria-label="{e(text("page.nav.languages", lang))}">{others}</ul></nav>\n'
        f'<header class="oas-header"><p class="program">{e(text("program.title", lang))}</p>'
        f"<h1>{e(heading)}</h1><dl>{facts}</dl></header>\n<main>\n{''.join(sections)}\n"
        f'<p class="build"><a href="../run.html" hreflang="en">{e(text("page.index.build", lang))}</a></p>\n'
        "</main>\n</body>\n</html>\n"
    )


def root_page(manifest: dict) -> str:
    """The meeting folder's index: one line per language, each written in that language."""
    meeting = manifest.get("meeting", {})
    langs = list(dict.fromkeys(r.get("lang") for r in manifest.get("reports", []) if r.get("lang"))) or ["en"]

    def title(lang: str) -> str:
        return meeting.get(f"title_{lang}") or meeting.get("title_en", "")

    items = "".join(
        f'<li lang="{e(lang)}"><a class="title" href="{e(lang)}/index.html" hreflang="{e(lang)}">{e(language_name(lang))}</a>'
        f'<span class="counts">{e(text("page.index.root_line", lang, meeting=title(lang)))}</span></li>'
        for lang in langs
    )
    programs = "".join(f'<p class="program" lang="{e(lang)}">{e(text("program.title", lang))}</p>' for lang in langs)
    headings = "".join(f'<span lang="{e(lang)}">{e(title(lang))}</span><br>' for lang in langs).removesuffix("<br>")
    build = " / ".join(f'<span lang="{e(lang)}">{e(text("page.index.build", lang))}</span>' for lang in langs)
    return (
        page_head(" / ".join(dict.fromkeys(title(lang) for lang in langs)), langs[0])
        + f'<body>\n<header class="oas-header">{programs}'
        f'<h1>{headings}</h1></header>\n<main>\n<ul class="oas-reports">{items}</ul>\n'
        f'<p class="build"><a href="run.html">{build}</a></p>\n</main>\n</body>\n</html>\n'
    )


def _run_row(r: dict, exists, with_note: bool = True) -> str:
    paths, outputs, status = r.get("paths", {}), r.get("outputs"), r.get("status", "")
    links = []
    for kind in ("html", "pdf", "notebook", "log"):
        path = paths.get(kind)
        if not path or not exists(path) or (kind == "log" and status != "failed"):
            continue
        label = kind.upper() if kind in ("html", "pdf") else kind
        if kind in ("html", "pdf") and outputs is not None and kind not in outputs:
            if status != "failed":
                continue  # a file left from an older run that this run did not produce
            label = text("index.previous", "en", label=label)  # the last good version, kept when this run failed
        links.append(f'<a href="{e(path, quote=True)}">{e(label)}</a>')
    duration = r.get("duration_s")
    seconds = "" if duration is None else f"{duration:.1f}"
    note = r.get("error") or r.get("reason") or ""
    return (
        f'<tr class="status-{e(status)}"><td>{e(r.get("lang", ""))}</td><td>{e(r.get("title", ""))}</td>'
        f'<td>{e(r.get("implementer", ""))}</td><td class="status">{e(status)}</td><td>{" · ".join(links)}</td>'
        f'<td class="num">{seconds}</td>' + (f"<td>{e(str(note))}</td>" if with_note else "") + "</tr>"
    )


def run_page(manifest: dict, exists=lambda path: True) -> str:
    """Build details of the last run: every report with its status, seconds and files (English)."""
    meeting = manifest.get("meeting", {})
    reports = sorted(
        manifest.get("reports", []),
        key=lambda r: (r.get("lang", ""), bool(r.get("implementer")), r.get("title", "")),
    )
    with_note = any(r.get("error") or r.get("reason") for r in reports)  # no always-empty column
    rows = "".join(_run_row(r, exists, with_note) for r in reports)
    cols = ("page.language", "index.report", "index.implementer", "index.status", "index.files")
    head = "".join(f'<th scope="col">{e(text(k, "en"))}</th>' for k in cols)
    head += f'<th scope="col" class="num">{e(text("index.duration", "en"))}</th>'
    if with_note:
        head += f'<th scope="col">{e(text("index.note", "en"))}</th>'
    inputs, run, summary = manifest.get("inputs", {}), manifest.get("run", {}), manifest.get("summary", {})
    facts = "".join(
        f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>"
        for k, v in (
            (text("page.meeting", "en"), meeting.get("title_en", "")),
            (text("page.as_of", "en"), long_date(meeting.get("as_of", ""), "en")),
            (text("index.date_basis", "en"), meeting.get("basis", "")),
            (text("page.version", "en"), inputs.get("data_version", "")),
            (text("page.generated", "en"), long_datetime(manifest.get("generated_at", ""), "en")),
            (text("index.summary", "en"), ", ".join(f"{v} {k}" for k, v in summary.items())),
            (text("page.run.elapsed", "en"), run.get("elapsed_s", "")),
        )
    )
    heading = text("page.run.title", "en", meeting=meeting.get("title_en", ""))
    return (
        page_head(heading, "en")
        + f'<body>\n<nav class="oas-bar" aria-label="{e(text("page.nav.label", "en"))}"><ul><li><a href="index.html">{e(text("page.nav.index", "en"))}</a></li></ul></nav>\n'
        f'<header class="oas-header"><h1>{e(heading)}</h1><dl>{facts}</dl></header>\n<main>\n'
        f'<div class="oas-table-wrap" role="region" tabindex="0" aria-label="{e(heading)}"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>\n'
        f'<p><a href="manifest.json">manifest.json</a></p>\n</main>\n</body>\n</html>\n'
    )


def write_pages(manifest: dict, meeting_dir: Path) -> None:
    """Write the root index, one landing page per language and the run page from ``manifest``."""
    meeting_dir = Path(meeting_dir)

    def exists(path: str) -> bool:
        return (meeting_dir / path).is_file()

    langs = list(dict.fromkeys(r.get("lang") for r in manifest.get("reports", []) if r.get("lang")))
    for lang in langs:
        atomic_write_text(meeting_dir / lang / "index.html", landing_page(manifest, lang, exists))
    atomic_write_text(meeting_dir / "index.html", root_page(manifest))
    atomic_write_text(meeting_dir / "run.html", run_page(manifest, exists))
