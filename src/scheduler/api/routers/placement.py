"""Placing the overstaffing team in vacancies (``scheduler.solver.placement``).

The placement is a small assignment model (a handful of team members × vacancies) that CP-SAT
solves in well under a second, so it runs in the request, with its time limit capped by
``max_placement_seconds``; full schedules go through jobs instead. What the time limit does not
cover (building the model, the reasons for those left unplaced) grows with team members ×
vacancies, so that product is capped (``max_placement_pairs``, 422 beyond it), and so is the
number of placements computed at once per server (``max_concurrent_placements``, 429 beyond
it): a burst of large placements cannot slow every other request down.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Body, Request
from pydantic import Field, Tag

from scheduler.api.deps import (
    NoPersonalNumbers,
    PrincipalDep,
    SessionDep,
    SettingsDep,
    ensure_visible,
)
from scheduler.api.errors import INLINE, STORED, WITH_BODY, ApiError, ErrorCode, responses
from scheduler.api.examples import PLACEMENT_EXAMPLES
from scheduler.api.routers.scenarios import get_visible
from scheduler.api.schemas import MAX_SEED, ONE_SOURCE, _StrictInput
from scheduler.domain.scenario import Scenario
from scheduler.solver.placement import PlacementResult, place

router = APIRouter(prefix="/placement", tags=["placement"])


class _PlacementOptions(_StrictInput):
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
                                 ErrorCode.INVALID_SCENARIO, ErrorCode.ROLE_FORBIDDEN),
             summary="Place the overstaffing team in the vacancies, with reasons for the rest")
def placement(body: Annotated[PlacementRequest, Body(openapi_examples=PLACEMENT_EXAMPLES)],
              principal: PrincipalDep, session: SessionDep, settings: SettingsDep,
              request: Request) -> PlacementResult:
    """Assigns the overstaffing team of a stored scenario (`scenario_id`) or of one sent
    along (`scenario`), exactly one of them, to its vacancies; runs in the request, its time
    limit capped by the server, its size (team members × vacancies) by the server's limit
    (422), and the placements computed at once (429, see Retry-After)."""
    if body.scenario is not None:
        scenario = body.scenario
        ensure_visible(principal, [u.id for u in scenario.units])
    else:
        assert body.scenario_id is not None
        row = get_visible(session, principal, body.scenario_id)
        scenario = Scenario.model_validate(row.document)
    members = sum(1 for s in scenario.staff if s.overstaffing_team)
    pairs = members * len(scenario.vacancies)
    if pairs > settings.max_placement_pairs:
        raise ApiError(
            ErrorCode.VALIDATION_ERROR,
            f"{members} team members × {len(scenario.vacancies)} vacancies = {pairs} pairs, "
            f"more than this server places in a request ({settings.max_placement_pairs}); "
            "split it by unit or area, or use `scheduler place`",
        )
    slots: threading.BoundedSemaphore = request.app.state.placement_slots
    if not slots.acquire(blocking=False):
        raise ApiError(
            ErrorCode.TOO_MANY_REQUESTS,
            f"{settings.max_concurrent_placements} placement(s) are being computed; try again "
            "shortly", headers={"Retry-After": str(settings.retry_after_seconds)},
        )
    try:
        limit = body.time_limit_seconds or scenario.placement.time_limit_seconds
        return place(scenario, time_limit=min(limit, settings.max_placement_seconds),
                     seed=body.seed)
    finally:
        slots.release()
