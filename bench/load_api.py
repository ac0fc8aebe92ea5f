"""Load test for the HTTP API (not a unit test): many small solve jobs at once, none lost.

Starts `--servers` `scheduler serve` processes (each with `--server-solvers` solve processes)
and `--workers` `scheduler worker` processes on free 127.0.0.1 ports and one database (a fresh
SQLite file, or with `--postgres URL` a fresh database created on that PostgreSQL server and
dropped afterwards), issues a key, submits the jobs from many threads at once, spread over the
servers (a 429 is retried after its Retry-After, and a server that does not answer is skipped
for the next, as a proxy would), polls every job until it is finished, and prints:

    submitted, completed (succeeded), failed, cancelled, lost (never seen finished), jobs
    started more than once (their runner died: the lease), results stored, and the p50/p95
    latency of submit and of status requests.

`--kill-server-after S` kills the first server (SIGKILL: no chance to tidy up) S seconds after
the first submit, with whatever it was solving.

    python bench/load_api.py [--jobs 100] [--concurrency 25] [--solvers 2] [--timeout 600]
    python bench/load_api.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        --jobs 200 --servers 2 --workers 2 --server-solvers 1 --kill-server-after 20
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from scheduler.api.db import JobRow, ResultRow, make_engine, make_sessionmaker
from scheduler.api.examples import example_scenario

FINISHED = {"succeeded", "failed", "cancelled"}
SCHEDULER = [sys.executable, "-m", "scheduler"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Bench:
    def __init__(self, bases: list[str], token: str, timeout: float):
        self.bases, self.timeout = bases, timeout
        self.headers = {"Authorization": f"Bearer {token}"}
        self.submit_ms: list[float] = []
        self.status_ms: list[float] = []
        self.retries_429 = 0
        self.failovers = 0
        self.lock = threading.Lock()

    def _request(self, index: int, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send to the servers in turn from ``index``: a dead one is skipped (as a proxy
        would), so the request fails only if none answers."""
        error: Exception | None = None
        for base in itertools.islice(itertools.cycle(self.bases), index % len(self.bases),
                                     index % len(self.bases) + len(self.bases)):
            try:
                return httpx.request(method, base + path, headers=self.headers, timeout=60,
                                     **kwargs)
            except httpx.TransportError as exc:
                error = exc
                with self.lock:
                    self.failovers += 1
        assert error is not None
        raise error

    def submit(self, index: int) -> str | None:
        body = {"scenario": example_scenario(name=f"load-{index}"), "time_limit_seconds": 2,
                "workers": 1, "seed": index}
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = self._request(index, "POST", "/jobs", json=body)
            except httpx.TransportError:
                time.sleep(1)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.submit_ms.append(elapsed)
            if response.status_code == 202:
                return str(response.json()["id"])
            if response.status_code == 429:
                with self.lock:
                    self.retries_429 += 1
                time.sleep(float(response.headers.get("retry-after", "1")))
                continue
            print(f"submit {index}: HTTP {response.status_code} {response.text[:200]}",
                  file=sys.stderr)
            return None
        return None

    def poll(self, item: tuple[int, str]) -> str:
        """The job's final state, or 'lost' if it never shows one before the deadline."""
        index, job_id = item
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = self._request(index, "GET", f"/jobs/{job_id}")
            except httpx.TransportError:
                time.sleep(1)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.status_ms.append(elapsed)
            if response.status_code != 200:
                return "lost"
            state = str(response.json()["state"])
            if state in FINISHED:
                return state
            time.sleep(0.5)
        return "lost"


def _up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit("a server exited at start-up")
        time.sleep(0.2)
    raise SystemExit("a server did not start within 60 s")


def _fresh_postgres(admin_url: str) -> tuple[str, Any]:
    """A new database on the server of ``admin_url``, and how to drop it."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = f"load_{secrets.token_hex(4)}"
    params = dict(host=url.host, port=url.port, user=url.username, password=url.password,
                  dbname=url.database, autocommit=True)
    with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=25, help="client threads")
    parser.add_argument("--solvers", type=int, default=os.cpu_count() or 2,
                        help="solve processes of a single server (SCHEDULER_MAX_CONCURRENT_SOLVES)")
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="`scheduler worker` processes")
    parser.add_argument("--server-solvers", type=int, default=None,
                        help="solve processes per server when there are workers (0: none)")
    parser.add_argument("--kill-server-after", type=float, default=None, metavar="S")
    parser.add_argument("--postgres", metavar="URL", default=None,
                        help="an existing database on the PostgreSQL server to use (a fresh "
                        "one is created beside it)")
    parser.add_argument("--lease", type=float, default=5, help="SCHEDULER_LEASE_SECONDS")
    parser.add_argument("--timeout", type=float, default=900, help="seconds, for everything")
    args = parser.parse_args()
    server_solvers = args.solvers if args.server_solvers is None else args.server_solvers

    drop = None
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            url, drop = _fresh_postgres(args.postgres)
        else:
            url = f"sqlite:///{Path(tmp) / 'load.db'}"
        env = {**os.environ, "SCHEDULER_DATABASE_URL": url, "SCHEDULER_MAX_SOLVER_WORKERS": "1",
               "SCHEDULER_LEASE_SECONDS": str(args.lease),
               "SCHEDULER_RATE_LIMIT": "100000/minute",
               "SCHEDULER_MAX_QUEUED_JOBS_PER_KEY": str(args.jobs)}
        token = subprocess.run([*SCHEDULER, "keys", "create", "--role", "system", "--name",
                                "load test"], env=env, capture_output=True, text=True,
                               check=True).stdout.strip()
        try:
            ports = [free_port() for _ in range(args.servers)]
            for port in ports:
                server_env = {**env,
                              "SCHEDULER_MAX_CONCURRENT_SOLVES": str(max(1, server_solvers)),
                              "SCHEDULER_RUN_JOBS": "true" if server_solvers else "false"}
                process = subprocess.Popen(
                    [*SCHEDULER, "serve", "--port", str(port), "--log-level", "warning"],
                    env=server_env)
                processes.append(process)
                _up(port, process)
            for _ in range(args.workers):
                processes.append(subprocess.Popen(
                    [*SCHEDULER, "worker"], env={**env, "SCHEDULER_MAX_CONCURRENT_SOLVES": "1"}))
            bench = Bench([f"http://127.0.0.1:{p}" for p in ports], token, args.timeout)
            started = time.perf_counter()
            killed_at: list[float] = []
            if args.kill_server_after is not None:
                def kill() -> None:
                    processes[0].send_signal(signal.SIGKILL)
                    killed_at.append(time.perf_counter() - started)

                threading.Timer(args.kill_server_after, kill).start()
            with ThreadPoolExecutor(args.concurrency) as pool:
                ids = list(pool.map(bench.submit, range(args.jobs)))
            submitted = [(i, job_id) for i, job_id in enumerate(ids) if job_id is not None]
            submit_seconds = time.perf_counter() - started
            with ThreadPoolExecutor(args.concurrency) as pool:
                states = list(pool.map(bench.poll, submitted))
            total_seconds = time.perf_counter() - started
            engine = make_engine(url)
            with make_sessionmaker(engine)() as session:
                attempts = dict(session.execute(
                    select(JobRow.attempts, func.count()).group_by(JobRow.attempts)).all())
                results = session.scalar(select(func.count()).select_from(ResultRow)) or 0
            engine.dispose()
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            if drop is not None:
                drop()

    counts: dict[str, Any] = {s: states.count(s) for s in ("succeeded", "failed", "cancelled")}
    lost = args.jobs - len(submitted) + states.count("lost")
    print(f"jobs: {args.jobs} attempted, {len(submitted)} submitted "
          f"({bench.retries_429} retries after 429, {bench.failovers} requests sent on to "
          f"another server), {counts['succeeded']} completed, {counts['failed']} failed, "
          f"{counts['cancelled']} cancelled, {lost} lost")
    print(f"setup: {args.servers} server(s) × {server_solvers} solve process(es), "
          f"{args.workers} worker(s), {'PostgreSQL' if args.postgres else 'SQLite'}"
          + (f"; server 1 killed at {killed_at[0]:.1f} s" if killed_at else ""))
    print(f"jobs by number of starts: {dict(sorted(attempts.items()))}; results stored: "
          f"{results} (one per job at most: the table is keyed by job)")
    print(f"time: all submitted in {submit_seconds:.1f} s, all finished in {total_seconds:.1f} s")
    for name, values in (("submit", bench.submit_ms), ("status", bench.status_ms)):
        print(f"{name:>6} latency: p50 {percentile(values, 0.5):7.1f} ms   "
              f"p95 {percentile(values, 0.95):7.1f} ms   "
              f"mean {statistics.fmean(values) if values else float('nan'):7.1f} ms   "
              f"({len(values)} requests)")
    if lost or results < counts["succeeded"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
