"""Clients: their decisions (granted hours per settlement period) and their need."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from scheduler.domain.common import (
    WEEKDAYS,
    ClockWindow,
    DatePeriod,
    Frozen,
    Id,
    NonNegativeHours,
    TimePeriod,
    Weekday,
)


class DecisionKind(StrEnum):
    SFB_ASSISTANCE = "sfb_assistance"  # assistansersättning, paid by Försäkringskassan
    LSS_ASSISTANCE = "lss_assistance"  # LSS 9 § 2, paid by the municipality
    ULTIMATE_RESPONSIBILITY = "ultimate_responsibility"  # basansvar, invoiced to a provider
    SHORT_TERM_STAY = "short_term_stay"
    OTHER = "other"


class ReserveRule(StrEnum):
    PRO_RATA_NEED = "pro_rata_need"  # reserve for later weeks in proportion to their need
    PRO_RATA_TIME = "pro_rata_time"  # reserve in proportion to calendar time
    NONE = "none"  # everything left in the period may be used in the horizon


class ApprovedException(Frozen):
    """More time than granted, approved by the head of department (work-environment reasons)."""

    reference: str = Field(min_length=1, description="The approval's reference (diarienummer).")
    extra_hours: NonNegativeHours = Field(description="Hours allowed beyond the granted total.")
    approved_by: str = ""


class Decision(Frozen):
    id: Id
    kind: DecisionKind = DecisionKind.SFB_ASSISTANCE
    granted_hours_per_week: NonNegativeHours
    settlement_period: DatePeriod
    hours_performed: NonNegativeHours = Field(
        default=0, description="Hours already performed in the period before the horizon starts."
    )
    reserve: ReserveRule = ReserveRule.PRO_RATA_NEED
    exception: ApprovedException | None = None

    @property
    def granted_total_hours(self) -> float:
        return self.granted_hours_per_week * self.settlement_period.days / 7


class NeedWindow(ClockWindow):
    """A weekly recurring window of need. Where windows overlap, the largest count applies."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: str = Field(description="HH:MM local time.")
    end: str = Field(description="HH:MM; at or before start means the window ends the next day.")
    staff: int = Field(default=1, ge=1, le=10, description="Assistants needed at once.")
    on_call: bool = Field(
        default=False, description="Sleeping on-call duty (jour): counts partly as work time."
    )


class NeedException(TimePeriod):
    """A dated change of need: ``staff`` at once during the period (0: no need, e.g. hospital)."""

    staff: int = Field(default=0, ge=0, le=10)
    on_call: bool = False


class Need(Frozen):
    weekly: list[NeedWindow] = Field(default_factory=list)
    exceptions: list[NeedException] = Field(default_factory=list)


class Client(Frozen):
    id: Id
    unit: Id
    decisions: list[Decision] = Field(min_length=1)
    need: Need
    approved_staff: list[Id] = Field(
        default_factory=list, description="Assistants the client has accepted."
    )
    required_competences: list[str] = Field(default_factory=list)
