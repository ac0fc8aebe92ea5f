"""Independent recomputation of the raw penalty values the engine reports."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Protocol

import numpy as np

from scheduler.domain.clients import Client
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.domain.staff import EmploymentForm, Staff
from scheduler.validator.context import Block, Context
from scheduler.validator.groups import serves, works_in
from scheduler.validator.timeline import Grid, daily_mask, weekly_mask


class PenaltyAudit(Protocol):
    def __call__(
        self, scenario: Scenario, schedule: Schedule, ctx: Context | None = None
    ) -> float: ...


def _penalty(fn: Callable[[Context], float]) -> PenaltyAudit:
    @functools.wraps(fn)
    def run(scenario: Scenario, schedule: Schedule, ctx: Context | None = None) -> float:
        return fn(ctx if ctx is not None else Context(scenario, schedule))

    return run


@_penalty
def uncovered_need(ctx: Context) -> float:
    """Person-hours of client need and of group units' density demand left without staff.

    A client's need counts whether or not a decision covers it, but not during a stay that
    suspends assistance; staff on a break count as covering."""
    total = 0
    for c in ctx.scenario.clients:
        count = ctx.need[c.id].count.astype(np.int32)
        stays = ctx.stays.get(c.id)
        if stays is not None:
            count = np.where(stays, 0, count)
        total += int(np.clip(count - ctx.cover[c.id], 0, None).sum())
    for key, unit in ctx.units.items():
        total += int(np.clip(unit.count - ctx.cover[key], 0, None).sum())
    return ctx.hours(total)


# --- contract hours ---------------------------------------------------------------------------


def _work_minutes(ctx: Context, index: int) -> int:
    """Active minutes (unpaid breaks off) plus the counted share of jour, rounded per shift to
    whole minutes."""
    elapsed = ctx.elapsed_hours(index) * 60 - ctx.unpaid_hours[index] * 60
    jour = ctx.jour_hours[index] * 60
    return round(elapsed - jour + ctx.rules.on_call_work_fraction * jour)


def _absent_shares(ctx: Context, staff: Staff) -> dict[int, float]:
    """Per local date (ordinal) of the horizon: the share of the staff member's working time
    (inside an availability window; none given: the whole date) covered by an absence, or of
    the whole date where they have no working time that day. On this module's own sampling."""
    grid = ctx.grid
    absent = np.zeros(grid.n, dtype=bool)
    for a in staff.absences:
        absent[grid.span(ctx.instant(a.start), ctx.instant(a.end))] = True
    if staff.availability is None:
        working = np.ones(grid.n, dtype=bool)
    else:
        working = np.zeros(grid.n, dtype=bool)
        for w in staff.availability:
            working |= weekly_mask(grid, w.days, w.start, w.end)
    first = int(grid.ordinal[0]) if grid.n else 0
    day = grid.ordinal - first
    days = int(day.max()) + 1 if grid.n else 0
    samples = np.bincount(day, minlength=days)
    work_samples = np.bincount(day, weights=working, minlength=days)
    absent_samples = np.bincount(day, weights=absent, minlength=days)
    absent_work_samples = np.bincount(day, weights=absent & working, minlength=days)
    return {
        first + d: float(absent_work_samples[d] / work_samples[d]) if work_samples[d] > 0
        else float(absent_samples[d] / samples[d])
        for d in range(days)
    }


def _absence_minutes(ctx: Context, staff: Staff, block: Block,
                     shares: dict[int, float]) -> int:
    """The contract minutes the absences replace in the block: contract × absent days ÷ 7, or
    ÷ 5 per absent weekday for staff who work weekdays only; at most the block's contract."""
    weekly = staff.contract_hours_per_week
    contract = round(weekly * block.days / 7 * 60)
    first = block.start.astimezone(ctx.tz).date().toordinal()
    ordinals = range(first, first + block.days)
    if staff.works_weekdays_only:
        days = sum(shares.get(o, 0.0) for o in ordinals if date.fromordinal(o).weekday() < 5)
        return min(contract, round(weekly * 60 * days / 5))
    return min(contract, round(weekly * 60 * sum(shares.get(o, 0.0) for o in ordinals) / 7))


def _contract_terms(ctx: Context) -> dict[str, float]:
    """Hours of unused contract, additional hours and overtime over all staff and blocks.
    The contract is reduced by the hours absences replace (absence is not unused contract)."""
    cached = ctx.memo.get("contract_terms")
    if isinstance(cached, dict):
        return cached
    unused = additional = overtime = 0
    for staff in ctx.scenario.staff:
        work = [0] * len(ctx.blocks)
        for i in ctx.by_staff.get(staff.id, []):
            work[ctx.block_of(i).index] += _work_minutes(ctx, i)
        shares = _absent_shares(ctx, staff) if staff.absences else {}
        for block in ctx.blocks:
            contract = round(staff.contract_hours_per_week * block.days / 7 * 60)
            if shares and staff.contract_hours_per_week > 0:
                contract -= _absence_minutes(ctx, staff, block, shares)
            full = round(ctx.rules.full_time_hours_per_week * block.days / 7 * 60)
            w = work[block.index]
            unused += max(0, contract - w)
            additional += max(0, min(w, full) - contract)
            overtime += max(0, w - full)
    terms = {
        "unused_contract": unused / 60,
        "additional_hours": additional / 60,
        "overtime": overtime / 60,
    }
    ctx.memo["contract_terms"] = terms
    return terms


@_penalty
def overtime(ctx: Context) -> float:
    """Hours of work beyond full time, per staff member and limiting period."""
    return _contract_terms(ctx)["overtime"]


@_penalty
def additional_hours(ctx: Context) -> float:
    """Hours beyond the contract up to full time (mertid), per staff member and period."""
    return _contract_terms(ctx)["additional_hours"]


@_penalty
def unused_contract(ctx: Context) -> float:
    """Contracted hours not worked, per staff member and limiting period."""
    return _contract_terms(ctx)["unused_contract"]


@_penalty
def continuity(ctx: Context) -> float:
    """Distinct (client, assistant) pairs among the client shifts (unit shifts do not count).

    A shift with visits pairs its assistant with every client it visits (a round too)."""
    pairs: set[tuple[str, str]] = set()
    for s in ctx.shifts:
        clients = {v.client for v in s.visits} or ({s.client} if s.client is not None else set())
        pairs.update((c, s.staff) for c in clients)
    return float(len(pairs))


@_penalty
def changes(ctx: Context) -> float:
    """Changed shift-hours of a re-plan against the previous plan.

    Hours of the previous plan's shifts (from ``replan.start``) not kept exactly, plus hours of
    shifts from then on that the previous plan did not have. Exactly: the same staff member,
    client (or unit), start, end and visits."""
    replan = ctx.scenario.replan
    if replan is None:
        return 0.0
    since = ctx.instant(replan.start)
    previous = {ctx.plan_key(p.staff, p.client, p.unit, p.start, p.end, p.visits)
                for p in replan.previous_shifts}
    now = {ctx.plan_key(s.staff, s.client, s.unit, s.start, s.end, s.visits) for s in ctx.shifts
           if ctx.instant(s.start) >= since}
    seconds = sum((k[4] - k[3]).total_seconds() for k in previous ^ now)
    return seconds / 3600


@_penalty
def waiting(ctx: Context) -> float:
    """Paid waiting hours of the shifts with visits, summed over the shifts.

    Waiting is a shift's time in no visit, no travel and no break, re-derived from the visits
    and the travel times (not taken from the shifts' own figures)."""
    return sum(w for _, w in ctx.visit_hours)


@_penalty
def travel(ctx: Context) -> float:
    """Hours travelling between visits' homes, summed over the shifts with visits.

    The travel times are re-derived from the homes or the measured times."""
    return sum(t for t, _ in ctx.visit_hours)


# --- fairness ---------------------------------------------------------------------------------


def _eligible(client: Client, scenario: Scenario, staff: Staff) -> bool:
    return serves(client, staff, scenario)


def _owners(ctx: Context) -> list[tuple[str, np.ndarray, Callable[[Staff], bool]]]:
    """Every demand owner: (key, schedulable need per sample, who may staff it)."""
    out: list[tuple[str, np.ndarray, Callable[[Staff], bool]]] = [
        (c.id, ctx.need[c.id].schedulable, functools.partial(_eligible, c, ctx.scenario))
        for c in ctx.scenario.clients
    ]
    out += [(key, unit.count, functools.partial(works_in, unit, scenario=ctx.scenario))
            for key, unit in ctx.units.items()]
    return out


def _components(ctx: Context) -> dict[str, int]:
    """Staff id → connected component of the owner–eligible-staff graph (union–find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for key, _, may in _owners(ctx):
        find("c:" + key)
        for s in ctx.scenario.staff:
            if may(s):
                parent[find("s:" + s.id)] = find("c:" + key)
    roots: dict[str, int] = {}
    return {s.id: roots.setdefault(find("s:" + s.id), len(roots)) for s in ctx.scenario.staff}


def _available_days(ctx: Context, staff: Staff) -> int:
    """Horizon days not entirely unavailable (absence, or outside every availability window)."""
    grid = ctx.grid
    free = np.ones(grid.n, dtype=bool)
    if staff.availability is not None:
        free[:] = False
        for w in staff.availability:
            free |= weekly_mask(grid, w.days, w.start, w.end)
    for a in staff.absences:
        free[grid.span(ctx.instant(a.start), ctx.instant(a.end))] = False
    return int(np.unique(grid.ordinal[free]).size)


def _is_night_shift(ctx: Context, index: int) -> bool:
    start, end = ctx.spans[index]
    if end <= start:
        return False
    grid = Grid.build(start, end, ctx.step, ctx.tz)
    night = ctx.hours(daily_mask(grid, ctx.rules.night_start, ctx.rules.night_end).sum())
    return night >= ctx.rules.night_shift_min_hours - 1e-9


def _is_weekend_shift(ctx: Context, index: int) -> bool:
    return ctx.spans[index][0].astimezone(ctx.tz).weekday() >= 5


def _spread(
    ctx: Context, client_has: Callable[[str], bool], is_kind: Callable[[int], bool]
) -> float:
    """Σ over components of (max − min) of the staff's availability-weighted shift counts."""
    component = _components(ctx)
    days = ctx.scenario.horizon.days
    full = ctx.rules.full_time_hours_per_week
    owners = _owners(ctx)
    rates: dict[int, list[int]] = {}
    for s in ctx.scenario.staff:
        regular = s.employment in (EmploymentForm.MONTHLY, EmploymentForm.PAN)
        if not regular or s.contract_hours_per_week <= 0:
            continue
        if not any(client_has(key) and may(s) for key, _, may in owners):
            continue
        available = _available_days(ctx, s)
        if available <= 0:
            continue
        factor = round(100 * full * days / (s.contract_hours_per_week * available))
        count = sum(1 for i in ctx.by_staff.get(s.id, []) if is_kind(i))
        rates.setdefault(component[s.id], []).append(factor * count)
    return float(sum((max(r) - min(r)) / 100 for r in rates.values() if len(r) >= 2))


@_penalty
def fair_nights(ctx: Context) -> float:
    """Spread of night shifts per full-time equivalent among regular staff who can do them.

    Per group of staff linked by whom they may serve: max − min of each member's night shifts ×
    full time / contract × horizon days / days available, summed over the groups."""
    has = {key: bool(np.any((need > 0) & ctx.night)) for key, need, _ in _owners(ctx)}
    return _spread(ctx, has.__getitem__, functools.partial(_is_night_shift, ctx))


@_penalty
def fair_weekends(ctx: Context) -> float:
    """Spread of weekend shifts per full-time equivalent among regular staff who can do them.

    Per group of staff linked by whom they may serve: max − min of each member's weekend shifts ×
    full time / contract × horizon days / days available, summed over the groups."""
    weekend = ctx.grid.weekday >= 5
    has = {key: bool(np.any((need > 0) & weekend)) for key, need, _ in _owners(ctx)}
    return _spread(ctx, has.__getitem__, functools.partial(_is_weekend_shift, ctx))


PENALTY_AUDITS: dict[str, PenaltyAudit] = {
    "uncovered_need": uncovered_need,
    "overtime": overtime,
    "additional_hours": additional_hours,
    "unused_contract": unused_contract,
    "fair_nights": fair_nights,
    "fair_weekends": fair_weekends,
    "continuity": continuity,
    "changes": changes,
    "waiting": waiting,
    "travel": travel,
}
