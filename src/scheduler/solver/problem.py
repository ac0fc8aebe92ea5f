"""The scenario compiled onto the time grid: demand per client, budgets, staff availability.

Everything the rules need as plain arrays and integers (minutes, slots), computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

import numpy as np

from scheduler.domain.budget import DecisionBudget, decision_budgets
from scheduler.domain.demand import Demand, expand_need
from scheduler.domain.scenario import (
    WEEKDAYS,
    Client,
    EmploymentForm,
    Scenario,
    Staff,
    parse_clock,
)
from scheduler.domain.timegrid import TimeGrid


@dataclass
class ClientData:
    client: Client
    demand: Demand
    budgets: list[DecisionBudget]
    decided: np.ndarray  # bool per slot: some decision's period covers it
    eligible_staff: list[str] = field(default_factory=list)


@dataclass
class StaffData:
    staff: Staff
    available: np.ndarray  # bool per slot
    available_days: float  # days in the horizon not absent (for fair shares)

    @cached_property
    def available_prefix(self) -> np.ndarray:
        """Available slots before each slot: a shift fits iff its range is all available."""
        return np.concatenate([[0], np.cumsum(self.available)])

    @property
    def id(self) -> str:
        return self.staff.id

    @property
    def is_regular(self) -> bool:
        """Monthly or PAN with a contract: the ones fairness shares nights and weekends between."""
        return self.staff.employment != EmploymentForm.HOURLY and (
            self.staff.contract_hours_per_week > 0
        )


@dataclass
class Problem:
    scenario: Scenario
    grid: TimeGrid
    clients: dict[str, ClientData]
    staff: dict[str, StaffData]
    night: np.ndarray  # bool per slot: inside the night window (22–06 by default)
    weekend: np.ndarray  # bool per slot: Saturday or Sunday, local time

    @property
    def slot_minutes(self) -> int:
        return self.grid.slot_minutes

    def limiting_periods(self) -> list[tuple[int, int, float]]:
        """(first slot, end slot, length in days) of each limiting period, from the start."""
        weeks = self.scenario.rules.limiting_period_weeks
        days = self.grid.days
        starts = self.grid.day_starts()
        out = []
        for first_day in range(0, days, weeks * 7):
            last_day = min(first_day + weeks * 7, days)
            out.append((starts[first_day], starts[last_day], float(last_day - first_day)))
        return out

    def rest_weeks(self) -> list[tuple[int, int]]:
        """Each whole 7-day period of the horizon, from its start (weekly rest is per period)."""
        starts = self.grid.day_starts()
        return [(starts[d], starts[d + 7]) for d in range(0, self.grid.days - 6, 7)]


def eligible(client: Client, staff: Staff) -> bool:
    return staff.id in client.approved_staff and set(client.required_competences) <= set(
        staff.competences
    )


def compile_problem(scenario: Scenario) -> Problem:
    grid = TimeGrid.from_horizon(scenario.horizon)
    budgets = decision_budgets(scenario, grid)
    clients: dict[str, ClientData] = {}
    for client in scenario.clients:
        own = [b for b in budgets if b.client_id == client.id]
        decided = np.zeros(grid.n_slots, dtype=bool)
        for b in own:
            decided[b.first_slot : b.end_slot] = True
        clients[client.id] = ClientData(
            client=client,
            demand=expand_need(client, grid),
            budgets=own,
            decided=decided,
            eligible_staff=[s.id for s in scenario.staff if eligible(client, s)],
        )
    staff = {s.id: _staff_data(s, grid) for s in scenario.staff}
    return Problem(
        scenario=scenario,
        grid=grid,
        clients=clients,
        staff=staff,
        night=_clock_mask(grid, scenario.rules.night_start, scenario.rules.night_end),
        weekend=np.array(
            [grid.local_time(t).weekday() >= 5 for t in range(grid.n_slots)], dtype=bool
        ),
    )


def _staff_data(staff: Staff, grid: TimeGrid) -> StaffData:
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
    return StaffData(staff=staff, available=available, available_days=grid.days - absent_days)


def _clock_mask(grid: TimeGrid, start: str, end: str) -> np.ndarray:
    a, b = parse_clock(start, allow_24=False), parse_clock(end, allow_24=True)
    mask = np.zeros(grid.n_slots, dtype=bool)
    for t in range(grid.n_slots):
        local = grid.local_time(t)
        minute = local.hour * 60 + local.minute
        mask[t] = (a <= minute < b) if a < b else (minute >= a or minute < b)
    return mask
