"""The API's request and response models: separate from the domain and the database rows, so
internal fields (key hashes, the claim bookkeeping) never leak and the domain stays strict."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from scheduler.domain.common import StrictNumbers
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import PenaltyTerm, Schedule, SolveInfo

MAX_SEED = 2**31 - 1  # CP-SAT's random_seed is a 32-bit int


class _Model(StrictNumbers):
    # As the domain's models: no NaN/Infinity, no true/false read as a number.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Problem(_Model):
    detail: str = Field(description="What went wrong, for people.")


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
    scenario: dict[str, Any] = Field(description="The scenario document as stored.")


class JobCreate(_Model):
    """Solve a stored scenario (``scenario_id``) or one sent along (``scenario``)."""

    scenario_id: str | None = Field(default=None, max_length=64)
    scenario: Scenario | None = None
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

    @model_validator(mode="after")
    def _one_source(self) -> JobCreate:
        if (self.scenario_id is None) == (self.scenario is None):
            raise ValueError("give exactly one of scenario_id and scenario")
        return self


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
    solver_status: str | None
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


class ResultPublic(_Model):
    job_id: str
    scenario_id: str
    state: JobStatePublic
    interrupted: bool
    solve: SolveInfo
    penalties: list[PenaltyTerm] = Field(description="Each soft rule: raw, weight, contribution.")
    kpis: dict[str, Any]
    validation: ValidationSummary
    schedule: Schedule
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
    role: str
    units: list[str] = Field(description="Empty: every unit.")
    created_at: datetime
    revoked: bool


class Me(_Model):
    key_id: str
    role: str
    units: list[str] | None = Field(description="None: every unit.")


class CostSummary(_Model):
    """The cost figures of a schedule (``results.costing``), kr in the horizon."""

    currency: str
    total: dict[str, float] = Field(
        description="base_pay, ob, jour, overtime_premium, additional_premium, "
        "employer_contributions, total_cost, revenue, net"
    )
    by_unit: dict[str, dict[str, float]]


ResultPublic.model_rebuild()
CancelResult.model_rebuild()
