"""Rules across consecutive plans (issue: continuous planning, findings 1–4): the validator
reads what was worked before the horizon, checks every calendar week that touches it, splits
work where it is worked and holds "per 4 weeks" caps per 4 weeks from a stated start."""

from __future__ import annotations

from typing import Any

import builders as kit
from scheduler.domain.history import History, StaffHistory, WorkedShift
from scheduler.domain.scenario import Scenario
from scheduler.validator import AUDITS


def _with_history(scn: Scenario, shifts: dict[str, list[tuple[str, str]]],
                  since: str = "2026-12-01T00:00", **fields: Any) -> Scenario:
    history = History(since=since, staff=[
        StaffHistory(staff=sid, shifts=[WorkedShift(start=a, end=b, **fields) for a, b in spans])
        for sid, spans in shifts.items()])
    return scn.model_copy(update={"history": history})


def test_daily_rest_runs_from_the_last_shift_before_the_horizon() -> None:
    scn = kit.scenario()  # horizon from Monday 2027-01-04
    early = kit.shift("A1", "C1", "2027-01-04T05:00", "2027-01-04T13:00")
    assert AUDITS["daily_rest"](scn, kit.schedule(scn, [early])) == []
    scn = _with_history(scn, {"A1": [("2027-01-03T14:00", "2027-01-03T22:00")]})
    found = AUDITS["daily_rest"](scn, kit.schedule(scn, [early]))
    assert [(v.who, v.detail) for v in found] == [
        ("A1", "7.00 h between shifts, at least 11 h required")]
    # Another staff member's history does not bind A1.
    other = _with_history(kit.scenario(), {"A2": [("2027-01-03T14:00", "2027-01-03T22:00")]})
    assert AUDITS["daily_rest"](other, kit.schedule(other, [early])) == []


def test_the_last_partial_week_is_checked() -> None:
    # A 13-day horizon from a Monday: twelve days in a row, Tuesday to the next Saturday.
    scn = kit.scenario(days=13)
    days = [kit.shift("A1", "C1", f"2027-01-{d:02d}T13:00", f"2027-01-{d:02d}T17:00")
            for d in range(5, 17)]
    found = AUDITS["weekly_rest"](scn, kit.schedule(scn, days))
    # Week 1 has Monday free (37 h from its start to Tuesday 13:00); week 2 (partial, Sunday
    # after the horizon counted free) has at most Saturday 17:00 → Monday 00:00 = 31 h (the
    # weekly rest may include the daily rest by default).
    assert [(v.when, v.detail) for v in found] == [
        ("2027-01-11 00:00–2027-01-18 00:00",
         "longest continuous rest 31.00 h, at least 36 h required")]


def test_the_first_partial_week_counts_the_history() -> None:
    # The horizon starts on a Thursday; Monday–Wednesday were worked (history).
    scn = kit.scenario(start=kit.MONDAY.replace(day=7), days=7)
    shifts = [kit.shift("A1", "C1", f"2027-01-{d:02d}T13:00", f"2027-01-{d:02d}T17:00")
              for d in (7, 8, 9)]
    assert AUDITS["weekly_rest"](scn, kit.schedule(scn, shifts)) == []
    worked = _with_history(scn, {"A1": [(f"2027-01-0{d}T13:00", f"2027-01-0{d}T17:00")
                                        for d in (4, 5, 6)]})
    found = AUDITS["weekly_rest"](worked, kit.schedule(worked, shifts))
    assert [v.when for v in found] == ["2027-01-04 00:00–2027-01-11 00:00"]


def test_per_four_weeks_caps_are_not_pro_rated_over_a_longer_period() -> None:
    # 8-week limiting periods from 2027-01-04 (a Monday); 90 h of jour in weeks 1–4 breaks the
    # 48 h per 4 weeks although it is within 96 h per 8 weeks.
    scn = kit.scenario(days=28, rules={"limiting_period_weeks": 8, "period_start": kit.MONDAY})
    nights = [kit.shift("A1", "C1", f"2027-01-{d:02d}T22:00", f"2027-01-{d + 1:02d}T07:00",
                        jour=9) for d in range(4, 24, 2)]  # 10 nights × 9 h
    found = AUDITS["hour_caps"](scn, kit.schedule(scn, nights))
    assert [v.detail for v in found] == ["jour 90.00 h exceeds 48 h in the 4 weeks"]


def test_history_hours_count_in_the_4_week_window() -> None:
    scn = kit.scenario(days=7, rules={"max_on_call_hours_per_4_weeks": 20})
    night = kit.shift("A1", "C1", "2027-01-04T22:00", "2027-01-05T07:00", jour=9)
    assert AUDITS["hour_caps"](scn, kit.schedule(scn, [night])) == []
    # 2024-01-01 + 157 weeks: the 4-week window holding the horizon began 2026-12-28.
    worked = _with_history(scn, {"A1": [("2026-12-29T22:00", "2026-12-30T07:00")]},
                           on_call_hours=9)
    assert AUDITS["hour_caps"](worked, kit.schedule(worked, [night])) == []  # 18 h
    worked = _with_history(scn, {"A1": [("2026-12-29T22:00", "2026-12-30T07:00"),
                                        ("2026-12-31T22:00", "2027-01-01T07:00")]},
                           on_call_hours=9)
    found = AUDITS["hour_caps"](worked, kit.schedule(worked, [night]))
    assert [v.detail for v in found] == ["jour 27.00 h exceeds 20 h in the 4 weeks"]
