"""A client's need, expanded from weekly windows and dated exceptions onto a time grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from scheduler.domain.clients import Client
from scheduler.domain.common import WEEKDAYS, parse_clock
from scheduler.domain.timegrid import TimeGrid


@dataclass(frozen=True)
class Demand:
    """Assistants needed per slot, and whether that need is sleeping on-call duty (jour)."""

    count: np.ndarray  # int, per slot
    on_call: np.ndarray  # bool, per slot

    @property
    def person_slots(self) -> int:
        return int(self.count.sum())


def expand_need(client: Client, grid: TimeGrid) -> Demand:
    """The client's need on ``grid``; overlapping windows take the largest count."""
    n = grid.n_slots
    active = np.zeros(n, dtype=np.int16)
    on_call = np.zeros(n, dtype=np.int16)
    # Start a day early: last night's window runs into the first morning.
    for offset in range(-1, grid.days):
        day = grid.start_date + timedelta(days=offset)
        weekday = WEEKDAYS[day.weekday()]
        for window in client.need.weekly:
            if weekday not in window.days:
                continue
            start = window.start_minute
            first = grid.slot_floor(grid.local(day, start))
            last = grid.slot_ceil(grid.local(day, start + window.length_minutes))
            first, last = max(first, 0), min(last, n)
            if first >= last:
                continue
            target = on_call if window.on_call else active
            np.maximum(target[first:last], window.staff, out=target[first:last])
    count = np.maximum(active, on_call)
    is_on_call = on_call > active
    for exc in client.need.exceptions:
        first = max(grid.slot_floor(grid.aware(exc.start)), 0)
        last = min(grid.slot_ceil(grid.aware(exc.end)), n)
        if first < last:
            count[first:last] = exc.staff
            is_on_call[first:last] = exc.on_call
    return Demand(count=count.astype(np.int16), on_call=is_on_call & (count > 0))


def clock_minutes(value: str) -> int:
    return parse_clock(value, allow_24=True)
