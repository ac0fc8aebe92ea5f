"""Scenarios: validate one, store one, list and read the ones the key may see, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy import exists, select
from sqlalchemy.sql.elements import ColumnElement

from scheduler.api.db import FINISHED, JobRow, Role, ScenarioRow, ScenarioUnit
from scheduler.api.deps import (
    NoPersonalNumbers,
    PrincipalDep,
    SessionDep,
    ensure_visible,
    require,
)
from scheduler.api.errors import (
    AUTHENTICATED,
    WITH_BODY,
    ApiError,
    ErrorCode,
    responses,
)
from scheduler.api.examples import SCENARIO_EXAMPLES
from scheduler.api.pii import new_id
from scheduler.api.schemas import (
    ScenarioDetail,
    ScenarioPublic,
    ScenarioSummary,
    ValidationResult,
)
from scheduler.api.security import Principal
from scheduler.domain.groups import need_person_hours
from scheduler.domain.scenario import Scenario

router = APIRouter(prefix="/scenarios", tags=["scenarios"])

ScenarioBody = Annotated[Scenario, Body(openapi_examples=SCENARIO_EXAMPLES)]


def summarize(scenario: Scenario) -> ScenarioSummary:
    return ScenarioSummary(
        name=scenario.name,
        units=sorted(u.id for u in scenario.units),
        clients=len(scenario.clients),
        staff=len(scenario.staff),
        decisions=sum(len(c.decisions) for c in scenario.clients),
        need_person_hours=round(need_person_hours(scenario), 2),
        horizon_start=scenario.horizon.start,
        horizon_days=scenario.horizon.days,
    )


def visible_clause(principal: Principal, scenario_id: Any) -> ColumnElement[bool] | None:
    """SQL for "every unit of this scenario is one the key may see" (None: no filter)."""
    if principal.units is None:
        return None
    return ~exists().where(ScenarioUnit.scenario_id == scenario_id,
                           ScenarioUnit.unit_id.not_in(principal.units))


def store_scenario(session: Any, scenario: Scenario, principal: Principal) -> ScenarioRow:
    """Add (not commit) a scenario row with its units."""
    row = ScenarioRow(
        id=new_id(),
        name=scenario.name,
        document=scenario.model_dump(mode="json"),
        summary=summarize(scenario).model_dump(mode="json"),
        created_by=principal.key_id,
        units=[ScenarioUnit(unit_id=u) for u in sorted({u.id for u in scenario.units})],
    )
    session.add(row)
    return row


def public(row: ScenarioRow) -> ScenarioPublic:
    return ScenarioPublic(id=row.id, name=row.name, units=row.unit_ids,
                          created_at=row.created_at, created_by=row.created_by)


def get_visible(session: Any, principal: Principal, scenario_id: str) -> ScenarioRow:
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise ApiError(ErrorCode.NOT_FOUND, "no such scenario")
    ensure_visible(principal, row.unit_ids)
    return row


@router.post("/validate", response_model=ValidationResult, operation_id="validateScenario",
             dependencies=[NoPersonalNumbers],
             responses=responses(*WITH_BODY, ErrorCode.UNIT_FORBIDDEN, ErrorCode.INVALID_SCENARIO),
             summary="Check a scenario without storing it")
def validate(scenario: ScenarioBody, principal: PrincipalDep) -> ValidationResult:
    """Checks the scenario as a solve would (ids, references, periods, hours) and returns a
    summary; an invalid one gets 422 `invalid_scenario` with `problems` naming field and id."""
    ensure_visible(principal, [u.id for u in scenario.units])
    return ValidationResult(summary=summarize(scenario))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ScenarioPublic,
             operation_id="storeScenario", dependencies=[NoPersonalNumbers],
             responses=responses(*WITH_BODY, ErrorCode.UNIT_FORBIDDEN, ErrorCode.INVALID_SCENARIO,
                                 ErrorCode.ROLE_FORBIDDEN, location=201),
             summary="Store a scenario")
def create(scenario: ScenarioBody, principal: PrincipalDep, session: SessionDep,
           response: Response) -> ScenarioPublic:
    """Validates and stores the scenario for later jobs (`scenario_id`); `Location` names
    it. The key must see every unit of the scenario."""
    ensure_visible(principal, [u.id for u in scenario.units])
    row = store_scenario(session, scenario, principal)
    session.commit()
    response.headers["Location"] = f"/scenarios/{row.id}"
    return public(row)


@router.get("", response_model=list[ScenarioPublic], operation_id="listScenarios",
            responses=responses(*AUTHENTICATED, ErrorCode.VALIDATION_ERROR),
            summary="Scenarios the key may see")
def list_scenarios(principal: PrincipalDep, session: SessionDep,
                   limit: Annotated[int, Query(ge=1, le=500)] = 100,
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[ScenarioPublic]:
    """Stored scenarios whose units the key may all see, newest first (`limit`, `offset`)."""
    query = select(ScenarioRow).order_by(ScenarioRow.created_at.desc(), ScenarioRow.id)
    clause = visible_clause(principal, ScenarioRow.id)
    if clause is not None:
        query = query.where(clause)
    rows = session.scalars(query.limit(limit).offset(offset))
    return [public(row) for row in rows]


@router.get("/{scenario_id}", response_model=ScenarioDetail, operation_id="getScenario",
            responses=responses(*AUTHENTICATED, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND),
            summary="One scenario, with its document")
def read_scenario(scenario_id: str, principal: PrincipalDep, session: SessionDep) -> Any:
    """The stored scenario as a `Scenario`, with its summary."""
    row = get_visible(session, principal, scenario_id)
    if row.summary is None:  # stored before summaries were: computed once, then kept
        row.summary = summarize(Scenario.model_validate(row.document)).model_dump(mode="json")
        session.commit()
    # Sent as stored, without validating it again: the document is the scenario's own
    # model_dump when it was stored, and validating a large one took seconds on every read.
    return JSONResponse({**public(row).model_dump(mode="json"), "summary": row.summary,
                         "scenario": row.document})


@router.delete("/{scenario_id}", status_code=status.HTTP_204_NO_CONTENT,
               operation_id="deleteScenario",
               responses=responses(*AUTHENTICATED, ErrorCode.ROLE_FORBIDDEN,
                                   ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                   ErrorCode.SCENARIO_IN_USE),
               summary="Delete a scenario and its finished jobs (not the system role)")
def delete(scenario_id: str, session: SessionDep,
           principal: Annotated[Principal, Depends(require(Role.COORDINATOR,
                                                           Role.UNIT_MANAGER))]) -> Response:
    """Deletes the scenario with its finished jobs and their results; 409
    `scenario_in_use` while a job of it is queued or running."""
    row = get_visible(session, principal, scenario_id)
    active = session.scalar(select(exists().where(JobRow.scenario_id == row.id,
                                                  JobRow.state.not_in(FINISHED))))
    if active:
        raise ApiError(ErrorCode.SCENARIO_IN_USE,
                       "the scenario has queued or running jobs; cancel them first")
    session.delete(row)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
