"""The scenario compiled onto the time grid: demand per owner, budgets, staff availability.

A demand owner is a client (personal assistance: need from weekly windows, granted hours from
decisions) or a group unit (short-term stay, supervision, leisure: demand from bookings and the
density rules; co-located units are one owner). Everything the rules need as plain arrays and
integers (minutes, slots), computed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import NamedTuple

import numpy as np

from scheduler.domain.budget import DecisionBudget, decided_mask, decision_budgets
from scheduler.domain.clients import Client
from scheduler.domain.common import WEEKDAYS, parse_clock
from scheduler.domain.contract import ContractTarget, contract_target
from scheduler.domain.demand import Demand
from scheduler.domain.groups import (
    client_demand,
    demand_groups,
    expand_unit_demand,
    may_serve_client,
    may_work_in_units,
    unit_key,
)
from scheduler.domain.pins import PlannedShift, PlannedVisit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Visit
from scheduler.domain.staff import EmploymentForm, Staff
from scheduler.domain.timegrid import TimeGrid
from scheduler.domain.units import Unit
from scheduler.solver.periods import (
    CalendarPeriod,
    StaffCaps,
    Worked,
    busy_slots,
    calendar_periods,
    minutes_in,
    rested_from,
    staff_caps,
    totals_before,
    worked_before,
)

MIN_STRETCH_MINUTES = 60  # a break neither right after arriving nor right before leaving
ROUND_PREFIX = "round:"  # the owner key of a unit's rounds: 'round:U1'


@dataclass(frozen=True)
class BreakPolicy:
    """How long shifts of an owner are interrupted: unpaid breaks away from work (group units
    that allow them) or paid meal pauses on duty (personal assistance and the rest)."""

    unpaid: bool
    after_slots: int  # the longest stretch of active work without a break
    length_slots: int
    min_stretch_slots: int = 1  # the shortest stretch of work before or after a break


@dataclass
class DemandData:
    """One demand owner: a client, or one group unit (or co-located units) with ``client`` None."""

    key: str  # the client id, or 'unit:U3' / 'unit:U3+U4' (see domain.groups.unit_key)
    unit: str  # the unit its shifts are recorded on
    units: tuple[str, ...]  # the units whose demand it is (several when co-located)
    demand: Demand
    budgets: list[DecisionBudget]  # decisions' granted hours; none for units
    # bool per slot: a decision that pays for the need's service covers it / the unit is open
    decided: np.ndarray
    breaks: BreakPolicy
    # Staff who stay while others take unpaid breaks, per slot (None: no unpaid breaks).
    break_floor: np.ndarray | None = None
    client: Client | None = None
    eligible_staff: list[str] = field(default_factory=list)
    # A unit's rounds (``solver.rounds``): no need of its own; its shifts serve the visits of
    # the unit's scattered clients.
    is_round: bool = False

    @property
    def is_unit(self) -> bool:
        """A group unit's demand (neither a client nor a unit's rounds)."""
        return self.client is None and not self.is_round

    @property
    def client_id(self) -> str | None:
        return None if self.client is None else self.client.id

    @property
    def label(self) -> str:
        """For names and messages: the client id, or the unit ids."""
        if self.is_round:
            return f"rounds.{self.unit}"
        return self.client.id if self.client is not None else "+".join(self.units)


@dataclass
class StaffData:
    staff: Staff
    available: np.ndarray  # bool per slot: not absent, in availability, rested after history
    available_days: float  # days in the horizon not absent (for fair shares)

    @cached_property
    def available_prefix(self) -> list[int]:
        """Available slots before each slot: a shift fits iff its range is all available. (A
        list: read two slots at a time for every staff member and shift of every model.)"""
        prefix: list[int] = np.concatenate([[0], np.cumsum(self.available)]).tolist()
        return prefix

    @property
    def id(self) -> str:
        return self.staff.id

    @property
    def is_regular(self) -> bool:
        """Monthly or PAN with a contract: the ones fairness shares nights and weekends between."""
        return self.staff.employment != EmploymentForm.HOURLY and (
            self.staff.contract_hours_per_week > 0
        )


Served = tuple[tuple[str, int, int], ...]  # (owner, first slot, end slot) of need staffed
# A shift's visits: (client, first slot, end slot of the need served, slots the visit is moved
# from the need's time within the client's visit window).
Visited = tuple[tuple[str, int, int, int], ...]


class ShiftKey(NamedTuple):
    """What identifies a shift among the candidates: owner, span and, for a scattered
    clients' shift, its visits (a round's span is not enough)."""

    owner: str | None
    start: int
    end: int
    visits: Visited = ()


@dataclass(frozen=True)
class Pin:
    """A pinned shift on the grid (``domain.pins``): ``staff`` works [start, end) for
    ``owner``; every plan keeps it exactly."""

    staff: str
    owner: str  # the demand owner's key
    start: int
    end: int
    label: str  # for messages: the scenario's pin ('A01 at C01 2026-03-02 07:00–15:00')
    visits: Visited = ()  # scattered clients' visits

    @property
    def key(self) -> ShiftKey:
        """The ``CandidateShift.key`` of the pinned shift."""
        return ShiftKey(self.owner, self.start, self.end, self.visits)


@dataclass
class Problem:
    scenario: Scenario
    grid: TimeGrid
    demands: dict[str, DemandData]  # by owner key: clients first, then group units
    staff: dict[str, StaffData]
    night: np.ndarray  # bool per slot: inside the night window (22–06 by default)
    weekend: np.ndarray  # bool per slot: Saturday or Sunday, local time
    unit_owner: dict[str, str] = field(default_factory=dict)  # group unit id → owner key
    history: dict[str, list[Worked]] = field(default_factory=dict)  # staff id → shifts before
    pins: list[Pin] = field(default_factory=list)  # pinned shifts, as the scenario lists them
    # Re-planning (``domain.replan``): the first slot that may change (None: no re-plan), and
    # the previous plan's shifts from then on, which changes are counted against.
    replan_start: int | None = None
    previous: list[Pin] = field(default_factory=list)
    # ``cap_splits`` by its arguments, kept across models: a neighbourhood search builds
    # thousands of models over the same shifts.
    split_cache: dict[tuple[str, int, int, tuple[tuple[int, ...], ...]],
                      tuple[tuple[CalendarPeriod, tuple[int, int, int]], ...]] = field(
        default_factory=dict, repr=False, compare=False)

    @property
    def slot_minutes(self) -> int:
        return self.grid.slot_minutes

    @cached_property
    def minute_of_day(self) -> np.ndarray:
        """Local wall-clock minute of each slot's start."""
        return np.array([lt.hour * 60 + lt.minute
                         for lt in map(self.grid.local_time, range(self.grid.n_slots))],
                        dtype=np.int32)

    @property
    def clients(self) -> dict[str, DemandData]:
        """The client owners only, by client id."""
        return {k: d for k, d in self.demands.items() if d.client is not None}

    def limiting_periods(self) -> list[tuple[int, int, float]]:
        """(first slot, end slot, length in days) of each block of ``limiting_period_weeks``
        from the horizon's start: the contract balance's periods (the hard caps hold over
        ``cap_periods``, aligned with ``rules.period_start``)."""
        weeks = self.scenario.rules.limiting_period_weeks
        days = self.grid.days
        starts = self.grid.day_starts()
        out = []
        for first_day in range(0, days, weeks * 7):
            last_day = min(first_day + weeks * 7, days)
            out.append((starts[first_day], starts[last_day], float(last_day - first_day)))
        return out

    @cached_property
    def contract_targets(self) -> dict[str, list[ContractTarget]]:
        """Per staff id, per limiting period: contract, absence and the target to work
        (``scheduler.domain.contract``: absences reduce the contract)."""
        starts = self.grid.day_starts()
        periods = [(self.grid.start_date + timedelta(days=starts.index(a)), round(days))
                   for a, _, days in self.limiting_periods()]
        return {sid: [contract_target(data.staff, first, days, self.grid.zone)
                      for first, days in periods]
                for sid, data in self.staff.items()}

    # --- across plans: calendar periods and the history (scheduler.solver.periods) -----------

    @cached_property
    def weeks(self) -> list[CalendarPeriod]:
        """The calendar weeks (from ``rules.week_start_day`` 00:00) that touch the horizon,
        the first and last partial ones included: weekly rest holds in each."""
        return calendar_periods(self.grid, 7, self.scenario.rules.period_start)

    @cached_property
    def cap_periods(self) -> list[CalendarPeriod]:
        """The limiting periods from ``rules.period_start`` that touch the horizon (hour caps;
        the contract balance keeps ``limiting_periods``)."""
        rules = self.scenario.rules
        return calendar_periods(self.grid, 7 * rules.limiting_period_weeks, rules.period_start)

    @cached_property
    def four_weeks(self) -> list[CalendarPeriod]:
        """The 4-week windows from ``rules.period_start`` that touch the horizon (the caps
        "per 4 weeks")."""
        return calendar_periods(self.grid, 28, self.scenario.rules.period_start)

    @cached_property
    def caps(self) -> dict[str, StaffCaps]:
        """Per staff id: what the hour caps leave the horizon, the history's hours counted."""
        totals = totals_before(self.scenario, self.grid)
        return {sid: staff_caps(self.scenario.rules, data.staff.overtime_hours_this_year,
                                [*self.history.get(sid, []), *totals.get(sid, [])],
                                self.cap_periods, self.four_weeks, self.grid)
                for sid, data in self.staff.items()}

    def history_busy(self, sid: str, *, with_rest: bool) -> list[tuple[int, int]]:
        """The history's shifts of ``sid`` as slots before the horizon (with their daily rest
        when ``with_rest``), by start."""
        return busy_slots(self.history.get(sid, []), self.scenario.rules, self.slot_minutes,
                          with_rest=with_rest)

    @cached_property
    def call_prefix(self) -> dict[str, np.ndarray]:
        """Per demand owner: its jour slots (sleeping jour where staff are needed), cumulated."""
        out = {}
        for key, data in self.demands.items():
            count = np.where(data.decided, data.demand.count, 0)
            out[key] = np.concatenate([[0], np.cumsum(data.demand.on_call & (count > 0))])
        return out

    def cap_splits(self, owner: str, start: int, end: int,
                   unpaid_plans: tuple[tuple[int, ...], ...]
                   ) -> tuple[tuple[CalendarPeriod, tuple[int, int, int]], ...]:
        """(period, ``minutes_in`` it) for each of ``cap_periods`` and ``four_weeks`` (each
        period once) that a shift of ``owner`` over [start, end) touches."""
        key = (owner, start, end, unpaid_plans)
        found = self.split_cache.get(key)
        if found is None:
            periods = dict.fromkeys((*self.cap_periods, *self.four_weeks))
            found = tuple((p, self.minutes_in(owner, start, end, unpaid_plans, p))
                          for p in periods if p.overlaps(start, end))
            self.split_cache[key] = found
        return found

    def minutes_in(self, owner: str, start: int, end: int,
                   unpaid_plans: Sequence[Sequence[int]], period: CalendarPeriod
                   ) -> tuple[int, int, int]:
        """(presence, jour, work) minutes of a shift of ``owner`` inside ``period``: work
        belongs to the period it is worked in (``periods.minutes_in``)."""
        return minutes_in(self.call_prefix[owner], start, end, unpaid_plans,
                          self.demands[owner].breaks.length_slots, period, self.slot_minutes,
                          self.scenario.rules.on_call_work_fraction)


def visited(grid: TimeGrid, visit: PlannedVisit | Visit) -> tuple[str, int, int, int]:
    """A pinned or scheduled visit on the grid: (client, need's first slot, need's end slot,
    slots moved from the need's time)."""
    start = grid.slot_floor(grid.aware(visit.start))
    end = grid.slot_floor(grid.aware(visit.end))
    asked = start if visit.asked_start is None else grid.slot_floor(grid.aware(visit.asked_start))
    return visit.client, asked, asked + end - start, start - asked


def eligible(client: Client, staff: Staff) -> bool:
    """Approved and competent, pooling aside (see domain.groups.may_serve_client)."""
    return staff.id in client.approved_staff and set(client.required_competences) <= set(
        staff.competences
    )


def break_policy(unit: Unit, grid: TimeGrid, *, unpaid: bool) -> BreakPolicy:
    slot = grid.slot_minutes
    return BreakPolicy(
        unpaid=unpaid,
        after_slots=int(unit.breaks.after_hours * 60 // slot),
        length_slots=unit.breaks.length_minutes // slot,
        min_stretch_slots=max(1, -(-MIN_STRETCH_MINUTES // slot)),
    )


def compile_problem(scenario: Scenario) -> Problem:
    grid = TimeGrid.from_horizon(scenario.horizon)
    budgets = decision_budgets(scenario, grid)
    units = scenario.unit_by_id()
    demands: dict[str, DemandData] = {}
    for client in scenario.clients:
        own = [b for b in budgets if b.client_id == client.id]
        demand = client_demand(client, scenario, grid)
        demands[client.id] = DemandData(
            key=client.id,
            unit=client.unit,
            units=(client.unit,),
            client=client,
            demand=demand,
            budgets=own,
            decided=decided_mask(own, demand),
            # Personal assistance: the assistant cannot leave, so a paid meal pause.
            breaks=break_policy(units[client.unit], grid, unpaid=False),
            eligible_staff=[s.id for s in scenario.staff
                            if may_serve_client(client, s, scenario)],
        )
    unit_owner: dict[str, str] = {}
    for group in demand_groups(scenario):
        key = unit_key(group)
        expanded = expand_unit_demand(group, scenario, grid)
        unpaid = all(u.unpaid_breaks for u in group)
        demands[key] = DemandData(
            key=key,
            unit=group[0].id,
            units=tuple(u.id for u in group),
            demand=expanded.demand,
            budgets=[],
            decided=expanded.open,
            breaks=break_policy(group[0], grid, unpaid=unpaid),
            break_floor=expanded.floor if unpaid else None,
            eligible_staff=[s.id for s in scenario.staff
                            if may_work_in_units(group, s, scenario)],
        )
        unit_owner.update({u.id: key for u in group})
    if scenario.rounds.enabled:
        demands.update(_round_owners(scenario, grid, demands))
    history = worked_before(scenario, grid)

    def on_grid(p: PlannedShift) -> Pin:
        if p.client is not None:
            owner = p.client
        else:
            owner = ROUND_PREFIX + (p.unit or "") if p.is_round else unit_owner[p.unit or ""]
        return Pin(staff=p.staff, owner=owner,
                   start=grid.slot_floor(grid.aware(p.start)),
                   end=grid.slot_floor(grid.aware(p.end)), label=p.label,
                   visits=tuple(visited(grid, v) for v in p.visits))

    pins = [on_grid(p) for p in scenario.pinned_shifts]
    replan = scenario.replan
    replan_start = None if replan is None else grid.slot_floor(grid.aware(replan.start))
    staff = {s.id: _staff_data(s, grid, rested_from(history.get(s.id, []), scenario.rules,
                                                    grid.slot_minutes),
                               frozen_until=replan_start or 0,
                               kept=[(p.start, p.end) for p in pins if p.staff == s.id])
             for s in scenario.staff}
    return Problem(
        scenario=scenario,
        grid=grid,
        demands=demands,
        unit_owner=unit_owner,
        history=history,
        pins=pins,
        replan_start=replan_start,
        previous=[] if replan is None else [on_grid(p) for p in replan.previous_shifts],
        staff=staff,
        night=grid.clock_mask(scenario.rules.night_start, scenario.rules.night_end),
        weekend=np.array(
            [grid.local_time(t).weekday() >= 5 for t in range(grid.n_slots)], dtype=bool
        ),
    )


def _round_owners(scenario: Scenario, grid: TimeGrid, demands: dict[str, DemandData]
                  ) -> dict[str, DemandData]:
    """One rounds owner per unit with two or more scattered clients: no need of its own; its
    staff are those who may serve any of them (a round needs all its clients'; the model's
    context checks that per shift)."""
    units = scenario.unit_by_id()
    by_unit: dict[str, list[DemandData]] = {}
    for data in demands.values():
        if data.client is not None and data.client.scattered:
            by_unit.setdefault(data.unit, []).append(data)
    out = {}
    n = grid.n_slots
    for uid, clients in by_unit.items():
        if len(clients) < 2:
            continue
        eligible = sorted({sid for c in clients for sid in c.eligible_staff})
        zero = np.zeros(n, dtype=bool)
        out[ROUND_PREFIX + uid] = DemandData(
            key=ROUND_PREFIX + uid, unit=uid, units=(uid,),
            demand=Demand(count=np.zeros(n, dtype=np.int64), on_call=zero.copy()),
            budgets=[], decided=zero, breaks=break_policy(units[uid], grid, unpaid=False),
            eligible_staff=[s.id for s in scenario.staff if s.id in eligible], is_round=True)
    return out


def _staff_data(staff: Staff, grid: TimeGrid, rested: int = 0, frozen_until: int = 0,
                kept: Sequence[tuple[int, int]] = ()) -> StaffData:
    """``rested``: the first slot after the daily rest that follows the history's last shift
    (no shift may start before it). ``frozen_until``: a re-plan's first slot; before it the
    member works only their ``kept`` (pinned) shifts, so no planner adds work in the past."""
    n = grid.n_slots
    if staff.availability is None:
        available = np.ones(n, dtype=bool)
    else:
        available = np.zeros(n, dtype=bool)
        for offset in range(-1, grid.days):
            day = grid.start_date + timedelta(days=offset)
            for window in staff.availability:
                if WEEKDAYS[day.weekday()] not in window.days:
                    continue
                start = parse_clock(window.start, allow_24=False)
                end = parse_clock(window.end, allow_24=True)
                length = end - start if end > start else end + 1440 - start
                first = max(grid.slot_ceil(grid.local(day, start)), 0)
                last = min(grid.slot_floor(grid.local(day, start + length)), n)
                if first < last:
                    available[first:last] = True
    for absence in staff.absences:
        first = max(grid.slot_floor(grid.aware(absence.start)), 0)
        last = min(grid.slot_ceil(grid.aware(absence.end)), n)
        if first < last:
            available[first:last] = False
    starts = grid.day_starts()
    absent_days = sum(
        1 for d in range(grid.days) if not available[starts[d] : starts[d + 1]].any()
    )
    available[: max(0, min(rested, n))] = False  # resting: not an absence (fair shares)
    if frozen_until > 0:
        frozen = np.zeros(n, dtype=bool)
        frozen[: min(frozen_until, n)] = True
        for first, last in kept:
            frozen[first:last] = False  # the pin's own slots keep their availability
        available &= ~frozen
    return StaffData(staff=staff, available=available, available_days=grid.days - absent_days)


def linked_groups(problem: Problem) -> list[tuple[list[str], list[str]]]:
    """(demand owners, staff) linked by eligibility: the connected components of the
    owner–eligible-staff graph. Every rule is per owner or per staff member, so these can be
    planned and scored apart. Staff nobody may use form groups without owners."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for key, data in problem.demands.items():
        find("o:" + key)
        for sid in data.eligible_staff:
            parent[find("s:" + sid)] = find("o:" + key)
    for sid in problem.staff:
        find("s:" + sid)
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for node in parent:
        kind, ident = node.split(":", 1)
        group = groups.setdefault(find(node), ([], []))
        (group[0] if kind == "o" else group[1]).append(ident)
    return list(groups.values())
