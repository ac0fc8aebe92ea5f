"""Pooling: a pair of assistance groups whose staff are shared needs less overtime (and leaves
less uncovered) than the same groups run apart, on data where it must: group 1 cannot cover its
client within its own staff's contract and overtime caps, group 2 has 80 h to spare."""

from __future__ import annotations

from typing import Any

import pytest
from group_builders import build, staff

from scheduler.results.kpi import compute_kpis
from scheduler.solver.problem import compile_problem


def groups(*, pooled: bool) -> dict[str, Any]:
    week = {"start": "2027-03-01", "end": "2027-03-07"}
    data: dict[str, Any] = {
        "name": "pooled" if pooled else "apart",
        "horizon": {"start": "2027-03-01", "days": 7},
        "units": [{"id": "G1"}, {"id": "G2"}],
        "clients": [
            {"id": "C1", "unit": "G1", "approved_staff": ["A1", "A2"],
             "decisions": [{"id": "D1", "granted_hours_per_week": 112,
                            "settlement_period": week}],
             "need": {"weekly": [{"start": "07:00", "end": "23:00"}]}},  # 112 h
            {"id": "C2", "unit": "G2", "approved_staff": ["B1", "B2", "B3"],
             "decisions": [{"id": "D2", "kind": "lss_assistance", "granted_hours_per_week": 40,
                            "settlement_period": week}],
             "need": {"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"],
                                  "start": "09:00", "end": "17:00"}]}},  # 40 h
        ],
        "staff": [staff("A1", "G1", 40), staff("A2", "G1", 40),
                  staff("B1", "G2", 40), staff("B2", "G2", 40), staff("B3", "G2", 40)],
        "solver": {"time_limit_seconds": 5, "workers": 2},
    }
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
        schedule = solve_checked(scenario, time_limit=2)
        results[pooled] = compute_kpis(scenario, schedule).totals
    apart, pooled = results[False], results[True]
    # Apart, A1 and A2 can give at most 2 × (40 + 12) h (overtime cap pro rata) for 112 h.
    assert apart["uncovered_person_hours"] >= 8 - 1e-6
    assert apart["overtime_hours"] > 0
    assert pooled["overtime_hours"] == pytest.approx(0)
    assert pooled["uncovered_person_hours"] == pytest.approx(0)
    assert pooled["hours_outside_home_unit"] > 0
    assert pooled["overtime_hours"] < apart["overtime_hours"]

