"""Coverage: never more staff than the owner needs (a client's need, a group unit's density);
uncovered need is a soft penalty. Staff on an unpaid break still count as on shift here (the
unit keeps its floor during breaks: ``rules.breaks``).

Because staffing may never exceed need, uncovered need is exactly need − staffed time, a linear
expression with no extra variables. The cap is checked at every shift start and every point where
need drops: staffing only rises at shift starts, so those points are enough.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec
from scheduler.solver.rules.base import Rule


def add_staffing_cap(ctx: ModelContext) -> list[Penalty]:
    # Per owner, the pieces of need shifts staff: the whole shift, or a round's visits.
    by_owner: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for shift in ctx.live_shifts:
        for owner, a, b in shift.served:
            by_owner[owner].append((a, b, shift.index))
    for owner, pieces in by_owner.items():
        data = ctx.problem.demands[owner]
        count = data.demand.count
        pieces.sort()
        starts = [a for a, _, _ in pieces]
        longest = max(b - a for a, b, _ in pieces)
        points = set(starts)
        for t in range(1, len(count)):
            if count[t] < count[t - 1]:
                points.add(t)
        for t in sorted(points):
            lo, hi = bisect_left(starts, t - longest), bisect_right(starts, t)
            covering = [ctx.staffed[i] for _, b, i in pieces[lo:hi] if t < b]
            if len(covering) > 1 or (covering and count[t] < 1):
                ctx.model.add(cp_model.LinearExpr.sum(covering) <= int(count[t])).with_name(
                    f"staffing_cap__{data.label}__{t}"
                )
    return []


UNCOVERED_NEED = PenaltySpec("uncovered_need", "uncovered need", "person-hours", "uncovered")


def add_uncovered(ctx: ModelContext) -> list[Penalty]:
    slot = ctx.problem.slot_minutes
    need_minutes = sum(
        int(ctx.problem.demands[o].demand.count.sum()) * slot for o in ctx.owners
    )
    staffed = sum(ctx.staffed[s.index] * s.served_minutes for s in ctx.live_shifts)
    return [Penalty(UNCOVERED_NEED, need_minutes - staffed, 60)]


RULES = [
    Rule(
        id="staffing_cap",
        kind="hard",
        title="No more staff at once than the client needs or the unit's density rules ask",
        source="Decisions (bemanna efter beslut); action plan: no time beyond granted; "
        "the units' staffing density",
        add=add_staffing_cap,
    ),
    Rule(
        id="uncovered_need",
        kind="soft",
        title="Need left uncovered (listed interval by interval)",
        source="Decisions; the client's need",
        add=add_uncovered,
        penalties=(UNCOVERED_NEED,),
    ),
]
