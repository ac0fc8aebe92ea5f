"""Pooling: a pair of assistance groups whose staff are shared needs less overtime (and leaves
less uncovered) than the same groups run apart, on data where it must: group 1 cannot cover its
client within its own staff's contract and overtime caps, group 2 has 80 h to spare."""

from __future__ import annotations

from typing import Any

import pytest

from builders import WEEKDAYS, build, client, decision, scenario_data, staff, unit, window
from scheduler.results.kpi import compute_kpis
from scheduler.solver.problem import compile_problem


def groups(*, pooled: bool) -> dict[str, Any]:
    week = ("2027-03-01", "2027-03-07")
    c1 = client("C1", "G1", approved=["A1", "A2"], competences=(),
                decisions=[decision("D1", *week, 112, reserve=None)],
                windows=[window("07:00", "23:00")])  # 112 h
    c2 = client("C2", "G2", approved=["B1", "B2", "B3"], competences=(),
                decisions=[decision("D2", *week, 40, kind="lss_assistance", reserve=None)],
                windows=[window("09:00", "17:00", days=WEEKDAYS)])  # 40 h
    data = scenario_data(
        [c1, c2],
        [staff("A1", unit="G1"), staff("A2", unit="G1"),
         *(staff(f"B{i}", unit="G2") for i in (1, 2, 3))],
        name="pooled" if pooled else "apart", start="2027-03-01", units=[unit("G1"), unit("G2")],
        solver={"time_limit_seconds": 5, "workers": 2},
        # Week-long limiting periods on this week: at most 48 h each (the weekly average).
        rules={"limiting_period_weeks": 1, "period_start": "2027-03-01"},
    )
    if pooled:
        data["pooling"] = [{"units": ["G1", "G2"], "clients_accept_pool": True}]
    return data


def test_pooling_makes_the_other_groups_staff_eligible():
    apart = compile_problem(build(groups(pooled=False)))
    pooled = compile_problem(build(groups(pooled=True)))
    assert apart.demands["C1"].eligible_staff == ["A1", "A2"]
    assert pooled.demands["C1"].eligible_staff == ["A1", "A2", "B1", "B2", "B3"]


def test_pooled_groups_need_less_overtime_than_apart(solve_checked):
    results = {}
    for pooled in (False, True):
        scenario = build(groups(pooled=pooled))
        # Deterministic time: the result does not depend on how loaded the machine is.
        schedule = solve_checked(scenario, time_limit=4, deterministic=True)
        results[pooled] = compute_kpis(scenario, schedule).totals
    apart, pooled = results[False], results[True]
    # Apart, A1 and A2 can give at most 2 × 48 h (the weekly average) for 112 h.
    assert apart["uncovered_person_hours"] >= 16 - 1e-6
    assert apart["overtime_hours"] > 0
    assert pooled["overtime_hours"] == pytest.approx(0)
    assert pooled["uncovered_person_hours"] == pytest.approx(0)
    assert pooled["hours_outside_home_unit"] > 0
    assert pooled["overtime_hours"] < apart["overtime_hours"]

