"""Several servers and workers on one database (issue 15): two `scheduler serve` processes that
only answer requests and two `scheduler worker` processes that solve. A job submitted to one
server is cancelled through the other; a worker killed mid-solve loses its lease and the other
worker takes the job up (its second attempt); every job ends in a definite state; a worker
stopped in order puts its job back in the queue.

On SQLite by default; on the test PostgreSQL server when SCHEDULER_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from apihelpers import bearer, fresh_database_url, wait_until_serving

from builders import heavy_data, week_data
from scheduler.api.db import JobRow, make_engine, make_sessionmaker

SCHEDULER = [sys.executable, "-m", "scheduler"]
FINISHED = {"succeeded", "failed", "cancelled"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "SCHEDULER_DATABASE_URL": url, "SCHEDULER_MAX_CONCURRENT_SOLVES": "1",
            "SCHEDULER_MAX_TIME_LIMIT_SECONDS": "30", "SCHEDULER_MAX_SOLVER_WORKERS": "1",
            "SCHEDULER_LEASE_SECONDS": "3", "SCHEDULER_CANCEL_WAIT_SECONDS": "20", **extra}


@contextmanager
def _process(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([*SCHEDULER, *args], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait(base: str, headers: dict[str, str], job_id: str, states: set[str],
          timeout: float = 150) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = httpx.get(f"{base}/jobs/{job_id}", headers=headers, timeout=10).json()
        if job["state"] in states or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_two_servers_two_workers_cancel_across_and_a_killed_worker(tmp_path: Path) -> None:
    url = fresh_database_url(tmp_path)
    created = subprocess.run([*SCHEDULER, "keys", "create", "--role", "system"], env=_env(url),
                             capture_output=True, text=True, check=True)
    headers = bearer(created.stdout.strip())
    ports = [_free_port(), _free_port()]
    a, b = (f"http://127.0.0.1:{p}" for p in ports)
    serving = _env(url, SCHEDULER_RUN_JOBS="false")
    with ExitStack() as stack:
        servers = [stack.enter_context(_process(["serve", "--port", str(p), "--log-level",
                                                 "warning"], serving)) for p in ports]
        workers = {}
        for _ in range(2):
            worker = stack.enter_context(_process(["worker"], _env(url)))
            workers[worker.pid] = worker
        wait_until_serving(a, servers[0])
        wait_until_serving(b, servers[1])

        # Submitted to A, cancelled through B: the worker holding it sees the cancel.
        long = httpx.post(f"{a}/jobs", json={"scenario": heavy_data(), "time_limit_seconds": 25},
                          headers=headers, timeout=10).json()["id"]
        assert _wait(b, headers, long, {"running"})["state"] == "running"
        time.sleep(1)
        cancel = httpx.post(f"{b}/jobs/{long}/cancel", headers=headers, timeout=40)
        assert cancel.status_code == 200, cancel.text
        assert cancel.json()["job"]["state"] == "cancelled"
        assert cancel.json()["result"]["validation"]["ok"] is True

        # A worker killed mid-solve: the other one takes the job up when the lease runs out.
        doomed = httpx.post(f"{a}/jobs", json={"scenario": heavy_data(), "time_limit_seconds": 4},
                            headers=headers, timeout=10).json()["id"]
        assert _wait(b, headers, doomed, {"running"})["state"] == "running"
        small = [httpx.post(f"{(a, b)[i % 2]}/jobs", json={"scenario": week_data()},
                            headers=headers, timeout=10).json()["id"] for i in range(4)]
        sessions = make_sessionmaker(make_engine(url))
        with sessions() as session:
            job = session.get(JobRow, doomed)
            assert job is not None and job.claimed_by is not None
            first_runner = job.claimed_by
        pid = int(first_runner.split(":")[1])
        workers[pid].send_signal(signal.SIGKILL)
        workers[pid].wait(timeout=10)
        retried = _wait(a, headers, doomed, FINISHED)
        assert retried["state"] == "succeeded" and retried["attempts"] == 2, retried
        with sessions() as session:
            job = session.get(JobRow, doomed)
            assert job is not None and job.claimed_by not in (None, first_runner)
        for job_id in small:
            done = _wait(b, headers, job_id, FINISHED)
            assert done["state"] == "succeeded" and done["attempts"] == 1, done
        listed = httpx.get(f"{a}/jobs", headers=headers, timeout=10).json()
        assert {j["state"] for j in listed} <= FINISHED and len(listed) == 6

        # `scheduler worker` stopped in order (SIGTERM): its running job goes back to the
        # queue, the attempt not counted; with no runner left it waits there.
        last = httpx.post(f"{a}/jobs", json={"scenario": heavy_data(), "time_limit_seconds": 25},
                          headers=headers, timeout=10).json()["id"]
        assert _wait(b, headers, last, {"running"})["state"] == "running"
        (survivor,) = [w for w in workers.values() if w.poll() is None]
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(timeout=60) == 0
        job = httpx.get(f"{b}/jobs/{last}", headers=headers, timeout=10).json()
        assert job["state"] == "queued" and job["attempts"] == 0, job
