"""Builds one CP-SAT model: the container, every registered rule, the weighted objective."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solver.context import OBJECTIVE_SCALE, ModelContext, Penalty
from scheduler.solver.cuts import add_continuity_cuts
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
    cuts: bool = False,
) -> BuiltModel:
    """The model of ``owners`` and ``staff_ids`` over ``shifts``; ``only`` restricts the
    assignments to these (staff, shift) pairs; ``cuts`` adds redundant constraints that tighten
    the linear relaxation (``solver.cuts``), for bounds: the schedules are the same."""
    ctx = ModelContext.build(problem, shifts, owners, staff_ids, only)
    penalties: list[Penalty] = []
    for rule in REGISTRY:
        produced = rule.add(ctx)
        if {p.spec for p in produced} != set(rule.penalties):
            raise RuntimeError(f"rule {rule.id} returned {[p.rule for p in produced]}, "
                               f"declared {[s.id for s in rule.penalties]}")
        penalties.extend(produced)
    post_timelines(ctx)
    if cuts:
        add_continuity_cuts(ctx)
    weights = problem.scenario.weights
    objective = sum(p.expr * (getattr(weights, p.spec.weight_field) * (OBJECTIVE_SCALE // p.scale))
                    for p in penalties)
    ctx.model.minimize(objective)
    return BuiltModel(ctx, penalties, objective)
