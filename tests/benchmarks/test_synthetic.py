"""The synthetic data generator of benchmarks/: valid, labelled, never under data/."""

from __future__ import annotations

import importlib.util
import sys

import pandas as pd
import pytest
from conftest import ROOT

from analysis import config
from analysis.dataset.raw import read_raw
from analysis.dataset.schema import TABLE_ORDER
from analysis.dataset.validation import validate_raw


def _load():
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module
    spec.loader.exec_module(module)
    return module


synthetic = _load()


@pytest.fixture(scope="module")
def x3(tmp_path_factory):
    return synthetic.generate(tmp_path_factory.mktemp("gen") / "synthetic-x3", 3, observations=200)


def test_generated_data_is_valid(x3):
    assert validate_raw(read_raw(x3), x3) == []


def test_sizes_follow_the_scale(x3):
    shipped = read_raw(config.PROGRAM_DIR)
    raw = read_raw(x3)
    for name in TABLE_ORDER:
        expected = 200 if name == "observations" else 3 * len(shipped[name].frame)
        assert len(raw[name].frame) == expected, name


def test_every_row_and_the_folder_say_synthetic(x3):
    assert "synthetic" in x3.name and (x3 / "SYNTHETIC-DATA-README.txt").is_file()
    for name in TABLE_ORDER:
        frame = pd.read_csv(x3 / f"{name}.csv", dtype=str, keep_default_na=False)
        col = next(c for c in ("note", "basis", "description") if c in frame.columns)
        assert frame[col].str.startswith("SYNTHETIC").all(), name


def test_every_language_of_period_phrases_appears(x3):
    from analysis.dataset.periods import parse_period

    phrases = set(read_raw(x3)["milestones"].frame["period_text"]) | set(read_raw(x3)["actions"].frame["period_text"])
    languages = {parse_period(p, default_year=2007).language for p in phrases if p and p != "unknown"}
    assert {"en", "es", "pt", "fr"} <= languages
    assert len(synthetic.catalogue()) == len({p for p, _ in synthetic.PHRASES})  # the parser reads them all


def test_refuses_to_write_under_data(tmp_path):
    with pytest.raises(SystemExit, match="refusing to write synthetic data"):
        synthetic.generate(config.PROGRAM_DIR / "synthetic-x1", 1)
    with pytest.raises(SystemExit, match="must say it is synthetic"):
        synthetic.generate(tmp_path / "program", 1)
    assert not (config.PROGRAM_DIR / "synthetic-x1").exists()
