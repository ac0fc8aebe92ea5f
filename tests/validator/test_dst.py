"""Daylight-saving weeks: all durations are elapsed real time, windows are local wall-clock."""

from __future__ import annotations

from datetime import date

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.validator import AUDITS, PENALTY_AUDITS, check_schedule, format_report

# (horizon Monday, the Saturday night's shift, its elapsed hours)
SPRING = (date(2027, 3, 22), ("2027-03-27T22:00", "2027-03-28T07:00"), 8.0)  # clocks 02→03
AUTUMN = (date(2027, 10, 25), ("2027-10-30T22:00", "2027-10-31T07:00"), 10.0)  # clocks 03→02
WEEKS = pytest.mark.parametrize("week", [SPRING, AUTUMN], ids=["spring", "autumn"])


def saturday_jour(monday: date, **rules: object) -> Scenario:
    c1 = kit.client("C1", windows=[kit.window("22:00", "07:00", on_call=True, days=["sat"])])
    return kit.scenario([c1], start=monday, rules=rules)


@WEEKS
def test_night_window_lasts_its_elapsed_hours(week: tuple) -> None:
    monday, (start, end), hours = week
    scn = saturday_jour(monday)
    empty = kit.schedule(scn, [])
    assert PENALTY_AUDITS["uncovered_need"](scn, empty) == pytest.approx(hours)
    night = kit.shift("A1", "C1", start, end, jour=hours)
    assert night.hours == hours  # the builder measures in UTC too
    report = check_schedule(scn, kit.schedule(scn, [night]))
    assert report.ok, format_report(report)
    assert report.notes == []  # jour hours of the shift recomputed as `hours`
    assert report.penalties["uncovered_need"] == 0


@WEEKS
def test_shift_length_is_elapsed_time(week: tuple) -> None:
    monday, (start, end), hours = week
    scn = saturday_jour(monday, max_shift_hours=9.5)
    found = AUDITS["shift_length"](scn, kit.schedule(scn, [kit.shift("A1", "C1", start, end)]))
    if hours > 9.5:
        assert [v.detail for v in found] == [
            "10.00 h is longer than the maximum 9.5 h (and no long-shift exception names this "
            "staff member and client)"]
    else:
        assert found == []


@WEEKS
def test_jour_cap_counts_elapsed_jour(week: tuple) -> None:
    # 9 h of jour per 4 weeks: the 8 h spring night fits, the 10 h autumn night does not.
    monday, (start, end), hours = week
    scn = saturday_jour(monday, max_on_call_hours_per_4_weeks=9)
    found = AUDITS["hour_caps"](scn, kit.schedule(scn, [kit.shift("A1", "C1", start, end)]))
    assert [v.detail for v in found] == (
        ["jour 10.00 h exceeds 9 h in the 4 weeks"] if hours > 9 else []
    )


@pytest.mark.parametrize(("monday", "hours"), [(SPRING[0], 167.0), (AUTUMN[0], 169.0)])
def test_round_the_clock_week_has_167_or_169_hours(
    monday: date, hours: float
) -> None:
    c1 = kit.client("C1", windows=[kit.window("00:00", "24:00")])
    scn = kit.scenario([c1], start=monday)
    assert PENALTY_AUDITS["uncovered_need"](scn, kit.schedule(scn, [])) == pytest.approx(hours)


@pytest.mark.parametrize(("monday", "hours"), [(SPRING[0], 0.0), (AUTUMN[0], 2.0)])
def test_wall_clock_hour_that_is_skipped_or_repeated(
    monday: date, hours: float
) -> None:
    # A Sunday 02:00–03:00 window never happens in spring and happens twice in autumn.
    c1 = kit.client("C1", windows=[kit.window("02:00", "03:00", days=["sun"])])
    scn = kit.scenario([c1], start=monday)
    assert PENALTY_AUDITS["uncovered_need"](scn, kit.schedule(scn, [])) == pytest.approx(hours)


def test_rest_across_the_spring_change_is_elapsed() -> None:
    # Sat 20:00 → Sun 07:00 looks like 11 h on the wall clock but is 10 h of real rest.
    scn = kit.scenario(start=SPRING[0])
    shifts = [
        kit.shift("A1", "C1", "2027-03-27T12:00", "2027-03-27T20:00"),
        kit.shift("A1", "C1", "2027-03-28T07:00", "2027-03-28T15:00"),
    ]
    found = AUDITS["daily_rest"](scn, kit.schedule(scn, shifts))
    assert [v.detail for v in found] == ["10.00 h between shifts, at least 11 h required"]
