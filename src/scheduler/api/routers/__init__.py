"""One router per resource, gathered here; ``create_app`` includes ``ROUTERS``.

Comparison and placement come from their own modules (``scheduler.compare``,
``scheduler.placement``); their routers are added only where those modules are installed.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from scheduler.api.routers import health, jobs, keys, scenarios

ROUTERS: list[Any] = [health.router, scenarios.router, jobs.router]

if importlib.util.find_spec("scheduler.compare") is not None:
    from scheduler.api.routers import compare

    ROUTERS.append(compare.router)
if importlib.util.find_spec("scheduler.placement") is not None:
    from scheduler.api.routers import placement

    ROUTERS.append(placement.router)

ROUTERS.append(keys.router)

__all__ = ["ROUTERS"]
