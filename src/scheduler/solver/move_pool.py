"""Moves in worker processes, so that building sub-models is not held to one interpreter.

Two moves at once on threads share one Python interpreter: CP-SAT releases it while it solves,
but building a sub-model and completing its hint is Python, and the two lanes' builds take
turns. On L's largest part that left the process at 0.9–1.2 of its 2 cores. Here each move runs
in a worker process with an interpreter of its own (one CP-SAT thread each); the search's own
process draws neighbourhoods and evaluates the moves found.

A worker is ``python -P -m scheduler.solver.move_pool`` talking pickles over its stdin and
stdout: unlike ``multiprocessing``'s spawn and fork server it never re-imports the caller's main
script (a script without ``if __name__ == "__main__"`` would run again in every worker), and
unlike fork it copies no other thread's state. It receives the compiled problem and the
candidate shifts once; a move then sends only its part (owners, staff, the part's shift
indices), its neighbourhood, the current schedule and its time. A worker lives as long as its
stdin: it ends when the pool closes it, or when the caller's process is gone.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, NamedTuple

import scheduler
from scheduler.solver.lns import Move, Neighbourhood, Space, WorkerEnded, sub_solve_seconds
from scheduler.solver.problem import Problem
from scheduler.solver.shifts import CandidateShift

MoveResult = tuple[Move | None, float, bool]  # as ``lns.Space.move`` gives it


class PartSpec(NamedTuple):
    """A part as a worker builds its search space: once per worker and token."""

    token: int
    owners: list[str]
    staff: list[str]
    shift_indices: list[int]  # in the part's order: the order its sub-models are built in


class _Task(NamedTuple):
    part: PartSpec
    hood: Neighbourhood
    current: frozenset[tuple[str, int]]
    seconds: float  # the sub-solve's time, at most
    deadline: float  # ``time.perf_counter``: one clock for every process on the machine


class MovePool:
    """``workers`` processes that each run one move at a time (``lns.Space.move``)."""

    def __init__(self, workers: int) -> None:
        """Start ``workers`` processes; they import the solver while the caller goes on."""
        # The worker imports this package from where the caller did (a source checkout too),
        # and with -P nothing from its working directory.
        source = Path(scheduler.__file__).resolve().parents[1]
        paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if source.name not in ("site-packages", "dist-packages"):  # never ahead of the stdlib
            paths.insert(0, str(source))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        self.workers = workers
        self.peak_memory_mib = 0.0  # the workers' peaks, summed (known once closed)
        self._all: list[_Worker] = []
        try:
            for _ in range(workers):
                self._all.append(_Worker(env))
        except OSError:
            self.close()
            raise
        self._idle: queue.Queue[_Worker] = queue.Queue()  # loaded and free for a move
        self._threads = ThreadPoolExecutor(max_workers=workers)
        self._loaded = False
        self._parts = 0

    def load(self, problem: Problem, shifts: list[CandidateShift]) -> None:
        """Give every worker the problem and the candidate shifts (pickled once)."""
        if self._loaded:
            raise RuntimeError("the move pool is loaded already")
        self._loaded = True
        payload = pickle.dumps((problem, shifts), protocol=pickle.HIGHEST_PROTOCOL)
        for worker in self._all:
            # On a thread: the pipe takes the bytes only as fast as the worker reads them.
            self._threads.submit(self._load, worker, payload)

    def _load(self, worker: _Worker, payload: bytes) -> None:
        try:
            worker.load(payload)
        finally:
            self._idle.put(worker)  # a worker that failed reports it at its first move

    def part(self, owners: list[str], staff: list[str], shifts: list[CandidateShift]
             ) -> PartSpec:
        """A part's description for ``submit``."""
        self._parts += 1
        return PartSpec(self._parts, list(owners), list(staff), [s.index for s in shifts])

    @property
    def usable(self) -> bool:
        """No worker has ended: a search can hand it moves."""
        return not any(worker.broken for worker in self._all)

    def submit(self, part: PartSpec, hood: Neighbourhood, current: frozenset[tuple[str, int]],
               seconds: float, deadline: float) -> Future[MoveResult]:
        """Re-plan ``hood`` in ``current`` with a sub-solve of ``seconds`` at most, ending by
        ``deadline`` (``lns.sub_solve_seconds``). From the future: ``lns.WorkerEnded`` if the
        worker has ended, ``RuntimeError`` with its traceback if the move failed in it."""
        if not self._loaded:
            raise RuntimeError("load the move pool before submitting moves")
        return self._threads.submit(self._call, _Task(part, hood, current, seconds, deadline))

    def _call(self, task: _Task) -> MoveResult:
        worker = self._idle.get()
        try:
            return worker.call(task)
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        """Wait for the moves running (each within its sub-solve's time), then end the
        workers."""
        if hasattr(self, "_threads"):
            self._threads.shutdown(wait=True, cancel_futures=True)
        closing, self._all = self._all, []  # a second close finds nothing to count
        for worker in closing:
            worker.close()
        peaks = sum(worker.peak for worker in closing)
        self.peak_memory_mib += peaks
        global _closed_peaks_mib
        _closed_peaks_mib += peaks

    def __enter__(self) -> MovePool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# The peaks of every worker this process has closed, summed: a benchmark runs each solve in a
# fresh process, and the pool itself lives inside ``engine.solve``.
_closed_peaks_mib = 0.0


def workers_peak_memory_mib() -> float:
    """The peak resident memory of every move worker this process has closed, summed (MiB;
    0 where the platform does not tell)."""
    return round(_closed_peaks_mib, 1)


def peak_resident_mib(pid: int | str = "self") -> float | None:
    """A process's peak resident memory since it started its program (Linux's ``VmHWM``),
    MiB; None where the platform does not tell."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


class _Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "scheduler.solver.move_pool"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to_worker: IO[bytes] = self.process.stdin
        self.from_worker: IO[bytes] = self.process.stdout
        self.broken = False  # its stream is out of step after a failure: no more moves
        self.peak = 0.0  # its peak resident memory, MiB, read as it closes

    def load(self, payload: bytes) -> None:
        try:
            self.to_worker.write(payload)  # one pickle, loaded as the caller goes on
            self.to_worker.flush()
        except OSError:
            self.broken = True

    def call(self, task: _Task) -> MoveResult:
        if self.broken:
            raise WorkerEnded("a move worker has ended")
        try:
            pickle.dump(task, self.to_worker, protocol=pickle.HIGHEST_PROTOCOL)
            self.to_worker.flush()
            ok, value = pickle.load(self.from_worker)  # our own worker's bytes
        except Exception as error:  # ended, or its stream failed: lost either way
            self.broken = True
            self.close()
            raise WorkerEnded(f"a move worker ended, or its stream failed (exit code "
                              f"{self.process.returncode}; its error, if any, is on standard "
                              "error)") from error
        if not ok:
            raise RuntimeError(f"a move failed in its worker process:\n{value}")
        result: MoveResult = value
        return result

    def close(self) -> None:
        if self.process.returncode is None:  # alive, so its /proc entry is its own
            self.peak = max(self.peak, peak_resident_mib(self.process.pid) or 0.0)
        for stream in (self.to_worker, self.from_worker):
            with contextlib.suppress(OSError):
                stream.close()  # the worker ends at the end of its input
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """A worker's loop: the problem and shifts first, then one move per message."""
    try:
        problem, shifts = pickle.load(source)
    except EOFError:
        return  # closed before any search needed it
    by_index = {s.index: s for s in shifts}
    cached: tuple[int, Space] | None = None
    while True:
        try:
            task: _Task = pickle.load(source)
        except EOFError:
            return
        try:
            part = task.part
            if cached is None or cached[0] != part.token:
                cached = part.token, Space(problem, part.owners, part.staff,
                                           [by_index[i] for i in part.shift_indices])

            def limit(task: _Task = task) -> float:  # asked just before the sub-solve
                return sub_solve_seconds(task.seconds, task.deadline - time.perf_counter())

            reply: tuple[bool, object] = True, cached[1].move(task.hood, task.current, limit, 1)
        except Exception:  # reported to the caller, which raises it
            reply = False, traceback.format_exc()
        try:
            pickle.dump(reply, sink, protocol=pickle.HIGHEST_PROTOCOL)
            sink.flush()
        except BrokenPipeError:
            return  # the caller is gone


if __name__ == "__main__":
    # The caller decides when a worker ends (by closing its input), not a Ctrl-C to the group.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Replies go to a private copy of stdout; anything else written to stdout goes to stderr.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _serve(sys.stdin.buffer, replies)
