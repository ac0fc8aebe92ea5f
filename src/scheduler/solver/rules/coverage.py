"""Coverage: never more assistants than the client needs; uncovered need is a soft penalty.

Because staffing may never exceed need, uncovered need is exactly need − staffed time, a linear
expression with no extra variables. The cap is checked at every shift start and every point where
need drops: staffing only rises at shift starts, so those points are enough.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from scheduler.solver.context import ModelContext, Penalty
from scheduler.solver.rules.base import Rule


def add_staffing_cap(ctx: ModelContext) -> list[Penalty]:
    by_client = defaultdict(list)
    for shift in ctx.live_shifts:
        by_client[shift.client_id].append(shift)
    for client_id, shifts in by_client.items():
        count = ctx.problem.clients[client_id].demand.count
        shifts = sorted(shifts, key=lambda s: s.start)
        starts = [s.start for s in shifts]
        longest = max(s.end - s.start for s in shifts)
        points = set(starts)
        for t in range(1, len(count)):
            if count[t] < count[t - 1]:
                points.add(t)
        for t in sorted(points):
            lo, hi = bisect_left(starts, t - longest), bisect_right(starts, t)
            covering = [ctx.staffed[s.index] for s in shifts[lo:hi] if t < s.end]
            if len(covering) > 1 or (covering and count[t] < 1):
                ctx.model.add(sum(covering) <= int(count[t])).with_name(
                    f"staffing_cap__{client_id}__{t}"
                )
    return []


def add_uncovered(ctx: ModelContext) -> list[Penalty]:
    slot = ctx.problem.slot_minutes
    need_minutes = sum(
        int(ctx.problem.clients[c].demand.count.sum()) * slot for c in ctx.client_ids
    )
    staffed = sum(ctx.staffed[s.index] * s.minutes for s in ctx.live_shifts)
    weight = ctx.problem.scenario.weights.uncovered
    return [Penalty("uncovered_need", need_minutes - staffed, 60, "person-hours", weight)]


RULES = [
    Rule(
        id="staffing_cap",
        kind="hard",
        title="No more assistants at once than the client needs",
        source="Decisions (bemanna efter beslut); action plan: no time beyond granted",
        add=add_staffing_cap,
    ),
    Rule(
        id="uncovered_need",
        kind="soft",
        title="Need left uncovered (listed interval by interval)",
        source="Decisions; the client's need",
        add=add_uncovered,
        penalties=("uncovered_need",),
    ),
]
