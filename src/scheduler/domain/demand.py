"""A client's need, expanded from weekly windows and dated exceptions onto a time grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from scheduler.domain.clients import Client, Service
from scheduler.domain.common import WEEKDAYS, parse_clock
from scheduler.domain.timegrid import TimeGrid


@dataclass(frozen=True)
class Demand:
    """Assistants needed per slot, whether that need is sleeping on-call duty (jour), and which
    service it is (what decision may pay for it)."""

    count: np.ndarray  # int, per slot
    on_call: np.ndarray  # bool, per slot
    # str per slot (a Service value); a slot without need is assistance unless an exception of
    # another service set it to 0. None (a group unit's demand, which no decision pays for):
    # assistance throughout.
    service: np.ndarray | None = None

    @property
    def person_slots(self) -> int:
        return int(self.count.sum())

    def is_service(self, service: Service) -> np.ndarray:
        """Bool per slot: the need there is ``service`` (assistance where no service is set)."""
        if self.service is None:
            return np.full(self.count.shape, service is Service.ASSISTANCE)
        return np.asarray(self.service == service.value, dtype=bool)


def expand_need(client: Client, grid: TimeGrid) -> Demand:
    """The client's need on ``grid``; overlapping windows take the largest count."""
    n = grid.n_slots
    active = np.zeros(n, dtype=np.int16)
    on_call = np.zeros(n, dtype=np.int16)
    # Windows of different services never overlap (Need.service_conflicts).
    service = np.full(n, Service.ASSISTANCE.value, dtype=_SERVICE_DTYPE)
    windows = [(w, w.start_minute, w.start_minute + w.length_minutes) for w in client.need.weekly]
    # Start a day early: last night's window runs into the first morning.
    for offset in range(-1, grid.days):
        day = grid.start_date + timedelta(days=offset)
        weekday = WEEKDAYS[day.weekday()]
        for window, start, end in windows:
            if weekday not in window.days:
                continue
            first = grid.slot_floor(grid.local(day, start))
            last = grid.slot_ceil(grid.local(day, end))
            first, last = max(first, 0), min(last, n)
            if first >= last:
                continue
            target = on_call if window.on_call else active
            np.maximum(target[first:last], window.staff, out=target[first:last])
            service[first:last] = window.service.value
    count = np.maximum(active, on_call)
    is_on_call = on_call > active
    for exc in client.need.exceptions:
        first = max(grid.slot_floor(grid.aware(exc.start)), 0)
        last = min(grid.slot_ceil(grid.aware(exc.end)), n)
        if first < last:
            count[first:last] = exc.staff
            is_on_call[first:last] = exc.on_call
            service[first:last] = exc.service.value
    return Demand(count=count.astype(np.int16), on_call=is_on_call & (count > 0),
                  service=service)


_SERVICE_DTYPE = f"<U{max(len(s.value) for s in Service)}"


def clock_minutes(value: str) -> int:
    return parse_clock(value, allow_24=True)
