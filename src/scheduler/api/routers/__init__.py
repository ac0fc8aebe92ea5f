"""One router per resource, gathered here; ``create_app`` includes ``ROUTERS``."""

from __future__ import annotations

from fastapi import APIRouter

from scheduler.api.routers import compare, health, jobs, keys, placement, scenarios

ROUTERS: list[APIRouter] = [
    health.router,
    scenarios.router,
    jobs.router,
    compare.router,
    placement.router,
    keys.router,
]

__all__ = ["ROUTERS"]
