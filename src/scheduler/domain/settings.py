"""Scenario-wide settings: working-time rules, shift generation, weights, solver."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from scheduler.domain.common import WEEKDAYS, CalendarDate, Clock, Frozen, Id, Weekday, parse_clock


class LongShiftException(Frozen):
    """Shifts longer than ``rules.max_shift_hours`` (13 h of work + jour), approved for named
    staff and clients: up to 20 h as an exception, up to 24 h only by a recorded decision. The
    rest after such a shift is at least as long as the shift (``long_shift_hours``)."""

    id: Id = Field(description="The exception's reference (e.g. its diary number).")
    approved_by: str = Field(min_length=1, max_length=200, description="Who approved it.")
    max_hours: float = Field(gt=0, le=24, description="The longest shift it allows (work + jour).")
    staff: list[Id] = Field(min_length=1, description="The staff members it applies to.")
    clients: list[Id] = Field(min_length=1, description="The clients whose shifts it covers.")
    decision_reference: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="The recorded decision that allows more than 20 h (personal assistance).",
    )

    @model_validator(mode="after")
    def _recorded_beyond_20(self) -> LongShiftException:
        if self.max_hours > 20 and self.decision_reference is None:
            raise ValueError(f"max_hours: {self.max_hours:g} h is more than 20 h; shifts up to "
                             "24 h need decision_reference (a recorded decision)")
        return self

    def covers(self, staff_id: str, client_id: str | None, hours: float) -> bool:
        return (client_id is not None and staff_id in self.staff
                and client_id in self.clients and hours <= self.max_hours + 1e-9)


class WorkingTimeRules(Frozen):
    """AB with Bilaga J, PAN and Arbetstidslagen; defaults as in docs/domain.md."""

    min_shift_hours: float = Field(default=3, gt=0, le=24, description="Shortest shift.")
    max_shift_hours: float = Field(
        default=13, gt=0, le=24, description="Longest shift, work + jour."
    )
    long_shift_hours: float = Field(
        default=13, gt=0, le=24,
        description="Shifts longer than this are followed by rest at least as long as the shift.",
    )
    daily_rest_hours: float = Field(
        default=11, ge=0, le=24, description="Continuous rest after every shift (dygnsvila)."
    )
    weekly_rest_hours: float = Field(
        default=36, ge=0, le=72,
        description="Continuous rest in every calendar week from week_start_day 00:00 "
        "(veckovila), the plan's first and last partial weeks too.",
    )
    weekly_rest_excludes_daily_rest: bool = Field(
        default=False,
        description="The weekly rest may not overlap a shift's daily rest (36 + 11 = 47 h). "
        "Off by default: SKR and Kommunal read the 36 h as allowed to include the daily rest.",
    )
    full_time_hours_per_week: float = Field(
        default=40, gt=0, le=60,
        description="Full time per week; work beyond it in a limiting period is overtime.",
    )
    limiting_period_weeks: int = Field(
        default=4, ge=1, le=16,
        description="Limiting period (begränsningsperiod): the hour caps hold over periods of "
        "this length counted from period_start; the contract balance (unused and additional "
        "hours, overtime) is penalised over blocks of this length from the horizon's start.",
    )
    max_average_hours_per_week: float = Field(
        default=48, gt=0, le=80, description="Work incl. overtime and jour, on average."
    )
    max_overtime_hours_per_4_weeks: float = Field(
        default=48, ge=0, le=200,
        description="Overtime cap in every 4-week window from period_start.",
    )
    max_overtime_hours_per_year: float = Field(
        default=200, ge=0, le=2000,
        description="Overtime cap per calendar year (less the staff member's "
        "overtime_hours_this_year).",
    )
    max_on_call_hours_per_4_weeks: float = Field(
        default=48, ge=0, le=672, description="Jour cap in every 4-week window from period_start."
    )
    on_call_work_fraction: float = Field(
        default=0.5, ge=0, le=1, description="Share of jour counted as work time (Bilaga J)."
    )
    night_start: Clock = Field(
        default="22:00", description="Start of night (HH:MM local): night shifts and KPIs."
    )
    night_end: Clock = Field(default="06:00", description="End of night (HH:MM local).")
    night_shift_min_hours: float = Field(
        default=3, gt=0, le=24,
        description="A shift with at least this much night time is a night shift.",
    )
    week_start_day: Weekday = Field(
        default="mon",
        description="Weekly rest and weekly hours are counted per week from this day 00:00.",
    )
    period_start: CalendarDate = Field(
        default=date(2024, 1, 1),
        description="Limiting periods and the 4-week windows of the caps are counted from this "
        "date on (so consecutive plans share them); it must fall on week_start_day.",
    )
    long_shift_exceptions: list[LongShiftException] = Field(
        default_factory=list,
        description="Shifts longer than max_shift_hours for named staff and clients, each "
        "with who approved it.",
    )
    agreement_reference: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="The collective-agreement deviation (or recorded decision) that allows a "
        "setting weaker than the legal default; required for any such setting.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> WorkingTimeRules:
        if self.min_shift_hours > self.max_shift_hours:
            raise ValueError("min_shift_hours is larger than max_shift_hours")
        parse_clock(self.night_start, allow_24=False)
        parse_clock(self.night_end, allow_24=True)
        if WEEKDAYS[self.period_start.weekday()] != self.week_start_day:
            raise ValueError(f"period_start: {self.period_start} is not a {self.week_start_day} "
                             "(week_start_day)")
        weaker = self.weaker_than_law()
        if weaker and self.agreement_reference is None:
            raise ValueError(
                "; ".join(weaker) + ": a setting weaker than the legal default needs "
                "rules.agreement_reference (the collective-agreement deviation it rests on)"
            )
        return self

    def longest_shift_hours(self, client_id: str | None = None) -> float:
        """The longest shift allowed for ``client_id`` (any client: None) by the rules and the
        exceptions."""
        return max([self.max_shift_hours, *(
            e.max_hours for e in self.long_shift_exceptions
            if client_id is None or client_id in e.clients)])

    def allows_shift(self, staff_id: str, client_id: str | None, hours: float) -> bool:
        """A shift of ``hours`` (work + jour) is within max_shift_hours or an exception."""
        return hours <= self.max_shift_hours + 1e-9 or any(
            e.covers(staff_id, client_id, hours) for e in self.long_shift_exceptions)

    def weaker_than_law(self) -> list[str]:
        """The settings that give staff less protection than the legal defaults (DOMAIN:
        Arbetstidslagen, AB with Bilaga J), each naming the field and the limit."""
        out = []
        for name, legal, lower_is_weaker in _LEGAL_LIMITS:
            value = getattr(self, name)
            if value < legal if lower_is_weaker else value > legal:
                side = "below" if lower_is_weaker else "above"
                out.append(f"{name}: {value:g} is {side} the legal {legal:g}")
        return out


# (field, legal value, True if a lower value protects staff less). Shifts of 13–20 h are an
# exception for named staff and clients, and up to 24 h a recorded decision: either way cited.
_LEGAL_LIMITS: tuple[tuple[str, float, bool], ...] = (
    ("daily_rest_hours", 11, True),
    ("weekly_rest_hours", 36, True),
    ("max_shift_hours", 13, False),
    ("long_shift_hours", 13, False),
    ("max_average_hours_per_week", 48, False),
    ("max_overtime_hours_per_4_weeks", 48, False),
    ("max_overtime_hours_per_year", 200, False),
    ("max_on_call_hours_per_4_weeks", 48, False),
)


class ShiftGeneration(Frozen):
    """Which shifts the engine may propose: starts and lengths on a coarse grid keep it fast."""

    start_step_minutes: int = Field(
        default=120, ge=5, le=720,
        description="Shifts start and end on this local-clock grid or where the need changes.",
    )


# Weights stay far below what makes CP-SAT's integer objective overflow (×6000 per hour × hours).
MAX_WEIGHT = 1_000_000
Weight = Annotated[int, Field(ge=0, le=MAX_WEIGHT)]


class Weights(Frozen):
    """Weight per unit of each soft rule's raw penalty (per hour unless said otherwise)."""

    uncovered: Weight = Field(default=100, description="Per person-hour of need not covered.")
    overtime: Weight = Field(default=30, description="Per hour beyond full time.")
    additional_hours: Weight = Field(default=10, description="Per hour beyond contract (mertid).")
    unused_contract: Weight = Field(default=4, description="Per contracted hour not scheduled.")
    fairness: Weight = Field(default=5, description="Per night/weekend shift off a fair share.")
    continuity: Weight = Field(default=8, description="Per assistant working for a client.")
    change: Weight = Field(default=10, description="Re-planning: per shift-hour changed against "
                           "the previous plan (a shift removed, added, moved or reassigned).")
    waiting: Weight = Field(default=6, description="Per hour of paid waiting between or after "
                            "a scattered client's visits (above unused_contract: waiting never "
                            "pays for itself by filling a contract).")
    travel: Weight = Field(default=2, description="Per hour travelling between homes in a round.")


class SolverSettings(Frozen):
    time_limit_seconds: float = Field(default=30, gt=0, le=24 * 3600)
    workers: int = Field(default=2, ge=1, le=64)
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="CP-SAT's random seed "
                      "(a 32-bit integer).")
    deterministic: bool = Field(
        default=False,
        description="The same input and seed give the same schedule, byte for byte: the time "
        "limit counts CP-SAT's deterministic time (about a second each, but not the clock's), "
        "parallel workers interleave their search, neighbourhood moves run one at a time, the "
        "LP bound is skipped, and the schedule leaves out its measurements of time. Costs some "
        "quality per second (README, \"Reproducible runs\").",
    )
    full_model_max_assignments: int = Field(
        default=3_000, ge=0, le=10_000_000,
        description="Parts with more possible assignments are improved by large-neighbourhood "
        "search from the greedy schedule instead of one CP-SAT model (no proven bound).",
    )
    lp_bound_share: float = Field(
        default=0.0, ge=0, le=1,
        description="Share of the time limit spent, before the search, on a lower bound from "
        "each part's linear relaxation (largest parts first; a part whose relaxation does not "
        "fit in what is left keeps the data-only bound). 0 (the default) turns it off: on "
        "month-long instances it costs seconds per part and, at 60 s, more in search than it "
        "gains in bound. The search gets whatever this leaves unused.",
    )
