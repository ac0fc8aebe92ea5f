"""Personal assistance: nobody works more than 5 h in a row; the assistant cannot leave, so a
paid meal pause must be recorded (DOMAIN.md, breaks). Sleeping jour interrupts work too."""

from __future__ import annotations

import builders as kit
from scheduler.validator import check_schedule, format_report


def _case(*, meal_pauses: bool, start: str, end: str, jour: float = 0):
    scn = kit.scenario(clients=[kit.client()], staff=kit.team("A1", "A2", "A3"))
    shifts = [kit.shift("A1", "C1", start, end, jour=jour, meal_pauses=meal_pauses)]
    return scn, kit.schedule(scn, shifts)


def test_a_long_day_without_a_meal_pause_is_reported() -> None:
    scn, sched = _case(meal_pauses=False, start="2027-01-04T07:00", end="2027-01-04T15:00")
    report = check_schedule(scn, sched)
    assert {v.rule for v in report.violations} == {"breaks"}, format_report(report)
    assert "meal pause" in report.violations[0].detail


def test_the_same_day_with_meal_pauses_passes() -> None:
    scn, sched = _case(meal_pauses=True, start="2027-01-04T07:00", end="2027-01-04T15:00")
    assert check_schedule(scn, sched).ok


def test_five_hours_or_less_needs_no_pause() -> None:
    scn, sched = _case(meal_pauses=False, start="2027-01-04T07:00", end="2027-01-04T12:00")
    assert check_schedule(scn, sched).ok


def test_sleeping_jour_interrupts_work() -> None:
    # 22–07 is all jour in the default need: no awake run of more than 5 h, no pause needed.
    scn, sched = _case(meal_pauses=False, start="2027-01-04T22:00",
                       end="2027-01-05T07:00", jour=9)
    assert check_schedule(scn, sched).ok, format_report(check_schedule(scn, sched))
