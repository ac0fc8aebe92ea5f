"""Granted hours: scheduled time per decision never exceeds what its settlement period has left.

A client's horizon is cut where any decision's period starts or ends. In a segment with one
active decision its time is charged to it; where several overlap (e.g. SFB and municipal
assistance side by side) allocation variables split the segment's time between them.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from scheduler.solver.context import ModelContext, Penalty
from scheduler.solver.rules.base import Rule


def add_decision_budget(ctx: ModelContext) -> list[Penalty]:
    slot = ctx.problem.slot_minutes
    by_client = defaultdict(list)
    for shift in ctx.live_shifts:
        if shift.client_id is not None:  # group units have no granted hours
            by_client[shift.client_id].append(shift)
    for client_id, shifts in by_client.items():
        budgets = ctx.problem.demands[client_id].budgets
        cuts = sorted({b.first_slot for b in budgets} | {b.end_slot for b in budgets})
        charged = defaultdict(list)  # decision id → expressions of minutes charged to it
        for a, b in itertools.pairwise(cuts):
            active = [d for d in budgets if d.first_slot <= a and b <= d.end_slot]
            terms = [
                ctx.staffed[s.index] * ((min(s.end, b) - max(s.start, a)) * slot)
                for s in shifts
                if s.start < b and a < s.end
            ]
            if not terms or not active:
                continue  # shifts are only generated where a decision covers the need
            if len(active) == 1:
                charged[active[0].decision_id].append(sum(terms))
                continue
            # At most everything the segment's shifts could be staffed with (overlap × y's top).
            upper = sum(
                (min(s.end, b) - max(s.start, a)) * slot * max(ctx.staffed[s.index].proto.domain)
                for s in shifts
                if s.start < b and a < s.end
            )
            parts = []
            for d in active:
                part = ctx.model.new_int_var(0, upper, f"charge__{d.decision_id}__{a}")
                charged[d.decision_id].append(part)
                parts.append(part)
            ctx.model.add(sum(parts) == sum(terms)).with_name(f"split__{client_id}__{a}")
        for d in budgets:
            if charged[d.decision_id]:
                limit = int(d.available_hours * 60 + 1e-6)
                ctx.model.add(sum(charged[d.decision_id]) <= limit).with_name(
                    f"granted_hours__{d.decision_id}"
                )
    return []


RULES = [
    Rule(
        id="decision_budget",
        kind="hard",
        title="Hours within what the settlement period has left (plus approved exceptions)",
        source="SFB 51 kap. / LSS decisions; action plan: no time beyond granted",
        add=add_decision_budget,
    ),
]
