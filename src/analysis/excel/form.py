"""The annual report form: an .xlsx one implementer fills in for a meeting.

Sheets (names in the form's language):

* Instructions - how to fill the form in.
* Actions - one row per known action (``action_id`` locked) and blank rows
  for new ones (``action_id`` left empty; the tool allocates it). Editable:
  kind (new rows only), description, period (free text in English or
  Spanish, read by :func:`analysis.dataset.periods.parse_period`), status, mandate
  served, evidence link. Status, kind and mandate have drop-down lists.
* Milestones - the implementer's dated milestones: whether each was achieved
  and when (key, description and period locked).
* Mandates - the activities the Program assigns (read-only).
* ``lists`` (hidden) - the drop-down values, in the form's language.
* ``meta`` (very hidden) - template version, implementer, meeting, language,
  generation time, data version, a SHA-256 fingerprint of each master row the
  form was made from, the values the form showed for it, and a fingerprint of
  all of that together.

Sheet protection keeps keys and labels from being edited by accident (no
password: it is a guard rail, not security); the fingerprints are what
:mod:`analysis.excel.ingest` checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from analysis import i18n
from analysis.common.dates import is_iso_date
from analysis.dataset.schema import ACTION_KINDS, LIFECYCLE_STATUSES, MILESTONE_ACHIEVED
from analysis.errors import UsageError
from analysis.excel import form_layout
from analysis.excel.cells import set_value
from analysis.store.atomic import atomic_write_bytes

TEMPLATE_VERSION = "1"
BLANK_ROWS = 30
META_SHEET = "meta"
LISTS_SHEET = "lists"
ACTION_FIELDS = ("action_id", "kind", "description", "period", "status", "mandate", "evidence")
MILESTONE_FIELDS = ("milestone_id", "description", "period", "achieved", "achieved_on")
EDITABLE_FILL = form_layout.EDITABLE_FILL
LOCKED_FILL = form_layout.LOCKED_FILL

VOCAB_VALUES = {"lifecycle": LIFECYCLE_STATUSES, "action_kind": ACTION_KINDS, "achieved": MILESTONE_ACHIEVED}


INSTRUCTIONS = 7  # form.instructions.1 .. .7 in the catalogue


def text(key: str, lang: str):
    """A form string from the ``excel`` catalogue; ``"instructions"`` gives the list of steps."""
    if key == "instructions":
        return [i18n.t(f"form.instructions.{i}", lang) for i in range(1, INSTRUCTIONS + 1)]
    return i18n.t(f"form.{key}", lang)


def vocab_labels(vocab: str, lang: str) -> dict[str, str]:
    """Code -> label for a drop-down list in ``lang`` (labels are unique)."""
    key = {"achieved": "label"}.get(vocab, vocab)
    # The catalogue test checks these labels are unique per language, so each maps back to one code.
    return {code: i18n.t(f"{key}.{code}", lang) for code in VOCAB_VALUES[vocab]}


def label_to_code(vocab: str, lang: str) -> dict[str, str]:
    """Label (any case, any language) or code -> code, for reading a form back."""
    out = {}
    for other in i18n.LANGUAGES:  # a form answered in another language still reads
        for code, lab in vocab_labels(vocab, other).items():
            out.setdefault(lab.strip().lower(), code)
    for code, lab in vocab_labels(vocab, lang).items():
        out[lab.strip().lower()] = code  # the form's own language wins
    for code in VOCAB_VALUES[vocab]:
        out[code] = code
    return out


def mandate_label(mandate_id: str, text_: str, width: int = 70) -> str:
    short = " ".join(str(text_).split())
    if len(short) > width:
        short = short[: width - 1].rstrip() + "…"
    return f"{mandate_id}: {short}"


def row_fingerprint(row: dict) -> str:
    """SHA-256 of a master row's text values (column order independent)."""
    payload = json.dumps(
        {k: "" if v is None else str(v) for k, v in sorted(row.items())}, ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def meta_fingerprint(header: dict, rows: list[list], key: bytes) -> str:
    """HMAC-SHA256, keyed with the data folder's secret, over the meta header (without it) and every row entry."""
    from analysis.store.secret import keyed_digest

    head = {k: v for k, v in header.items() if k != "template_fingerprint"}
    payload = json.dumps([head, rows], ensure_ascii=False, sort_keys=True)
    return keyed_digest(key, payload.encode("utf-8"))


# A cell holds at most 32,767 characters; longer hidden-sheet values are split
# over several cells (and joined on reading) so that nothing is cut by Excel.
CELL_LIMIT = 32767
META_CHUNK = 30000


def meta_cells(value: str) -> list[str]:
    """``value`` in pieces that each fit a cell; :func:`meta_join` puts them back together."""
    return [value[i : i + META_CHUNK] for i in range(0, len(value), META_CHUNK)] or [""]


def meta_join(cells) -> str:
    return "".join("" if c is None else str(c) for c in cells)


def raw_rows(raw_table, key: str) -> dict[str, dict]:
    """Master rows of a text table by key."""
    f = raw_table.frame
    return {str(r[key]).strip(): {c: str(r[c]) for c in f.columns} for _, r in f.iterrows()}


def presented_action(row: dict, mandate: str) -> dict:
    return {
        "action_id": row["action_id"],
        "kind": row["kind"],
        "description": row["description"],
        "period": row["period_text"],
        "status": row["lifecycle_status"],
        "mandate": mandate,
        "evidence": row["evidence"],
    }


def presented_milestone(row: dict) -> dict:
    return {
        "milestone_id": row["milestone_id"],
        "description": row["description"],
        "period": row["period_text"],
        "achieved": row["achieved"],
        "achieved_on": row["achieved_on"],
    }


@dataclass
class FormContent:
    """What a form shows, computed from the master: shared by template and ingest."""

    actions: list[dict]  # each: presented values + "_fingerprint"
    milestones: list[dict]
    mandates: list[tuple[str, str]]  # (mandate_id, text)


def form_content(ds, implementer: str) -> FormContent:
    raw = ds.raw
    acts = raw_rows(raw["actions"], "action_id")
    links = raw["action_mandates"].frame
    first_mandate: dict[str, str] = {}
    for _, link in links.iterrows():
        first_mandate.setdefault(str(link["action_id"]).strip(), str(link["mandate_id"]).strip())
    actions = []
    for key, row in sorted(acts.items(), key=lambda kv: _natural(kv[0])):
        if row["implementer_id"].strip() != implementer:
            continue
        p = presented_action(row, first_mandate.get(key, ""))
        p["_fingerprint"] = row_fingerprint(row)
        actions.append(p)
    milestones = []
    for _key, row in sorted(raw_rows(raw["milestones"], "milestone_id").items(), key=lambda kv: _natural(kv[0])):
        if row["implementer_id"].strip() != implementer:
            continue
        p = presented_milestone(row)
        p["_fingerprint"] = row_fingerprint(row)
        milestones.append(p)
    m = ds.mandates
    mine = m[m["implementer_id"] == implementer].sort_values("seq")
    mandates = list(zip(mine["mandate_id"], mine["text"]))
    return FormContent(actions, milestones, mandates)


def _natural(key: str):
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)]


@dataclass
class _Labels:
    """The form's drop-down labels in its language, and where their lists live."""

    status: dict[str, str]
    kind: dict[str, str]
    achieved: dict[str, str]
    mandate: dict[str, str]
    refs: list[str] = field(default_factory=list)  # status, kind, mandate, achieved ranges on the lists sheet


def build_template(
    ds,
    implementer: str,
    meeting_id: str,
    lang: str = "en",
    generated: dt.datetime | None = None,
    blank_rows: int = BLANK_ROWS,
    secret: bytes | None = None,
) -> Workbook:
    """The report form for ``implementer`` and meeting ``meeting_id``.

    ``secret`` keys the hidden sheet's fingerprint; by default the secret of
    the data folder ``ds`` was read from (:mod:`analysis.store.secret`).
    """
    name = _implementer_name(ds, implementer, lang)
    content = form_content(ds, implementer)
    labels = _Labels(
        *(vocab_labels(v, lang) for v in ("lifecycle", "action_kind", "achieved")),
        mandate={mid: mandate_label(mid, txt) for mid, txt in content.mandates},
    )
    sheets = {k: text(f"sheet.{k}", lang) for k in ("instructions", "actions", "milestones", "mandates")}
    title = text("title", lang).format(name=name, implementer=implementer, meeting=meeting_id)
    wb = Workbook()
    wb.active.title = sheets["instructions"]
    form_layout.instructions(wb.active, title, lang)
    _lists_sheet(wb, labels)
    meta_rows: list[list] = []
    first_blank = _actions_sheet(
        wb.create_sheet(sheets["actions"]), content, labels, meta_rows, title, lang, blank_rows
    )
    _milestones_sheet(wb.create_sheet(sheets["milestones"]), content, labels, meta_rows, title, lang)
    _mandates_sheet(wb.create_sheet(sheets["mandates"]), content, title, lang)
    header = {
        "template_version": TEMPLATE_VERSION,
        "implementer": implementer,
        "meeting": str(meeting_id),
        "lang": lang,
        "generated_at": (generated or dt.datetime.now(dt.UTC).replace(microsecond=0)).isoformat(),
        "data_version": ds.version,
        "first_blank_row": str(first_blank),
        "sheets": json.dumps(sheets, ensure_ascii=False, sort_keys=True),
    }
    if secret is None:
        from analysis.config import DataLayout
        from analysis.store.secret import form_secret

        secret = form_secret(DataLayout.of(ds.source))
    header["template_fingerprint"] = meta_fingerprint(header, meta_rows, secret)
    _meta_sheet(wb, header, meta_rows)
    wb.active = 0
    return wb


def _implementer_name(ds, implementer: str, lang: str) -> str:
    if lang not in i18n.LANGUAGES:
        raise UsageError(f"unknown language {lang!r}; use one of {', '.join(i18n.LANGUAGES)}")
    impl = ds.implementers[ds.implementers["implementer_id"] == implementer]
    if impl.empty:
        raise UsageError(f"unknown implementer {implementer!r}; see implementers.csv for the ids")
    own, row = f"name_{lang}", impl.iloc[0]
    return row[own] if own in impl.columns and str(row[own]).strip() else row["name_en"]


def _lists_sheet(wb: Workbook, labels: _Labels) -> None:
    """The hidden sheet the drop-downs read; fills ``labels.refs``."""
    lists = wb.create_sheet(LISTS_SHEET)
    columns = {"status": labels.status, "kind": labels.kind, "mandate": labels.mandate, "achieved": labels.achieved}
    for j, (head, values) in enumerate(columns.items(), start=1):
        lists.cell(row=1, column=j, value=head)
        for i, v in enumerate(values.values(), start=2):
            set_value(lists.cell(row=i, column=j), v)
        col = get_column_letter(j)
        labels.refs.append(f"{LISTS_SHEET}!${col}$2:${col}${max(len(values), 1) + 1}")
    lists.sheet_state = "hidden"
    lists.protection.sheet = True


def _meta_row(table: str, r: int, key: str, presented: dict) -> list:
    shown = {k: v for k, v in presented.items() if k != "_fingerprint"}
    return ["row", table, r, key, presented["_fingerprint"], *meta_cells(json.dumps(shown, ensure_ascii=False))]


def _actions_sheet(ws, content, labels: _Labels, meta_rows: list, title: str, lang: str, blank_rows: int) -> int:
    """Known actions (id locked) then blank rows for new ones; returns the first blank row."""
    form_layout.header(ws, [text(f, lang) for f in ACTION_FIELDS])
    r = 1
    for p in content.actions:
        r += 1
        shown = [
            p["action_id"],
            labels.kind.get(p["kind"], p["kind"]),
            p["description"],
            p["period"],
            labels.status.get(p["status"], p["status"]),
            labels.mandate.get(p["mandate"], p["mandate"]),
            p["evidence"],
        ]
        for j, v in enumerate(shown, start=1):
            set_value(ws.cell(row=r, column=j), v if v != "" else None)
        form_layout.lock(ws, r, editable=range(3, 8))
        meta_rows.append(_meta_row("actions", r, p["action_id"], p))
    first_blank = r + 1
    for _ in range(blank_rows):
        r += 1
        form_layout.lock(ws, r, editable=range(2, 8))
    last = max(r, 2)
    form_layout.validation(ws, labels.refs[1], f"B2:B{last}", lang, "kind")
    form_layout.validation(ws, labels.refs[0], f"E2:E{last}", lang, "status")
    if content.mandates:
        form_layout.validation(ws, labels.refs[2], f"F2:F{last}", lang, "mandate")
    form_layout.finish(ws, title, lang, form_layout.ACTION_WIDTHS)
    return first_blank


def _milestones_sheet(wm, content, labels: _Labels, meta_rows: list, title: str, lang: str) -> None:
    """The implementer's milestones: achieved and when are the editable cells."""
    form_layout.header(wm, [text(f, lang) for f in MILESTONE_FIELDS])
    r = 1
    for p in content.milestones:
        r += 1
        on = p["achieved_on"]
        shown = [
            p["milestone_id"],
            p["description"],
            p["period"],
            labels.achieved.get(p["achieved"], p["achieved"]),
            dt.date.fromisoformat(on) if is_iso_date(on) else (on or None),
        ]
        for j, v in enumerate(shown, start=1):
            set_value(wm.cell(row=r, column=j), v)
        wm.cell(row=r, column=5).number_format = "yyyy-mm-dd"
        form_layout.lock(wm, r, editable=range(4, 6))
        meta_rows.append(_meta_row("milestones", r, p["milestone_id"], p))
    if content.milestones:
        form_layout.validation(wm, labels.refs[3], f"D2:D{r}", lang, "achieved")
        form_layout.date_validation(wm, f"E2:E{r}", lang)
    form_layout.finish(wm, title, lang, form_layout.MILESTONE_WIDTHS)


def _mandates_sheet(wd, content, title: str, lang: str) -> None:
    form_layout.header(wd, [text("mandate_id", lang), text("text", lang)])
    for i, (mid, txt) in enumerate(content.mandates, start=2):
        set_value(wd.cell(row=i, column=1), mid)
        c = wd.cell(row=i, column=2)
        set_value(c, txt)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    form_layout.finish(wd, title, lang, form_layout.MANDATE_WIDTHS)


def _meta_sheet(wb: Workbook, header: dict, meta_rows: list[list]) -> None:
    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate(header.items(), start=1):
        meta.cell(row=i, column=1, value=k)
        set_value(meta.cell(row=i, column=2), v)
    for i, row in enumerate(meta_rows, start=len(header) + 1):
        for j, v in enumerate(row, start=1):
            meta.cell(row=i, column=j).value = v  # plain values: JSON text or ints, never a formula
            if isinstance(v, str):
                meta.cell(row=i, column=j).data_type = "s"
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True


def write_template(out: Path | str, ds, implementer: str, meeting_id: str, lang: str = "en") -> Path:
    """Build the form and write it to ``out`` atomically (``out`` checked first)."""
    from analysis.config import DataLayout
    from analysis.store.outputs import check_output

    check_output(out, ".xlsx", layout=DataLayout.of(ds.source))
    wb = build_template(ds, implementer, meeting_id, lang)
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(out, buf.getvalue())
    return Path(out)


def frame_of_fields(rows: list[dict], fields) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(fields))
