"""API settings: environment variables with the prefix ``SCHEDULER_``, validated at start-up."""

from __future__ import annotations

from pathlib import Path

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
    docs: bool = Field(default=True, description="Serve /docs (Swagger UI) and /redoc.")

    @model_validator(mode="after")
    def _database(self) -> Settings:
        if self.database_url is not None and not self.database_url.strip():
            raise ValueError("database_url is empty; leave it unset to use db_path")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.db_path.expanduser().resolve()}"
