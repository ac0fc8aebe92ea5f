"""HTTP API: FastAPI app, jobs in worker processes, persistence, API keys.

Imports are lazy so that ``scheduler`` commands that do not serve stay quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.api.app import create_app
    from scheduler.api.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from scheduler.api.app import create_app

        return create_app
    if name == "Settings":
        from scheduler.api.settings import Settings

        return Settings
    raise AttributeError(name)
