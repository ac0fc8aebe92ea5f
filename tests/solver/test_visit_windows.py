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
from scheduler.solver.problem import Problem, compile_problem
from scheduler.solver.rounds import scattered_shifts, visits_of
from scheduler.solver.shifts import CandidateShift

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
    # The timing rule: the shortest span (the second visit at its earliest after the first and
    # 5 minutes' travel, on the 15-minute grid), then the pair moved as near 08:00 as that
    # allows: the first 45 minutes early, the second 30 late.
    assert [(f"{v.start:%H:%M}", f"{v.end:%H:%M}", f"{v.asked_start:%H:%M}")
            for v in round_.visits if v.asked_start is not None] == [
        ("07:15", "08:15", "08:00"), ("08:30", "09:30", "08:00")]
    assert (round_.start.strftime("%H:%M"), round_.end.strftime("%H:%M")) == ("07:15", "10:15")
    assert sorted(minutes_moved(flexible)) == [-45, 30]
    assert flexible.solve.objective < fixed.solve.objective


def test_the_greedy_uses_the_window_too() -> None:
    assert term(checked_greedy(kit.build(same_time_data(60))), "uncovered_need") == 0
    assert term(checked_greedy(kit.build(same_time_data(0))), "uncovered_need") == 1.0


def test_candidates_keep_visits_in_their_windows_apart_and_in_reach() -> None:
    def rounds_of(window: int) -> tuple[Problem, list[CandidateShift]]:
        # Seed 3's unit has a client whose morning visit needs two assistants (a lift).
        scn = generate_scattered(3, clients=8, units=1, days=2, visit_window=window)
        problem = compile_problem(scn)
        return problem, scattered_shifts(problem, 0)

    problem, shifts = rounds_of(30)
    slot = problem.slot_minutes
    doubles = moved = 0
    for s in shifts:
        held = [v.held for v in s.visits]
        for v in s.visits:
            assert abs(v.moved) * slot <= 30
            count = problem.demands[v.owner].demand.count
            if count[v.start:v.end].max() > 1:
                doubles += 1
                assert v.moved == 0, "a visit for two stays at its time"
            # Held, the visit meets none of its client's other need (halfway at most).
            other = count > 0
            other[v.start:v.end] = False
            assert not other[v.held[0]:v.held[1]].any()
            moved += v.moved != 0
        assert s.start <= held[0][0] and held[-1][1] <= s.end
        for (_, b), (c, _), v in zip(held, held[1:], s.visits[1:], strict=False):
            assert b * slot + v.travel_minutes <= c * slot
    assert moved, "with ±30 min some candidates move a visit"
    assert doubles, "the case is what it claims: some candidates serve a visit for two"
    _, fixed = rounds_of(0)
    assert all(v.moved == 0 for s in fixed for v in s.visits)

    def multi(found: list[CandidateShift]) -> int:
        return sum(len({v.owner for v in s.visits}) > 1 for s in found)

    assert multi(shifts) > multi(fixed), "windows let more visits share a round"


def test_a_window_stops_halfway_to_the_clients_other_need_and_at_the_horizon() -> None:
    # C1: 00:00–00:30 (at the horizon's start), 01:30–02:00 and 03:00–07:00 (jour from 03:00,
    # not a visit); a window of ± 60 min.
    client = kit.scattered_client("C1", 0, 0, visits=[("00:00", "00:30"), ("01:30", "02:00")],
                                  approved=("A1",), visit_window_minutes=60)
    client["need"]["weekly"].append(kit.window("03:00", "07:00", on_call=True))
    problem = compile_problem(kit.build(kit.scenario_data(
        [client], [kit.staff("A1", 30, competences=[])], days=1)))
    visits = visits_of(problem.demands["C1"], problem.slot_minutes)
    q = 60 // problem.slot_minutes  # slots an hour
    assert [(v.start, v.end) for v in visits] == [(0, q // 2), (3 * q // 2, 2 * q)]
    first, second = visits
    # The first starts no earlier than the horizon, and ends no later than halfway (01:00)
    # between its end (00:30) and the second's start (01:30): it starts at 00:30 at the latest.
    assert (first.lo, first.hi) == (0, q // 2)
    # The second starts no earlier than that halfway, 01:00, and ends no later than halfway
    # (02:30) between its end (02:00) and the jour at 03:00: it starts at 02:00 at the latest.
    assert (second.lo, second.hi) == (q, 2 * q)


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
