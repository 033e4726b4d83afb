"""Notebook hygiene: committed notebooks are clean; the code key ignores outputs."""

from __future__ import annotations

import copy
import json

import pytest

from analysis import config
from analysis.common.notebooks import code_sha256, is_clean, main, pre_save_hook, strip_outputs

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_are_clean(path):
    assert is_clean(path)


def test_code_key_ignores_outputs_and_follows_the_code():
    nb = json.loads(NOTEBOOKS[0].read_text())
    run = copy.deepcopy(nb)
    for cell in run["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
            cell["execution_count"] = 7
    run["metadata"]["widgets"] = {"state": {}}
    assert code_sha256(run) == code_sha256(nb) and not is_clean(run)
    run["cells"][-1]["source"] = "".join(run["cells"][-1]["source"]) + "\n1 + 1"
    assert code_sha256(run) != code_sha256(nb)


def test_pre_save_hook_strips_what_lab_saves():
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "1", "metadata": {}, "outputs": [1]}]}
    model = {"type": "notebook", "content": nb}
    pre_save_hook(model, path="x.ipynb")
    assert model["content"] == strip_outputs(nb) and model["content"]["cells"][0]["outputs"] == []


def test_hygiene_command_lists_then_strips(tmp_path, capsys):
    path = tmp_path / "dirty.ipynb"
    nb = json.loads(NOTEBOOKS[0].read_text())
    nb["cells"][0]["execution_count"] = 3
    path.write_text(json.dumps(nb))
    assert main([str(path)]) == 1 and "dirty.ipynb" in capsys.readouterr().out
    assert main(["--strip", str(path)]) == 0 and is_clean(path)
