"""Large-neighbourhood search for components too big to solve as one model in the time given.

Start from a complete, valid schedule (the greedy baseline's). Repeatedly free the shifts of one
or two demand owners (clients, group units) that share staff within a window of days, keep every
other shift of the staff involved fixed, and let CP-SAT re-plan that neighbourhood with the same
registered rules (so the sub-model can never break a hard rule). A move is kept only if the
whole component's exact objective improves, so the schedule never gets worse.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solver.model import build_model
from scheduler.solver.problem import Problem
from scheduler.solver.shifts import CandidateShift

Pairs = set[tuple[str, int]]
SUB_SOLVE_SECONDS = 1.0  # many small moves beat a few long ones (measured on the M instance)
Evaluate = Callable[[Pairs], float | None]


@dataclass
class LnsStats:
    iterations: int = 0
    improvements: int = 0
    first_objective: float = 0.0
    objective: float = 0.0


def improve(
    problem: Problem,
    owners: list[str],
    staff: list[str],
    shifts: list[CandidateShift],
    start: Pairs,
    evaluate: Evaluate,
    deadline: float,
    *,
    seed: int,
    workers: int,
    on_improvement: Callable[[float], None] | None = None,
    stop: Callable[[], bool] | None = None,
    start_objective: float | None = None,
) -> tuple[Pairs, LnsStats]:
    rng = random.Random(seed)
    by_index = {s.index: s for s in shifts}
    by_owner: dict[str, list[CandidateShift]] = {o: [] for o in owners}
    for s in shifts:
        by_owner[s.owner].append(s)
    staff_set = set(staff)
    neighbours = _neighbours(problem, owners, staff_set)
    day_starts = problem.grid.day_starts()
    days = problem.grid.days
    current = set(start)
    best = evaluate(current) if start_objective is None else start_objective
    if best is None:
        raise RuntimeError("the starting schedule breaks a hard rule")
    stats = LnsStats(first_objective=best, objective=best)
    while time.perf_counter() < deadline - 0.2 and not (stop is not None and stop()):
        stats.iterations += 1
        chosen, movers, window_days = _neighbourhood(problem, rng, owners, staff_set,
                                                     neighbours, days)
        first_day = rng.randrange(0, days - window_days + 1)
        lo, hi = day_starts[first_day], day_starts[first_day + window_days]
        free = [s for c in chosen for s in by_owner[c] if lo <= s.start < hi]
        free_index = {s.index for s in free}
        # Fixed: the movers' other work (their rest and hours depend on it), and the chosen
        # owners' shifts worked by others (their staffing cap, granted hours and break floor
        # depend on it).
        chosen_set = set(chosen)
        fixed = {
            (sid, i) for sid, i in current
            if (sid in movers and i not in free_index)
            or (sid not in movers and by_index[i].owner in chosen_set)
        }
        free_pairs = {
            (sid, s.index)
            for s in free
            for sid in problem.demands[s.owner].eligible_staff
            if sid in movers
        }
        sub_shifts = free + [by_index[i] for i in {i for _, i in fixed} - free_index]
        sub_owners = sorted({s.owner for s in sub_shifts} | chosen_set)
        sub_staff = sorted(movers | {sid for sid, _ in fixed})
        built = build_model(problem, sub_shifts, sub_owners, sub_staff,
                            only=free_pairs | fixed)
        for key, var in built.ctx.x.items():
            if key in fixed:
                built.model.add(var == 1)
        if not _hint_current(built.model, built.ctx.x, current, workers):
            continue
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(
            0.1, min(SUB_SOLVE_SECONDS, deadline - time.perf_counter())
        )
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = rng.randrange(1 << 30)
        solver.parameters.cp_model_probing_level = 0
        code = solver.solve(built.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        chosen_free = {
            key for key, var in built.ctx.x.items()
            if key not in fixed and solver.boolean_value(var)
        }
        candidate = {
            (sid, i) for sid, i in current if sid not in movers or i not in free_index
        } | chosen_free
        if candidate == current:
            continue
        value = evaluate(candidate)
        if value is not None and value < best - 1e-6:
            current, best = candidate, value
            stats.improvements += 1
            if on_improvement is not None:
                on_improvement(best)
    stats.objective = best
    return current, stats


def _hint_current(model: cp_model.CpModel, x: dict, current: Pairs, workers: int) -> bool:
    """Hint every variable with the current schedule's values: CP-SAT starts from a complete
    hint at once, so a short sub-solve can only improve on the current schedule."""
    fixed = model.clone()
    for key, var in x.items():
        fixed.add(fixed.get_bool_var_from_proto_index(var.index) == (key in current))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = 5
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    values = solver.response_proto.solution
    for i in range(len(model.proto.variables)):
        model.add_hint(model.get_int_var_from_proto_index(i), values[i])
    return True


def _neighbourhood(problem: Problem, rng: random.Random, owners: list[str], staff: set[str],
                   neighbours: dict[str, list[str]], days: int
                   ) -> tuple[list[str], set[str], int]:
    """(owners whose shifts are re-planned, staff who may take them, window in days)."""
    kind = rng.random()
    first = rng.choice(owners)
    eligible = [s for s in problem.demands[first].eligible_staff if s in staff]
    if kind < 0.5 or not eligible:
        # One or two clients sharing staff, all their assistants, for up to a week.
        chosen = [first]
        if neighbours[first] and rng.random() < 0.5:
            chosen.append(rng.choice(neighbours[first]))
        movers = {s for c in chosen for s in problem.demands[c].eligible_staff if s in staff}
        return chosen, movers, min(days, rng.choice((3, 5, 7)))
    # A few assistants of one client and every client they may work for, for two weeks:
    # moves work between clients and weeks, where contract hours and weekly rest bind.
    movers = set(rng.sample(eligible, min(len(eligible), rng.choice((2, 3, 4)))))
    chosen = sorted({c for c in owners for s in movers
                     if s in problem.demands[c].eligible_staff})
    return chosen, movers, min(days, 14)


def _neighbours(problem: Problem, owners: list[str], staff: set[str]) -> dict[str, list[str]]:
    """Owners sharing at least one eligible staff member with each owner."""
    serving: dict[str, set[str]] = {}
    for c in owners:
        for sid in problem.demands[c].eligible_staff:
            if sid in staff:
                serving.setdefault(sid, set()).add(c)
    out: dict[str, list[str]] = {}
    for c in owners:
        near = set().union(*(serving.get(s, set()) for s in problem.demands[c].eligible_staff))
        out[c] = sorted(near - {c})
    return out
