"""Visit windows: a scattered client's visit may be held up to ``visit_window_minutes`` from
the time its need asks for (``solver.rounds``), still serving that need; every schedule is
re-checked by the independent validator."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

import builders as kit
from checked import assert_valid, checked_engine, checked_greedy
from scheduler.domain.schedule import Schedule
from scheduler.planning.instances import generate_scattered
from scheduler.solver.problem import compile_problem
from scheduler.solver.rounds import scattered_shifts

solve = checked_engine(default_time_limit=20)


def term(result: Schedule, rule: str) -> float:
    return next(p.raw for p in result.penalties if p.rule == rule)


def same_time_data(window: int, *, days: int = 1, **top: object) -> dict[str, object]:
    """C1 and C2, 1 km apart (5 minutes' travel), both asking for a visit 08:00–09:00 every
    day; one assistant, A1, approved for both, who works one shift a day."""
    clients = [kit.scattered_client(cid, x, 0.0, visits=[("08:00", "09:00")], approved=("A1",),
                                    visit_window_minutes=window)
               for cid, x in (("C1", 0.0), ("C2", 1.0))]
    return kit.scenario_data(clients, [kit.staff("A1", 30, competences=[])], days=days, **top)


def minutes_moved(result: Schedule) -> list[float]:
    return [(v.start - v.asked_start).total_seconds() / 60 for s in result.shifts
            for v in s.visits if v.asked_start is not None]


def test_a_window_lets_one_round_serve_two_visits_asked_at_the_same_time() -> None:
    fixed = solve(kit.build(same_time_data(0)))
    assert term(fixed, "uncovered_need") == 1.0  # one assistant, two homes at 08:00
    assert minutes_moved(fixed) == []
    flexible = solve(kit.build(same_time_data(60)))
    assert term(flexible, "uncovered_need") == 0
    (round_,) = flexible.shifts
    assert [v.client for v in round_.visits] in (["C1", "C2"], ["C2", "C1"])
    moved = minutes_moved(flexible)
    assert moved and all(abs(m) <= 60 for m in moved)
    first, second = round_.visits
    assert (second.start - first.end).total_seconds() / 60 >= 5  # the travel fits
    assert flexible.solve.objective < fixed.solve.objective


def test_the_greedy_uses_the_window_too() -> None:
    assert term(checked_greedy(kit.build(same_time_data(60))), "uncovered_need") == 0
    assert term(checked_greedy(kit.build(same_time_data(0))), "uncovered_need") == 1.0


def test_candidates_keep_visits_in_their_windows_apart_and_in_reach() -> None:
    def rounds_of(window: int) -> list:
        scn = generate_scattered(3, clients=8, units=1, days=2, visit_window=window)
        problem = compile_problem(scn)
        return problem, scattered_shifts(problem, 0)

    problem, shifts = rounds_of(30)
    slot = problem.slot_minutes
    window = 30 // slot
    moved = 0
    for s in shifts:
        held = [v.held for v in s.visits]
        for v in s.visits:
            assert abs(v.moved) <= window
            count = problem.demands[v.owner].demand.count[v.start:v.end]
            assert v.moved == 0 or count.max() == 1, "a visit for two stays at its time"
            moved += v.moved != 0
        assert s.start <= held[0][0] and held[-1][1] <= s.end
        for (_, b), (c, _), v in zip(held, held[1:], s.visits[1:], strict=False):
            assert b * slot + v.travel_minutes <= c * slot
    assert moved, "with ±30 min some candidates move a visit"
    _, fixed = rounds_of(0)
    assert all(v.moved == 0 for s in fixed for v in s.visits)

    def multi(found: list) -> int:
        return sum(len({v.owner for v in s.visits}) > 1 for s in found)

    assert multi(shifts) > multi(fixed), "windows let more visits share a round"


def pinned_round(c1: str, c2: str, end: str) -> dict[str, object]:
    """A1 on C1 then C2 on Monday 4 January 2027, each visit held at the given start for an
    hour, both asked for 08:00."""
    day = "2027-01-04T"

    def visit(client: str, start: str) -> dict[str, str]:
        hour, minute = map(int, start.split(":"))
        return {"client": client, "start": day + start,
                "end": day + f"{hour + 1:02d}:{minute:02d}", "asked_start": day + "08:00"}

    return {"staff": "A1", "unit": "U1", "start": day + c1, "end": day + end,
            "visits": [visit("C1", c1), visit("C2", c2)]}


def test_a_pinned_moved_round_is_kept_exactly_by_both_planners() -> None:
    pin = pinned_round("07:30", "08:45", end="10:30")
    sc = kit.build(same_time_data(60, pinned_shifts=[pin]))
    for result in (solve(sc), checked_greedy(sc)):
        (kept,) = result.shifts
        assert [(v.client, v.start.strftime("%H:%M"), v.asked_start.strftime("%H:%M"))
                for v in kept.visits if v.asked_start is not None] == [
            ("C1", "07:30", "08:00"), ("C2", "08:45", "08:00")]


def test_a_pin_moved_past_the_window_is_refused_with_its_name() -> None:
    from scheduler.planning.pins import PinError, check_pins

    pin = pinned_round("07:30", "09:15", end="10:30")  # C2 held 75 min late; window ± 60
    with pytest.raises(PinError, match=r"A1 at round U1 2027-01-04 07:30"):
        check_pins(kit.build(same_time_data(60, pinned_shifts=[pin])))


def test_a_replan_keeps_the_moved_visits_of_the_past() -> None:
    from scheduler.planning.replan import replan

    sc = kit.build(same_time_data(60, days=2))
    first = solve(sc)
    again = replan(sc, first, datetime(2027, 1, 5, 6, 0))
    assert_valid(again.scenario, again.planned.schedule)
    monday = [s for s in first.shifts if s.start.day == 4]
    assert minutes_moved(Schedule.model_validate({**first.model_dump(), "shifts": monday}))
    assert [s for s in again.planned.schedule.shifts if s.start.day == 4] == monday


def test_a_window_is_for_scattered_clients_only() -> None:
    data = same_time_data(0)
    data["clients"].append(kit.client("C3", windows=[kit.window("07:00", "15:00")],
                                      visit_window_minutes=30))
    with pytest.raises(ValidationError, match=r"visit_window_minutes \(30\) is for scattered"):
        kit.build(data)
