"""Indicator files as the ingestion hands them over, and the figures the tests look for."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines import indicators as ind
from pipelines.store import db

DATA = Path(__file__).resolve().parents[1] / "data" / "indicators"
REFERENCE = Path("/work/shared/reference-data/esif1420_achievements_ESF_YEI_DE.csv")

BREMEN = "2014DE05SFOP016"
NIEDERSACHSEN = "2014DE16M2OP001"
TESTLAND = "2014DE05SFOP099"
A_8I = {"priority": "A", "investment_priority": "8i", "region_category": "More developed"}
B_9I = {"priority": "B", "investment_priority": "9i", "region_category": "Transition"}


def frame(path: Path, sep: str = ",") -> pd.DataFrame:
    """A file as the ingestion hands it over: text columns, '' for empty, `_line` (header = 1)."""
    df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    df["_line"] = range(2, len(df) + 2)
    return df


def loaded(con, path: Path, sep: str = ",", load_id: int = 1):
    df = frame(path, sep)
    kind = ind.detect(list(df.columns))
    rows, errors = ind.normalise(df, kind)
    with db.transaction(con):
        ind.load(con, rows, load_id)
    return rows, errors


def one(rows: list[dict], **match) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]
