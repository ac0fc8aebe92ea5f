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


class PlannedVisit(Frozen):
    """A scattered client's visit within a planned shift (local wall-clock times)."""

    client: Id
    start: LocalDateTime
    end: LocalDateTime
    asked_start: LocalDateTime | None = Field(
        default=None, description="A visit moved within its client's visit window: the start "
        "its need asks for (the schedule's Visit.asked_start).")


class PlannedShift(Frozen):
    """One shift of a plan: staff, a client (personal assistance) or a group unit, start and end
    (local wall-clock time; end exclusive); a scattered clients' shift with its visits (a
    round: the unit and the visits, no client)."""

    staff: Id
    client: Id | None = Field(default=None, description="The client served (or give unit).")
    unit: Id | None = Field(default=None, description="The group unit worked in (or give "
                            "client); co-located units: the first one listed; a round: the "
                            "unit of its clients.")
    start: LocalDateTime
    end: LocalDateTime
    visits: list[PlannedVisit] = Field(
        default_factory=list, description="Scattered clients: the visits served, in order "
        "(the travel between them is derived from the homes).")

    @model_validator(mode="after")
    def _shape(self) -> PlannedShift:
        if (self.client is None) == (self.unit is None):
            raise ValueError("give exactly one of client and unit")
        if self.end <= self.start:
            raise ValueError(f"pin ends ({self.end}) before or when it starts ({self.start})")
        clients = {v.client for v in self.visits}
        if self.client is not None and clients - {self.client}:
            raise ValueError("visits of other clients than the shift's: a round gives its unit "
                             "and its visits, no client")
        if self.client is None and len(clients) == 1:
            raise ValueError("visits of one client: give the client, not the unit")
        # Wall-clock times (an offset given or not), as the schedule writes them.
        previous_end = self.start.replace(tzinfo=None)
        for k, v in enumerate(self.visits):
            start, end = v.start.replace(tzinfo=None), v.end.replace(tzinfo=None)
            if not previous_end <= start < end <= self.end.replace(tzinfo=None):
                raise ValueError(f"visits[{k}] ({v.client} {v.start:%H:%M}–{v.end:%H:%M}): "
                                 "visits lie inside the shift, in order, without overlapping")
            previous_end = end
        return self

    @property
    def is_round(self) -> bool:
        return self.client is None and bool(self.visits)

    @property
    def where(self) -> str:
        if self.is_round:
            return f"round {self.unit}"
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
            elif not group_units[p.unit] and not p.is_round:
                errors.append(f"{where}.unit: {p.unit!r} has no shifts of its own (pin a client "
                              "of a personal-assistance unit, or the first of co-located units)")
        errors += [f"{where}.visits[{i}].client: unknown client {v.client!r}"
                   for i, v in enumerate(p.visits) if v.client not in clients]
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
