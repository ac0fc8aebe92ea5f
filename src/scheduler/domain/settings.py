"""Scenario-wide settings: working-time rules, shift generation, weights, solver."""

from __future__ import annotations

from pydantic import Field, model_validator

from scheduler.domain.common import Frozen, parse_clock


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
        description="Continuous rest in every 7-day period from the horizon's start (veckovila).",
    )
    weekly_rest_excludes_daily_rest: bool = Field(
        default=True, description="The weekly rest may not overlap a shift's daily rest."
    )
    full_time_hours_per_week: float = Field(
        default=40, gt=0, le=60,
        description="Full time per week; work beyond it in a limiting period is overtime.",
    )
    limiting_period_weeks: int = Field(
        default=4, ge=1, le=16,
        description="Hours are averaged over periods of this length from the horizon's start "
        "(begränsningsperiod).",
    )
    max_average_hours_per_week: float = Field(
        default=48, gt=0, le=80, description="Work incl. overtime and jour, on average."
    )
    max_overtime_hours_per_4_weeks: float = Field(
        default=48, ge=0, description="Overtime cap, pro rata to the limiting period's length."
    )
    max_overtime_hours_per_year: float = Field(
        default=200, ge=0,
        description="Overtime cap per calendar year (less the staff member's "
        "overtime_hours_this_year).",
    )
    max_on_call_hours_per_4_weeks: float = Field(
        default=48, ge=0, description="Jour cap, pro rata to the limiting period's length."
    )
    on_call_work_fraction: float = Field(
        default=0.5, ge=0, le=1, description="Share of jour counted as work time (Bilaga J)."
    )
    night_start: str = Field(
        default="22:00", description="Start of night (HH:MM local): night shifts and KPIs."
    )
    night_end: str = Field(default="06:00", description="End of night (HH:MM local).")
    night_shift_min_hours: float = Field(
        default=3, gt=0, description="A shift with at least this much night time is a night shift."
    )

    @model_validator(mode="after")
    def _consistent(self) -> WorkingTimeRules:
        if self.min_shift_hours > self.max_shift_hours:
            raise ValueError("min_shift_hours is larger than max_shift_hours")
        parse_clock(self.night_start, allow_24=False)
        parse_clock(self.night_end, allow_24=True)
        return self


class ShiftGeneration(Frozen):
    """Which shifts the engine may propose: starts and lengths on a coarse grid keep it fast."""

    start_step_minutes: int = Field(
        default=120, ge=5, le=720,
        description="Shifts start and end on this local-clock grid or where the need changes.",
    )


class Weights(Frozen):
    """Weight per unit of each soft rule's raw penalty (per hour unless said otherwise)."""

    uncovered: int = Field(default=100, ge=0, description="Per person-hour of need not covered.")
    overtime: int = Field(default=30, ge=0, description="Per hour beyond full time.")
    additional_hours: int = Field(
        default=10, ge=0, description="Per hour beyond contract (mertid)."
    )
    unused_contract: int = Field(default=4, ge=0, description="Per contracted hour not scheduled.")
    fairness: int = Field(default=5, ge=0, description="Per night/weekend shift off a fair share.")
    continuity: int = Field(default=8, ge=0, description="Per assistant working for a client.")


class SolverSettings(Frozen):
    time_limit_seconds: float = Field(default=30, gt=0, le=24 * 3600)
    workers: int = Field(default=2, ge=1, le=64)
    seed: int = Field(default=0, ge=0)
    full_model_max_assignments: int = Field(
        default=3_000, ge=0,
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
