"""Pinned shifts: the engine (full model and neighbourhood search) and the greedy baseline keep
every pin exactly; a pin breaking a rule alone or with the others stops the plan with an error
naming it; the validator flags a schedule without a pin; the scenario cross-checks pins."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from builders import assistance_week, local, schedule, shift, staff
from scheduler import validator
from scheduler.domain.scenario import Scenario
from scheduler.planning.pins import PinError, check_pins
from scheduler.planning.pipeline import plan
from scheduler.solver.baseline import plan_greedy
from scheduler.solver.engine import solve
from scheduler.solver.pinning import PinsInfeasible

# Off the 2-hour shift grid and shorter than the day's 8 h of need: no candidate shift of its own.
PIN = {"staff": "A3", "client": "C1", "start": "2027-02-02T09:00", "end": "2027-02-02T13:00",
       "reason": "covers A1, sick"}
NIGHT_OWL = {"staff": "A2", "client": "C1", "start": "2027-02-04T08:00",
             "end": "2027-02-04T16:00"}


def pinned(*pins: dict[str, Any], lns: bool = False, **week: Any) -> Scenario:
    sc = assistance_week(time_limit=3, **week)
    data = sc.model_dump(mode="json")
    data["pinned_shifts"] = list(pins)
    if lns:
        data["solver"]["full_model_max_assignments"] = 0
    return Scenario.model_validate(data)


def kept(result, pin: dict[str, Any]) -> bool:
    return sum(s.staff == pin["staff"] and s.client == pin["client"]
               and s.start == local(pin["start"]) and s.end == local(pin["end"])
               for s in result.shifts) == 1


@pytest.mark.parametrize("lns", [False, True], ids=["full model", "neighbourhood search"])
def test_the_engine_keeps_every_pin_exactly(lns, solve_checked):
    sc = pinned(PIN, NIGHT_OWL, lns=lns)
    result = solve_checked(sc)
    assert kept(result, PIN) and kept(result, NIGHT_OWL)
    # Around the pin, the rest of Tuesday's need is planned (09–13 taken, 13–16 staffed).
    tuesday = [s for s in result.shifts if s.start.date() == date(2027, 2, 2)]
    assert any(s.start == local("2027-02-02T13:00") for s in tuesday), tuesday


def test_the_greedy_baseline_plans_around_the_pins():
    sc = pinned(PIN, NIGHT_OWL)
    result = plan_greedy(sc)
    assert kept(result, PIN) and kept(result, NIGHT_OWL)
    report = validator.check_schedule(sc, result)
    assert report.ok, validator.format_report(report)
    # The pinned need is staffed once: nobody else works for C1 during the pins.
    for pin in (PIN, NIGHT_OWL):
        a, b = local(pin["start"]), local(pin["end"])
        assert [s.staff for s in result.shifts if s.start < b and a < s.end] == [pin["staff"]]


def test_a_pin_breaking_a_rule_alone_is_named_with_the_rule():
    absent = staff("A3", absences=[{"start": "2027-02-02T00:00", "end": "2027-02-03T00:00"}])
    sc = pinned(PIN, staff=[staff("A1"), staff("A2"), absent])
    with pytest.raises(PinError) as caught:
        plan(sc)
    message = str(caught.value)
    assert "A3 at C1 2027-02-02 09:00–13:00" in message
    assert "availability" in message


def test_two_pins_that_cannot_both_be_kept_are_reported():
    early = {"staff": "A1", "client": "C1", "start": "2027-02-03T08:00",
             "end": "2027-02-03T12:00"}
    late = {"staff": "A1", "client": "C1", "start": "2027-02-03T20:00",
            "end": "2027-02-03T23:00"}
    sc = pinned(early, late, windows=[{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                       "start": "08:00", "end": "23:00", "staff": 1}])
    with pytest.raises(PinError) as caught:
        check_pins(sc)
    message = str(caught.value)
    assert "cannot be kept together" in message and "daily_rest" in message
    assert "A1 at C1 2027-02-03 08:00–12:00" in message
    assert "A1 at C1 2027-02-03 20:00–23:00" in message
    # The engine alone (no check before) does not drop them either: it stops and names them.
    with pytest.raises(PinsInfeasible) as stopped:
        solve(sc, time_limit=2)
    assert set(stopped.value.pins) == {"A1 at C1 2027-02-03 08:00–12:00",
                                       "A1 at C1 2027-02-03 20:00–23:00"}


def test_the_validator_flags_a_schedule_without_a_pin():
    sc = pinned(PIN)
    moved = schedule(sc, [shift("A3", "C1", "2027-02-02T08:00", "2027-02-02T13:00")])
    report = validator.check_schedule(sc, moved)
    assert [v.rule for v in report.violations] == ["pinned_shifts"], validator.format_report(report)
    assert "A3@C1" in report.violations[0].who
    right = schedule(sc, [shift("A3", "C1", "2027-02-02T09:00", "2027-02-02T13:00")])
    assert validator.check_schedule(sc, right).ok


@pytest.mark.parametrize(("change", "fragment"), [
    ({"staff": "Z9"}, "unknown staff 'Z9'"),
    ({"client": "C9"}, "unknown client 'C9'"),
    ({"client": None, "unit": "U9"}, "unknown unit 'U9'"),
    ({"client": None, "unit": "U1"}, "has no shifts of its own"),
    ({"start": "2027-02-02T09:10"}, "off the 15-minute slot grid"),
    ({"start": "2027-01-31T22:00"}, "outside the horizon"),
    ({"end": "2027-02-02T08:00"}, "before or when it starts"),
])
def test_the_scenario_checks_pins(change, fragment):
    with pytest.raises(ValidationError, match=fragment):
        pinned({**PIN, **change})


def test_a_staff_members_overlapping_pins_are_an_error():
    with pytest.raises(ValidationError, match="the staff member's shifts overlap"):
        pinned(PIN, {**PIN, "start": "2027-02-02T12:00", "end": "2027-02-02T16:00"})
