"""Breaks: nobody works more than 5 h in a row without one; in group units that allow unpaid
breaks they are staggered so the unit keeps its floor (its minimum staffing, or all its demand
when that is lower) while staff are away.

Staff on one candidate shift are interchangeable for the unit's staffing, so the choice is per
shift, not per person: ``break_plan__{shift}__{k}`` counts how many of the shift's staff take
plan k (``shifts.break_plans``), and the counts add up to the shift's staffing. Where someone
is on a break, those present (on shift minus on break) must reach the floor. The check is made
wherever anything changes inside a possible break: a break starts or ends, a shift starts or
ends, the floor changes. Which person takes which plan is decided when the schedule is written.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.solver.context import ModelContext, Penalty
from scheduler.solver.rules.base import Rule
from scheduler.solver.shifts import CandidateShift


def plan_var_name(index: int, plan: int) -> str:
    return f"break_plan__{index}__{plan}"


def add_break_cover(ctx: ModelContext) -> list[Penalty]:
    by_owner: dict[str, list[CandidateShift]] = defaultdict(list)
    for shift in ctx.live_shifts:
        by_owner[shift.owner].append(shift)
    for owner, shifts in by_owner.items():
        data = ctx.problem.demands[owner]
        floor = data.break_floor
        length = data.breaks.length_slots
        plans: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        for s in shifts:
            if not s.break_plans:
                continue
            staffed = ctx.staffed[s.index]
            if len(s.break_plans) == 1:
                plans[s.index] = [(0, staffed)]
                continue
            top = max(staffed.proto.domain)  # the staffed bound (need, takers)
            counts = [ctx.model.new_int_var(0, top, plan_var_name(s.index, k))
                      for k in range(len(s.break_plans))]
            ctx.model.add(sum(counts) == staffed).with_name(f"break_plans__{s.index}")
            plans[s.index] = list(enumerate(counts))
        if floor is None or not plans:
            continue
        # Every possible break: (start, end, the count variable of its plan).
        breaks = [
            (p, p + length, var)
            for s in shifts if s.index in plans
            for k, var in plans[s.index]
            for p in s.break_plans[k]
        ]
        inside: set[int] = set()
        for a, b, _ in breaks:
            inside.update(range(a, b))
        points = {a for a, _, _ in breaks} | {b for _, b, _ in breaks}
        points |= {s.start for s in shifts} | {s.end for s in shifts}
        points |= {t for t in inside if t > 0 and floor[t] != floor[t - 1]}
        ordered = sorted(shifts, key=lambda s: s.start)
        starts = [s.start for s in ordered]
        longest = max(s.end - s.start for s in ordered)
        breaks.sort(key=lambda item: item[0])
        break_starts = [a for a, _, _ in breaks]
        for t in sorted(points & inside):
            if floor[t] <= 0:
                continue
            away = [var for a, b, var in breaks[:bisect_right(break_starts, t)]
                    if a <= t < b]
            lo, hi = bisect_left(starts, t - longest), bisect_right(starts, t)
            on_shift = [ctx.staffed[s.index] for s in ordered[lo:hi] if t < s.end]
            someone_away = ctx.model.new_bool_var(f"break_on__{owner}__{t}")
            ctx.model.add(sum(on_shift) - sum(away) >= int(floor[t])).only_enforce_if(
                someone_away).with_name(f"break_floor__{owner}__{t}")
            ctx.model.add(sum(away) == 0).only_enforce_if(someone_away.Not()).with_name(
                f"break_none__{owner}__{t}")
    return []


RULES = [
    Rule(
        id="breaks",
        kind="hard",
        title="A break after at most 5 h of work; unpaid breaks in group units staggered so the "
        "unit keeps its minimum staffing (paid meal pauses in personal assistance)",
        source="Arbetstidslagen 15 §; AB § 13; the action plan: scheduled, staggered breaks",
        add=add_break_cover,
    ),
]
