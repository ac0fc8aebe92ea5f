"""The overcapacity report against a hand computation, its outputs and its bad input."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from builders import (
    WEEKDAYS,
    client,
    decision,
    member,
    scenario_data,
    staff,
    unit,
    vacancy,
    window,
)
from scheduler import validator
from scheduler.cli import app
from scheduler.domain.groups import need_person_hours
from scheduler.domain.loader import InputError
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, SolveInfo
from scheduler.domain.timegrid import TimeGrid
from scheduler.planning.capacity import CapacityRow, capacity_report, needed_work_slots
from scheduler.planning.variants import load_scenario
from scheduler.solver.placement import place

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "overstaffing_team.yaml"
runner = CliRunner()

# Ten days from Monday 1 February 2027: week 2027-W05 (1–7 Feb, 7 days) and 2027-W06 (8–10 Feb,
# 3 days); CET, no daylight-saving change. Jour counts × 0.5 (the default).
HAND: dict[str, Any] = scenario_data(
    [
        # 4 h every day, plus Friday night jour 22–06 (8 h × 0.5 = 4 h of work time).
        client("C1", decisions=[decision("D1", "2027-01-01", "2027-06-30", 40, reserve=None)],
               windows=[window("08:00", "12:00"),
                        window("22:00", "06:00", on_call=True, days=["fri"])],
               approved=["A1"], competences=()),
        # Two assistants 09–17 on weekdays, but the decision ends on Wednesday 3 February:
        # only Mon–Wed of week 1 is needed (paid for).
        client("C2", "U2", decisions=[decision("D2", "2027-01-01", "2027-02-03", 80, reserve=None)],
               windows=[window("09:00", "17:00", 2, days=WEEKDAYS)],
               approved=["A2", "T1"], competences=()),
    ],
    [
        staff("A1", 30), staff("A2", 20, unit="U2"),
        staff("H2", 0, unit="U2", employment="hourly"),
        member("T1", 40, ["x"]), staff("T2", 10, unit="OT", overstaffing_team=True),
    ],
    name="capacity-hand", start="2027-02-01", days=10,
    units=[unit("U1"), unit("U2"), unit("OT")],
    # T1 fits V1 (40 h, needs x); T2 (10 h) is 30 h off and lacks x: T1 moves OT → U2.
    vacancies=[vacancy("V1", "U2", 40, required_competences=["x"])],
)


def shift(staff: str, client: str | None, unit: str, start: str, end: str,
          on_call: float = 0) -> Shift:
    a, b = datetime.fromisoformat(start), datetime.fromisoformat(end)
    return Shift(staff=staff, client=client, unit=unit, start=a, end=b,
                 hours=(b - a).total_seconds() / 3600, on_call_hours=on_call)


def hand_schedule(start: str = "2027-02-01", days: int = 10, shifts: list[Shift] | None = None
                  ) -> Schedule:
    return Schedule(
        scenario="capacity-hand", horizon_start=start, horizon_days=days,
        timezone="Europe/Stockholm", created=datetime(2027, 1, 1, tzinfo=UTC),
        solve=SolveInfo(status="greedy", objective=None, best_bound=None, gap=None,
                        wall_seconds=0, time_limit_seconds=1, workers=1, seed=0),
        shifts=shifts if shifts is not None else [
            shift("A1", "C1", "U1", "2027-02-01T08:00+01:00", "2027-02-01T12:00+01:00"),  # 4
            # Jour all night: 8 h × 0.5 = 4 h of work.
            shift("A1", "C1", "U1", "2027-02-05T22:00+01:00", "2027-02-06T06:00+01:00", 8),
            # A unit shift across the week boundary: 4 h in W05, 2 h in W06.
            shift("A1", None, "U1", "2027-02-07T20:00+01:00", "2027-02-08T02:00+01:00"),
            shift("A2", "C2", "U2", "2027-02-03T09:00+01:00", "2027-02-03T17:00+01:00"),  # 8
            shift("T1", "C2", "U2", "2027-02-02T09:00+01:00", "2027-02-02T17:00+01:00"),  # 8
        ],
    )


def rows(report) -> dict[tuple[str, str], CapacityRow]:
    return {(r.scope, r.week): r for r in report.rows}


def check(row: CapacityRow, **expected: float | None) -> None:
    actual = {k: getattr(row, k) for k in expected}
    assert actual == pytest.approx(expected, abs=1e-3), (row.scope, row.week)


def test_hand_computed_case() -> None:
    scenario = Scenario.model_validate(HAND)
    placement = place(scenario)
    assert [(p.member, p.vacancy) for p in placement.placements] == [("T1", "V1")]
    report = capacity_report(scenario, hand_schedule(), placement)
    r = rows(report)
    assert [w for (scope, w) in r if scope == "U1"] == ["2027-W05", "2027-W06", "total"]

    # --- week 2027-W05 (7 days) ---
    # U1: contract 30; need 7 × 4 = 28 + Friday jour 8 × 0.5 = 4 → 32; scheduled 4 + 4 + 4 = 12.
    check(r["U1", "2027-W05"], contracted_hours=30, needed_hours=32, scheduled_hours=12,
          difference_hours=-2, overcapacity_hours=0, shortage_hours=2, not_needed_share=0,
          contracted_after_hours=30, overcapacity_after_hours=0, shortage_after_hours=2)
    # U2: contract 20 (A2; hourly H2 adds 0); need Mon–Wed 3 × 8 h × 2 = 48; scheduled 8 + 8.
    # After: T1's 40 h move in: 60 − 48 = 12 over, 12 / 60 = 0.2 not needed.
    check(r["U2", "2027-W05"], contracted_hours=20, needed_hours=48, scheduled_hours=16,
          difference_hours=-28, overcapacity_hours=0, shortage_hours=28,
          contracted_after_hours=60, difference_after_hours=12, overcapacity_after_hours=12,
          shortage_after_hours=0, not_needed_share_after=0.2)
    # OT: the team's 40 + 10 = 50, nothing needed: all of it is overcapacity; after, T2's 10.
    check(r["OT", "2027-W05"], contracted_hours=50, needed_hours=0, scheduled_hours=0,
          overcapacity_hours=50, not_needed_share=1, contracted_after_hours=10,
          overcapacity_after_hours=10, not_needed_share_after=1)
    # Department: 100 contracted, 80 needed, net +20; but overcapacity is summed per unit
    # (50 in OT) and so is the shortage (2 + 28 = 30): 50 / 100 = 0.5 not needed.
    # After: over 12 + 10 = 22, short 2, 22 / 100 = 0.22.
    check(r["department", "2027-W05"], contracted_hours=100, needed_hours=80,
          scheduled_hours=28, difference_hours=20, overcapacity_hours=50, shortage_hours=30,
          not_needed_share=0.5, contracted_after_hours=100, difference_after_hours=20,
          overcapacity_after_hours=22, shortage_after_hours=2, not_needed_share_after=0.22)

    # --- week 2027-W06 (Mon–Wed, 3 days: contracts × 3/7) ---
    # U1: 30 × 3/7 = 12.857; need 3 × 4 = 12 (no Friday); over 0.857, share 0.857/12.857 = 1/15.
    check(r["U1", "2027-W06"], contracted_hours=90 / 7, needed_hours=12, scheduled_hours=2,
          difference_hours=90 / 7 - 12, overcapacity_hours=90 / 7 - 12, not_needed_share=1 / 15)
    # U2: 20 × 3/7 = 8.571, nothing needed (the decision has ended): all over.
    # After: 60 × 3/7 = 25.714.
    check(r["U2", "2027-W06"], contracted_hours=60 / 7, needed_hours=0, overcapacity_hours=60 / 7,
          not_needed_share=1, contracted_after_hours=180 / 7, overcapacity_after_hours=180 / 7)
    # Department: 100 × 3/7 = 42.857 contracted, 12 needed, every unit over: 30.857 = net.
    check(r["department", "2027-W06"], contracted_hours=300 / 7, needed_hours=12,
          scheduled_hours=2, overcapacity_hours=300 / 7 - 12, shortage_hours=0,
          overcapacity_after_hours=300 / 7 - 12, not_needed_share=(300 / 7 - 12) / (300 / 7))

    # --- the horizon: weekly over- and shortages are summed, not netted ---
    # U1: contract 30 + 12.857 = 42.857, need 44, net −1.143, but W06 was 0.857 over, W05 2 short.
    check(r["U1", "total"], contracted_hours=300 / 7, needed_hours=44, scheduled_hours=14,
          difference_hours=300 / 7 - 44, overcapacity_hours=90 / 7 - 12, shortage_hours=2)
    # Department: 100 + 42.857 contracted, 92 needed; over 50 + 30.857; short 30 + 0.
    check(r["department", "total"], contracted_hours=1000 / 7, needed_hours=92,
          overcapacity_hours=50 + 300 / 7 - 12, shortage_hours=30,
          overcapacity_after_hours=22 + 300 / 7 - 12, shortage_after_hours=2)

    # --- the team as a pool: T1 worked 8 h of 40 × 10/7 = 57.143; T2 nothing of 14.286 ---
    usage = {u.member: u for u in report.team_usage}
    assert usage["T1"].work_hours == pytest.approx(8)
    assert usage["T1"].used_share == pytest.approx(8 / (400 / 7), abs=1e-4)
    assert usage["T2"].work_hours == 0 and usage["T2"].used_share == 0
    assert report.team_contract_hours == pytest.approx(500 / 7, abs=1e-3)
    assert report.team_work_hours == pytest.approx(8)
    assert report.team_used_share == pytest.approx(8 / (500 / 7), abs=1e-4)
    assert [(m.member, m.from_unit, m.to_unit) for m in report.moves] == [("T1", "OT", "U2")]


def test_absence_is_not_available_capacity() -> None:
    """The hand case with A1 (U1, 30 h) on leave Tue–Wed 2–3 February and T1 (OT, 40 h, placed
    in U2) sick on Monday 8 February."""
    data = json.loads(json.dumps(HAND))
    staff = {s["id"]: s for s in data["staff"]}
    staff["A1"]["absences"] = [{"start": "2027-02-02T00:00", "end": "2027-02-04T00:00"}]
    staff["T1"]["absences"] = [{"start": "2027-02-08T00:00", "end": "2027-02-09T00:00"}]
    scenario = Scenario.model_validate(data)
    # T1 works 4 h for C2 on Tuesday 2 February: a valid schedule (checked).
    schedule = hand_schedule(shifts=[
        shift("T1", "C2", "U2", "2027-02-02T09:00+01:00", "2027-02-02T13:00+01:00")])
    assert validator.check_schedule(scenario, schedule).ok
    report = capacity_report(scenario, schedule, place(scenario))
    r = rows(report)
    # U1, W05: 30 contracted, 30 × 2 / 7 = 8.571 absent, 21.429 available, 32 needed:
    # 10.571 short (2 without the leave).
    check(r["U1", "2027-W05"], contracted_hours=30, absence_hours=60 / 7,
          available_hours=150 / 7, needed_hours=32, difference_hours=150 / 7 - 32,
          overcapacity_hours=0, shortage_hours=32 - 150 / 7, available_after_hours=150 / 7)
    check(r["U1", "2027-W06"], absence_hours=0, available_hours=90 / 7)
    # OT, W06: (40 + 10) × 3 / 7 = 21.429 contracted, T1's Monday 40 / 7 = 5.714 absent: 15.714
    # available, none needed, all of it over (100 %). After, T1 and the absence are in U2:
    # 60 × 3 / 7 − 40 / 7 = 20 available there, all over; OT keeps T2's 10 × 3 / 7.
    check(r["OT", "2027-W06"], contracted_hours=150 / 7, absence_hours=40 / 7,
          available_hours=110 / 7, overcapacity_hours=110 / 7, not_needed_share=1,
          absence_after_hours=0, available_after_hours=30 / 7)
    check(r["U2", "2027-W06"], absence_hours=0, absence_after_hours=40 / 7,
          available_after_hours=20, overcapacity_after_hours=20)
    check(r["department", "total"], contracted_hours=1000 / 7, absence_hours=100 / 7,
          available_hours=900 / 7, absence_after_hours=100 / 7, available_after_hours=900 / 7)
    # The team's pool time: T1 has 40 × 10 / 7 = 57.143 h less 5.714 absent = 51.429 available,
    # of which 4 h worked; the team 500 / 7 − 40 / 7 = 65.714 available.
    usage = {u.member: u for u in report.team_usage}
    assert usage["T1"].absence_hours == pytest.approx(40 / 7, abs=1e-4)
    assert usage["T1"].used_share == pytest.approx(4 / (360 / 7), abs=1e-4)
    assert report.team_absence_hours == pytest.approx(40 / 7, abs=1e-4)
    assert report.team_used_share == pytest.approx(4 / (460 / 7), abs=1e-4)


def test_without_schedule_or_placement() -> None:
    scenario = Scenario.model_validate(HAND)
    report = capacity_report(scenario)
    assert not report.with_schedule and report.team_usage == [] and report.moves == []
    assert report.team_work_hours is None and report.team_used_share is None
    for r in report.rows:
        assert r.scheduled_hours is None
        assert r.contracted_after_hours == r.contracted_hours
        assert r.overcapacity_after_hours == r.overcapacity_hours


def test_jour_fraction_is_the_rules() -> None:
    data = json.loads(json.dumps(HAND))
    data["rules"] = {"on_call_work_fraction": 0.25}
    r = rows(capacity_report(Scenario.model_validate(data)))
    assert r["U1", "2027-W05"].needed_hours == pytest.approx(28 + 8 * 0.25)


@pytest.mark.parametrize(("schedule", "fragment"), [
    (hand_schedule(days=7), "made for the horizon 2027-02-01 + 7 days"),
    (hand_schedule(shifts=[shift("A1", None, "U5", "2027-02-01T08:00+01:00",
                                 "2027-02-01T12:00+01:00")]), "unknown unit 'U5'"),
    (hand_schedule(shifts=[shift("A1", "C7", "U1", "2027-02-01T08:00+01:00",
                                 "2027-02-01T12:00+01:00")]), "unknown client 'C7'"),
])
def test_schedule_that_does_not_fit(schedule: Schedule, fragment: str) -> None:
    with pytest.raises(InputError, match=re.escape(fragment)):
        capacity_report(Scenario.model_validate(HAND), schedule, schedule_source="s.json")


# --- the command -------------------------------------------------------------------------------


def test_cli_capacity(tmp_path: Path) -> None:
    scenario_path = tmp_path / "hand.yaml"
    scenario_path.write_text(json.dumps(HAND), encoding="utf-8")
    schedule_path = tmp_path / "schedule.json"
    schedule_path.write_text(hand_schedule().model_dump_json(), encoding="utf-8")
    out = tmp_path / "capacity.json"
    result = runner.invoke(app, ["capacity", str(scenario_path), str(schedule_path),
                                 "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "department" in result.stdout and "Team pool use" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["with_schedule"] and len(data["rows"]) == 4 * 3
    frame = pd.read_csv(tmp_path / "capacity.csv")
    dept = frame[(frame.scope == "department") & (frame.week == "2027-W05")].iloc[0]
    assert dept.overcapacity_hours == pytest.approx(50) and dept.shortage_hours == 30
    team = pd.read_csv(tmp_path / "capacity.team.csv")
    assert list(team.member) == ["T1", "T2"]


def test_cli_capacity_bad_schedule_exit_2(tmp_path: Path) -> None:
    scenario_path = tmp_path / "hand.yaml"
    scenario_path.write_text(json.dumps(HAND), encoding="utf-8")
    schedule_path = tmp_path / "week.json"
    schedule_path.write_text(hand_schedule(days=7).model_dump_json(), encoding="utf-8")
    result = runner.invoke(app, ["capacity", str(scenario_path), str(schedule_path)])
    assert result.exit_code == 2, result.output
    assert "week.json" in result.stderr and "made for the horizon" in result.stderr
    assert "Traceback" not in result.output


def test_cli_capacity_example_without_schedule(tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    result = runner.invoke(app, ["capacity", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    r = {(row["scope"], row["week"]): row for row in json.loads(out.read_text())["rows"]}
    # 364 h/week contracted, of which A11's sick leave (U1) takes 40 in week 1 and A21's (U2)
    # 40 in week 2: 324 available, 304 needed; 174 (the team) not needed: 54 % of the
    # available; short U1 78 + U2 48 + U3 28 = 154 (without the sick leave 114). After placing
    # four members (118 h/week) the team keeps 56 h and U2, U3 are 2 h over: 60 h, 19 %; U1 is
    # still short by A11's 40 h. Week 2: U2 is short by A21's 40 h less its 2 h: 38.
    week = r["department", "2027-W09"]
    assert (week["contracted_hours"], week["absence_hours"], week["available_hours"],
            week["needed_hours"], week["overcapacity_hours"], week["shortage_hours"]
            ) == (364, 40, 324, 304, 174, 154)
    assert (week["overcapacity_after_hours"], week["shortage_after_hours"]) == (60, 40)
    assert r["U1", "2027-W09"]["absence_hours"] == 40 and r["U2", "2027-W09"]["absence_hours"] == 0
    week = r["department", "2027-W10"]
    assert (week["overcapacity_after_hours"], week["shortage_after_hours"]) == (58, 38)
    assert r["U2", "2027-W10"]["absence_hours"] == 40
    assert not (tmp_path / "c.team.csv").exists()
    assert load_scenario(EXAMPLE).name == "overstaffing-team"


@pytest.mark.parametrize("path", ["scenarios/ktv_home.yaml", "scenarios/ktv_colocated.yaml",
                                  "scenarios/small_group.yaml"])
def test_needed_hours_are_the_one_need_definition(path: str) -> None:
    # With jour counted in full and every need inside a decision's period, the capacity
    # report's need is exactly the need every other report shows (group units included).
    scenario = load_scenario(path)
    scenario = scenario.model_copy(update={
        "rules": scenario.rules.model_copy(update={"on_call_work_fraction": 1.0})})
    grid = TimeGrid.from_horizon(scenario.horizon)
    needed = sum(float(v.sum()) for v in needed_work_slots(scenario, grid).values())
    assert needed * grid.slot_minutes / 60 == pytest.approx(need_person_hours(scenario, grid))
