"""The solve worker: a separate process that runs one job at a time, never the web server.

Messages from the server: ``("solve" | "greedy", job_id, scenario_json, options)`` or ``None``
(stop). Messages to the server: ``("progress", job_id, {...})``, ``("done", job_id,
schedule_json, validation_json)`` and ``("error", job_id, message)``.

Cancelling: the engine has no stop hook yet, and interrupting CP-SAT from outside (SIGINT) is
not safe since the engine runs several solves per job whose results it relies on (hint and
exact re-evaluation, neighbourhood moves). So the server kills the process that is solving and
asks a fresh one for the greedy baseline (``"greedy"``: a complete, valid schedule in well
under a second), which the cancelled job keeps; its status says ``greedy``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

PROGRESS_EVERY_SECONDS = 0.25


def _watch_parent() -> None:
    """End this process when the server dies (e.g. killed): its solve is of no use to anyone."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def _validation_summary(report: Any) -> dict[str, Any]:
    return {
        "ok": bool(report.ok),
        "violations": [
            {"rule": v.rule, "who": v.who, "when": v.when, "detail": v.detail}
            for v in report.violations
        ],
        "penalty_mismatches": list(report.penalty_mismatches),
        "uncovered_mismatch": report.uncovered_mismatch,
        "notes": list(report.notes),
    }


def run_job(kind: str, scenario_json: dict[str, Any], options: dict[str, Any],
            send_progress: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Solve (or plan greedily), add KPIs, check independently; JSON-ready results."""
    from scheduler.domain.scenario import Scenario
    from scheduler.results.kpi import compute_kpis, kpis_to_dict
    from scheduler.validator import check_schedule

    scenario = Scenario.model_validate(scenario_json)
    if kind == "greedy":
        from scheduler.baseline import plan_greedy

        schedule = plan_greedy(scenario)
    else:
        from scheduler.solver.engine import solve

        schedule = solve(scenario, time_limit=options["time_limit_seconds"],
                         workers=options["workers"], seed=options["seed"],
                         progress=send_progress)
    schedule = schedule.model_copy(update={"kpis": kpis_to_dict(compute_kpis(scenario, schedule))})
    report = check_schedule(scenario, schedule)
    return schedule.model_dump(mode="json"), _validation_summary(report)


class _ProgressSender:
    """The engine's progress callback: forwards at most a few reports a second."""

    def __init__(self, job_id: str, send: Callable[[tuple[Any, ...]], None]):
        self.job_id, self.send = job_id, send
        self.solutions = 0
        self.last = 0.0

    def __call__(self, p: Any) -> None:
        self.solutions += 1
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS and self.solutions > 1:
            return
        self.last = now
        with contextlib.suppress(OSError):  # the server is gone: the solve ends at its limit
            self.send(("progress", self.job_id, {
                "objective": p.objective, "bound": p.bound, "seconds": p.seconds,
                "component": p.component, "components": p.components,
                "solutions": self.solutions,
            }))


def worker_main(conn: Connection) -> None:
    """Process entry point: serve jobs until told to stop or the server goes away."""
    # Own process group: a ^C in the server's terminal reaches the server, which then stops
    # the workers in order, instead of killing solves mid-write.
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, daemon=True).start()
    send_lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with send_lock:  # CP-SAT calls back from its own threads
            conn.send(message)

    from scheduler.solver import engine  # import OR-tools once, before the first job

    del engine
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        if message is None:
            return
        kind, job_id, scenario_json, options = message
        try:
            schedule, validation = run_job(kind, scenario_json, options,
                                           _ProgressSender(job_id, send))
            reply: tuple[Any, ...] = ("done", job_id, schedule, validation)
        except Exception as exc:  # the job's failure, with its reason; the worker lives on
            reply = ("error", job_id, f"{type(exc).__name__}: {exc}"[:2000])
        try:
            send(reply)
        except OSError:
            return  # the server is gone
