"""Data-quality notes: next to the row they change (in the report's language), and all of them in an annex."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pyarrow.compute as pc

from analysis import i18n
from analysis.dataset.checks import arrow
from analysis.dataset.loading import Dataset
from analysis.report.context import Report, capped, localized, per_dataset
from analysis.report.tables import Html, anchor, bullets, escape, html_table, join, paragraph


def _ids_in(rows: str) -> list[str]:
    return [part.split(":", 1)[-1].strip() for part in str(rows).split(";") if part.strip()]


def note_links(ds: Dataset) -> pd.DataFrame:
    """Every (row id, note) pair: ``row_id`` named in a data-quality note's ``rows`` ("table:id; id"), and
    ``note``, the note's position in ``data_quality``; in the notes' order.

    Built once per dataset, with Arrow's string kernels (no Python loop over the notes, 36,000 at 1M).
    """

    def build():
        text = arrow(ds.data_quality["rows"])
        parts = pc.split_pattern(pc.fill_null(text, "") if text.null_count else text, ";")
        flat, note = pc.list_flatten(parts), pc.list_parent_indices(parts)
        keep = pc.not_equal(pc.utf8_trim_whitespace(flat), "")
        row_id = pc.utf8_trim_whitespace(pc.replace_substring_regex(flat, "^[^:]*:", "", max_replacements=1))
        return pd.DataFrame(
            {
                "row_id": pc.filter(row_id, keep).to_numpy(zero_copy_only=False),
                "note": pc.filter(note, keep).to_numpy(zero_copy_only=False),
            }
        )

    return per_dataset(ds, ("note_links",), build)


def notes_by_row(rep: Report, row_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Row id -> [(issue id, description in the report's language)] for the notes naming these rows."""
    ids = {str(r) for r in row_ids}
    links = note_links(rep.ds)
    hit = links[links["row_id"].isin(ids)]
    if hit.empty:
        return {}
    dq = rep.ds.data_quality
    notes = dq.iloc[sorted(set(hit["note"].tolist()))]
    said = dict(
        zip(
            notes.index.tolist(), zip(notes["issue_id"].astype(str).tolist(), localized(notes, "description", rep.lang))
        )
    )
    out: dict[str, list[tuple[str, str]]] = {}
    for row_id, note in zip(hit["row_id"].tolist(), hit["note"].tolist()):
        out.setdefault(row_id, []).append(said[dq.index[note]])
    return out


def note_cells(rep: Report, row_ids: Iterable[str]) -> list[Html | str]:
    """For each row id, links to its notes ("DQ-1"), empty when none; :func:`notes_under` gives their text."""
    row_ids = [str(r) for r in row_ids]
    by_row = notes_by_row(rep, row_ids)
    cells = []
    for row_id in row_ids:
        notes = by_row.get(row_id, [])
        links = [Html(f'<a href="#note-{anchor(i)}-{anchor(row_id)}">{escape(i)}</a>') for i, _ in notes]
        cells.append(join(links, ", ") if links else "")
    return cells


def notes_under(rep: Report, row_ids: Iterable[str]) -> Html:
    """The text of the notes naming these rows, once each, to place right under their table."""
    row_ids = [str(r) for r in row_ids]
    by_row = notes_by_row(rep, row_ids)
    seen: dict[str, tuple[str, list[str]]] = {}
    for row_id in row_ids:
        for issue, text in by_row.get(row_id, []):
            seen.setdefault(issue, (text, []))[1].append(row_id)
    if not seen:
        return Html("")
    items = []
    for issue, (text, rows) in seen.items():
        ids = "".join(f'<span id="note-{anchor(issue)}-{anchor(r)}"></span>' for r in rows)
        items.append(join([Html(ids + "<b>"), issue, Html("</b> ("), ", ".join(rows), "): ", text]))
    return join([Html('<div class="oas-notes">'), paragraph(rep.t("label.note")), bullets(items), Html("</div>")])


def quality_notes(ds: Dataset, implementer: str | None) -> pd.DataFrame:
    """data_quality rows touching the implementer (by ``implementer_id`` or a row id of theirs); all for None."""
    dq = ds.data_quality
    if implementer is None:
        return dq.reset_index(drop=True)

    # A row id of theirs is the implementer id, or starts with it and "-", after an optional "table:" prefix.
    theirs = r"(?:^|;)(?:[^;:]*:)?\s*" + re.escape(implementer) + r"(?:-[^;]*)?\s*(?:;|$)"
    mask = (dq["implementer_id"] == implementer) | dq["rows"].fillna("").astype(str).str.contains(theirs, regex=True)
    return dq[mask.to_numpy(dtype=bool)].reset_index(drop=True)


def notes_table(rep: Report, dq: pd.DataFrame) -> Html:
    """The notes as a table: id, kind, description in the report's language, rows, sources."""
    refs = []
    for r in dq.itertuples(index=False):
        ref = rep.ref(r.section, r.excerpt)
        if str(r.section_b).strip():
            ref = join([ref, " ", rep.ref(r.section_b, r.excerpt_b)])
        refs.append(ref)
    table = pd.DataFrame(
        {
            "issue": dq["issue_id"],
            "kind": [i18n.label("quality_kind", k, rep.lang) for k in dq["kind"]],
            "description": rep.text(dq, "description"),  # notes say what is doubtful: never shortened
            "rows": [", ".join(_ids_in(r)) for r in dq["rows"]],
            "source": refs,
        }
    )
    labels = {k: rep.t(f"label.{k}") for k in table.columns}
    widths = {"issue": 9, "kind": 12, "description": 55, "rows": 14, "source": 10}
    return html_table(table, rep.lang, labels, widths=widths)


def quality_section(rep: Report, implementer: str | None = "__report__") -> Html:
    """Annex: every data-quality note touching the report (each also shown next to its row in the body)."""
    who = rep.implementer if implementer == "__report__" else implementer
    dq = quality_notes(rep.ds, who)
    parts = [rep.heading(rep.t("heading.data_quality"), 2, id="data-quality", annex=True)]
    if dq.empty:
        return join([*parts, paragraph(rep.t("text.no_quality"), "oas-empty")])
    shown, cut = capped(rep, dq, sheet="data_quality")
    parts.append(paragraph(rep.t("text.quality_annex"), "oas-note"))
    return join([*parts, *([paragraph(cut, "oas-note")] if cut else []), notes_table(rep, shown)])
