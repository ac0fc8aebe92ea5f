"""Nobody works more than 5 h in a row in any kind of unit, and a pause counts only if it is a
real pause (at least the unit's break length) — issue: continuous planning, finding 9."""

from __future__ import annotations

from datetime import timedelta

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Break, Shift
from scheduler.validator import AUDITS, check_schedule, format_report


def _group_scenario(kind: str, allowed: bool | None) -> Scenario:
    breaks = {} if allowed is None else {"allowed": allowed}
    return Scenario.model_validate({
        "name": "pauses",
        "horizon": {"start": "2027-01-04", "days": 2, "slot_minutes": 15},
        "units": [{"id": "G1", "kind": kind, "breaks": breaks,
                   "density": {"min_staff": 1, "min_staff_when_empty": 1}}],
        "clients": [],
        "staff": [{"id": "A1", "home_unit": "G1", "contract_hours_per_week": 40}],
    })


def _group_shift(pauses: list[tuple[str, str]], *, paid: bool = True
                 ) -> Shift:
    shift = kit.shift("A1", None, "2027-01-04T07:00", "2027-01-04T19:00", unit="G1")
    return shift.model_copy(update={"breaks": [
        Break(start=kit.local(a), end=kit.local(b), paid=paid) for a, b in pauses]})


@pytest.mark.parametrize("kind, allowed", [
    ("after_school_supervision", None),  # no unpaid breaks there by default
    ("short_term_stay", False),  # a KTV that does not allow breaks away from work
])
def test_a_twelve_hour_group_shift_without_any_pause_is_reported(kind: str,
                                                                allowed: bool | None) -> None:
    scn = _group_scenario(kind, allowed)
    found = AUDITS["breaks"](scn, kit.schedule(scn, [_group_shift([])]))
    assert found and "without a paid meal pause" in found[0].detail, found


def test_the_same_shift_with_meal_pauses_every_five_hours_passes() -> None:
    scn = _group_scenario("after_school_supervision", None)
    shift = _group_shift([("2027-01-04T11:30", "2027-01-04T12:00"),
                               ("2027-01-04T16:30", "2027-01-04T17:00")])
    assert AUDITS["breaks"](scn, kit.schedule(scn, [shift])) == []


def test_one_minute_meal_pauses_do_not_count() -> None:
    scn = kit.scenario(clients=[kit.client()], staff=kit.team("A1", "A2", "A3"))
    shift = kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T20:00", meal_pauses=False)
    start = kit.local("2027-01-04T07:00")
    shift = shift.model_copy(update={"breaks": [
        Break(start=start + timedelta(hours=h), end=start + timedelta(hours=h, minutes=1),
              paid=True) for h in (4.5, 9)]})
    report = check_schedule(scn, kit.schedule(scn, [shift]))
    details = [v.detail for v in report.violations if v.rule == "breaks"]
    assert any("shorter than 30 min" in d for d in details), format_report(report)


def test_meal_pauses_of_the_break_length_pass() -> None:
    scn = kit.scenario(clients=[kit.client()], staff=kit.team("A1", "A2", "A3"))
    shift = kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T20:00", meal_pauses=True)
    assert AUDITS["breaks"](scn, kit.schedule(scn, [shift])) == []
