"""Deterministic mode (issue 13): the same input and seed give the same schedule, byte for byte,
in one process and across processes (whose string hashes, so set orders, differ)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.planning.instances import generate, generate_scattered
from scheduler.planning.variants import load_scenario
from scheduler.solver import lns
from scheduler.solver.params import configure

ROOT = Path(__file__).resolve().parents[2]
SMALL_GROUP = ROOT / "scenarios" / "small_group.yaml"


def _same(a: Schedule, b: Schedule) -> None:
    assert a.shifts == b.shifts
    assert a.penalties == b.penalties
    assert a.uncovered == b.uncovered
    assert a.solve.objective == b.solve.objective
    assert a.model_dump_json() == b.model_dump_json()  # everything else too


def _lns_instance() -> Scenario:
    """Generated S with every part improved by neighbourhood search."""
    sc = generate("S", seed=0)
    return sc.model_copy(update={"solver": sc.solver.model_copy(
        update={"full_model_max_assignments": 0, "deterministic": True})})


def test_small_group_twice_the_same(solve_checked):
    scenario = load_scenario(SMALL_GROUP)
    first = solve_checked(scenario, time_limit=4, seed=3, deterministic=True)
    second = solve_checked(scenario, time_limit=4, seed=3, deterministic=True)
    _same(first, second)
    info = first.solve
    assert info.deterministic
    assert first.created == datetime(1970, 1, 1, tzinfo=UTC)
    assert info.wall_seconds == 0.0
    assert info.time_to_first_solution_seconds is None and info.time_to_best_seconds is None


def test_neighbourhood_search_twice_the_same(solve_checked, monkeypatch):
    moves = []
    move = lns.Space.move

    def counted(self, hood, current, seconds, threads):
        moves.append(threads)
        return move(self, hood, current, seconds, threads)

    monkeypatch.setattr(lns.Space, "move", counted)
    scenario = _lns_instance()  # deterministic from its settings
    first = solve_checked(scenario, time_limit=4, workers=2, seed=1)
    second = solve_checked(scenario, time_limit=4, workers=2, seed=1)
    assert moves and set(moves) == {1}  # the search did run, one thread a move
    _same(first, second)


def test_rounds_cut_and_recut_twice_the_same(solve_checked, monkeypatch):
    # Scattered clients: the start's rounds cut per unit-day and the search's re-cut moves
    # (solver.round_cut) run on deterministic time too.
    cuts = []
    recut = lns.Space.recut

    def counted(self, hood, options):
        cuts.append(hood.recut)
        return recut(self, hood, options)

    monkeypatch.setattr(lns.Space, "recut", counted)
    monkeypatch.setattr(lns, "ROUNDS_SHARE", 1.0)  # only rounds and re-cuts have a prior
    sc = generate_scattered(1, clients=6, units=1, days=2, staffing=2)
    sc = sc.model_copy(update={"solver": sc.solver.model_copy(
        update={"full_model_max_assignments": 0, "deterministic": True})})
    first = solve_checked(sc, time_limit=4, workers=2, seed=2)
    second = solve_checked(sc, time_limit=4, workers=2, seed=2)
    assert cuts  # the re-cut moves ran
    _same(first, second)


def test_cli_writes_the_same_bytes_twice(tmp_path):
    outs = []
    for hash_seed in ("1", "2"):  # set iteration order differs between the two processes
        out = tmp_path / f"run{hash_seed}.json"
        done = subprocess.run(
            [sys.executable, "-m", "scheduler", "solve", str(SMALL_GROUP), "-o", str(out),
             "--deterministic", "--seed", "2", "--time-limit", "4", "--quiet"],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert done.returncode == 0, done.stderr
        outs.append(out)
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert outs[0].with_suffix(".csv").read_bytes() == outs[1].with_suffix(".csv").read_bytes()


@pytest.mark.parametrize("workers", [1, 2])
def test_parameters(workers):
    solver = cp_model.CpSolver()
    configure(solver, seconds=3, workers=workers, seed=5, deterministic=True)
    p = solver.parameters
    assert p.max_deterministic_time == 3
    assert p.max_time_in_seconds > 10 * 3  # a hang guard only, far beyond the budget
    assert p.interleave_search == (workers > 1)
    assert (p.num_workers, p.random_seed) == (workers, 5)
    # The default is unchanged: a wall-clock limit, parallel workers racing.
    solver = cp_model.CpSolver()
    configure(solver, seconds=3, workers=workers, seed=5, deterministic=False)
    p = solver.parameters
    assert p.max_time_in_seconds == 3
    assert not p.interleave_search
    assert p.max_deterministic_time > 1e300
