"""The rule registry: every constraint family, hard and soft, in the order they are added."""

from __future__ import annotations

from scheduler.solver.rules import (
    breaks,
    budget,
    continuity,
    coverage,
    eligibility,
    fairness,
    pins,
    replan,
    rest,
    visits,
    working_hours,
)
from scheduler.solver.rules.base import Rule

MODULES = (eligibility, coverage, breaks, budget, rest, working_hours, fairness, continuity,
           pins, replan, visits)

REGISTRY: tuple[Rule, ...] = tuple(rule for module in MODULES for rule in module.RULES)

HARD_RULES = tuple(r.id for r in REGISTRY if r.kind == "hard")
PENALTY_SPECS = tuple(spec for r in REGISTRY for spec in r.penalties)
PENALTY_TERMS = tuple(spec.id for spec in PENALTY_SPECS)


def _check_registry() -> None:
    ids = [r.id for r in REGISTRY]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"rule ids registered twice: {sorted(duplicates)}")
    terms = [spec.id for spec in PENALTY_SPECS]
    if len(set(terms)) != len(terms):
        raise RuntimeError(f"penalty terms declared twice: {terms}")


_check_registry()
