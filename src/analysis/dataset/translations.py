"""Missing translations: warnings, not errors.

A column declared with ``translation_of`` in :mod:`analysis.dataset.schema`
(``description_es``, ``name_fr``, ...) translates another column. Where the
source cell has text and the translation is empty, the reports fall back to
the source text; the data is still valid, so this is a warning.

>>> from analysis.dataset.raw import read_raw
>>> isinstance(missing_translations(read_raw()), list)
True
"""

from __future__ import annotations

import numpy as np

from analysis.dataset.checks import stripped
from analysis.dataset.raw import RawTable
from analysis.dataset.schema import TABLES
from analysis.errors import Problem


def missing_translations(raw: dict[str, RawTable]) -> list[Problem]:
    """One warning per cell whose source text has no translation."""
    out = []
    for name, t in raw.items():
        if name not in TABLES:
            continue
        for col in TABLES[name].columns:
            if not col.translation_of or col.name not in t.frame.columns or col.translation_of not in t.frame.columns:
                continue
            sources = stripped(t.frame[col.translation_of])  # Arrow text: no Python string per cell
            empty = stripped(t.frame[col.name]) == ""
            for pos in np.flatnonzero(((sources != "") & empty).to_numpy(dtype=bool)):
                out.append(
                    Problem(
                        f"no translation of '{col.translation_of}' (the English text is shown instead)",
                        file=t.file,
                        sheet=t.sheet,
                        row=t.row_number(int(pos)),
                        column=col.name,
                    )
                )
    return out
