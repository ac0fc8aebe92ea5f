"""Scenarios side by side: compare the schedules of finished jobs (``scheduler.planning.compare``).

Solving happens in jobs; this only recomputes hours, cost and risk from stored schedules, so it
is quick enough for a request: submit a job per scenario (base and variants), then compare.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field

from scheduler.api.db import FINISHED, JobRow, ResultRow
from scheduler.api.deps import PrincipalDep, SessionDep, ensure_visible
from scheduler.api.errors import NO_SCHEDULE, WITH_BODY, ApiError, ErrorCode, responses
from scheduler.api.examples import COMPARE_EXAMPLES
from scheduler.api.routers.jobs import no_schedule
from scheduler.api.schemas import _Model
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, SolveStatus
from scheduler.planning.compare import comparison_table, make_run, unique_labels

router = APIRouter(prefix="/compare", tags=["compare"])


class CompareRequest(_Model):
    job_ids: list[str] = Field(min_length=2, max_length=10,
                               description="Finished jobs with a schedule; the first is the base.")


class CompareRow(_Model):
    key: str
    metric: str
    unit: str
    group: str
    values: dict[str, float | str | None] = Field(description="One value per column label.")


class CompareColumn(_Model):
    label: str
    job_id: str
    scenario_id: str
    status: SolveStatus = Field(description="The solve's status (as in `solve.status`).")
    violations: int | None


class CompareResult(_Model):
    columns: list[CompareColumn]
    rows: list[CompareRow]


def _plain(value: Any) -> float | str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


@router.post("", response_model=CompareResult, operation_id="compareJobs",
             responses=responses(*WITH_BODY, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                 *NO_SCHEDULE),
             summary="Key figures of finished jobs side by side (hours, cost, risk)")
def compare(body: Annotated[CompareRequest, Body(openapi_examples=COMPARE_EXAMPLES)],
            principal: PrincipalDep, session: SessionDep) -> CompareResult:
    """Hours, cost and risk of 2–10 finished jobs' schedules, the first as the base: one row
    per key figure, one value per column (job). 409 with the job's code if one has no
    schedule."""
    if len(set(body.job_ids)) != len(body.job_ids):
        raise ApiError(ErrorCode.VALIDATION_ERROR, "job_ids: a job id is listed twice")
    loaded: list[tuple[JobRow, Scenario, Schedule, int]] = []
    for index, job_id in enumerate(body.job_ids):
        job = session.get(JobRow, job_id)
        if job is None:  # named by its place: whatever was sent is never echoed back
            raise ApiError(ErrorCode.NOT_FOUND, f"job_ids[{index}]: no such job")
        ensure_visible(principal, job.scenario.unit_ids)
        row = session.get(ResultRow, job.id) if job.state in FINISHED else None
        if row is None:
            raise no_schedule(job, f"job_ids[{index}] ({job.id})")
        violations = len(row.validation.get("violations", []))
        loaded.append((job, Scenario.model_validate(job.scenario.document),
                       Schedule.model_validate(row.schedule), violations))
    labels = unique_labels([scenario.name for _, scenario, _, _ in loaded])
    runs = [make_run(scenario, schedule, label=label, violations=violations)
            for (_, scenario, schedule, violations), label in zip(loaded, labels, strict=True)]
    table = comparison_table(runs)
    rows = [
        CompareRow(key=str(r["key"]), metric=str(r["metric"]), unit=str(r["unit"]),
                   group=str(r["group"]), values={label: _plain(r[label]) for label in labels})
        for r in table.to_dict(orient="records")
    ]
    columns = [
        CompareColumn(label=label, job_id=job.id, scenario_id=job.scenario_id,
                      status=schedule.solve.status, violations=violations)
        for (job, _, schedule, violations), label in zip(loaded, labels, strict=True)
    ]
    return CompareResult(columns=columns, rows=rows)
