"""Moves in worker processes (solver.move_pool): the same move as in the search's process, a
failure reported with the worker's traceback, and the engine using them."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
import time

import pytest

from scheduler.planning.instances import generate
from scheduler.solver import engine
from scheduler.solver.baseline import greedy_pairs
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.lns import _Neighbourhood, _Space
from scheduler.solver.move_pool import MovePool, workers_peak_memory_mib
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
    space = _Space(problem, part.owners, part.staff, part.shifts)
    owners = sorted(part.owners)
    hoods = []
    for k in range(count):
        chosen = {owners[k % len(owners)], owners[(k + 1) % len(owners)]}
        movers = set().union(*(problem.demands[o].eligible_staff for o in chosen)) & set(
            part.staff)
        day = k % problem.grid.days
        starts = problem.grid.day_starts()
        hoods.append(_Neighbourhood(frozenset(chosen), frozenset(movers), starts[day],
                                    starts[day + 1], seed=k))
    return problem, shifts, part, space, start, hoods


def test_a_move_in_a_worker_process_is_the_move_in_process(unit_week):
    problem, shifts, part, space, start, hoods = _moves(unit_week, 6)
    with MovePool(2) as pool:
        pool.load(problem, shifts)
        described = pool.part(part.owners, part.staff, part.shifts)
        deadline = time.perf_counter() + 120
        futures = [pool.submit(described, hood, start, 10.0, deadline, 0.1) for hood in hoods]
        remote = [future.result() for future in futures]
    local = [space.move(hood, start, lambda: 10.0, 1) for hood in hoods]
    # One CP-SAT thread and the same seed: a sub-solve that ends before its limit is the same.
    changed = 0
    for (mine, _, mine_out), (theirs, _, theirs_out) in zip(local, remote, strict=True):
        assert mine_out is theirs_out is False
        assert mine is not None and theirs is not None
        assert mine.freed == theirs.freed and mine.chosen == theirs.chosen
        changed += bool(mine.chosen - start)
    assert changed  # moves that re-plan something, not only the start handed back
    assert workers_peak_memory_mib() > 0  # the closed workers' memory is known


def test_a_failing_move_is_reported_with_the_workers_traceback(unit_week):
    problem, shifts, part, _, start, hoods = _moves(unit_week, 1)
    with MovePool(1) as pool:
        pool.load(problem, shifts)
        token, owners, staff, _ = pool.part(part.owners, part.staff, part.shifts)
        broken = (token, owners, staff, [-1])  # a shift index the worker does not know
        future = pool.submit(broken, hoods[0], start, 1.0, time.perf_counter() + 60, 0.1)
        with pytest.raises(RuntimeError, match="KeyError: -1"):
            future.result()
        # The worker survives its failed move and runs the next one.
        good = pool.submit(pool.part(part.owners, part.staff, part.shifts), hoods[0], start,
                           1.0, time.perf_counter() + 60, 0.1)
        assert good.result()[0] is not None


def test_the_engine_runs_concurrent_moves_in_worker_processes(unit_week, solve_checked,
                                                              monkeypatch):
    submitted = []
    submit = MovePool.submit

    def counted(self, part, hood, *args):
        submitted.append(hood)
        return submit(self, part, hood, *args)

    monkeypatch.setattr(MovePool, "submit", counted)
    greedy = solve_checked(unit_week, time_limit=0.01, workers=2, seed=0)
    schedule = solve_checked(unit_week, time_limit=8, workers=2, seed=0)
    assert submitted
    assert schedule.solve.objective < greedy.solve.objective


@pytest.mark.parametrize(("owners", "workers", "deterministic", "pooled"), [
    (4, 2, False, True),
    (3, 2, False, False),  # one lane: one move at a time, on threads of its own
    (4, 1, False, False),
    (4, 2, True, False),  # deterministic: one move at a time
])
def test_a_pool_only_where_moves_run_concurrently(unit_week, monkeypatch, owners, workers,
                                                  deterministic, pooled):
    problem = compile_problem(unit_week)
    part = max(components(problem, generate_shifts(problem)), key=lambda p: len(p.owners))
    part = dataclasses.replace(part, owners=part.owners[:owners])
    monkeypatch.setattr(engine, "MovePool", lambda workers: ("pool", workers))
    chosen = engine.move_pool([part], 0, workers, deterministic)
    assert (chosen == ("pool", workers)) is pooled


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
                          timeout=120, check=True)
    assert done.stdout.count("the script ran") == 1


def test_a_worker_that_ended_is_a_clear_error_not_a_hang(unit_week):
    problem, shifts, part, _, start, hoods = _moves(unit_week, 1)
    with MovePool(1) as pool:
        pool._all[0].process.kill()
        pool.load(problem, shifts)
        future = pool.submit(pool.part(part.owners, part.staff, part.shifts), hoods[0], start,
                             1.0, time.perf_counter() + 60, 0.1)
        with pytest.raises(RuntimeError, match="a move worker ended"):
            future.result(timeout=60)


def test_a_pool_closed_before_it_was_loaded_ends_quietly(capfd):
    with MovePool(2):
        pass
    assert "Traceback" not in capfd.readouterr().err
