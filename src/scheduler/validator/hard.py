"""One audit per hard rule. Each takes (scenario, schedule[, context]) and lists violations."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import combinations, pairwise
from typing import Protocol

import numpy as np
from ortools.linear_solver import pywraplp

from scheduler.domain.clients import Client, Decision, ReserveRule
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift
from scheduler.validator.context import Context, Period
from scheduler.validator.groups import accepted, units_of, works_in
from scheduler.validator.report import Violation
from scheduler.validator.timeline import (
    Grid,
    fmt_instant,
    fmt_interval,
    local_midnight,
    runs,
    weekly_mask,
)

TOL_HOURS = 1 / 60  # one minute, for sums of hours
EPS = 1e-9


class Audit(Protocol):
    def __call__(
        self, scenario: Scenario, schedule: Schedule, ctx: Context | None = None
    ) -> list[Violation]: ...


def _audit(fn: Callable[[Context], list[Violation]]) -> Audit:
    """Public signature (scenario, schedule, ctx=None); the context is shared when given."""

    @functools.wraps(fn)
    def run(scenario: Scenario, schedule: Schedule, ctx: Context | None = None) -> list[Violation]:
        return fn(ctx if ctx is not None else Context(scenario, schedule))

    return run


def _shift_who(ctx: Context, i: int) -> str:
    s = ctx.shifts[i]
    if s.client is None and s.visits:
        return f"{s.staff}@{s.unit} round {'+'.join(_visited(s))}"
    return f"{s.staff}@{s.client if s.client is not None else s.unit}"


def _visited(s: Shift) -> list[str]:
    """The distinct clients a shift visits, in the order of their first visit."""
    return list(dict.fromkeys(v.client for v in s.visits))


def _shift_when(ctx: Context, i: int) -> str:
    return fmt_interval(*ctx.spans[i], ctx.tz)


# --- 1 ------------------------------------------------------------------------------------------


@_audit
def approved_assistant(ctx: Context) -> list[Violation]:
    """Client shifts go to assistants the client accepted, with its competences, in its unit.

    A shift with visits: the assistant is accepted by and competent for every client visited
    (a visited client's existence and unit are the ``visits`` audit's)."""
    out: list[Violation] = []

    def bad(i: int, detail: str) -> None:
        out.append(Violation("approved_assistant", _shift_who(ctx, i), _shift_when(ctx, i), detail))

    for i, s in enumerate(ctx.shifts):
        if ctx.is_unit_shift(i):
            continue  # unit_eligibility's business
        staff = ctx.staff.get(s.staff)
        if staff is None:
            bad(i, f"unknown staff id {s.staff!r}")
        checked: list[Client] = []
        if s.client is not None:
            client = ctx.clients.get(s.client)
            if client is None:
                bad(i, f"unknown client id {s.client!r}")
            else:
                checked.append(client)
                if s.unit != client.unit:
                    bad(i, f"shift unit {s.unit} is not {client.id}'s unit {client.unit}")
        checked += [ctx.clients[c] for c in _visited(s)
                    if c in ctx.clients and c != s.client]
        if staff is None:
            continue
        for client in checked:
            visit = f" (visited {client.id})" if s.visits else ""
            if not accepted(client, staff, ctx.scenario):
                bad(i, f"{s.staff} is not among {client.id}'s approved assistants (nor in a "
                       f"pool the client accepts){visit}")
            missing = sorted(set(client.required_competences) - set(staff.competences))
            if missing:
                bad(i, f"{s.staff} lacks required competence(s): {', '.join(missing)}"
                       + (f" for {client.id}" if s.visits else ""))
    return out


# --- 2 ------------------------------------------------------------------------------------------


@_audit
def availability(ctx: Context) -> list[Violation]:
    """No shift overlaps an absence of its staff member or leaves their availability windows."""
    out: list[Violation] = []
    for i, s in enumerate(ctx.shifts):
        staff = ctx.staff.get(s.staff)
        if staff is None:
            continue
        start, end = ctx.spans[i]
        for a in staff.absences:
            a0, a1 = ctx.instant(a.start), ctx.instant(a.end)
            if start < a1 and a0 < end:
                reason = f" ({a.reason})" if a.reason else ""
                out.append(
                    Violation(
                        "availability",
                        _shift_who(ctx, i),
                        _shift_when(ctx, i),
                        f"overlaps absence {fmt_interval(a0, a1, ctx.tz)}{reason}",
                    )
                )
        if staff.availability is None or end <= start:
            continue
        # Sample the shift itself, so parts outside the horizon are judged too.
        grid = Grid.build(start, end, ctx.step, ctx.tz)
        free = np.zeros(grid.n, dtype=bool)
        for w in staff.availability:
            free |= weekly_mask(grid, w.days, w.start, w.end)
        for lo, hi in runs(~free):
            out.append(
                Violation(
                    "availability",
                    _shift_who(ctx, i),
                    _shift_when(ctx, i),
                    "outside the staff member's availability windows during "
                    + fmt_interval(grid.instant(lo), min(grid.instant(hi), end), ctx.tz),
                )
            )
    return out


# --- 3 ------------------------------------------------------------------------------------------


def _on_slot(moment: datetime, ctx: Context) -> bool:
    local = moment.astimezone(ctx.tz)
    slot = ctx.scenario.horizon.slot_minutes
    return local.second == 0 and local.microsecond == 0 and (
        local.hour * 60 + local.minute
    ) % slot == 0


@_audit
def shift_length(ctx: Context) -> list[Violation]:
    """Shifts last from the minimum to the maximum length, on the slot grid, in the horizon."""
    out: list[Violation] = []
    rules = ctx.rules
    for i, _ in enumerate(ctx.shifts):
        start, end = ctx.spans[i]

        def bad(detail: str, i: int = i) -> None:
            out.append(Violation("shift_length", _shift_who(ctx, i), _shift_when(ctx, i), detail))

        if end <= start:
            bad("ends at or before it starts")
            continue
        hours = ctx.elapsed_hours(i)
        if hours < rules.min_shift_hours - EPS:
            bad(f"{hours:.2f} h is shorter than the minimum {rules.min_shift_hours:g} h")
        shift = ctx.shifts[i]
        if hours > rules.max_shift_hours + EPS and not any(
                shift.staff in e.staff and shift.client is not None and shift.client in e.clients
                and hours <= e.max_hours + EPS for e in rules.long_shift_exceptions):
            bad(f"{hours:.2f} h is longer than the maximum {rules.max_shift_hours:g} h "
                "(and no long-shift exception names this staff member and client)")
        for label, moment in (("start", start), ("end", end)):
            if not _on_slot(moment, ctx):
                bad(
                    f"{label} {fmt_instant(moment, ctx.tz)} is off the "
                    f"{ctx.scenario.horizon.slot_minutes}-minute grid"
                )
        if start < ctx.h0 or end > ctx.h1:
            bad(f"outside the horizon {fmt_interval(ctx.h0, ctx.h1, ctx.tz)}")
    return out


# --- 4 ------------------------------------------------------------------------------------------


@_audit
def staffing_cap(ctx: Context) -> list[Violation]:
    """Never more staff at once than a client's schedulable need or a unit's density asks."""
    out: list[Violation] = []
    for i, s in enumerate(ctx.shifts):
        if ctx.is_unit_shift(i) and s.unit not in ctx.unit_owner:
            out.append(
                Violation(
                    "staffing_cap",
                    _shift_who(ctx, i),
                    _shift_when(ctx, i),
                    "a shift without a client in a unit that is not a group unit: the scenario "
                    "states no unit-level need to staff",
                )
            )
    for key, unit in ctx.units.items():
        cover = ctx.cover[key]
        for a, b in runs(cover > unit.count, cover, unit.count):
            out.append(
                Violation(
                    "staffing_cap",
                    key.removeprefix("unit:"),
                    fmt_interval(ctx.grid.instant(a), ctx.grid.instant(b), ctx.tz),
                    f"{int(cover[a])} staff scheduled, the density rules ask for "
                    f"{int(unit.count[a])}",
                )
            )
    for c in ctx.scenario.clients:
        cover = ctx.cover[c.id]
        profile = ctx.need[c.id]
        cap = profile.schedulable
        for a, b in runs(cover > cap, cover, cap, profile.in_decision):
            why = "" if profile.in_decision[a] else (
                f" (no decision that pays for {profile.service[a]} covers the time)")
            out.append(
                Violation(
                    "staffing_cap",
                    c.id,
                    fmt_interval(ctx.grid.instant(a), ctx.grid.instant(b), ctx.tz),
                    f"{int(cover[a])} assistant(s) scheduled, schedulable need "
                    f"{int(cap[a])}{why}",
                )
            )
    return out


# --- 5 ------------------------------------------------------------------------------------------


def _period_bounds(ctx: Context, d: Decision) -> tuple[datetime, datetime]:
    p = d.settlement_period
    return local_midnight(p.start, ctx.tz), local_midnight(p.end + timedelta(days=1), ctx.tz)


def _charged_need(ctx: Context, d: Decision, count: np.ndarray, on_call: np.ndarray,
                  service: np.ndarray) -> float:
    """Hours of need the decision would be charged for: its service only, jour at its rate."""
    rate = np.where(on_call, d.on_call_counts_as, 1.0)
    return float((count * rate * ctx.pays_for(d, service)).sum()) * ctx.step / 60


def available_hours(ctx: Context, client: Client, d: Decision) -> tuple[float, float, float]:
    """(available, left, share) of a decision for the horizon, as the rule states it."""
    horizon = ctx.scenario.horizon
    p0, p1 = _period_bounds(ctx, d)
    granted = d.granted_hours_per_week * d.settlement_period.days / 7
    extra = d.exception.extra_hours if d.exception is not None else 0.0
    left = max(0.0, granted + extra - d.hours_performed)
    if p1 <= ctx.h1 or d.reserve == ReserveRule.NONE:
        return left, left, 1.0
    first_day = max(horizon.start, d.settlement_period.start)
    after_end = d.settlement_period.end + timedelta(days=1)
    time_share = (horizon.end - first_day).days / (after_end - first_day).days
    if d.reserve == ReserveRule.PRO_RATA_TIME:
        return left * time_share, left, time_share
    # Need the decision pays for (its service, jour at its rate; periods ignored) from the
    # later of horizon/period start up to the period's end.
    p = ctx.need[client.id]
    first = ctx.grid.at(max(ctx.h0, p0))
    inside = _charged_need(ctx, d, p.count[first:], p.on_call[first:], p.service[first:])
    later = Grid.build(ctx.h1, p1, ctx.step, ctx.tz)
    total = inside + _charged_need(ctx, d, *ctx.need_on(client, later))
    share = inside / total if total > 0 else time_share
    return left * share, left, share


@_audit
def decision_budget(ctx: Context) -> list[Violation]:
    """What each decision is charged fits in what it has available.

    A decision pays only for the need of its own service, an hour of jour at its
    ``on_call_counts_as``; where several decisions may pay for the same time, some split of it
    between them must fit."""
    out: list[Violation] = []
    for c in ctx.scenario.clients:
        decisions = [d for d in ctx.paying_decisions(c) if _meets_horizon(ctx, d)]
        if not decisions:
            continue
        profile = ctx.need[c.id]
        cover = ctx.cover[c.id]
        # Which decisions may pay for each sample, as a bit mask.
        bits = np.zeros(ctx.grid.n, dtype=np.int64)
        for j, d in enumerate(decisions):
            bits |= profile.pays[d.id].astype(np.int64) << j
        # Staffed hours per class: (the decisions that may pay, jour or not).
        hours: dict[tuple[int, bool], float] = {}
        for m in np.unique(bits[cover > 0]):
            if not m:
                continue  # no decision may pay (staffing_cap's business)
            for on_call in (False, True):
                h = ctx.hours(cover[(bits == m) & (profile.jour == on_call)].sum())
                if h > 0:
                    hours[int(m), on_call] = h
        travel = _travel_charges(ctx, c.id, decisions, bits, profile.jour)
        for m, h in travel.items():
            hours[m, False] = hours.get((m, False), 0.0) + h
        indices = range(len(decisions))
        # Per class, the hours charged per hour staffed by each decision that may pay.
        rates = {(m, on_call): {j: decisions[j].on_call_counts_as if on_call else 1.0
                                for j in indices if m >> j & 1}
                 for m, on_call in hours}
        avail = [available_hours(ctx, c, d) for d in decisions]
        # Hall's condition: the hours only decisions of S may pay for, each class charged at
        # the lowest rate among them, fit into S's budgets. Exact when those rates agree;
        # only minimal violating subsets are reported (a superset adds nothing new).
        broken: list[int] = []
        for size in range(1, len(decisions) + 1):
            for combo in combinations(indices, size):
                s = sum(1 << j for j in combo)
                if any(b & s == b for b in broken):
                    continue
                charged = sum(h * min(rates[k].values()) for k, h in hours.items()
                              if k[0] & ~s == 0)
                budget = sum(avail[j][0] for j in combo)
                if charged > budget + TOL_HOURS:
                    broken.append(s)
                    out.append(_budget_violation(
                        ctx, c, [decisions[j] for j in combo], [avail[j] for j in combo],
                        charged, budget, sum(h for m, h in travel.items() if m & ~s == 0)))
        mixed = any(len(set(r.values())) > 1 for r in rates.values())
        if mixed and not broken:
            over = _least_overrun(hours, rates, [a[0] for a in avail])
            if over > TOL_HOURS:
                out.append(_budget_violation(ctx, c, decisions, avail, None, over))
    return out


def _travel_charges(ctx: Context, client_id: str, decisions: list[Decision], bits: np.ndarray,
                    jour: np.ndarray) -> dict[int, float]:
    """Travel hours charged to the client's decisions, per mask of the decisions that may pay:
    the travel before each of its visits, where every decision that may pay for the visit's
    start says ``charges_travel`` (where one does not, the visit can be charged to it and the
    travel to nobody: this check stays lenient there). Each visit once, awake time."""
    out: dict[int, float] = {}
    for i, s in enumerate(ctx.shifts):
        for k, visit in enumerate(s.visits):
            derived = ctx.visit_travel[i][k]
            minutes = visit.travel_minutes if derived is None else derived
            if visit.client != client_id or minutes <= 0:
                continue
            first = ctx.grid.at(ctx.asked(visit)[0])
            if first >= ctx.grid.n or jour[first]:
                continue
            m = int(bits[first])
            if m and all(decisions[j].charges_travel for j in range(len(decisions)) if m >> j & 1):
                out[m] = out.get(m, 0.0) + minutes / 60
    return out


def _least_overrun(hours: dict[tuple[int, bool], float], rates: dict[tuple[int, bool],
                   dict[int, float]], avail: list[float]) -> float:
    """The least total charge beyond the decisions' budgets over every split of each class's
    hours between the decisions that may pay for it (a small linear programme)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    over = [lp.NumVar(0, lp.infinity(), f"over_{j}") for j in range(len(avail))]
    charged: list[list[object]] = [[] for _ in avail]
    for k, h in hours.items():
        split = {j: lp.NumVar(0, lp.infinity(), f"x_{k[0]}_{int(k[1])}_{j}") for j in rates[k]}
        lp.Add(lp.Sum(list(split.values())) == h)
        for j, x in split.items():
            charged[j].append(rates[k][j] * x)
    for j, a in enumerate(avail):
        lp.Add(lp.Sum(charged[j]) <= a + over[j])
    lp.Minimize(lp.Sum(over))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return float("inf")
    return lp.Objective().Value()


def _meets_horizon(ctx: Context, d: Decision) -> bool:
    p0, p1 = _period_bounds(ctx, d)
    return p0 < ctx.h1 and p1 > ctx.h0


def _budget_violation(
    ctx: Context,
    client: Client,
    decisions: list[Decision],
    avail: list[tuple[float, float, float]],
    charged: float | None,
    budget: float,
    travel: float = 0.0,
) -> Violation:
    """``charged`` None: ``budget`` is the least overrun of any split (rates that differ);
    ``travel``: hours of it that are travel to visits (decisions that charge travel)."""
    bounds = [_period_bounds(ctx, d) for d in decisions]
    start = max(ctx.h0, min(b[0] for b in bounds))
    end = min(ctx.h1, max(b[1] for b in bounds))
    parts = ", ".join(
        f"{d.id}: {a:.2f} h (left {left:.2f} h × share {share:.3f})"
        for d, (a, left, share) in zip(decisions, avail, strict=True)
    )
    counted = [f"{d.id} {d.on_call_counts_as:g} h" for d in decisions if d.on_call_counts_as < 1]
    jour = f" (an hour of jour counted as {', '.join(counted)})" if counted else ""
    scope = "decision" if len(decisions) == 1 else "decisions together"
    if charged is None:
        detail = (f"{budget:.2f} h more than the decisions have available, however the time "
                  f"where they apply is split between them{jour} ({parts})")
    else:
        of_travel = f" (of which {travel:.2f} h travel to visits)" if travel > 0 else ""
        detail = (f"{charged:.2f} h scheduled where only these apply{jour}{of_travel}, "
                  f"{budget:.2f} h available to the {scope} ({parts})")
    return Violation(
        "decision_budget",
        f"{client.id}/{'+'.join(d.id for d in decisions)}",
        fmt_interval(start, end, ctx.tz),
        detail,
    )


# --- 6, 7 ---------------------------------------------------------------------------------------


@_audit
def no_overlap(ctx: Context) -> list[Violation]:
    """Nobody works two shifts at once."""
    out: list[Violation] = []
    for staff_id, indices in ctx.by_staff.items():
        latest = None  # the shift reaching furthest so far
        for i in indices:
            if latest is not None and ctx.spans[i][0] < ctx.spans[latest][1]:
                out.append(
                    Violation(
                        "no_overlap",
                        staff_id,
                        fmt_interval(ctx.spans[i][0], ctx.spans[latest][1], ctx.tz),
                        f"shift {_shift_when(ctx, i)} overlaps shift {_shift_when(ctx, latest)}",
                    )
                )
            if latest is None or ctx.spans[i][1] > ctx.spans[latest][1]:
                latest = i
    return out


@_audit
def daily_rest(ctx: Context) -> list[Violation]:
    """Between two shifts at least the daily rest; after a long shift at least its length.

    The history's last shift counts: the rest runs on across consecutive plans."""
    out: list[Violation] = []
    for staff_id, indices in ctx.by_staff.items():
        # (start, end, rest owed after it) of the history's last shift and every planned one.
        spans = [(ctx.spans[i][0], ctx.spans[i][1], ctx.rest_after(i)) for i in indices]
        before = ctx.history.get(staff_id, [])
        if before:
            last = max(before, key=lambda w: w.end)
            spans.insert(0, (last.start, last.end, ctx.rest_after_hours(last.hours)))
        for (_, end, rest), (start, _, _) in pairwise(spans):
            gap = (start - end).total_seconds() / 3600
            if gap < 0:
                continue  # overlapping shifts are no_overlap's finding
            if gap < rest - EPS:
                out.append(Violation("daily_rest", staff_id, fmt_interval(end, start, ctx.tz),
                                     f"{gap:.2f} h between shifts, at least {rest:g} h required"))
    return out


# --- 8 ------------------------------------------------------------------------------------------


@_audit
def weekly_rest(ctx: Context) -> list[Violation]:
    """The weekly rest, continuous, in every calendar week that touches the horizon.

    Weeks run from ``rules.week_start_day`` 00:00; the first and last partial ones are checked
    too: the history's shifts count, time after the horizon is free (the next plan inherits this
    one as history and is held to the same week). With ``weekly_rest_excludes_daily_rest`` the
    weekly rest may not overlap a shift's daily rest."""
    out: list[Violation] = []
    need = ctx.rules.weekly_rest_hours
    excludes_daily_rest = ctx.rules.weekly_rest_excludes_daily_rest
    for staff_id, indices in ctx.by_staff.items():
        busy: list[tuple[datetime, datetime]] = []
        for w in ctx.history.get(staff_id, []):
            rest = ctx.rest_after_hours(w.hours) if excludes_daily_rest else 0.0
            busy.append((w.start, w.end + timedelta(hours=rest)))
        planned: list[tuple[datetime, datetime]] = []
        for i in indices:
            start, end = ctx.spans[i]
            rest = ctx.rest_after(i) if excludes_daily_rest else 0.0
            planned.append((start, end + timedelta(hours=rest)))
        busy += planned
        for week in ctx.weeks:
            w0, w1 = week.start, week.end
            if not any(a < w1 and w0 < b for a, b in planned):
                continue  # this plan adds nothing to the week
            inside = [(max(a, w0), min(b, w1)) for a, b in busy if a < w1 and w0 < b]
            longest = _longest_gap(w0, w1, inside)
            if longest < need - EPS:
                out.append(Violation(
                    "weekly_rest", staff_id, fmt_interval(w0, w1, ctx.tz),
                    f"longest continuous rest {longest:.2f} h, at least {need:g} h required",
                ))
    return out


def _longest_gap(w0: datetime, w1: datetime, busy: list[tuple[datetime, datetime]]) -> float:
    longest = 0.0
    cursor = w0
    for start, end in sorted(busy):
        if start > cursor:
            longest = max(longest, (start - cursor).total_seconds() / 3600)
        cursor = max(cursor, end)
    return max(longest, (w1 - cursor).total_seconds() / 3600)


# --- 9 ------------------------------------------------------------------------------------------


@_audit
def hour_caps(ctx: Context) -> list[Violation]:
    """Caps per limiting period and 4-week window from ``rules.period_start``, and per year.

    Periods are calendar periods, not the horizon's: the history's hours count in them and work
    is split where it is worked. Per limiting period the 48-hour average (presence, jour in
    full) and overtime towards the yearly cap; per 4-week window jour and overtime (work, jour
    at its fraction, beyond full time). A period reaching past the horizon's end holds only this
    plan's part yet; the next plan, with this one as history, is held to the rest."""
    out: list[Violation] = []
    rules = ctx.rules
    for staff_id in ctx.by_staff:
        staff = ctx.staff.get(staff_id)
        if staff is None:
            continue  # reported by approved_assistant; no contract to measure against

        def bad(period: Period, detail: str, staff_id: str = staff_id) -> None:
            out.append(Violation("hour_caps", staff_id,
                                 fmt_interval(period.start, period.end, ctx.tz), detail))

        overtime_total = 0.0
        for period in ctx.limiting_periods:
            presence, jour, unpaid = ctx.hours_in(staff_id, period.start, period.end)
            work = ctx.work_hours(presence, jour, unpaid)
            full = rules.full_time_hours_per_week * period.days / 7
            overtime_total += max(0.0, work - full)
            limit = rules.max_average_hours_per_week * period.days / 7
            if presence > limit + TOL_HOURS:
                bad(period, f"presence {presence:.2f} h exceeds {limit:.2f} h over "
                            f"{period.days} days (48 h a week on average, jour included)")
        for period in ctx.four_weeks:
            presence, jour, unpaid = ctx.hours_in(staff_id, period.start, period.end)
            work = ctx.work_hours(presence, jour, unpaid)
            if jour > rules.max_on_call_hours_per_4_weeks + TOL_HOURS:
                bad(period, f"jour {jour:.2f} h exceeds {rules.max_on_call_hours_per_4_weeks:g} "
                            "h in the 4 weeks")
            full = rules.full_time_hours_per_week * 4
            if work - full > rules.max_overtime_hours_per_4_weeks + TOL_HOURS:
                bad(period, f"overtime {work - full:.2f} h (work {work:.2f} h beyond full time "
                            f"{full:g} h) exceeds {rules.max_overtime_hours_per_4_weeks:g} h in "
                            "the 4 weeks")
        year_left = rules.max_overtime_hours_per_year - staff.overtime_hours_this_year
        if overtime_total > year_left + TOL_HOURS:
            out.append(Violation(
                "hour_caps", staff_id, fmt_interval(ctx.h0, ctx.h1, ctx.tz),
                f"overtime {overtime_total:.2f} h exceeds the {year_left:.2f} h left of the "
                "yearly cap",
            ))
    return out


# --- group units -------------------------------------------------------------------------------


@_audit
def unit_eligibility(ctx: Context) -> list[Violation]:
    """Unit shifts go to staff who may work in the unit, with the unit's required competences.

    Allowed: the home unit, ``also_units``, or a unit pooled or co-located with the home unit."""
    out: list[Violation] = []
    units = ctx.scenario.unit_by_id()
    for i, s in enumerate(ctx.shifts):
        if not ctx.is_unit_shift(i):
            continue

        def bad(detail: str, i: int = i) -> None:
            out.append(Violation("unit_eligibility", _shift_who(ctx, i), _shift_when(ctx, i),
                                 detail))

        staff = ctx.staff.get(s.staff)
        if s.unit not in units:
            bad(f"unknown unit {s.unit!r}")
            continue
        if staff is None:
            bad(f"unknown staff id {s.staff!r}")
            continue
        owner = ctx.units.get(ctx.unit_owner.get(s.unit, ""))
        if s.unit not in units_of(staff, ctx.scenario) and (
            owner is None or not works_in(owner, staff, ctx.scenario)
        ):
            bad(f"{s.staff} does not belong to unit {s.unit} (home {staff.home_unit}, "
                "also_units, pooling, co-location)")
            continue
        group = owner.units if owner is not None else (units[s.unit],)
        needed = {c for u in group for c in u.required_competences}
        missing = sorted(needed - set(staff.competences))
        if missing:
            bad(f"{s.staff} lacks the unit's required competence(s): {', '.join(missing)}")
    return out


@_audit
def double_staffing(ctx: Context) -> list[Violation]:
    """No personal assistance for a client during a stay that does not mark it as needed."""
    out: list[Violation] = []
    for i in range(len(ctx.shifts)):
        for client_id, part in ctx.served(i):
            stays = ctx.stays.get(client_id)
            if stays is None:
                continue
            inside = stays[part]
            for a, b in runs(inside):
                out.append(Violation(
                    "double_staffing", _shift_who(ctx, i),
                    fmt_interval(ctx.grid.instant(part.start + a),
                                 ctx.grid.instant(part.start + b), ctx.tz),
                    f"{client_id} is booked into a group unit then (a double decision): the "
                    "stay's staff care for them, and the booking does not mark assistance as "
                    "needed",
                ))
    return out


@_audit
def breaks(ctx: Context) -> list[Violation]:
    """Breaks: inside the shift, unpaid only where allowed, long enough, often enough, staggered.

    Breaks lie inside their shift and do not overlap; unpaid ones only where the unit allows
    them (never in personal assistance: a paid meal pause there); every break and meal pause at
    least the unit's ``breaks.length_minutes``; nobody works longer than ``after_hours`` in a row
    without one, in every kind of unit (jour interrupts work); and while staff are on unpaid
    breaks the unit keeps its floor."""
    out: list[Violation] = []
    units = ctx.scenario.unit_by_id()
    for i, s in enumerate(ctx.shifts):
        start, end = ctx.spans[i]
        owner = ctx.units.get(ctx.unit_owner.get(s.unit, "")) if ctx.is_unit_shift(i) else None
        unit = units.get(s.unit) if owner is None else owner.units[0]
        if s.client is not None:
            client = ctx.clients.get(s.client)
            unit = units.get(client.unit) if client is not None else None
        unpaid_allowed = owner is not None and owner.unpaid

        def bad(detail: str, i: int = i) -> None:
            out.append(Violation("breaks", _shift_who(ctx, i), _shift_when(ctx, i), detail))

        spans = sorted((ctx.instant(b.start), ctx.instant(b.end), b.paid) for b in s.breaks)
        for a, z, paid in spans:
            kind = "meal pause" if paid else "break"
            if not (start <= a < z <= end):
                bad(f"{kind} {fmt_interval(a, z, ctx.tz)} is not inside the shift")
            elif not paid and not unpaid_allowed:
                bad(f"unpaid break {fmt_interval(a, z, ctx.tz)} where staff cannot leave "
                    "(personal assistance or a unit without breaks: a paid meal pause)")
            elif unit is not None and (z - a).total_seconds() < (
                    unit.breaks.length_minutes * 60 - 1e-6):
                # A one-minute "pause" would otherwise reset the count of hours in a row.
                bad(f"{kind} {fmt_interval(a, z, ctx.tz)} is shorter than "
                    f"{unit.breaks.length_minutes} min")
        for (_, z0, _), (a1, _, _) in pairwise(spans):
            if a1 < z0:
                bad(f"breaks overlap at {fmt_instant(a1, ctx.tz)}")
        if unit is None or end <= start:
            continue
        if s.visits:
            jour = ctx.jour_samples(i)  # a round's or waiting shift's unit is its clients'
        elif s.client is not None:
            if s.client not in ctx.need:
                continue
            jour = ctx.need[s.client].jour[ctx.samples(i)]
        elif owner is not None:
            jour = owner.jour[ctx.samples(i)]
        else:
            continue
        # Breaks and meal pauses both interrupt work; so does sleeping jour.
        work = ~jour
        first = ctx.samples(i).start
        for a, z, _ in spans:
            part = ctx.grid.span(a, z)
            work[max(part.start - first, 0): max(part.stop - first, 0)] = False
        limit = unit.breaks.after_hours
        what = "a break" if unpaid_allowed else "a paid meal pause"
        for lo, hi in runs(work):
            if ctx.hours(hi - lo) > limit + EPS:
                bad(f"{ctx.hours(hi - lo):.2f} h of work in a row from "
                    f"{fmt_instant(ctx.grid.instant(first + lo), ctx.tz)} without {what} "
                    f"(at most {limit:g} h)")
    for key, profile in ctx.units.items():
        present = ctx.cover[key] - ctx.away[key]
        short = (ctx.away[key] > 0) & (present < profile.floor)
        for lo, hi in runs(short, present, profile.floor):
            out.append(Violation(
                "breaks", key.removeprefix("unit:"),
                fmt_interval(ctx.grid.instant(lo), ctx.grid.instant(hi), ctx.tz),
                f"{int(present[lo])} staff present while {int(ctx.away[key][lo])} on a break; "
                f"the unit keeps at least {int(profile.floor[lo])} (staggered breaks)",
            ))
    return out


@_audit
def pinned_shifts(ctx: Context) -> list[Violation]:
    """Every pinned shift is in the schedule exactly as pinned.

    Same staff member, client (or unit), start and end, and the same visits (a pinned round)."""
    out = []
    planned = {ctx.plan_key(s.staff, s.client, s.unit, s.start, s.end, s.visits)
               for s in ctx.shifts}
    for pin in ctx.scenario.pinned_shifts:
        start, end = ctx.instant(pin.start), ctx.instant(pin.end)
        if ctx.plan_key(pin.staff, pin.client, pin.unit, pin.start, pin.end,
                        pin.visits) not in planned:
            out.append(Violation("pinned_shifts", f"{pin.staff}@{pin.where}",
                                 fmt_interval(start, end, ctx.tz),
                                 "the pinned shift is not in the schedule as pinned"
                                 + (f" ({pin.reason})" if pin.reason else "")))
    return out


@_audit
def frozen_past(ctx: Context) -> list[Violation]:
    """A re-plan changes nothing before its start.

    Every shift that starts before ``replan.start`` is one of the pinned shifts (the previous
    plan's, kept)."""
    replan = ctx.scenario.replan
    if replan is None:
        return []
    since = ctx.instant(replan.start)
    pins = {ctx.plan_key(p.staff, p.client, p.unit, p.start, p.end, p.visits)
            for p in ctx.scenario.pinned_shifts}
    out = []
    for s in ctx.shifts:
        start, end = ctx.instant(s.start), ctx.instant(s.end)
        key = ctx.plan_key(s.staff, s.client, s.unit, s.start, s.end, s.visits)
        if start < since and key not in pins:
            out.append(Violation("frozen_past", f"{s.staff}@{s.client or s.unit}",
                                 fmt_interval(start, end, ctx.tz),
                                 "starts before the re-plan's start and is no pinned shift"))
    return out


# --- scattered clients: visits, rounds, travel ---------------------------------------------------


HOURS_TOLERANCE = 0.01  # reported travel and waiting hours: rounding, never a whole minute


@_audit
def visits(ctx: Context) -> list[Violation]:
    """A shift's visits are scattered clients' need, in order, inside the shift, reachable.

    Every visit lies inside the shift, after the previous one, within a scattered client's
    need of the shift's unit that a decision pays for. A round (several clients) needs
    ``rounds.enabled`` and no client of its own; a waiting shift (one client's visits) names
    that client. Each visit's ``travel_minutes`` is the travel time from the previous visit's
    client (0 for the first and for the same client), and the next visit starts no earlier than
    the travel ends; at most ``rounds.max_visits`` visits, waits after travel of at most
    ``rounds.max_wait_minutes``. The shift's ``travel_hours`` and ``waiting_hours`` are those
    re-derived (waiting: time in no visit, travel or break). That the assistant is approved
    and competent for every client visited is ``approved_assistant``'s finding.

    A visit held away from its need's time (``asked_start``) serves the need at the asked time
    (coverage, decisions) and is held at most the client's ``visit_window_minutes`` from it; a
    visit for two or more staff is not moved, and no moved visit meets another visit of its
    client (in any shift)."""
    out: list[Violation] = _visits_apart(ctx)
    settings = ctx.scenario.rounds
    for i, s in enumerate(ctx.shifts):

        def bad(detail: str, i: int = i) -> None:
            out.append(Violation("visits", _shift_who(ctx, i), _shift_when(ctx, i), detail))

        travel_h, waiting_h = ctx.visit_hours[i]
        for label, reported, derived in (("travel_hours", s.travel_hours, travel_h),
                                         ("waiting_hours", s.waiting_hours, waiting_h)):
            if abs(reported - derived) > HOURS_TOLERANCE:
                bad(f"reports {label} {reported:.2f}, re-derived from its visits "
                    f"{derived:.2f}")
        if not s.visits:
            continue
        clients = _visited(s)
        if len(clients) > 1:
            if not settings.enabled:
                bad(f"a round of {', '.join(clients)} while rounds are disabled "
                    "(rounds.enabled: false)")
            if s.client is not None:
                bad(f"a round of {', '.join(clients)} names client {s.client}; a round has "
                    "none (its clients are its visits')")
        elif s.client != clients[0]:
            bad(f"serves only {clients[0]}'s visits but names "
                f"{'no client' if s.client is None else 'client ' + s.client}")
        if len(s.visits) > settings.max_visits:
            bad(f"{len(s.visits)} visits, at most {settings.max_visits} (rounds.max_visits)")
        for k in range(len(s.visits)):
            _check_visit(ctx, i, k, bad)
    return out


def _check_visit(ctx: Context, i: int, k: int, bad: Callable[[str], None]) -> None:
    """Visit ``k`` of shift ``i``: itself, its client's need, the travel before it."""
    s = ctx.shifts[i]
    start, end = ctx.spans[i]
    v = s.visits[k]
    a, z = ctx.instant(v.start), ctx.instant(v.end)
    what = f"visit {v.client} {fmt_interval(a, z, ctx.tz)}"
    if z <= a:
        bad(f"{what} ends at or before it starts")
    elif not (start <= a and z <= end):
        bad(f"{what} is not inside the shift")
    client = ctx.clients.get(v.client)
    asked, asked_end = ctx.asked(v)
    if v.asked_start is not None:
        what += f" (asked {fmt_interval(asked, asked_end, ctx.tz)})"
    if client is None:
        bad(f"{what}: unknown client id {v.client!r}")
    else:
        if not client.scattered:
            bad(f"{what}: {v.client} is not a scattered client (scattered: false); its need is "
                "served by whole shifts")
        if client.unit != s.unit:
            bad(f"{what}: {v.client} belongs to unit {client.unit}, the shift to {s.unit}")
        profile = ctx.need[v.client]
        part = ctx.grid.span(asked, asked_end)
        if z > a and (min(a, asked) < ctx.h0 or max(z, asked_end) > ctx.h1):
            bad(f"{what} reaches outside the horizon")
        moved = abs((a - asked).total_seconds()) / 60
        if moved > client.visit_window_minutes + EPS:
            bad(f"{what} is held {moved:.0f} min from its asked time; {v.client}'s visit window "
                f"is ± {client.visit_window_minutes} min (visit_window_minutes)")
        if moved > EPS and part.stop > part.start and profile.count[part].max() > 1:
            bad(f"{what} is moved, but the visit needs {int(profile.count[part].max())} staff: "
                "a visit for two or more stays at its time")
        for x, y in runs(profile.count[part] <= 0):
            bad(f"{what} lies outside {v.client}'s need "
                f"(no need {_samples(ctx, part.start + x, part.start + y)})")
        for x, y in runs((profile.count[part] > 0) & ~profile.in_decision[part]):
            bad(f"{what}: no decision of {v.client}'s pays for the need "
                f"{_samples(ctx, part.start + x, part.start + y)}")
    if k == 0:
        if v.travel_minutes != 0:
            bad(f"{what} is the first visit but reports {v.travel_minutes} min travel before it")
        return
    prev = s.visits[k - 1]
    p0, p1 = ctx.instant(prev.start), ctx.instant(prev.end)
    if a < p1:
        bad(f"{what} starts before the previous visit ({prev.client} "
            f"{fmt_interval(p0, p1, ctx.tz)}) ends: visits in order, not overlapping")
        return
    minutes = ctx.visit_travel[i][k]
    if minutes is None:
        bad(f"no travel time known from {prev.client} to {v.client} (give both a home or list "
            "the pair in rounds.travel.times)")
        minutes = v.travel_minutes
    elif v.travel_minutes != minutes:
        bad(f"{what} reports {v.travel_minutes} min travel from {prev.client}, the travel time "
            f"is {minutes} min")
    arrival = p1 + timedelta(minutes=minutes)
    if arrival > a:
        bad(f"travel does not fit: {prev.client}'s visit ends {fmt_instant(p1, ctx.tz)}, "
            f"{minutes} min travel to {v.client} arrives {fmt_instant(arrival, ctx.tz)}, after "
            f"{v.client}'s visit starts {fmt_instant(a, ctx.tz)}")
    wait = (a - arrival).total_seconds() / 60
    limit = ctx.scenario.rounds.max_wait_minutes
    if wait > limit + EPS:
        bad(f"waits {wait:.0f} min between {prev.client}'s visit (ends "
            f"{fmt_instant(p1, ctx.tz)}, then {minutes} min travel) and {what}; at most "
            f"{limit} min (rounds.max_wait_minutes)")


def _visits_apart(ctx: Context) -> list[Violation]:
    """No visit held away from its asked time meets another visit of the same client, nor a
    whole shift for that client: a window moves a visit, it does not double up the client's
    assistants."""
    by_client: dict[str, list[tuple[datetime, datetime, bool, int]]] = {}
    for i, s in enumerate(ctx.shifts):
        for v in s.visits:
            a = ctx.instant(v.start)
            by_client.setdefault(v.client, []).append(
                (a, ctx.instant(v.end), ctx.asked(v)[0] != a, i))
        if not s.visits and s.client is not None:
            by_client.setdefault(s.client, []).append((*ctx.spans[i], False, i))
    out: list[Violation] = []
    for client, held in by_client.items():
        held.sort()
        for k, (a, z, moved, i) in enumerate(held):
            for b, y, other_moved, j in held[k + 1:]:
                if b >= z:
                    break
                if moved or other_moved:
                    out.append(Violation(
                        "visits", _shift_who(ctx, j), _shift_when(ctx, j),
                        f"{client} {fmt_interval(b, y, ctx.tz)} meets "
                        f"{fmt_interval(a, z, ctx.tz)} ({_shift_who(ctx, i)}) of the same "
                        "client, a visit moved within its visit window"))
    return out


def _samples(ctx: Context, lo: int, hi: int) -> str:
    """Samples [lo, hi) of the horizon as a local interval (visit edges are sample edges)."""
    return fmt_interval(ctx.grid.instant(lo), ctx.grid.instant(hi), ctx.tz)


AUDITS: dict[str, Audit] = {
    "approved_assistant": approved_assistant,
    "availability": availability,
    "shift_length": shift_length,
    "staffing_cap": staffing_cap,
    "decision_budget": decision_budget,
    "no_overlap": no_overlap,
    "daily_rest": daily_rest,
    "weekly_rest": weekly_rest,
    "hour_caps": hour_caps,
    "unit_eligibility": unit_eligibility,
    "double_staffing": double_staffing,
    "breaks": breaks,
    "pinned_shifts": pinned_shifts,
    "frozen_past": frozen_past,
    "visits": visits,
}
