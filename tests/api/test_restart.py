"""Jobs survive the server: a real `scheduler serve` is killed and started again on the same
SQLite file; the job it was running is taken up again once its lease has run out (its second
attempt) and the job waiting in the queue runs too. Also the graceful stop (the running job
goes back to the queue) and the reaping of jobs whose lease ran out."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from apihelpers import (
    TEST_DATABASE_URL,
    bearer,
    fresh_database_url,
    make_settings,
    wait_until_serving,
)
from fastapi.testclient import TestClient

from builders import heavy_data, week_data
from scheduler.api import create_app
from scheduler.api.db import (
    Base,
    JobRow,
    JobState,
    ResultRow,
    Role,
    make_engine,
    make_sessionmaker,
    migrate,
    utcnow,
)
from scheduler.api.security import create_key

SCHEDULER = [sys.executable, "-m", "scheduler"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(db: str) -> dict[str, str]:
    return {**os.environ, "SCHEDULER_DATABASE_URL": db, "SCHEDULER_MAX_CONCURRENT_SOLVES": "1",
            "SCHEDULER_MAX_TIME_LIMIT_SECONDS": "30", "SCHEDULER_MAX_SOLVER_WORKERS": "1",
            "SCHEDULER_LEASE_SECONDS": "3"}


@contextmanager
def server(db: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [*SCHEDULER, "serve", "--port", str(port), "--log-level", "warning"],
        env=_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def _job(base: str, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    return httpx.get(f"{base}/jobs/{job_id}", headers=headers, timeout=10).json()


def _wait(base: str, headers: dict[str, str], job_id: str, states: set[str],
          timeout: float = 120) -> dict[str, Any]:
    """Poll until the job is in one of ``states`` (bounded generously: a loaded machine is
    slow to start worker processes; the caller asserts the state it waited for)."""
    deadline = time.monotonic() + timeout
    while True:
        job = _job(base, headers, job_id)
        if job["state"] in states or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_a_killed_server_leaves_no_job_behind(tmp_path: Path) -> None:
    db, port = fresh_database_url(tmp_path), _free_port()
    base = f"http://127.0.0.1:{port}"
    created = subprocess.run([*SCHEDULER, "keys", "create", "--role", "system"], env=_env(db),
                             capture_output=True, text=True, check=True)
    headers = bearer(created.stdout.strip())
    with server(db, port) as process:
        running = httpx.post(f"{base}/jobs",
                             json={"scenario": heavy_data(), "time_limit_seconds": 4},
                             headers=headers, timeout=10).json()["id"]
        waiting = httpx.post(f"{base}/jobs", json={"scenario": week_data()}, headers=headers,
                             timeout=10).json()["id"]
        assert _wait(base, headers, running, {"running"})["state"] == "running"
        assert _job(base, headers, waiting)["state"] == "queued"
        process.send_signal(signal.SIGKILL)  # no chance to tidy up
        process.wait(timeout=10)
    with server(db, port):
        after = _wait(base, headers, running, {"succeeded", "failed"})
        assert after["state"] == "succeeded" and after["attempts"] == 2, after
        assert _wait(base, headers, waiting, {"succeeded", "failed"})["state"] == "succeeded"


def _running_heavy_job(app: Any, client: TestClient) -> str:
    """A 30-s solve of the heavy scenario (with a system key), once it is running."""
    with app.state.sessions() as session:
        headers = bearer(create_key(session, Role.SYSTEM, []).token)
    job_id = client.post("/jobs", json={"scenario": heavy_data(), "time_limit_seconds": 30},
                         headers=headers).json()["id"]
    deadline = time.monotonic() + 120
    while client.get(f"/jobs/{job_id}", headers=headers).json()["state"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return job_id


def test_a_graceful_stop_puts_the_running_job_back_in_the_queue(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_time_limit_seconds=30)
    app = create_app(settings)
    with TestClient(app) as client:
        job_id = _running_heavy_job(app, client)
    sessions = make_sessionmaker(make_engine(settings.sqlalchemy_url))
    with sessions() as session:
        job = session.get(JobRow, job_id)
        assert job is not None and job.state == JobState.QUEUED
        assert job.attempts == 0 and job.claimed_by is None and job.error is None


def test_a_job_whose_lease_ran_out_is_retried_once_then_failed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, lease_seconds=2)
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.sessions() as session:
            headers = bearer(create_key(session, Role.SYSTEM, []).token)
        job_id = client.post("/jobs", json={"scenario": week_data()}, headers=headers).json()["id"]
        deadline = time.monotonic() + 120
        while client.get(f"/jobs/{job_id}", headers=headers).json()["state"] != "succeeded":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    # As if the process running it had died mid-solve: the row still says running, claimed by
    # a runner that renews nothing any more.
    sessions = make_sessionmaker(make_engine(settings.sqlalchemy_url))
    with sessions() as session:
        session.query(ResultRow).delete()
        job = session.get(JobRow, job_id)
        assert job is not None and job.attempts == 1
        job.state, job.claimed_by, job.lease_until = JobState.RUNNING, "gone:1:x", utcnow()
        session.commit()
    app = create_app(settings)
    with TestClient(app) as client:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        deadline = time.monotonic() + 120
        while job["state"] != "succeeded" and time.monotonic() < deadline:
            time.sleep(0.1)
            job = client.get(f"/jobs/{job_id}", headers=headers).json()
        assert job["state"] == "succeeded" and job["attempts"] == 2
    with sessions() as session:  # died again, on its last attempt
        job = session.get(JobRow, job_id)
        assert job is not None
        job.state, job.claimed_by, job.lease_until = JobState.RUNNING, "gone:2:y", utcnow()
        session.commit()
    app = create_app(settings)
    with TestClient(app) as client:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        assert job["state"] == "failed" and "used its 2 attempt(s)" in job["error"]


def test_migrations_create_a_fresh_database_and_are_idempotent(tmp_path: Path) -> None:
    for url in (f"sqlite:///{tmp_path / 'deep' / 'folder' / 'new.db'}",
                fresh_database_url(tmp_path)):  # the test PostgreSQL server's, if one is set
        engine = make_engine(url)
        migrate(engine)
        migrate(engine)
        with make_sessionmaker(engine)() as session:
            assert create_key(session, Role.SYSTEM, []).token.startswith("sk_")
        with engine.connect() as connection:  # the migrations build what the models describe
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        engine.dispose()


def test_the_suite_runs_on_the_database_it_was_given(api: Any) -> None:
    """With SCHEDULER_TEST_DATABASE_URL set (CI's second run), the servers under test really use
    PostgreSQL: a fallback to SQLite would pass everything and prove nothing."""
    dialect = api.app.state.engine.dialect.name
    assert dialect == ("postgresql" if TEST_DATABASE_URL else "sqlite")


def test_a_runner_whose_job_was_taken_over_stops_its_solve(tmp_path: Path) -> None:
    """Never twice at once: a runner that stalled past its lease finds the job claimed by
    another at its next renewal and kills its own solve without writing anything."""
    settings = make_settings(tmp_path, lease_seconds=2, max_concurrent_solves=1,
                             max_time_limit_seconds=30)
    app = create_app(settings)
    with TestClient(app) as client:
        job_id = _running_heavy_job(app, client)
        runner = app.state.runner
        (worker,) = runner._workers
        old_pid = worker.process.pid
        with app.state.sessions() as session:  # as if reaped and claimed by another runner
            job = session.get(JobRow, job_id)
            assert job is not None and job.claimed_by == runner.name
            # ... which keeps renewing its lease
            job.claimed_by, job.attempts = "elsewhere:1:x", 2
            job.lease_until = utcnow() + timedelta(minutes=5)
            session.commit()
        deadline = time.monotonic() + 30
        while runner.free_workers() == 0:
            assert time.monotonic() < deadline, "the solve was not stopped"
            time.sleep(0.1)
        assert runner._workers[0].process.pid != old_pid  # killed and replaced
        time.sleep(1.5)  # a renewal or two later: still the other runner's, untouched
        with app.state.sessions() as session:
            job = session.get(JobRow, job_id)
            assert job is not None
            assert job.claimed_by == "elsewhere:1:x" and job.state == JobState.RUNNING
            assert session.get(ResultRow, job_id) is None
            job.state = JobState.CANCELLED  # let the server stop without reaping it
            session.commit()
