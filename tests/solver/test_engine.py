"""The engine end to end on small cases where the right answer is known by hand."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from builders import assistance_week, decision, staff, window
from scheduler.domain.schedule import Schedule


def hours(schedule: Schedule, client: str = "C1") -> float:
    return sum(s.hours for s in schedule.shifts if s.client == client)


def penalty(schedule: Schedule, term: str) -> float:
    return next(p.raw for p in schedule.penalties if p.rule == term)


def test_covers_a_simple_need_fully(solve_checked):
    sc = assistance_week()  # 8 h a day for a week, 56 h granted, three full-timers
    result = solve_checked(sc)
    assert hours(result) == pytest.approx(56)
    assert penalty(result, "uncovered_need") == 0
    assert result.uncovered == []
    assert result.solve.status == "optimal"


def test_settlement_period_nearly_used_up_schedules_less_and_says_so(solve_checked):
    # The period grants 56 h/week over 26 weeks less 1 day; all but 20 h already performed.
    sc = assistance_week(period=("2026-08-03", "2027-02-07"), granted=56)
    total = sc.clients[0].decisions[0].granted_total_hours
    sc = assistance_week(period=("2026-08-03", "2027-02-07"), granted=56, performed=total - 20)
    result = solve_checked(sc)
    assert hours(result) <= 20 + 1e-9
    assert hours(result) >= 20 - 8  # whole shifts of at least 3 h fill most of what is left
    assert penalty(result, "uncovered_need") == pytest.approx(56 - hours(result))
    assert any("granted hours used up" in u.reason for u in result.uncovered)


def test_approved_exception_allows_more_than_granted(solve_checked):
    period = ("2026-08-03", "2027-02-07")
    base = assistance_week(period=period, granted=56)
    used = base.clients[0].decisions[0].granted_total_hours - 20
    without = solve_checked(assistance_week(period=period, granted=56, performed=used))
    with_exception = solve_checked(
        assistance_week(period=period, granted=56, performed=used,
                        exception={"reference": "AC-2027-014", "extra_hours": 36})
    )
    assert hours(without) <= 20
    assert hours(with_exception) == pytest.approx(56)


def test_double_assistance_consumes_granted_hours_twice(solve_checked):
    # 2 assistants 08–12 every day = 56 person-hours a week; only 40 h granted.
    windows = [window("08:00", "12:00", 2)]
    result = solve_checked(assistance_week(windows=windows, granted=40))
    assert hours(result) <= 40
    assert penalty(result, "uncovered_need") == pytest.approx(56 - hours(result))
    full = solve_checked(assistance_week(windows=windows, granted=56))
    assert hours(full) == pytest.approx(56)
    # Two different assistants at once each morning.
    mornings = {}
    for s in full.shifts:
        mornings.setdefault(s.start, set()).add(s.staff)
    assert all(len(v) == 2 for v in mornings.values())


def test_daylight_saving_week_counts_elapsed_hours(solve_checked):
    # Night 22–07 in the week of the spring change (28 March 2027). In the horizon: Monday
    # 00–07 (7 h, Sunday's night), five 9-h nights, the 8-h night into Sunday 28th and Sunday
    # 22–24 (2 h, shorter than the 3-h minimum shift, so it stays uncovered): 62 h of need.
    windows = [window("22:00", "07:00")]
    people = [staff(f"A{i}", 30) for i in range(4)]
    result = solve_checked(
        assistance_week(start=date(2027, 3, 22), windows=windows, granted=80, staff=people,
                        period=("2027-03-22", "2027-03-28"))
    )
    assert hours(result) == pytest.approx(60)
    assert penalty(result, "uncovered_need") == pytest.approx(2)
    tz = ZoneInfo("Europe/Stockholm")
    night_start = datetime(2027, 3, 27, 22, tzinfo=tz)
    night_end = datetime(2027, 3, 28, 7, tzinfo=tz)
    dst_night = [s for s in result.shifts if night_start <= s.start < night_end]
    assert sum(s.hours for s in dst_night) == pytest.approx(8)
    assert max(s.end for s in dst_night).utcoffset() == timedelta(hours=2)  # summer time


def test_rest_rules_a_naive_schedule_would_break(solve_checked):
    # Need 14–22 and 06–14 every day: one person doing both would get 8 h rest. With one
    # assistant only, at most one of the two shifts a day can be worked.
    windows = [window("06:00", "22:00")]
    one = [staff("A1")]
    result = solve_checked(assistance_week(windows=windows, granted=112, staff=one,
                                           rules={"max_shift_hours": 8}))
    ordered = sorted(result.shifts, key=lambda s: s.start)
    gaps = [(b.start - a.end).total_seconds() / 3600 for a, b in itertools.pairwise(ordered)]
    assert len(ordered) >= 5 and all(g >= 11 for g in gaps)
    assert penalty(result, "uncovered_need") > 0


def test_weekly_rest_forces_a_second_assistant(solve_checked):
    # 10 h every day for 7 days: one person cannot work all 7 days (36 h weekly rest).
    windows = [window("08:00", "18:00")]
    people = [staff("A1"), staff("A2")]
    result = solve_checked(assistance_week(windows=windows, granted=70, staff=people,
                                           weights={"continuity": 50}))
    assert hours(result) == pytest.approx(70)
    assert {s.staff for s in result.shifts} == {"A1", "A2"}


def test_absence_is_respected(solve_checked):
    people = [
        staff("A1", absences=[{"start": "2027-02-01T00:00", "end": "2027-02-08T00:00"}]),
        staff("A2"),
    ]
    result = solve_checked(assistance_week(staff=people))
    assert all(s.staff == "A2" for s in result.shifts)


def test_unapproved_or_incompetent_staff_are_never_used(solve_checked):
    sc = assistance_week()
    data = sc.model_dump(mode="json")
    data["clients"][0]["approved_staff"] = ["A1", "A2"]
    data["clients"][0]["required_competences"] = ["epilepsy"]
    data["staff"][0]["competences"] = ["epilepsy"]
    result = solve_checked(type(sc).model_validate(data))
    assert {s.staff for s in result.shifts} == {"A1"}


def test_overtime_only_when_needed_and_reported(solve_checked):
    # 12 h a day, 7 days = 84 h, one full-timer (40 h) and one 20 h part-timer, no one else:
    # the rest is additional hours, then overtime or uncovered.
    windows = [window("08:00", "20:00")]
    people = [staff("A1"), staff("A2", 20)]
    result = solve_checked(assistance_week(windows=windows, granted=84, staff=people))
    assert penalty(result, "additional_hours") == pytest.approx(20, abs=1e-6) or (
        penalty(result, "uncovered_need") > 0
    )
    assert penalty(result, "unused_contract") == 0


def test_penalty_breakdown_adds_up_to_objective(solve_checked):
    result = solve_checked(assistance_week(windows=[window("07:00", "21:00")], granted=98))
    total = sum(p.contribution for p in result.penalties)
    assert total == pytest.approx(result.solve.objective, abs=1e-3)


def test_time_outside_every_decision_is_not_scheduled(solve_checked):
    # The decision ends mid-horizon; the following days stay uncovered with that reason.
    result = solve_checked(assistance_week(period=("2026-08-04", "2027-02-03")))
    assert all(s.start.date() <= date(2027, 2, 3) for s in result.shifts)
    assert any(u.reason == "no decision covers this time" for u in result.uncovered)


def test_horizon_crossing_a_period_boundary_uses_both_decisions(solve_checked):
    # Old period ends 3 Feb with 8 h left; the new one starts 4 Feb with plenty.
    old = assistance_week(period=("2026-08-04", "2027-02-03"))
    used = old.clients[0].decisions[0].granted_total_hours - 8
    new = decision("D2", "2027-02-04", "2027-08-03", 56)
    result = solve_checked(assistance_week(period=("2026-08-04", "2027-02-03"), performed=used,
                                           extra_decisions=[new]))
    first_part = sum(s.hours for s in result.shifts if s.start.date() <= date(2027, 2, 3))
    second_part = sum(s.hours for s in result.shifts if s.start.date() >= date(2027, 2, 4))
    assert first_part <= 8
    assert second_part == pytest.approx(32)


def test_a_stop_during_the_search_is_passed_on_to_cp_sat(solve_checked, monkeypatch):
    # The 24/7 example as one full CP-SAT model (it does not finish within a minute) with a
    # 60-s limit; the stop comes once CP-SAT searches (its solve with a solution callback, not
    # the exact evaluations around it). The engine must tell CP-SAT to stop, at a new solution
    # or, without one, from its watcher, rather than let it run out its limit; and it returns
    # the best schedule so far.
    import threading
    from pathlib import Path

    from ortools.sat.python import cp_model

    from scheduler.planning.variants import load_scenario

    sc = load_scenario(Path(__file__).parents[2] / "scenarios" / "small_group.yaml")
    sc = sc.model_copy(update={"solver": sc.solver.model_copy(
        update={"full_model_max_assignments": 10**9})})
    flag = threading.Event()
    told_to_stop: list[str] = []
    cp_sat_solve = cp_model.CpSolver.solve

    def search(self, model, callback=None):
        if callback is not None:
            flag.set()
        return cp_sat_solve(self, model, callback)

    monkeypatch.setattr(cp_model.CpSolver, "solve", search)
    for cls in (cp_model.CpSolver, cp_model.CpSolverSolutionCallback):
        def stop_search(self, _original=cls.stop_search):
            told_to_stop.append(type(self).__name__)
            return _original(self)

        monkeypatch.setattr(cls, "stop_search", stop_search)
    result = solve_checked(sc, time_limit=60, stop=flag.is_set)
    assert flag.is_set() and told_to_stop
    assert result.shifts  # the greedy start at least: never an empty schedule


def test_concurrent_decisions_share_the_need(solve_checked):
    # SFB grants 40 h and municipal LSS 16 h for the same week: together they cover the 56 h
    # of need; either alone would leave some uncovered.
    lss = decision("D2", "2027-02-01", "2027-02-07", 16, kind="lss_assistance")
    result = solve_checked(assistance_week(granted=40, extra_decisions=[lss]))
    assert hours(result) == pytest.approx(56)
    assert penalty(result, "uncovered_need") == 0
    alone = solve_checked(assistance_week(granted=40))
    assert hours(alone) <= 40


def test_progress_reports_whole_schedules_that_only_improve(solve_checked):
    # Two independent groups (two parts): progress must report the whole scenario's objective
    # from the first report on (not just the finished parts), never rising, ending at the result.
    base = assistance_week(windows=[window("07:00", "21:00")], granted=98).model_dump(
        mode="json")
    second = {**base["clients"][0], "id": "C2", "approved_staff": ["B1", "B2", "B3"]}
    second["decisions"] = [{**base["clients"][0]["decisions"][0], "id": "D2"}]
    base["clients"].append(second)
    base["staff"] += [{**base["staff"][0], "id": f"B{i}"} for i in (1, 2, 3)]
    sc = type(assistance_week()).model_validate(base)
    reports = []
    result = solve_checked(sc, time_limit=10, progress=reports.append)
    assert result.solve.components == 2
    assert reports
    objectives = [r.objective for r in reports]
    assert all(b <= a + 1e-6 for a, b in itertools.pairwise(objectives))
    assert objectives[-1] >= result.solve.objective - 1e-6
    assert all(r.bound is not None and r.bound <= result.solve.objective + 1e-6 for r in reports)
    # The first report already counts the second group's start schedule.
    assert objectives[0] >= result.solve.objective - 1e-6


def test_time_share_reserves_a_minimum_for_every_part_then_goes_by_weight():
    from scheduler.solver.engine import MIN_PART_SECONDS, time_share

    # 100 s for a part with all the weight and three with none: each of those still gets the
    # minimum, and the first gets the rest.
    assert time_share(100.0, [50.0, 0.0, 0.0, 0.0]) == pytest.approx(100 - 3 * MIN_PART_SECONDS)
    assert time_share(100.0, [0.0, 50.0]) == pytest.approx(MIN_PART_SECONDS)
    # By weight above the reserve: 2 × 3 s reserved, 94 s split 1:3.
    assert time_share(100.0, [1.0, 3.0]) == pytest.approx(3 + 94 / 4)
    # Short of time: an equal split, never more than is left.
    assert time_share(4.0, [1.0, 1.0, 1.0, 1.0]) == pytest.approx(1.0)
    shares, left, weights = [], 60.0, [5.0, 1.0, 0.0, 2.0]
    for i in range(len(weights)):
        shares.append(time_share(left, weights[i:]))
        left -= shares[-1]
    assert sum(shares) == pytest.approx(60.0)
    assert min(shares) >= MIN_PART_SECONDS
