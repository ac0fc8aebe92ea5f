"""Moves in worker processes (solver.move_pool): the same move as in the search's process, a
failure reported with the worker's traceback, and the engine using them."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import Future

import pytest

from scheduler.planning.instances import generate
from scheduler.solver import engine, lns, move_pool
from scheduler.solver.baseline import greedy_pairs
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.evaluation import evaluate
from scheduler.solver.lns import Neighbourhood, Space
from scheduler.solver.move_pool import MovePool, PartSpec, workers_peak_memory_mib
from scheduler.solver.parts import components, eligible_pairs
from scheduler.solver.problem import compile_problem


@pytest.fixture(scope="module")
def unit_week():
    # One unit of 12 clients for a week, forced into neighbourhood search.
    sc = generate("M", seed=1, days=7)
    return sc.model_copy(update={"solver": sc.solver.model_copy(
        update={"full_model_max_assignments": 0})})


def _moves(scenario, count: int):
    """The part, its search space, a greedy start and ``count`` neighbourhoods of it: two
    clients, all their assistants, one day (small enough that every sub-solve is proven
    optimal in well under a second, so two runs of a move agree)."""
    problem = compile_problem(scenario)
    shifts = generate_shifts(problem)
    part = max(components(problem, shifts), key=lambda p: len(p.owners))
    start = frozenset(greedy_pairs(problem, shifts) & eligible_pairs(problem, part))
    space = Space(problem, part.owners, part.staff, part.shifts)
    owners = sorted(part.owners)
    hoods = []
    for k in range(count):
        chosen = {owners[k % len(owners)], owners[(k + 1) % len(owners)]}
        movers = set().union(*(problem.demands[o].eligible_staff for o in chosen)) & set(
            part.staff)
        day = k % problem.grid.days
        starts = problem.grid.day_starts()
        hoods.append(Neighbourhood(frozenset(chosen), frozenset(movers), starts[day],
                                    starts[day + 1], seed=k))
    return problem, shifts, part, space, start, hoods


def test_a_move_in_a_worker_process_is_the_move_in_process(unit_week):
    problem, shifts, part, space, start, hoods = _moves(unit_week, 6)
    closed_before = move_pool._closed_peaks_mib
    with MovePool(2) as pool:
        pool.load(problem, shifts)
        spec = pool.part(part.owners, part.staff, part.shifts)
        deadline = time.perf_counter() + 120
        futures = [pool.submit(spec, hood, start, 10.0, deadline) for hood in hoods]
        remote = [future.result() for future in futures]
    local = [space.move(hood, start, lambda: 10.0, 1) for hood in hoods]
    # One CP-SAT thread and the same seed: the same model searched the same way, to the same
    # schedule in the same deterministic time (each proven optimal long before its limit).
    changed = 0
    for (mine, mine_used, mine_out), (theirs, theirs_used, theirs_out) in zip(
            local, remote, strict=True):
        assert mine_out is theirs_out is False
        assert mine is not None and theirs is not None
        assert mine.freed == theirs.freed and mine.chosen == theirs.chosen
        assert mine_used == pytest.approx(theirs_used) and mine_used < 5
        changed += bool(mine.chosen - start)
    assert changed  # moves that re-plan something, not only the start handed back
    assert pool.peak_memory_mib > 0  # the closed workers' memory is known
    assert move_pool._closed_peaks_mib == pytest.approx(closed_before + pool.peak_memory_mib)
    assert workers_peak_memory_mib() == round(move_pool._closed_peaks_mib, 1)
    pool.close()  # closing twice counts nothing twice
    assert move_pool._closed_peaks_mib == pytest.approx(closed_before + pool.peak_memory_mib)


def test_a_failing_move_is_reported_with_the_workers_traceback(unit_week):
    problem, shifts, part, _, start, hoods = _moves(unit_week, 1)
    with MovePool(1) as pool:
        pool.load(problem, shifts)
        spec = pool.part(part.owners, part.staff, part.shifts)
        broken = spec._replace(shift_indices=[-1])  # a shift index the worker does not know
        future = pool.submit(broken, hoods[0], start, 1.0, time.perf_counter() + 60)
        with pytest.raises(RuntimeError, match="KeyError: -1"):
            future.result()
        # The worker survives its failed move and runs the next one.
        good = pool.submit(spec, hoods[0], start, 1.0, time.perf_counter() + 60)
        assert good.result()[0] is not None


def test_the_engine_runs_disjoint_concurrent_moves_in_worker_processes(unit_week, solve_checked,
                                                                       monkeypatch):
    running: list = []  # (neighbourhood, future) submitted and maybe still running
    overlapping = []
    concurrent = 0
    found = []
    lock = threading.Lock()
    submit = MovePool.submit

    def watched(self, spec, hood, *args):
        nonlocal concurrent
        with lock:
            # A future wakes the search before its callbacks run: skip the ones done.
            active = [other for other, future in running if not future.done()]
            overlapping.extend(other for other in active if hood.overlaps(other))
            concurrent += bool(active)
        future = submit(self, spec, hood, *args)
        entry = (hood, future)
        with lock:
            running.append(entry)

        def done(future):
            with lock:
                running.remove(entry)
                found.append(not future.cancelled() and future.exception() is None
                             and future.result()[0] is not None)

        future.add_done_callback(done)
        return future

    monkeypatch.setattr(MovePool, "submit", watched)
    greedy = solve_checked(unit_week, time_limit=0.01, workers=2, seed=0)
    schedule = solve_checked(unit_week, time_limit=10, workers=2, seed=0)
    assert concurrent > 0 and not overlapping  # two moves at once, never on the same people
    assert any(found)  # workers' moves came back with schedules
    assert schedule.solve.objective < greedy.solve.objective


def test_the_search_goes_on_on_threads_when_a_worker_ends(unit_week, solve_checked,
                                                          monkeypatch, caplog):
    load = MovePool.load

    def load_and_kill(self, problem, shifts):
        load(self, problem, shifts)
        self._all[0].process.kill()

    monkeypatch.setattr(MovePool, "load", load_and_kill)
    on_threads = []
    move = lns.Space.move

    def counted(self, hood, current, seconds, threads):
        on_threads.append(hood)
        return move(self, hood, current, seconds, threads)

    monkeypatch.setattr(lns.Space, "move", counted)
    greedy = solve_checked(unit_week, time_limit=0.01, workers=2, seed=0)
    with caplog.at_level(logging.WARNING, logger="scheduler.solver.lns"):
        schedule = solve_checked(unit_week, time_limit=8, workers=2, seed=0)
    assert "moves go on in this process" in caplog.text
    assert on_threads  # the rest of the search ran here
    assert schedule.solve.objective < greedy.solve.objective


class _FailingPool:
    """Stands in for a MovePool whose every move fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error, self.moves = error, 0

    def part(self, owners, staff, shifts):
        return PartSpec(1, owners, staff, [s.index for s in shifts])

    def submit(self, *args) -> Future:
        self.moves += 1
        future: Future = Future()
        future.set_exception(self.error)
        return future


def _search(scenario, pool):
    problem = compile_problem(scenario)
    shifts = generate_shifts(problem)
    part = max(components(problem, shifts), key=lambda p: len(p.owners))
    start = greedy_pairs(problem, shifts) & eligible_pairs(problem, part)

    def objective(pairs):
        exact = evaluate(problem, part, pairs, workers=1, seed=0)
        return None if exact is None else exact.objective

    return lns.improve(problem, part.owners, part.staff, part.shifts, start, objective,
                       time.perf_counter() + 3, seed=0, workers=2, pool=pool)


def test_a_search_whose_worker_ended_goes_on_on_threads(unit_week, caplog):
    pool = _FailingPool(lns.WorkerEnded("a move worker ended"))
    with caplog.at_level(logging.WARNING, logger="scheduler.solver.lns"):
        _, stats = _search(unit_week, pool)
    assert pool.moves >= 1 and stats.iterations > pool.moves  # the rest ran on threads
    assert caplog.text.count("moves go on in this process") == 1


def test_a_move_that_fails_in_a_worker_fails_the_search(unit_week):
    # Not a worker that ended but a bug in the move: raised, never hidden by the fallback.
    with pytest.raises(RuntimeError, match="a move failed"):
        _search(unit_week, _FailingPool(RuntimeError("a move failed in its worker process")))


@pytest.mark.parametrize(("owners", "workers", "deterministic", "seconds", "lanes", "pool"), [
    (4, 2, False, 8.0, 2, 2),
    (4, 8, False, 8.0, 2, 2),  # sized by the moves that can run at once, not by the workers
    (3, 2, False, 8.0, 1, None),  # one lane: one move at a time, on threads of its own
    (4, 1, False, 8.0, 1, None),
    (4, 2, True, 8.0, 1, None),  # deterministic: one move at a time
    (4, 2, False, 1.0, 2, None),  # too short to repay the workers' start: two lanes on threads
])
def test_a_pool_only_where_moves_run_concurrently(unit_week, monkeypatch, owners, workers,
                                                  deterministic, seconds, lanes, pool):
    problem = compile_problem(unit_week)
    part = max(components(problem, generate_shifts(problem)), key=lambda p: len(p.owners))
    part = dataclasses.replace(part, owners=part.owners[:owners])
    monkeypatch.setattr(engine, "MovePool", lambda workers: workers)
    assert engine.pool_for_moves([part], 0, workers, deterministic, seconds) == pool
    assert lns.concurrent_moves(owners, workers, deterministic) == lanes


def test_a_script_without_a_main_guard_runs_once(tmp_path):
    # Workers are fresh interpreters on this package's module, never the caller's script.
    script = tmp_path / "plan.py"
    script.write_text(textwrap.dedent("""
        from scheduler.solver.move_pool import MovePool
        print("the script ran")
        with MovePool(2) as pool:
            pass
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=True, cwd=tmp_path)
    assert done.stdout.count("the script ran") == 1


def test_a_worker_that_ended_is_a_clear_error_not_a_hang(unit_week):
    problem, shifts, part, _, start, hoods = _moves(unit_week, 1)
    with MovePool(1) as pool:
        pool._all[0].process.kill()
        pool.load(problem, shifts)
        future = pool.submit(pool.part(part.owners, part.staff, part.shifts), hoods[0], start,
                             1.0, time.perf_counter() + 60)
        with pytest.raises(lns.WorkerEnded, match=r"a move worker (has )?ended"):
            future.result(timeout=60)


def test_a_pool_is_loaded_once_before_its_moves(unit_week):
    problem, shifts, _, _, start, hoods = _moves(unit_week, 1)
    with MovePool(1) as pool:
        with pytest.raises(RuntimeError, match="load the move pool"):
            pool.submit(PartSpec(1, [], [], []), hoods[0], start, 1.0, time.perf_counter())
        pool.load(problem, shifts)
        with pytest.raises(RuntimeError, match="loaded already"):
            pool.load(problem, shifts)


def test_a_pool_closed_before_it_was_loaded_ends_quietly(capfd):
    with MovePool(2):
        pass
    assert "Traceback" not in capfd.readouterr().err
