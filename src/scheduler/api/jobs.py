"""Solve jobs: a queue in the database, a pool of worker processes, one dispatcher thread.

The database is the queue: a job is ``queued`` until the dispatcher claims it for an idle
worker (a conditional UPDATE, so it is claimed once), ``running`` while a worker solves it, and
then ``succeeded``, ``failed`` or ``cancelled``. Progress, results and errors come back over
the worker's pipe and are written by the dispatcher thread only.

Cancelling a running job sets its worker's cancel event (see ``worker``): the engine stops
at its next poll and the worker replies as for any solve, with the best schedule found so far,
KPIs and the validator's verdict; the job is ``cancelled`` and ``interrupted`` and keeps that
schedule (status as the engine reports it, e.g. ``feasible``). If the solve ended on its own
before it saw the signal, the job simply ``succeeded``. If no reply comes within
``cancel_grace_seconds`` (a CP-SAT part that finds no new solution only polls the signal when
its time share ends), the worker is killed and a fresh one plans the scenario greedily, so the
job still ends with a complete, valid schedule (status ``greedy``); should that also take
longer than the grace period, the job is cancelled without a schedule, with the reason.

A job is never lost: at start-up a job still marked ``running`` was interrupted by a stop of
the server (a crash or a kill), and is marked ``failed`` with that reason; ``queued`` jobs
simply run after the restart. One server process per database: a second one would take the
first one's running jobs for interrupted ones.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from scheduler.api.db import JobRow, JobState, ResultRow, utcnow
from scheduler.api.settings import Settings
from scheduler.api.worker import worker_main

log = logging.getLogger("scheduler.api.jobs")

TICK_SECONDS = 0.2
INTERRUPTED_AT_START = (
    "the server stopped while this job was running (found at start-up {at}); submit it again"
)
STOPPED_AT_SHUTDOWN = "the server shut down while this job was running; submit it again"


class QueueFull(Exception):
    """More jobs are waiting than the settings allow: the caller should retry later."""


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    cancel: Event  # set: the running solve stops and replies with its best schedule so far
    job_id: str | None = None
    started: float = 0.0
    deadline: float = 0.0
    cancel_since: float | None = None  # set when the job's cancel was signalled
    greedy_fallback: bool = False  # the solve did not stop in time: a fresh worker plans greedily


class JobRunner:
    """Owns the worker processes and the dispatcher thread of one server process."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]):
        self.settings = settings
        self.sessions = sessions
        self._ctx = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._workers: list[_Worker] = []
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._wake_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.submit_lock = threading.Lock()  # counting and inserting queued jobs is one step

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        self.recover()
        self._workers = [self._spawn() for _ in range(self.settings.max_concurrent_solves)]
        self._thread = threading.Thread(target=self._loop, name="job-dispatcher", daemon=True)
        self._thread.start()

    def recover(self) -> int:
        """Mark jobs left ``running`` by an earlier server process as failed, with the reason."""
        with self.sessions() as session:
            result = session.execute(
                update(JobRow)
                .where(JobRow.state == JobState.RUNNING)
                .values(state=JobState.FAILED, finished_at=utcnow(),
                        error=INTERRUPTED_AT_START.format(at=f"{utcnow():%Y-%m-%d %H:%M:%S}Z"))
            )
            session.commit()
            count = result.rowcount or 0  # type: ignore[attr-defined]
        if count:
            log.warning("%d job(s) were running when the server stopped; marked failed", count)
        return count

    def stop(self) -> None:
        self._stopping.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for worker in self._workers:
            if worker.job_id is not None:
                self._finish(worker.job_id, JobState.FAILED, error=STOPPED_AT_SHUTDOWN)
                worker.cancel.set()  # end the solve early, so the process can exit in order
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + 2
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker.conn.close()
        self._workers = []

    def wake(self) -> None:
        with self._wake_lock, contextlib.suppress(OSError):
            self._wake_w.send_bytes(b"")

    def free_workers(self) -> int:
        return sum(1 for w in self._workers if w.job_id is None)

    # -- submitting ---------------------------------------------------------------------

    def check_capacity(self, session: Session) -> None:
        """Raise QueueFull if another job would make the queue longer than allowed."""
        queued = session.scalar(
            select(func.count()).select_from(JobRow).where(JobRow.state == JobState.QUEUED)
        ) or 0
        if queued >= self.settings.max_queued_jobs + self.free_workers():
            raise QueueFull

    # -- the dispatcher -----------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        cancel = self._ctx.Event()
        process = self._ctx.Process(target=worker_main, args=(child, cancel),
                                    name="scheduler-solve-worker", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent, cancel)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._tick()
            except Exception:  # a bad tick must not stop the dispatcher for good
                log.exception("job dispatcher tick failed")
                time.sleep(TICK_SECONDS)

    def _tick(self) -> None:
        waitables: list[Any] = [self._wake_r]
        for worker in self._workers:
            waitables += [worker.conn, worker.process.sentinel]
        for ready in wait(waitables, timeout=TICK_SECONDS):
            if ready is self._wake_r:
                while self._wake_r.poll():
                    self._wake_r.recv_bytes()
        for index, worker in enumerate(list(self._workers)):
            self._drain(index, worker)
        if self._stopping.is_set():
            return
        self._check_running()
        self._assign()

    def _drain(self, index: int, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive() and not self._stopping.is_set():
            code = worker.process.exitcode
            if worker.job_id is not None:
                self._worker_lost(worker, f"the solve worker process stopped (exit code {code})")
            worker.conn.close()
            self._workers[index] = self._spawn()

    def _handle(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        kind, job_id = message[0], message[1]
        if job_id != worker.job_id:
            return  # a late message for a job already given up on
        if kind == "progress":
            self._progress(job_id, message[2])
        elif kind == "done":
            _, _, schedule, validation, stopped = message
            # ``stopped``: the engine saw the cancel and returned its best schedule so far;
            # the greedy fallback's schedule stands in for a solve that did not stop in time.
            self._store_result(job_id, schedule, validation,
                               interrupted=bool(stopped) or worker.greedy_fallback,
                               from_search=not worker.greedy_fallback)
            self._release(worker)
        elif kind == "error":
            cancelled = worker.cancel_since is not None
            self._finish(job_id, JobState.CANCELLED if cancelled else JobState.FAILED,
                         error=message[2])
            self._release(worker)

    def _release(self, worker: _Worker) -> None:
        worker.job_id = None
        worker.cancel_since = None
        worker.greedy_fallback = False

    def _progress(self, job_id: str, p: dict[str, Any]) -> None:
        with self.sessions() as session:
            session.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.state == JobState.RUNNING)
                .values(objective=p["objective"], bound=p["bound"], solutions=p["solutions"],
                        progress_seconds=p["seconds"], component=p["component"],
                        components=p["components"])
            )
            session.commit()

    def _store_result(self, job_id: str, schedule: dict[str, Any], validation: dict[str, Any],
                      *, interrupted: bool, from_search: bool) -> None:
        info = schedule.get("solve", {})
        with self.sessions() as session:
            job = session.get(JobRow, job_id)
            if job is None or job.state != JobState.RUNNING:
                return
            session.merge(ResultRow(job_id=job_id, schedule=schedule, validation=validation))
            job.state = JobState.CANCELLED if interrupted else JobState.SUCCEEDED
            job.interrupted = interrupted
            job.finished_at = utcnow()
            job.solver_status = info.get("status")
            if from_search:  # after a greedy fallback, the search's last figures stay
                job.objective = info.get("objective")
                job.bound = info.get("best_bound")
                job.progress_seconds = info.get("wall_seconds")
            session.commit()

    def _finish(self, job_id: str, state: JobState, *, error: str | None = None) -> None:
        with self.sessions() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id,
                       JobRow.state.in_([JobState.RUNNING, JobState.QUEUED]))
                .values(state=state, finished_at=utcnow(), error=error)
            )
            session.commit()

    def _worker_lost(self, worker: _Worker, reason: str) -> None:
        assert worker.job_id is not None
        if worker.cancel_since is not None:
            self._finish(worker.job_id, JobState.CANCELLED,
                         error=f"cancelled, without a schedule: {reason}")
        else:
            self._finish(worker.job_id, JobState.FAILED, error=reason)
        self._release(worker)

    def _replace(self, index: int, worker: _Worker) -> _Worker:
        """Kill ``worker``'s process and put a fresh one in its place (job bookkeeping kept)."""
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        fresh = self._spawn()
        fresh.job_id, fresh.deadline = worker.job_id, worker.deadline
        fresh.cancel_since, fresh.greedy_fallback = worker.cancel_since, worker.greedy_fallback
        self._workers[index] = fresh
        return fresh

    def _kill(self, index: int, worker: _Worker, reason: str) -> None:
        self._worker_lost(self._replace(index, worker), reason)

    def _cancel_running(self, worker: _Worker) -> None:
        """Signal the solve to stop; its reply (the best schedule so far) is awaited as usual."""
        worker.cancel_since = time.monotonic()
        worker.deadline = worker.cancel_since + self.settings.cancel_grace_seconds
        worker.cancel.set()

    def _fall_back_to_greedy(self, index: int, worker: _Worker) -> None:
        """The solve did not stop in time: kill it; a fresh worker plans greedily so the job
        keeps a complete, valid schedule."""
        with self.sessions() as session:
            job = session.get(JobRow, worker.job_id)
            document = job.scenario.document if job is not None else None
        worker.greedy_fallback = True
        worker.deadline = time.monotonic() + self.settings.cancel_grace_seconds
        fresh = self._replace(index, worker)
        if document is None:
            self._release(fresh)
            return
        with contextlib.suppress(OSError):  # a dead worker is noticed on the next tick
            fresh.conn.send(("greedy", fresh.job_id, document, {}))

    def _check_running(self) -> None:
        busy = {w.job_id: w for w in self._workers if w.job_id is not None}
        if not busy:
            return
        with self.sessions() as session:
            wanted = set(session.scalars(
                select(JobRow.id).where(JobRow.id.in_(busy), JobRow.cancel_requested)
            ))
        now = time.monotonic()
        for index, worker in enumerate(list(self._workers)):
            if worker.job_id is None:
                continue
            grace = self.settings.cancel_grace_seconds
            if worker.job_id in wanted and worker.cancel_since is None:
                self._cancel_running(worker)
            elif now <= worker.deadline:
                continue
            elif worker.cancel_since is not None and not worker.greedy_fallback:
                log.warning("job %s did not stop within %g s of its cancel; planning it "
                            "greedily instead", worker.job_id, grace)
                self._fall_back_to_greedy(index, worker)
            else:
                reason = (f"the solve did not stop within {grace:g} s of the cancel, and the "
                          f"greedy schedule in its place took longer than {grace:g} s too"
                          if worker.cancel_since is not None else
                          f"the solve ran more than {self.settings.job_timeout_slack_seconds:g} s "
                          "past its time limit and was stopped")
                self._kill(index, worker, reason)

    def _assign(self) -> None:
        for worker in self._workers:
            if worker.job_id is not None:
                continue
            claimed = self._claim()
            if claimed is None:
                return
            job_id, document, options = claimed
            worker.cancel.clear()  # a cancel of the worker's previous job must not stop this one
            worker.job_id = job_id
            worker.started = time.monotonic()
            worker.deadline = (worker.started + options["time_limit_seconds"]
                               + self.settings.job_timeout_slack_seconds)
            # A dead worker is noticed on the next tick and its job marked failed.
            with contextlib.suppress(OSError):
                worker.conn.send(("solve", job_id, document, options))

    def _claim(self) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        with self.sessions() as session:
            while True:
                job = session.scalars(
                    select(JobRow).where(JobRow.state == JobState.QUEUED)
                    .order_by(JobRow.created_at, JobRow.id).limit(1)
                ).first()
                if job is None:
                    return None
                claimed = session.execute(
                    update(JobRow).where(JobRow.id == job.id, JobRow.state == JobState.QUEUED)
                    .values(state=JobState.RUNNING, started_at=utcnow())
                )
                session.commit()
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    options = {"time_limit_seconds": job.time_limit_seconds,
                               "workers": job.workers, "seed": job.seed}
                    return job.id, job.scenario.document, options


def queue_position(session: Session, job: JobRow) -> int | None:
    """1 for the next job to run; None unless queued."""
    if job.state != JobState.QUEUED:
        return None
    ahead = session.scalar(
        select(func.count()).select_from(JobRow).where(
            JobRow.state == JobState.QUEUED,
            (JobRow.created_at < job.created_at)
            | ((JobRow.created_at == job.created_at) & (JobRow.id < job.id)),
        )
    ) or 0
    return ahead + 1


def wait_until_finished(sessions: sessionmaker[Session], job_id: str, seconds: float) -> None:
    """Poll until the job is finished or ``seconds`` have passed (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sessions() as session:
            state = session.scalar(select(JobRow.state).where(JobRow.id == job_id))
        if state is None or state in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED):
            return
        time.sleep(0.05)
