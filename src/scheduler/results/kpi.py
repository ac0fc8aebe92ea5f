"""Key figures of a schedule, recomputed from the schedule and the scenario only.

Nothing here reads solver variables: the same numbers come out for a schedule read back from
JSON, edited by hand or made by another tool, so they can be compared with the penalties the
engine reports. Durations are elapsed time (instants are compared in UTC), which keeps nights
across daylight-saving changes right; local time is used only for calendar questions (which
day, which limiting period, night window, weekend).

Per staff member, ``contract_hours`` is the weekly contract × days ÷ 7 and ``absence_hours`` the
part of it that vacation, sick leave and leave replace (``scheduler.domain.contract``); unused
contract, additional hours and overtime are counted per limiting period from the contract less
the absence, so an absence is never unused contract.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pandas as pd

from scheduler.domain.budget import DecisionBudget, decision_budgets
from scheduler.domain.common import parse_clock
from scheduler.domain.contract import ContractTarget, contract_target
from scheduler.domain.groups import (
    double_decision_overlaps,
    need_person_hours,
)
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift
from scheduler.domain.staff import Staff
from scheduler.domain.timegrid import TimeGrid

DECISION_COLUMNS = [
    "client",
    "decision",
    "kind",
    "granted_total_hours",
    "performed_hours",
    "reserve_hours",
    "available_without_exception_hours",
    "available_in_horizon_hours",
    "scheduled_hours",
    "exception_reference",
    "exception_hours",
    "exception_hours_used",
    "over_available_hours",
    "left_in_period_hours",
]

STAFF_COLUMNS = [
    "staff",
    "home_unit",
    "employment",
    "contract_hours",
    "absence_hours",
    "scheduled_hours",
    "on_call_hours",
    "work_hours",
    "additional_hours",
    "overtime_hours",
    "unused_contract_hours",
    "shifts",
    "night_shifts",
    "weekend_shifts",
    "unpaid_break_hours",
    "outside_home_unit_hours",
]

DOUBLE_DECISION_COLUMNS = [
    "client", "unit", "start", "end", "overlap_hours", "person_hours", "staffed",
]


@dataclass
class Kpis:
    decisions: pd.DataFrame  # one row per decision whose settlement period meets the horizon
    staff: pd.DataFrame  # one row per staff member (scenario order, then unknown ids)
    totals: dict[str, float] = field(default_factory=dict)
    # One row per stay that overlaps the client's assistance need (double decisions).
    double_decisions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=DOUBLE_DECISION_COLUMNS)
    )


def hours_between(start: datetime, end: datetime) -> float:
    """Elapsed hours. Converting to UTC first matters: Python subtracts two datetimes that share
    a tzinfo object (e.g. one ZoneInfo) as wall-clock times, ignoring a DST change between."""
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600


def _overlap_hours(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    start, end = max(a0, b0), min(a1, b1)
    return max(0.0, (end - start).total_seconds() / 3600)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def compute_kpis(scenario: Scenario, schedule: Schedule) -> Kpis:
    grid = TimeGrid.from_horizon(scenario.horizon)
    decisions = _decision_rows(scenario, schedule, grid)
    staff = _staff_rows(scenario, schedule, grid)
    need = need_person_hours(scenario, grid)
    uncovered = float(sum(hours_between(u.start, u.end) * u.missing for u in schedule.uncovered))
    charged = float(decisions["scheduled_hours"].sum())
    client_hours = sum(hours_between(s.start, s.end) for s in schedule.shifts if s.client)
    overlaps = pd.DataFrame(
        [{"client": o.client, "unit": o.unit, "start": o.start.isoformat(),
          "end": o.end.isoformat(), "overlap_hours": o.overlap_hours,
          "person_hours": o.person_hours, "staffed": o.staffed}
         for o in double_decision_overlaps(scenario)],
        columns=DOUBLE_DECISION_COLUMNS,
    )
    pauses = sum(_break_hours(s, paid=True) for s in schedule.shifts)
    totals: dict[str, float] = {
        "need_person_hours": need,
        "scheduled_hours": float(staff["scheduled_hours"].sum()),
        "on_call_hours": float(staff["on_call_hours"].sum()),
        "work_hours": float(staff["work_hours"].sum()),
        "uncovered_person_hours": uncovered,
        "coverage_pct": 100.0 * (need - uncovered) / need if need > 0 else 100.0,
        "granted_total_hours": float(decisions["granted_total_hours"].sum()),
        "available_in_horizon_hours": float(decisions["available_in_horizon_hours"].sum()),
        "decision_scheduled_hours": charged,
        # Client time no decision's period covers (should be 0: nothing pays for it).
        "scheduled_outside_decisions_hours": max(0.0, client_hours - charged),
        "exception_hours_used": float(decisions["exception_hours_used"].sum()),
        "contract_hours": float(staff["contract_hours"].sum()),
        # Contract hours replaced by vacation, sick leave and leave: neither worked nor unused.
        "absence_hours": float(staff["absence_hours"].sum()),
        "overtime_hours": float(staff["overtime_hours"].sum()),
        "additional_hours": float(staff["additional_hours"].sum()),
        "unused_contract_hours": float(staff["unused_contract_hours"].sum()),
        "shifts": len(schedule.shifts),
        "night_shifts": int(staff["night_shifts"].sum()),
        "weekend_shifts": int(staff["weekend_shifts"].sum()),
        # Group units, breaks, pooling and double decisions (issue 4).
        "unit_shift_hours": sum(hours_between(s.start, s.end) for s in schedule.shifts
                                if s.client is None),
        "paid_hours": float(staff["scheduled_hours"].sum() - staff["unpaid_break_hours"].sum()),
        # Unpaid breaks in group units: paid hours saved against paid pauses on duty.
        "unpaid_break_hours": float(staff["unpaid_break_hours"].sum()),
        "paid_meal_pause_hours": pauses,
        "hours_outside_home_unit": float(staff["outside_home_unit_hours"].sum()),
        "double_decision_overlap_hours": float(
            overlaps.loc[~overlaps["staffed"].astype(bool), "overlap_hours"].sum()),
        "double_decision_staffed_hours": float(
            overlaps.loc[overlaps["staffed"].astype(bool), "overlap_hours"].sum()),
    }
    return Kpis(decisions=decisions, staff=staff, totals=totals, double_decisions=overlaps)


def _break_hours(shift: Shift, *, paid: bool) -> float:
    """Hours of the shift's breaks of one kind, clipped to the shift."""
    start, end = _utc(shift.start), _utc(shift.end)
    return sum(_overlap_hours(start, end, _utc(b.start), _utc(b.end))
               for b in shift.breaks if b.paid == paid)


# --- decisions ---------------------------------------------------------------------------------


def _decision_rows(scenario: Scenario, schedule: Schedule, grid: TimeGrid) -> pd.DataFrame:
    budgets = decision_budgets(scenario, grid)
    by_client: dict[str, list[DecisionBudget]] = defaultdict(list)
    for b in budgets:  # in the order of the client's decision list
        by_client[b.client_id].append(b)
    shifts_by_client: dict[str, list[Shift]] = defaultdict(list)
    for s in schedule.shifts:
        if s.client is not None:
            shifts_by_client[s.client].append(s)
    charged: dict[str, float] = {}
    for client_id, own in by_client.items():
        charged.update(_charge(own, shifts_by_client.get(client_id, []), grid))
    rows = []
    for b in budgets:
        scheduled = charged.get(b.decision_id, 0.0)
        rows.append({
            "client": b.client_id,
            "decision": b.decision_id,
            "kind": b.kind,
            "granted_total_hours": b.granted_total_hours,
            "performed_hours": b.performed_hours,
            "reserve_hours": b.reserve_hours,
            "available_without_exception_hours": b.available_without_exception_hours,
            "available_in_horizon_hours": b.available_hours,
            "scheduled_hours": scheduled,
            "exception_reference": b.exception_reference,
            "exception_hours": b.exception_hours,
            "exception_hours_used": max(0.0, scheduled - b.available_without_exception_hours),
            # Beyond even the exception: a breach of the decision (the validator's business).
            "over_available_hours": max(0.0, scheduled - b.available_hours),
            "left_in_period_hours": b.granted_total_hours + b.exception_hours
            - b.performed_hours - scheduled,
        })
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def _charge(budgets: list[DecisionBudget], shifts: list[Shift], grid: TimeGrid
            ) -> dict[str, float]:
    """Hours charged to each of one client's decisions.

    The client's time line is cut wherever a decision's period starts or ends; within a piece,
    time goes to the active decisions in list order, each up to what it has available, and what
    is left over to the last one (so an overrun shows on the last decision, not spread thinly).
    """
    windows = {b.decision_id: (grid.instant(b.first_slot), grid.instant(b.end_slot))
               for b in budgets}
    cuts = sorted({t for w in windows.values() for t in w})
    spans = [(_utc(s.start), _utc(s.end)) for s in shifts]
    charged = {b.decision_id: 0.0 for b in budgets}
    for a, b in pairwise(cuts):
        active = [d for d in budgets if windows[d.decision_id][0] <= a
                  and b <= windows[d.decision_id][1]]
        hours = sum(_overlap_hours(s0, s1, a, b) for s0, s1 in spans)
        if not active or hours == 0:
            continue
        for d in active[:-1]:
            take = min(hours, max(0.0, d.available_hours - charged[d.decision_id]))
            charged[d.decision_id] += take
            hours -= take
        charged[active[-1].decision_id] += hours
    return charged


# --- staff -------------------------------------------------------------------------------------


def _staff_rows(scenario: Scenario, schedule: Schedule, grid: TimeGrid) -> pd.DataFrame:
    rules = scenario.rules
    block_days = rules.limiting_period_weeks * 7
    n_blocks = math.ceil(grid.days / block_days)
    lengths = [min(block_days, grid.days - i * block_days) for i in range(n_blocks)]
    night_start = parse_clock(rules.night_start, allow_24=False)
    night_end = parse_clock(rules.night_end, allow_24=True)

    by_staff: dict[str, list[Shift]] = defaultdict(list)
    for s in schedule.shifts:
        by_staff[s.staff].append(s)
    known = scenario.staff_by_id()
    order = [s.id for s in scenario.staff] + sorted(set(by_staff) - set(known))
    # Co-located units share premises: working there is not working outside the home unit.
    premises = {u: set(group) for group in scenario.co_location for u in group}

    rows = []
    for sid in order:
        member = known.get(sid)
        weekly = member.contract_hours_per_week if member else 0.0
        own = by_staff.get(sid, [])
        work_per_block = [0.0] * n_blocks
        presence = on_call = unpaid_total = outside = 0.0
        nights = weekends = 0
        for s in own:
            hours = hours_between(s.start, s.end)
            unpaid = _break_hours(s, paid=False)
            work = hours - unpaid - s.on_call_hours * (1 - rules.on_call_work_fraction)
            presence += hours
            on_call += s.on_call_hours
            unpaid_total += unpaid
            if member is not None and s.unit not in premises.get(member.home_unit,
                                                                 {member.home_unit}):
                outside += hours
            local_start = s.start.astimezone(grid.zone)
            block = (local_start.date() - grid.start_date).days // block_days
            work_per_block[min(max(block, 0), n_blocks - 1)] += work
            night = _night_hours(s, grid, night_start, night_end)
            nights += night >= rules.night_shift_min_hours - 1e-9
            weekends += local_start.weekday() >= 5
        # Absence reduces the hours to work (domain.contract); it is not unused contract.
        targets = [_target(member, grid.start_date + timedelta(days=i * block_days), days, grid)
                   for i, days in enumerate(lengths)]
        additional = overtime = unused = 0.0
        for days, work, target in zip(lengths, work_per_block, targets, strict=True):
            contract = target.target_hours
            full = rules.full_time_hours_per_week * days / 7
            unused += max(0.0, contract - work)
            additional += max(0.0, min(work, full) - contract)
            overtime += max(0.0, work - full)
        rows.append({
            "staff": sid,
            "home_unit": member.home_unit if member else None,
            "employment": member.employment.value if member else "unknown",
            "contract_hours": weekly * grid.days / 7,
            "absence_hours": sum(t.absence_hours for t in targets),
            "scheduled_hours": presence,
            "on_call_hours": on_call,
            "work_hours": sum(work_per_block),
            "additional_hours": additional,
            "overtime_hours": overtime,
            "unused_contract_hours": unused,
            "shifts": len(own),
            "night_shifts": nights,
            "weekend_shifts": weekends,
            "unpaid_break_hours": unpaid_total,
            "outside_home_unit_hours": outside,
        })
    return pd.DataFrame(rows, columns=STAFF_COLUMNS)


def _target(member: Staff | None, first: date, days: int, grid: TimeGrid) -> ContractTarget:
    if member is None:  # a staff id the scenario does not know: no contract
        return ContractTarget(days, 0.0, 0, 0, 0.0, 0.0)
    return contract_target(member, first, days, grid.zone)


def _night_hours(shift: Shift, grid: TimeGrid, night_start: int, night_end: int) -> float:
    """Elapsed hours of the shift inside the local night window (22–06 by default)."""
    start, end = _utc(shift.start), _utc(shift.end)
    length = night_end - night_start if night_end > night_start else night_end + 1440 - night_start
    first: date = shift.start.astimezone(grid.zone).date() - timedelta(days=1)
    last: date = shift.end.astimezone(grid.zone).date()
    total = 0.0
    day = first
    while day <= last:
        total += _overlap_hours(start, end, grid.local(day, night_start),
                                grid.local(day, night_start + length))
        day += timedelta(days=1)
    return total


# --- JSON --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """numpy / pandas scalars → Python, NaN → None, floats rounded for readable JSON."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()}
            for row in frame.astype(object).to_dict(orient="records")]


def kpis_to_dict(kpis: Kpis) -> dict[str, Any]:
    """A JSON-ready form for ``Schedule.kpis``."""
    return {
        "decisions": _records(kpis.decisions),
        "staff": _records(kpis.staff),
        "totals": {k: _plain(v) for k, v in kpis.totals.items()},
        "double_decisions": _records(kpis.double_decisions),
    }
