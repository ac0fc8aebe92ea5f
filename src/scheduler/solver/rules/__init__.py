"""The rule registry: every constraint family, hard and soft, in the order they are added."""

from __future__ import annotations

from scheduler.solver.rules import (
    breaks,
    budget,
    continuity,
    coverage,
    eligibility,
    fairness,
    rest,
    working_hours,
)
from scheduler.solver.rules.base import Rule

MODULES = (eligibility, coverage, breaks, budget, rest, working_hours, fairness, continuity)

REGISTRY: tuple[Rule, ...] = tuple(rule for module in MODULES for rule in module.RULES)

HARD_RULES = tuple(r.id for r in REGISTRY if r.kind == "hard")
PENALTY_TERMS = tuple(term for r in REGISTRY for term in r.penalties)


def _check_registry() -> None:
    ids = [r.id for r in REGISTRY]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"rule ids registered twice: {sorted(duplicates)}")


_check_registry()
