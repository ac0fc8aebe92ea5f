"""Reasons a coordinator can act on (issue 13): every uncovered interval names the eligible
assistants and what stopped each (absent, working elsewhere, resting, an hour cap, the weekly
rest, or free at a cost), computed after the schedule is known, for the engine and the greedy
baseline alike. The validator ignores the blockers: ``scheduler check`` accepts them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import builders as kit
from scheduler import validator
from scheduler.cli import app
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Blocker, Schedule
from scheduler.results.export import write_schedule
from scheduler.solver.baseline import plan_greedy

Planner = Callable[[Scenario], Schedule]
HOURLY_UNIT = [kit.unit("U1", breaks={"length_minutes": 60})]


def greedy(scenario: Scenario) -> Schedule:
    schedule = plan_greedy(scenario)
    report = validator.check_schedule(scenario, schedule)
    assert report.ok, validator.format_report(report)
    assert report.uncovered_mismatch is None, report.uncovered_mismatch
    return schedule


@pytest.fixture(params=["engine", "greedy"])
def plan(request: pytest.FixtureRequest, solve_checked: Planner) -> Planner:
    return solve_checked if request.param == "engine" else greedy


def tiny(clients: list[dict[str, Any]], staff: list[dict[str, Any]], **fields: Any) -> Scenario:
    """60-minute slots, an hourly shift grid, a short solve."""
    fields.setdefault("days", 1)
    return kit.scenario(clients, staff, slot_minutes=60, units=HOURLY_UNIT,
                        shifts={"start_step_minutes": 60},
                        solver={"time_limit_seconds": 10, "workers": 2}, **fields)


def client(cid: str, *windows: dict[str, Any], approved: tuple[str, ...]) -> dict[str, Any]:
    return kit.client(cid, windows=windows, approved=approved, competences=())


def blockers_of(schedule: Schedule, client_id: str = "C1", *,
                at: str | None = None) -> list[dict[str, Blocker]]:
    """Per uncovered interval of the client (starting at local ``at`` 'HH:MM' if given): its
    blockers by staff id."""
    out = [{b.staff: b for b in u.blockers} for u in schedule.uncovered
           if u.client == client_id
           and (at is None or f"{u.start.astimezone(kit.TZ):%H:%M}" == at)]
    assert out, f"nothing of {client_id} uncovered: {schedule.uncovered}"
    return out


def test_absent_and_busy_with_another_client(plan: Planner) -> None:
    # C2 (only A2) needs 07–15, C1 (A1 or A2) 08–12; A1 is on sick leave: A2 serves C2,
    # C1 stays open, and the coordinator sees why of both.
    sc = tiny([client("C1", kit.window("08:00", "12:00"), approved=("A1", "A2")),
               client("C2", kit.window("07:00", "15:00"), approved=("A2",))],
              [kit.staff("A1", absences=[{"start": "2027-01-04T00:00", "end": "2027-01-05T00:00",
                                          "reason": "sick leave"}]),
               kit.staff("A2")])
    result = plan(sc)
    (a2,) = [s for s in result.shifts if s.staff == "A2"]
    for by_staff in blockers_of(result):  # the greedy splits it by its reasons
        assert set(by_staff) == {"A1", "A2"}
        assert by_staff["A1"].kind == "absent"
        assert "sick leave" in by_staff["A1"].detail
        assert by_staff["A2"].kind == "busy"
        assert by_staff["A2"].detail == (
            f"working with client C2 {a2.start.astimezone(kit.TZ):%H:%M}–"
            f"{a2.end.astimezone(kit.TZ):%H:%M}")


def test_outside_availability_is_named_too(plan: Planner) -> None:
    sc = tiny([client("C1", kit.window("07:00", "15:00"), approved=("A1",))],
              [kit.staff("A1", availability=[{"start": "18:00", "end": "23:00"}])])
    for by_staff in blockers_of(plan(sc)):
        assert by_staff["A1"].kind == "absent"
        assert by_staff["A1"].detail.startswith("outside availability")


def test_resting_after_the_day_s_shift(plan: Planner) -> None:
    # A1 alone: 06–14 is the bigger piece; 20–23 falls in the 11 h of daily rest after it.
    sc = tiny([client("C1", kit.window("06:00", "14:00"), kit.window("20:00", "23:00"),
                      approved=("A1",))], [kit.staff("A1")])
    result = plan(sc)
    (by_staff,) = blockers_of(result, at="20:00")
    (shift,) = result.shifts
    end = shift.end.astimezone(kit.TZ)
    until = end + timedelta(hours=11)
    clock = f"{until:%H:%M}" if until.date() == end.date() else f"{until:%a %d %H:%M}"
    assert by_staff["A1"].kind == "resting"
    assert by_staff["A1"].detail == f"resting until {clock} after C1 06:00–{end:%H:%M}"


def test_resting_after_the_history_s_last_shift(plan: Planner) -> None:
    # A1 worked Sunday until 22:00: Monday's need from 07:00 waits until 09:00.
    history = {"since": "2026-12-01T00:00", "staff": [{"staff": "A1", "shifts": [
        {"start": "2027-01-03T14:00", "end": "2027-01-03T22:00"}]}]}
    sc = tiny([client("C1", kit.window("07:00", "15:00"), approved=("A1",))],
              [kit.staff("A1")], history=history)
    (by_staff,) = blockers_of(plan(sc), at="07:00")
    assert by_staff["A1"].kind == "resting"
    assert by_staff["A1"].detail == (
        "resting until 09:00 after the history's last shift Sun 03 14:00–22:00")


def test_hour_cap(plan: Planner) -> None:
    # 8 h a week on average over 1-week periods: A1 works one of the two days.
    sc = tiny([client("C1", kit.window("07:00", "15:00"), approved=("A1",))],
              [kit.staff("A1")], days=2,
              rules={"max_average_hours_per_week": 8, "limiting_period_weeks": 1})
    result = plan(sc)
    assert sum(s.hours for s in result.shifts) == 8
    for by_staff in blockers_of(result):
        assert by_staff["A1"].kind == "hour_cap"
        assert by_staff["A1"].detail.startswith(
            "8 h a week on average over the period from 2027-01-04 would be exceeded")


def test_weekly_rest(plan: Planner) -> None:
    # 07–19 every day of one calendar week and A1 alone: 36 h off in a row leave a gap.
    sc = tiny([client("C1", kit.window("07:00", "19:00"), approved=("A1",))],
              [kit.staff("A1")], days=7)
    weekly = [b["A1"] for b in blockers_of(plan(sc)) if b["A1"].kind == "weekly_rest"]
    assert weekly  # the engine's: all of them; the greedy also gives up on affordable need
    for blocker in weekly:
        assert blocker.detail.startswith(
            "the week from 2027-01-04 would have no 36 h off in a row")


def test_free_at_the_cost_of_overtime(plan: Planner) -> None:
    # Overtime costs far more than uncovered need: A1 (full time, 11.4 h of contract in two
    # days) stops at the contract; A2 is on leave.
    sc = tiny([client("C1", kit.window("07:00", "15:00"), approved=("A1", "A2"))],
              [kit.staff("A1"), kit.staff("A2", absences=[
                  {"start": "2027-01-01T00:00", "end": "2027-01-10T00:00"}])],
              days=2, weights={"uncovered": 1, "overtime": 100})
    result = plan(sc)
    free = [b["A1"] for b in blockers_of(result) if b["A1"].kind == "free"]
    assert free
    for blocker in free:
        assert blocker.detail.startswith("free: would cost ")
        assert blocker.detail.endswith(" h of overtime")
    assert all(b["A2"].kind == "absent" for b in blockers_of(result))


def test_settlement_period_used_up(plan: Planner) -> None:
    # 8 granted hours in the week's settlement period: one day is paid for, A1 is free on the
    # other, the decision is not.
    c1 = kit.client("C1", windows=[kit.window("07:00", "15:00")], approved=("A1",),
                    competences=(), decisions=[kit.decision("D1", "2027-01-04", "2027-01-10",
                                                            per_week=8)])
    sc = tiny([c1], [kit.staff("A1")], days=2)
    settled = [b["A1"] for b in blockers_of(plan(sc)) if b["A1"].kind == "settlement"]
    assert settled
    for blocker in settled:
        assert blocker.detail == "free, but granted hours used up in the settlement period (D1)"


def test_check_accepts_schedules_with_blockers(tmp_path: Path) -> None:
    sc = tiny([client("C1", kit.window("06:00", "14:00"), kit.window("20:00", "23:00"),
                      approved=("A1",))], [kit.staff("A1")])
    schedule = greedy(sc)
    assert any(u.blockers for u in schedule.uncovered)
    scenario_path = kit.write_yaml(tmp_path / "sc.yaml", sc.model_dump(mode="json",
                                                                      exclude_none=True))
    json_path, _, uncovered_csv = write_schedule(schedule, tmp_path / "plan.json")
    assert "resting" in uncovered_csv.read_text()
    result = CliRunner().invoke(app, ["check", str(scenario_path), str(json_path)])
    assert result.exit_code == 0, result.output
