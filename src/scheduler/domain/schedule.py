"""The schedule: the engine's output contract (JSON), read back by the independent validator."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SCHEDULE_FORMAT_VERSION: Final = "1"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Break(_Out):
    start: AwareDatetime
    end: AwareDatetime
    paid: bool = Field(description="A paid meal pause on duty (true) or an unpaid break (false).")


class Visit(_Out):
    """One visit of a shift that serves a scattered client's need in pieces."""

    client: str
    start: AwareDatetime
    end: AwareDatetime
    travel_minutes: int = Field(
        default=0, ge=0, description="Travel from the previous visit's home, right after it.")
    asked_start: AwareDatetime | None = Field(
        default=None, description="Where the visit was moved within its client's visit window "
        "(visit_window_minutes): the start its need asks for, which it serves; none: at that "
        "time.")

    @property
    def need_start(self) -> datetime:
        """The start of the need the visit serves (its asked time)."""
        return self.start if self.asked_start is None else self.asked_start

    @property
    def need_end(self) -> datetime:
        return self.need_start + (self.end - self.start)


class Shift(_Out):
    staff: str
    client: str | None = Field(description="The client served; none for unit (group) shifts "
                               "and for rounds (their clients are the visits').")
    unit: str
    start: AwareDatetime = Field(description="Local time with UTC offset.")
    end: AwareDatetime
    hours: float = Field(description="Elapsed hours (right across daylight-saving changes).")
    on_call_hours: float = Field(default=0, description="Of which sleeping on-call duty (jour).")
    breaks: list[Break] = Field(default_factory=list)
    visits: list[Visit] = Field(
        default_factory=list, description="Scattered clients: the visits the shift serves, in "
        "order (several clients: a round). Empty: the whole shift serves client (or unit).")
    travel_hours: float = Field(default=0, description="Travelling between visits' homes.")
    waiting_hours: float = Field(
        default=0, description="Paid time that is neither a visit, travel nor a break.")


BlockerKind = Literal["absent", "busy", "resting", "weekly_rest", "hour_cap", "settlement",
                      "free"]


class Blocker(_Out):
    """What stopped one eligible staff member from taking an uncovered interval (an
    explanation for the coordinator, not a proof): absent or outside availability; already
    working elsewhere; resting after a shift; the week's weekly rest; an hour cap; the
    decision's settlement period used up; or free (the cost outweighed it)."""

    staff: str
    kind: BlockerKind
    detail: str


class UncoveredInterval(_Out):
    client: str | None
    unit: str
    start: AwareDatetime
    end: AwareDatetime
    missing: int = Field(description="Assistants missing at once in the interval.")
    reason: str
    blockers: list[Blocker] = Field(
        default_factory=list, description="Per eligible (approved, competent) staff member: "
        "what stopped them taking it. Informative; the validator ignores it.")


class PenaltyTerm(_Out):
    rule: str
    raw: float = Field(description="The violation in its own unit (hours, shifts, assistants).")
    unit: str
    weight: int
    contribution: float = Field(description="raw × weight, as in the objective.")


SolveStatus = Literal["optimal", "feasible", "infeasible", "model_invalid", "unknown", "greedy"]


class SolveInfo(_Out):
    status: SolveStatus
    objective: float | None
    best_bound: float | None
    gap: float | None = Field(description="(objective − bound) / objective; 0 when optimal.")
    wall_seconds: float
    time_to_first_solution_seconds: float | None = Field(
        default=None, description="When a complete valid schedule first existed."
    )
    time_to_best_seconds: float | None = Field(
        default=None, description="When the schedule returned was found."
    )
    time_limit_seconds: float
    workers: int
    seed: int
    deterministic: bool = Field(
        default=False, description="Solved in deterministic mode: the same input and seed give "
        "this schedule again; created is the epoch and the seconds fields are 0 or none."
    )
    components: int = 1
    components_without_solution: int = Field(
        default=0, description="Parts with no schedule in time and no start schedule: nobody "
        "is assigned there."
    )
    variables: int = Field(
        default=0, description="CP-SAT variables of full models plus the possible assignments "
        "of parts improved by neighbourhood search."
    )
    engine: str = "cp-sat"


class Schedule(_Out):
    format_version: Literal["1"] = SCHEDULE_FORMAT_VERSION
    scenario: str
    horizon_start: str
    horizon_days: int
    timezone: str
    created: datetime
    solve: SolveInfo
    penalties: list[PenaltyTerm] = Field(default_factory=list)
    shifts: list[Shift] = Field(default_factory=list)
    uncovered: list[UncoveredInterval] = Field(default_factory=list)
    kpis: dict[str, Any] = Field(default_factory=dict, description="See results.kpi.")
