"""One router per resource, gathered here; ``create_app`` includes ``ROUTERS``."""

from scheduler.api.routers import health, jobs, keys, scenarios

ROUTERS = [health.router, scenarios.router, jobs.router, keys.router]

__all__ = ["ROUTERS"]
