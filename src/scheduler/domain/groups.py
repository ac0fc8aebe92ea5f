"""Group units (short-term stays, after-school supervision, leisure): demand from bookings and
staffing-density rules, who may work there, and double decisions (KTV + personal assistance).

Per slot of a unit: the clients present (bookings), split into those booked 1:1 and the others;
while open the unit needs

    max(minimum, ⌈others / clients_per_staff⌉ + one_to_one_staff × 1:1 clients)

with the minimum ``min_staff`` when someone is present, ``min_staff_when_empty`` otherwise; in
the night window the night staffing (awake or jour) while anyone is present. Co-located units
(shared staff and premises) are one demand: the ratio parts add before rounding up, 1:1 staff
add, and the minimum and the night staffing are the largest of the units' (one awake night
staff or one jour for the whole house, not one per unit).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from scheduler.domain.clients import Client
from scheduler.domain.demand import Demand, expand_need
from scheduler.domain.opening import open_spans
from scheduler.domain.scenario import Scenario
from scheduler.domain.staff import Staff
from scheduler.domain.timegrid import TimeGrid
from scheduler.domain.units import Unit


def demand_groups(scenario: Scenario) -> list[tuple[Unit, ...]]:
    """The group units' demand owners: co-located units together (in their listed order), every
    other group unit alone, in scenario order."""
    units = scenario.unit_by_id()
    seen: set[str] = set()
    out: list[tuple[Unit, ...]] = []
    joint = {uid: group for group in scenario.co_location for uid in group}
    for u in scenario.units:
        if not u.is_group or u.id in seen:
            continue
        ids = list(dict.fromkeys(joint.get(u.id, [u.id])))
        seen.update(ids)
        out.append(tuple(units[i] for i in ids))
    return out


def unit_key(units: tuple[Unit, ...] | list[str]) -> str:
    """A demand owner's key for units: 'unit:U3' or 'unit:U3+U4' (ids never hold ':' or '+')."""
    ids = [u if isinstance(u, str) else u.id for u in units]
    return "unit:" + "+".join(ids)


def staff_units(staff: Staff, scenario: Scenario) -> set[str]:
    """Units a staff member may work in: home unit, ``also_units``, and every unit pooled or
    co-located with the home unit."""
    out = {staff.home_unit, *staff.also_units}
    for pool in scenario.pooling:
        if staff.home_unit in pool.units:
            out.update(pool.units)
    for group in scenario.co_location:
        if staff.home_unit in group:
            out.update(group)
    return out


def may_work_in_units(units: tuple[Unit, ...], staff: Staff, scenario: Scenario) -> bool:
    """For a (joint) unit demand: allowed in one of the units, with every required competence."""
    required = {c for u in units for c in u.required_competences}
    allowed = staff_units(staff, scenario)
    return any(u.id in allowed for u in units) and required <= set(staff.competences)


def may_serve_client(client: Client, staff: Staff, scenario: Scenario) -> bool:
    """Approved by the client, or in a pool the client's unit accepts wholesale; competent."""
    if not set(client.required_competences) <= set(staff.competences):
        return False
    if staff.id in client.approved_staff:
        return True
    return any(
        pool.clients_accept_pool and client.unit in pool.units
        and staff.home_unit in pool.units
        for pool in scenario.pooling
    )


# --- demand --------------------------------------------------------------------------------------


def _span_slots(grid: TimeGrid, start: datetime, end: datetime) -> tuple[int, int]:
    first = max(grid.slot_floor(grid.aware(start)), 0)
    last = min(grid.slot_ceil(grid.aware(end)), grid.n_slots)
    return first, last


def opening_mask(unit: Unit, scenario: Scenario, grid: TimeGrid) -> np.ndarray:
    """Slots in which the unit is open (rounded outwards to the slot grid)."""
    mask = np.zeros(grid.n_slots, dtype=bool)
    last_day = grid.start_date + timedelta(days=grid.days)
    for a, b in open_spans(unit.opening_hours, scenario.school_holidays, grid.start_date,
                           last_day):
        first, last = _span_slots(grid, a, b)
        if first < last:
            mask[first:last] = True
    return mask


@dataclass(frozen=True)
class UnitDemand:
    demand: Demand
    open: np.ndarray  # bool per slot: some unit of the group is open
    present: np.ndarray  # int per slot: clients present in the group's units
    floor: np.ndarray  # int per slot: staff who stay while others take unpaid breaks (the
    # break minimum, and every 1:1 client's own staff; never more than the demand)


def expand_unit_demand(units: tuple[Unit, ...], scenario: Scenario, grid: TimeGrid
                       ) -> UnitDemand:
    """Staff needed per slot by one unit or a group of co-located units (module docstring)."""
    n = grid.n_slots
    ratio = np.zeros(n)
    one_to_one = np.zeros(n, dtype=np.int32)
    day_min = np.zeros(n, dtype=np.int32)
    day_any = np.zeros(n, dtype=bool)
    night_staff = np.zeros(n, dtype=np.int32)
    night_awake = np.zeros(n, dtype=bool)
    is_open = np.zeros(n, dtype=bool)
    present_all = np.zeros(n, dtype=np.int32)
    break_min = np.zeros(n, dtype=np.int32)
    for unit in units:
        rules = unit.density
        opened = opening_mask(unit, scenario, grid)
        regular = np.zeros(n, dtype=np.int32)
        ones = np.zeros(n, dtype=np.int32)
        for b in scenario.bookings:
            if b.unit != unit.id:
                continue
            first, last = _span_slots(grid, b.start, b.end)
            (ones if b.one_to_one else regular)[first:last] += 1
        present = (regular + ones) * opened
        night = (grid.clock_mask(rules.night.start, rules.night.end) if rules.night
                 else np.zeros(n, dtype=bool))
        day = opened & ~night
        ratio += np.where(day, regular / rules.clients_per_staff, 0.0)
        one_to_one += np.where(day, ones * rules.one_to_one_staff, 0)
        floor = np.where(present > 0, rules.min_staff, rules.min_staff_when_empty)
        day_min = np.maximum(day_min, np.where(day, floor, 0))
        day_any |= day & ((present > 0) | (rules.min_staff_when_empty > 0))
        if rules.night is not None:
            at_night = opened & night & (present > 0)
            night_staff = np.maximum(night_staff, np.where(at_night, rules.night.staff, 0))
            night_awake |= at_night & (rules.night.mode == "awake")
        is_open |= opened
        present_all += present
        break_min = np.maximum(break_min, np.where(opened, unit.break_min_staff, 0))
    ratio_staff = np.ceil(np.round(ratio, 9)).astype(np.int32)
    day_count = np.where(day_any, np.maximum(day_min, ratio_staff + one_to_one), 0)
    count = day_count + night_staff
    # Jour only where the night staffing is all there is and no unit keeps awake night staff.
    on_call = (day_count == 0) & (night_staff > 0) & ~night_awake
    count = count.astype(np.int16)
    return UnitDemand(
        demand=Demand(count=count, on_call=on_call),
        open=is_open,
        present=present_all,
        # 1:1 clients keep their own staff during others' breaks, and the minimum stays.
        floor=np.minimum(np.maximum(break_min, one_to_one), count).astype(np.int16),
    )


# --- double decisions ----------------------------------------------------------------------------


def stay_mask(client_id: str, scenario: Scenario, grid: TimeGrid) -> np.ndarray:
    """Slots in which the client is booked into a group unit without ``assistance_needed``:
    their personal assistance is not staffed then (the stay's staff care for them)."""
    mask = np.zeros(grid.n_slots, dtype=bool)
    for b in scenario.bookings:
        if b.client == client_id and not b.assistance_needed:
            first, last = _span_slots(grid, b.start, b.end)
            mask[first:last] = True
    return mask


def client_demand(client: Client, scenario: Scenario, grid: TimeGrid) -> Demand:
    """The client's assistance need, with nothing during stays (double decisions)."""
    need = expand_need(client, grid)
    stays = stay_mask(client.id, scenario, grid)
    if not stays.any():
        return need
    return Demand(count=np.where(stays, 0, need.count).astype(np.int16),
                  on_call=need.on_call & ~stays, service=need.service)


def need_person_hours(scenario: Scenario, grid: TimeGrid | None = None) -> float:
    """The need of the whole scenario in person-hours, the one definition every report uses:
    clients' assistance need (nothing during stays that suspend it, double assistance counts
    twice, jour counts fully) plus group units' density demand."""
    grid = grid or TimeGrid.from_horizon(scenario.horizon)
    slots = sum(client_demand(c, scenario, grid).person_slots for c in scenario.clients)
    slots += sum(expand_unit_demand(g, scenario, grid).demand.person_slots
                 for g in demand_groups(scenario))
    return slots * grid.slot_minutes / 60


@dataclass(frozen=True)
class StayOverlap:
    """One booking of a client who also has an assistance need during it."""

    client: str
    unit: str
    start: datetime  # the booking, local wall-clock time
    end: datetime
    overlap_hours: float  # hours of the stay with an assistance need
    person_hours: float  # the assistance need in them (double assistance counts twice)
    staffed: bool  # the booking marks the assistance as needed: both are staffed


def double_decision_overlaps(scenario: Scenario) -> list[StayOverlap]:
    """Every booking that overlaps the booked client's assistance need, with its hours.
    Unless marked ``assistance_needed`` these hours are not staffed twice."""
    grid = TimeGrid.from_horizon(scenario.horizon)
    hours_per_slot = grid.slot_minutes / 60
    clients = scenario.client_by_id()
    need_cache: dict[str, Demand] = {}
    out: list[StayOverlap] = []
    for b in scenario.bookings:
        client = clients.get(b.client)
        if client is None or (not client.need.weekly and not client.need.exceptions):
            continue
        need = need_cache.setdefault(b.client, expand_need(client, grid))
        first, last = _span_slots(grid, b.start, b.end)
        count = need.count[first:last]
        if first >= last or not (count > 0).any():
            continue
        out.append(StayOverlap(
            client=b.client, unit=b.unit, start=b.start, end=b.end,
            overlap_hours=float((count > 0).sum()) * hours_per_slot,
            person_hours=float(count.sum()) * hours_per_slot,
            staffed=b.assistance_needed,
        ))
    return out


def overlap_hours_by_client(scenario: Scenario) -> dict[str, float]:
    """Per client: hours of assistance need inside stays that are not staffed twice."""
    out: dict[str, float] = defaultdict(float)
    for o in double_decision_overlaps(scenario):
        if not o.staffed:
            out[o.client] += o.overlap_hours
    return dict(out)

