"""Cuts: redundant constraints that every schedule satisfies, added where only the linear
relaxation needs them (the bound, ``engine.scenario_bound`` and the search's LP floor).

**Continuity against the contract.** Continuity counts the (client, assistant) pairs worked
("works for", y). The rules link y to a shift's assignment x only as x → y, so the relaxation
may spread an assistant thinly over many clients' shifts, each at a small fraction, and pay a
matching fraction of y: a client whose need takes five contracts then costs about one
assistant. Every schedule satisfies, per staff member s and client c,

    h(s, c) ≤ T(s) · y(s, c) + b(s, c),  b ≥ 0,  Σ_c b(s, c) ≤ Σ_periods (additional + overtime)

where h is the work minutes of s's shifts for c alone (shifts serving one client, starting in
a limiting period, as the contract balance counts them) and T the contract target summed over
the limiting periods. In a schedule take b(s, c) = max(0, h(s, c) − T(s)) where y = 1 (h = 0
where y = 0). With T ≥ 0 (a target is the contract less absences, never below 0) the positive
parts of the h's over T sum to at most the positive part of their sum over T; Σ_c h ≤ the
minutes worked W (each shift counts for one client, in the periods the balance counts), and
W − T = additional + overtime − unused over the periods. So Σ_c b ≤ additional + overtime, each
b ≤ h ≤ its pair's minutes, within b's domain: the cut removes no schedule, and the relaxation
now pays a full assistant for each contract's worth of a client's hours, or the hours beyond
contract instead. Staff without a contract target (hourly pay) get none: for them it follows
from the balance alone.

Measured on the generated instances (bench/README.md, *A sharper bound*): M's bound 20,561.7 →
20,665.9 (LP without the timelines' cliques); L's parts +53 to +88 each.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.solver.context import ModelContext


def add_continuity_cuts(ctx: ModelContext) -> int:
    """Add the continuity-against-contract cuts (module docstring); returns how many pairs got
    one. A pair whose shifts together hold no more than T minutes gets none: there
    h ≤ (Σ its shifts' minutes) · y already follows from x → y."""
    problem = ctx.problem
    periods = problem.limiting_periods()
    added = 0
    for sid in ctx.staff_ids:
        beyond = ctx.beyond_contract.get(sid, [])
        target = sum(t.target_minutes for t in problem.contract_targets[sid])
        if target == 0:
            continue
        minutes: dict[str, tuple[list[cp_model.IntVar], list[int]]] = defaultdict(
            lambda: ([], []))
        for shift, var in ctx.by_staff.get(sid, []):
            clients = shift.clients  # as continuity counts them
            if len(clients) != 1 or not any(a <= shift.start < b for a, b, _ in periods):
                continue
            (client,) = clients
            variables, work = minutes[client]
            variables.append(var)
            work.append(shift.work_minutes)
        excesses = []
        # The domain's last entry through a list: the C++ proto wrapper silently returns 0
        # for a negative index.
        most_beyond = sum(list(v.proto.domain)[-1] for v in beyond)
        for client in sorted(minutes):
            variables, work = minutes[client]
            works_for = ctx.works_for.get((client, sid))
            most = sum(work)
            if works_for is None or most <= target:
                continue
            excess = ctx.model.new_int_var(0, min(most, most_beyond),
                                           f"cut_excess__{client}__{sid}")
            ctx.model.add(cp_model.LinearExpr.weighted_sum(variables, work)
                          <= target * works_for + excess)
            excesses.append(excess)
            added += 1
        if excesses:
            ctx.model.add(cp_model.LinearExpr.sum(excesses) <= cp_model.LinearExpr.sum(beyond))
    return added
