"""Notebook hygiene: a key from a notebook's code, and outputs stripped on save.

A notebook's bytes change whenever JupyterLab saves it (outputs, execution
counts, widget state, cell ids), so the bytes are no key for "has this report's
code changed". :func:`code_sha256` hashes what a run executes: the kernel
language, each cell's type and source, and which cell holds the parameters.

:func:`strip_outputs` is what the committed notebooks look like; the JupyterLab
started by ``make lab`` calls :func:`pre_save_hook` (see
``jupyter_server_config.py`` at the project root) so whatever Lab does, the
notebooks it saves stay clean.

>>> nb = {"metadata": {"kernelspec": {"language": "python"}}, "cells": [
...     {"cell_type": "code", "source": "x = 1", "metadata": {"tags": ["parameters"]},
...      "outputs": [{"output_type": "stream", "text": "hi"}], "execution_count": 3}]}
>>> key = code_sha256(nb)
>>> strip_outputs(nb)["cells"][0]["outputs"], code_sha256(strip_outputs(nb)) == key
([], True)
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from analysis.common.hashing import sha256_json

# Cell metadata that says how a run treats the cell (everything else is the editor's).
RUN_TAGS = {"parameters", "injected-parameters", "raises-exception", "skip-execution"}
# Notebook metadata the editor writes on every save: dropped by strip_outputs.
EDITOR_METADATA = ("widgets", "execution", "papermill", "toc", "varInspector")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _read(nb: dict | Path | str) -> dict:
    if isinstance(nb, dict):
        return nb
    return json.loads(Path(nb).read_text(encoding="utf-8"))


def code_sha256(nb: dict | Path | str) -> str:
    """SHA-256 of what a run of ``nb`` executes: outputs, counts and ids do not count."""
    nb = _read(nb)
    meta = nb.get("metadata", {})
    language = (meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name", "")
    cells = [
        {
            "type": cell.get("cell_type", ""),
            "source": _source(cell),
            "tags": sorted(RUN_TAGS.intersection((cell.get("metadata") or {}).get("tags", []))),
        }
        for cell in nb.get("cells", [])
    ]
    return sha256_json({"language": language, "cells": cells})


def strip_outputs(nb: dict) -> dict:
    """A copy of ``nb`` without outputs, execution counts or editor state."""
    nb = copy.deepcopy(nb)
    for key in EDITOR_METADATA:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata") or {}
        for key in ("execution", "collapsed", "scrolled", "papermill", "ExecuteTime"):
            meta.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def pre_save_hook(model: dict, **_kwargs) -> None:
    """Jupyter server pre-save hook: notebooks are written without outputs.

    The browser keeps showing the outputs of the session; only the file on
    disk is clean.
    """
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        model["content"] = strip_outputs(model["content"])


def is_clean(nb: dict | Path | str) -> bool:
    """True when ``nb`` has no outputs, no execution counts and no editor state."""
    nb = _read(nb)
    return nb == strip_outputs(nb)


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.common.notebooks [--strip] NOTEBOOK...``: list (or strip) notebooks with outputs."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    strip = "--strip" in args
    dirty = [Path(a) for a in args if a != "--strip" and not is_clean(a)]
    for path in dirty:
        if strip:
            nb = strip_outputs(_read(path))
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"{path}: outputs stripped")
        else:
            print(f"{path}: has outputs or editor state (make hygiene STRIP=1 cleans it)")
    return 0 if strip or not dirty else 1


if __name__ == "__main__":
    raise SystemExit(main())
