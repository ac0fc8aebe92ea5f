"""API test helpers: settings for a test server and a client wrapper with a key per role (the
scenarios come from ``builders``: ``week_data``, ``heavy_data``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance import Conformance
from fastapi.testclient import TestClient

from scheduler.api import Settings, create_app
from scheduler.api.db import Role
from scheduler.api.security import create_key

FINISHED = {"succeeded", "failed", "cancelled"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Api:
    client: TestClient
    app: Any
    coordinator: dict[str, str]
    system: dict[str, str]
    manager_u1: dict[str, str]
    manager_u2: dict[str, str]

    def key(self, role: Role, units: list[str]) -> dict[str, str]:
        with self.app.state.sessions() as session:
            return bearer(create_key(session, role, units).token)

    def wait(self, job_id: str, headers: dict[str, str] | None = None,
             timeout: float = 120, states: set[str] = FINISHED) -> dict[str, Any]:
        """Poll a job until it is in one of ``states``; bounded generously, as jobs wait for
        a worker and a loaded machine is slow (the caller asserts the state it waited for)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.client.get(f"/jobs/{job_id}", headers=headers or self.coordinator).json()
            if job["state"] in states or time.monotonic() > deadline:
                return job
            time.sleep(0.05)


def make_settings(tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "db_path": tmp / "api.db",
        "max_time_limit_seconds": 3,
        "max_concurrent_solves": 2,
        "max_solver_workers": 1,
        "cancel_wait_seconds": 8,
        "max_request_bytes": 300_000,
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def running_api(settings: Settings) -> Iterator[Api]:
    """A running app (worker processes included) and a key per role. Every response is
    checked against the app's OpenAPI document (``conformance``): a status or body the
    document does not promise fails the test that received it."""
    app = create_app(settings)
    with TestClient(app) as client:
        client.event_hooks = {"request": [], "response": [Conformance(app.openapi()).hook]}
        with app.state.sessions() as session:
            keys = {
                "coordinator": create_key(session, Role.COORDINATOR, []),
                "system": create_key(session, Role.SYSTEM, []),
                "u1": create_key(session, Role.UNIT_MANAGER, ["U1"]),
                "u2": create_key(session, Role.UNIT_MANAGER, ["U2"]),
            }
        yield Api(client, app, bearer(keys["coordinator"].token), bearer(keys["system"].token),
                  bearer(keys["u1"].token), bearer(keys["u2"].token))
