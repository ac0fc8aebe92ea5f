"""Rules that hold by construction: an assignment variable exists only for a shift of legal
length, inside the need, for an approved and competent assistant available for all of it; a
group unit's shifts only for staff who may work there; no assistance need during a stay.
They are registered so the catalogue and the validator's audits cover them like every other."""

from __future__ import annotations

from scheduler.solver.context import ModelContext, Penalty
from scheduler.solver.rules.base import Rule


def by_construction(ctx: ModelContext) -> list[Penalty]:
    return []


RULES = [
    Rule(
        id="approved_assistant",
        kind="hard",
        title="Only assistants the client approved, with the required competences",
        source="SFB 51 kap.; LSS 9 § 2; the client's choice",
        add=by_construction,
    ),
    Rule(
        id="unit_eligibility",
        kind="hard",
        title="Group-unit shifts only for staff of the unit: home unit, also_units, or a unit "
        "pooled or co-located with the home unit; with the unit's required competences",
        source="Employment contracts; the scenario's pooling and co-location",
        add=by_construction,
    ),
    Rule(
        id="double_staffing",
        kind="hard",
        title="No personal assistance during a client's short-term stay (double decision) "
        "unless the booking marks it as needed",
        source="The action plan: the same hours are not staffed twice",
        add=by_construction,
    ),
    Rule(
        id="availability",
        kind="hard",
        title="No work during absences or outside the staff member's availability",
        source="Employment contracts; leave decisions",
        add=by_construction,
    ),
    Rule(
        id="shift_length",
        kind="hard",
        title="Shift length between the minimum and 13 h (work + jour)",
        source="AB § 13; Bilaga J",
        add=by_construction,
    ),
]
