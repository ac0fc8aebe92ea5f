"""Breaks: staggered unpaid breaks keep the unit's minimum staffing; nobody works more than 5 h
in a row in a unit with breaks; personal assistance gets paid meal pauses; KPIs show the paid
hours saved."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from builders import booking, build, client, decision, stay_home_data, unit, window
from scheduler.domain.schedule import Break, Schedule
from scheduler.results.kpi import compute_kpis
from scheduler.solver.problem import BreakPolicy
from scheduler.solver.shifts import break_plans
from scheduler.validator import AUDITS

# Four children 08:00–20:00 on Monday and Tuesday: two staff all day (one per two present). With
# three staff (one shift a day each, daily rest) that takes shifts over 5 h, so breaks.
FOUR_ALL_DAY = [
    booking(f"K{i}", "K", f"2027-03-0{d}T08:00", f"2027-03-0{d}T20:00")
    for d in (1, 2) for i in range(1, 5)
]


def presence(schedule: Schedule, moment) -> tuple[int, int]:
    """(staff on shift, of whom on an unpaid break) at ``moment``."""
    on = [s for s in schedule.shifts if s.start <= moment < s.end]
    away = [s for s in on if any(not b.paid and b.start <= moment < b.end for b in s.breaks)]
    return len(on), len(away)


def test_staggered_breaks_keep_the_minimum_staffing(solve_checked):
    scenario = build(stay_home_data(bookings=FOUR_ALL_DAY, n_staff=3, contract=40))
    schedule = solve_checked(scenario)
    assert schedule.uncovered == []
    breaks = [(s, b) for s in schedule.shifts for b in s.breaks]
    assert breaks, "long shifts in a stay home get unpaid breaks"
    assert all(not b.paid for _, b in breaks)
    for _, b in breaks:
        moment = b.start
        while moment < b.end:
            on, away = presence(schedule, moment)
            assert on - away >= 1, (moment, on, away)  # the density minimum stays
            moment += timedelta(minutes=15)
    # Every shift with more than 5 h of work has a break, and no stretch exceeds 5 h.
    for s in schedule.shifts:
        edges = [s.start, *(t for b in sorted(s.breaks, key=lambda b: b.start)
                            for t in (b.start, b.end)), s.end]
        stretches = [(edges[i + 1] - edges[i]).total_seconds() / 3600
                     for i in range(0, len(edges), 2)]
        assert max(stretches) <= 5 + 1e-9, (s, stretches)
    kpis = compute_kpis(scenario, schedule).totals
    saved = sum((b.end - b.start).total_seconds() / 3600 for _, b in breaks)
    assert kpis["unpaid_break_hours"] == pytest.approx(saved)
    assert kpis["paid_hours"] == pytest.approx(kpis["scheduled_hours"] - saved)
    assert kpis["work_hours"] == pytest.approx(kpis["scheduled_hours"] - saved)


def test_a_lone_worker_cannot_leave_so_shifts_stay_within_five_hours(solve_checked):
    one_child = [booking("K1", "K", "2027-03-01T08:00", "2027-03-01T20:00")]
    schedule = solve_checked(build(stay_home_data(bookings=one_child)))
    assert schedule.uncovered == []
    assert all(s.hours <= 5 and not s.breaks for s in schedule.shifts)


def test_a_single_staff_member_covers_the_day_only_where_the_unit_may_be_left(solve_checked):
    # One staff member, one child 08–20: with the default floor (the density minimum, 1) the
    # break cannot be taken, so at most a 5-hour shift; with breaks.min_staff 0 the unit may be
    # left for the break and a 12-hour shift with two unpaid breaks covers the day.
    one_child = [booking("K1", "K", "2027-03-01T08:00", "2027-03-01T20:00")]
    kept = solve_checked(build(stay_home_data(bookings=one_child, n_staff=1, contract=40)))
    assert all(s.hours <= 5 for s in kept.shifts)
    missing = sum(u.missing * (u.end - u.start).total_seconds() / 3600 for u in kept.uncovered)
    assert missing >= 12 - 5
    left = solve_checked(build(stay_home_data(bookings=one_child, n_staff=1, contract=40,
                                        breaks={"min_staff": 0})))
    assert left.uncovered == []
    (shift,) = left.shifts
    assert shift.hours == 12 and len(shift.breaks) == 2
    assert all(not b.paid for b in shift.breaks)


def test_paid_meal_pauses_where_breaks_are_not_allowed(solve_checked):
    scenario = build(stay_home_data(bookings=FOUR_ALL_DAY, breaks={"allowed": False}))
    schedule = solve_checked(scenario)
    long = [s for s in schedule.shifts if s.hours > 5]
    assert long and all(s.breaks and all(b.paid for b in s.breaks) for s in long)
    assert compute_kpis(scenario, schedule).totals["unpaid_break_hours"] == 0


def test_personal_assistance_gets_paid_meal_pauses(solve_checked):
    data = stay_home_data(bookings=[])
    data["units"].append(unit("G", "assistance_group"))
    data["clients"] = [client("C1", "G", approved=["B1", "B2", "B3"], competences=(),
                              decisions=[decision("D1", "2027-03-01", "2027-03-03", 100,
                                                  reserve=None)],
                              windows=[window("07:00", "19:00")])]
    scenario = build(data)
    schedule = solve_checked(scenario)
    long = [s for s in schedule.shifts if s.hours > 5]
    assert long
    for s in long:
        assert s.breaks and all(b.paid for b in s.breaks)
        assert s.start < s.breaks[0].start and s.breaks[-1].end < s.end
    totals = compute_kpis(scenario, schedule).totals
    pauses = [b for s in schedule.shifts for b in s.breaks]
    assert totals["paid_meal_pause_hours"] == pytest.approx(0.5 * len(pauses))
    assert totals["work_hours"] == pytest.approx(totals["scheduled_hours"])  # no gap, all paid


def test_break_plans_cut_long_work_into_stretches_of_five_hours_at_most():
    policy = BreakPolicy(unpaid=True, after_slots=20, length_slots=2)  # 15-min slots
    aligned = np.ones(200, dtype=bool)
    active = np.ones(52, dtype=bool)  # 13 h of work
    plans = break_plans(active, 0, policy, aligned)
    assert plans and all(len(p) == 2 for p in plans)
    for plan in plans:
        edges = [0, *(t for p in plan for t in (p, p + 2)), 52]
        assert all(0 < edges[i + 1] - edges[i] <= 20 for i in range(0, len(edges), 2))
    assert break_plans(np.ones(20, dtype=bool), 0, policy, aligned) == []  # exactly 5 h
    # Jour (False) in the middle cuts 4 h + 4 h of work: no break due.
    split = np.array([True] * 16 + [False] * 20 + [True] * 16)
    assert break_plans(split, 0, policy, aligned) == []


def test_validator_reports_breaks_taken_all_at_once(solve_checked):
    scenario = build(stay_home_data(bookings=FOUR_ALL_DAY, n_staff=3, contract=40))
    schedule = solve_checked(scenario)
    # Everyone on shift at 10:00 Monday takes a break then: nobody stays with the children.
    moment = min(s.start for s in schedule.shifts) + timedelta(hours=2)
    shifts = [
        s.model_copy(update={"breaks": [Break(start=moment, end=moment + timedelta(minutes=30),
                                              paid=False)]})
        if s.start <= moment and moment + timedelta(minutes=30) <= s.end else s
        for s in schedule.shifts
    ]
    found = AUDITS["breaks"](scenario, schedule.model_copy(update={"shifts": shifts}))
    assert any("on a break" in v.detail for v in found), found
