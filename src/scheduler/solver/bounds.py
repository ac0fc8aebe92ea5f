"""A lower bound on the objective from the data alone, valid for any schedule.

CP-SAT's own bound on month-long models is weak (its linear relaxation barely sees the rest
rules) and large parts are solved by neighbourhood search, which proves nothing. Every penalty
term is ≥ 0, so per-term lower bounds weighted and summed bound the objective:

- uncovered need: a client's slot can hold at most as many assistants as there are eligible
  staff with some candidate shift over it, and a client's staffed hours of each service fit in
  the budgets (granted hours left) of the decisions paying for that service, each at best
  spending them on jour first (an hour of jour charged at its ``on_call_counts_as``). Whatever
  exceeds both must stay uncovered;
- continuity: staffing σ hours needs at least ⌈σ / H⌉ assistants, H the most one person may be
  present in the horizon (48 h/week on average over each limiting period from
  ``rules.period_start``, less the history's hours, at most the period's part of the horizon);
  combined with the uncovered term per client;
- unused contract hours: per limiting period, the component's staff cannot work more than the
  coverable need (jour at its work fraction), so contract beyond it stays unused;
- the work balance (``_work_balance``): covering need takes work, and the component's work
  either fills its contracts (what it leaves is unused contract) or goes beyond them
  (additional hours or overtime, each hour at least the cheaper of the two weights). With W the
  staff's total work and C their contract hours, any schedule costs at least
  uncovered · (need − most coverage with W of work) + unused · max(0, C − W)
  + min(additional, overtime) · max(0, W − C), minimised over W; a unit short of contract
  hours pays for its need with additional hours or uncovered need, and the bound sees it.
The bound is the larger of the two sums (the first adds continuity, the second the balance).
Fairness is bounded by 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from scheduler.domain.clients import Service
from scheduler.solver.problem import DemandData, Problem
from scheduler.solver.shifts import CandidateShift


@dataclass(frozen=True)
class LowerBound:
    total: float  # in objective units (weights applied)
    terms: dict[str, float]  # the raw values in the cheapest mix the bound found (informative)


def lower_bound(problem: Problem, owners: list[str], staff: list[str],
                shifts: list[CandidateShift]) -> LowerBound:
    weights = problem.scenario.weights
    rules = problem.scenario.rules
    slot_h = problem.slot_minutes / 60
    n = problem.grid.n_slots
    staff_set = set(staff)
    # Per owner: (shift start, shift end, first slot, end slot of the need it staffs there).
    by_client: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for s in shifts:
        for owner, a, b in s.served:
            by_client[owner].append((s.start, s.end, a, b))

    uncovered_total = 0.0
    continuity_total = 0.0
    unreachable_total = 0.0  # need nobody eligible and available can reach, person-hours
    budget_total = 0.0  # reachable need the decisions cannot pay for
    need_total = 0.0
    # (work per hour covered, coverable person-hours) for the work balance: jour counts at its
    # work fraction; awake time in units with unpaid breaks at least (after − break) / after of
    # it (no run of work longer than ``after`` without a break); the rest in full.
    coverage_classes: list[tuple[float, float]] = []
    combined = 0.0  # uncovered and continuity weighted, per client
    coverable_work = np.zeros(n)  # work minutes per slot that staff could possibly do
    max_presence_h = _most_presence_hours(problem, staff)
    for cid in owners:  # clients and group units (no budgets, no continuity term)
        data = problem.demands[cid]
        need = data.demand.count.astype(np.int64)
        cap = np.zeros(n, dtype=np.int64)
        eligible = [sid for sid in data.eligible_staff if sid in staff_set]
        for sid in eligible:
            prefix = problem.staff[sid].available_prefix
            can = np.zeros(n + 1, dtype=np.int64)
            for start, end, a, b in by_client[cid]:
                if prefix[end] - prefix[start] == end - start:
                    can[a] += 1
                    can[b] -= 1
            cap += np.cumsum(can[:n]) > 0
        reachable = np.minimum(need, cap)
        need_h = float(need.sum()) * slot_h
        most_h = float(reachable.sum()) * slot_h
        if not data.is_unit:
            most_h = min(most_h, _payable_hours(data, reachable, slot_h))
        fraction = np.where(data.demand.on_call, rules.on_call_work_fraction, 1.0)
        coverable_work += reachable * fraction
        need_total += need_h
        reach_h = float(reachable.sum()) * slot_h
        unreachable_total += need_h - reach_h
        budget_total += reach_h - most_h
        jour_h = min(most_h, float((reachable * data.demand.on_call).sum()) * slot_h)
        coverage_classes.append((rules.on_call_work_fraction, jour_h))
        policy = data.breaks
        awake_ratio = 1.0
        if policy.unpaid and policy.after_slots > 0:
            awake_ratio = max(0.0, (policy.after_slots - policy.length_slots) / policy.after_slots)
        coverage_classes.append((awake_ratio, most_h - jour_h))
        if data.is_unit:  # no granted hours, and continuity counts clients only
            uncovered_total += need_h - most_h
            combined += weights.uncovered * (need_h - most_h)
            continue
        # Cheapest mix of staffing σ ≤ most_h and assistants ⌈σ/H⌉ (piecewise: check corners).
        options = [(need_h, 0)]
        k = 1
        while k * max_presence_h < most_h:
            options.append((need_h - k * max_presence_h, k))
            k += 1
        if most_h > 0:
            options.append((need_h - most_h, math.ceil(most_h / max_presence_h)))
        unc, assistants = min(
            options, key=lambda o: weights.uncovered * o[0] + weights.continuity * o[1]
        )
        uncovered_total += unc
        continuity_total += assistants
        combined += weights.uncovered * unc + weights.continuity * assistants

    unused_total = 0.0
    slot = problem.slot_minutes
    # A shift belongs to the period it starts in but may run past its end.
    tail = int(rules.longest_shift_hours() * 60 // slot)
    for index, (a, b, _) in enumerate(problem.limiting_periods()):
        contract = sum(problem.contract_targets[sid][index].target_minutes for sid in staff)
        work = float(coverable_work[a : b + tail].sum()) * slot
        unused_total += max(0.0, contract - work) / 60
    contract_h = sum(t.target_minutes for sid in staff
                     for t in problem.contract_targets[sid]) / 60
    balance = _work_balance(problem, need_total, coverage_classes, contract_h)
    total = max(combined + weights.unused_contract * unused_total, balance)
    return LowerBound(
        total=total,
        terms={
            "uncovered_need": uncovered_total,
            "continuity": continuity_total,
            "unused_contract": unused_total,
            # What forces need uncovered, person-hours (informative): nobody eligible and
            # available for it, and the decisions' granted hours left.
            "uncovered_nobody": unreachable_total,
            "uncovered_budget": budget_total,
            "work_balance": balance,  # the balance bound alone, objective units
        },
    )


def _work_balance(problem: Problem, need_h: float, classes: list[tuple[float, float]],
                  contract_h: float) -> float:
    """The least cost of uncovered need, unused contract and hours beyond contract together
    (objective units), ``classes`` being (work per hour covered, coverable hours): coverage
    for a given work W is greatest taking the cheapest classes (jour) first, so the cost is
    convex in W and its minimum lies at a breakpoint (W = 0, C, or a class's end)."""
    weights = problem.scenario.weights
    beyond = min(weights.additional_hours, weights.overtime)
    ordered = sorted(c for c in classes if c[1] > 0)

    def coverage(work: float) -> float:
        covered = 0.0
        for ratio, hours in ordered:
            if ratio <= 0:
                covered += hours
                continue
            take = min(hours, work / ratio)
            covered += take
            work -= take * ratio
            if work <= 0:
                break
        return covered

    points = [0.0, contract_h]
    work = 0.0
    for ratio, hours in ordered:
        work += ratio * hours
        points.append(work)
    most_work = work
    return min(
        weights.uncovered * max(0.0, need_h - coverage(w))
        + weights.unused_contract * max(0.0, contract_h - w)
        + beyond * max(0.0, w - contract_h)
        for w in points if w <= most_work + 1e-9
    )


def _payable_hours(data: DemandData, reachable: np.ndarray, slot_h: float) -> float:
    """At most the person-hours of ``reachable`` need that the client's decisions can pay for:
    per service, no more than is reachable, nor than its decisions' budgets buy when each spends
    them on the cheapest hours (jour) first, periods ignored."""
    total = 0.0
    for service in Service:
        of_service = data.demand.is_service(service)
        reach = float((reachable * of_service).sum()) * slot_h
        if reach == 0:
            continue
        jour = float((reachable * (of_service & data.demand.on_call)).sum()) * slot_h
        buys = 0.0
        for b in data.budgets:
            if b.service is service:
                rate, left = b.on_call_counts_as, b.available_hours
                buys += left / rate if left <= rate * jour else jour + left - rate * jour
        total += min(reach, buys)
    return total


def _most_presence_hours(problem: Problem, staff: list[str]) -> float:
    """The most one of ``staff`` may be present in the horizon under the 48-hour average: what
    each limiting period leaves (``problem.caps``), at most its part of the horizon. At least
    one slot, so the count of assistants stays finite; the bound stays valid, as leaving the
    need uncovered is always among its options."""
    n, slot = problem.grid.n_slots, problem.slot_minutes
    most = 0
    for sid in staff:
        caps = problem.caps[sid]
        if caps.blocked:
            continue
        most = max(most, sum(
            min(cap.presence, max(0, min(cap.period.end, n) - max(cap.period.first, 0)) * slot)
            for cap in caps.limiting))
    return max(most, slot) / 60
