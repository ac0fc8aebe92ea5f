"""Granted hours: what is charged to each decision never exceeds what its settlement period has
left.

A decision pays only for the need of its own service (``DecisionKind.service``), and charges an
hour of jour as ``on_call_counts_as`` of an hour. A client's horizon is cut where any decision's
period starts or ends; within a segment the staffed minutes of each class of need (service,
awake or jour) go to the decisions of that service active there. With one such decision they
are charged to it; where several overlap (e.g. SFB and municipal assistance side by side)
allocation variables split the class's minutes between them, each charged at its own rate.
Charges are integers: ``CHARGE_UNITS_PER_MINUTE`` units per minute counted in full.
A shift with visits (``solver.rounds``) charges each visit to its own client, once; the travel
before a visit too where the decisions paying for it say ``charges_travel``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.domain.budget import charge_classes
from scheduler.solver.context import ModelContext, Penalty
from scheduler.solver.rules.base import Rule


def add_decision_budget(ctx: ModelContext) -> list[Penalty]:
    slot = ctx.problem.slot_minutes
    # Per client: (first slot, end slot, shift index, travel minutes before) of the need each
    # shift staffs (the shift, or a visit of a round or waiting shift).
    by_client: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for shift in ctx.live_shifts:
        if shift.visits:
            for v in shift.visits:
                by_client[v.owner].append((v.start, v.end, shift.index, v.travel_minutes))
        elif shift.client_id is not None:  # group units have no granted hours
            by_client[shift.client_id].append((shift.start, shift.end, shift.index, 0))
    for client_id, pieces in by_client.items():
        data = ctx.problem.demands[client_id]
        budgets = data.budgets
        travels = ({d.id for d in data.client.decisions if d.charges_travel}
                   if data.client is not None else set())
        classes = charge_classes(data.demand)
        cuts = sorted({b.first_slot for b in budgets} | {b.end_slot for b in budgets})
        # Decision id → shift index → charge units per person on the shift (one active payer),
        # and decision id → split variables × units (several).
        fixed: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        split: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        for a, b in itertools.pairwise(cuts):
            inside = [p for p in pieces if p[0] < b and a < p[1]]
            if not inside:
                continue
            for (service, on_call), prefix in classes.items():
                minutes: dict[int, int] = defaultdict(int)
                for start, end, i, _ in inside:
                    minutes[i] += int(prefix[min(end, b)] - prefix[max(start, a)]) * slot
                minutes = {i: m for i, m in minutes.items() if m}
                active = [d for d in budgets
                          if d.first_slot <= a and b <= d.end_slot and d.service is service]
                if not minutes or not active:
                    continue  # shifts only cover need that a decision pays for
                # Travel to a visit starting here, where the paying decisions charge it.
                if not on_call and all(d.decision_id in travels for d in active):
                    for start, _, i, travel in inside:
                        if travel and a <= start < b and i in minutes:
                            minutes[i] += travel
                if len(active) == 1:
                    d = active[0]
                    units = d.units_per_minute(on_call)
                    for i, m in minutes.items():
                        fixed[d.decision_id][i] += m * units
                    continue
                # At most everything these shifts could be staffed with (minutes × y's top).
                upper = sum(m * max(ctx.staffed[i].proto.domain) for i, m in minutes.items())
                kind = "jour" if on_call else "awake"
                parts = []
                for d in active:
                    part = ctx.model.new_int_var(
                        0, upper, f"charge__{d.decision_id}__{a}__{service.value}__{kind}")
                    split[d.decision_id].append(part * d.units_per_minute(on_call))
                    parts.append(part)
                staffed = sum(ctx.staffed[i] * m for i, m in minutes.items())
                ctx.model.add(sum(parts) == staffed).with_name(
                    f"split__{client_id}__{a}__{service.value}__{kind}")
        for d in budgets:
            terms: list[cp_model.LinearExprT] = [
                ctx.staffed[i] * u for i, u in fixed[d.decision_id].items()]
            terms += split[d.decision_id]
            if terms:
                ctx.model.add(sum(terms) <= d.available_units).with_name(
                    f"granted_hours__{d.decision_id}"
                )
    return []


RULES = [
    Rule(
        id="decision_budget",
        kind="hard",
        title="Hours within what the settlement period has left (plus approved exceptions), "
        "each decision paying only for its own service's need",
        source="SFB 51 kap. / LSS decisions; action plan: no time beyond granted",
        add=add_decision_budget,
    ),
]
