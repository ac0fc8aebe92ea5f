"""Real-time sampling of the horizon, independent of the engine's time grid.

Every question about "what holds at this instant" is answered by taking instants at a fixed
real-time step from a start instant, converting each one to local wall-clock time with
``zoneinfo`` and testing membership there. Daylight-saving changes then need no special case:
the missing spring hour is never sampled and the repeated autumn hour is sampled twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from scheduler.domain.common import WEEKDAYS, Weekday, parse_clock

_DAY_INDEX = {name: i for i, name in enumerate(WEEKDAYS)}


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) at which ``day`` begins in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def to_utc(moment: datetime, tz: ZoneInfo) -> datetime:
    """Naive datetimes are wall-clock time in ``tz``; aware ones keep their own offset.

    Converting to UTC first matters: Python subtracts two datetimes that share a tzinfo
    object by wall-clock time, which would lose or gain an hour across a DST change.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def hours_between(start: datetime, end: datetime) -> float:
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600


def clock(text: str) -> int:
    """'HH:MM' → minutes after midnight ('24:00' → 1440)."""
    return parse_clock(text, allow_24=True)


@dataclass(frozen=True)
class Grid:
    """Instants ``start + k·step`` (k < n), each standing for the interval up to the next one."""

    start: datetime  # UTC
    step: int  # minutes
    n: int
    weekday: np.ndarray  # local weekday of each sample, Monday = 0
    minute: np.ndarray  # local minute of the day
    ordinal: np.ndarray  # local date as date.toordinal()

    @classmethod
    def build(cls, start: datetime, end: datetime, step: int, tz: ZoneInfo) -> Grid:
        start = start.astimezone(UTC)
        seconds = (end.astimezone(UTC) - start).total_seconds()
        n = max(0, -(-int(seconds) // (step * 60)))  # ceil: a partial last step is sampled too
        return _labelled(start, step, n, tz.key)

    def at(self, moment: datetime) -> int:
        """Index of the first sample at or after ``moment`` (clipped to 0..n)."""
        seconds = (moment.astimezone(UTC) - self.start).total_seconds()
        index = -(-int(np.floor(seconds)) // (self.step * 60))
        return min(max(index, 0), self.n)

    def span(self, start: datetime, end: datetime) -> slice:
        """The samples whose instant lies in [start, end)."""
        return slice(self.at(start), max(self.at(start), self.at(end)))

    def instant(self, index: int) -> datetime:
        return self.start + timedelta(minutes=self.step * index)

    @property
    def hours_per_sample(self) -> float:
        return self.step / 60


@lru_cache(maxsize=4096)
def _labelled(start: datetime, step: int, n: int, zone: str) -> Grid:
    """The samples' local weekday, minute and date, converted in one vectorised step (pandas
    reads the zone's transitions); grids repeat (the same settlement-period tail for many
    decisions), so they are kept. Their arrays are never written to."""
    local = pd.date_range(start=start, periods=n, freq=pd.Timedelta(minutes=step)
                          ).tz_convert(zone)
    days = (local.tz_localize(None).normalize() - pd.Timestamp("1970-01-01")).days
    grid = Grid(
        start=start,
        step=step,
        n=n,
        weekday=np.asarray(local.day_of_week, dtype=np.int8),
        minute=np.asarray(local.hour * 60 + local.minute, dtype=np.int16),
        ordinal=np.asarray(days + _EPOCH_ORDINAL, dtype=np.int32),
    )
    for array in (grid.weekday, grid.minute, grid.ordinal):
        array.setflags(write=False)
    return grid


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def weekly_mask(grid: Grid, days: Iterable[Weekday], start: str, end: str) -> np.ndarray:
    """Samples inside a weekly window. The window belongs to the weekday it starts on; an end
    at or before the start means it runs past midnight into the next day."""
    on = np.zeros(7, dtype=bool)
    for name in days:
        on[_DAY_INDEX[name]] = True
    first, last = parse_clock(start, allow_24=False), clock(end)
    today = on[grid.weekday]
    if last > first:
        return today & (grid.minute >= first) & (grid.minute < last)
    yesterday = on[(grid.weekday.astype(np.int16) - 1) % 7]
    return (today & (grid.minute >= first)) | (yesterday & (grid.minute < last))


def daily_mask(grid: Grid, start: str, end: str) -> np.ndarray:
    """Samples inside a window that repeats every day (e.g. the night 22:00–06:00)."""
    return weekly_mask(grid, WEEKDAYS, start, end)


def runs(mask: np.ndarray, *keys: np.ndarray) -> list[tuple[int, int]]:
    """Maximal [i, j) stretches where ``mask`` holds and every array in ``keys`` is constant."""
    out: list[tuple[int, int]] = []
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    start = prev = int(idx[0])
    for i in map(int, idx[1:]):
        if i != prev + 1 or any(k[i] != k[prev] for k in keys):
            out.append((start, prev + 1))
            start = i
        prev = i
    out.append((start, prev + 1))
    return out


def fmt_instant(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def fmt_interval(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    tail = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%Y-%m-%d %H:%M")
    return f"{a:%Y-%m-%d %H:%M}–{tail}"
