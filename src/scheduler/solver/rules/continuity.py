"""Continuity: few different assistants per client (the client chooses who comes, and fewer
faces mean better care). The raw penalty is the number of (client, assistant) pairs used; group
units' shifts do not count (no one client is served); a round counts for every client it
visits."""

from __future__ import annotations

from collections import defaultdict

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec
from scheduler.solver.rules.base import Rule

CONTINUITY = PenaltySpec("continuity", "assistants per client", "assistants per client, summed",
                         "continuity")


def add_continuity(ctx: ModelContext) -> list[Penalty]:
    pairs = defaultdict(list)
    shifts = ctx.shifts_by_index
    for (sid, index), var in ctx.x.items():
        for client_id in sorted(shifts[index].clients):
            pairs[client_id, sid].append(var)
    used = []
    for (cid, sid), variables in pairs.items():
        works_for = ctx.model.new_bool_var(f"works_for__{cid}__{sid}")
        ctx.works_for[cid, sid] = works_for
        for var in variables:
            ctx.model.add_implication(var, works_for)
        used.append(works_for)
    return [Penalty(CONTINUITY, sum(used), 1)]


RULES = [
    Rule(
        id="continuity",
        kind="soft",
        title="Few different assistants per client",
        source="LSS 6 § (continuity); the client's choice of assistants",
        add=add_continuity,
        penalties=(CONTINUITY,),
    ),
]
