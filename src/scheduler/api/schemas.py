"""The API's request and response models: separate from the domain and the database rows, so
internal fields (key hashes, the claim bookkeeping) never leak and the domain stays strict."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from scheduler.api.db import Role
from scheduler.api.errors import INLINE, STORED, ErrorResponse
from scheduler.api.kpis import ScheduleKpis
from scheduler.domain.common import LocalDateTime, StrictNumbers
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import (
    PenaltyTerm,
    Shift,
    SolveInfo,
    SolveStatus,
    UncoveredInterval,
)

MAX_SEED = 2**31 - 1  # CP-SAT's random_seed is a 32-bit int

# The old name of the error model, for code not yet moved to ``errors.ApiError``.
Problem = ErrorResponse


def _source(value: Any) -> str | None:
    """Which of the two request bodies: the key present decides (both or neither: None)."""
    if isinstance(value, dict):
        present = {key for key in ("scenario_id", "scenario") if key in value}
    else:
        present = {key for key in ("scenario_id", "scenario")
                   if getattr(value, key, None) is not None}
    if present == {"scenario_id"}:
        return STORED
    if present == {"scenario"}:
        return INLINE
    return None


# The discriminator of a request body that is exactly one of a stored scenario
# (``scenario_id``) and one sent along (``scenario``): a tagged union, so the schema says
# ``oneOf`` and a body with both or neither gets one clear error. Use as
# ``Annotated[Annotated[A, Tag(STORED)] | Annotated[B, Tag(INLINE)], ONE_SOURCE]``.
ONE_SOURCE = Discriminator(_source, custom_error_type="one_source",
                           custom_error_message="give exactly one of scenario_id and scenario")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(_Model):
    status: Literal["ok"]
    version: str
    workers: int = Field(description="Worker processes for solves.")


class ScenarioSummary(_Model):
    name: str
    units: list[str]
    clients: int
    staff: int
    decisions: int
    need_person_hours: float
    horizon_start: date
    horizon_days: int


class ValidationResult(_Model):
    valid: Literal[True] = True
    summary: ScenarioSummary


class ScenarioPublic(_Model):
    id: str
    name: str
    units: list[str]
    created_at: datetime
    created_by: str = Field(description="The id of the API key that stored it.")


class ScenarioDetail(ScenarioPublic):
    summary: ScenarioSummary
    scenario: Scenario = Field(description="The scenario as stored.")


class _StrictInput(StrictNumbers, _Model):
    # As the domain's models: no NaN/Infinity, no true/false read as a number.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _JobOptions(_StrictInput):
    time_limit_seconds: float | None = Field(
        default=None, gt=0, le=24 * 3600,
        description="Default: the scenario's; capped by the server's maximum.",
    )
    workers: int | None = Field(default=None, ge=1, le=64, description="CP-SAT threads (capped).")
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    history_job_id: str | None = Field(
        default=None, max_length=64,
        description="A finished job whose schedule ends where this scenario's horizon starts: "
        "its shifts become the history every rule counts (back-to-back planning, like "
        "`scheduler solve --history`).",
    )
    callback_url: str | None = Field(
        default=None, max_length=2000,
        description="POSTed to when the job ends (its final state, signed: "
        "X-Scheduler-Signature = sha256 HMAC of '<X-Scheduler-Timestamp>.<body>'). Only where "
        "the server has a callback secret; https unless the server allows http.",
    )
    replan_job_id: str | None = Field(
        default=None, max_length=64,
        description="Re-plan this finished job's schedule for the (changed) scenario from "
        "`replan_from` on, like `scheduler replan`: its shifts before then are kept, later "
        "ones changed only where it pays (`weights.change`). Give both or neither.",
    )
    replan_from: LocalDateTime | None = Field(
        default=None, description="Local time (scenario's zone) from which the re-plan may "
        "change the schedule of `replan_job_id`.")

    @model_validator(mode="after")
    def _replan_pair(self) -> _JobOptions:
        if (self.replan_job_id is None) != (self.replan_from is None):
            raise ValueError("give both replan_job_id and replan_from, or neither")
        return self


class JobForStoredScenario(_JobOptions):
    """Solve a stored scenario."""

    scenario_id: str = Field(max_length=64)

    @property
    def scenario(self) -> None:
        return None


class JobWithScenario(_JobOptions):
    """Solve the scenario sent along (it is stored too)."""

    scenario: Scenario

    @property
    def scenario_id(self) -> None:
        return None


JobCreate = Annotated[
    Annotated[JobForStoredScenario, Tag(STORED)] | Annotated[JobWithScenario, Tag(INLINE)],
    ONE_SOURCE,
]


class JobStatePublic(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    CANCELLING = "cancelling"  # running, cancel requested, the search is stopping
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobProgress(_Model):
    objective: float | None = Field(description="Best objective so far (lower is better).")
    bound: float | None = Field(description="Best proven lower bound so far.")
    gap: float | None = Field(description="(objective − bound) / objective.")
    solutions: int
    seconds: float | None
    component: int | None = Field(description="Independent part being solved (0-based).")
    components: int | None


class JobLinks(_Model):
    self: str
    result: str
    cancel: str


class JobPublic(_Model):
    id: str
    scenario_id: str
    scenario_name: str
    units: list[str]
    state: JobStatePublic
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    time_limit_seconds: float = Field(description="Effective limit after the server's cap.")
    workers: int
    seed: int
    queue_position: int | None = Field(description="1 = next to run; only while queued.")
    progress: JobProgress
    solver_status: SolveStatus | None = Field(
        description="The finished solve's status (as in the result's `solve.status`).")
    interrupted: bool = Field(
        description="The search was stopped by a cancel; the result is the best schedule "
        "it had found (or, if it did not stop in time, the greedy baseline's)."
    )
    result_available: bool
    error: str | None
    links: JobLinks
    attempts: int = Field(
        default=0, description="Times the job was started: 2 after its runner died once."
    )


class ViolationPublic(_Model):
    rule: str
    who: str
    when: str
    detail: str


class ValidationSummary(_Model):
    ok: bool = Field(description="No hard rule broken (independent validator).")
    violations: list[ViolationPublic]
    penalty_mismatches: list[str]
    uncovered_mismatch: str | None = None
    notes: list[str] = Field(default_factory=list)


class ScheduleDocument(_Model):
    """The schedule: the same JSON document `scheduler solve` writes (``Schedule`` in
    ``scheduler.domain.schedule``), with the KPIs typed. Save it to re-check it with
    `scheduler check` or plan the next period after it."""

    format_version: Literal["1"]
    scenario: str = Field(description="The scenario's name.")
    horizon_start: date
    horizon_days: int
    timezone: str
    created: datetime
    solve: SolveInfo
    penalties: list[PenaltyTerm] = Field(description="Each soft rule: raw, weight, contribution.")
    shifts: list[Shift]
    uncovered: list[UncoveredInterval]
    kpis: ScheduleKpis


class ResultPublic(_Model):
    job_id: str
    scenario_id: str
    state: JobStatePublic
    interrupted: bool
    validation: ValidationSummary
    schedule: ScheduleDocument = Field(
        description="The schedule with its solve figures, penalty breakdown and KPIs.")
    costs: CostSummary | None = Field(
        default=None, description="What the schedule costs and earns (none for results "
        "stored before costs were)."
    )


class CancelResult(_Model):
    job: JobPublic
    result: ResultPublic | None = Field(
        description="For a solve stopped while running: the best schedule found so far "
        "(complete and validated; only if the search did not stop within the grace period, "
        "the greedy baseline's, solve.status 'greedy'); none for a job cancelled before it "
        "started."
    )


class KeyPublic(_Model):
    id: str
    name: str
    role: Role
    units: list[str] = Field(description="Empty: every unit.")
    created_at: datetime
    revoked: bool


class Me(_Model):
    key_id: str
    role: Role
    units: list[str] | None = Field(description="None: every unit.")


class CostFigures(_Model):
    """What a schedule costs and earns in the horizon, kr (``results.costing``)."""

    base_pay: float = Field(description="Wage × paid hours (salaried: at least the contract).")
    ob: float = Field(description="OB supplements (unsocial hours).")
    jour: float = Field(description="Jour (on-call) supplements.")
    overtime_premium: float
    additional_premium: float = Field(description="Mertid premium.")
    employer_contributions: float
    total_cost: float = Field(description="The sum of the above.")
    revenue: float = Field(description="FK's hourly amount × the hours charged to decisions.")
    net: float = Field(description="revenue − total_cost.")


class UnitCosts(CostFigures):
    unit: str


class CostSummary(_Model):
    """The cost figures of a schedule, in total and per unit."""

    currency: str
    total: CostFigures
    by_unit: list[UnitCosts]


ResultPublic.model_rebuild()
CancelResult.model_rebuild()
