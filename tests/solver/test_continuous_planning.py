"""Plans that follow each other without seams (issue: continuous planning, findings 1–4), on the
solver's side: the engine and the greedy baseline rest after the history's last shift, keep the
weekly rest in every calendar week (partial ones too), split work where it is worked, hold the
caps "per 4 weeks" per 4 weeks, and two plans in a row, the second with the first as history,
join into one schedule the validator passes over the whole span.

Every schedule here is re-checked by the independent validator (``solve_checked``, ``greedy``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

import pytest

import builders as kit
from checked import checked_greedy
from scheduler import validator
from scheduler.domain.history import History, StaffHistory, WorkedShift, history_from_schedule
from scheduler.domain.loader import InputError, parse_model
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.solver.baseline import plan_greedy

Planner = Callable[[Scenario], Schedule]
HOURLY_UNIT = [kit.unit("U1", breaks={"length_minutes": 60})]  # meal pauses in whole slots


# The greedy baseline's schedule, passed by the validator (as the engine's hint must be).
greedy = checked_greedy


@pytest.fixture(params=["engine", "greedy"])
def plan(request: pytest.FixtureRequest, solve_checked: Planner) -> Planner:
    return solve_checked if request.param == "engine" else greedy


def only_a1(*windows: dict[str, Any], exceptions: tuple[dict[str, Any], ...] = (),
            **fields: Any) -> Scenario:
    """Client C1 with these need windows (and dated ``exceptions``) and A1 (full time) its only
    assistant, on 60-minute slots and an hourly shift grid; ``fields``: the scenario's (days,
    rules, history, ...)."""
    c1 = kit.client("C1", windows=windows, exceptions=exceptions, approved=("A1",),
                    competences=())
    return kit.scenario([c1], [kit.staff("A1")], slot_minutes=60, units=HOURLY_UNIT,
                        shifts={"start_step_minutes": 60},
                        solver={"time_limit_seconds": 10, "workers": 2}, **fields)


def worked(*spans: tuple[str, str], since: str = "2026-12-01T00:00",
           **fields: Any) -> dict[str, Any]:
    """A1's history: shifts (start, end) in local time."""
    return {"since": since, "staff": [{"staff": "A1", "shifts": [
        {"start": a, "end": b, **fields} for a, b in spans]}]}


def local(moment: datetime) -> datetime:
    return moment.astimezone(kit.TZ).replace(tzinfo=None)


def test_no_shift_before_the_rest_after_the_history_s_last_shift(plan: Planner) -> None:
    # A1 worked Sunday until 22:00: 11 h of daily rest, so Monday's need from 07:00 can be
    # staffed from 09:00 only (A1 is the only assistant); Tuesday from 07:00.
    sc = only_a1(kit.window("07:00", "15:00"), days=2,
                 history=worked(("2027-01-03T14:00", "2027-01-03T22:00")))
    result = plan(sc)
    starts = sorted(local(s.start) for s in result.shifts if s.staff == "A1")
    assert starts == [datetime(2027, 1, 4, 9, 0), datetime(2027, 1, 5, 7, 0)]
    # Without the history Monday starts at 07:00: the history is what moved it.
    without = plan(only_a1(kit.window("07:00", "15:00"), days=2))
    assert min(local(s.start) for s in without.shifts) == datetime(2027, 1, 4, 7, 0)


def test_a_long_last_shift_is_followed_by_rest_as_long_as_itself(plan: Planner) -> None:
    # A 16-hour shift (an exception up to 20 h) ending Sunday 23:00: 16 h of rest, so Monday
    # from 15:00.
    rules = {"max_shift_hours": 20, "long_shift_hours": 13,
             "agreement_reference": "Exception 2027:3, head of department"}
    sc = only_a1(kit.window("07:00", "19:00"), days=2, rules=rules,
                 history=worked(("2027-01-03T07:00", "2027-01-03T23:00")))
    result = plan(sc)
    assert min(local(s.start) for s in result.shifts) == datetime(2027, 1, 4, 15, 0)


def test_the_last_partial_week_keeps_its_weekly_rest(plan: Planner) -> None:
    # 13 days from a Monday, need 13–17 every day, one assistant: the second week is partial
    # (its Sunday lies after the horizon, free), yet 36 h of rest must fit in it, so A1 cannot
    # work Monday to Saturday: never twelve days in a row.
    sc = only_a1(kit.window("13:00", "17:00"), days=13)
    result = plan(sc)
    days = sorted({local(s.start).date() for s in result.shifts})
    longest = run = 1
    for a, b in pairwise(days):
        run = run + 1 if (b - a).days == 1 else 1
        longest = max(longest, run)
    assert longest < 12
    second_week = [d for d in days if d >= date(2027, 1, 11)]
    assert len(second_week) <= 5  # 6 days in the horizon, one of them (at least) free


def test_the_first_partial_week_counts_the_history(plan: Planner) -> None:
    # The horizon starts on a Thursday; A1 worked Monday to Wednesday of that week 13–17. The
    # week's 36 h of rest cannot lie before Thursday, so A1 keeps a day free by Sunday.
    sc = only_a1(kit.window("13:00", "17:00"), start=date(2027, 1, 7), days=4,
                 history=worked(*[(f"2027-01-0{d}T13:00", f"2027-01-0{d}T17:00")
                                  for d in (4, 5, 6)]))
    result = plan(sc)
    assert len({local(s.start).date() for s in result.shifts}) <= 3
    free = plan(only_a1(kit.window("13:00", "17:00"), start=date(2027, 1, 7), days=4))
    assert len({local(s.start).date() for s in free.shifts}) == 4


def test_a_night_across_the_week_boundary_counts_where_it_is_worked(plan: Planner) -> None:
    # 1-week limiting periods with at most 10 h of presence each. Saturday 08–16 (8 h), the
    # night Sunday 22:00 → Monday 06:00 (2 h in week 1, 6 h in week 2), Tuesday 08–12 (4 h):
    # 10 h in each week, so A1 staffs all of it. Counted wholly in the week it starts, the night
    # would make week 1 16 h; wholly in the next, week 2 12 h.
    need = (kit.need_exception("2027-01-09T08:00", "2027-01-09T16:00", 1),
            kit.need_exception("2027-01-10T22:00", "2027-01-11T06:00", 1),
            kit.need_exception("2027-01-12T08:00", "2027-01-12T12:00", 1))
    sc = only_a1(exceptions=need, days=14,
                 rules={"limiting_period_weeks": 1, "max_average_hours_per_week": 10})
    result = plan(sc)
    assert sum(s.hours for s in result.shifts) == pytest.approx(8 + 8 + 4)
    by_start = {local(s.start): local(s.end) for s in result.shifts}
    assert by_start[datetime(2027, 1, 10, 22, 0)] == datetime(2027, 1, 11, 6, 0)
    assert next(p.raw for p in result.penalties if p.rule == "uncovered_need") == 0


def test_jour_per_4_weeks_is_not_pro_rated_over_a_longer_limiting_period(plan: Planner) -> None:
    # 8-week limiting periods and 4-week windows from the horizon's Monday; jour every night of
    # weeks 1–4 only (the decision's period), one assistant: 48 h of jour in those 4 weeks,
    # not the 96 h the 8 weeks would allow pro rata.
    c1 = kit.client("C1", windows=[kit.window("22:00", "07:00", on_call=True)],
                    decisions=[kit.decision("D1", "2027-01-04", "2027-01-31", 200)],
                    approved=("A1",), competences=())
    sc = kit.scenario([c1], [kit.staff("A1")], days=56, slot_minutes=60, units=HOURLY_UNIT,
                      rules={"limiting_period_weeks": 8, "period_start": "2027-01-04"},
                      solver={"time_limit_seconds": 10, "workers": 2})
    result = plan(sc)
    jour = sum(s.on_call_hours for s in result.shifts)
    assert all(local(s.end) <= datetime(2027, 2, 1) for s in result.shifts)
    assert 40 < jour <= 48 + 1e-9


def test_history_hours_count_in_the_caps(plan: Planner) -> None:
    # The 4-week window from 28 December 2026 (from period_start 2024-01-01) holds 40 h of
    # jour the history worked: 8 h are left for the horizon's week.
    nights = [(f"2026-12-{d}T22:00", f"2026-12-{d + 1}T07:00") for d in (28, 29, 30)]
    nights += [("2026-12-31T22:00", "2027-01-01T07:00"), ("2027-01-01T22:00", "2027-01-02T06:00")]
    sc = only_a1(kit.window("22:00", "07:00", on_call=True),
                 history=worked(*nights, since="2026-12-28T00:00", on_call_hours=8))
    result = plan(sc)
    assert sum(s.on_call_hours for s in result.shifts) <= 8 + 1e-9
    assert sum(s.on_call_hours for s in result.shifts) >= 3  # it does use what is left


def test_history_totals_count_in_the_caps(plan: Planner) -> None:
    # The same 40 h of jour, known only as a total from the time reports (no shifts): they
    # count in the 4-week window from 28 December 2026, so 8 h are left for the horizon's week.
    total = {"start": "2026-12-28T00:00", "end": "2027-01-02T07:00", "presence_hours": 40,
             "on_call_hours": 40}
    history = {"since": "2027-01-02T07:00", "staff": [{"staff": "A1", "totals": [total]}]}
    sc = only_a1(kit.window("22:00", "07:00", on_call=True), history=history)
    result = plan(sc)
    assert 3 <= sum(s.on_call_hours for s in result.shifts) <= 8 + 1e-9
    # Without the total, the week's seven nights are within the cap.
    free = plan(only_a1(kit.window("22:00", "07:00", on_call=True)))
    assert sum(s.on_call_hours for s in free.shifts) > 8


def test_a_total_is_counted_by_the_validator_too() -> None:
    sc = only_a1(kit.window("22:00", "07:00", on_call=True), history={
        "since": "2027-01-02T07:00", "staff": [{"staff": "A1", "totals": [
            {"start": "2026-12-28T00:00", "end": "2027-01-02T07:00", "presence_hours": 40,
             "on_call_hours": 40}]}]})
    nights = [kit.shift("A1", "C1", "2027-01-04T22:00", "2027-01-05T07:00", jour=9,
                        meal_pauses=False)]
    found = validator.AUDITS["hour_caps"](sc, kit.schedule(sc, nights))
    assert [v.detail for v in found] == ["jour 49.00 h exceeds 48 h in the 4 weeks"]


def test_a_total_after_since_is_refused() -> None:
    data = kit.scenario_data([kit.client("C1")], [kit.staff("A1")], history={
        "since": "2027-01-01T00:00", "staff": [{"staff": "A1", "totals": [
            {"start": "2026-12-28T00:00", "end": "2027-01-02T00:00", "presence_hours": 40}]}]})
    with pytest.raises(InputError, match=r"ends after history\.since"):
        parse_model(Scenario, data, "x.yaml")


# -- back to back ------------------------------------------------------------------------------

MONDAY_18 = date(2027, 1, 18)
SEAM_RULES = {"period_start": kit.MONDAY.isoformat()}  # the 4 weeks are one 4-week window


def round_the_clock(start: date, days: int, **fields: Any) -> Scenario:
    """C1 needs one assistant around the clock (07–22 awake, 22–07 jour), A1–A4 full time: more
    jour (63 h a week) than the four may take (48 h each per 4 weeks)."""
    c1 = kit.client("C1", approved=("A1", "A2", "A3", "A4"))
    return kit.scenario([c1], kit.team("A1", "A2", "A3", "A4"), start=start, days=days,
                        slot_minutes=60, units=HOURLY_UNIT, rules=SEAM_RULES,
                        solver={"time_limit_seconds": 3, "workers": 2}, **fields)


def joined(scenario: Scenario, *parts: Schedule) -> Schedule:
    return kit.schedule(scenario, [s for part in parts for s in part.shifts])


SEAM_RULE_IDS = {"daily_rest", "weekly_rest", "hour_caps"}


def test_two_plans_in_a_row_join_without_seams(solve_checked: Planner) -> None:
    whole = round_the_clock(kit.MONDAY, 28)
    first = solve_checked(round_the_clock(kit.MONDAY, 14))
    history = history_from_schedule(first)
    assert history.since == datetime(2027, 1, 4)
    assert sum(len(h.shifts) for h in history.staff) == len(first.shifts)
    second = solve_checked(round_the_clock(MONDAY_18, 14,
                                           history=history.model_dump(mode="json")))
    report = validator.check_schedule(whole, joined(whole, first, second))
    assert report.ok, validator.format_report(report)
    # Planned apart, the second plan does not know the first: the join breaks the rules at the
    # seam (jour over the 4 weeks, and rest around Monday 18 January).
    blind = solve_checked(round_the_clock(MONDAY_18, 14))
    found = validator.check_schedule(whole, joined(whole, first, blind)).by_rule()
    assert "hour_caps" in found, found
    assert set(found) <= SEAM_RULE_IDS, found


def test_greedy_plans_in_a_row_join_without_seams() -> None:
    whole = round_the_clock(kit.MONDAY, 28)
    first = greedy(round_the_clock(kit.MONDAY, 14))
    second = greedy(round_the_clock(MONDAY_18, 14,
                                    history=history_from_schedule(first).model_dump(mode="json")))
    report = validator.check_schedule(whole, joined(whole, first, second))
    assert report.ok, validator.format_report(report)


def test_history_from_schedule_keeps_jour_breaks_and_the_earlier_history() -> None:
    data = kit.stay_home_data(days=1)
    schedule = plan_greedy(kit.build(data))
    history = history_from_schedule(schedule)
    assert history.since == datetime(2027, 3, 1)
    unpaid = {(s.staff, s.start): sum(
        (b.end.astimezone(UTC) - b.start.astimezone(UTC)).total_seconds() / 3600
        for b in s.breaks if not b.paid) for s in schedule.shifts}
    for entry in history.staff:
        for w in entry.shifts:
            assert w.unpaid_break_hours == pytest.approx(unpaid[entry.staff, w.start])
            assert w.unit == "K" and w.client is None
    assert any(w.unpaid_break_hours > 0 for e in history.staff for w in e.shifts)
    earlier = History(since=datetime(2027, 2, 20), staff=[StaffHistory(staff="B6", shifts=[
        WorkedShift(start=datetime(2027, 2, 27, 8), end=datetime(2027, 2, 27, 16))])])
    both = history_from_schedule(schedule, earlier=earlier)
    assert both.since == datetime(2027, 2, 20)
    assert [w.start for w in both.shifts_of("B6")][:1] == [datetime(2027, 2, 27, 8)]
    assert {e.staff for e in both.staff} == {e.staff for e in history.staff} | {"B6"}
    # Valid as the history of a scenario the day after.
    kit.build(data, horizon={"start": "2027-03-02", "days": 1},
              history=both.model_dump(mode="json"))


def test_a_history_shift_counts_in_each_period_by_time(plan: Planner) -> None:
    # 1-week limiting periods, at most 10 h of presence each. The history's night Sunday 22:00
    # → Monday 07:00 is 7 h of the horizon's week (from Monday): 3 h are left for Wednesday to
    # Sunday, one shift of 08–11.
    rules = {"limiting_period_weeks": 1, "max_average_hours_per_week": 10}
    night = worked(("2027-01-03T22:00", "2027-01-04T07:00"), on_call_hours=8)
    sc = only_a1(kit.window("08:00", "11:00"), start=date(2027, 1, 6), days=5, rules=rules,
                 history=night)
    assert sum(s.hours for s in plan(sc).shifts) == pytest.approx(3)
    free = only_a1(kit.window("08:00", "11:00"), start=date(2027, 1, 6), days=5, rules=rules)
    assert sum(s.hours for s in plan(free).shifts) == pytest.approx(9)
