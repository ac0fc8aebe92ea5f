"""API test helpers: settings for a test server and a client wrapper with a key per role (the
scenarios come from ``builders``: ``week_data``, ``heavy_data``).

With ``SCHEDULER_TEST_DATABASE_URL`` set (a PostgreSQL URL; `.ci/run` starts a server and runs
the API tests a second time with it), every test server gets a fresh database of its own on that
server instead of a SQLite file; an unreachable server fails the tests, never skips them.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from conformance import Conformance
from fastapi.testclient import TestClient

from scheduler.api import Settings, create_app
from scheduler.api.db import Role, migrate
from scheduler.api.security import create_key

FINISHED = {"succeeded", "failed", "cancelled"}


def wait_until_serving(base: str, process: subprocess.Popen[bytes], seconds: float = 60
                       ) -> None:
    """Poll ``base``/health until a server started as ``process`` answers; fail if it exits
    first or takes longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, "the server exited at start-up"
        assert time.monotonic() < deadline, f"the server did not start within {seconds:g} s"
        time.sleep(0.1)


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


TEST_DATABASE_URL = os.environ.get("SCHEDULER_TEST_DATABASE_URL") or None
_created: list[str] = []


def fresh_database_url(tmp: Path) -> str:
    """A new empty database: a SQLite file in ``tmp``, or one on the test PostgreSQL server."""
    if TEST_DATABASE_URL is None:
        return f"sqlite:///{tmp / 'api.db'}"
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(TEST_DATABASE_URL)
    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(host=url.host, port=url.port, user=url.username,
                         password=url.password, dbname=url.database, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _created.append(name)
    return url.set(database=name).render_as_string(hide_password=False)


def drop_test_databases() -> None:
    """At the end of the session: the databases made by ``fresh_database_url``."""
    if TEST_DATABASE_URL is None or not _created:
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(TEST_DATABASE_URL)
    with psycopg.connect(host=url.host, port=url.port, user=url.username,
                         password=url.password, dbname=url.database, autocommit=True) as conn:
        for name in _created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _created.clear()


def make_settings(tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "db_path": tmp / "api.db",
        "database_url": fresh_database_url(tmp),
        "max_time_limit_seconds": 3,
        "max_concurrent_solves": 2,
        "max_solver_workers": 1,
        "cancel_wait_seconds": 8,
        "max_request_bytes": 300_000,
        # Tests poll fast and probe with wrong tokens on purpose; the limits have tests of their
        # own (test_gate) with small numbers.
        "rate_limit": "100000/minute",
        "auth_failure_limit": "100000/minute",
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def gate_only(settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """The app without its lifespan (no worker processes): for what the gate and the routes
    answer without a solve. The schema is migrated by hand; a key per role."""
    app = create_app(settings)
    migrate(app.state.engine)
    with app.state.sessions() as session:
        keys = {role.value: bearer(create_key(session, role, []).token) for role in Role
                if role is not Role.UNIT_MANAGER}
        keys["u1"] = bearer(create_key(session, Role.UNIT_MANAGER, ["U1"]).token)
    client = TestClient(app)
    client.event_hooks = {"request": [], "response": [Conformance(app.openapi()).hook]}
    try:
        yield client, keys
    finally:
        app.state.engine.dispose()


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
