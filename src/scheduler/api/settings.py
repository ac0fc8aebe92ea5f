"""API settings: environment variables with the prefix ``SCHEDULER_``, validated at start-up."""

from __future__ import annotations

from pathlib import Path

import limits
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every limit the API enforces; e.g. ``SCHEDULER_MAX_CONCURRENT_SOLVES=4``."""

    model_config = SettingsConfigDict(env_prefix="SCHEDULER_", extra="ignore", frozen=True)

    db_path: Path = Field(
        default=Path("scheduler.db"),
        description="SQLite file used when no database_url is set; created on first start.",
    )
    database_url: str | None = Field(
        default=None, description="Any SQLAlchemy URL (e.g. postgresql+psycopg://...)."
    )
    max_request_bytes: int = Field(
        default=2_000_000, ge=1024, description="Larger request bodies get 413."
    )
    max_concurrent_solves: int = Field(
        default=2, ge=1, le=64, description="Worker processes, each running one solve at a time."
    )
    run_jobs: bool = Field(
        default=True,
        description="Run solve workers in this server; false: the server only answers "
        "requests, and `scheduler worker` processes (on this or other machines) solve.",
    )
    lease_seconds: float = Field(
        default=30, ge=2, le=3600,
        description="A running job's claim holds this long unless its runner renews it (every "
        "third of it); a job whose runner died is taken up again after at most this long.",
    )
    max_attempts: int = Field(
        default=2, ge=1, le=10,
        description="Starts of a job whose runner or worker process died under it; after the "
        "last the job fails with the reason.",
    )
    max_queued_jobs: int = Field(
        default=100, ge=0, description="Jobs waiting for a worker; beyond this submit gets 429."
    )
    retry_after_seconds: int = Field(default=10, ge=1, description="Retry-After on a 429.")
    max_time_limit_seconds: float = Field(
        default=300, gt=0, description="Cap on a job's solver time limit (longer ones are cut)."
    )
    max_placement_seconds: float = Field(
        default=10, gt=0, description="Cap on a placement's time limit (it runs in the request)."
    )
    max_solver_workers: int = Field(default=2, ge=1, le=64, description="Cap on CP-SAT threads.")
    cancel_wait_seconds: float = Field(
        default=5, ge=0, description="How long POST /jobs/{id}/cancel waits for the job to end."
    )
    cancel_grace_seconds: float = Field(
        default=15, gt=0,
        description="How long a cancelled solve may take to stop and reply with its best "
        "schedule so far; after that its worker is killed and the job gets the greedy "
        "schedule, which may take as long again before the job is cancelled without one.",
    )
    job_timeout_slack_seconds: float = Field(
        default=120, gt=0,
        description="A solve running this much longer than its time limit is killed (failed).",
    )
    docs: bool = Field(
        default=True, description="Serve /docs (Swagger UI), /redoc and /openapi.json."
    )
    rate_limit: str = Field(
        default="600/minute",
        description="Requests per API key and server process (the `limits` notation, e.g. "
        "'10/second'); beyond it 429 with Retry-After.",
    )
    auth_failure_limit: str = Field(
        default="30/minute",
        description="Requests with a wrong or missing token per client address; beyond it "
        "every request from that address gets 429 until the window has passed.",
    )
    max_queued_jobs_per_key: int = Field(
        default=20, ge=1,
        description="Jobs one key may have waiting; beyond it 429, so that one unit cannot "
        "fill the whole queue.",
    )
    max_placement_pairs: int = Field(
        default=20_000, ge=1,
        description="A placement with more team members × vacancies is refused (422): its "
        "model and reasons run in the request and grow with that product.",
    )
    max_concurrent_placements: int = Field(
        default=1, ge=1, le=64,
        description="Placements computed at once per server; more get 429 with Retry-After.",
    )
    callback_secret: str | None = Field(
        default=None, min_length=16,
        description="Signs job callbacks (HMAC-SHA256 in X-Scheduler-Signature); a job may name "
        "a callback_url only when this is set.",
    )
    callback_allow_http: bool = Field(
        default=False, description="Allow plain-http callback URLs (otherwise https only)."
    )

    @model_validator(mode="after")
    def _database(self) -> Settings:
        if self.database_url is not None and not self.database_url.strip():
            raise ValueError("database_url is empty; leave it unset to use db_path")
        for name in ("rate_limit", "auth_failure_limit"):
            try:
                limits.parse(getattr(self, name))
            except ValueError:
                raise ValueError(f"{name}: {getattr(self, name)!r} is not a rate such as "
                                 "'600/minute'") from None
        return self

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.db_path.expanduser().resolve()}"
