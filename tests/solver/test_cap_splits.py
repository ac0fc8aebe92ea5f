"""A shift's minutes per hour-cap period (``Problem.cap_splits``): split where they are worked,
each period once, and kept across models by what they are computed from."""

from __future__ import annotations

import builders as kit
from scheduler.solver.problem import Problem, compile_problem


def _problem(limiting_weeks: int) -> Problem:
    scn = kit.scenario(days=14, rules={"limiting_period_weeks": limiting_weeks,
                                       "period_start": "2027-01-04"})
    return compile_problem(scn)


def test_a_night_shift_is_split_at_the_period_boundary() -> None:
    problem = _problem(1)  # weekly limiting periods; the 4-week window holds the whole horizon
    monday = problem.grid.day_starts()[7]
    per_hour = 60 // problem.slot_minutes
    start, end = monday - 2 * per_hour, monday + 6 * per_hour  # Sunday 22:00 – Monday 06:00
    splits = problem.cap_splits("C1", start, end, ())
    weekly = {p.day: minutes[0] for p, minutes in splits if p.days == 7}
    assert weekly == {0: 120, 7: 360}
    assert [minutes[0] for p, minutes in splits if p.days == 28] == [480]


def test_each_period_once_when_limiting_periods_are_the_four_week_windows() -> None:
    problem = _problem(4)
    assert problem.cap_periods == problem.four_weeks
    splits = problem.cap_splits("C1", 10, 20, ())
    assert [p for p, _ in splits] == problem.four_weeks[:1]


def test_the_cache_is_keyed_by_the_break_plans_too() -> None:
    problem = _problem(1)
    slot = problem.slot_minutes
    start, end = 8 * 60 // slot, 16 * 60 // slot  # Monday 08:00–16:00
    plain = problem.cap_splits("C1", start, end, ())
    assert problem.cap_splits("C1", start, end, ()) is plain  # computed once
    with_break = problem.cap_splits("C1", start, end, ((12 * 60 // slot,),))
    presence = [minutes[0] for _, minutes in plain]
    assert [minutes[0] for _, minutes in with_break] == presence
    # An unpaid break is not work: less work in every period than the same shift without one.
    assert all(b[2] < a[2] for (_, a), (_, b) in zip(plain, with_break, strict=True))
