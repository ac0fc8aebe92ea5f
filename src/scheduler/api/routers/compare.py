"""Scenarios side by side: compare the schedules of finished jobs (``scheduler.planning.compare``).

Solving happens in jobs; this only recomputes hours, cost and risk from stored schedules, so it
is quick enough for a request: submit a job per scenario (base and variants), then compare.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import Field

from scheduler.api.db import FINISHED, JobRow, ResultRow
from scheduler.api.deps import PrincipalDep, SessionDep, ensure_visible
from scheduler.api.schemas import Problem, _Model
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.planning.compare import comparison_table, make_run, unique_labels

router = APIRouter(prefix="/compare", tags=["compare"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}})


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
    status: str
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


@router.post("", response_model=CompareResult,
             responses={404: {"model": Problem}, 409: {"model": Problem},
                        422: {"model": Problem}},
             summary="Key figures of finished jobs side by side (hours, cost, risk)")
def compare(body: CompareRequest, principal: PrincipalDep, session: SessionDep) -> CompareResult:
    if len(set(body.job_ids)) != len(body.job_ids):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "a job id is listed twice")
    loaded: list[tuple[JobRow, Scenario, Schedule, int]] = []
    for index, job_id in enumerate(body.job_ids):
        job = session.get(JobRow, job_id)
        if job is None:  # named by its place: whatever was sent is never echoed back
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"job_ids[{index}]: no such job")
        ensure_visible(principal, job.scenario.unit_ids)
        row = session.get(ResultRow, job.id) if job.state in FINISHED else None
        if row is None:
            raise HTTPException(status.HTTP_409_CONFLICT,
                                f"job_ids[{index}] ({job.id}) is {job.state} and has no schedule")
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
