"""What was worked before the horizon: every rule runs across consecutive plans, so a plan
starts from the shifts before it (daily rest after yesterday's last shift, this week's rest and
hours, this limiting period's hours) and from the counters a list of shifts cannot show.

A history is written in the scenario (``history:``); ``history_from_schedule`` makes one from
the previous plan's schedule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from scheduler.domain.common import Frozen, Id, LocalDateTime, NonNegativeHours
from scheduler.domain.schedule import Schedule


class WorkedShift(Frozen):
    """A shift worked (or planned and kept) before the horizon. Naive times are local wall-clock
    time in the scenario's zone; end exclusive."""

    start: LocalDateTime
    end: LocalDateTime
    on_call_hours: NonNegativeHours = Field(default=0, description="Of which sleeping jour.")
    unpaid_break_hours: NonNegativeHours = Field(
        default=0, description="Unpaid breaks inside the shift (not work time)."
    )
    client: Id | None = Field(default=None, description="The client served, if any.")
    unit: Id | None = Field(default=None, description="The unit worked in, if known.")

    @model_validator(mode="after")
    def _ordered(self) -> WorkedShift:
        if self.end <= self.start:
            raise ValueError(f"shift ends ({self.end}) before or when it starts ({self.start})")
        hours = (self.end - self.start).total_seconds() / 3600
        if self.on_call_hours + self.unpaid_break_hours > hours + 1e-9:
            raise ValueError(f"jour and unpaid breaks ({self.on_call_hours:g} + "
                             f"{self.unpaid_break_hours:g} h) exceed the shift ({hours:g} h)")
        return self

    @property
    def hours(self) -> float:
        """Elapsed wall-clock hours (a daylight-saving change is not corrected here; the
        rules convert to real time with the scenario's zone)."""
        return (self.end - self.start).total_seconds() / 3600


class WorkedTotal(Frozen):
    """Hours worked in a span before ``History.since`` whose shifts are not listed (a counter
    from the time reports, e.g. the current limiting period's hours so far). They count in the
    hour caps' periods, spread evenly over the span; rest rules need the shifts themselves."""

    start: LocalDateTime
    end: LocalDateTime
    presence_hours: NonNegativeHours = Field(description="Hours at work, jour included.")
    on_call_hours: NonNegativeHours = Field(default=0, description="Of which sleeping jour.")
    unpaid_break_hours: NonNegativeHours = Field(
        default=0, description="Of which unpaid breaks (not work time)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> WorkedTotal:
        if self.end <= self.start:
            raise ValueError(f"span ends ({self.end}) before or when it starts ({self.start})")
        hours = (self.end - self.start).total_seconds() / 3600
        if self.presence_hours > hours + 1e-9:
            raise ValueError(f"presence_hours ({self.presence_hours:g}) exceed the span "
                             f"({hours:g} h)")
        if self.on_call_hours + self.unpaid_break_hours > self.presence_hours + 1e-9:
            raise ValueError("jour and unpaid breaks exceed presence_hours")
        return self


class StaffHistory(Frozen):
    staff: Id
    shifts: list[WorkedShift] = Field(
        default_factory=list,
        description="Shifts before the horizon: at least the 4 weeks before it, or since the "
        "current limiting period began, whichever is longer.",
    )
    totals: list[WorkedTotal] = Field(
        default_factory=list,
        description="Hours before `since` that the shifts do not show (counters from the time "
        "reports), for the hour caps.",
    )


class History(Frozen):
    """Per staff member the shifts before the horizon. Staff not listed worked nothing in the
    history's span (``since`` to the horizon start)."""

    since: LocalDateTime = Field(
        description="The list of shifts is complete from this time on (local wall-clock time)."
    )
    staff: list[StaffHistory] = Field(default_factory=list)

    def shifts_of(self, staff_id: str) -> list[WorkedShift]:
        for entry in self.staff:
            if entry.staff == staff_id:
                return entry.shifts
        return []


def history_from_schedule(schedule: Schedule, *, since: datetime | None = None,
                          earlier: History | None = None) -> History:
    """The shifts of ``schedule`` as the history of the plan that follows it: per staff member
    start and end (as the schedule states them, with their UTC offset), jour, unpaid breaks,
    client and unit. The list is complete from ``since`` (by default the schedule's horizon
    start). ``earlier``: the history the schedule was itself planned on, kept before its shifts
    (the result is then complete from the earlier ``since``)."""
    zone = ZoneInfo(schedule.timezone)
    if since is None:
        since = datetime.combine(date.fromisoformat(schedule.horizon_start), time(0))
    if earlier is not None:
        since = min(since, earlier.since, key=lambda t: _instant(t, zone))
    shifts: dict[str, list[WorkedShift]] = {}
    if earlier is not None:
        for entry in earlier.staff:
            shifts.setdefault(entry.staff, []).extend(entry.shifts)
    for s in schedule.shifts:
        unpaid = sum(
            max(0.0, (min(s.end, b.end).astimezone(UTC)
                      - max(s.start, b.start).astimezone(UTC)).total_seconds() / 3600)
            for b in s.breaks if not b.paid)
        shifts.setdefault(s.staff, []).append(WorkedShift(
            start=s.start, end=s.end, on_call_hours=s.on_call_hours, unpaid_break_hours=unpaid,
            client=s.client, unit=s.unit))
    return History(since=since, staff=[
        StaffHistory(staff=sid, shifts=sorted(worked, key=lambda w: _instant(w.start, zone)))
        for sid, worked in sorted(shifts.items())])


def _instant(moment: datetime, zone: ZoneInfo) -> datetime:
    """In UTC; a naive time is wall-clock time in ``zone`` (the scenario's convention)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)).astimezone(UTC)
