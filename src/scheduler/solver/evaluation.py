"""The exact figures of a given assignment, and complete hints, from the registered rules.

Both solve a model whose assignment variables are fixed to one schedule: what is left (slack,
break plans, weekly-rest positions, charges, spreads) CP-SAT settles at once. So a schedule's
penalties are the rules' own, whoever made the schedule (the engine, its neighbourhood search,
the greedy baseline), and a hint covers every variable of a model, whatever a rule adds,
without a table of variables to keep in sync with the rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.solver.context import OBJECTIVE_SCALE
from scheduler.solver.model import BuiltModel, build_model
from scheduler.solver.params import configure
from scheduler.solver.parts import Component, Pairs, eligible_pairs
from scheduler.solver.problem import Problem

# A fixed assignment solves in well under a second on every generated instance (a full model
# of 16 000 possible assignments: 0.2–0.6 s); the limit only keeps a pathological model from
# hanging a run.
FIXED_SOLVE_SECONDS = 30.0


@dataclass(frozen=True)
class Evaluation:
    """One schedule of one part, evaluated exactly."""

    values_by_name: Mapping[str, int]  # every named variable of the evaluated model
    penalties: Mapping[str, float]  # penalty term id → raw value
    objective: float


def evaluate(problem: Problem, part: Component, pairs: Pairs, *, workers: int, seed: int,
             deterministic: bool = False) -> Evaluation | None:
    """The exact penalties of the assignments ``pairs`` (of ``part``): the same rules on a
    model whose only assignment variables are these pairs, all fixed to 1. None if the
    assignment breaks a hard rule."""
    used = {i for _, i in pairs}
    built = build_model(problem, [s for s in part.shifts if s.index in used], part.owners,
                        part.staff, only=pairs)
    solver, code = _solve_fixed(built, built.model, pairs, workers=workers, seed=seed,
                                seconds=FIXED_SOLVE_SECONDS, deterministic=deterministic)
    if code != cp_model.OPTIMAL:
        return None
    solution = solver.response_proto.solution
    by_name = {v.name: solution[i] for i, v in enumerate(built.model.proto.variables) if v.name}
    values: dict[str, float] = defaultdict(float)
    for p in built.penalties:
        values[p.rule] += solver.value(p.expr) / p.scale
    return Evaluation(by_name, dict(values), solver.objective_value / OBJECTIVE_SCALE)


def evaluate_parts(problem: Problem, parts: list[Component], pairs: Pairs, *, workers: int,
                   seed: int, deterministic: bool = False) -> list[Evaluation | None]:
    """``evaluate`` for each part, with the part's share of ``pairs``."""
    return [evaluate(problem, part, pairs & eligible_pairs(problem, part), workers=workers,
                     seed=seed, deterministic=deterministic) for part in parts]


def total_penalties(evaluations: Iterable[Evaluation]) -> dict[str, float]:
    """Raw penalty values summed over parts."""
    out: dict[str, float] = defaultdict(float)
    for evaluation in evaluations:
        for term, value in evaluation.penalties.items():
            out[term] += value
    return dict(out)


def complete_hint(built: BuiltModel, pairs: AbstractSet[tuple[str, int]], *, workers: int,
                  seed: int | None = None, seconds: float = FIXED_SOLVE_SECONDS,
                  deterministic: bool = False) -> bool:
    """Hint every variable of ``built`` with its value when exactly the assignments ``pairs``
    are made (a copy of the model with them fixed, solved): CP-SAT takes a complete, feasible
    hint as its first solution at once, while a hint on the assignments alone may be lost in
    search. False (and no hint) if that copy finds no solution within ``seconds``."""
    model = built.model
    solver, code = _solve_fixed(built, model.clone(), pairs, workers=workers, seed=seed,
                                seconds=seconds, deterministic=deterministic)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    # Every variable in proto order, in bulk (one ``add_hint`` per variable cost more than the
    # hint's solve on large neighbourhoods).
    model.proto.clear_solution_hint()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(model.proto.variables)))
    hint.values.extend(list(solver.response_proto.solution))
    return True


def fix_assignments(built: BuiltModel, model: cp_model.CpModel,
                    pairs: AbstractSet[tuple[str, int]], *, others_free: bool = False) -> None:
    """Fix the assignment variables of ``built`` in ``model`` (``built``'s, or a copy of it):
    1 for ``pairs``, 0 for the rest, or the rest left free with ``others_free``. By domain
    rather than by a constraint each: thousands per neighbourhood, and the presolve has
    nothing left to do for them."""
    variables = model.proto.variables
    for key, var in built.ctx.x.items():
        domain = variables[var.index].domain
        if key in pairs:
            domain[0] = domain[1] = 1
        elif not others_free:
            domain[0] = domain[1] = 0


def _solve_fixed(built: BuiltModel, model: cp_model.CpModel,
                 pairs: AbstractSet[tuple[str, int]], *, workers: int, seed: int | None,
                 seconds: float, deterministic: bool = False
                 ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Solve ``model`` (``built``'s, or a copy of it) with each assignment variable fixed:
    1 for ``pairs``, 0 for the rest. Deterministic: one worker (a fixed assignment solves in
    presolve; which of several equal break plans comes out must not depend on threads)."""
    fix_assignments(built, model, pairs)
    solver = cp_model.CpSolver()
    configure(solver, seconds=seconds, workers=1 if deterministic else workers, seed=seed,
              deterministic=deterministic)
    return solver, solver.solve(model)
