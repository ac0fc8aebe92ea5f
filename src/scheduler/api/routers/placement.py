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
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

from scheduler.api.deps import (
    NoPersonalNumbers,
    PrincipalDep,
    SessionDep,
    SettingsDep,
    ensure_visible,
)
from scheduler.api.routers.scenarios import get_visible
from scheduler.api.schemas import MAX_SEED, Problem, _Model
from scheduler.domain.scenario import Scenario
from scheduler.solver.placement import PlacementResult, place

router = APIRouter(prefix="/placement", tags=["placement"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}})


class PlacementRequest(_Model):
    """Place the team of a stored scenario (``scenario_id``) or of one sent along."""

    scenario_id: str | None = Field(default=None, max_length=64)
    scenario: Scenario | None = None
    time_limit_seconds: float | None = Field(default=None, gt=0, le=3600)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)

    @model_validator(mode="after")
    def _one_source(self) -> PlacementRequest:
        if (self.scenario_id is None) == (self.scenario is None):
            raise ValueError("give exactly one of scenario_id and scenario")
        return self


@router.post("", response_model=PlacementResult, dependencies=[NoPersonalNumbers],
             responses={404: {"model": Problem}, 422: {"model": Problem}},
             summary="Place the overstaffing team in the vacancies, with reasons for the rest")
def placement(body: Annotated[PlacementRequest, Body()], principal: PrincipalDep,
              session: SessionDep, settings: SettingsDep, request: Request) -> Any:
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
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{members} team members × {len(scenario.vacancies)} vacancies = {pairs} pairs, "
            f"more than this server places in a request ({settings.max_placement_pairs}); "
            "split it by unit or area, or use `scheduler place`",
        )
    slots: threading.BoundedSemaphore = request.app.state.placement_slots
    if not slots.acquire(blocking=False):
        return JSONResponse(
            {"detail": f"{settings.max_concurrent_placements} placement(s) are being computed; "
                       "try again shortly"},
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(settings.retry_after_seconds)},
        )
    try:
        limit = body.time_limit_seconds or scenario.placement.time_limit_seconds
        return place(scenario, time_limit=min(limit, settings.max_placement_seconds),
                     seed=body.seed)
    finally:
        slots.release()
