"""The team as a flexible pool: the same scenario with the team approved for the client has less
overtime (and fewer hours of hourly staff) than without it. No engine change is needed: unused
contract hours (4/h) are cheaper than additional hours (10/h, all hours of hourly staff) and
overtime (30/h), so an approved team member is used first."""

from __future__ import annotations

import pytest

from builders import client, decision, scenario, staff, unit, window
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.planning.capacity import team_usage
from scheduler.results.kpi import compute_kpis
from scheduler.solver.engine import solve
from scheduler.validator import check_schedule, format_report

TEAM = staff("T1", 40, unit="OT", overstaffing_team=True)


def sick_leave_week(*, team: bool, hourly: bool = False) -> Scenario:
    """One week from Monday 1 February 2027: 9 h of need a day (63 h). A2 is on sick leave from
    Wednesday, so A1 and A2 can give 40 + 18 h within their contracts; the other 5 h are
    overtime for A1 (cheaper than leaving them uncovered, and within the 48-hour week), hourly
    work for H1, or team time."""
    sick = {"start": "2027-02-03T00:00", "end": "2027-02-08T00:00", "reason": "sick leave"}
    people = [staff("A1"), staff("A2", absences=[sick])]
    if hourly:
        people.append(staff("H1", 0, employment="hourly"))
    if team:
        people.append(dict(TEAM))
    c1 = client("C1", decisions=[decision("D1", "2027-02-01", "2027-02-07", 63)],
                windows=[window("08:00", "17:00")], approved=[s["id"] for s in people],
                competences=())
    return scenario([c1], people, name="pool", start="2027-02-01",
                    units=[unit("U1"), unit("OT", name="Övertalighetsteamet")],
                    solver={"time_limit_seconds": 5, "workers": 2})


def solved(scenario: Scenario) -> tuple[Schedule, dict[str, float], dict[str, float]]:
    schedule = solve(scenario, time_limit=5)
    assert schedule.solve.status in ("optimal", "feasible"), schedule.solve
    report = check_schedule(scenario, schedule)
    assert report.ok, format_report(report)
    kpis = compute_kpis(scenario, schedule)
    hours = kpis.staff.set_index("staff")["work_hours"].to_dict()
    return schedule, kpis.totals, hours


def test_team_pool_means_less_overtime() -> None:
    _, without, _ = solved(sick_leave_week(team=False))
    _, with_team, hours = solved(sick_leave_week(team=True))
    assert without["uncovered_person_hours"] == with_team["uncovered_person_hours"] == 0
    # Without the team, 63 − 40 − 18 = at least 5 h must be overtime.
    assert without["overtime_hours"] >= 5 - 1e-6
    assert with_team["overtime_hours"] < without["overtime_hours"]
    assert with_team["overtime_hours"] == 0
    assert hours["T1"] >= 5 - 1e-6


def test_team_pool_before_hourly_staff_and_its_usage_kpi() -> None:
    _, _, without = solved(sick_leave_week(team=False, hourly=True))
    scenario = sick_leave_week(team=True, hourly=True)
    schedule, totals, with_team = solved(scenario)
    assert without["H1"] >= 5 - 1e-6  # hourly work (10/h) beats overtime (30/h) ...
    assert with_team["H1"] < without["H1"]  # ... but the team's idle time (4/h) beats both
    assert totals["overtime_hours"] == 0
    (usage,) = team_usage(scenario, schedule)
    assert usage.member == "T1" and usage.contract_hours == pytest.approx(40)
    assert usage.work_hours == pytest.approx(with_team["T1"]) and usage.work_hours >= 5 - 1e-6
    assert usage.used_share == pytest.approx(usage.work_hours / 40, abs=1e-4)
