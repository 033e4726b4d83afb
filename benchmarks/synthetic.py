"""SYNTHETIC data generator: the shipped tables scaled 1x..1000x, or with 1,000,000 observations.

Everything this writes is synthetic and labelled so: every folder it makes is
named ``synthetic-...``, each holds ``SYNTHETIC-DATA-README.txt``, and every
row's ``note`` (``description``/``basis`` where a table has no note) starts
with ``SYNTHETIC``. The CSV files themselves keep the names the loader expects
(``actions.csv``...). It refuses to write anywhere under the project's
``data/`` folder, so it can never mix with the program's data.

The data is valid under ``python -m analysis validate --no-sources``: copy
``j`` of the shipped tables gets ``-S<j>`` appended to every id (and to every
reference, so copies are self-contained), period phrases are drawn from a
catalogue of every form the parser knows (English, Spanish, French,
Portuguese) with ``start``/``end``/``precision``/``recurring`` as the parser
gives them, a tenth of descriptions are long texts, observations spread over
35 member states and a series of elections, with ``value_as_written`` written
as the value (English or Spanish separators).

Usage::

    python benchmarks/synthetic.py --scale 100                 # benchmarks/results/synthetic-x100/
    python benchmarks/synthetic.py --scale 671 --observations 1000000   # ~100,000 actions + milestones
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.dataset.crossrefs import NOT_FREE_TEXT, ROW_ID
from analysis.dataset.periods import PeriodError, parse_period
from analysis.dataset.raw import read_raw
from analysis.dataset.schema import TABLE_ORDER, TABLES
from analysis.dataset.version import data_version

OUT = config.BENCHMARKS_DIR / "results"
LABEL = "SYNTHETIC"
MEMBER_STATES = (
    "ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV USA GRD GTM GUY HTI HND JAM MEX NIC PAN PRY PER "
    "KNA LCA VCT SUR TTO URY VEN"
).split()
# (phrase, year_context): every form the period parser knows, in each language it reads.
PHRASES = [
    ("2007", ""), ("In 2005", ""), ("during 2006", ""), ("March 2007", ""), ("March 3, 2007", ""),
    ("3 March 2007", ""), ("July 4-7, 2006", ""), ("March or April 2007", ""), ("February and March 2007", ""),
    ("July-October 2006", ""), ("March 3 - April 5, 2007", ""), ("first quarter 2007", ""),
    ("second semester of 2007", ""), ("first half of 2007", ""), ("Q3 2007", ""), ("spring 2007", ""),
    ("late spring 2007", ""), ("early autumn 2007", ""), ("end-2006", ""), ("Since 2005", ""),
    ("from March 2007", ""), ("by June 2007", ""), ("between March and June 2007", ""),
    ("from March to June 2007", ""), ("each year", "2007"), ("first semester of subsequent years", "2007"),
    ("toward the end of November, 2006", ""), ("2006-2008", ""), ("April 17-19", "2006"), ("October (first round) and November (second round) 2006", ""),
    ("marzo de 2007", ""), ("marzo o abril de 2007", ""), ("primer semestre de 2007", ""),
    ("segundo trimestre de 2007", ""), ("primavera de 2007", ""), ("finales de 2007", ""), ("desde 2005", ""),
    ("hasta junio de 2007", ""), ("cada año", "2007"), ("del 3 al 5 de marzo de 2007", ""),
    ("entre marzo y junio de 2007", ""),
    ("deuxième trimestre 2007", ""), ("mars ou avril 2007", ""), ("premier semestre 2007", ""),
    ("printemps 2007", ""), ("depuis 2005", ""), ("chaque année", "2007"),
    ("segundo trimestre de 2007", ""), ("março ou abril de 2007", ""), ("primeiro semestre de 2007", ""),
    ("primavera de 2008", ""), ("desde 2006", ""), ("cada ano", "2007"),
]  # fmt: skip
LONG = (
    " The activity was carried out together with national authorities, consular networks and civil society "
    "organizations, and its results were shared with the member states through the permanent missions."
) * 12


def catalogue() -> pd.DataFrame:
    """The phrases the parser reads, with the columns the parser gives them."""
    out = []
    for phrase, year in PHRASES:
        try:
            p = parse_period(phrase, default_year=int(year) if year else None)
        except PeriodError:
            continue  # a language this version of the parser does not read yet
        out.append(
            {
                "period_text": phrase,
                "year_context": year,
                "start": p.start.isoformat() if p.start else "",
                "end": p.end.isoformat() if p.end else "",
                "precision": p.precision,
                "recurring": "true" if p.recurring else "false",
            }
        )
    return pd.DataFrame(out).drop_duplicates("period_text")


def _suffix(s: pd.Series, copy: np.ndarray, sep: str = ";") -> pd.Series:
    """``id`` -> ``id-S<copy>``, for each id of a ``;``-separated list; empty stays empty."""
    tag = pd.Series(copy).astype(str).radd("-S").to_numpy()
    if not s.str.contains(sep, regex=False).any():
        return s.where(s == "", s + tag)
    parts = s.str.split(sep).explode()
    tags = pd.Series(tag, index=s.index).reindex(parts.index)
    parts = parts.where(parts.str.strip() == "", parts.str.strip() + tags)
    return parts.groupby(level=0).agg(sep.join).reindex(s.index)


def _replicate(frame: pd.DataFrame, name: str, scale: int, rows: int | None = None) -> pd.DataFrame:
    """``rows`` rows (default ``scale`` copies) cycling through ``frame``, ids made unique per copy."""
    n = len(frame)
    rows = rows if rows is not None else n * scale
    pos = np.arange(rows)
    copy = (pos // n) % scale
    out = frame.iloc[pos % n].reset_index(drop=True).astype(str)
    extra = pos // (n * scale)  # beyond `scale` copies (observations only): a further tag on the key
    table = TABLES[name]
    for col in table.columns:
        if (name, col.name) in (("indicators", "indicator_id"), ("observations", "indicator_id")):
            out[col.name] = _indicator(out[col.name], copy)
        elif col.type in ("id", "ids") or col.references:
            out[col.name] = _suffix(out[col.name], copy)
    if name == "indicators":
        words = out["formula"].str.replace(r"\b([A-Za-z_][A-Za-z0-9_]*)\b", r"\1@", regex=True)
        out["formula"] = _indicator(words, copy, marker="@")
    if extra.any():
        key = out[table.key]
        out[table.key] = key + pd.Series(extra).astype(str).radd("-R").where(extra > 0, "")
    for col in table.columns:  # row ids named in notes refer to the shipped rows, not to this copy's
        if col.type == "text" and col.name not in NOT_FREE_TEXT:
            out[col.name] = out[col.name].str.replace(ROW_ID, "another row", regex=True)
    if name == "action_mandates":
        out["link_id"] = out["action_id"] + ":" + out["mandate_id"]
    if name == "data_quality":
        out["rows"] = _suffix_refs(out["rows"], copy)
    return out


def _indicator(s: pd.Series, copy: np.ndarray, marker: str = "") -> pd.Series:
    """Indicator ids of copy ``j`` get ``_s<j>`` (copy 0 keeps the real ids): formulas can name them."""
    tag = pd.Series(copy).astype(str).radd("_s").where(copy > 0, "").to_numpy()
    if not marker:
        return s + tag
    return pd.Series([f.replace(marker, t) for f, t in zip(s, tag, strict=True)], index=s.index)


def _suffix_refs(rows: pd.Series, copy: np.ndarray) -> pd.Series:
    parts = rows.str.split(";").explode()
    tags = pd.Series(copy).astype(str).radd("-S").reindex(parts.index)
    parts = parts.where(parts.str.strip() == "", parts.str.strip() + tags)
    return parts.groupby(level=0).agg(";".join).reindex(rows.index).fillna("")


def _label(frame: pd.DataFrame, name: str) -> None:
    col = "note" if "note" in frame.columns else ("basis" if "basis" in frame.columns else "description")
    frame[col] = (LABEL + " row, not program data. " + frame[col]).str.strip()


def _periods(frame: pd.DataFrame, phrases: pd.DataFrame, rng: np.random.Generator) -> None:
    """Give half the rows a phrase from the catalogue, with the parser's columns."""
    pick = np.flatnonzero(rng.random(len(frame)) < 0.5)
    chosen = phrases.iloc[rng.integers(0, len(phrases), len(pick))].reset_index(drop=True)
    for col in ("period_text", "year_context", "start", "end", "precision", "recurring"):
        if col in frame.columns:
            frame.loc[pick, col] = chosen[col].to_numpy()


def _observations(obs: pd.DataFrame, rng: np.random.Generator) -> None:
    """Spread figures over member states and elections; value_as_written says the value."""
    n = len(obs)
    counted = ~obs["indicator_id"].str.startswith(("absentee_", "program_", "rapporteurship_", "iin_csec"))
    pick = np.flatnonzero(counted.to_numpy())
    values = rng.integers(0, 250_000, len(pick))
    obs.loc[pick, "value"] = values.astype(str)
    spanish = rng.random(len(pick)) < 0.3
    en = pd.Series(values).map("{:,}".format)
    obs.loc[pick, "value_as_written"] = np.where(spanish, en.str.replace(",", ".").to_numpy(), en.to_numpy())
    obs.loc[pick, "country"] = np.array(MEMBER_STATES)[rng.integers(0, len(MEMBER_STATES), len(pick))]
    year = 2000 + np.arange(n) % 25
    obs["election"] = np.where(obs["election"] == "", "", obs["election"] + " " + pd.Series(year).astype(str))


def _fingerprint() -> str:
    """This generator's code and the schema's columns: a folder made by other ones is made again."""
    columns = ";".join(f"{t.name}:{','.join(t.column_names)}" for t in TABLES.values())
    return hashlib.sha256(Path(__file__).read_bytes() + columns.encode()).hexdigest()[:12]


def generate(
    out: Path,
    scale: int,
    observations: int | None = None,
    seed: int = 7,
    reuse: bool = False,
    distinct_notes: bool = False,
) -> Path:
    """Write the synthetic tables into ``out`` (a new ``synthetic-...`` folder); return it.

    ``distinct_notes``: every row's note says its row number, so no two notes are alike (the case where
    holding repeated texts once saves nothing).
    """
    out = Path(out).resolve()
    if out.is_relative_to(config.DATA_DIR.resolve()):
        raise SystemExit(f"refusing to write synthetic data under {config.DATA_DIR}: choose another folder")
    if "synthetic" not in out.name.lower():
        raise SystemExit(f"the folder name must say it is synthetic (e.g. synthetic-x{scale}), got {out.name!r}")
    note = (
        f"SYNTHETIC data made by benchmarks/synthetic.py (scale {scale}, observations {observations or 'scaled'}, "
        f"seed {seed}{', a different note on every row' if distinct_notes else ''}). "
        "Not program data: never copy it into data/program/.\n"
        f"Made from shipped data {data_version(config.PROGRAM_DIR)} by generator {_fingerprint()}.\n"
    )
    readme = out / "SYNTHETIC-DATA-README.txt"
    if reuse and readme.is_file() and readme.read_text(encoding="utf-8") == note:
        return out  # made before with the same parameters
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    base = {name: t.frame for name, t in read_raw(config.PROGRAM_DIR).items()}
    phrases = catalogue()
    for name in TABLE_ORDER:
        rows = observations if name == "observations" and observations else None
        frame = _replicate(base[name], name, scale, rows)
        if name in ("actions", "milestones"):
            _periods(frame, phrases, rng)
            longer = rng.random(len(frame)) < 0.1
            frame.loc[longer, "description"] = frame.loc[longer, "description"] + LONG
        if name == "observations":
            _observations(frame, rng)
        _label(frame, name)
        if distinct_notes and "note" in frame.columns:
            frame["note"] = frame["note"] + " (row " + pd.Series(np.arange(1, len(frame) + 1)).astype(str) + ")"
        frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    readme.write_text(note, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=1, help="copies of the shipped tables (1..1000)")
    ap.add_argument("--observations", type=int, help="number of observations (default: scale x shipped)")
    ap.add_argument("--out", type=Path, help="folder to write (default benchmarks/results/synthetic-x<scale>)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--distinct-notes", action="store_true", help="a different note on every row")
    args = ap.parse_args(argv)
    name = f"synthetic-x{args.scale}" + (f"-obs{args.observations}" if args.observations else "")
    name += "-distinct-notes" if args.distinct_notes else ""
    out = generate(args.out or OUT / name, args.scale, args.observations, args.seed, distinct_notes=args.distinct_notes)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
