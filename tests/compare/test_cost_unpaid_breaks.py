"""An unpaid break is not paid: the same shift costs less with one, by exactly its hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from builders import client, decision, scenario, staff, window
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Break, Schedule, Shift, SolveInfo
from scheduler.results.costing import compute_costs

CET = timezone(timedelta(hours=1))


def _scenario() -> Scenario:
    c1 = client("C1", decisions=[decision("D1", "2027-02-01", "2027-02-07", 56, reserve=None)],
                windows=[window("08:00", "16:00")], approved=["A1"], competences=())
    # Hourly: paid per hour worked, so the break's effect is not hidden by a contract.
    return scenario([c1], [staff("A1", 0, employment="hourly")], name="breaks-cost",
                    start="2027-02-01")


def _schedule(breaks: list[Break]) -> Schedule:
    start = datetime(2027, 2, 2, 8, tzinfo=CET)  # a Tuesday, no OB
    shift = Shift(staff="A1", client="C1", unit="U1", start=start,
                  end=start + timedelta(hours=8), hours=8, breaks=breaks)
    info = SolveInfo(status="feasible", objective=0, best_bound=0, gap=0, wall_seconds=0,
                     time_limit_seconds=1, workers=1, seed=0)
    return Schedule(scenario="breaks-cost", horizon_start="2027-02-01", horizon_days=7,
                    timezone="Europe/Stockholm", created=datetime.now(UTC), solve=info,
                    shifts=[shift])


def test_unpaid_break_is_not_paid_but_a_paid_pause_is():
    sc = _scenario()
    noon = datetime(2027, 2, 2, 12, tzinfo=CET)
    pause = (noon, noon + timedelta(minutes=30))
    plain = compute_costs(sc, _schedule([])).total["total_cost"]
    paid = compute_costs(sc, _schedule([Break(start=pause[0], end=pause[1], paid=True)]))
    unpaid = compute_costs(sc, _schedule([Break(start=pause[0], end=pause[1], paid=False)]))
    assert paid.total["total_cost"] == pytest.approx(plain)
    # Half an hour less at the hourly wage (175 kr), plus the employer's contributions (40 %).
    expected = 0.5 * sc.cost.wages.hourly * (1 + sc.cost.employer_contribution_rate)
    assert plain - unpaid.total["total_cost"] == pytest.approx(expected)
