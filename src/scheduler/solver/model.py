"""Builds one CP-SAT model: the container, every registered rule, the weighted objective."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solver.context import OBJECTIVE_SCALE, ModelContext, Penalty
from scheduler.solver.problem import Problem
from scheduler.solver.rules import REGISTRY
from scheduler.solver.rules.rest import post_timelines
from scheduler.solver.shifts import CandidateShift


@dataclass
class BuiltModel:
    ctx: ModelContext
    penalties: list[Penalty]
    objective: cp_model.LinearExprT

    @property
    def model(self) -> cp_model.CpModel:
        return self.ctx.model


def build_model(
    problem: Problem,
    shifts: list[CandidateShift],
    owners: list[str],
    staff_ids: list[str],
    only: set[tuple[str, int]] | None = None,
) -> BuiltModel:
    ctx = ModelContext.build(problem, shifts, owners, staff_ids, only)
    penalties: list[Penalty] = []
    for rule in REGISTRY:
        produced = rule.add(ctx)
        names = {p.rule for p in produced}
        if names != set(rule.penalties):
            raise RuntimeError(f"rule {rule.id} returned {names}, declared {rule.penalties}")
        penalties.extend(produced)
    post_timelines(ctx)
    objective = sum(p.expr * (p.weight * (OBJECTIVE_SCALE // p.scale)) for p in penalties)
    ctx.model.minimize(objective)
    return BuiltModel(ctx, penalties, objective)
