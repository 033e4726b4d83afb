"""Dates: one coercion and one ISO check for the whole package.

>>> as_date("2007-03-16"), as_date(""), as_date(None)
(datetime.date(2007, 3, 16), None, None)
>>> is_iso_date("2007-03-16"), is_iso_date("2007-3-16"), is_iso_date("16/03/2007")
(True, False, False)
"""

from __future__ import annotations

import datetime as dt

import pandas as pd


def is_iso_date(text: object) -> bool:
    """True for a calendar date written exactly ``YYYY-MM-DD``."""
    if not isinstance(text, str) or len(text) != 10:
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def as_date(value: object) -> dt.date | None:
    """A ``date`` from a date, datetime, Timestamp or ISO text; None for empty or missing.

    Raises ``ValueError`` for text that is not an ISO date.
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, str):
        if not value:
            return None
        if not is_iso_date(value):
            raise ValueError(f"not a date in the form YYYY-MM-DD: {value!r}")
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if pd.isna(value):
        return None
    return pd.Timestamp(value).date()
