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

Scattered clients (``results.visits``): a shift with visits staffs each visit's client only
during the visit, so decisions are charged the visit minutes (plus the travel before the visit
when the paying decision ``charges_travel``), never the shift's span. A round's travel and
waiting belong to the round: per unit (``units``), per staff member and in the totals, never
to a client; the waiting of a single-client shift between its own visits is that client's
(``clients``). Visits, travel, waiting and breaks of a shift add up to its span, so nothing is
counted twice.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from scheduler.domain.budget import DecisionBudget, decision_budgets
from scheduler.domain.clients import Service
from scheduler.domain.common import parse_clock
from scheduler.domain.contract import ContractTarget, contract_target
from scheduler.domain.demand import Demand, expand_need
from scheduler.domain.groups import (
    double_decision_overlaps,
    need_person_hours,
)
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift
from scheduler.domain.staff import Staff
from scheduler.domain.timegrid import TimeGrid
from scheduler.results.visits import (
    Served,
    is_round,
    served,
    travel_hours,
    visit_hours,
    waiting_hours,
)

DECISION_COLUMNS = [
    "client",
    "decision",
    "kind",
    "service",  # the need the decision pays for
    "on_call_counts_as",  # an hour of jour counts as this much of an hour against the grant
    "granted_total_hours",
    "performed_hours",
    "reserve_hours",
    "available_without_exception_hours",
    "available_in_horizon_hours",
    "scheduled_hours",  # staffed person-hours this decision pays for (jour in full)
    "on_call_hours",  # of which jour
    "travel_hours",  # travel to visits it pays for (charges_travel), not in scheduled_hours
    "charged_hours",  # counted against the granted hours: jour at on_call_counts_as, + travel
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
    "visit_hours",  # of scheduled_hours: serving scattered clients' visits
    "travel_hours",  # travelling between visits' homes
    "waiting_hours",  # paid time in visit shifts that is neither visit, travel nor break
    "rounds",
]

# Per client: what it was served, its visits, and the waiting of its own single-client shifts.
CLIENT_COLUMNS = [
    "client",
    "unit",
    "scattered",
    "served_hours",  # staffed person-hours: whole client shifts, and visits
    "visits",
    "visit_hours",
    "visits_in_rounds",
    "waiting_hours",  # in its single-client shifts with visits (a round's waiting is the unit's)
    "travel_charged_hours",  # travel to its visits that its decisions pay for
]

# Per unit: its rounds and what they cost in time besides the visits.
UNIT_COLUMNS = [
    "unit",
    "rounds",
    "round_hours",  # the rounds' whole spans (paid)
    "visits",  # in rounds and in single-client shifts of the unit
    "visit_hours",
    "travel_hours",  # rounds' travel (single-client shifts do not travel)
    "round_waiting_hours",  # rounds' waiting (not any client's)
    "client_waiting_hours",  # single-client shifts' waiting (also in CLIENT_COLUMNS)
]

DOUBLE_DECISION_COLUMNS = [
    "client", "unit", "start", "end", "overlap_hours", "person_hours", "staffed",
]


@dataclass
class Kpis:
    # One row per decision whose settlement period meets the horizon and that pays for a client's
    # need (a short-term stay pays for bookings, never need windows: no row).
    decisions: pd.DataFrame
    staff: pd.DataFrame  # one row per staff member (scenario order, then unknown ids)
    totals: dict[str, float] = field(default_factory=dict)
    # One row per stay that overlaps the client's assistance need (double decisions).
    double_decisions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=DOUBLE_DECISION_COLUMNS)
    )
    # One row per client (scenario order) and per unit: visits, rounds, travel, waiting.
    clients: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CLIENT_COLUMNS))
    units: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNIT_COLUMNS))


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
    paid_for = float(decisions["scheduled_hours"].sum())
    # A visit shift staffs its clients during the visits only (its span is not client time).
    client_hours = sum(p.hours for s in schedule.shifts for p in served(s))
    clients, units = _client_rows(scenario, schedule, decisions), _unit_rows(scenario, schedule)
    overlaps = pd.DataFrame(
        [{"client": o.client, "unit": o.unit, "start": o.start.isoformat(),
          "end": o.end.isoformat(), "overlap_hours": o.overlap_hours,
          "person_hours": o.person_hours, "staffed": o.staffed}
         for o in double_decision_overlaps(scenario)],
        columns=DOUBLE_DECISION_COLUMNS,
    )
    pauses = sum(break_hours(s, paid=True) for s in schedule.shifts)
    totals: dict[str, float] = {
        "need_person_hours": need,
        "scheduled_hours": float(staff["scheduled_hours"].sum()),
        "on_call_hours": float(staff["on_call_hours"].sum()),
        "work_hours": float(staff["work_hours"].sum()),
        "uncovered_person_hours": uncovered,
        "coverage_pct": 100.0 * (need - uncovered) / need if need > 0 else 100.0,
        "granted_total_hours": float(decisions["granted_total_hours"].sum()),
        "available_in_horizon_hours": float(decisions["available_in_horizon_hours"].sum()),
        "decision_scheduled_hours": paid_for,
        "decision_charged_hours": float(decisions["charged_hours"].sum()),
        # Client time no decision pays for (should be 0: outside every decision's period, or
        # need of a service no decision of the client grants).
        "scheduled_outside_decisions_hours": max(0.0, client_hours - paid_for),
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
                                if s.client is None and not s.visits),
        "paid_hours": float(staff["scheduled_hours"].sum() - staff["unpaid_break_hours"].sum()),
        # Unpaid breaks in group units: paid hours saved against paid pauses on duty.
        "unpaid_break_hours": float(staff["unpaid_break_hours"].sum()),
        "paid_meal_pause_hours": pauses,
        "hours_outside_home_unit": float(staff["outside_home_unit_hours"].sum()),
        "double_decision_overlap_hours": float(
            overlaps.loc[~overlaps["staffed"].astype(bool), "overlap_hours"].sum()),
        "double_decision_staffed_hours": float(
            overlaps.loc[overlaps["staffed"].astype(bool), "overlap_hours"].sum()),
        # Scattered clients: visits, rounds, travel and waiting (issue 18).
        "visits": int(sum(len(s.visits) for s in schedule.shifts)),
        "rounds": int(staff["rounds"].sum()),
        "visit_hours": float(staff["visit_hours"].sum()),
        "travel_hours": float(staff["travel_hours"].sum()),
        "waiting_hours": float(staff["waiting_hours"].sum()),
        "travel_charged_hours": float(decisions["travel_hours"].sum()),
    }
    return Kpis(decisions=decisions, staff=staff, totals=totals, double_decisions=overlaps,
                clients=clients, units=units)


def break_hours(shift: Shift, *, paid: bool) -> float:
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
    served_by_client: dict[str, list[Served]] = defaultdict(list)
    for s in schedule.shifts:
        for piece in served(s):
            served_by_client[piece.client].append(piece)
    clients = scenario.client_by_id()
    travel_paid = {d.id for c in scenario.clients for d in c.decisions if d.charges_travel}
    charged: dict[str, _Charged] = {}
    for client_id, own in by_client.items():
        need = expand_need(clients[client_id], grid)
        charged.update(_charge(own, served_by_client.get(client_id, []), need, grid,
                               travel_paid))
    rows = []
    for b in budgets:
        c = charged[b.decision_id]
        rows.append({
            "client": b.client_id,
            "decision": b.decision_id,
            "kind": b.kind,
            "service": b.service.value,
            "on_call_counts_as": b.on_call_counts_as,
            "granted_total_hours": b.granted_total_hours,
            "performed_hours": b.performed_hours,
            "reserve_hours": b.reserve_hours,
            "available_without_exception_hours": b.available_without_exception_hours,
            "available_in_horizon_hours": b.available_hours,
            "scheduled_hours": c.scheduled,
            "on_call_hours": c.on_call,
            "travel_hours": c.travel,
            "charged_hours": c.charged,
            "exception_reference": b.exception_reference,
            "exception_hours": b.exception_hours,
            "exception_hours_used": max(0.0, c.charged - b.available_without_exception_hours),
            # Beyond even the exception: a breach of the decision (the validator's business).
            "over_available_hours": max(0.0, c.charged - b.available_hours),
            "left_in_period_hours": b.granted_total_hours + b.exception_hours
            - b.performed_hours - c.charged,
        })
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


@dataclass
class _Charged:
    scheduled: float = 0.0  # staffed person-hours
    on_call: float = 0.0  # of which jour
    travel: float = 0.0  # travel to visits, charged (charges_travel)
    charged: float = 0.0  # against the granted hours


def _charge(budgets: list[DecisionBudget], shifts: list[Served], need: Demand, grid: TimeGrid,
            travel_paid: set[str] | None = None) -> dict[str, _Charged]:
    """Hours each of one client's decisions pays for.

    The client's time line is cut wherever a decision's period starts or ends and wherever the
    need changes service or between awake and jour. A piece goes to the active decisions that
    pay for its service (``DecisionBudget.pays``), each up to what it has available, and what
    is left over to the last one (so an overrun shows on the last decision, not spread thinly).
    Jour is charged at each decision's ``on_call_counts_as`` and handed out first, to the
    decision that counts it lowest first; then awake time in time and list order. Staffed time
    no decision pays for is charged to none.

    ``shifts`` are the stretches that serve the client (whole client shifts, or visits). The
    travel before a visit is charged, in full, to the decision that pays for the visit's first
    minute (the first of them in list order) when that decision is in ``travel_paid``
    (``charges_travel``).
    """
    n = grid.n_slots
    service = need.service if need.service is not None else np.full(n, Service.ASSISTANCE.value)
    jour = need.on_call
    changes = np.flatnonzero((service[1:] != service[:-1]) | (jour[1:] != jour[:-1])) + 1
    edges = sorted({0, n, *changes.tolist(), *(b.first_slot for b in budgets),
                    *(b.end_slot for b in budgets)})
    instants = [grid.instant(e) for e in edges]
    staffed = [0.0] * (len(edges) - 1)  # person-hours per piece
    for shift in shifts:
        s0, s1 = shift.start, shift.end
        i = max(0, bisect_right(instants, s0) - 1)
        while i < len(staffed) and instants[i] < s1:
            staffed[i] += _overlap_hours(s0, s1, instants[i], instants[i + 1])
            i += 1
    out = {b.decision_id: _Charged() for b in budgets}
    pieces = sorted(zip(pairwise(edges), staffed, strict=True), key=lambda p: not jour[p[0][0]])
    for (a, b), hours in pieces:
        on_call = bool(jour[a])
        active = [d for d in budgets if d.first_slot <= a and b <= d.end_slot
                  and d.service.value == service[a]]
        if not active or hours == 0:
            continue
        if on_call:
            active.sort(key=lambda d: d.on_call_counts_as)  # stable: list order among equals
        for i, d in enumerate(active):
            rate = d.on_call_counts_as if on_call else 1.0
            room = max(0.0, d.available_hours - out[d.decision_id].charged) / rate
            take = hours if i == len(active) - 1 else min(hours, room)
            out[d.decision_id].scheduled += take
            out[d.decision_id].on_call += take if on_call else 0.0
            out[d.decision_id].charged += take * rate
            hours -= take
    for piece in shifts:
        if piece.travel_hours <= 0:
            continue
        slot = grid.slot_floor(piece.start)
        if not 0 <= slot < n:
            continue
        payer = next((d for d in budgets if d.first_slot <= slot < d.end_slot
                      and d.service.value == service[slot]), None)
        if payer is not None and payer.decision_id in (travel_paid or set()):
            out[payer.decision_id].travel += piece.travel_hours
            out[payer.decision_id].charged += piece.travel_hours
    return out


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
        visits = travel = waiting = 0.0
        nights = weekends = rounds = 0
        for s in own:
            hours = hours_between(s.start, s.end)
            unpaid = break_hours(s, paid=False)
            work = hours - unpaid - s.on_call_hours * (1 - rules.on_call_work_fraction)
            presence += hours
            on_call += s.on_call_hours
            visits += visit_hours(s)
            travel += travel_hours(s)
            waiting += waiting_hours(s)
            rounds += is_round(s)
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
            "visit_hours": visits,
            "travel_hours": travel,
            "waiting_hours": waiting,
            "rounds": rounds,
        })
    return pd.DataFrame(rows, columns=STAFF_COLUMNS)


# --- clients and units: visits, rounds, travel, waiting ----------------------------------------


def _client_row(client: str, unit: str, scattered: bool) -> dict[str, Any]:
    return {"client": client, "unit": unit, "scattered": scattered, "served_hours": 0.0,
            "visits": 0, "visit_hours": 0.0, "visits_in_rounds": 0, "waiting_hours": 0.0,
            "travel_charged_hours": 0.0}


def _client_rows(scenario: Scenario, schedule: Schedule, decisions: pd.DataFrame
                 ) -> pd.DataFrame:
    rows = {c.id: _client_row(c.id, c.unit, c.scattered) for c in scenario.clients}
    for s in schedule.shifts:
        pieces = served(s)
        for p in pieces:
            row = rows.setdefault(p.client, _client_row(p.client, s.unit, False))
            row["served_hours"] += p.hours
            if s.visits:
                row["visits"] += 1
                row["visit_hours"] += p.hours
                row["visits_in_rounds"] += p.in_round
        if s.visits and not is_round(s):
            rows[pieces[0].client]["waiting_hours"] += waiting_hours(s)
    for client, hours in decisions.groupby("client")["travel_hours"].sum().items():
        if client in rows:
            rows[str(client)]["travel_charged_hours"] = float(hours)
    return pd.DataFrame(list(rows.values()), columns=CLIENT_COLUMNS)


def _unit_row(unit: str) -> dict[str, Any]:
    return {"unit": unit, "rounds": 0, "round_hours": 0.0, "visits": 0, "visit_hours": 0.0,
            "travel_hours": 0.0, "round_waiting_hours": 0.0, "client_waiting_hours": 0.0}


def _unit_rows(scenario: Scenario, schedule: Schedule) -> pd.DataFrame:
    rows = {u.id: _unit_row(u.id) for u in scenario.units}
    for s in schedule.shifts:
        if not s.visits:
            continue
        row = rows.setdefault(s.unit, _unit_row(s.unit))
        row["visits"] += len(s.visits)
        row["visit_hours"] += visit_hours(s)
        row["travel_hours"] += travel_hours(s)
        if is_round(s):
            row["rounds"] += 1
            row["round_hours"] += hours_between(s.start, s.end)
            row["round_waiting_hours"] += waiting_hours(s)
        else:
            row["client_waiting_hours"] += waiting_hours(s)
    return pd.DataFrame(list(rows.values()), columns=UNIT_COLUMNS)


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
        "clients": _records(kpis.clients),
        "units": _records(kpis.units),
    }
