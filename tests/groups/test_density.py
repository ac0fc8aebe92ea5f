"""Staffing density follows the bookings: more present, more staff; 1:1 on top; a minimum while
open; night staffing (jour or awake); co-located units share; after-school hours follow school
days, Swedish public holidays and school holidays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from builders import WEEKDAYS, booking, build, staff, stay_client, stay_home_data, unit
from builders import scenario as build_scenario
from scheduler.domain.groups import opening_mask
from scheduler.domain.timegrid import TimeGrid
from scheduler.results.kpi import compute_kpis
from scheduler.solver.problem import compile_problem

TZ = ZoneInfo("Europe/Stockholm")

# Monday: K1 08–20, K2 10–20, K3 and K4 (1:1) 12–16. One staff per two present (1:1 apart).
STEPPED = [
    booking("K1", "K", "2027-03-01T08:00", "2027-03-01T20:00"),
    booking("K2", "K", "2027-03-01T10:00", "2027-03-01T20:00"),
    booking("K3", "K", "2027-03-01T12:00", "2027-03-01T16:00"),
    booking("K4", "K", "2027-03-01T12:00", "2027-03-01T16:00", one_to_one=True),
]


def slot(grid: TimeGrid, text: str) -> int:
    return grid.slot_floor(datetime.fromisoformat(text).replace(tzinfo=TZ))


def staffed_at(schedule, text: str, unit: str = "K") -> int:
    moment = datetime.fromisoformat(text).replace(tzinfo=TZ)
    return sum(1 for s in schedule.shifts if s.unit == unit and s.client is None
               and s.start <= moment < s.end)


def test_demand_follows_bookings():
    problem = compile_problem(build(stay_home_data(bookings=STEPPED)))
    demand = problem.demands["unit:K"].demand
    grid = problem.grid
    expected = {
        "2027-03-01T07:00": 0,  # nobody booked yet
        "2027-03-01T09:00": 1,  # one child: the minimum
        "2027-03-01T11:00": 1,  # two children: one staff per two
        "2027-03-01T13:00": 3,  # K1–K3: ⌈3/2⌉ = 2, plus K4's own (1:1) staff member
        "2027-03-01T17:00": 1,
        "2027-03-01T21:00": 0,
    }
    got = {t: int(demand.count[slot(grid, t)]) for t in expected}
    assert got == expected
    assert not demand.on_call.any()


def test_more_present_more_staff_in_the_schedule(solve_checked):
    schedule = solve_checked(build(stay_home_data(bookings=STEPPED)))
    assert schedule.uncovered == []
    assert staffed_at(schedule, "2027-03-01T13:00") == 3
    assert staffed_at(schedule, "2027-03-01T09:00") == 1
    assert staffed_at(schedule, "2027-03-01T21:00") == 0
    assert all(s.client is None and s.unit == "K" for s in schedule.shifts)


def test_night_mode_jour_and_awake():
    stay = [booking("K1", "K", "2027-03-01T16:00", "2027-03-02T10:00"),
            booking("K2", "K", "2027-03-01T16:00", "2027-03-02T10:00")]
    for mode, on_call in (("jour", True), ("awake", False)):
        density = {"clients_per_staff": 1, "night": {"start": "22:00", "end": "07:00",
                                                     "mode": mode}}
        problem = compile_problem(build(stay_home_data(bookings=stay, density=density)))
        demand, grid = problem.demands["unit:K"].demand, problem.grid
        evening, night = slot(grid, "2027-03-01T20:00"), slot(grid, "2027-03-02T02:00")
        assert demand.count[evening] == 2 and not demand.on_call[evening]
        assert demand.count[night] == 1 and bool(demand.on_call[night]) is on_call


def test_minimum_while_open_and_empty():
    density = {"clients_per_staff": 3, "min_staff": 2, "min_staff_when_empty": 1}
    problem = compile_problem(build(stay_home_data(density=density)))
    demand, grid = problem.demands["unit:K"].demand, problem.grid
    assert demand.count[slot(grid, "2027-03-01T09:00")] == 2  # 3 present: ⌈3/3⌉ = 1 < 2
    assert demand.count[slot(grid, "2027-03-01T22:00")] == 1  # open, nobody booked


def co_located(joint: bool):
    data = stay_home_data(bookings=[
        booking("K1", "K", "2027-03-01T08:00", "2027-03-01T20:00"),
        booking("P1", "T", "2027-03-01T13:00", "2027-03-01T17:00"),
    ], n_staff=3)
    data["units"].append(unit("T", "after_school_supervision", density={"clients_per_staff": 3},
                              opening_hours=[{"days": WEEKDAYS, "start": "13:00",
                                              "end": "18:00"}]))
    data["clients"].append(stay_client("P1", "T"))
    data["staff"] += [staff("S1", 30, unit="T"), staff("S2", 30, unit="T")]
    if joint:
        data["co_location"] = [["K", "T"]]
    return build(data)


def test_co_located_units_meet_demand_jointly(solve_checked):
    apart, together = compile_problem(co_located(False)), compile_problem(co_located(True))
    grid = apart.grid
    t = slot(grid, "2027-03-01T14:00")
    separate = apart.demands["unit:K"].demand.count[t] + apart.demands["unit:T"].demand.count[t]
    assert separate == 2  # one for the child, one for the pupil
    assert together.demands["unit:K+T"].demand.count[t] == 1  # ⌈1/2 + 1/3⌉ = 1
    # Staff of either unit may take the joint shifts, recorded on the first unit listed.
    assert set(together.demands["unit:K+T"].eligible_staff) == {"B1", "B2", "B3", "S1", "S2"}
    a = solve_checked(co_located(False))
    b = solve_checked(co_located(True))
    hours = [sum(s.hours for s in x.shifts) for x in (a, b)]
    assert a.uncovered == [] and b.uncovered == []
    assert hours[1] < hours[0]
    assert {s.unit for s in b.shifts} == {"K"}
    # Shared premises: supervision staff on the joint shifts are not outside their home unit.
    assert compute_kpis(co_located(True), b).totals["hours_outside_home_unit"] == 0


def test_after_school_hours_follow_school_days_and_holidays():
    # Week of Ascension Day (Thursday 6 May 2027, a public holiday); Friday in a school holiday.
    supervision = unit("T", "after_school_supervision", opening_hours=[
        {"days": WEEKDAYS, "start": "13:00", "end": "18:00", "applies": "school_days"},
        {"days": WEEKDAYS, "start": "08:00", "end": "18:00", "applies": "holidays"},
    ])
    scenario = build_scenario([], [], name="supervision", start="2027-05-03", units=[supervision],
                              school_holidays=[{"start": "2027-05-07", "end": "2027-05-07"}])
    grid = TimeGrid.from_horizon(scenario.horizon)
    is_open = opening_mask(scenario.units[0], scenario, grid)
    cases = {
        "2027-05-03T10:00": False, "2027-05-03T14:00": True,  # Monday, a school day
        "2027-05-06T10:00": True,  # Ascension Day: holiday hours
        "2027-05-07T10:00": True,  # school holiday
        "2027-05-08T14:00": False,  # Saturday: no window
    }
    assert {t: bool(is_open[slot(grid, t)]) for t in cases} == cases
    assert np.count_nonzero(is_open) * 15 / 60 == 3 * 5 + 2 * 10
