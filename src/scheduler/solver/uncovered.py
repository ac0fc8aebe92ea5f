"""Need left uncovered, interval by interval, and why: one wording for every planner.

``uncovered_intervals`` lists the need a set of shifts leaves open. Why a slot is open comes from
``reason_from_data`` (what the scenario's data says: no decision, nobody eligible or available,
granted hours used up) unless the planner knows better (the greedy baseline records why it gave
up on each piece); either way the reasons are the ones defined here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from scheduler.domain.schedule import UncoveredInterval
from scheduler.solver.problem import DemandData, Problem

NO_DECISION = "no decision covers this time"
NOT_ELIGIBLE = "no approved assistant with the required competences"
NOBODY_AVAILABLE = "no approved assistant is available (absence or availability)"
TOO_SHORT = "too short for a shift (below the minimum shift length or off the shift grid)"
STAFF_BUSY = "approved assistants are working, resting or at their hour caps"
NO_BREAK_POSITION = ("no break position keeps the unit's minimum staffing, and no shorter shift "
                     "fits")
NOT_WORTH_IT = "not covered: working-time rules or cost outweigh it (see penalties)"


def granted_hours_used_up(decision_ids: str) -> str:
    return f"granted hours used up in the settlement period ({decision_ids})"


def nobody_for_unit(units: str) -> str:
    return (f"nobody may work in {units} (home unit, also_units, pooling, co-location) "
            "with the required competences")


def density_above_staff(need: int, eligible: int, units: str) -> str:
    return f"the density rules need {need} staff at once; only {eligible} may work in {units}"


def density_above_available(need: int, available: int, units: str) -> str:
    return (f"the density rules need {need} staff at once; {available} of those who may work "
            f"in {units} are available (absence or availability)")


# Why slot t of an owner's need is open, given how many staff each slot of it has.
Reason = Callable[[DemandData, np.ndarray, int], str]


def uncovered_intervals(problem: Problem, shifts: Iterable[tuple[str, int, int]],
                        reason: Reason | None = None) -> list[UncoveredInterval]:
    """The need ``shifts`` (owner, first slot, end slot; one per person) leave open: maximal
    runs of slots with the same number missing and the same reason (``reason_from_data`` by
    default)."""
    grid = problem.grid
    why = reason or reason_from_data(problem)
    staffed: dict[str, np.ndarray] = {
        key: np.zeros(grid.n_slots, dtype=np.int16) for key in problem.demands
    }
    for owner, start, end in shifts:
        staffed[owner][start:end] += 1
    out = []
    for key, data in problem.demands.items():
        missing = data.demand.count - staffed[key]
        t = 0
        while t < grid.n_slots:
            if missing[t] <= 0:
                t += 1
                continue
            start = t
            text = why(data, staffed[key], t)
            while (t < grid.n_slots and missing[t] == missing[start]
                   and why(data, staffed[key], t) == text):
                t += 1
            out.append(UncoveredInterval(
                client=data.client_id, unit=data.unit,
                start=grid.local_time(start), end=grid.local_time(t),
                missing=int(missing[start]), reason=text,
            ))
    return out


def reason_from_data(problem: Problem) -> Reason:
    """Why need is open, as far as the data tells: no decision, nobody eligible or available,
    granted hours used up; else the rules or the cost."""
    available: dict[str, np.ndarray] = {}

    def available_now(data: DemandData) -> np.ndarray:
        if data.key not in available:
            count = np.zeros(problem.grid.n_slots, dtype=np.int16)
            for sid in data.eligible_staff:
                count += problem.staff[sid].available
            available[data.key] = count
        return available[data.key]

    def reason(data: DemandData, staffed: np.ndarray, t: int) -> str:
        if data.is_unit:
            return _unit_reason(data, available_now(data), t)
        if not data.decided[t]:
            return NO_DECISION
        if not data.eligible_staff:
            return NOT_ELIGIBLE
        if not available_now(data)[t]:
            return NOBODY_AVAILABLE
        hours_per_slot = problem.slot_minutes / 60
        for budget in data.budgets:
            if budget.first_slot <= t < budget.end_slot:
                used = int(staffed[budget.first_slot:budget.end_slot].sum()) * hours_per_slot
                if used >= budget.available_hours - problem.scenario.rules.min_shift_hours:
                    return granted_hours_used_up(budget.decision_id)
        return NOT_WORTH_IT

    return reason


def _unit_reason(data: DemandData, available_now: np.ndarray, t: int) -> str:
    units = "+".join(data.units)
    if not data.eligible_staff:
        return nobody_for_unit(units)
    need = int(data.demand.count[t])
    if need > len(data.eligible_staff):
        return density_above_staff(need, len(data.eligible_staff), units)
    if available_now[t] < need:
        return density_above_available(need, int(available_now[t]), units)
    return NOT_WORTH_IT
