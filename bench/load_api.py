"""Load test for the HTTP API (not a unit test): 100 small solve jobs at once, none lost.

Starts `scheduler serve` on a free 127.0.0.1 port with a fresh SQLite file, issues a key,
submits the jobs from many threads at once (a 429 is retried after its Retry-After, as a
client should), polls every job until it is finished, and prints:

    submitted, completed (succeeded), failed, lost (never seen finished), and the p50/p95
    latency of submit and of status requests.

    python bench/load_api.py [--jobs 100] [--concurrency 25] [--solvers 2] [--timeout 600]
"""

from __future__ import annotations

import argparse
import os
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

from scheduler.api.examples import example_scenario

FINISHED = {"succeeded", "failed", "cancelled"}


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
    def __init__(self, base: str, token: str, timeout: float):
        self.base, self.timeout = base, timeout
        self.headers = {"Authorization": f"Bearer {token}"}
        self.submit_ms: list[float] = []
        self.status_ms: list[float] = []
        self.retries_429 = 0
        self.lock = threading.Lock()

    def submit(self, index: int) -> str | None:
        body = {"scenario": example_scenario(name=f"load-{index}"), "time_limit_seconds": 2,
                "workers": 1, "seed": index}
        deadline = time.monotonic() + self.timeout
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=60) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = client.post("/jobs", json=body)
                elapsed = (time.perf_counter() - started) * 1000
                with self.lock:
                    self.submit_ms.append(elapsed)
                if response.status_code == 202:
                    return response.json()["id"]
                if response.status_code == 429:
                    with self.lock:
                        self.retries_429 += 1
                    time.sleep(float(response.headers.get("retry-after", "1")))
                    continue
                print(f"submit {index}: HTTP {response.status_code} {response.text[:200]}",
                      file=sys.stderr)
                return None
        return None

    def poll(self, job_id: str) -> str:
        """The job's final state, or 'lost' if it never shows one before the deadline."""
        deadline = time.monotonic() + self.timeout
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=60) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = client.get(f"/jobs/{job_id}")
                elapsed = (time.perf_counter() - started) * 1000
                with self.lock:
                    self.status_ms.append(elapsed)
                if response.status_code != 200:
                    return "lost"
                state = response.json()["state"]
                if state in FINISHED:
                    return state
                time.sleep(0.5)
        return "lost"


def start_server(db: Path, port: int, solvers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCHEDULER_DB_PATH": str(db),
           "SCHEDULER_MAX_CONCURRENT_SOLVES": str(solvers), "SCHEDULER_MAX_SOLVER_WORKERS": "1"}
    token = subprocess.run([sys.executable, "-m", "scheduler", "keys", "create", "--role",
                            "system", "--name", "load test"], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    env["LOAD_TOKEN"] = token
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"], env=env,
    )
    process.token = token  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit("the server exited at start-up")
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=25, help="client threads")
    parser.add_argument("--solvers", type=int, default=os.cpu_count() or 2,
                        help="server worker processes (SCHEDULER_MAX_CONCURRENT_SOLVES)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds, for everything")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "load.db", port, args.solvers)
        try:
            bench = Bench(f"http://127.0.0.1:{port}", server.token,  # type: ignore[attr-defined]
                          args.timeout)
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                ids = list(pool.map(bench.submit, range(args.jobs)))
            submitted = [job_id for job_id in ids if job_id is not None]
            submit_seconds = time.perf_counter() - started
            with ThreadPoolExecutor(args.concurrency) as pool:
                states = list(pool.map(bench.poll, submitted))
            total_seconds = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)

    counts: dict[str, Any] = {s: states.count(s) for s in ("succeeded", "failed", "cancelled")}
    lost = args.jobs - len(submitted) + states.count("lost")
    print(f"jobs: {args.jobs} attempted, {len(submitted)} submitted "
          f"({bench.retries_429} retries after 429), {counts['succeeded']} completed, "
          f"{counts['failed']} failed, {counts['cancelled']} cancelled, {lost} lost")
    print(f"time: all submitted in {submit_seconds:.1f} s, all finished in {total_seconds:.1f} s "
          f"({args.solvers} solver processes)")
    for name, values in (("submit", bench.submit_ms), ("status", bench.status_ms)):
        print(f"{name:>6} latency: p50 {percentile(values, 0.5):7.1f} ms   "
              f"p95 {percentile(values, 0.95):7.1f} ms   "
              f"mean {statistics.fmean(values) if values else float('nan'):7.1f} ms   "
              f"({len(values)} requests)")
    if lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
