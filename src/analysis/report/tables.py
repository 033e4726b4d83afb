"""Safe HTML (and Markdown) rendering of frames and report text.

Escaping is on by default, as in great_tables: every plain string is
HTML-escaped; markup passes through only when wrapped in :class:`Html`
(which the library's own functions produce). Numbers are formatted in the
report language, missing values read "not reported", never 0.

>>> html_table(pd.DataFrame({"a": ["<script>x</script>"]})).split("</style>")[1]
'<table class="oas-table"><thead><tr><th scope="col" class="oas-w">a</th></tr></thead><tbody><tr><td>&lt;script&gt;x&lt;/script&gt;</td></tr></tbody></table></div>'
>>> str(html_table(pd.DataFrame({"a": [Html("<b>ok</b>")]}))).count("<b>ok</b>")
1
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from analysis import i18n


class Html(str):
    """Trusted markup: passes through the renderers unescaped.

    Jupyter displays it as HTML (``_repr_html_``), so a notebook cell ending
    in an :class:`Html` value shows rendered markup.
    """

    def _repr_html_(self) -> str:
        return str(self)

    def _ipython_display_(self) -> None:
        # Charts inside the markup are shown as plotly bundles, so JupyterLab draws them too.
        from analysis.report.charts import CHART_MARKER, show_html

        if CHART_MARKER in self:
            show_html(self)
        else:
            from IPython.display import display

            display({"text/html": str(self), "text/plain": str.__repr__(self)}, raw=True)

    def __add__(self, other):
        return Html(str(self) + str(escape(other)))


def escape(value) -> Html:
    """``value`` as safe HTML: :class:`Html` unchanged, anything else escaped."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def join(parts: Iterable, sep: str = "") -> Html:
    """Concatenate parts, escaping those that are not :class:`Html`."""
    return Html(sep.join(escape(p) for p in parts))


_ID_RE = re.compile(r"[^a-z0-9-]+")


def anchor(text: str) -> str:
    """A safe element id from text: lowercase ``[a-z0-9-]``."""
    return _ID_RE.sub("-", str(text).lower()).strip("-") or "section"


def heading(text, level: int = 2, id: str | None = None) -> Html:
    """An escaped ``<h1>``..``<h3>`` heading with a safe id (for the table of contents)."""
    if level not in (1, 2, 3, 4):
        raise ValueError(f"heading level must be 1-4, got {level}")
    return Html(f'<h{level} id="{anchor(id or text)}">{escape(text)}</h{level}>')


def paragraph(text, cls: str | None = None) -> Html:
    """An escaped paragraph."""
    attr = f' class="{anchor(cls)}"' if cls else ""
    return Html(f"<p{attr}>{escape(text)}</p>")


def bullets(items: Iterable, ordered: bool = False) -> Html:
    """An escaped list; items may be :class:`Html`."""
    tag = "ol" if ordered else "ul"
    return Html(f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>")


def block(*parts) -> Html:
    """Wrap content in ``<div class="oas-block">`` so print CSS keeps it on one page."""
    return Html('<div class="oas-block">' + "".join(escape(p) for p in parts) + "</div>")


def section(*parts) -> Html:
    """Concatenate parts (each escaped unless :class:`Html`) into one displayable value."""
    return join(parts)


_URL_RE = re.compile(r"https?://[^\s<>\"]+")
_BREAK_AFTER = re.compile(r"([/.?&=_-])")


def link_urls(text: str) -> Html:
    """``text`` escaped, with every URL made a link whose visible text may break after / . ? & = _ -."""
    out, pos = [], 0
    for m in _URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;)")
        out.append(escape(text[pos : m.start()]))
        shown = _BREAK_AFTER.sub(r"\1<wbr>", str(escape(url)))
        out.append(Html(f'<a href="{escape(url)}">{shown}</a>'))
        pos = m.start() + len(url)
    out.append(escape(text[pos:]))
    return join(out)


def is_number(value) -> bool:
    """True for ints, floats and numpy numbers (not booleans): cells to right-align."""
    if isinstance(value, bool) or isinstance(value, Html):
        return False
    if type(value).__module__ == "numpy" and hasattr(value, "dtype"):
        return value.dtype.kind in "iuf"
    return isinstance(value, (int, float))


def drop_blank_columns(frame: pd.DataFrame, keep: Iterable[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` without the columns that are empty on every row (names of the dropped ones second)."""
    keep = set(keep)
    dropped = [
        c
        for c in frame.columns
        if c not in keep
        and frame[c]
        .map(lambda v: v is None or (not isinstance(v, Html) and str(v).strip() in ("", "nan", "<NA>", "NaT")))
        .all()
    ]
    return frame.drop(columns=dropped), dropped


def format_cell(value, lang: str = "en") -> Html:
    """One cell as escaped HTML, numbers and dates in the report language."""
    if isinstance(value, Html):
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return escape("")
    if isinstance(value, bool):
        return escape(i18n.fmt_bool(value, lang))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and pd.isna(value):
            return escape(i18n.t("label.not_reported", lang))
        return escape(i18n.fmt_number(value, lang))
    if isinstance(value, (pd.Timestamp, dt.date)):
        return escape(i18n.fmt_date(value, lang))
    if hasattr(value, "dtype") or type(value).__module__ == "numpy":  # numpy scalars
        try:
            if pd.isna(value):
                return escape(i18n.t("label.not_reported", lang))
        except (TypeError, ValueError):
            pass
        return format_cell(value.item(), lang)
    if "://" in str(value):
        return link_urls(str(value))
    return escape(value)


def html_table(
    frame: pd.DataFrame,
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
    formatters: Mapping[str, Callable[[object], object]] | None = None,
    caption=None,
    widths: Mapping[str, int] | None = None,
    right: Iterable[str] = (),
) -> Html:
    """Render ``frame`` as an escaped HTML table in an ``oas-block`` div.

    Parameters
    ----------
    frame
        The rows to show; the index is ignored.
    lang
        Language for numbers, dates and booleans.
    labels
        Column name -> header text (escaped); other columns keep their names.
    formatters
        Column name -> function of the cell value; its result is escaped
        unless it is :class:`Html`.
    caption
        Optional caption (escaped unless :class:`Html`).
    widths
        Column name -> share of the width in percent (a wide description
        column, the rest narrow). The layout stays automatic, so a column is
        never narrower than its longest word: words and ids are never broken
        letter by letter (see :data:`TABLE_STYLE`); only links may break.
    right
        Columns to right-align although their cells are markup (values with a comparator).
    """
    labels = labels or {}
    formatters = formatters or {}
    cols = list(frame.columns)
    right = set(right)
    head = "".join(
        f'<th scope="col"{_cell_class(labels.get(c, c) or c, c in right)}>{escape(labels.get(c, c) or c)}</th>'
        for c in cols
    )
    rows = []
    for rec in frame.itertuples(index=False, name=None):
        cells = []
        for c, v in zip(cols, rec):
            if c in formatters:
                v = formatters[c](v)
            num = is_number(v) or c in right
            cell = format_cell(v, lang)
            text = html.unescape(re.sub("<[^>]+>", "", cell))
            cells.append(f"<td{_cell_class(text, num, cell)}>{cell}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption is not None else ""
    group, style = _colgroup(cols, widths)
    return Html(
        f'<div class="oas-block">{TABLE_STYLE}<table class="oas-table"{style}>{cap}{group}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _colgroup(cols: list, widths: Mapping[str, int] | None) -> tuple[str, str]:
    """The ``<colgroup>`` giving each column its share of the width, and the table's style (full width)."""
    if not widths:
        return "", ""
    group = "".join(f'<col style="width:{int(widths.get(c, 0)) or ""}%">' for c in cols)
    return "<colgroup>" + group.replace('width:%"', 'width:auto"') + "</colgroup>", ' style="width:100%"'


NOWRAP_CHARS = 16  # a cell that is one word (an id, a code, a number) this short is never wrapped
# Words are never broken inside (the page's print CSS allows it for every cell, for links);
# one-word cells do not wrap at all; links may break anywhere. Scoped to report tables.
TABLE_STYLE = (
    "<style>.oas-table td,.oas-table th{overflow-wrap:normal;word-break:normal;hyphens:manual}"
    ".oas-table .oas-w{white-space:nowrap}.oas-table .oas-u{overflow-wrap:anywhere}"
    ".oas-table .num{text-align:right}</style>"
)


def _cell_class(text: str, num: bool, markup: str = "") -> str:
    """The class attribute of a cell: ``num`` (right-aligned), ``oas-w`` (one short word: no wrap), ``oas-u`` (a link)."""
    classes = ["num"] if num else []
    if "<a href" in markup and "://" in markup:
        classes.append("oas-u")
    elif len(text) <= NOWRAP_CHARS and not any(ch.isspace() for ch in text.strip()):
        classes.append("oas-w")
    return f' class="{" ".join(classes)}"' if classes else ""


_TILES = "display:flex;flex-wrap:wrap;gap:.5rem;margin:.6rem 0;padding:0;list-style:none"
_TILE = "border:1px solid #d5dbe2;border-top:3px solid #0b4f8a;padding:.4rem .6rem;min-width:9.5rem;flex:1 1 9.5rem"


def key_figures(items: Iterable[tuple[str, str]]) -> Html:
    """Key figures as tiles: a big value over its label (escaped), in a list so screen readers count them."""
    tiles = "".join(
        f'<li class="oas-tile" style="{_TILE}"><span class="oas-tile-value" style="display:block;font-size:1.5em;'
        f'font-weight:bold;color:#0b4f8a">{escape(v)}</span><span class="oas-tile-label">{escape(k)}</span></li>'
        for k, v in items
    )
    return Html(f'<div class="oas-block"><ul class="oas-tiles" style="{_TILES}">{tiles}</ul></div>')


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def markdown_escape(text) -> str:
    """Escape text for Markdown *and* HTML (Markdown passes raw HTML through)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape("" if text is None else str(text), quote=True))


def markdown_table(frame: pd.DataFrame, lang: str = "en", labels: Mapping[str, str] | None = None) -> str:
    """A pipe table with every header and cell escaped (prefer :func:`html_table`)."""
    labels = labels or {}
    cols = list(frame.columns)

    def cell(v):
        text = v if isinstance(v, str) and not isinstance(v, Html) else html.unescape(str(format_cell(v, lang)))
        return markdown_escape(text).replace("\n", " ")

    lines = ["| " + " | ".join(markdown_escape(labels.get(c, c)) for c in cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(v) for v in rec) + " |" for rec in frame.itertuples(index=False, name=None)]
    return "\n".join(lines)
