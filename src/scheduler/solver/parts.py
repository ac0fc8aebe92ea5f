"""A scenario's independent parts: demand owners and the staff who may work for them.

Demand owners (clients, group units) and staff that can never share work (no approval or unit
membership links them) form separate parts; every rule is per owner or per staff member, so
solving and scoring parts apart is exact. The engine solves part by part and the exact
evaluation (``solver.evaluation``) scores part by part, so the fairness spread, compared within
a part, is the same for every planner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.solver.problem import Problem, linked_groups
from scheduler.solver.shifts import CandidateShift

Pairs = set[tuple[str, int]]  # (staff id, candidate shift index): one assignment each


@dataclass
class Component:
    owners: list[str]  # demand owner keys (clients and group units)
    staff: list[str]
    shifts: list[CandidateShift] = field(default_factory=list)

    @property
    def size(self) -> int:
        """A rough count of assignment variables, to share out the time limit."""
        return max(1, len(self.shifts) * len(self.staff))


def components(problem: Problem, shifts: list[CandidateShift]) -> list[Component]:
    groups = [Component(owners, staff) for owners, staff in linked_groups(problem)]
    by_owner = {key: comp for comp in groups for key in comp.owners}
    for shift in shifts:
        by_owner[shift.owner].shifts.append(shift)
    # Staff nobody approved share one trivial model: only their unused hours count.
    idle = Component([], [s for comp in groups if not comp.owners for s in comp.staff])
    # Owners with no demand and nobody to staff them (children booked into a group unit) add
    # nothing to any objective: no model for them.
    out = sorted((c for c in groups if c.owners and (c.staff or any(
        problem.demands[o].demand.count.any() for o in c.owners))), key=lambda c: -c.size)
    if idle.staff:
        out.append(idle)
    return out


def eligible_pairs(problem: Problem, part: Component) -> Pairs:
    """Every assignment the part's model could make (availability aside)."""
    return {
        (sid, s.index) for s in part.shifts for sid in problem.demands[s.owner].eligible_staff
    }
