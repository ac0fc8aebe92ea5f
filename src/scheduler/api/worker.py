"""The solve worker: a separate process that runs one job at a time, never the web server.

Messages from the server: ``("run", job_id, scenario_json, options)`` or ``None`` (stop).
Messages to the server: ``("progress", job_id, {...})``, ``("done", job_id, schedule_json,
validation_json, interrupted)`` and ``("error", job_id, message)``.

Cancelling: CP-SAT stops a search gracefully on SIGINT (``catch_sigint_signal``, on by
default) and the engine then returns the best schedule found so far. CP-SAT installs that
handler only while it solves and resets SIGINT to the default (terminate) afterwards, so a
watcher thread signals the main thread only while CP-SAT's handler is the one installed,
once per solve (the engine may run several: one per independent part). If a solve is still
going after ``cancel_grace_seconds`` the server kills this process instead (no schedule).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from typing import Any

PROGRESS_EVERY_SECONDS = 0.25
_SIG_DFL, _SIG_IGN = 0, 1


class _SigintDisposition:
    """Reads the C-level SIGINT handler (Python's ``signal.getsignal`` only knows its own)."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("c")
        self._libc = ctypes.CDLL(name, use_errno=True) if name else None

    def current(self) -> int | None:
        if self._libc is None:
            return None
        buffer = ctypes.create_string_buffer(512)  # > sizeof(struct sigaction) everywhere
        if self._libc.sigaction(signal.SIGINT, None, buffer) != 0:
            return None
        # sa_handler is the first member of struct sigaction on Linux (glibc, musl) and macOS.
        return ctypes.c_void_p.from_buffer(buffer).value or _SIG_DFL


def _watch_cancel(cancel: Event, interrupted: threading.Event) -> None:
    """Interrupt each CP-SAT search once while ``cancel`` is set; end the process if the server
    is gone. Runs for the process' life."""
    disposition = _SigintDisposition()
    main = threading.main_thread().ident
    parent = os.getppid()
    armed = True
    while True:
        if not cancel.wait(0.5):
            if os.getppid() != parent:
                os._exit(0)  # the server died (e.g. killed): its solve is of no use to anyone
            armed = True
            continue
        handler = disposition.current()
        if handler is None:  # cannot tell safely: the server's grace period kills the solve
            time.sleep(0.5)
            continue
        solving = handler not in (_SIG_DFL, _SIG_IGN)
        if solving and armed and main is not None:
            signal.pthread_kill(main, signal.SIGINT)
            interrupted.set()
            armed = False  # CP-SAT exits after a third ^C: one per search is enough
        elif not solving:
            armed = True
        time.sleep(0.05)


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


def run_job(scenario_json: dict[str, Any], options: dict[str, Any],
            send_progress: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Solve, add KPIs, check independently; JSON-ready schedule and validation summary."""
    from scheduler.domain.scenario import Scenario
    from scheduler.results.kpi import compute_kpis, kpis_to_dict
    from scheduler.solver.engine import solve
    from scheduler.validator import check_schedule

    scenario = Scenario.model_validate(scenario_json)
    schedule = solve(scenario, time_limit=options["time_limit_seconds"],
                     workers=options["workers"], seed=options["seed"], progress=send_progress)
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


def worker_main(conn: Connection, cancel: Event) -> None:
    """Process entry point: serve jobs until told to stop or the server goes away."""
    # Own process group: a ^C in the server's terminal reaches the server, which then stops
    # the workers in order, instead of killing solves mid-write.
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    interrupted = threading.Event()
    threading.Thread(target=_watch_cancel, args=(cancel, interrupted), daemon=True).start()
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
        _, job_id, scenario_json, options = message
        interrupted.clear()
        progress = _ProgressSender(job_id, send)
        try:
            schedule, validation = run_job(scenario_json, options, progress)
            reply: tuple[Any, ...] = ("done", job_id, schedule, validation, interrupted.is_set())
        except Exception as exc:  # the job's failure, with its reason; the worker lives on
            reply = ("error", job_id, f"{type(exc).__name__}: {exc}"[:2000])
        try:
            send(reply)
        except OSError:
            return  # the server is gone
