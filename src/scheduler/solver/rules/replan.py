"""Re-planning (``domain.replan``): the past stays as it was, and changes cost.

``frozen_past``: before the re-plan's start only pinned shifts are worked. It holds by
construction: ``solver.problem`` makes nobody available before the start outside their own
pins, so no model has a variable for such a shift, and the greedy baseline, which reads the
same availability, never plans one.

``changes``: the previous plan's shifts from the start on are the reference. Each hour of one
the new plan does not keep exactly (same staff member, owner, start, end and visits) and each
hour of a new shift the previous plan did not have is a changed shift-hour, so a move or a
reassignment counts twice (its old and its new shift). Per (staff, shift) the term is
linear: a kept previous shift costs its hours times (1 − x), any other shift its hours times
x; a previous shift that has no assignment variable in this model (no longer possible: its
staff member is absent, say) is a constant, counted in the model of its owner.
"""

from __future__ import annotations

from ortools.sat.python.cp_model import LinearExprT

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec
from scheduler.solver.problem import ShiftKey
from scheduler.solver.rules.base import Rule
from scheduler.solver.rules.eligibility import by_construction

CHANGES = PenaltySpec("changes", "changed shift-hours against the previous plan",
                      "shift-hours", "change")


def add_changes(ctx: ModelContext) -> list[Penalty]:
    problem = ctx.problem
    if problem.replan_start is None:
        return [Penalty(CHANGES, 0, 1)]
    minutes = problem.grid.slot_minutes
    previous = {(p.staff, p.key) for p in problem.previous}
    shifts = ctx.shifts_by_index
    terms: list[LinearExprT] = []
    constant = 0
    present: set[tuple[str, ShiftKey]] = set()
    for (sid, i), var in ctx.x.items():
        s = shifts[i]
        if s.start < problem.replan_start:
            continue  # the past: pins only, never a change
        key = (sid, s.key)
        length = (s.end - s.start) * minutes
        if key in previous:
            present.add(key)
            constant += length
            terms.append(-length * var)
        else:
            terms.append(length * var)
    owners = set(ctx.owners)
    constant += sum((p.end - p.start) * minutes for p in problem.previous
                    if p.owner in owners and (p.staff, p.key) not in present)
    return [Penalty(CHANGES, sum(terms) + constant, 60)]


RULES = [
    Rule(
        id="frozen_past",
        kind="hard",
        title="A re-plan changes nothing before its start: only pinned shifts are worked then",
        source="The coordinator's re-plan (scheduler replan --from): what was worked stays",
        add=by_construction,
    ),
    Rule(
        id="changes",
        kind="soft",
        title="Few changes against the previous plan (re-planning)",
        source="Staff and clients were told the previous plan; every change is a phone call",
        add=add_changes,
        penalties=(CHANGES,),
    ),
]
