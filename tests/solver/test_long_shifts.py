"""Shifts over 13 h only with a recorded exception naming the staff member and the client
(issue: continuous planning, finding 8), followed by rest at least as long as the shift."""

from __future__ import annotations

from typing import Any

import pytest

import builders as kit
from scheduler.domain.loader import InputError, parse_model
from scheduler.domain.scenario import Scenario
from scheduler.validator import AUDITS

EXCEPTION = {"id": "LS-2027-3", "approved_by": "head of department", "max_hours": 16,
             "staff": ["A1"], "clients": ["C1"]}


def _scenario(exceptions: list[dict[str, Any]], approved: tuple[str, ...] = ("A1", "A2")
              ) -> Scenario:
    # A week with need on Monday 08–24 only (16 h); continuity (few assistants per client)
    # favours one shift where the rules allow it.
    need = [kit.window("08:00", "24:00", days=["mon"])]
    return kit.scenario(
        [kit.client("C1", windows=need, approved=approved)], kit.team("A1", "A2"),
        rules={"long_shift_exceptions": exceptions}, solver={"time_limit_seconds": 10})


def test_without_an_exception_no_shift_is_longer_than_13_hours(solve_checked) -> None:
    schedule = solve_checked(_scenario([]))
    assert max(s.hours for s in schedule.shifts) <= 13
    assert len({s.staff for s in schedule.shifts}) == 2


def test_the_exception_allows_one_long_shift_for_the_named_staff_member(solve_checked) -> None:
    schedule = solve_checked(_scenario([EXCEPTION]))
    assert [(s.staff, s.hours) for s in schedule.shifts] == [("A1", 16)]


def test_the_exception_does_not_extend_to_staff_it_does_not_name(solve_checked) -> None:
    # Only A2 is approved by the client: the exception names A1, so A2 works one shift of at
    # most 13 h and at least 3 h stay uncovered.
    schedule = solve_checked(_scenario([EXCEPTION], approved=("A2",)))
    assert [s.staff for s in schedule.shifts] == ["A2"]
    assert schedule.shifts[0].hours <= 13
    assert sum(u.missing * (u.end - u.start).total_seconds() / 3600
               for u in schedule.uncovered) >= 3


def test_the_validator_reports_a_long_shift_outside_the_exception() -> None:
    scenario = _scenario([EXCEPTION])
    long_a2 = kit.shift("A2", "C1", "2027-01-04T08:00", "2027-01-05T00:00")
    found = AUDITS["shift_length"](scenario, kit.schedule(scenario, [long_a2]))
    assert [v.detail for v in found] == [
        "16.00 h is longer than the maximum 13 h (and no long-shift exception names this staff "
        "member and client)"]
    long_a1 = long_a2.model_copy(update={"staff": "A1"})
    assert AUDITS["shift_length"](scenario, kit.schedule(scenario, [long_a1])) == []


@pytest.mark.parametrize("change, expected", [
    ({"staff": ["A9"]}, "rules.long_shift_exceptions[LS-2027-3].staff: unknown staff 'A9'"),
    ({"clients": ["C9"]}, "rules.long_shift_exceptions[LS-2027-3].clients: unknown client 'C9'"),
    ({"max_hours": 22}, "decision_reference"),
    ({"approved_by": ""}, "approved_by"),
])
def test_an_exception_names_known_people_and_who_approved_it(change: dict[str, Any],
                                                            expected: str) -> None:
    data = kit.scenario_data([kit.client("C1")], kit.team("A1"), days=1,
                             rules={"long_shift_exceptions": [{**EXCEPTION, **change}]})
    with pytest.raises(InputError) as error:
        parse_model(Scenario, data, "x.yaml")
    assert expected in str(error.value)
