"""Opening hours of group units on the calendar: school days, Swedish public holidays, school
holidays. Works in local wall-clock time (naive datetimes), like the scenario's own datetimes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from scheduler.domain.common import WEEKDAYS, DatePeriod
from scheduler.domain.units import OpeningWindow

Span = tuple[datetime, datetime]


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Swedish public holidays (the ``holidays`` package, public category: no Sundays)."""
    import holidays  # imported late: only scenarios with after-school hours need it

    return frozenset(holidays.country_holidays("SE", years=year, categories=("public",)))


def is_school_day(day: date, school_holidays: Sequence[DatePeriod]) -> bool:
    """Monday–Friday, not a public holiday and not in a school-holiday period."""
    if day.weekday() >= 5 or day in public_holidays(day.year):
        return False
    return not any(p.start <= day <= p.end for p in school_holidays)


def _applies(window: OpeningWindow, day: date, school_holidays: Sequence[DatePeriod]) -> bool:
    if WEEKDAYS[day.weekday()] not in window.days:
        return False
    if window.applies == "always":
        return True
    return is_school_day(day, school_holidays) == (window.applies == "school_days")


def open_spans(windows: Sequence[OpeningWindow], school_holidays: Sequence[DatePeriod],
               first_day: date, last_day: date) -> list[Span]:
    """Merged local open intervals of windows starting on first_day − 1 … last_day (a window
    from the day before may run past midnight). No windows: open around the clock."""
    if not windows:
        return [(datetime.combine(first_day - timedelta(days=1), time(0)),
                 datetime.combine(last_day + timedelta(days=2), time(0)))]
    spans: list[Span] = []
    day = first_day - timedelta(days=1)
    while day <= last_day:
        midnight = datetime.combine(day, time(0))
        for w in windows:
            if _applies(w, day, school_holidays):
                start = midnight + timedelta(minutes=w.start_minute)
                spans.append((start, start + timedelta(minutes=w.length_minutes)))
        day += timedelta(days=1)
    spans.sort()
    merged: list[Span] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def closed_parts(windows: Sequence[OpeningWindow], school_holidays: Sequence[DatePeriod],
                 start: datetime, end: datetime) -> list[Span]:
    """The parts of [start, end) (naive local) in which the unit is closed."""
    if not windows:
        return []
    start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    out: list[Span] = []
    cursor = start
    for a, b in open_spans(windows, school_holidays, start.date(), end.date()):
        if b <= cursor:
            continue
        if a >= end:
            break
        if a > cursor:
            out.append((cursor, a))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        out.append((cursor, end))
    return out
