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


# Dates typed or stored in office files (ingest): years outside this range are typos (01.01.0001,
# 31.12.9999), two-digit years are 20xx, and an Excel serial day number counts from this epoch (after
# Excel's 1900 leap-year bug). Serial numbers are taken from five digits on (10000 = 18.05.1927), so
# that a year typed into a date column ('2020') is never read as a day in 1905.
YEAR_MIN, YEAR_MAX = 1900, 2100
TWO_DIGIT_CENTURY = 2000
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 10_000, (dt.date(YEAR_MAX, 12, 31) - EXCEL_EPOCH).days


def excel_serial_date(text: str | None) -> dt.date | None:
    """An Excel serial day number as a date ('44075' -> 2020-09-01), or None.

    >>> excel_serial_date("44075")
    datetime.date(2020, 9, 1)
    """
    if text is None or not text.isdigit():
        return None
    number = int(text)
    if not EXCEL_SERIAL_MIN <= number <= EXCEL_SERIAL_MAX:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=number)


def two_digit_year(year: int) -> int:
    """A two-digit year as typed in an office file: 21 -> 2021 (always 20xx)."""
    return TWO_DIGIT_CENTURY + year if 0 <= year < 100 else year


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
