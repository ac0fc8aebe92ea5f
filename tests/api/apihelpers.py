"""API test helpers: small scenarios built in code (pseudonymous ids: U1/U2, C1, A1..A3),
settings for a test server, and a client wrapper with a key per role."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from scheduler.api import Settings, create_app
from scheduler.api.db import Role
from scheduler.api.examples import example_scenario
from scheduler.api.security import create_key

FINISHED = {"succeeded", "failed", "cancelled"}


def tiny(unit: str = "U1", name: str = "tiny") -> dict[str, Any]:
    """One client, three assistants, 7 days, need 08:00–16:00: solved in well under a second."""
    return example_scenario(unit=unit, name=name)


def heavy(unit: str = "U1") -> dict[str, Any]:
    """Four weeks, a 24-hour need with night jour and double mornings, eight assistants: CP-SAT
    is still searching after several seconds (for cancel and restart tests)."""
    data = example_scenario(unit=unit, name="heavy")
    data["horizon"] = {"start": "2027-02-01", "days": 28}
    data["clients"][0]["decisions"][0].update(
        granted_hours_per_week=200,
        settlement_period={"start": "2027-02-01", "end": "2027-07-31"},
    )
    data["clients"][0]["need"] = {"weekly": [
        {"start": "07:00", "end": "22:00"},
        {"start": "22:00", "end": "07:00", "on_call": True},
        {"start": "07:00", "end": "10:00", "staff": 2},
    ]}
    data["staff"] = [{"id": f"A{i}", "home_unit": unit, "contract_hours_per_week": 30 + i}
                     for i in range(1, 9)]
    data["clients"][0]["approved_staff"] = [s["id"] for s in data["staff"]]
    return data


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
             timeout: float = 30, states: set[str] = FINISHED) -> dict[str, Any]:
        """Poll a job until it is in one of ``states`` (bounded)."""
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
    """A running app (worker processes included) and a key per role."""
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.sessions() as session:
            keys = {
                "coordinator": create_key(session, Role.COORDINATOR, []),
                "system": create_key(session, Role.SYSTEM, []),
                "u1": create_key(session, Role.UNIT_MANAGER, ["U1"]),
                "u2": create_key(session, Role.UNIT_MANAGER, ["U2"]),
            }
        yield Api(client, app, bearer(keys["coordinator"].token), bearer(keys["system"].token),
                  bearer(keys["u1"].token), bearer(keys["u2"].token))
