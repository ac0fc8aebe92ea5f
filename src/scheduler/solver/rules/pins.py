"""Pinned shifts (``domain.pins``): each pin's assignment is fixed to 1 in every model built
(the full model, each neighbourhood-search move, the exact evaluation, hints), so no plan can
drop, move or shorten one. ``solver.shifts`` makes every pin a candidate shift of its owner."""

from __future__ import annotations

from scheduler.solver.context import ModelContext, Penalty
from scheduler.solver.rules.base import Rule


def fix_pins(ctx: ModelContext) -> list[Penalty]:
    """Fix each pin of this model's staff and shifts. In a full model, a pin whose assignment
    the model cannot make (its staff member is not eligible or not available then) makes the
    model infeasible: the pin is never silently left out. A restricted model (a move, an
    evaluation) has only the pairs it was given; the pins among them are fixed."""
    index = {s.key: s.index for s in ctx.shifts}
    staff = set(ctx.staff_ids)
    for k, pin in enumerate(ctx.problem.pins):
        i = index.get(pin.key)
        if i is None or pin.staff not in staff:
            continue  # not in this model (another part, or outside a move's neighbourhood)
        var = ctx.x.get((pin.staff, i))
        if var is None:
            if ctx.restricted:
                continue
            ctx.model.add_bool_or([]).with_name(f"pin_impossible__{k}")
        else:
            ctx.model.add(var == 1).with_name(f"pin__{k}")
    return []


RULES = [
    Rule(
        id="pinned_shifts",
        kind="hard",
        title="Pinned shifts are kept exactly: same staff member, client or unit, start and end",
        source="The coordinator's decision (re-planning after a sick call, promised shifts)",
        add=fix_pins,
    ),
]
