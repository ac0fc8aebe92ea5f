"""The horizon's time grid: real (UTC) time cut in equal slots, labelled in local wall-clock time.

Working in elapsed time makes durations right across daylight-saving changes: the spring night
22:00–07:00 is 8 hours, the autumn one 10. Local times are converted only at the edges.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.domain.common import Horizon, parse_clock


@dataclass(frozen=True)
class TimeGrid:
    start_date: date
    days: int
    slot_minutes: int
    zone: ZoneInfo

    @classmethod
    def from_horizon(cls, horizon: Horizon) -> TimeGrid:
        return cls(horizon.start, horizon.days, horizon.slot_minutes, ZoneInfo(horizon.timezone))

    @cached_property
    def origin(self) -> datetime:
        """The horizon's first instant (local midnight of the start date) in UTC."""
        return self.local(self.start_date, 0)

    @cached_property
    def n_slots(self) -> int:
        end = self.local(self.start_date + timedelta(days=self.days), 0)
        return self.minutes_between(self.origin, end) // self.slot_minutes

    @property
    def slots_per_hour(self) -> float:
        return 60 / self.slot_minutes

    def local(self, day: date, minute_of_day: int) -> datetime:
        """Local wall-clock ``day`` + minutes (may exceed 24 h) as an aware UTC datetime."""
        return _local(day, minute_of_day, self.zone)

    def aware(self, value: datetime) -> datetime:
        """A scenario datetime (naive = local wall-clock) as an aware UTC datetime."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value.astimezone(UTC)

    @staticmethod
    def minutes_between(a: datetime, b: datetime) -> int:
        return int((b - a).total_seconds() // 60)

    def slot_floor(self, instant: datetime) -> int:
        """The slot containing ``instant`` (may lie outside 0..n_slots)."""
        return self.minutes_between(self.origin, instant) // self.slot_minutes

    def slot_ceil(self, instant: datetime) -> int:
        return -(-self.minutes_between(self.origin, instant) // self.slot_minutes)

    def instant(self, slot: int) -> datetime:
        """UTC start of ``slot``."""
        return self.origin + timedelta(minutes=slot * self.slot_minutes)

    def local_time(self, slot: int) -> datetime:
        """Local start of ``slot`` with a fixed UTC offset, for output. (With a ZoneInfo
        attached, subtracting two datetimes gives wall-clock, not elapsed, time.)"""
        local = self.instant(slot).astimezone(self.zone)
        return local.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)))

    def local_date(self, slot: int) -> date:
        return self.local_time(slot).date()

    def clock_mask(self, start: str, end: str) -> np.ndarray:
        """Per slot: does its local start time fall in the daily window start–end ("HH:MM";
        an end at or before the start runs past midnight)? E.g. the night 22:00–06:00."""
        a, b = parse_clock(start, allow_24=False), parse_clock(end, allow_24=True)
        mask = np.zeros(self.n_slots, dtype=bool)
        for t in range(self.n_slots):
            local = self.local_time(t)
            minute = local.hour * 60 + local.minute
            mask[t] = (a <= minute < b) if a < b else (minute >= a or minute < b)
        return mask

    def day_starts(self) -> list[int]:
        """Slot index of each local midnight in the horizon (plus the end)."""
        return self._day_starts

    def day_of(self, slot: int) -> int:
        """The horizon's day (from 0, local midnight to midnight) that ``slot`` lies in."""
        return bisect.bisect_right(self._day_starts, slot) - 1

    @cached_property
    def _day_starts(self) -> list[int]:
        return [
            self.slot_floor(self.local(self.start_date + timedelta(days=d), 0))
            for d in range(self.days + 1)
        ]


# Needs, shifts and settlement periods ask for the same few clock times day after day.
@lru_cache(maxsize=1 << 16)
def _local(day: date, minute_of_day: int, zone: ZoneInfo) -> datetime:
    extra_days, minute = divmod(minute_of_day, 1440)
    naive = datetime.combine(day + timedelta(days=extra_days), time(minute // 60, minute % 60))
    return naive.replace(tzinfo=zone).astimezone(UTC)
