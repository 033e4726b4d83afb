"""Edits of a rendered report fragment, on a BeautifulSoup tree (never regular expressions on HTML).

* :func:`strip_external`: scripts, styles, frames and images that would load
  from another host are removed.
* :func:`add_toc`: every h1-h3 gets a fresh id; :func:`toc_list` makes the
  nested, numbered contents.
* :func:`wrap_tables`: each table scrolls inside its own labelled, focusable
  region; an empty header cell becomes a plain cell; short tables are marked
  to stay on one printed page.
* :func:`keep_headings_with_content`: a heading, the lines under it and the
  chart or short table it introduces become one block print never splits.

>>> add_toc("<h2>Results &amp; more</h2><h3>Detail</h3>")[1]
[(2, 'results-more', 'Results & more'), (3, 'detail', 'Detail')]
"""

from __future__ import annotations

import html
import re

SHORT_TABLE_ROWS = 15  # a table up to this many rows is kept on one printed page ...
SHORT_TABLE_CHARS = (
    1200  # ... and this much text: 12 rows of long descriptions fill a page and left the one before blank
)
# A chart taller than this (CSS px; an A4 page holds about 980, so about a third) is not pulled onto
# the next page with its heading and lead-in: with them and its caption it is over half a page, and a
# section start that did not fit left the page before it more than half empty (a 410-px timeline under
# the coverage chart: 61 %). The heading keeps its lines, which fill that page; the chart keeps its caption.
TALL_CHART_PX = 300
LONG_TEXT_CHARS = 800  # about a third of a page: kept whole under its heading it could leave a gap
CHART_HEIGHT = re.compile(r'"height":\s*(\d+)')
HEADINGS = ["h2", "h3", "h4"]


def parse(fragment: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(fragment, "html.parser")


def _is_external(url: str | None) -> bool:
    return bool(url) and re.match(r"\s*(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE) is not None


def strip_external_tags(soup) -> None:
    for tag in soup.find_all(["script", "iframe", "img", "source", "embed", "object"]):
        if _is_external(tag.get("src") or tag.get("data")):
            tag.decompose()
    for tag in soup.find_all("link"):
        if _is_external(tag.get("href")):
            tag.decompose()


def strip_external(fragment: str) -> str:
    """Remove scripts, styles, frames and images that would load from another host."""
    soup = parse(fragment)
    strip_external_tags(soup)
    return str(soup)


def _anchor(label: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:50] or "section"
    anchor, i = base, 1
    while anchor in used:
        i += 1
        anchor = f"{base}-{i}"
    used.add(anchor)
    return anchor


def add_toc_ids(soup) -> list[tuple[int, str, str]]:
    entries: list[tuple[int, str, str]] = []
    used: set[str] = set()
    for h in soup.find_all(["h1", "h2", "h3"]):
        for a in h.find_all("a", class_="anchor-link"):
            a.decompose()
        label = " ".join(h.get_text(" ").split())
        if not label:
            continue
        h["id"] = _anchor(label, used)
        entries.append((int(h.name[1]), h["id"], label))
    return entries


def add_toc(fragment: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every h1-h3 a fresh id; return the fragment and (level, id, text) entries."""
    soup = parse(fragment)
    entries = add_toc_ids(soup)
    return str(soup), entries


def wrap_tables(soup, fallback_label) -> None:
    """Each table scrolls inside its own focusable region; short ones are kept on one printed page."""
    labels: set[str] = set()
    for n, table in enumerate(soup.find_all("table"), start=1):
        for th in table.find_all("th"):
            if not th.get_text(strip=True):
                th.name = "td"  # an empty corner cell heads nothing
        if is_short_table(table):
            table["class"] = [*table.get("class", []), "oas-short"]
        if table.parent is not None and "oas-table-wrap" in (table.parent.get("class") or []):
            continue
        caption = table.find("caption")
        heading = table.find_previous(["h2", "h3", "h4"])
        label = " ".join((caption or heading).get_text(" ").split()) if (caption or heading) else ""
        wrap = soup.new_tag("div", attrs={"class": "oas-table-wrap", "role": "region", "tabindex": "0"})
        label = label or fallback_label(n)
        if label in labels:  # each region needs its own name
            label = f"{label} ({fallback_label(n)})"
        labels.add(label)
        wrap["aria-label"] = label
        table.wrap(wrap)


def _is_heading(el) -> bool:
    return el.name in HEADINGS or (el.find(HEADINGS) is not None)


def _is_figure(el) -> bool:
    """A chart or a table (the thing a heading introduces)."""
    classes = el.get("class") or []
    return (
        el.name == "table"
        or "oas-chart" in classes
        or "oas-table-wrap" in classes
        or el.find(["table", "svg"]) is not None
        or el.select_one(".oas-chart") is not None
    )


def is_short_table(el) -> bool:
    """True when the tables in ``el`` are small enough to keep on one printed page without leaving a gap."""
    tables = [el] if el.name == "table" else el.find_all("table")
    return len(el.find_all("tr")) <= SHORT_TABLE_ROWS and sum(len(t.get_text()) for t in tables) <= SHORT_TABLE_CHARS


def _chart_height(el) -> int:
    """The tallest plotly layout height declared inside ``el`` (0 when none)."""
    return max((int(h) for h in CHART_HEIGHT.findall(str(el))), default=0)


def keep_headings_with_content(soup) -> None:
    """Put each heading, the lines under it and the chart or table it introduces in one unsplittable block.

    CSS ``break-after: avoid`` on a heading is not enough: the printed page
    may still break between the note under a heading and its chart. A long
    table is left out of the block (it must break); its heading still keeps
    to its first rows through ``break-after``.
    """
    for h in soup.find_all(HEADINGS):
        if h.parent is None or "oas-keep" in (h.parent.get("class") or []):
            continue
        group = [h]
        for sib in h.find_next_siblings():
            if _is_heading(sib):
                break
            if _is_figure(sib):
                if is_short_table(sib) and _chart_height(sib) <= TALL_CHART_PX:
                    group.append(sib)
                break
            if len(sib.get_text()) > LONG_TEXT_CHARS:  # a long list or text flows; its lead-in keeps to it by CSS
                break
            group.append(sib)
            if len(group) > 4:  # a long run of text is no caption: let it flow
                group = [h]
                break
        if len(group) < 2:
            continue
        block = soup.new_tag("div", attrs={"class": "oas-keep"})
        h.wrap(block)
        for el in group[1:]:
            block.append(el.extract())


OWN_NUMBER = re.compile(r"^\s*\d+(\.\d+)*\.?\s")  # "1. Summary", "4.1. Milestones", "4.1 Milestones"


def toc_list(toc: list[tuple[int, str, str]]) -> str:
    """Nested, numbered lists: 1, 1.1, 1.2, 2 (a sub-heading nests under the heading before it).

    When the headings carry their own numbers ("4.1. Milestones"), the lists are
    marked ``own-numbers`` and the style sheet adds none, so no entry reads "4.1. 4.1.".
    """
    e = html.escape
    own = any(OWN_NUMBER.match(label) for _, _, label in toc)
    out, depth = ['<ol class="own-numbers">' if own else "<ol>"], 0
    top = min(level for level, _, _ in toc)
    for level, anchor, label in toc:
        want = min(level - top, depth + 1)
        if want > depth:
            out[-1] = out[-1].removesuffix("</li>")
            out.append('<ol class="own-numbers">' if own else "<ol>")
        while want < depth:
            out.append("</ol></li>")
            depth -= 1
        depth = want
        out.append(f'<li class="lvl-{level}"><a href="#{e(anchor)}">{e(label)}</a></li>')
    out.extend(["</ol></li>"] * depth)
    out.append("</ol>")
    return "".join(out)
