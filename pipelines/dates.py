"""Calendar arithmetic in one place: user-typed dates, calendar months (clamped at month ends),
month ends, the follow-up cut-offs of results after leaving."""

from __future__ import annotations

import datetime as dt
from typing import Any


def parse_date(text: str) -> dt.date:
    """Parse a user-typed date, DD.MM.YYYY or YYYY-MM-DD. Raises ValueError otherwise."""
    text = text.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (DD.MM.YYYY or YYYY-MM-DD)")


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later (or earlier), clamped at the month end: 31 Aug + 6 → 28/29 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (next_first - dt.timedelta(days=1)).day))


def months_between(start: dt.date, end_exclusive: dt.date) -> float:
    """Length of [start, end_exclusive) in calendar months; partial months pro rata by days.

    >>> months_between(dt.date(2020, 3, 1), dt.date(2020, 9, 1))
    6.0
    """
    if end_exclusive <= start:
        return 0.0
    whole = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    while whole > 0 and add_months(start, whole) > end_exclusive:
        whole -= 1
    anchor, following = add_months(start, whole), add_months(start, whole + 1)
    return whole + (end_exclusive - anchor).days / (following - anchor).days


def last_complete_exit(as_of: dt.date, months: int = 0, days: int = 0) -> dt.date:
    """The last exit date whose follow-up day (exit + months, + days) lies on or before as_of.

    Months are calendar months clamped at month ends (as in metrics.six_months_after):
    for as_of 29 Feb 2020 and 6 months it is 31 Aug 2019 (31 Aug + 6 months = 29 Feb).
    """
    if days:
        return as_of - dt.timedelta(days=days)
    day = add_months(as_of, -months)
    while add_months(day + dt.timedelta(days=1), months) <= as_of:
        day += dt.timedelta(days=1)
    return day


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month end after `start` up to `end`, and `end` itself as the last point."""
    out, year, month = [], start.year, start.month
    while True:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
        if last >= end:
            out.append(end)
            return out
        if last > start:
            out.append(last)
        year, month = nxt.year, nxt.month


def as_date(value: Any) -> dt.date:
    """A date from a date, a datetime or a typed text (DD.MM.YYYY or YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    raise TypeError(f"not a date: {value!r}")
