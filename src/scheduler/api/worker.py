"""The solve worker: a separate process that runs one job at a time, never the web server.

Messages from the server: ``("solve" | "greedy", job_id, scenario_json, options)`` or ``None``
(stop). Messages to the server: ``("progress", job_id, {...})``, ``("done", job_id,
schedule_json, validation_json, stopped, costs_json)`` and ``("error", job_id, message)``.

Cancelling: each worker is given a ``multiprocessing.Event`` by the server when it is spawned.
The server sets it to cancel the running solve (and clears it before it hands out the next
job); the engine polls it (``solve(..., stop=...)``) between neighbourhood-search moves, at each
CP-SAT solution and before each part, and then returns the best schedule found so far: complete
and valid, since the search starts from the greedy schedule and only improves on it. The worker
adds KPIs and the validator's verdict as for any solve and replies ``"done"`` with ``stopped``
true when the engine saw the signal (false: the solve ended on its own before the cancel
reached it). Only if no reply comes within the server's grace period (a CP-SAT part that finds
no new solution polls the signal only when its time share ends) is the process killed and a
fresh one asked for the greedy baseline (``"greedy"``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.planning.pipeline import plan
from scheduler.results.costing import compute_costs

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


def cost_summary(scenario: Scenario, schedule: Any) -> dict[str, Any]:
    """What the schedule costs and earns (``results.costing``): totals and per unit, kr."""
    report = compute_costs(scenario, schedule)
    return {"currency": report.currency,
            "total": {k: round(float(v), 2) for k, v in report.total.items()},
            "by_unit": [{"unit": unit, **{k: round(float(v), 2) for k, v in parts.items()}}
                        for unit, parts in report.by_unit.items()]}


def run_job(kind: str, scenario_json: dict[str, Any], options: dict[str, Any],
            send_progress: Any, stop: Callable[[], bool] | None = None
            ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Solve (or plan greedily), add KPIs and costs, check independently; JSON-ready results.
    ``stop`` goes to the engine: once it answers True the solve returns its best schedule so
    far."""
    scenario = Scenario.model_validate(scenario_json)
    # A greedy fallback comes without solver options: it has none to use.
    planned = plan(scenario, planner="greedy" if kind == "greedy" else "engine",
                   time_limit=options.get("time_limit_seconds"), workers=options.get("workers"),
                   seed=options.get("seed"), progress=send_progress, stop=stop)
    return (planned.schedule.model_dump(mode="json"), _validation_summary(planned.report),
            cost_summary(scenario, planned.schedule))


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


class _StopSignal:
    """The engine's ``stop`` hook for one job: the worker's cancel event, and whether the
    engine has seen it set (then the schedule it returns is the best found so far)."""

    def __init__(self, cancel: Event):
        self.cancel = cancel
        self.seen = False

    def __call__(self) -> bool:
        if self.cancel.is_set():
            self.seen = True
        return self.seen


def worker_main(conn: Connection, cancel: Event) -> None:
    """Process entry point: serve jobs until told to stop or the server goes away. ``cancel``
    is set by the server to stop the running solve early (cleared by it between jobs)."""
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

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        if message is None:
            return
        kind, job_id, scenario_json, options = message
        stop = _StopSignal(cancel)
        try:
            schedule, validation, costs = run_job(kind, scenario_json, options,
                                                  _ProgressSender(job_id, send), stop)
            reply: tuple[Any, ...] = ("done", job_id, schedule, validation, stop.seen, costs)
        except Exception as exc:  # the job's failure, with its reason; the worker lives on
            reply = ("error", job_id, f"{type(exc).__name__}: {exc}"[:2000])
        try:
            send(reply)
        except OSError:
            return  # the server is gone
