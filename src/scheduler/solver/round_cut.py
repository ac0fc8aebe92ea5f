"""Which scattered clients' shifts a start schedule should staff: per unit and day, the
candidate shifts with visits (rounds and waiting single-client shifts, ``solver.rounds``) that
serve the most visits with the least paid waiting and travel, no more of them than the unit's
staff could work that day. A small set-partitioning model per unit-day, staff left out.

Why: the greedy takes rounds one at a time from the earliest open visit, so it grabs the
longest chain now and leaves later visits that no chain joins any more: each one becomes a
single-visit shift padded to the minimum length with waiting. The search keeps every schedule
valid and improves it by small neighbourhoods, which do not re-cut a whole day of a unit's
rounds at once. Cutting each day's rounds with every visit in view first, then staffing them
(``solver.baseline``), gives the search a start with the day's visits shared out well.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from scheduler.solver.params import configure
from scheduler.solver.problem import Problem
from scheduler.solver.shifts import CandidateShift

SECONDS_PER_DAY = 0.5  # one unit-day of the rounds bench (~30 visits, ~850 shifts): ~0.05 s
# The share of a unit's available staff who work on a given day: weekly rest and part-time
# contracts keep the rest off (a day off a week of six or seven, contracts of 50–100 %).
WORKING_SHARE = 0.75  # rounds bench, 60 s: 0.75 ≈ 0.85 (objective 26,448 / 27,168), one run


def cut_rounds(problem: Problem, shifts: list[CandidateShift], *,
               seconds: float = SECONDS_PER_DAY, seed: int = 0, deterministic: bool = False
               ) -> list[CandidateShift]:
    """The shifts with visits to staff first, in time order: per unit and day (of a shift's
    start), the set of ``shifts`` with visits that leaves the least visit need uncovered, then
    waits and travels least (the scenario's weights), at most as many as ``day_staff``
    allows; a visit never served by more shifts than it asks for. ``seconds`` per unit-day
    (deterministic time in ``deterministic`` mode)."""
    groups: dict[tuple[str, int], list[CandidateShift]] = defaultdict(list)
    for s in shifts:
        if s.visits:
            groups[s.unit_id, problem.grid.day_of(s.start)].append(s)
    caps = day_staff(problem)
    out: list[CandidateShift] = []
    for (unit, day), options in sorted(groups.items()):
        out.extend(_cut(problem, options, caps.get((unit, day), 0), seconds, seed,
                        deterministic))
    return sorted(out, key=lambda s: (s.start, s.end, s.index))


def day_staff(problem: Problem) -> dict[tuple[str, int], int]:
    """Per (unit, day): about how many shifts the staff approved for the unit's scattered
    clients could work that day (those available for a minimum shift, × ``WORKING_SHARE``)."""
    starts = problem.grid.day_starts()
    min_len = int(np.ceil(problem.scenario.rules.min_shift_hours * 60 / problem.slot_minutes))
    units: dict[str, set[str]] = defaultdict(set)
    for data in problem.demands.values():
        if data.client is not None and data.client.scattered:
            units[data.unit].update(data.eligible_staff)
    out: dict[tuple[str, int], int] = {}
    for unit, staff in units.items():
        for day in range(len(starts) - 1):
            a, b = starts[day], starts[day + 1]
            able = sum(1 for sid in staff
                       if problem.staff[sid].available[a:b].sum() >= min_len)
            out[unit, day] = round(able * WORKING_SHARE)
    return out


def cut_day(problem: Problem, options: list[CandidateShift], cap: int, *,
            seconds: float = SECONDS_PER_DAY, seed: int = 0, deterministic: bool = False
            ) -> list[CandidateShift]:
    """One unit-day's cut: of ``options`` (shifts with visits), at most ``cap``."""
    return _cut(problem, options, cap, seconds, seed, deterministic)


def _cut(problem: Problem, options: list[CandidateShift], cap: int, seconds: float, seed: int,
         deterministic: bool) -> list[CandidateShift]:
    weights = problem.scenario.weights
    slot = problem.slot_minutes
    model = cp_model.CpModel()
    pick = [model.new_bool_var(f"s{s.index}") for s in options]
    serving: dict[tuple[str, int, int], list[cp_model.IntVar]] = defaultdict(list)
    for var, s in zip(pick, options, strict=True):
        for v in s.visits:
            serving[v.owner, v.start, v.end].append(var)
    terms: list[cp_model.LinearExprT] = []
    for (owner, a, b), vars_ in serving.items():
        asked = int(problem.demands[owner].demand.count[a])
        served = sum(vars_)
        model.add(served <= asked)
        # Per minute × the weight per hour: the model's costs × 60, in integers.
        terms.append(round(weights.uncovered) * (b - a) * slot * (asked - served))
    for var, s in zip(pick, options, strict=True):
        cost = weights.waiting * s.waiting_minutes + weights.travel * s.travel_minutes
        terms.append(round(cost) * var)
    model.add(sum(pick) <= cap)
    model.minimize(sum(terms))
    solver = cp_model.CpSolver()
    configure(solver, seconds=seconds, workers=1, seed=seed, deterministic=deterministic)
    # Presolve costs more than the search on these small set-partitioning models: 28
    # unit-days of the rounds bench solve in 1.2 s without it, 9 s with it (and ran out).
    solver.parameters.cp_model_presolve = False
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return [s for var, s in zip(pick, options, strict=True) if solver.boolean_value(var)]
