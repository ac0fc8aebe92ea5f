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

Several servers and workers on one database (``scheduler serve`` and ``scheduler worker``
each run a ``JobRunner``): a claim is a lease. The runner that claims a job writes its id
(``claimed_by``) and ``lease_until`` in the same conditional UPDATE, so a job is claimed once;
it renews the lease of its running jobs every ``lease_seconds / 3`` and writes progress,
results and errors only while the job is still claimed by it. Every runner also reaps: a
running job whose lease ran out (its server or worker was killed, lost the network, or stopped
without tidying up) goes back to the queue if it has attempts left (``max_attempts``, 2 by
default: one retry) and is failed with the reason otherwise; a job whose cancel was asked is
cancelled instead. A runner that finds its renewal refused (its job was reaped meanwhile)
kills that solve at once, so the two runs overlap by at most one renewal period and only one
of them can store a result. Cancelling works from any server: the cancel is a column, which
the runner holding the job polls. A graceful stop puts the runner's running jobs back in the
queue (the attempt is not counted). Queued jobs are claimed fairly: first from the key with
the fewest running jobs, then oldest first.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from scheduler.api.callbacks import CallbackSender
from scheduler.api.db import JobRow, JobState, ResultRow, utcnow
from scheduler.api.settings import Settings
from scheduler.api.worker import worker_main

log = logging.getLogger("scheduler.api.jobs")

TICK_SECONDS = 0.2
LEASE_LOST = (
    "the server or worker running this job stopped without finishing it (its lease ran out "
    "at {at}), and it has used its {attempts} attempt(s); submit it again"
)
CANCELLED_LEASE_LOST = "cancelled: the server or worker running it stopped before it replied"


class QueueFull(Exception):
    """More jobs are waiting than the settings allow: the caller should retry later."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def runner_name() -> str:
    """This runner's id in ``claimed_by``: host, process and a random part (a restarted
    process with the same pid is another runner)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


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
    """Owns the worker processes and the dispatcher thread of one server or `scheduler worker`
    process; several may share one database (the leases above)."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]):
        self.settings = settings
        self.sessions = sessions
        self.name = runner_name()
        self.callbacks = CallbackSender(settings.callback_secret)
        self._last_lease_check = 0.0
        self._ctx = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._workers: list[_Worker] = []
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._wake_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.submit_lock = threading.Lock()  # counting and inserting queued jobs is one step

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        self.reap()
        self._workers = [self._spawn() for _ in range(self.settings.max_concurrent_solves)]
        self._thread = threading.Thread(target=self._loop, name="job-dispatcher", daemon=True)
        self._thread.start()

    def _lease_end(self) -> Any:
        return utcnow() + timedelta(seconds=self.settings.lease_seconds)

    def reap(self) -> int:
        """Jobs whose lease ran out: back to the queue while attempts are left, else failed
        with the reason (cancelled if a cancel was asked). Any runner may do it; each change
        is conditional on the lease still being expired, so two reapers do it once."""
        now = utcnow()
        expired = and_(JobRow.state == JobState.RUNNING,
                       or_(JobRow.lease_until.is_(None), JobRow.lease_until < now))
        done: list[str] = []
        retried = 0
        with self.sessions() as session:
            rows = session.execute(
                select(JobRow.id, JobRow.attempts, JobRow.cancel_requested).where(expired)
            ).all()
            for job_id, attempts, cancel_requested in rows:
                this = and_(JobRow.id == job_id, expired)
                if cancel_requested:
                    values: dict[str, Any] = dict(state=JobState.CANCELLED, finished_at=now,
                                                  error=CANCELLED_LEASE_LOST)
                elif attempts < self.settings.max_attempts:
                    values = dict(state=JobState.QUEUED, claimed_by=None, lease_until=None,
                                  started_at=None, objective=None, bound=None, solutions=0,
                                  progress_seconds=None, component=None, components=None)
                else:
                    values = dict(state=JobState.FAILED, finished_at=now, error=LEASE_LOST.format(
                        at=f"{now:%Y-%m-%d %H:%M:%S}Z", attempts=attempts))
                changed = session.execute(update(JobRow).where(this).values(**values))
                session.commit()
                if changed.rowcount == 1:  # type: ignore[attr-defined]
                    if values["state"] == JobState.QUEUED:
                        retried += 1
                    else:
                        done.append(job_id)
        if rows:
            log.warning("%d job(s) lost their lease: %d queued again, %d ended", len(rows),
                        retried, len(done))
        for job_id in done:
            self._notify(job_id)
        return retried + len(done)

    def _renew(self) -> None:
        """Extend the lease of this runner's running jobs; a job no longer ours (reaped while
        this runner was stalled) is stopped at once, without writing anything."""
        busy = {w.job_id for w in self._workers if w.job_id is not None}
        if not busy:
            return
        with self.sessions() as session:
            session.execute(
                update(JobRow).where(JobRow.id.in_(busy), JobRow.claimed_by == self.name,
                                     JobRow.state == JobState.RUNNING)
                .values(lease_until=self._lease_end())
            )
            session.commit()
            ours = set(session.scalars(
                select(JobRow.id).where(JobRow.id.in_(busy), JobRow.claimed_by == self.name,
                                        JobRow.state == JobState.RUNNING)
            ))
        for index, worker in enumerate(list(self._workers)):
            if worker.job_id is not None and worker.job_id not in ours:
                log.warning("job %s is no longer claimed by this runner; its solve is stopped",
                            worker.job_id)
                self._release(self._replace(index, worker))

    def stop(self) -> None:
        self._stopping.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for worker in self._workers:
            if worker.job_id is not None:
                self._give_back(worker.job_id)
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

    def check_capacity(self, session: Session, key_id: str) -> None:
        """Raise QueueFull if another job would make the queue longer than allowed, in all or
        for this key (so one unit's key cannot fill the queue for everyone)."""
        queued = session.scalar(
            select(func.count()).select_from(JobRow).where(JobRow.state == JobState.QUEUED)
        ) or 0
        if queued >= self.settings.max_queued_jobs + self.free_workers():
            raise QueueFull(f"the job queue is full ({self.settings.max_queued_jobs} waiting); "
                            "try again later")
        own = session.scalar(
            select(func.count()).select_from(JobRow)
            .where(JobRow.state == JobState.QUEUED, JobRow.created_by == key_id)
        ) or 0
        if own >= self.settings.max_queued_jobs_per_key:
            raise QueueFull(f"this key has {own} jobs waiting, the most one key may have "
                            f"({self.settings.max_queued_jobs_per_key}); try again when one "
                            "has started")

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
        now = time.monotonic()
        if now - self._last_lease_check >= self.settings.lease_seconds / 3:
            self._last_lease_check = now
            self._renew()
            self.reap()
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
            if worker.job_id is not None and worker.cancel_since is None:
                self._retry_or_fail(worker.job_id,
                                    f"the solve worker process stopped (exit code {code})")
                self._release(worker)
            elif worker.job_id is not None:
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
            _, _, schedule, validation, stopped, costs = message
            # ``stopped``: the engine saw the cancel and returned its best schedule so far;
            # the greedy fallback's schedule stands in for a solve that did not stop in time.
            try:
                self._store_result(job_id, schedule, validation, costs,
                                   interrupted=bool(stopped) or worker.greedy_fallback,
                                   from_search=not worker.greedy_fallback)
            except Exception as exc:  # e.g. the database refused it: never keep it running
                log.exception("job %s: storing the result failed", job_id)
                self._finish(job_id, JobState.FAILED,
                             error=f"the result could not be stored: {type(exc).__name__}")
            finally:
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

    def _ours(self, job_id: str) -> Any:
        return and_(JobRow.id == job_id, JobRow.state == JobState.RUNNING,
                    JobRow.claimed_by == self.name)

    def _progress(self, job_id: str, p: dict[str, Any]) -> None:
        with self.sessions() as session:
            session.execute(
                update(JobRow).where(self._ours(job_id))
                .values(objective=p["objective"], bound=p["bound"], solutions=p["solutions"],
                        progress_seconds=p["seconds"], component=p["component"],
                        components=p["components"])
            )
            session.commit()

    def _store_result(self, job_id: str, schedule: dict[str, Any], validation: dict[str, Any],
                      costs: dict[str, Any] | None, *, interrupted: bool,
                      from_search: bool) -> None:
        info = schedule.get("solve", {})
        with self.sessions() as session:
            # Row lock (PostgreSQL) so a reaper cannot take the job between check and write;
            # OF jobs: the scenario is joined in, and its side cannot be locked.
            job = session.scalars(select(JobRow).where(JobRow.id == job_id)
                                  .with_for_update(of=JobRow)).first()
            if job is None or job.state != JobState.RUNNING or job.claimed_by != self.name:
                return  # reaped meanwhile: another run owns it now
            session.merge(ResultRow(job_id=job_id, schedule=schedule, validation=validation,
                                    costs=costs))
            job.state = JobState.CANCELLED if interrupted else JobState.SUCCEEDED
            job.interrupted = interrupted
            job.finished_at = utcnow()
            job.solver_status = info.get("status")
            if from_search:  # after a greedy fallback, the search's last figures stay
                job.objective = info.get("objective")
                job.bound = info.get("best_bound")
                job.progress_seconds = info.get("wall_seconds")
            session.commit()
        self._notify(job_id)

    def _finish(self, job_id: str, state: JobState, *, error: str | None = None) -> None:
        with self.sessions() as session:
            changed = session.execute(
                update(JobRow).where(self._ours(job_id))
                .values(state=state, finished_at=utcnow(), error=error)
            )
            session.commit()
        if changed.rowcount == 1:  # type: ignore[attr-defined]
            self._notify(job_id)

    def _retry_or_fail(self, job_id: str, reason: str) -> None:
        """The worker process died under the job (e.g. out of memory): once more while it has
        attempts left, else failed with the reason."""
        with self.sessions() as session:
            job = session.get(JobRow, job_id)
            if job is None or job.claimed_by != self.name or job.state != JobState.RUNNING:
                return
            retry = job.attempts < self.settings.max_attempts
        if not retry:
            self._finish(job_id, JobState.FAILED,
                         error=f"{reason}; it has used its {self.settings.max_attempts} "
                         "attempt(s)")
            return
        with self.sessions() as session:
            session.execute(update(JobRow).where(self._ours(job_id)).values(
                state=JobState.QUEUED, claimed_by=None, lease_until=None, started_at=None))
            session.commit()
        log.warning("job %s: %s; queued again", job_id, reason)

    def _give_back(self, job_id: str) -> None:
        """A graceful stop: the job goes back to the queue for another runner (or this one
        after its restart), without counting the attempt; a cancelled one is cancelled."""
        with self.sessions() as session:
            job = session.get(JobRow, job_id)
            if job is None or job.claimed_by != self.name or job.state != JobState.RUNNING:
                return
            if job.cancel_requested:
                job.state, job.finished_at = JobState.CANCELLED, utcnow()
                job.error = "cancelled: the server shut down before the solve replied"
            else:
                job.state, job.claimed_by, job.lease_until, job.started_at = (
                    JobState.QUEUED, None, None, None)
                job.attempts = max(0, job.attempts - 1)
            session.commit()
            cancelled = job.state == JobState.CANCELLED
        if cancelled:
            self._notify(job_id)

    def _worker_lost(self, worker: _Worker, reason: str) -> None:
        assert worker.job_id is not None
        if worker.cancel_since is not None:
            self._finish(worker.job_id, JobState.CANCELLED,
                         error=f"cancelled, without a schedule: {reason}")
        else:
            self._finish(worker.job_id, JobState.FAILED, error=reason)
        self._release(worker)

    def _notify(self, job_id: str) -> None:
        """The job's callback, if it has one (sent in the background, signed)."""
        with self.sessions() as session:
            job = session.get(JobRow, job_id)
            if job is None or not job.callback_url:
                return
            payload = {"job_id": job.id, "scenario_id": job.scenario_id, "state": job.state,
                       "interrupted": job.interrupted, "solver_status": job.solver_status,
                       "error": job.error, "attempts": job.attempts,
                       "finished_at": job.finished_at.isoformat() if job.finished_at else None,
                       "links": {"self": f"/jobs/{job.id}", "result": f"/jobs/{job.id}/result"}}
            url = job.callback_url
        self.callbacks.send(url, payload)

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
        # Fair share: first the keys with the fewest jobs running, then the oldest job.
        running = (select(JobRow.created_by, func.count().label("n"))
                   .where(JobRow.state == JobState.RUNNING).group_by(JobRow.created_by)
                   .subquery())
        with self.sessions() as session:
            while True:
                job = session.scalars(
                    select(JobRow).outerjoin(running, running.c.created_by == JobRow.created_by)
                    .where(JobRow.state == JobState.QUEUED)
                    .order_by(func.coalesce(running.c.n, 0), JobRow.created_at, JobRow.id)
                    .limit(1)
                ).first()
                if job is None:
                    return None
                claimed = session.execute(
                    update(JobRow).where(JobRow.id == job.id, JobRow.state == JobState.QUEUED)
                    .values(state=JobState.RUNNING, started_at=utcnow(), claimed_by=self.name,
                            lease_until=self._lease_end(), attempts=JobRow.attempts + 1)
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
