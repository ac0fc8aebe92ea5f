"""The contract target: absences reduce the contract (÷ 7 per absent day, ÷ 5 per absent weekday
for staff who work weekdays only); every expected figure is worked out by hand in a comment."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from scheduler.domain.contract import absent_day_shares, contract_target
from scheduler.domain.loader import InputError, parse_model
from scheduler.domain.scenario import Scenario
from scheduler.domain.staff import Staff

SE = ZoneInfo("Europe/Stockholm")
MONDAY = date(2027, 2, 1)  # CET all month; 2027-03-28 is the spring change to CEST
WEEKDAYS_0717 = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "17:00"}]


def staff(weekly: float = 40, absences: list[tuple[str, str]] = (), **fields: Any) -> Staff:
    return Staff.model_validate({
        "id": "A01", "home_unit": "U1", "contract_hours_per_week": weekly,
        "absences": [{"start": a, "end": b} for a, b in absences], **fields,
    })


def test_no_absence_is_the_contract() -> None:
    # 40 h × 28 / 7 = 160 h = 9600 min.
    t = contract_target(staff(), MONDAY, 28, SE)
    assert (t.contract_minutes, t.absence_minutes, t.target_minutes) == (9600, 0, 9600)


def test_sick_the_whole_period_leaves_nothing_to_work() -> None:
    # 28 absent days: 40 × 28 / 7 = 160 h absent, target 0.
    t = contract_target(staff(absences=[("2027-01-20T00:00", "2027-03-10T00:00")]),
                        MONDAY, 28, SE)
    assert (t.absent_days, t.absence_hours, t.target_hours) == (28, 160, 0)


def test_a_week_of_vacation_takes_a_week_of_contract() -> None:
    # 7 days: 40 × 7 / 7 = 40 h; the target is 3 × 40 = 120 h.
    t = contract_target(staff(absences=[("2027-02-08T00:00", "2027-02-15T00:00")]),
                        MONDAY, 28, SE)
    assert (t.absent_days, t.absence_hours, t.target_hours) == (7, 40, 120)


def test_only_the_part_inside_the_period_counts() -> None:
    # Absent 29 Jan – 3 Feb: 1, 2 Feb are in the period (2 days: 30 × 2 / 7 h = 514.29 min).
    t = contract_target(staff(30, [("2027-01-29T00:00", "2027-02-03T00:00")]), MONDAY, 7, SE)
    assert t.absent_days == 2 and t.absence_minutes == 514


def test_a_saturday_counts_a_seventh_of_the_week() -> None:
    # 40 × 60 / 7 = 342.86 → 343 min.
    t = contract_target(staff(absences=[("2027-02-06T00:00", "2027-02-07T00:00")]),
                        MONDAY, 7, SE)
    assert t.absence_minutes == 343


def test_weekdays_only_an_absent_monday_is_a_fifth_of_the_week() -> None:
    # Monday off, whole date or the whole working day 07–17: 40 / 5 = 8 h.
    for absence in (("2027-02-01T00:00", "2027-02-02T00:00"),
                    ("2027-02-01T07:00", "2027-02-01T17:00")):
        s = staff(absences=[absence], works_weekdays_only=True, availability=WEEKDAYS_0717)
        t = contract_target(s, MONDAY, 7, SE)
        assert (t.absent_days, t.absence_hours, t.target_hours) == (1, 8, 32)
    # Without the flag the same Monday is a seventh: 40 × 60 / 7 = 342.86 → 343 min.
    s = staff(absences=[("2027-02-01T07:00", "2027-02-01T17:00")], availability=WEEKDAYS_0717)
    assert contract_target(s, MONDAY, 7, SE).absence_minutes == 343


def test_weekdays_only_weekend_absence_replaces_nothing() -> None:
    s = staff(absences=[("2027-02-06T00:00", "2027-02-08T00:00")], works_weekdays_only=True,
              availability=WEEKDAYS_0717)
    assert contract_target(s, MONDAY, 7, SE).absence_minutes == 0
    # A whole week (Mon–Sun): 5 weekdays × 8 h = the week's 40 h.
    s = staff(absences=[("2027-02-01T00:00", "2027-02-08T00:00")], works_weekdays_only=True,
              availability=WEEKDAYS_0717)
    t = contract_target(s, MONDAY, 7, SE)
    assert (t.absent_days, t.absence_hours, t.target_hours) == (5, 40, 0)


def test_weekdays_only_absence_never_exceeds_the_contract() -> None:
    # 10 days Mon 1 – Wed 10 Feb hold 8 weekdays: 8 × 8 h = 64 h, but the contract is only
    # 40 × 10 / 7 = 57.14 h (3429 min): all of it is absence, the target is 0.
    s = staff(absences=[("2027-02-01T00:00", "2027-02-11T00:00")], works_weekdays_only=True,
              availability=WEEKDAYS_0717)
    t = contract_target(s, MONDAY, 10, SE)
    assert t.absent_days == 8
    assert (t.contract_minutes, t.absence_minutes, t.target_minutes) == (3429, 3429, 0)


def test_partial_days_count_pro_rata_of_the_working_day() -> None:
    # Available around the clock: 12 h of 24 is half a day, 40 × 0.5 / 7 h = 171.43 → 171 min.
    t = contract_target(staff(absences=[("2027-02-02T06:00", "2027-02-02T18:00")]),
                        MONDAY, 7, SE)
    assert t.absent_days == 0.5 and t.absence_minutes == 171
    # Weekdays 07–17: 07–12 is half the working day, 8 h / 2 = 4 h.
    s = staff(absences=[("2027-02-02T07:00", "2027-02-02T12:00")], works_weekdays_only=True,
              availability=WEEKDAYS_0717)
    assert contract_target(s, MONDAY, 7, SE).absence_hours == 4
    # Off from Monday 17:00 to Wednesday 07:00: only Tuesday's working day is absent.
    s = staff(absences=[("2027-02-01T17:00", "2027-02-03T07:00")],
              availability=[{"start": "07:00", "end": "17:00"}])
    assert absent_day_shares(s, MONDAY, 4, SE) == [0, 1, 0, 0]


def test_a_night_window_belongs_partly_to_the_next_date() -> None:
    # Nights 22–07: Sunday 28 March 2027 (spring change, 02–03 does not exist) holds 00–07 of
    # Saturday's window (6 h elapsed) and 22–24 of its own (2 h). Absent 00–12 on Sunday covers
    # 6 of those 8 h: ¾. A day without working time counts by its clock: none here.
    s = staff(availability=[{"start": "22:00", "end": "07:00"}],
              absences=[("2027-03-28T00:00", "2027-03-28T12:00")])
    assert absent_day_shares(s, date(2027, 3, 27), 3, SE) == [0, 0.75, 0]


def test_a_short_dst_day_absent_whole_is_one_day() -> None:
    s = staff(absences=[("2027-03-28T00:00", "2027-03-29T00:00")])
    assert absent_day_shares(s, date(2027, 3, 28), 1, SE) == [1]


def test_outside_working_time_the_whole_date_is_the_measure() -> None:
    # Available Mon–Fri 07–17 (not flagged weekdays-only): Saturday has no working time, so an
    # absence 00–12 covers half of the date.
    s = staff(availability=WEEKDAYS_0717, absences=[("2027-02-06T00:00", "2027-02-06T12:00")])
    assert absent_day_shares(s, MONDAY, 7, SE)[5] == 0.5


def test_hourly_staff_have_no_contract_to_reduce() -> None:
    s = staff(0, [("2027-02-01T00:00", "2027-02-08T00:00")], employment="hourly")
    t = contract_target(s, MONDAY, 7, SE)
    assert (t.contract_minutes, t.absence_minutes) == (0, 0)


BASE = yaml.safe_load("""
name: weekdays
horizon: {start: 2027-02-01, days: 7}
units: [{id: U1}]
clients: []
staff:
  - {id: A01, home_unit: U1, contract_hours_per_week: 40, works_weekdays_only: true}
""")


@pytest.mark.parametrize(("availability", "expected"), [
    (None, "staff[A01].works_weekdays_only: needs availability windows"),
    ([{"days": ["fri", "sat"], "start": "08:00", "end": "16:00"}],
     "staff[A01].works_weekdays_only: availability 08:00–16:00 includes sat"),
    ([{"days": ["fri"], "start": "22:00", "end": "06:00"}],
     "staff[A01].works_weekdays_only: availability 22:00–06:00 on fri runs into Saturday"),
])
def test_weekdays_only_needs_weekday_availability(availability: list[dict[str, Any]] | None,
                                                  expected: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    if availability is not None:
        data["staff"][0]["availability"] = availability
    with pytest.raises(InputError) as error:
        parse_model(Scenario, data, "x.yaml")
    assert expected in str(error.value), str(error.value)


def test_weekdays_only_with_weekday_availability_is_accepted() -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["staff"][0]["availability"] = WEEKDAYS_0717
    assert parse_model(Scenario, data, "x.yaml").staff[0].works_weekdays_only
