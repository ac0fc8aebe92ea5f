"""What each decision allows in the horizon: the settlement-period rule of DOMAIN.md.

available = granted total (+ approved exception) − already performed − reserve for the part of
the period after the horizon. The reserve is pro rata to the need pattern by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.domain.clients import Client, Decision, DecisionKind, ReserveRule
from scheduler.domain.demand import expand_need
from scheduler.domain.scenario import Scenario
from scheduler.domain.timegrid import TimeGrid


@dataclass(frozen=True)
class DecisionBudget:
    client_id: str
    decision_id: str
    kind: str
    granted_total_hours: float
    performed_hours: float
    exception_hours: float
    exception_reference: str | None
    share_in_horizon: float  # of what is left, the part that may be used in the horizon
    first_slot: int  # the decision's period ∩ horizon, in slots (end exclusive)
    end_slot: int

    @property
    def left_before_horizon_hours(self) -> float:
        return max(0.0, self.granted_total_hours - self.performed_hours)

    @property
    def available_without_exception_hours(self) -> float:
        return self.left_before_horizon_hours * self.share_in_horizon

    @property
    def available_hours(self) -> float:
        left = self.granted_total_hours + self.exception_hours - self.performed_hours
        return max(0.0, left) * self.share_in_horizon

    @property
    def reserve_hours(self) -> float:
        return self.left_before_horizon_hours - self.available_without_exception_hours


def decision_budgets(scenario: Scenario, grid: TimeGrid) -> list[DecisionBudget]:
    """One budget per decision whose settlement period meets the horizon. A short-term-stay
    decision of a client whose stays are booked into a group unit pays for those stays, not for
    the client's personal assistance, so it is no budget here (double decisions)."""
    booked = {b.client for b in scenario.bookings}
    budgets = []
    for client in scenario.clients:
        for decision in client.decisions:
            if decision.kind is DecisionKind.SHORT_TERM_STAY and client.id in booked:
                continue
            budget = _budget(client, decision, grid)
            if budget is not None:
                budgets.append(budget)
    return budgets


def _budget(client: Client, decision: Decision, grid: TimeGrid) -> DecisionBudget | None:
    period = decision.settlement_period
    horizon_end = grid.start_date + timedelta(days=grid.days)
    period_end = period.end + timedelta(days=1)  # exclusive
    if period_end <= grid.start_date or period.start >= horizon_end:
        return None
    in_from, in_to = max(period.start, grid.start_date), min(period_end, horizon_end)
    first_slot = grid.slot_floor(grid.local(in_from, 0))
    end_slot = grid.slot_floor(grid.local(in_to, 0))
    share = _share_in_horizon(client, decision, grid, in_from, in_to, period_end)
    return DecisionBudget(
        client_id=client.id,
        decision_id=decision.id,
        kind=decision.kind.value,
        granted_total_hours=decision.granted_total_hours,
        performed_hours=decision.hours_performed,
        exception_hours=decision.exception.extra_hours if decision.exception else 0.0,
        exception_reference=decision.exception.reference if decision.exception else None,
        share_in_horizon=share,
        first_slot=first_slot,
        end_slot=end_slot,
    )


def _share_in_horizon(client: Client, decision: Decision, grid: TimeGrid, in_from: date,
                      in_to: date, period_end: date) -> float:
    if decision.reserve is ReserveRule.NONE or in_to >= period_end:
        return 1.0
    if decision.reserve is ReserveRule.PRO_RATA_TIME:
        return (in_to - in_from).days / (period_end - in_from).days
    inside = _need_hours(client, grid, in_from, (in_to - in_from).days)
    after = _need_hours(client, grid, in_to, (period_end - in_to).days)
    if inside + after == 0:
        return (in_to - in_from).days / (period_end - in_from).days
    return inside / (inside + after)


def _need_hours(client: Client, grid: TimeGrid, start: date, days: int) -> float:
    if days <= 0:
        return 0.0
    sub = TimeGrid(start, days, grid.slot_minutes, grid.zone)
    return expand_need(client, sub).person_slots * grid.slot_minutes / 60
