"""The section tree of the Work Plan: a section path -> its span of text.

Paths follow ``data/README.md``: ``IV.F.2`` is part IV, letter F, heading 2.
The document's own numbering has three quirks, resolved here once:

* two parts are numbered ``IV.``; the first ("Follow-up") is written
  ``IV(Follow-up)``, the second keeps ``IV``;
* part ``IV.D`` holds two departments under capitalized headings without a
  number; they are written ``IV.D(DECST)`` and ``IV.D(DSDE)``;
* a heading number repeated under the same parent (the DSDE's second "2.")
  gets ``bis``: ``IV.D(DSDE).2bis``.

The footnote at the end (its marker is an unreadable character) is
``footnote 1``. A section's span runs from its heading to the next heading of
the same or a higher level, so it includes its sub-sections.

>>> tree = section_tree("I.\\nIntro\\ntext\\nII.\\nNext\\nA.\\nSub\\nmore")
>>> tree["II"].strip().split("\\n")[-1], "more" in tree["II.A"], "more" in tree["I"]
('more', True, False)
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

ROMAN = re.compile(r"^(?P<n>[IVX]+)\.$")
LETTER = re.compile(r"^(?P<n>[A-H])\.$")
NUMBER = re.compile(r"^(?P<n>\d+)\.$")
FOOTNOTE = re.compile(r"^[^\w\s]\.\s")  # the footnote's marker did not survive the text export
PART_NAMES = {("IV", "Follow-up"): "IV(Follow-up)"}
DEPARTMENTS = {
    "DEPARTMENT OF EDUCATION, CULTURE, SCIENCE, AND TECHNOLOGY": "DECST",
    "DEPARTMENT OF SOCIAL DEVELOPMENT AND EMPLOYMENT": "DSDE",
}
LEVELS = {"roman": 1, "letter": 2, "department": 3, "number": 4, "footnote": 1}


def _heading(line: str, next_line: str) -> tuple[str, str] | None:
    """(kind, label) when ``line`` is a heading, else None."""
    text = line.strip()
    if m := ROMAN.match(text):
        return "roman", PART_NAMES.get((m["n"], next_line.strip()), m["n"])
    if m := LETTER.match(text):
        return "letter", m["n"]
    if m := NUMBER.match(text):
        return "number", m["n"]
    if text in DEPARTMENTS:
        return "department", f"({DEPARTMENTS[text]})"
    if FOOTNOTE.match(text):
        return "footnote", "footnote"
    return None


def _path(stack: list[tuple[int, str]], level: int, label: str) -> str:
    parts = [lab for lvl, lab in stack if lvl < level] + [label]
    # a department is written right after its letter: IV.D(DSDE), IV.D(DSDE).2
    return ".".join(parts).replace(".(", "(")


def section_tree(text: str) -> dict[str, str]:
    """Every section path of ``text`` mapped to the text of its span (heading included)."""
    lines = text.splitlines()
    starts: list[tuple[str, int, int]] = []  # (path, level, first line)
    stack: list[tuple[int, str]] = []
    footnotes = 0
    for i, line in enumerate(lines):
        found = _heading(line, lines[i + 1] if i + 1 < len(lines) else "")
        if not found:
            continue
        kind, label = found
        level = LEVELS[kind]
        if kind == "footnote":
            footnotes += 1
            stack, path = [], f"footnote {footnotes}"
        else:
            stack = [(lvl, lab) for lvl, lab in stack if lvl < level]
            path = _path(stack, level, label)
            while any(p == path for p, _, _ in starts):  # a repeated number: 2, 2bis
                label += "bis"
                path = _path(stack, level, label)
            stack.append((level, label))
        starts.append((path, level, i))
    tree = {}
    for k, (path, level, first) in enumerate(starts):
        last = next((s for _, lvl, s in starts[k + 1 :] if lvl <= level), len(lines))
        tree[path] = "\n".join(lines[first:last])
    return tree


@lru_cache(maxsize=4)
def document_sections(path: str) -> dict[str, str]:
    """The section tree of the Work Plan file at ``path`` (read once)."""
    return section_tree(Path(path).read_text(encoding="utf-8"))
