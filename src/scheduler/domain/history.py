"""What was worked before the horizon: every rule runs across consecutive plans, so a plan
starts from the shifts before it (daily rest after yesterday's last shift, this week's rest and
hours, this limiting period's hours) and from the counters a list of shifts cannot show.

A history is either written in the scenario (``history:``) or read from a previous schedule of
ours (``scheduler solve SCENARIO --history PREVIOUS.json``).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from scheduler.domain.common import Frozen, Id, LocalDateTime, NonNegativeHours


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


class StaffHistory(Frozen):
    staff: Id
    shifts: list[WorkedShift] = Field(
        default_factory=list,
        description="Shifts before the horizon: at least the 4 weeks before it, or since the "
        "current limiting period began, whichever is longer.",
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
