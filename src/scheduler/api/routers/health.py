"""Liveness, open to everyone (no token): load balancers and the start-up check use it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from scheduler import __version__
from scheduler.api.errors import ANY_REQUEST, responses
from scheduler.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, operation_id="getHealth",
            responses=responses(*ANY_REQUEST),
            summary="Is the server up?")
def health(request: Request) -> Health:
    """Liveness and the server's version; the only operation without a key."""
    return Health(status="ok", version=__version__,
                  workers=request.app.state.settings.max_concurrent_solves)
