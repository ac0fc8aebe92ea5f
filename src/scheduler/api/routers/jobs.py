"""Solve jobs: submit (202), list, status with progress, result, cancel.

The request handlers only write rows; the solve runs in a worker process (see ``jobs``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scheduler.api.callbacks import callback_problem
from scheduler.api.db import FINISHED, JobRow, JobState, ResultRow, utcnow
from scheduler.api.deps import (
    NoPersonalNumbers,
    PrincipalDep,
    RunnerDep,
    SessionDep,
    SettingsDep,
    ensure_visible,
)
from scheduler.api.errors import (
    AUTHENTICATED,
    NO_SCHEDULE,
    WITH_BODY,
    ApiError,
    ErrorCode,
    error_body,
    responses,
)
from scheduler.api.examples import JOB_EXAMPLES
from scheduler.api.jobs import QueueFull, queue_position, wait_until_finished
from scheduler.api.pii import new_id
from scheduler.api.routers.scenarios import get_visible, store_scenario, visible_clause
from scheduler.api.schemas import (
    MAX_SEED,
    CancelResult,
    CostSummary,
    JobCreate,
    JobLinks,
    JobProgress,
    JobPublic,
    JobStatePublic,
    ResultPublic,
    ScheduleDocument,
    ValidationSummary,
)
from scheduler.api.security import Principal
from scheduler.domain.loader import InputError, describe_errors
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.i18n import DEFAULT_LANG, Lang
from scheduler.planning.compare import make_run
from scheduler.planning.continuity import continue_from
from scheduler.planning.replan import aware, replan_scenario
from scheduler.reports.html import render_html_report
from scheduler.results.diff import ScheduleDiff, diff_schedules

router = APIRouter(prefix="/jobs", tags=["jobs"])


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return round(max(0.0, objective - bound) / max(abs(objective), 1e-9), 6)


def _state(job: JobRow) -> JobStatePublic:
    if job.state == JobState.RUNNING and job.cancel_requested:
        return JobStatePublic.CANCELLING
    return JobStatePublic(job.state)


def job_public(session: Session, job: JobRow) -> JobPublic:
    has_result = job.state in FINISHED and session.get(ResultRow, job.id) is not None
    return JobPublic(
        id=job.id,
        scenario_id=job.scenario_id,
        scenario_name=job.scenario.name,
        units=job.scenario.unit_ids,
        state=_state(job),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        time_limit_seconds=job.time_limit_seconds,
        workers=job.workers,
        seed=job.seed,
        queue_position=queue_position(session, job),
        progress=JobProgress(
            objective=job.objective, bound=job.bound, gap=_gap(job.objective, job.bound),
            solutions=job.solutions, seconds=job.progress_seconds,
            component=job.component, components=job.components,
        ),
        solver_status=job.solver_status,  # type: ignore[arg-type]  # validated by pydantic
        interrupted=job.interrupted,
        result_available=has_result,
        error=job.error,
        links=JobLinks(self=f"/jobs/{job.id}", result=f"/jobs/{job.id}/result",
                       cancel=f"/jobs/{job.id}/cancel"),
        attempts=job.attempts or 0,
    )


def no_schedule(job: JobRow, what: str) -> ApiError:
    """409 for a job without a schedule, its code telling why: not finished, failed or
    cancelled before it had one (``detail`` gives the job's error)."""
    state = _state(job)
    code = {JobStatePublic.FAILED: ErrorCode.JOB_FAILED,
            JobStatePublic.CANCELLED: ErrorCode.JOB_CANCELLED}.get(state,
                                                                   ErrorCode.JOB_NOT_FINISHED)
    reason = f": {job.error}" if job.error else ""
    return ApiError(code, f"{what} is {state.value} and has no schedule{reason}")


def _visible_job(session: Session, principal: Principal, job_id: str) -> JobRow:
    job = session.get(JobRow, job_id)
    if job is None:
        raise ApiError(ErrorCode.NOT_FOUND, "no such job")
    ensure_visible(principal, job.scenario.unit_ids)
    return job


def _continued(session: Session, principal: Principal, scenario: Scenario, job_id: str
               ) -> Scenario:
    """``scenario`` with the schedule of the finished job ``job_id`` as its history."""
    job = _visible_job(session, principal, job_id)
    row = session.get(ResultRow, job.id) if job.state in FINISHED else None
    if row is None:
        raise no_schedule(job, f"history_job_id: job {job_id!r}")
    try:
        return continue_from(scenario, Schedule.model_validate(row.schedule),
                             f"history_job_id {job_id}")
    except InputError as exc:
        raise ApiError(ErrorCode.INVALID_HISTORY, "; ".join(exc.problems),
                       problems=list(exc.problems)) from None


def _schedule_of(session: Session, principal: Principal, job_id: str, what: str) -> Schedule:
    """The schedule of the finished job ``job_id`` the key may see (404, 403, 409 else)."""
    job = _visible_job(session, principal, job_id)
    row = session.get(ResultRow, job.id) if job.state in FINISHED else None
    if row is None:
        raise no_schedule(job, f"{what}: job {job_id!r}")
    return Schedule.model_validate(row.schedule)


def _replanned(session: Session, principal: Principal, scenario: Scenario, job_id: str,
               start: datetime) -> Scenario:
    """``scenario`` re-planning the schedule of the finished job ``job_id`` from ``start``:
    its earlier shifts pinned, its later ones the reference of the changes."""
    previous = _schedule_of(session, principal, job_id, "replan_job_id")
    try:
        return replan_scenario(scenario, previous, start)
    except ValidationError as exc:
        problems = [f"replan_job_id {job_id}: {p}" for p in describe_errors(exc, {})]
        raise ApiError(ErrorCode.INVALID_REPLAN, "; ".join(problems),
                       problems=problems) from None


def _result_public(job: JobRow, row: ResultRow) -> ResultPublic:
    return ResultPublic(
        job_id=job.id, scenario_id=job.scenario_id, state=_state(job),
        interrupted=job.interrupted, validation=ValidationSummary.model_validate(row.validation),
        schedule=ScheduleDocument.model_validate(row.schedule),
        costs=CostSummary.model_validate(row.costs) if row.costs is not None else None,
    )


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=JobPublic,
             operation_id="submitJob", dependencies=[NoPersonalNumbers],
             responses=responses(*WITH_BODY, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                 *NO_SCHEDULE, ErrorCode.INVALID_SCENARIO,
                                 ErrorCode.INVALID_HISTORY, ErrorCode.INVALID_REPLAN,
                                 ErrorCode.QUEUE_FULL, ErrorCode.ROLE_FORBIDDEN, location=202),
             summary="Submit a solve job (runs in a worker process)")
def submit(body: Annotated[JobCreate, Body(openapi_examples=JOB_EXAMPLES)],
           principal: PrincipalDep, session: SessionDep, settings: SettingsDep,
           runner: RunnerDep, response: Response) -> Any:
    """Queues a solve of a stored scenario (`scenario_id`) or of one sent along (`scenario`),
    exactly one of them; `history_job_id` plans back to back after a finished job's schedule
    (404 if unknown, 409 with the job's code if it has no schedule); `replan_job_id` with
    `replan_from` re-plans a finished job's schedule for the changed scenario (a sick call
    added as an absence), keeping what starts before `replan_from` (422 `invalid_replan`
    when its shifts do not fit the scenario); `getJobDiff` then lists the changes. Answers
    202 with the job and its `Location`; poll `getJob`, then `getJobResult`. 429
    `queue_full` with `Retry-After` when too many jobs wait (in all, or for this key).
    `callback_url` is POSTed to, signed, when the job ends."""
    if body.callback_url is not None:
        problem = callback_problem(body.callback_url, secret=settings.callback_secret,
                                   allow_http=settings.callback_allow_http)
        if problem is not None:
            raise ApiError(ErrorCode.VALIDATION_ERROR, f"callback_url: {problem}")
    if body.scenario is not None:
        scenario = body.scenario
        ensure_visible(principal, [u.id for u in scenario.units])
        scenario_row = None
    else:
        assert body.scenario_id is not None
        scenario_row = get_visible(session, principal, body.scenario_id)
        scenario = Scenario.model_validate(scenario_row.document)
    if body.history_job_id is not None:
        scenario = _continued(session, principal, scenario, body.history_job_id)
        scenario_row = None  # the scenario with its history is stored as a scenario of its own
    if body.replan_job_id is not None and body.replan_from is not None:
        scenario = _replanned(session, principal, scenario, body.replan_job_id,
                              body.replan_from)
        scenario_row = None  # likewise the scenario with the re-plan's pins and reference
    solver = scenario.solver
    seed = solver.seed if body.seed is None else body.seed
    if seed > MAX_SEED:
        raise ApiError(ErrorCode.INVALID_SCENARIO, f"solver.seed must be at most {MAX_SEED}")
    time_limit = min(body.time_limit_seconds or solver.time_limit_seconds,
                     settings.max_time_limit_seconds)
    workers = min(body.workers or solver.workers, settings.max_solver_workers)
    if scenario_row is None:
        scenario_row = store_scenario(session, scenario, principal)
    job = JobRow(id=new_id(), scenario=scenario_row, state=JobState.QUEUED,
                 created_by=principal.key_id, time_limit_seconds=time_limit,
                 workers=workers, seed=seed, cancel_requested=False, interrupted=False,
                 solutions=0, attempts=0, callback_url=body.callback_url)
    with runner.submit_lock:  # count and insert as one step: the cap holds under load
        try:
            runner.check_capacity(session, principal.key_id)
        except QueueFull as full:
            session.rollback()
            return JSONResponse(
                error_body(ErrorCode.QUEUE_FULL, full.detail),
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(settings.retry_after_seconds)},
            )
        session.add(job)
        session.commit()
    runner.wake()
    response.headers["Location"] = f"/jobs/{job.id}"
    return job_public(session, job)


@router.get("", response_model=list[JobPublic], operation_id="listJobs",
            responses=responses(*AUTHENTICATED, ErrorCode.VALIDATION_ERROR),
            summary="Jobs the key may see, newest first")
def list_jobs(principal: PrincipalDep, session: SessionDep,
              state: Annotated[JobStatePublic | None, Query()] = None,
              scenario_id: Annotated[str | None, Query(max_length=64)] = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100,
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[JobPublic]:
    """Jobs of scenarios whose units the key may all see, filtered by `state` and
    `scenario_id`, newest first (`limit`, `offset`)."""
    query = select(JobRow).order_by(JobRow.created_at.desc(), JobRow.id)
    clause = visible_clause(principal, JobRow.scenario_id)
    if clause is not None:
        query = query.where(clause)
    if state == JobStatePublic.CANCELLING:
        query = query.where(JobRow.state == JobState.RUNNING, JobRow.cancel_requested)
    elif state is not None:
        query = query.where(JobRow.state == state.value)
    if scenario_id is not None:
        query = query.where(JobRow.scenario_id == scenario_id)
    jobs = session.scalars(query.limit(limit).offset(offset)).all()
    return [job_public(session, job) for job in jobs]


@router.get("/{job_id}", response_model=JobPublic, operation_id="getJob",
            responses=responses(*AUTHENTICATED, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND),
            summary="A job's state and progress (best objective, bound, gap so far)")
def read_job(job_id: str, principal: PrincipalDep, session: SessionDep) -> JobPublic:
    """The job's state (`queued`, `running`, `cancelling`, `succeeded`, `failed`,
    `cancelled`), queue position and the solve's progress so far."""
    return job_public(session, _visible_job(session, principal, job_id))


@router.get("/{job_id}/result", response_model=ResultPublic, operation_id="getJobResult",
            responses=responses(*AUTHENTICATED, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                *NO_SCHEDULE),
            summary="The schedule, its KPIs, penalty breakdown and the validator's verdict")
def get_result(job_id: str, principal: PrincipalDep, session: SessionDep) -> ResultPublic:
    """The schedule (shifts, uncovered need, solve figures, penalty breakdown, KPIs) and the
    independent validator's verdict. 409 while there is none: `job_not_finished` (poll again),
    `job_failed` or `job_cancelled` (`detail` says why)."""
    job = _visible_job(session, principal, job_id)
    row = session.get(ResultRow, job.id) if job.state in FINISHED else None
    if row is None:
        raise no_schedule(job, "the job")
    return _result_public(job, row)


@router.get("/{job_id}/diff", response_model=ScheduleDiff, operation_id="getJobDiff",
            responses=responses(*AUTHENTICATED, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                *NO_SCHEDULE, ErrorCode.VALIDATION_ERROR),
            summary="The changes from another job's schedule to this job's (a re-plan's diff)")
def get_diff(job_id: str, principal: PrincipalDep, session: SessionDep,
             against: Annotated[str, Query(max_length=64, description="The earlier job.")],
             ) -> ScheduleDiff:
    """Shifts kept, removed, added, moved and reassigned from the schedule of job `against`
    to this job's, each with its reason, counts per staff member and client, and the changed
    shift-hours (as `scheduler replan` writes them). For a re-plan, only shifts from its
    `replan.start` on are compared. 409 while either job has no schedule."""
    job = _visible_job(session, principal, job_id)
    after = _schedule_of(session, principal, job_id, "the job")
    before = _schedule_of(session, principal, against, "against")
    scenario = Scenario.model_validate(job.scenario.document)
    since = (None if scenario.replan is None
             else aware(scenario, scenario.replan.start))
    return diff_schedules(scenario, before, after, since)


@router.get("/{job_id}/report", response_model=None, operation_id="getJobReport",
            responses=responses(*AUTHENTICATED, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                *NO_SCHEDULE, ErrorCode.VALIDATION_ERROR,
                                extra={200: {"content": {"text/html": {
                                    "schema": {"type": "string"},
                                    "example": "<!DOCTYPE html><html lang=\"sv\">...</html>"}},
                                    "description": "The report, one self-contained page."}}),
            summary="The job's schedule as the HTML report people read (week views, figures)")
def get_report(job_id: str, principal: PrincipalDep, session: SessionDep,
               lang: Annotated[Lang, Query(description="sv (default) or en.")] = DEFAULT_LANG,
               ) -> HTMLResponse:
    """The HTML report of the job's schedule, as `scheduler solve --report` writes it: key
    figures, cost, per unit the week views per client and per staff member and need against
    staffing; one page that opens offline. Same access as `getJobResult` (409 while there is
    no schedule)."""
    job = _visible_job(session, principal, job_id)
    schedule = _schedule_of(session, principal, job_id, "the job")
    scenario = Scenario.model_validate(job.scenario.document)
    run = make_run(scenario, schedule, source=f"job {job.id}")
    return HTMLResponse(render_html_report([run], lang=lang))


@router.post("/{job_id}/cancel", response_model=CancelResult, operation_id="cancelJob",
             responses=responses(*AUTHENTICATED, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                 ErrorCode.JOB_ALREADY_FINISHED, ErrorCode.ROLE_FORBIDDEN,
                                 extra={202: {"model": CancelResult,
                                              "description": "Still stopping; poll."}}),
             summary="Cancel a job; a running solve stops and keeps its best schedule so far")
def cancel(job_id: str, principal: PrincipalDep, session: SessionDep, settings: SettingsDep,
           runner: RunnerDep) -> Any:
    """A queued job is dropped; a running solve stops and the job keeps the best schedule
    found so far (`result`). 200 once the job has ended, 202 if it is still stopping (poll
    `getJob`); 409 `job_already_finished` for a finished job."""
    job = _visible_job(session, principal, job_id)
    if job.state in FINISHED:
        raise ApiError(ErrorCode.JOB_ALREADY_FINISHED, f"the job has already {job.state}")
    # Conditional updates: the dispatcher may claim the job between our read and our write.
    dropped = session.execute(
        update(JobRow).where(JobRow.id == job.id, JobRow.state == JobState.QUEUED)
        .values(state=JobState.CANCELLED, cancel_requested=True, finished_at=utcnow(),
                error="cancelled before it started")
    ).rowcount  # type: ignore[attr-defined]
    if not dropped:
        session.execute(update(JobRow).where(JobRow.id == job.id,
                                             JobRow.state == JobState.RUNNING)
                        .values(cancel_requested=True))
    session.commit()
    runner.wake()
    wait_until_finished(runner.sessions, job.id, settings.cancel_wait_seconds)
    session.expire_all()
    job = _visible_job(session, principal, job_id)
    row = session.get(ResultRow, job.id) if job.state in FINISHED else None
    body = CancelResult(job=job_public(session, job),
                        result=_result_public(job, row) if row is not None else None)
    code = status.HTTP_200_OK if job.state in FINISHED else status.HTTP_202_ACCEPTED
    return JSONResponse(body.model_dump(mode="json"), status_code=code)

