"""Pinned shifts: shifts a coordinator has fixed (a replacement already agreed after a sick
call, a shift someone has promised to work) that every plan keeps exactly: same staff member,
same client or unit, same start and end.

A pin is not a wish: the planners keep it or stop with an error naming it and the rule it
breaks (``scheduler.planning.pins``); they never drop, move or shorten one.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from scheduler.domain.common import Frozen, Horizon, Id, LocalDateTime


class PlannedShift(Frozen):
    """One shift of a plan: staff, a client (personal assistance) or a group unit, start and end
    (local wall-clock time; end exclusive)."""

    staff: Id
    client: Id | None = Field(default=None, description="The client served (or give unit).")
    unit: Id | None = Field(default=None, description="The group unit worked in (or give "
                            "client); co-located units: the first one listed.")
    start: LocalDateTime
    end: LocalDateTime

    @model_validator(mode="after")
    def _shape(self) -> PlannedShift:
        if (self.client is None) == (self.unit is None):
            raise ValueError("give exactly one of client and unit")
        if self.end <= self.start:
            raise ValueError(f"pin ends ({self.end}) before or when it starts ({self.start})")
        return self

    @property
    def where(self) -> str:
        return self.client if self.client is not None else f"unit {self.unit}"

    @property
    def label(self) -> str:
        """For messages: 'A01 at C01 2026-03-02 07:00–15:00'."""
        start, end = self.start.replace(tzinfo=None), self.end.replace(tzinfo=None)
        last = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
        return f"{self.staff} at {self.where} {start:%Y-%m-%d %H:%M}–{last}"


class PinnedShift(PlannedShift):
    """A shift every plan keeps exactly."""

    reason: str = Field(default="", description="Why it is pinned (e.g. 'covers A03 sick').")
    reference: str = Field(default="", description="A reference of the coordinator's own.")


def pin_errors(pins: Sequence[PlannedShift], horizon: Horizon, staff_ids: set[str],
               clients: set[str], group_units: dict[str, bool],
               field: str = "pinned_shifts") -> list[str]:
    """Unknown ids, shifts outside the horizon or off the slot grid, a staff member's shifts
    overlapping (``field`` names the list in messages). ``group_units``: unit id → whether
    shifts may name it (a group unit, the first of co-located ones)."""
    errors: list[str] = []
    zone = ZoneInfo(horizon.timezone)
    first = datetime.combine(horizon.start, time(0), zone)
    last = datetime.combine(horizon.start + timedelta(days=horizon.days), time(0), zone)
    slot = horizon.slot_minutes

    def instant(moment: datetime) -> datetime:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)

    for k, p in enumerate(pins):
        where = f"{field}[{k}] ({p.label})"
        if p.staff not in staff_ids:
            errors.append(f"{where}.staff: unknown staff {p.staff!r}")
        if p.client is not None and p.client not in clients:
            errors.append(f"{where}.client: unknown client {p.client!r}")
        if p.unit is not None:
            if p.unit not in group_units:
                errors.append(f"{where}.unit: unknown unit {p.unit!r}")
            elif not group_units[p.unit]:
                errors.append(f"{where}.unit: {p.unit!r} has no shifts of its own (pin a client "
                              "of a personal-assistance unit, or the first of co-located units)")
        if instant(p.start) < first or instant(p.end) > last:
            errors.append(f"{where}: outside the horizon")
        for label, value in (("start", p.start), ("end", p.end)):
            local = instant(value).astimezone(zone)
            if (local.hour * 60 + local.minute) % slot or local.second or local.microsecond:
                errors.append(f"{where}.{label}: {value:%H:%M} is off the {slot}-minute slot grid")
    by_staff: dict[str, list[tuple[int, PlannedShift]]] = {}
    for k, p in enumerate(pins):
        by_staff.setdefault(p.staff, []).append((k, p))
    for own in by_staff.values():
        own.sort(key=lambda kp: instant(kp[1].start))
        for (i, a), (j, b) in itertools.pairwise(own):
            if instant(b.start) < instant(a.end):
                errors.append(f"{field}[{i}] ({a.label}) and {field}[{j}] "
                              f"({b.label}): the staff member's shifts overlap")
    return errors
