"""HTTP API: FastAPI app, jobs in worker processes, persistence, API keys."""

from scheduler.api.app import create_app
from scheduler.api.settings import Settings

__all__ = ["Settings", "create_app"]
