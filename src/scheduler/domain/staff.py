"""Staff: contract, employment form, competences, units, availability and absences."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from scheduler.domain.common import (
    WEEKDAYS,
    Clock,
    ClockWindow,
    Frozen,
    Id,
    NonNegativeHours,
    TimePeriod,
    Weekday,
)


class EmploymentForm(StrEnum):
    MONTHLY = "monthly"  # månadsavlönad
    HOURLY = "hourly"  # timavlönad
    PAN = "pan"  # PAN agreement (often family caregivers)


class AvailabilityWindow(ClockWindow):
    """A weekly window in which a staff member can be scheduled."""

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: Clock = "00:00"
    end: Clock = "24:00"


class Staff(Frozen):
    id: Id
    home_unit: Id
    contract_hours_per_week: NonNegativeHours = Field(
        description="Contracted hours per week (employment degree × full time); 0 for hourly."
    )
    employment: EmploymentForm = EmploymentForm.MONTHLY
    competences: list[str] = Field(default_factory=list)
    also_units: list[Id] = Field(default_factory=list, description="Other units they may work in.")
    availability: list[AvailabilityWindow] | None = Field(
        default=None, description="Weekly windows they can work in; none given means any time."
    )
    absences: list[TimePeriod] = Field(
        default_factory=list,
        description="Vacation, sick leave, leave: no work, and the contract target is reduced "
        "(scheduler.domain.contract).",
    )
    works_weekdays_only: bool = Field(
        default=False,
        description="The contract is worked Monday–Friday: an absent weekday replaces the "
        "weekly contract ÷ 5 (otherwise every absent day ÷ 7). Needs availability windows on "
        "Monday–Friday only.",
    )
    overtime_hours_this_year: NonNegativeHours = Field(
        default=0, description="Overtime of the limiting periods this calendar year that ended "
        "before the horizon (towards the 200 h cap); periods touching the horizon are counted "
        "from the history.",
    )
    # The overstaffing team (övertalighetsteamet): to be placed in vacancies (``scheduler place``).
    overstaffing_team: bool = Field(
        default=False, description="Member of the overstaffing team, to be placed in a vacancy."
    )
    preferred_units: list[Id] = Field(
        default_factory=list, description="Units they would like to work in, first choice first."
    )
    home_area: str | None = Field(
        default=None, description="Where they live (matched to a vacancy's area)."
    )
    # Cost comparisons (scheduler.results.costing): the wage is own → role → employment form.
    hourly_wage: float | None = Field(
        default=None, gt=0, le=10_000, description="Own hourly wage (kr/h); overrides the role's."
    )
    role: str | None = Field(default=None, description="Wage group in cost.wages.roles.")
    family_caregiver: bool = Field(
        default=False, description="PAN family caregiver (anhörigvårdare): no OB, no jour pay."
    )

    def weekdays_only_errors(self) -> list[str]:
        """Why ``works_weekdays_only`` contradicts the availability (empty if it does not)."""
        if not self.works_weekdays_only:
            return []
        if self.availability is None:
            return ["needs availability windows on Monday–Friday only"]
        errors = []
        for window in self.availability:
            weekend = [d for d in window.days if d in ("sat", "sun")]
            if weekend:
                errors.append(f"availability {window.start}–{window.end} includes "
                              f"{', '.join(weekend)}")
            elif "fri" in window.days and window.start_minute + window.length_minutes > 1440:
                errors.append(f"availability {window.start}–{window.end} on fri runs into "
                              "Saturday")
        return errors
