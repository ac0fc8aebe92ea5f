"""Placing the overstaffing team in vacancies (``scheduler.solver.placement``).

The placement is a small assignment model (a handful of team members × vacancies) that CP-SAT
solves in well under a second, so it runs in the request, with its time limit capped by
``max_placement_seconds``; full schedules go through jobs instead.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import Field, Tag

from scheduler.api.deps import (
    NoPersonalNumbers,
    PrincipalDep,
    SessionDep,
    SettingsDep,
    ensure_visible,
)
from scheduler.api.errors import INLINE, STORED, WITH_BODY, ErrorCode, responses
from scheduler.api.examples import PLACEMENT_EXAMPLES
from scheduler.api.routers.scenarios import get_visible
from scheduler.api.schemas import MAX_SEED, ONE_SOURCE, _Model
from scheduler.domain.scenario import Scenario
from scheduler.solver.placement import PlacementResult, place

router = APIRouter(prefix="/placement", tags=["placement"])


class _PlacementOptions(_Model):
    time_limit_seconds: float | None = Field(default=None, gt=0, le=3600)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)


class PlacementForStoredScenario(_PlacementOptions):
    """Place the team of a stored scenario."""

    scenario_id: str = Field(max_length=64)

    @property
    def scenario(self) -> None:
        return None


class PlacementWithScenario(_PlacementOptions):
    """Place the team of the scenario sent along."""

    scenario: Scenario

    @property
    def scenario_id(self) -> None:
        return None


PlacementRequest = Annotated[
    Annotated[PlacementForStoredScenario, Tag(STORED)]
    | Annotated[PlacementWithScenario, Tag(INLINE)],
    ONE_SOURCE,
]


@router.post("", response_model=PlacementResult, operation_id="placeTeam",
             dependencies=[NoPersonalNumbers],
             responses=responses(*WITH_BODY, ErrorCode.UNIT_FORBIDDEN, ErrorCode.NOT_FOUND,
                                 ErrorCode.INVALID_SCENARIO),
             summary="Place the overstaffing team in the vacancies, with reasons for the rest")
def placement(body: Annotated[PlacementRequest, Body(openapi_examples=PLACEMENT_EXAMPLES)],
              principal: PrincipalDep, session: SessionDep, settings: SettingsDep
              ) -> PlacementResult:
    """Assigns the overstaffing team of a stored scenario (`scenario_id`) or of one sent
    along (`scenario`), exactly one of them, to its vacancies; runs in the request, its time
    limit capped by the server."""
    if body.scenario is not None:
        scenario = body.scenario
        ensure_visible(principal, [u.id for u in scenario.units])
    else:
        assert body.scenario_id is not None
        row = get_visible(session, principal, body.scenario_id)
        scenario = Scenario.model_validate(row.document)
    limit = body.time_limit_seconds or scenario.placement.time_limit_seconds
    return place(scenario, time_limit=min(limit, settings.max_placement_seconds), seed=body.seed)
