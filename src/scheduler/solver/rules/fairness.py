"""Fair spread of night and weekend shifts among regular staff.

Each member's count is scaled to a full-time, present-all-horizon equivalent:
    rate = shifts × (full-time hours / contract hours) × (horizon days / days not absent),
stored as hundredths. The penalty is the spread (max − min rate) among the regular staff
(monthly or PAN, with a contract) eligible for a client or group unit that needs someone at night
(resp. at weekends), per group of staff and owners that share work. The validator recomputes it.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python.cp_model import LinearExprT

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec
from scheduler.solver.problem import Problem
from scheduler.solver.rules.base import Rule

RATE_SCALE = 100


def rate_factor(full_time_hours: float, contract_hours: float, days: int,
                available_days: float) -> int:
    return round(RATE_SCALE * full_time_hours / contract_hours * days / available_days)


def fair_share_group(problem: Problem, owners: list[str], staff_ids: list[str],
                     slot_mask: np.ndarray) -> dict[str, int]:
    """Staff whose night (or weekend) counts are compared, with each one's rate factor: the
    regular staff eligible for an owner with schedulable need in ``slot_mask``. Empty with
    fewer than two (no spread)."""
    needing = [
        o for o in owners
        if ((problem.demands[o].demand.count > 0) & problem.demands[o].decided)[slot_mask].any()
    ]
    in_part = set(staff_ids)
    group = sorted({
        sid for o in needing for sid in problem.demands[o].eligible_staff
        if sid in in_part and problem.staff[sid].is_regular
        and problem.staff[sid].available_days > 0
    })
    if len(group) < 2:
        return {}
    full_time = problem.scenario.rules.full_time_hours_per_week
    return {
        sid: rate_factor(full_time, problem.staff[sid].staff.contract_hours_per_week,
                         problem.grid.days, problem.staff[sid].available_days)
        for sid in group
    }


def _spread(ctx: ModelContext, kind: str, slot_mask: np.ndarray) -> LinearExprT:
    problem = ctx.problem
    group = fair_share_group(problem, ctx.owners, ctx.staff_ids, slot_mask)
    if not group:
        return 0
    rates = []
    top = 0
    for sid, factor in group.items():
        chosen = [v for s, v in ctx.by_staff.get(sid, []) if getattr(s, f"is_{kind}")]
        rates.append(factor * sum(chosen) if chosen else 0)
        top = max(top, factor * problem.grid.days * 2)
    high = ctx.model.new_int_var(0, top, f"{kind}_rate_max")
    low = ctx.model.new_int_var(0, top, f"{kind}_rate_min")
    ctx.model.add_max_equality(high, rates)
    ctx.model.add_min_equality(low, rates)
    return high - low


# The spread is the highest minus the lowest rate among the compared staff.
FAIR_NIGHTS = PenaltySpec("fair_nights", "unfair spread of night shifts",
                          "night shifts per FTE (spread)", "fairness")
FAIR_WEEKENDS = PenaltySpec("fair_weekends", "unfair spread of weekend shifts",
                            "weekend shifts per FTE (spread)", "fairness")


def add_fair_nights(ctx: ModelContext) -> list[Penalty]:
    return [Penalty(FAIR_NIGHTS, _spread(ctx, "night", ctx.problem.night), RATE_SCALE)]


def add_fair_weekends(ctx: ModelContext) -> list[Penalty]:
    return [Penalty(FAIR_WEEKENDS, _spread(ctx, "weekend", ctx.problem.weekend), RATE_SCALE)]


RULES = [
    Rule(
        id="fair_nights",
        kind="soft",
        title="Night shifts spread fairly (per full-time equivalent)",
        source="AB; local agreements on schedule fairness",
        add=add_fair_nights,
        penalties=(FAIR_NIGHTS,),
    ),
    Rule(
        id="fair_weekends",
        kind="soft",
        title="Weekend shifts spread fairly (per full-time equivalent)",
        source="AB; local agreements on schedule fairness",
        add=add_fair_weekends,
        penalties=(FAIR_WEEKENDS,),
    ),
]
