"""What each decision allows in the horizon: the settlement-period rule of docs/domain.md.

available = granted total (+ approved exception) − already performed − reserve for the part of
the period after the horizon. The reserve is pro rata to the need pattern by default.

A decision pays only for the need of the service its kind grants (``DecisionKind.service``):
assistance decisions (SFB, LSS, ultimate responsibility) for assistance windows, companion and
relief service for their own windows, ``other`` only for windows that say ``service: other``;
a short-term stay pays for stays in a group unit and never for a client's need windows, so it
is no budget here. An hour of that need is charged as an hour, an hour of jour as
``Decision.on_call_counts_as`` of an hour (1 unless the decision says otherwise).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from scheduler.domain.clients import Client, Decision, ReserveRule, Service
from scheduler.domain.demand import Demand, expand_need
from scheduler.domain.scenario import Scenario
from scheduler.domain.timegrid import TimeGrid

# Integer arithmetic for the solver: charge units per minute of need. 420 = lcm(1..7), so
# jour counted at 1/2, 1/3, 1/4, 1/5, 1/6 or 1/7 of an hour (FK: jour ¼, standby 1/7) is exact.
CHARGE_UNITS_PER_MINUTE = 420


def charge_units(fraction: float) -> int:
    """Charge units per minute of need counted at ``fraction`` of its time, rounded up (the
    solver never charges less than the rule does)."""
    return math.ceil(fraction * CHARGE_UNITS_PER_MINUTE - 1e-6)


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
    service: Service  # the need it pays for
    on_call_counts_as: float = 1.0  # an hour of jour counts as this much of an hour

    def pays(self, demand: Demand) -> np.ndarray:
        """Bool per slot: the decision's period holds it and its need is the decision's
        service."""
        mask = np.zeros(demand.count.shape, dtype=bool)
        inside = demand.is_service(self.service)[self.first_slot : self.end_slot]
        mask[self.first_slot : self.end_slot] = inside
        return mask

    def units_per_minute(self, on_call: bool) -> int:
        """Charge units (``CHARGE_UNITS_PER_MINUTE`` per hour-minute) per minute staffed."""
        return charge_units(self.on_call_counts_as if on_call else 1.0)

    @property
    def available_units(self) -> int:
        """``available_hours`` in charge units (rounded down)."""
        return int(self.available_hours * 60 * CHARGE_UNITS_PER_MINUTE + 1e-6)

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


def charge_classes(demand: Demand) -> dict[tuple[Service, bool], np.ndarray]:
    """Prefix sums (n + 1) of the slots of each (service, jour) class that occurs: within a
    class every decision that pays charges the same per minute."""
    out: dict[tuple[Service, bool], np.ndarray] = {}
    for service in Service:
        of_service = demand.is_service(service)
        if not of_service.any():
            continue
        for on_call in (False, True):
            mask = of_service & (demand.on_call if on_call else ~demand.on_call)
            if mask.any():
                out[service, on_call] = np.concatenate([[0], np.cumsum(mask)])
    return out


def decided_mask(budgets: list[DecisionBudget], demand: Demand) -> np.ndarray:
    """Bool per slot: some decision pays for the need there (its period holds the slot and its
    kind grants the slot's service)."""
    mask = np.zeros(demand.count.shape, dtype=bool)
    for b in budgets:
        mask |= b.pays(demand)
    return mask


def decision_budgets(scenario: Scenario, grid: TimeGrid) -> list[DecisionBudget]:
    """One budget per decision whose settlement period meets the horizon and whose kind pays
    for a client's need. A short-term-stay decision pays for stays booked into a group unit,
    never for the client's need windows (double decisions included), so it is no budget."""
    budgets = []
    for client in scenario.clients:
        for decision in client.decisions:
            if decision.kind.service is None:
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
    service = decision.kind.service
    assert service is not None  # decision_budgets skips kinds that pay for no client need
    share = _share_in_horizon(client, decision, service, grid, in_from, in_to, period_end)
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
        service=service,
        on_call_counts_as=decision.on_call_counts_as,
    )


def _share_in_horizon(client: Client, decision: Decision, service: Service, grid: TimeGrid,
                      in_from: date, in_to: date, period_end: date) -> float:
    if decision.reserve is ReserveRule.NONE or in_to >= period_end:
        return 1.0
    if decision.reserve is ReserveRule.PRO_RATA_TIME:
        return (in_to - in_from).days / (period_end - in_from).days
    rate = decision.on_call_counts_as
    inside = _need_hours(client, service, rate, grid, in_from, (in_to - in_from).days)
    after = _need_hours(client, service, rate, grid, in_to, (period_end - in_to).days)
    if inside + after == 0:
        return (in_to - in_from).days / (period_end - in_from).days
    return inside / (inside + after)


def _need_hours(client: Client, service: Service, rate: float, grid: TimeGrid, start: date,
                days: int) -> float:
    """The need of ``service`` from ``start`` for ``days``, in hours as a decision paying for it
    charges them (jour at ``rate``)."""
    if days <= 0:
        return 0.0
    sub = TimeGrid(start, days, grid.slot_minutes, grid.zone)
    need = expand_need(client, sub)
    weight = np.where(need.on_call, rate, 1.0)
    charged = need.count * weight * need.is_service(service)
    return float(charged.sum()) * grid.slot_minutes / 60
