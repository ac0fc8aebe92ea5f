"""Moves in worker processes, so that building sub-models is not held to one interpreter.

Two moves at once on threads share one Python interpreter: CP-SAT releases it while it solves,
but building a sub-model and completing its hint is Python, and the two lanes' builds take
turns. On L's largest part that left the process at 0.9–1.2 of its 2 cores. Here each move runs
in a worker process with an interpreter of its own (one CP-SAT thread each); the search's own
process draws neighbourhoods and evaluates the moves found.

A worker is ``python -m scheduler.solver.move_pool`` talking pickles over its stdin and stdout:
unlike ``multiprocessing``'s spawn and fork server it never re-imports the caller's main script
(a script without ``if __name__ == "__main__"`` would run again in every worker), and unlike
fork it copies no other thread's state. It receives the compiled problem and the candidate
shifts once, at its start; a move then sends only its part (owners, staff, the part's shift
indices), its neighbourhood and the current schedule.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

from scheduler.solver.lns import _Move, _Neighbourhood, _Space
from scheduler.solver.problem import Problem
from scheduler.solver.shifts import CandidateShift

Part = tuple[int, list[str], list[str], list[int]]  # token, owners, staff, shift indices
MoveResult = tuple[_Move | None, float, bool]


class MovePool:
    """``workers`` processes that each run one move at a time (``lns._Space.move``)."""

    def __init__(self, workers: int) -> None:
        """Start ``workers`` processes; they import the solver while the caller goes on."""
        # The worker imports this package as the caller does (a source checkout included).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.workers = workers
        self._all = [_Worker(env) for _ in range(workers)]
        self._idle: queue.Queue[_Worker] = queue.Queue()  # loaded and free for a move
        self._threads = ThreadPoolExecutor(max_workers=workers)
        self._parts = 0

    def load(self, problem: Problem, shifts: list[CandidateShift]) -> None:
        """Give every worker the problem and the candidate shifts (pickled once)."""
        payload = pickle.dumps((problem, shifts), protocol=pickle.HIGHEST_PROTOCOL)
        for worker in self._all:
            # On a thread: the pipe takes the bytes only as fast as the worker reads them.
            self._threads.submit(self._load, worker, payload)

    def _load(self, worker: _Worker, payload: bytes) -> None:
        try:
            worker.load(payload)
        except OSError:
            pass  # the worker has ended: its first move reports it
        finally:
            self._idle.put(worker)

    def part(self, owners: list[str], staff: list[str], shifts: list[CandidateShift]) -> Part:
        """A part's description for ``submit``: a worker builds its search space once."""
        self._parts += 1
        return self._parts, list(owners), list(staff), [s.index for s in shifts]

    def submit(self, part: Part, hood: _Neighbourhood, current: frozenset[tuple[str, int]],
               seconds: float, deadline: float, least: float) -> Future[MoveResult]:
        """Re-plan ``hood`` in ``current`` with a sub-solve of ``seconds`` at most, ending by
        ``deadline`` (``time.perf_counter``, the same clock in every process) but never
        shorter than ``least``; the result as ``lns._Space.move`` gives it."""
        return self._threads.submit(self._call, (part, hood, current, seconds, deadline, least))

    def _call(self, task: tuple[Any, ...]) -> MoveResult:
        worker = self._idle.get()
        try:
            result: MoveResult = worker.call(task)
            return result
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        for worker in self._all:
            _PEAKS_MIB.append(worker.peak_memory_mib())
            worker.close()

    def __enter__(self) -> MovePool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# Each closed worker's peak resident memory (MiB), for a benchmark's process to report.
_PEAKS_MIB: list[float] = []


def workers_peak_memory_mib() -> float:
    """The peak memory of every move worker this process has closed, summed (MiB; 0 where
    the platform does not tell). A benchmark runs each solve in a fresh process, so there
    these are its workers'."""
    return round(sum(_PEAKS_MIB), 1)


class _Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scheduler.solver.move_pool"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to_worker: IO[bytes] = self.process.stdin
        self.from_worker: IO[bytes] = self.process.stdout

    def load(self, payload: bytes) -> None:
        self.to_worker.write(payload)  # one pickle: the worker loads it as the caller goes on
        self.to_worker.flush()

    def _send(self, message: object) -> None:
        pickle.dump(message, self.to_worker, protocol=pickle.HIGHEST_PROTOCOL)
        self.to_worker.flush()

    def call(self, task: tuple[Any, ...]) -> MoveResult:
        try:
            self._send(task)
            ok, value = pickle.load(self.from_worker)  # our own worker's bytes
        except (EOFError, OSError):
            raise RuntimeError(f"a move worker ended (exit code {self.process.wait()}; its "
                               "error, if any, is on standard error)") from None
        if not ok:
            raise RuntimeError(f"a move failed in its worker process:\n{value}")
        result: MoveResult = value
        return result

    def peak_memory_mib(self) -> float:
        """The worker's peak resident memory (Linux's ``VmHWM``), MiB; 0 if unknown."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024  # kB
        except OSError:
            pass
        return 0.0

    def close(self) -> None:
        try:
            self.to_worker.close()  # the worker ends at the end of its input
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def _serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """A worker's loop: the problem and shifts first, then one move per message."""
    try:
        problem, shifts = pickle.load(source)
    except EOFError:
        return  # closed before any search needed it
    by_index = {s.index: s for s in shifts}
    cached: tuple[int, _Space] | None = None
    while True:
        try:
            task = pickle.load(source)
        except EOFError:
            return
        try:
            (token, owners, staff, indices), hood, current, seconds, deadline, least = task
            if cached is None or cached[0] != token:
                cached = token, _Space(problem, owners, staff, [by_index[i] for i in indices])

            def limit(seconds: float = seconds, deadline: float = deadline,
                      least: float = least) -> float:
                # asked just before the sub-solve, as in the search's own process
                return max(least, min(seconds, deadline - time.perf_counter()))

            reply: tuple[bool, object] = True, cached[1].move(hood, current, limit, 1)
        except Exception:  # reported to the caller, which raises it
            reply = False, traceback.format_exc()
        pickle.dump(reply, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    # Replies go to a private copy of stdout; anything else written to stdout goes to stderr.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _serve(sys.stdin.buffer, replies)
