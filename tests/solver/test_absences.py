"""Absence reduces the contract target of the solver's contract balance and of the greedy
baseline (``scheduler.domain.contract``): sick leave and vacation are not unused contract hours,
and hours packed around a vacation are additional hours. Every schedule is re-checked by the
independent validator (no violations, no penalty mismatches)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from builders import assistance_week as scenario
from checked import assert_valid
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.results.costing import compute_costs
from scheduler.results.kpi import compute_kpis
from scheduler.solver.baseline import plan_greedy
from scheduler.solver.engine import solve

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
# Monday to Friday 08–16: 40 h of need a week, one assistant at a time.
OFFICE_HOURS = [{"days": WEEKDAYS, "start": "08:00", "end": "16:00"}]
HALF_YEAR = ("2027-01-01", "2027-06-30")  # the settlement period; plenty of granted hours


def _engine(sc: Scenario) -> Schedule:
    return solve(sc, time_limit=10)


PLANNERS: dict[str, Callable[[Scenario], Schedule]] = {"engine": _engine, "greedy": plan_greedy}


@pytest.fixture(params=list(PLANNERS))
def plan_checked(request: pytest.FixtureRequest) -> Callable[[Scenario], Schedule]:
    planner = PLANNERS[request.param]

    def run(sc: Scenario) -> Schedule:
        schedule = planner(sc)
        assert schedule.solve.status in ("optimal", "feasible", "greedy"), schedule.solve
        assert_valid(sc, schedule)
        return schedule

    return run


def penalty(schedule: Schedule, term: str) -> float:
    return next(p.raw for p in schedule.penalties if p.rule == term)


def worked(schedule: Schedule, staff: str) -> float:
    return sum(s.hours for s in schedule.shifts if s.staff == staff)


def staff_kpis(sc: Scenario, schedule: Schedule, staff: str) -> dict[str, Any]:
    frame = compute_kpis(sc, schedule).staff.set_index("staff")
    return frame.loc[staff].to_dict()


def four_weeks(staff: list[dict[str, Any]]) -> Scenario:
    return scenario(days=28, granted=40, period=HALF_YEAR, windows=OFFICE_HOURS, staff=staff)


def test_sick_the_whole_horizon_is_no_unused_contract(plan_checked) -> None:
    # A1 (20 h) is sick all 28 days; A2 (40 h) covers the 160 h of need. Before, A1's 80 h
    # showed as unused contract hours; now they are absence and nothing is unused.
    sc = four_weeks([
        {"id": "A1", "home_unit": "U1", "contract_hours_per_week": 20,
         "absences": [{"start": "2027-01-25T00:00", "end": "2027-03-08T00:00",
                       "reason": "sick leave"}]},
        {"id": "A2", "home_unit": "U1", "contract_hours_per_week": 40},
    ])
    schedule = plan_checked(sc)
    assert worked(schedule, "A1") == 0 and worked(schedule, "A2") == pytest.approx(160)
    for term in ("unused_contract", "additional_hours", "overtime", "uncovered_need"):
        assert penalty(schedule, term) == pytest.approx(0, abs=1e-6), term
    # The KPIs: A1's absence is the whole contract (20 × 4 = 80 h), nothing of it unused.
    a1 = staff_kpis(sc, schedule, "A1")
    assert a1["contract_hours"] == pytest.approx(80) and a1["absence_hours"] == pytest.approx(80)
    assert a1["unused_contract_hours"] == 0 and a1["work_hours"] == 0
    totals = compute_kpis(sc, schedule).totals
    assert totals["absence_hours"] == pytest.approx(80)
    assert totals["unused_contract_hours"] == pytest.approx(0, abs=1e-9)
    # The cost: A1 is still paid the 80 h (absence pay), as an absence, not as unused hours.
    costs = compute_costs(sc, schedule).staff.set_index("staff").loc["A1"]
    assert costs["absence_hours"] == pytest.approx(80) and costs["unused_contract_hours"] == 0
    assert costs["base_pay"] == pytest.approx(80 * costs["hourly_wage"])


def test_a_week_of_vacation_lowers_the_target_by_a_week(plan_checked) -> None:
    # A1 (40 h) alone, on vacation in the second week: the target is 3 × 40 = 120 h, worked in
    # the three other weeks with no additional hours or overtime, and none of it unused. The
    # second week's 40 h of need stay uncovered (nobody else may work).
    sc = four_weeks([
        {"id": "A1", "home_unit": "U1", "contract_hours_per_week": 40,
         "absences": [{"start": "2027-02-08T00:00", "end": "2027-02-15T00:00",
                       "reason": "vacation"}]},
    ])
    schedule = plan_checked(sc)
    assert worked(schedule, "A1") == pytest.approx(120)
    assert penalty(schedule, "unused_contract") == pytest.approx(0, abs=1e-6)
    assert penalty(schedule, "additional_hours") == pytest.approx(0, abs=1e-6)
    assert penalty(schedule, "overtime") == pytest.approx(0, abs=1e-6)
    assert penalty(schedule, "uncovered_need") == pytest.approx(40)
    a1 = staff_kpis(sc, schedule, "A1")
    assert (a1["contract_hours"], a1["absence_hours"], a1["work_hours"]) == pytest.approx(
        (160, 40, 120))
    assert a1["unused_contract_hours"] == a1["additional_hours"] == a1["overtime_hours"] == 0


def test_hours_packed_around_a_vacation_are_additional_hours(plan_checked) -> None:
    # A1 (30 h) alone, on vacation in the second week: target 3 × 30 = 90 h. Covering the
    # need of the other weeks (3 × 40 = 120 h; uncovered need costs more than mertid) is
    # 30 h of additional hours. Before, the unreduced 120 h contract hid them.
    sc = four_weeks([
        {"id": "A1", "home_unit": "U1", "contract_hours_per_week": 30,
         "absences": [{"start": "2027-02-08T00:00", "end": "2027-02-15T00:00",
                       "reason": "vacation"}]},
    ])
    schedule = plan_checked(sc)
    assert worked(schedule, "A1") == pytest.approx(120)
    assert penalty(schedule, "additional_hours") == pytest.approx(30)
    assert penalty(schedule, "unused_contract") == pytest.approx(0, abs=1e-6)
    assert penalty(schedule, "overtime") == pytest.approx(0, abs=1e-6)
    a1 = staff_kpis(sc, schedule, "A1")
    assert a1["absence_hours"] == pytest.approx(30)
    assert a1["additional_hours"] == pytest.approx(30) and a1["unused_contract_hours"] == 0
    # The cost: the 30 h of mertid get their premium; pay is 120 h worked + 30 h of absence.
    costs = compute_costs(sc, schedule).staff.set_index("staff").loc["A1"]
    wage = costs["hourly_wage"]
    assert costs["additional_hours"] == pytest.approx(30)
    assert costs["additional_premium"] == pytest.approx(
        30 * wage * sc.cost.additional_hours_premium)
    assert costs["base_pay"] == pytest.approx(150 * wage)


@pytest.mark.parametrize(("weekdays_only", "unused_minutes"), [
    # ÷ 5: 40 − 8 = 32 h to work, Tuesday–Friday give exactly that.
    (True, 0),
    # ÷ 7: 2400 − round(2400 / 7) = 2057 min to work; 4 × 8 h = 1920 worked, 137 min unused.
    (False, 137),
])
def test_weekdays_only_an_absent_monday_takes_a_fifth(plan_checked, weekdays_only: bool,
                                                      unused_minutes: int) -> None:
    sc = scenario(days=7, granted=40, period=HALF_YEAR, windows=OFFICE_HOURS, staff=[
        {"id": "A1", "home_unit": "U1", "contract_hours_per_week": 40,
         "works_weekdays_only": weekdays_only,
         "availability": [{"days": WEEKDAYS, "start": "07:00", "end": "17:00"}],
         "absences": [{"start": "2027-02-01T07:00", "end": "2027-02-01T17:00",
                       "reason": "leave"}]},
    ])
    schedule = plan_checked(sc)
    assert worked(schedule, "A1") == pytest.approx(32)
    assert penalty(schedule, "unused_contract") == pytest.approx(unused_minutes / 60, abs=1e-3)
    assert penalty(schedule, "uncovered_need") == pytest.approx(8)
    a1 = staff_kpis(sc, schedule, "A1")
    assert a1["absence_hours"] == pytest.approx(8 if weekdays_only else 40 / 7)
    # ÷ 7: 40 − 40 / 7 = 34.29 h to work, 32 worked (exact hours here, whole minutes above).
    assert a1["unused_contract_hours"] == pytest.approx(0 if weekdays_only else 8 - 40 / 7)


def test_absence_falls_in_its_own_limiting_period(plan_checked) -> None:
    # Two one-week limiting periods; A1 (40 h) is away in the second. Week 1: 40 h worked of
    # 40; week 2: 40 h absent of 40. Nothing unused, no mertid, in the penalties and the KPIs.
    sc = scenario(days=14, granted=40, period=HALF_YEAR, windows=OFFICE_HOURS,
                  rules={"limiting_period_weeks": 1}, staff=[
                      {"id": "A1", "home_unit": "U1", "contract_hours_per_week": 40,
                       "absences": [{"start": "2027-02-08T00:00", "end": "2027-02-15T00:00"}]},
                  ])
    schedule = plan_checked(sc)
    assert worked(schedule, "A1") == pytest.approx(40)
    assert penalty(schedule, "unused_contract") == pytest.approx(0, abs=1e-6)
    assert penalty(schedule, "additional_hours") == pytest.approx(0, abs=1e-6)
    a1 = staff_kpis(sc, schedule, "A1")
    assert (a1["contract_hours"], a1["absence_hours"]) == pytest.approx((80, 40))
    assert a1["unused_contract_hours"] == 0 and a1["additional_hours"] == 0
