"""Provenance: every excerpt must occur verbatim in the Work Plan.

Comparison is whitespace-normalized (runs of spaces, tabs and newlines count
as one space), nothing else: quotes, typos and odd number formats must match.

Rows added from an implementer's submission (``analysis.excel.ingest``) cite that
submission instead: their ``section`` is ``submission:<meeting>:<sha256[:12]>``
and their excerpt is verbatim from the archived file
``data/submissions/<meeting>/<sha256>-<name>.xlsx``, so they are not looked
for in the Work Plan.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from analysis.dataset.raw import RawTable
from analysis.errors import Problem

EXCERPT_COLUMNS = ("excerpt", "excerpt_b")
VERBATIM_COLUMNS = {"mandates": ("text",)}
SUBMISSION_PREFIX = "submission:"


def cites_submission(section: object) -> bool:
    """True when a row's ``section`` cites a submission rather than the Work Plan."""
    return str(section).strip().startswith(SUBMISSION_PREFIX)


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=4)
def _document(path: str) -> str:
    return normalize(Path(path).read_text(encoding="utf-8"))


def check_excerpts(raw: dict[str, RawTable], work_plan: Path | str) -> list[Problem]:
    """Problems for every excerpt (and verbatim column) not found in the document."""
    doc = _document(str(work_plan))
    out = []
    for name, t in raw.items():
        cols = [c for c in (*EXCERPT_COLUMNS, *VERBATIM_COLUMNS.get(name, ())) if c in t.frame.columns]
        for col in cols:
            sections = list(t.frame["section"]) if "section" in t.frame.columns else [""] * len(t.frame)
            for i, value in enumerate(t.frame[col]):
                if cites_submission(sections[i]):
                    continue
                text = normalize(str(value))
                if text and text not in doc:
                    out.append(
                        Problem(
                            f"this text is not found verbatim in the Work Plan ({Path(work_plan).name})",
                            file=t.file,
                            sheet=t.sheet,
                            row=t.row_number(i),
                            column=col,
                            value=str(value),
                        )
                    )
    return out
