"""The overcapacity report: contracted hours against needed (and scheduled) hours, per unit and
for the department, per week of the horizon; how the placement of the overstaffing team changes
it; and how much of the team's time a schedule used while they are a flexible pool.

All figures are *work time* in hours, so they compare with contract hours:

- contracted: the contract hours per week of the staff whose home unit it is, pro rata to the
  days of the week in the horizon. Hourly staff add nothing (no contract).
- absence: the contract hours that vacation, sick leave and leave replace in the week
  (``scheduler.domain.contract``: contract × absent days ÷ 7, or ÷ 5 per absent weekday for
  staff who work weekdays only). An absent employee is still paid, but is not available
  capacity.
- available = contracted − absence: the capacity the need is compared with.
- needed: the need person-hours of the unit's clients (``expand_need`` on the scenario's time
  grid), only where a decision's settlement period covers the time (nothing pays for the rest).
  Jour (sleeping on-call) counts at ``rules.on_call_work_fraction`` (Bilaga J: ½ by default),
  the same fraction that counts it towards contract hours, so a night of jour needs the same
  contract time as it uses. Group activities are clients with needs like any other.
- scheduled: work time of the schedule's shifts in the unit (by anyone, pool staff included),
  jour at the same fraction, split at week boundaries on the time grid.
- difference = available − needed; overcapacity = max(0, difference), shortage = max(0, −it);
  not-needed share = overcapacity / available.
- The department's overcapacity and shortage are the sums over units (a surplus in one unit
  does not staff another), so its difference can be near zero while both are large.
- After placement: each placed member's whole contract, and their absence, moves from their
  home unit to the vacancy's unit for the whole horizon (the steady state once placed; start
  dates are in the placement output).
- Team pool use: each member's contract less their absence is the pool time available.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict

from scheduler.domain.budget import decision_budgets
from scheduler.domain.contract import contract_target
from scheduler.domain.demand import expand_need
from scheduler.domain.loader import InputError
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.domain.timegrid import TimeGrid
from scheduler.results.kpi import compute_kpis
from scheduler.solver.placement import PlacementResult, team_members

DEPARTMENT = "department"
TOTAL = "total"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CapacityRow(_Out):
    scope: str  # a unit id, or "department"
    week: str  # ISO week of the first day ("2027-W09"), or "total" for the whole horizon
    week_start: date
    days: int
    contracted_hours: float
    absence_hours: float  # contract hours an absence replaces: paid, but not available
    available_hours: float  # contracted − absence
    needed_hours: float
    scheduled_hours: float | None  # only with a schedule
    difference_hours: float
    overcapacity_hours: float
    shortage_hours: float
    not_needed_share: float | None  # overcapacity / available; None without available hours
    contracted_after_hours: float
    absence_after_hours: float
    available_after_hours: float
    difference_after_hours: float
    overcapacity_after_hours: float
    shortage_after_hours: float
    not_needed_share_after: float | None


class Move(_Out):
    member: str
    from_unit: str
    to_unit: str
    vacancy: str
    contract_hours_per_week: float
    status: str


class TeamUsage(_Out):
    member: str
    contract_hours: float  # in the horizon
    absence_hours: float  # of it replaced by an absence
    work_hours: float  # scheduled work time (jour at its fraction)
    used_share: float | None  # work / (contract − absence): of the pool time available


class CapacityReport(_Out):
    scenario: str
    horizon_start: date
    horizon_days: int
    on_call_work_fraction: float
    with_schedule: bool
    rows: list[CapacityRow]
    moves: list[Move]
    team_usage: list[TeamUsage]
    team_contract_hours: float
    team_absence_hours: float
    team_work_hours: float | None
    team_used_share: float | None


@dataclass(frozen=True)
class _Week:
    label: str
    start: date
    days: int
    first_slot: int
    end_slot: int


def _weeks(grid: TimeGrid) -> list[_Week]:
    """7-day blocks from the horizon start (the last may be shorter)."""
    starts = grid.day_starts()
    out = []
    for first in range(0, grid.days, 7):
        last = min(first + 7, grid.days)
        day = grid.start_date + timedelta(days=first)
        year, week, _ = day.isocalendar()
        out.append(_Week(f"{year}-W{week:02d}", day, last - first, starts[first], starts[last]))
    return out


def needed_work_slots(scenario: Scenario, grid: TimeGrid) -> dict[str, np.ndarray]:
    """Per unit: needed work time per slot, in slots (jour at its work fraction)."""
    fraction = scenario.rules.on_call_work_fraction
    decided: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(grid.n_slots, dtype=bool))
    for b in decision_budgets(scenario, grid):
        decided[b.client_id][b.first_slot : b.end_slot] = True
    out = {u.id: np.zeros(grid.n_slots) for u in scenario.units}
    for client in scenario.clients:
        demand = expand_need(client, grid)
        weight = np.where(demand.on_call, fraction, 1.0)
        out[client.unit] += demand.count * weight * decided[client.id]
    return out


def scheduled_work_slots(scenario: Scenario, schedule: Schedule, grid: TimeGrid,
                         source: str = "schedule") -> dict[str, np.ndarray]:
    """Per unit: scheduled work time per slot, in slots (jour at its work fraction)."""
    fraction = scenario.rules.on_call_work_fraction
    clients = scenario.client_by_id()
    on_call = {c.id: expand_need(c, grid).on_call for c in scenario.clients}
    out = {u.id: np.zeros(grid.n_slots) for u in scenario.units}
    for s in schedule.shifts:
        if s.unit not in out:
            raise InputError(source, [f"shifts: staff {s.staff!r} works in unknown unit "
                                          f"{s.unit!r}"])
        if s.client is not None and s.client not in clients:
            raise InputError(source, [f"shifts: staff {s.staff!r} works for unknown client "
                                          f"{s.client!r}"])
        first = max(grid.slot_floor(s.start), 0)
        end = min(grid.slot_floor(s.end), grid.n_slots)
        if first >= end:
            continue
        weight = np.ones(end - first)
        if s.client is not None:
            weight[on_call[s.client][first:end]] = fraction
        out[s.unit][first:end] += weight
    return out


def check_schedule_matches(scenario: Scenario, schedule: Schedule, source: str) -> None:
    horizon = scenario.horizon
    if (schedule.horizon_start, schedule.horizon_days, schedule.timezone) != (
        horizon.start.isoformat(), horizon.days, horizon.timezone
    ):
        raise InputError(source, [
            f"made for the horizon {schedule.horizon_start} + {schedule.horizon_days} days "
            f"({schedule.timezone}), but the scenario has {horizon.start} + {horizon.days} days "
            f"({horizon.timezone})"
        ])


def capacity_report(scenario: Scenario, schedule: Schedule | None = None,
                    placement: PlacementResult | None = None, *,
                    schedule_source: str = "schedule") -> CapacityReport:
    """The report; ``placement`` (``scheduler.solver.placement.place``) gives the after-columns.
    Without it, the after-columns equal the before-columns."""
    if schedule is not None:
        check_schedule_matches(scenario, schedule, schedule_source)
    grid = TimeGrid.from_horizon(scenario.horizon)
    hours_per_slot = grid.slot_minutes / 60
    weeks = _weeks(grid)
    staff = scenario.staff_by_id()
    vacancies = {v.id: v for v in scenario.vacancies}
    moves = [
        Move(member=p.member, from_unit=staff[p.member].home_unit,
             to_unit=vacancies[p.vacancy].unit, vacancy=p.vacancy,
             contract_hours_per_week=staff[p.member].contract_hours_per_week, status=p.status)
        for p in (placement.placements if placement else [])
    ]
    weekly_before: dict[str, float] = defaultdict(float)
    for s in scenario.staff:
        weekly_before[s.home_unit] += s.contract_hours_per_week
    weekly_after = dict(weekly_before)
    for m in moves:
        weekly_after[m.from_unit] -= m.contract_hours_per_week
        weekly_after[m.to_unit] += m.contract_hours_per_week
    # Absence per week and unit (an absent member's absence moves with them when placed).
    unit_after = {s.id: s.home_unit for s in scenario.staff} | {m.member: m.to_unit
                                                                 for m in moves}
    absence_before: dict[tuple[str, str], float] = defaultdict(float)
    absence_after: dict[tuple[str, str], float] = defaultdict(float)
    for s in scenario.staff:
        if not s.absences:
            continue
        for w in weeks:
            hours = contract_target(s, w.start, w.days, grid.zone).absence_hours
            absence_before[s.home_unit, w.label] += hours
            absence_after[unit_after[s.id], w.label] += hours

    needed = needed_work_slots(scenario, grid)
    scheduled = (None if schedule is None
                 else scheduled_work_slots(scenario, schedule, grid, schedule_source))
    rows: list[CapacityRow] = []
    per_week_units: dict[str, list[CapacityRow]] = defaultdict(list)
    for unit in scenario.units:
        unit_rows = []
        for w in weeks:
            row = _row(
                unit.id, w.label, w.start, w.days,
                contracted=weekly_before.get(unit.id, 0.0) * w.days / 7,
                absence=absence_before[unit.id, w.label],
                contracted_after=weekly_after.get(unit.id, 0.0) * w.days / 7,
                absence_after=absence_after[unit.id, w.label],
                needed=float(needed[unit.id][w.first_slot : w.end_slot].sum()) * hours_per_slot,
                scheduled=None if scheduled is None else
                float(scheduled[unit.id][w.first_slot : w.end_slot].sum()) * hours_per_slot,
            )
            unit_rows.append(row)
            per_week_units[w.label].append(row)
        rows += [*unit_rows, _sum_rows(unit.id, unit_rows, grid)]
    department = [_sum_rows(DEPARTMENT, per_week_units[w.label], grid, w) for w in weeks]
    rows += [*department, _sum_rows(DEPARTMENT, department, grid)]

    usage = [] if schedule is None else team_usage(scenario, schedule)
    team = team_members(scenario)
    team_contract = sum(m.contract_hours_per_week for m in team) * grid.days / 7
    team_absence = sum(contract_target(m, w.start, w.days, grid.zone).absence_hours
                       for m in team for w in weeks)
    team_available = team_contract - team_absence
    team_work = None if schedule is None else sum(u.work_hours for u in usage)
    return CapacityReport(
        scenario=scenario.name,
        horizon_start=scenario.horizon.start,
        horizon_days=scenario.horizon.days,
        on_call_work_fraction=scenario.rules.on_call_work_fraction,
        with_schedule=schedule is not None,
        rows=rows,
        moves=moves,
        team_usage=usage,
        team_contract_hours=_r(team_contract),
        team_absence_hours=_r(team_absence),
        team_work_hours=None if team_work is None else _r(team_work),
        team_used_share=None if team_work is None or team_available <= 1e-9
        else _r(team_work / team_available),
    )


def team_usage(scenario: Scenario, schedule: Schedule) -> list[TeamUsage]:
    """How much of each team member's available time (contract less absence) the schedule used
    (the pool's use)."""
    staff = compute_kpis(scenario, schedule).staff
    column = {name: dict(zip(staff["staff"], staff[name].astype(float), strict=True))
              for name in ("contract_hours", "absence_hours", "work_hours")}
    out = []
    for m in team_members(scenario):
        contract = column["contract_hours"][m.id]
        absence = column["absence_hours"][m.id]
        work = column["work_hours"][m.id]
        available = contract - absence
        out.append(TeamUsage(member=m.id, contract_hours=_r(contract), absence_hours=_r(absence),
                             work_hours=_r(work),
                             used_share=_r(work / available) if available > 1e-9 else None))
    return out


def _r(value: float) -> float:
    return round(value, 4)


def _share(over: float, contracted: float) -> float | None:
    return _r(over / contracted) if contracted > 1e-9 else None


def _row(scope: str, week: str, start: date, days: int, *, contracted: float, absence: float,
         contracted_after: float, absence_after: float, needed: float, scheduled: float | None
         ) -> CapacityRow:
    available, available_after = contracted - absence, contracted_after - absence_after
    diff, diff_after = available - needed, available_after - needed
    return CapacityRow(
        scope=scope, week=week, week_start=start, days=days,
        contracted_hours=_r(contracted), absence_hours=_r(absence),
        available_hours=_r(available), needed_hours=_r(needed),
        scheduled_hours=None if scheduled is None else _r(scheduled),
        difference_hours=_r(diff), overcapacity_hours=_r(max(0.0, diff)),
        shortage_hours=_r(max(0.0, -diff)), not_needed_share=_share(max(0.0, diff), available),
        contracted_after_hours=_r(contracted_after), absence_after_hours=_r(absence_after),
        available_after_hours=_r(available_after), difference_after_hours=_r(diff_after),
        overcapacity_after_hours=_r(max(0.0, diff_after)),
        shortage_after_hours=_r(max(0.0, -diff_after)),
        not_needed_share_after=_share(max(0.0, diff_after), available_after),
    )


def _sum_rows(scope: str, parts: list[CapacityRow], grid: TimeGrid, week: _Week | None = None
              ) -> CapacityRow:
    """Sums of ``parts``; overcapacity and shortage are summed too, never netted."""
    def total(name: str) -> float:
        return sum(getattr(p, name) for p in parts)

    contracted, contracted_after = total("contracted_hours"), total("contracted_after_hours")
    available, available_after = total("available_hours"), total("available_after_hours")
    over, over_after = total("overcapacity_hours"), total("overcapacity_after_hours")
    has_schedule = bool(parts) and parts[0].scheduled_hours is not None
    return CapacityRow(
        scope=scope,
        week=week.label if week else TOTAL,
        week_start=week.start if week else grid.start_date,
        days=week.days if week else grid.days,
        contracted_hours=_r(contracted), absence_hours=_r(total("absence_hours")),
        available_hours=_r(available), needed_hours=_r(total("needed_hours")),
        scheduled_hours=_r(total("scheduled_hours")) if has_schedule else None,
        difference_hours=_r(total("difference_hours")), overcapacity_hours=_r(over),
        shortage_hours=_r(total("shortage_hours")), not_needed_share=_share(over, available),
        contracted_after_hours=_r(contracted_after),
        absence_after_hours=_r(total("absence_after_hours")),
        available_after_hours=_r(available_after),
        difference_after_hours=_r(total("difference_after_hours")),
        overcapacity_after_hours=_r(over_after),
        shortage_after_hours=_r(total("shortage_after_hours")),
        not_needed_share_after=_share(over_after, available_after),
    )


# --- output ------------------------------------------------------------------------------------










